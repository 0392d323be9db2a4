import { randomUUID } from 'node:crypto';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import { forbidden, invalidState, notFound, ruleViolation } from '../../http/errors.js';
import { runIdempotent, type Idempotency } from '../../http/idempotency.js';
import { formatEuros } from '../../http/money.js';
import { todayInParis } from '../../http/dates.js';
import { recordAudit } from '../audit/service.js';
import { notify } from '../notifications/service.js';
import { audienceOf, supportAudience } from '../accounts/service.js';
import { balancesOf, debtOf, holdCredits, lockWallets, releaseHold, repayDebtsFromWallet, sumMovedBetween } from '../ledger/service.js';
import { SYSTEM_ACCOUNTS } from '../ledger/system.js';
import { listPublisherEarningOrders, publisherEarningsSummary, type EarningState } from '../orders/service.js';
import { conversionBlockers, payoutPolicy, withdrawalBlockers, type PayoutFacts } from './policy.js';
import {
  activeMandateOf,
  bestProofOf,
  buyerLinkOf,
  findBatch,
  findProfile,
  findWithdrawal,
  insertWithdrawal,
  listWithdrawalRows,
  lockWithdrawals,
  openWithdrawalOf,
  paidByMonth,
  recountBatch,
  setWithdrawalStatus,
  type WithdrawalRow,
} from './queries.js';
import { factsOfProfile, requirePublisher } from './profile.js';
import { maskIban } from './validation.js';

export function withdrawalView(r: WithdrawalRow) {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    amountCents: Number(r.amount_cents),
    status: r.status,
    ibanMasked: maskIban(r.iban),
    bic: r.bic,
    accountHolder: r.account_holder,
    batchId: r.batch_id,
    refusalReason: r.refusal_reason,
    requestedAt: new Date(r.requested_at).toISOString(),
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    paidAt: r.paid_at ? new Date(r.paid_at).toISOString() : null,
    invoiceId: r.invoice_id,
    invoiceNumber: r.invoice_number,
  };
}

/** Everything the payout rules (policy.ts) look at, for one publisher. */
export async function payoutFactsOf(
  db: Tx,
  accountId: string,
  ctx: Ctx,
  now = new Date(),
): Promise<PayoutFacts & { openWithdrawalCents: number; earnings: Awaited<ReturnType<typeof publisherEarningsSummary>>; profileRow: Awaited<ReturnType<typeof findProfile>> }> {
  const [profile, mandate, proof, earnings, balances, debt, open, link] = await Promise.all([
    findProfile(db, accountId),
    activeMandateOf(db, accountId),
    bestProofOf(db, accountId),
    publisherEarningsSummary(db, accountId, now),
    balancesOf(db, [accountId], false),
    debtOf(db, accountId),
    openWithdrawalOf(db, accountId),
    buyerLinkOf(db, accountId),
  ]);
  return {
    profile: profile ? factsOfProfile(profile) : null,
    mandateActive: mandate !== null,
    proof: proof ? { kind: proof.kind, validUntil: proof.valid_until } : null,
    today: todayInParis(now),
    lifetimeEarningsCents: earnings.lifetimeEarningsCents,
    openWithdrawal: open !== null,
    openWithdrawalCents: open ? Number(open.amount_cents) : 0,
    availableCents: balances.get(accountId)?.availableCents ?? 0,
    debtCents: debt,
    minimumCents: ctx.config.withdrawalMinimumCents,
    buyerLinked: link !== null,
    earnings,
    profileRow: profile,
  };
}

/** The publisher's dashboard: pending, payable, being withdrawn, paid, converted, owed, month by month. */
export async function payoutSummary(actor: Actor, ctx: Ctx, accountId?: string) {
  const id = accountId ?? requirePublisher(actor);
  const now = new Date();
  const [facts, moved, paidMonths] = await Promise.all([
    payoutFactsOf(ctx.db, id, ctx, now),
    sumMovedBetween(ctx.db, { accountId: id, kinds: ['payout', 'earnings_conversion'], direction: 'out' }),
    paidByMonth(ctx.db, id),
  ]);
  const earnings = facts.earnings;
  const withdraw = withdrawalBlockers(facts);
  const convert = conversionBlockers(facts);
  return {
    pendingCents: earnings.pendingCents,
    payableCents: facts.availableCents,
    withdrawingCents: facts.openWithdrawalCents,
    paidCents: moved.get('payout') ?? 0,
    convertedCents: moved.get('earnings_conversion') ?? 0,
    debtCents: facts.debtCents,
    lifetimeEarningsCents: earnings.lifetimeEarningsCents,
    minimumWithdrawalCents: facts.minimumCents,
    byMonth: earnings.byMonth.map((m) => ({ ...m, paidCents: paidMonths.get(m.month) ?? 0 })),
    eligibility: {
      mayWithdraw: withdraw.length === 0,
      mayConvert: convert.length === 0,
      missing: facts.profile?.kind === 'individual' ? convert : withdraw,
    },
  };
}

export async function listEarningOrders(actor: Actor, f: { state: EarningState; limit: number; cursor?: string }, ctx: Ctx) {
  const id = requirePublisher(actor);
  return listPublisherEarningOrders(ctx.db, id, f);
}

/** The message of the first thing that blocks a payout, as a 422 naming it. */
export function blocked(code: string, minimumCents: number) {
  return ruleViolation(`payout_${code}` as never, { minimum: formatEuros(minimumCents) }, code === 'below_minimum' ? 'amountCents' : undefined);
}

/**
 * A business publisher asks for a withdrawal: what it owes is repaid from its balance first, then
 * the amount is held on its wallet until support pays or refuses it. One open request at a time.
 */
export async function requestWithdrawal(actor: Actor, input: { amountCents: number }, idem: Idempotency, ctx: Ctx) {
  const id = requirePublisher(actor, true);
  return runIdempotent(ctx, actor, idem, async (tx) => {
    // Every wallet this may touch, at once and in order (a debt repaid moves to the debts account).
    await lockWallets(tx, [id, SYSTEM_ACCOUNTS.debts]);
    const facts = await payoutFactsOf(tx, id, ctx);
    const blockers = withdrawalBlockers(facts).filter((b) => b !== 'below_minimum');
    if (blockers.length > 0) throw blocked(blockers[0], facts.minimumCents);
    if (input.amountCents < facts.minimumCents) throw blocked('below_minimum', facts.minimumCents);
    const withdrawable = facts.availableCents - facts.debtCents;
    if (input.amountCents > withdrawable) {
      throw ruleViolation('payout_amount_exceeds', { available: formatEuros(Math.max(withdrawable, 0)) }, 'amountCents');
    }
    if (facts.debtCents > 0) await repayDebtsFromWallet(tx, actor, id);
    const profile = facts.profileRow!;
    const withdrawalId = randomUUID();
    const { holdId } = await holdCredits(tx, actor, { accountId: id, amountCents: input.amountCents, reference: `withdrawal:${withdrawalId}` });
    await insertWithdrawal(tx, {
      id: withdrawalId,
      account_id: id,
      amount_cents: input.amountCents,
      hold_id: holdId,
      iban: profile.iban!,
      bic: profile.bic!,
      account_holder: profile.account_holder!,
      requested_by: actor.person.id,
    });
    await recordAudit(tx, actor, 'withdrawal.request', { type: 'withdrawal', id: withdrawalId }, { amountCents: input.amountCents, iban: maskIban(profile.iban!) });
    await notify(tx, ctx, {
      kind: 'withdrawal_to_pay',
      params: { publisher: actor.account.name, amountCents: input.amountCents },
      link: '/support/paiements',
      object: { type: 'withdrawal', id: withdrawalId },
      recipients: await supportAudience(tx),
    });
    return withdrawalView((await findWithdrawal(tx, withdrawalId))!);
  });
}

export async function listMyWithdrawals(actor: Actor, f: { status?: string; limit: number; cursor?: string }, ctx: Ctx) {
  const id = requirePublisher(actor);
  const page = await listWithdrawalRows(ctx.db, { ...f, accountId: id });
  return { items: page.rows.map(withdrawalView), nextCursor: page.nextCursor };
}

export async function listAllWithdrawals(actor: Actor, f: { status?: string; limit: number; cursor?: string }, ctx: Ctx) {
  if (!payoutPolicy.maySeeAll(actor)) throw forbidden('support_only');
  const page = await listWithdrawalRows(ctx.db, f);
  return { items: page.rows.map(withdrawalView), nextCursor: page.nextCursor };
}

/** The publisher takes back a request support has not handled yet: the amount is available again. */
export async function cancelWithdrawal(actor: Actor, withdrawalId: string, ctx: Ctx) {
  const id = requirePublisher(actor, true);
  return ctx.db.transaction().execute(async (tx) => {
    const [w] = await lockWithdrawals(tx, [withdrawalId]);
    if (!w || w.account_id !== id) throw notFound();
    if (w.status !== 'requested') throw invalidState('withdrawal_not_cancellable');
    await releaseHold(tx, actor, { holdId: w.hold_id });
    await setWithdrawalStatus(tx, [w.id], { status: 'cancelled', by: actor.person.id });
    await recordAudit(tx, actor, 'withdrawal.cancel', { type: 'withdrawal', id: w.id }, { amountCents: Number(w.amount_cents) });
    return withdrawalView((await findWithdrawal(tx, w.id))!);
  });
}

/**
 * Support refuses a request, waiting or approved in a batch not paid yet: the amount goes back to
 * the publisher's available balance; an approved one leaves its batch (whose SEPA file must then be
 * downloaded again).
 */
export async function refuseWithdrawal(actor: Actor, withdrawalId: string, input: { reason: string }, ctx: Ctx) {
  if (!payoutPolicy.mayOperate(actor)) throw forbidden('support_only');
  return ctx.db.transaction().execute(async (tx) => {
    // Its batch first, then the request: the order in which a batch's payment locks them.
    const seen = await findWithdrawal(tx, withdrawalId);
    if (!seen) throw notFound();
    if (seen.batch_id) await findBatch(tx, seen.batch_id, true);
    const [w] = await lockWithdrawals(tx, [withdrawalId]);
    if (w.batch_id !== seen.batch_id) throw invalidState('withdrawal_not_refusable');
    if (w.status !== 'requested' && w.status !== 'approved') throw invalidState('withdrawal_not_refusable');
    await releaseHold(tx, actor, { holdId: w.hold_id });
    await setWithdrawalStatus(tx, [w.id], { status: 'refused', by: actor.person.id, reason: input.reason });
    if (w.batch_id) await recountBatch(tx, w.batch_id);
    await recordAudit(tx, actor, 'withdrawal.refuse', { type: 'withdrawal', id: w.id }, { accountId: w.account_id, reason: input.reason });
    await notify(tx, ctx, {
      kind: 'withdrawal_refused',
      params: { amountCents: Number(w.amount_cents), reason: input.reason },
      link: '/editeur/paiements',
      object: { type: 'withdrawal', id: w.id },
      recipients: await audienceOf(tx, w.account_id),
    });
    return withdrawalView((await findWithdrawal(tx, w.id))!);
  });
}
