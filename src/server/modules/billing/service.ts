import { randomBytes } from 'node:crypto';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { Company, InvoiceLine, Party, VatRegime } from '../../db/types.js';
import { AppError, forbidden, invalidState, notFound, ruleViolation } from '../../http/errors.js';
import { runIdempotent, type Idempotency } from '../../http/idempotency.js';
import { recordAudit } from '../audit/service.js';
import { audienceOf, findAccountById, findReachableAccount, supportAudience } from '../accounts/service.js';
import { notify } from '../notifications/service.js';
import { forwardFromClosedWallet, transferCredits } from '../ledger/service.js';
import { SYSTEM_ACCOUNTS } from '../ledger/system.js';
import { billingPolicy } from './policy.js';
import { frDate, renderPdf } from './pdf.js';
import { allocateInvoiceNumber, listInvoiceRows, listTopUpRows, lockTopUp, parisYear, type Scope } from './queries.js';
import { decideVat, vatCents } from './vat.js';

const CREDIT_LINE = 'Crédits Maillon (1 crédit = 1 € HT)';

function paymentReference(): string {
  // Crockford-style alphabet: no I, L, O, U to misread on a bank statement.
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = randomBytes(8);
  return `MLN-${[...bytes].map((b) => alphabet[b % 32]).join('')}`;
}

function buyerOf(account: { name: string; company: Company | null }): Party | null {
  const c = account.company;
  if (!c || !c.legalName || !c.address || !c.postalCode || !c.city || !c.country) return null;
  return { ...c, name: account.name };
}

async function scopeFor(actor: Actor, accountId: string | undefined, ctx: Ctx): Promise<Scope> {
  if (accountId) {
    const account = await findReachableAccount(ctx.db, actor, accountId);
    return { rootId: null, accountId: account.id };
  }
  return { rootId: actor.account.role === 'support' ? null : actor.account.id };
}

export async function requestTopUp(
  actor: Actor,
  accountId: string,
  input: { amountCents: number; method: 'bank_transfer' },
  idem: Idempotency,
  ctx: Ctx,
) {
  if (!billingPolicy.mayRequestTopUp(actor)) throw forbidden();
  return runIdempotent(ctx, actor, idem, async (tx) => {
    const account = await findReachableAccount(tx, actor, accountId);
    if (!account.active) throw ruleViolation('wallet_inactive', {}, 'accountId');
    const buyer = buyerOf({ name: account.name, company: account.company as Company | null });
    if (!buyer) throw ruleViolation('company_missing', { name: account.name }, 'company');
    const vat = decideVat(buyer.country, buyer.vatNumber);
    const vatAmount = vatCents(input.amountCents, vat.rateBp);
    const row = await tx
      .insertInto('top_ups')
      .values({
        account_id: account.id,
        agency_id: account.agency_id,
        amount_cents: input.amountCents,
        vat_rate_bp: vat.rateBp,
        vat_cents: vatAmount,
        total_cents: input.amountCents + vatAmount,
        vat_regime: vat.regime,
        method: input.method,
        payment_reference: paymentReference(),
        buyer: JSON.stringify(buyer),
        requested_by: actor.person.id,
        requested_as: actor.account.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      actor,
      'top_up.request',
      { type: 'top_up', id: row.id },
      { accountId: account.id, amountCents: input.amountCents },
    );
    const object = { type: 'top_up', id: row.id };
    const params = { account: account.name, amountCents: input.amountCents, reference: row.payment_reference };
    // The wallet's people get the pro forma (on the top-ups page); support waits for the transfer.
    await notify(tx, ctx, { kind: 'topup_awaiting', params, link: '/recharger', object, recipients: await audienceOf(tx, account.id) });
    await notify(tx, ctx, { kind: 'transfer_to_confirm', params, link: '/support/virements', object, recipients: await supportAudience(tx) });
    return {
      id: row.id,
      status: 'awaiting_payment' as const,
      accountId: account.id,
      amountCents: input.amountCents,
      vatCents: vatAmount,
      totalCents: input.amountCents + vatAmount,
      paymentReference: row.payment_reference,
      proformaUrl: `/api/top-ups/${row.id}/proforma.pdf`,
    };
  });
}

export async function listTopUps(
  actor: Actor,
  f: { accountId?: string; status?: string; limit: number; cursor?: string },
  ctx: Ctx,
) {
  return listTopUpRows(ctx.db, await scopeFor(actor, f.accountId, ctx), f);
}

async function findTopUpInReach(db: Tx, actor: Actor, id: string) {
  const topUp = await db.selectFrom('top_ups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!topUp) throw notFound();
  await findReachableAccount(db, actor, topUp.account_id);
  return topUp;
}

export async function renderProforma(actor: Actor, id: string, ctx: Ctx): Promise<{ filename: string; pdf: Buffer }> {
  const topUp = await findTopUpInReach(ctx.db, actor, id);
  const vat = decideVat(topUp.buyer.country, topUp.buyer.vatNumber);
  const amount = Number(topUp.amount_cents);
  const { seller } = ctx.config;
  const pdf = await renderPdf({
    title: 'Facture pro forma',
    number: topUp.payment_reference,
    issuedAt: new Date(topUp.created_at),
    seller,
    buyer: topUp.buyer,
    lines: [{ label: CREDIT_LINE, quantity: amount / 100, unitPriceCents: 100, totalCents: amount }],
    vatRegime: topUp.vat_regime,
    vatRateBp: topUp.vat_rate_bp,
    subtotalCents: amount,
    vatCents: Number(topUp.vat_cents),
    totalCents: Number(topUp.total_cents),
    paymentTerms: 'À réception, par virement bancaire. Les crédits sont ajoutés dès réception du paiement.',
    notes: [
      'Document pro forma : ne constitue pas une facture. La facture est émise à réception du paiement.',
      ...(vat.mention ? [vat.mention] : []),
    ],
    bank: { iban: seller.iban, bic: seller.bic, bank: seller.bank, reference: topUp.payment_reference },
  });
  return { filename: `proforma-${topUp.payment_reference}.pdf`, pdf };
}

type DocumentInput = {
  kind: 'invoice' | 'credit_note';
  topUp: { id: string; account_id: string; agency_id: string | null };
  buyer: Party;
  lines: InvoiceLine[];
  creditedInvoiceId: string | null;
  vatRegime: VatRegime;
  vatRateBp: number;
  subtotalCents: number;
  vatCents: number;
  totalCents: number;
  paymentTerms: string;
};

/**
 * Issues an invoice (series F) or a credit note (series AV): the next number of its series for the
 * year is taken in the caller's transaction, and the seller, buyer and lines are frozen with it.
 */
async function issueDocument(tx: Tx, ctx: Ctx, now: Date, d: DocumentInput): Promise<{ id: string; number: string }> {
  const year = parisYear(now);
  const { sequence, number } = await allocateInvoiceNumber(tx, d.kind === 'invoice' ? 'F' : 'AV', year);
  const row = await tx
    .insertInto('invoices')
    .values({
      kind: d.kind,
      number,
      year,
      sequence,
      issued_at: now,
      account_id: d.topUp.account_id,
      agency_id: d.topUp.agency_id,
      top_up_id: d.topUp.id,
      credited_invoice_id: d.creditedInvoiceId,
      seller: JSON.stringify(ctx.config.seller),
      buyer: JSON.stringify(d.buyer),
      lines: JSON.stringify(d.lines),
      vat_regime: d.vatRegime,
      vat_rate_bp: d.vatRateBp,
      subtotal_cents: d.subtotalCents,
      vat_cents: d.vatCents,
      total_cents: d.totalCents,
      payment_terms: d.paymentTerms,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, number };
}

/** Support confirms the bank transfer arrived: the wallet is credited and the invoice issued, in one transaction. */
export async function confirmTopUp(actor: Actor, id: string, idem: Idempotency, ctx: Ctx) {
  if (!billingPolicy.mayConfirmPayments(actor)) throw forbidden('support_only');
  return runIdempotent(ctx, actor, idem, async (tx) => {
    const topUp = await lockTopUp(tx, id);
    if (!topUp) throw notFound();
    if (topUp.status !== 'awaiting_payment') throw invalidState();
    const amount = Number(topUp.amount_cents);
    await transferCredits(tx, actor, {
      fromAccountId: SYSTEM_ACCOUNTS.bank,
      toAccountId: topUp.account_id,
      amountCents: amount,
      kind: 'top_up',
      memo: topUp.payment_reference,
    });
    // Paid after its account was closed: the credits follow whoever took over from it.
    await forwardFromClosedWallet(tx, actor, topUp.account_id);
    const now = new Date();
    const vat = decideVat(topUp.buyer.country, topUp.buyer.vatNumber);
    const paidOn = frDate(now);
    const invoice = await issueDocument(tx, ctx, now, {
      kind: 'invoice',
      topUp,
      buyer: topUp.buyer,
      lines: [{ label: CREDIT_LINE, quantity: amount / 100, unitPriceCents: 100, totalCents: amount }],
      creditedInvoiceId: null,
      vatRegime: topUp.vat_regime,
      vatRateBp: topUp.vat_rate_bp,
      subtotalCents: amount,
      vatCents: Number(topUp.vat_cents),
      totalCents: Number(topUp.total_cents),
      paymentTerms: `Payée par virement bancaire le ${paidOn} (référence ${topUp.payment_reference}).${vat.mention ? ` ${vat.mention}` : ''}`,
    });
    const number = invoice.number;
    await tx.updateTable('top_ups').set({ status: 'paid', paid_at: now }).where('id', '=', id).execute();
    await recordAudit(tx, actor, 'top_up.confirm', { type: 'top_up', id }, { invoice: number, accountId: topUp.account_id });
    const account = await findAccountById(tx, topUp.account_id);
    await notify(tx, ctx, {
      kind: 'topup_confirmed',
      params: { account: account?.name ?? '', amountCents: amount, invoiceNumber: number },
      link: '/factures',
      object: { type: 'invoice', id: invoice.id },
      recipients: await audienceOf(tx, topUp.account_id),
    });
    return { id, status: 'paid' as const, invoiceId: invoice.id, invoiceNumber: number };
  });
}

/**
 * Cancels a top-up. Awaiting payment: whoever reaches the wallet, nothing to undo. Paid: support
 * only; the credits leave the wallet (refused if already spent) and a credit note is issued.
 */
type CancelOutcome = { id: string; status: 'cancelled' | 'refunded'; creditNoteId: string | null };

export async function cancelTopUp(actor: Actor, id: string, idem: Idempotency, ctx: Ctx) {
  return runIdempotent<CancelOutcome>(ctx, actor, idem, async (tx) => {
    const topUp = await findTopUpInReach(tx, actor, id);
    const locked = (await lockTopUp(tx, id))!;
    if (locked.status === 'awaiting_payment') {
      await tx.updateTable('top_ups').set({ status: 'cancelled', cancelled_at: new Date() }).where('id', '=', id).execute();
      await recordAudit(tx, actor, 'top_up.cancel', { type: 'top_up', id });
      return { id, status: 'cancelled', creditNoteId: null };
    }
    if (locked.status !== 'paid') throw invalidState();
    if (!billingPolicy.mayConfirmPayments(actor)) throw forbidden('support_only');
    const amount = Number(topUp.amount_cents);
    try {
      await transferCredits(tx, actor, {
        fromAccountId: topUp.account_id,
        toAccountId: SYSTEM_ACCOUNTS.bank,
        amountCents: amount,
        kind: 'top_up_refund',
        memo: topUp.payment_reference,
      });
    } catch (e) {
      if (e instanceof AppError && e.code === 'insufficient_funds') throw new AppError('insufficient_funds', 409, 'top_up_spent');
      throw e;
    }
    const invoice = await tx
      .selectFrom('invoices')
      .selectAll()
      .where('top_up_id', '=', id)
      .where('kind', '=', 'invoice')
      .executeTakeFirstOrThrow();
    const now = new Date();
    const note = await issueDocument(tx, ctx, now, {
      kind: 'credit_note',
      topUp,
      buyer: invoice.buyer,
      lines: invoice.lines.map((l) => ({
        ...l,
        label: `Annulation de la facture ${invoice.number} — ${l.label}`,
        quantity: -l.quantity,
        totalCents: -l.totalCents,
      })),
      creditedInvoiceId: invoice.id,
      vatRegime: invoice.vat_regime,
      vatRateBp: invoice.vat_rate_bp,
      subtotalCents: -Number(invoice.subtotal_cents),
      vatCents: -Number(invoice.vat_cents),
      totalCents: -Number(invoice.total_cents),
      paymentTerms: `Avoir sur la facture ${invoice.number} : remboursement par virement bancaire.`,
    });
    const number = note.number;
    await tx.updateTable('top_ups').set({ status: 'refunded', cancelled_at: now }).where('id', '=', id).execute();
    await recordAudit(tx, actor, 'top_up.refund', { type: 'top_up', id }, { creditNote: number });
    return { id, status: 'refunded', creditNoteId: note.id };
  });
}

export async function listInvoices(actor: Actor, f: { accountId?: string; limit: number; cursor?: string }, ctx: Ctx) {
  return listInvoiceRows(ctx.db, await scopeFor(actor, f.accountId, ctx), f);
}

export async function renderInvoice(actor: Actor, id: string, ctx: Ctx): Promise<{ filename: string; pdf: Buffer }> {
  const invoice = await ctx.db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!invoice) throw notFound();
  await findReachableAccount(ctx.db, actor, invoice.account_id);
  const vat = decideVat(invoice.buyer.country, invoice.buyer.vatNumber);
  const credited = invoice.credited_invoice_id
    ? await ctx.db.selectFrom('invoices').select('number').where('id', '=', invoice.credited_invoice_id).executeTakeFirst()
    : undefined;
  const pdf = await renderPdf({
    title: invoice.kind === 'invoice' ? 'Facture' : 'Avoir',
    number: invoice.number,
    issuedAt: new Date(invoice.issued_at),
    seller: invoice.seller,
    buyer: invoice.buyer,
    lines: invoice.lines,
    vatRegime: invoice.vat_regime,
    vatRateBp: invoice.vat_rate_bp,
    subtotalCents: Number(invoice.subtotal_cents),
    vatCents: Number(invoice.vat_cents),
    totalCents: Number(invoice.total_cents),
    paymentTerms: invoice.payment_terms,
    notes: [
      ...(credited ? [`Avoir se rapportant à la facture n° ${credited.number}.`] : []),
      ...(vat.mention && !invoice.payment_terms.includes(vat.mention) ? [vat.mention] : []),
    ],
  });
  return { filename: `${invoice.number}.pdf`, pdf };
}

/**
 * A customer promoted to an agency keeps its top-ups in its agency's tenant (run by agency's
 * promotion, see app.ts). Its invoices are immutable and keep the tenant they were issued in; every
 * view of them is scoped by account.
 */
export async function adoptIntoAgency(tx: Tx, accountId: string, agencyId: string): Promise<void> {
  await tx.updateTable('top_ups').set({ agency_id: agencyId }).where('account_id', '=', accountId).execute();
}
export { countTopUpsAwaitingPayment } from './queries.js';
