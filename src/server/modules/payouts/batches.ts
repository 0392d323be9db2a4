import type { Actor, Ctx } from '../../http/actor.js';
import { forbidden, invalidState, notFound, ruleViolation } from '../../http/errors.js';
import { translate } from '../../http/messages.js';
import { formatEuros } from '../../http/money.js';
import { todayInParis } from '../../http/dates.js';
import { recordAudit } from '../audit/service.js';
import { notify } from '../notifications/service.js';
import { audienceOf } from '../accounts/service.js';
import { lockWallets, payOutHold } from '../ledger/service.js';
import { SYSTEM_ACCOUNTS } from '../ledger/system.js';
import { payoutPolicy, withdrawalBlockers } from './policy.js';
import { issueSelfBilledInvoice, vatOfWithdrawal } from './invoices.js';
import {
  activeMandateOf,
  batchWithdrawals,
  findBatch,
  insertBatch,
  listBatchRows,
  lockWithdrawals,
  markBatch,
  setWithdrawalStatus,
  setWithdrawalVat,
  type BatchRow,
} from './queries.js';
import { buildSepaCreditTransfer } from './sepa.js';
import { payoutFactsOf, withdrawalView } from './withdrawals.js';

export function batchView(b: BatchRow) {
  return {
    id: b.id,
    reference: b.reference,
    status: b.status,
    count: b.count,
    totalCents: Number(b.total_cents),
    createdAt: new Date(b.created_at).toISOString(),
    exportedAt: b.exported_at ? new Date(b.exported_at).toISOString() : null,
    paidAt: b.paid_at ? new Date(b.paid_at).toISOString() : null,
  };
}

function requireSupport(actor: Actor, operate: boolean) {
  if (!(operate ? payoutPolicy.mayOperate(actor) : payoutPolicy.maySeeAll(actor))) throw forbidden('support_only');
}

/**
 * Support approves waiting requests together: each must still be waiting and its publisher still
 * payable today (business profile complete, mandate in force, a valid proof of the right kind);
 * the first that is not is named and nothing is approved. The VAT of each is set from its
 * publisher's regime now; the batch's total is what the bank will pay.
 */
export async function createBatch(actor: Actor, input: { withdrawalIds: string[] }, ctx: Ctx) {
  requireSupport(actor, true);
  const ids = [...new Set(input.withdrawalIds)];
  return ctx.db.transaction().execute(async (tx) => {
    const rows = await lockWithdrawals(tx, ids);
    if (rows.length !== ids.length) throw notFound();
    let total = 0;
    const vats: { id: string; regime: 'franchise' | 'fr_vat' | 'eu_reverse_charge'; vat: number }[] = [];
    for (const w of rows) {
      const amount = Number(w.amount_cents);
      const facts = await payoutFactsOf(tx, w.account_id, ctx);
      const label = { publisher: facts.profileRow?.legal_name ?? w.account_holder, amount: formatEuros(amount) };
      if (w.status !== 'requested') throw ruleViolation('batch_withdrawal_taken', label, 'withdrawalIds');
      const blockers = withdrawalBlockers({ ...facts, openWithdrawal: false, availableCents: Number.MAX_SAFE_INTEGER, debtCents: 0 });
      if (blockers.length > 0) {
        throw ruleViolation('batch_withdrawal_not_payable', { ...label, reason: translate(actor.lang, `payout_${blockers[0]}` as never, { minimum: formatEuros(facts.minimumCents, actor.lang) }) }, 'withdrawalIds');
      }
      const regime = facts.profileRow!.vat_regime ?? 'franchise';
      const vat = vatOfWithdrawal(amount, regime);
      vats.push({ id: w.id, regime, vat });
      total += amount + vat;
    }
    const batch = await insertBatch(tx, todayInParis(), { count: rows.length, total_cents: total, created_by: actor.person.id });
    const reference = batch.reference;
    await setWithdrawalStatus(tx, ids, { status: 'approved', by: actor.person.id, batchId: batch.id });
    for (const v of vats) await setWithdrawalVat(tx, v.id, v.regime, v.vat);
    await recordAudit(tx, actor, 'payout_batch.create', { type: 'payout_batch', id: batch.id }, { reference, count: rows.length, totalCents: total });
    return batchView((await findBatch(tx, batch.id))!);
  });
}

export async function listBatches(actor: Actor, f: { limit: number; cursor?: string }, ctx: Ctx) {
  requireSupport(actor, false);
  const page = await listBatchRows(ctx.db, f);
  return { items: page.rows.map(batchView), nextCursor: page.nextCursor };
}

export async function getBatch(actor: Actor, batchId: string, ctx: Ctx) {
  requireSupport(actor, false);
  const batch = await findBatch(ctx.db, batchId);
  if (!batch) throw notFound();
  return { ...batchView(batch), withdrawals: (await batchWithdrawals(ctx.db, batch.id)).map(withdrawalView) };
}

/** The batch as a SEPA credit transfer file (pain.001.001.03) for the platform's bank: one transfer per request still in it. */
export async function batchSepaFile(actor: Actor, batchId: string, ctx: Ctx) {
  requireSupport(actor, true);
  return ctx.db.transaction().execute(async (tx) => {
    const batch = await findBatch(tx, batchId, true);
    if (!batch) throw notFound();
    const withdrawals = (await batchWithdrawals(tx, batch.id)).filter((w) => w.status === 'approved' || w.status === 'paid');
    if (withdrawals.length === 0) throw invalidState('batch_empty');
    const seller = ctx.config.seller;
    const xml = buildSepaCreditTransfer({
      reference: batch.reference,
      createdAt: new Date(),
      executionDate: new Date(),
      debtor: { name: seller.legalName, iban: seller.iban.replace(/\s/g, ''), bic: seller.bic },
      transfers: withdrawals.map((w) => ({
        endToEndId: `MAILLON-${w.id.slice(0, 8).toUpperCase()}`,
        creditorName: w.account_holder,
        iban: w.iban,
        bic: w.bic,
        amountCents: Number(w.amount_cents) + Number(w.vat_cents),
        remittance: `Maillon ${batch.reference} gains editeur`,
      })),
    });
    await markBatch(tx, batch.id, { exported: true });
    await recordAudit(tx, actor, 'payout_batch.export', { type: 'payout_batch', id: batch.id }, { reference: batch.reference });
    return { filename: `${batch.reference}.xml`, xml };
  });
}

/**
 * The bank paid the batch: each request's hold goes to the bank in the ledger, the request is paid,
 * and its self-billed invoice is issued, all in one transaction.
 */
export async function markBatchPaid(actor: Actor, batchId: string, ctx: Ctx) {
  requireSupport(actor, true);
  return ctx.db.transaction().execute(async (tx) => {
    const batch = await findBatch(tx, batchId, true);
    if (!batch) throw notFound();
    if (batch.status === 'paid') throw invalidState('batch_already_paid');
    const inBatch = (await batchWithdrawals(tx, batch.id)).filter((w) => w.status === 'approved');
    if (inBatch.length === 0) throw invalidState('batch_empty');
    const locked = await lockWithdrawals(tx, inBatch.map((w) => w.id));
    // The publishers' wallets and the bank's, at once and in order (each payout goes to the bank).
    await lockWallets(tx, [...locked.map((w) => w.account_id), SYSTEM_ACCOUNTS.bank]);
    const now = new Date();
    for (const w of locked) {
      if (w.status !== 'approved') continue;
      const mandate = await activeMandateOf(tx, w.account_id);
      if (!mandate) throw invalidState('mandate_none');
      await payOutHold(tx, actor, { holdId: w.hold_id, memo: `withdrawal:${w.id}` });
      await setWithdrawalStatus(tx, [w.id], { status: 'paid', paid: true });
      const invoice = await issueSelfBilledInvoice(tx, ctx, { ...w, mandateId: mandate.id, batchReference: batch.reference }, now);
      await notify(tx, ctx, {
        kind: 'withdrawal_paid',
        params: { amountCents: Number(w.amount_cents) + Number(w.vat_cents), invoiceNumber: invoice.number },
        link: '/editeur/paiements',
        object: { type: 'withdrawal', id: w.id },
        recipients: await audienceOf(tx, w.account_id),
      });
    }
    await markBatch(tx, batch.id, { paidBy: actor.person.id });
    await recordAudit(tx, actor, 'payout_batch.paid', { type: 'payout_batch', id: batch.id }, { reference: batch.reference, count: locked.length });
    return batchView((await findBatch(tx, batch.id))!);
  });
}
