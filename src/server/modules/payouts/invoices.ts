import { addDays } from 'date-fns';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import { notFound } from '../../http/errors.js';
import type { InvoiceLine, Party, PublisherVatRegime } from '../../db/types.js';
import { CONTEST_DAYS, payoutPolicy, vatOfRegime } from './policy.js';
import { renderSelfBilledInvoicePdf } from './pdf.js';
import {
  allocateSelfBilledNumber,
  findProfile,
  findSelfBilledInvoice,
  insertSelfBilledInvoice,
  listSelfBilledInvoiceRows,
  mandateById,
} from './queries.js';
import { requirePublisher } from './profile.js';

/** The VAT a withdrawal's invoice carries on top of the earnings paid (the earnings are before VAT, as credits are). */
export function vatOfWithdrawal(amountCents: number, regime: PublisherVatRegime) {
  const { rateBp } = vatOfRegime(regime);
  return Math.round((amountCents * rateBp) / 10_000);
}

/** The platform as the buyer of the publishers' services, from the seller identity of the configuration. */
export function platformParty(ctx: Ctx): Party & { rcs?: string | null } {
  const s = ctx.config.seller;
  return { name: s.name, legalName: s.legalName, address: s.address, postalCode: s.postalCode, city: s.city, country: s.country, siret: s.siret, vatNumber: s.vatNumber, rcs: s.rcs };
}

/**
 * Issues the self-billed invoice of a paid withdrawal, in the caller's transaction: the next number
 * of the publisher's own series (`AF-<n>`, gapless: the sequence row is locked until commit), its
 * identity and VAT regime as they are now, frozen in an immutable row.
 */
export async function issueSelfBilledInvoice(
  tx: Tx,
  ctx: Ctx,
  w: { id: string; account_id: string; amount_cents: number | string; vat_regime: PublisherVatRegime | null; vat_cents: number | string; mandateId: string; batchReference: string },
  now = new Date(),
) {
  const profile = await findProfile(tx, w.account_id);
  if (!profile) throw new Error('a paid withdrawal has a profile');
  const regime = w.vat_regime ?? profile.vat_regime ?? 'franchise';
  const { rateBp, mention } = vatOfRegime(regime);
  const subtotal = Number(w.amount_cents);
  const vat = Number(w.vat_cents);
  const sequence = await allocateSelfBilledNumber(tx, w.account_id);
  const number = `AF-${String(sequence).padStart(5, '0')}`;
  const seller: Party = {
    name: profile.legal_name,
    legalName: profile.legal_name,
    address: profile.address,
    postalCode: profile.postal_code,
    city: profile.city,
    country: profile.country,
    siret: profile.siret,
    vatNumber: profile.vat_number,
  };
  const lines: InvoiceLine[] = [
    {
      label: `Prestations de publication de liens sur la plateforme Maillon — gains versés par le virement ${w.batchReference}`,
      quantity: 1,
      unitPriceCents: subtotal,
      totalCents: subtotal,
    },
  ];
  return insertSelfBilledInvoice(tx, {
    account_id: w.account_id,
    sequence,
    number,
    withdrawal_id: w.id,
    issued_at: now,
    contest_until: addDays(now, CONTEST_DAYS),
    mandate_id: w.mandateId,
    seller: JSON.stringify(seller),
    buyer: JSON.stringify(platformParty(ctx)),
    lines: JSON.stringify(lines),
    vat_regime: regime,
    vat_rate_bp: rateBp,
    subtotal_cents: subtotal,
    vat_cents: vat,
    total_cents: subtotal + vat,
    vat_mention: mention,
  });
}

export async function listMyInvoices(actor: Actor, f: { limit: number; cursor?: string }, ctx: Ctx) {
  const id = requirePublisher(actor);
  const page = await listSelfBilledInvoiceRows(ctx.db, id, f);
  return {
    items: page.rows.map((r) => ({
      id: r.id,
      number: r.number,
      issuedAt: new Date(r.issued_at).toISOString(),
      contestUntil: new Date(r.contest_until).toISOString(),
      subtotalCents: Number(r.subtotal_cents),
      vatCents: Number(r.vat_cents),
      totalCents: Number(r.total_cents),
      withdrawalId: r.withdrawal_id,
    })),
    nextCursor: page.nextCursor,
  };
}

/** The PDF of a self-billed invoice: to its publisher or to support. */
export async function selfBilledInvoicePdf(actor: Actor, invoiceId: string, ctx: Ctx) {
  const invoice = payoutPolicy.maySeeAll(actor)
    ? await findSelfBilledInvoice(ctx.db, invoiceId)
    : await findSelfBilledInvoice(ctx.db, invoiceId, requirePublisher(actor));
  if (!invoice) throw notFound();
  const mandate = await mandateById(ctx.db, invoice.mandate_id);
  const pdf = await renderSelfBilledInvoicePdf({
    number: invoice.number,
    issuedAt: new Date(invoice.issued_at),
    contestUntil: new Date(invoice.contest_until),
    seller: invoice.seller,
    buyer: invoice.buyer,
    lines: invoice.lines,
    vatRegime: invoice.vat_regime,
    vatRateBp: invoice.vat_rate_bp,
    subtotalCents: Number(invoice.subtotal_cents),
    vatCents: Number(invoice.vat_cents),
    totalCents: Number(invoice.total_cents),
    vatMention: invoice.vat_mention,
    mandateVersion: mandate.version,
    mandateAcceptedAt: new Date(mandate.accepted_at),
    withdrawalReference: invoice.withdrawal_id,
  });
  return { filename: `${invoice.number}.pdf`, pdf };
}
