import type { Actor, Ctx, Tx } from '../../http/actor.js';
import { AppError, forbidden, invalidInput } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { missingOfProfile, payoutPolicy } from './policy.js';
import { findProfile, saveProfileRow, type PublisherProfileRow } from './queries.js';
import type { ProfileInput } from './schema.js';
import {
  bicProblem,
  ibanProblem,
  maskIban,
  normalizeBic,
  normalizeIban,
  normalizeSiret,
  normalizeVatNumber,
  siretProblem,
  taxNumberProblem,
  vatNumberProblem,
} from './validation.js';

const EU = new Set('AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' '));

export function requirePublisher(actor: Actor, change = false): string {
  if (!(change ? payoutPolicy.mayChange(actor) : payoutPolicy.mayRead(actor))) {
    if (actor.account.role === 'publisher') throw new AppError('forbidden_while_acting', 403, 'forbidden_while_acting');
    throw forbidden('publisher_only');
  }
  return actor.account.id;
}

export function profileView(row: PublisherProfileRow | null) {
  return {
    profile: row
      ? {
          accountId: row.account_id,
          kind: row.kind,
          legalName: row.legal_name,
          address: row.address,
          postalCode: row.postal_code,
          city: row.city,
          country: row.country,
          birthDate: row.birth_date,
          siret: row.siret,
          vatRegime: row.vat_regime,
          vatNumber: row.vat_number,
          taxNumber: row.tax_number,
          iban: row.iban,
          bic: row.bic,
          accountHolder: row.account_holder,
          updatedAt: new Date(row.updated_at).toISOString(),
        }
      : null,
    completeness: { missing: missingOfProfile(row ? factsOfProfile(row) : null) },
  };
}

export function factsOfProfile(row: PublisherProfileRow) {
  return {
    kind: row.kind,
    country: row.country,
    birthDate: row.birth_date,
    siret: row.siret,
    vatRegime: row.vat_regime,
    vatNumber: row.vat_number,
    taxNumber: row.tax_number,
    iban: row.iban,
    bic: row.bic,
    accountHolder: row.account_holder,
  };
}

export async function getProfile(actor: Actor, ctx: Ctx) {
  const id = requirePublisher(actor);
  return profileView(await findProfile(ctx.db, id));
}

function yearsBetween(birth: string, today: Date): number {
  const [y, m, d] = birth.split('-').map(Number);
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age--;
  return age;
}

/** Checks and normalizes what the publisher typed; every problem is a 400 naming its field. */
export function checkProfile(input: ProfileInput, now: Date): Omit<PublisherProfileRow, 'account_id' | 'updated_at' | 'updated_by'> {
  const business = input.kind === 'business';
  const siret = business && input.siret ? normalizeSiret(input.siret) : null;
  if (siret) {
    const problem = siretProblem(siret);
    if (problem) throw invalidInput(problem, 'siret', { value: siret });
  } else if (business && input.country === 'FR') throw invalidInput('siret_required', 'siret');
  const vatRegime = business ? input.vatRegime : null;
  if (business && !vatRegime) throw invalidInput('vat_regime_required', 'vatRegime');
  const vatNumber = input.vatNumber ? normalizeVatNumber(input.vatNumber) : null;
  if (vatNumber) {
    const problem = vatNumberProblem(vatNumber, siret);
    if (problem) throw invalidInput(problem, 'vatNumber');
  }
  if ((vatRegime === 'fr_vat' || vatRegime === 'eu_reverse_charge') && !vatNumber) throw invalidInput('vat_number_required', 'vatNumber');
  if (vatRegime === 'eu_reverse_charge' && (input.country === 'FR' || !EU.has(input.country))) {
    throw invalidInput('vat_reverse_charge_eu_only', 'vatRegime');
  }
  const taxNumber = input.taxNumber ? input.taxNumber.replace(/\s/g, '').toUpperCase() : null;
  if (taxNumber) {
    const problem = taxNumberProblem(taxNumber, input.country);
    if (problem) throw invalidInput(problem, 'taxNumber');
  }
  const birthDate = input.kind === 'individual' ? input.birthDate : null;
  if (birthDate) {
    const age = yearsBetween(birthDate, now);
    if (age < 18 || age > 120) throw invalidInput('birth_date_range', 'birthDate');
  }
  const iban = input.iban ? normalizeIban(input.iban) : null;
  if (iban) {
    const problem = ibanProblem(iban);
    if (problem) throw invalidInput(problem, 'iban');
  }
  const bic = input.bic ? normalizeBic(input.bic) : null;
  if (bic) {
    const problem = bicProblem(bic, iban);
    if (problem) throw invalidInput(problem, 'bic');
  } else if (iban) throw invalidInput('bic_invalid', 'bic');
  if (iban && !input.accountHolder) throw invalidInput('account_holder_required', 'accountHolder');
  return {
    kind: input.kind,
    legal_name: input.legalName,
    address: input.address,
    postal_code: input.postalCode,
    city: input.city,
    country: input.country,
    birth_date: birthDate,
    siret,
    vat_regime: vatRegime,
    vat_number: vatNumber,
    tax_number: taxNumber,
    iban,
    bic: iban ? bic : null,
    account_holder: iban ? input.accountHolder : null,
  };
}

/** Saves the publisher's billing profile (its own session only: where its money goes is its own). */
export async function saveProfile(actor: Actor, input: ProfileInput, ctx: Ctx) {
  const id = requirePublisher(actor, true);
  const checked = checkProfile(input, new Date());
  return ctx.db.transaction().execute(async (tx: Tx) => {
    const before = await findProfile(tx, id, true);
    await saveProfileRow(tx, { account_id: id, ...checked, updated_by: actor.person.id });
    const changed = Object.entries(checked)
      .filter(([k, v]) => !before || String((before as Record<string, unknown>)[k] ?? '') !== String(v ?? ''))
      .map(([k]) => k);
    await recordAudit(tx, actor, 'payout_profile.save', { type: 'account', id }, {
      changed,
      ...(changed.includes('iban') && checked.iban ? { iban: maskIban(checked.iban) } : {}),
    });
    return profileView(await findProfile(tx, id));
  });
}
