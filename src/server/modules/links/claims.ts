import { sql } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { ClaimStatus, Language } from '../../db/types.js';
import { AppError, forbidden, invalidInput, notFound, ruleViolation } from '../../http/errors.js';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import { formatEuros } from '../../http/money.js';
import { recordAudit } from '../audit/service.js';
import { accountName, inSubtree } from '../accounts/service.js';
import { PLATFORM_ACTOR } from '../ledger/system.js';
import { deferPayout, orderFactsOf, refundOrder, tellBuyer, tellPublisher, type OrderToCheck } from '../orders/service.js';
import { endMonitoring, ignoreFailure } from './monitoring.js';
import { claimPolicy } from './policy.js';
import type { CheckOutcome, VerificationResult } from './verify.js';

/**
 * Claims (docs/GUARANTEE.md): a failed monitoring check opens one; the publisher has the reinstate
 * delay to put the link back (a passing check closes it as reinstated); when the delay runs out the
 * order is lost and the client refunded in full; support may settle it by hand before (refund,
 * partial refund, dismiss), audited. Each change is one transaction with its money and notices.
 */

type ClaimRow = {
  id: string;
  order_id: string;
  client_id: string;
  publisher_id: string;
  status: ClaimStatus;
  outcome: string;
  rule: string | null;
  messages: unknown;
  reinstate_by: Date;
};

type Messages = { fr: string; en: string };

/** Whom the order's notices reach, as orders' notices need it. */
async function noticeTarget(tx: Tx, claim: { order_id: string; client_id: string; publisher_id: string }) {
  const facts = (await orderFactsOf(tx, [claim.order_id])).get(claim.order_id)!;
  return { id: claim.order_id, site_id: facts.siteId, client_id: claim.client_id, publisher_id: claim.publisher_id, anchor: facts.anchor };
}

/** The order's open claim; `lock`: locked for the caller's transaction (claims are always locked before monitors). */
export async function findOpenClaim(db: Tx, orderId: string, options: { lock?: boolean } = {}): Promise<ClaimRow | null> {
  return (
    (await db
      .selectFrom('claims')
      .select(['id', 'order_id', 'client_id', 'publisher_id', 'status', 'outcome', 'rule', 'messages', 'reinstate_by'])
      .where('order_id', '=', orderId)
      .where('status', '=', 'open')
      .$if(Boolean(options.lock), (q) => q.forUpdate())
      .executeTakeFirst()) ?? null
  );
}

/** Opens a claim on a failed check, in the monitoring transaction; tells both sides; holds the payout until its deadline. */
export async function openClaim(tx: Tx, ctx: Ctx, order: OrderToCheck, result: VerificationResult, checkId: string, now: Date): Promise<ClaimRow> {
  const reinstateBy = new Date(now.getTime() + ctx.config.reinstateDelayMs);
  const claim = await tx
    .insertInto('claims')
    .values({
      order_id: order.id,
      client_id: order.clientId,
      publisher_id: order.publisherId,
      agency_id: order.agencyId,
      outcome: result.outcome,
      rule: result.rule,
      messages: JSON.stringify(result.messages),
      check_id: checkId,
      opened_at: now,
      reinstate_by: reinstateBy,
    })
    .returning(['id', 'order_id', 'client_id', 'publisher_id', 'status', 'outcome', 'rule', 'messages', 'reinstate_by'])
    .executeTakeFirstOrThrow();
  await deferPayout(tx, order.id, reinstateBy);
  const target = await noticeTarget(tx, claim);
  const reason = (lang: Language) => ({ reason: result.messages[lang] ?? result.messages.fr });
  await tellBuyer(tx, ctx, target, 'claim_opened', { reinstateBy: reinstateBy.toISOString() }, reason);
  await tellPublisher(tx, ctx, target, 'publisher_claim_opened', { reinstateBy: reinstateBy.toISOString(), reason: result.messages.fr });
  return claim;
}

/** A passing check while the claim is open: the link is back. */
export async function closeClaimAsReinstated(tx: Tx, ctx: Ctx, claim: ClaimRow, now: Date): Promise<void> {
  await tx.updateTable('claims').set({ status: 'reinstated', closed_at: now }).where('id', '=', claim.id).where('status', '=', 'open').execute();
  const target = await noticeTarget(tx, claim);
  await tellBuyer(tx, ctx, target, 'claim_reinstated');
  await tellPublisher(tx, ctx, target, 'publisher_claim_reinstated');
}

async function lockClaim(tx: Tx, id: string) {
  return tx.selectFrom('claims').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Refunds the claim's order (in full: `amountCents` null) and closes the claim as refunded, with
 * what came from where, in the caller's transaction.
 */
async function refundClaim(tx: Tx, ctx: Ctx, actor: Actor, claim: ClaimRow, amountCents: number | null, reason: string | null, now: Date) {
  const refund = await refundOrder(tx, actor, claim.order_id, amountCents, reason ?? 'Réclamation : lien non rétabli dans le délai');
  await tx
    .updateTable('claims')
    .set({
      status: 'refunded',
      closed_at: now,
      closed_by: actor === PLATFORM_ACTOR ? null : actor.person.id,
      settle_reason: reason,
      refunded_cents: refund.refundedCents,
      debt_cents: refund.debtCents,
    })
    .where('id', '=', claim.id)
    .execute();
  if (refund.lost) await endMonitoring(tx, claim.order_id, now);
  else await ignoreFailure(tx, claim.order_id, claim.rule);
  const target = await noticeTarget(tx, claim);
  await tellBuyer(tx, ctx, target, 'claim_refunded', { amountCents: refund.refundedCents });
  await tellPublisher(tx, ctx, target, 'publisher_claim_refunded', { amountCents: refund.refundedCents, debtCents: refund.debtCents });
  return refund;
}

/**
 * The claims whose reinstate delay ran out: each order is lost and refunded in full, one
 * transaction per claim, rows another process is settling skipped. Returns how many were refunded.
 */
export async function refundOverdueClaims(ctx: Ctx, now = new Date()): Promise<number> {
  let refunded = 0;
  for (let i = 0; i < 100; i++) {
    const done = await ctx.db.transaction().execute(async (tx) => {
      const claim = await tx
        .selectFrom('claims')
        .select(['id', 'order_id', 'client_id', 'publisher_id', 'status', 'outcome', 'rule', 'messages', 'reinstate_by'])
        .where('status', '=', 'open')
        .where('reinstate_by', '<=', now)
        .orderBy('reinstate_by')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!claim) return false;
      const facts = (await orderFactsOf(tx, [claim.order_id])).get(claim.order_id)!;
      if (facts.status !== 'verified' && facts.status !== 'completed') {
        // Nothing left to refund (cannot happen through the app: a lost order has no open claim).
        await tx.updateTable('claims').set({ status: 'dismissed', closed_at: now, settle_reason: `order ${facts.status}` }).where('id', '=', claim.id).execute();
        return true;
      }
      await refundClaim(tx, ctx, PLATFORM_ACTOR, claim, null, null, now);
      refunded++;
      return true;
    });
    if (!done) break;
  }
  return refunded;
}

export type SettleInput = { outcome: 'refund' | 'partial_refund' | 'dismiss'; amountCents?: number; reason: string };

/** Support settles an open claim by hand: refund in full, refund part of the price, or dismiss; audited. */
export async function settleClaim(actor: Actor, id: string, input: SettleInput, ctx: Ctx) {
  if (!claimPolicy.maySettle(actor)) throw forbidden();
  await ctx.db.transaction().execute(async (tx) => {
    const claim = await lockClaim(tx, id);
    if (!claim) throw notFound();
    if (input.outcome !== 'partial_refund' && input.amountCents !== undefined) throw invalidInput('claim_amount_not_partial', 'amountCents');
    if (claim.status !== 'open') throw new AppError('invalid_state', 409, 'claim_not_open');
    const now = new Date();
    if (input.outcome === 'dismiss') {
      await tx
        .updateTable('claims')
        .set({ status: 'dismissed', closed_at: now, closed_by: actor.person.id, settle_reason: input.reason })
        .where('id', '=', id)
        .execute();
      await ignoreFailure(tx, claim.order_id, claim.rule);
      const target = await noticeTarget(tx, claim);
      await tellBuyer(tx, ctx, target, 'claim_dismissed', { reason: input.reason });
      await tellPublisher(tx, ctx, target, 'publisher_claim_dismissed', { reason: input.reason });
    } else {
      let amount: number | null = null;
      if (input.outcome === 'partial_refund') {
        const facts = await refundableOf(tx, claim.order_id);
        if (input.amountCents === undefined) throw invalidInput('claim_amount_required', 'amountCents');
        if (input.amountCents < 1 || input.amountCents >= facts) {
          throw ruleViolation('claim_amount_range', { max: formatEuros(Math.max(facts - 1, 0)) }, 'amountCents');
        }
        amount = input.amountCents;
      }
      await refundClaim(tx, ctx, actor, claim, amount, input.reason, now);
    }
    await recordAudit(tx, actor, 'claim.settle', { type: 'claim', id }, { outcome: input.outcome, amountCents: input.amountCents ?? null, reason: input.reason });
  });
  return (await listClaims(actor, { claimId: id, limit: 1 }, ctx)).items[0];
}

/** What is left of the order's price to refund. */
async function refundableOf(tx: Tx, orderId: string): Promise<number> {
  const facts = (await orderFactsOf(tx, [orderId])).get(orderId)!;
  return facts.priceCents - facts.refundedCents;
}

export type ClaimFilters = { status?: ClaimStatus; orderId?: string; claimId?: string; limit: number; cursor?: string };

/**
 * The claims a caller may read, newest first: support all; a publisher those of its sites; the
 * buyer side those of the clients in its reach (the agency's own through its tenant id).
 */
export async function listClaims(actor: Actor, f: ClaimFilters, ctx: Ctx) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const role = actor.account.role;
  const scope =
    role === 'support'
      ? sql<boolean>`true`
      : role === 'publisher'
        ? sql<boolean>`c.publisher_id = ${actor.account.id}`
        : role === 'agency' && actor.account.agencyId === actor.account.id
          ? sql<boolean>`c.agency_id = ${actor.account.id}`
          : inSubtree(actor.account.id, sql.ref('c.client_id'));
  const rows = await ctx.db
    .selectFrom('claims as c')
    .selectAll('c')
    .select([sql<string>`c.opened_at::text`.as('sort_at'), accountName(sql.ref('c.client_id')).as('client_name')])
    .where(scope)
    .$if(Boolean(f.status), (q) => q.where('c.status', '=', f.status!))
    .$if(Boolean(f.orderId), (q) => q.where('c.order_id', '=', f.orderId!))
    .$if(Boolean(f.claimId), (q) => q.where('c.id', '=', f.claimId!))
    .$if(after !== null, (q) => q.where(sql<boolean>`(c.opened_at, c.id) < (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`))
    .orderBy('c.opened_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = rows.slice(0, f.limit);
  const facts = await orderFactsOf(ctx.db, [...new Set(page.map((r) => r.order_id))]);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => toClaim(r, facts.get(r.order_id)!, actor.lang)),
    nextCursor: rows.length > f.limit ? encodeCursor([last.sort_at, last.id]) : null,
  };
}

type ClaimListRow = {
  id: string;
  order_id: string;
  client_id: string;
  client_name: string;
  status: ClaimStatus;
  outcome: string;
  rule: string | null;
  messages: unknown;
  opened_at: Date;
  reinstate_by: Date;
  closed_at: Date | null;
  settle_reason: string | null;
  refunded_cents: string | number;
  debt_cents: string | number;
};

function toClaim(r: ClaimListRow, facts: { priceCents: number; anchor: string; targetUrl: string; liveUrl: string | null; domain: string }, lang: Language) {
  const messages = r.messages as Messages;
  return {
    id: r.id,
    orderId: r.order_id,
    status: r.status,
    outcome: r.outcome as CheckOutcome,
    rule: r.rule,
    message: messages[lang] ?? messages.fr,
    openedAt: new Date(r.opened_at).toISOString(),
    reinstateBy: new Date(r.reinstate_by).toISOString(),
    closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
    settleReason: r.settle_reason,
    refundedCents: Number(r.refunded_cents),
    debtCents: Number(r.debt_cents),
    priceCents: facts.priceCents,
    anchor: facts.anchor,
    targetUrl: facts.targetUrl,
    liveUrl: facts.liveUrl,
    domain: facts.domain,
    clientId: r.client_id,
    clientName: r.client_name,
  };
}

/** The claim shown on each order's page: the open one, else the latest (reading rights checked by the order's page). */
export async function latestClaimsOf(db: Tx, orderIds: string[], lang: Language) {
  const rows = await db
    .selectFrom('claims as c')
    .selectAll('c')
    .select(accountName(sql.ref('c.client_id')).as('client_name'))
    .where('c.order_id', 'in', orderIds)
    .orderBy(sql`c.status = 'open'`, 'desc')
    .orderBy('c.opened_at', 'desc')
    .execute();
  const facts = await orderFactsOf(db, orderIds);
  const latest = new Map<string, ReturnType<typeof toClaim>>();
  for (const r of rows) if (!latest.has(r.order_id)) latest.set(r.order_id, toClaim(r, facts.get(r.order_id)!, lang));
  return latest;
}

/** A customer promoted to an agency keeps its claims in its agency's views (see app.ts). */
export async function adoptIntoAgency(tx: Tx, accountId: string, agencyId: string): Promise<void> {
  await tx.updateTable('claims').set({ agency_id: agencyId }).where('client_id', '=', accountId).execute();
}

/** The status of each order's latest claim (an open one first), for an inventory export; orders without one are absent. */
export async function claimStatusesOf(db: Tx, orderIds: string[]): Promise<Map<string, ClaimStatus>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('claims')
    .select(['order_id', 'status'])
    .where('order_id', 'in', orderIds)
    .orderBy(sql`status = 'open'`, 'desc')
    .orderBy('opened_at', 'desc')
    .execute();
  const latest = new Map<string, ClaimStatus>();
  for (const r of rows) if (!latest.has(r.order_id)) latest.set(r.order_id, r.status);
  return latest;
}

/** How many claims are open: everyone's (support), an agency's, or some clients'. Links at risk, on the dashboards. */
export async function countOpenClaims(
  db: Tx,
  scope: { all: true } | { agencyId: string } | { clientIds: string[] } | { publisherId: string },
): Promise<number> {
  if ('clientIds' in scope && scope.clientIds.length === 0) return 0;
  const where =
    'all' in scope
      ? sql`true`
      : 'agencyId' in scope
        ? sql`c.agency_id = ${scope.agencyId}`
        : 'publisherId' in scope
          ? sql`c.publisher_id = ${scope.publisherId}`
          : sql`c.client_id = any(${scope.clientIds}::uuid[])`;
  const row = await sql<{ n: number }>`select count(*)::int as n from claims c where c.status = 'open' and ${where}`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}
