import type { Actor } from '../../http/actor.js';
import type { ProofKind, PublisherKind, PublisherVatRegime } from '../../db/types.js';

/**
 * | action                                                        | who                                                   |
 * |---------------------------------------------------------------|-------------------------------------------------------|
 * | read its payout figures, profile, proofs, mandate, invoices   | the publisher (support acting as it too)              |
 * | change its profile, upload a proof, accept/revoke the mandate,| the publisher in its own session, not while acting:   |
 * |   ask for a withdrawal, link a buyer account, convert         |   what it signs and where its money goes are its own  |
 * | review proofs, batch, refuse and pay withdrawals, DAC7 export | support in its own name                               |
 * | read a proof's file or a self-billed invoice                  | its publisher and support                              |
 */
export const payoutPolicy = {
  mayRead: (actor: Actor) => actor.account.role === 'publisher',
  mayChange: (actor: Actor) => actor.account.role === 'publisher' && !actor.actingAs,
  mayOperate: (actor: Actor) => actor.account.role === 'support' && actor.person.role === 'support' && !actor.actingAs,
  maySeeAll: (actor: Actor) => actor.account.role === 'support' && actor.person.role === 'support',
};

/** An accepted proof is valid for 6 months from the date it was issued; the publisher is reminded 30 days before. */
export const PROOF_VALID_MONTHS = 6;
export const PROOF_REMINDER_DAYS = 30;
/** A Kbis or INSEE notice is enough while lifetime earnings stay under this; beyond, an URSSAF attestation de vigilance. */
export const KBIS_CEILING_CENTS = 500_000;
/** How long a publisher has to contest a self-billed invoice issued in its name. */
export const CONTEST_DAYS = 30;
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
export const MANDATE_VERSION = '2026-12';

export type ProfileFacts = {
  kind: PublisherKind;
  country: string;
  birthDate: string | null;
  siret: string | null;
  vatRegime: PublisherVatRegime | null;
  vatNumber: string | null;
  taxNumber: string | null;
  iban: string | null;
  bic: string | null;
  accountHolder: string | null;
};

/** What DAC7 and the payout still need of a profile (codes the web turns into sentences). */
export function missingOfProfile(p: ProfileFacts | null): string[] {
  if (!p) return ['profile_missing'];
  const missing: string[] = [];
  if (p.kind === 'individual') {
    if (!p.birthDate) missing.push('birth_date_missing');
    if (!p.taxNumber) missing.push('tax_number_missing');
  } else {
    if (!p.siret && p.country === 'FR') missing.push('siret_missing');
    if (!p.vatRegime) missing.push('vat_regime_missing');
    if ((p.vatRegime === 'fr_vat' || p.vatRegime === 'eu_reverse_charge') && !p.vatNumber) missing.push('vat_number_missing');
    // A French company is identified by its SIREN; elsewhere DAC7 asks for its tax number.
    if (p.country !== 'FR' && !p.taxNumber) missing.push('tax_number_missing');
    if (!p.iban || !p.bic || !p.accountHolder) missing.push('iban_missing');
  }
  return missing;
}

export type ProofFacts = { kind: ProofKind; validUntil: string } | null;

export type PayoutFacts = {
  profile: ProfileFacts | null;
  mandateActive: boolean;
  /** the accepted proof valid the longest, if any accepted one exists (expired or not) */
  proof: ProofFacts;
  today: string;
  lifetimeEarningsCents: number;
  openWithdrawal: boolean;
  availableCents: number;
  debtCents: number;
  minimumCents: number;
  buyerLinked: boolean;
};

/** Why this publisher may not ask for a withdrawal now; empty when it may. */
export function withdrawalBlockers(f: PayoutFacts): string[] {
  if (!f.profile) return ['profile_missing'];
  if (f.profile.kind !== 'business') return ['business_only'];
  const missing = missingOfProfile(f.profile);
  if (!f.mandateActive) missing.push('mandate_missing');
  if (!f.proof) missing.push('proof_missing');
  else if (f.proof.validUntil < f.today) missing.push('proof_expired');
  else if (f.proof.kind !== 'urssaf_vigilance' && f.lifetimeEarningsCents >= KBIS_CEILING_CENTS) missing.push('proof_kind_insufficient');
  if (f.openWithdrawal) missing.push('withdrawal_open');
  if (f.availableCents - f.debtCents < f.minimumCents) missing.push('below_minimum');
  return missing;
}

/** Why this publisher may not turn earnings into credits now. */
export function conversionBlockers(f: PayoutFacts): string[] {
  const missing = missingOfProfile(f.profile).filter((m) => m !== 'iban_missing');
  if (!f.buyerLinked) missing.push('buyer_link_missing');
  if (f.availableCents - f.debtCents <= 0) missing.push('nothing_available');
  return missing;
}

/** The VAT of a self-billed invoice by the publisher's regime: French VAT at 20 %, none otherwise, each with its mention. */
export function vatOfRegime(regime: PublisherVatRegime): { rateBp: number; mention: string } {
  switch (regime) {
    case 'fr_vat':
      return { rateBp: 2000, mention: 'TVA française au taux de 20 %.' };
    case 'franchise':
      return { rateBp: 0, mention: 'TVA non applicable, art. 293 B du CGI.' };
    case 'eu_reverse_charge':
      return { rateBp: 0, mention: 'Autoliquidation : TVA due par le preneur, art. 196 de la directive 2006/112/CE.' };
  }
}
