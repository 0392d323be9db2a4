import { sql } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { OrderStatus } from '../../db/types.js';
import { AppError, notFound, ruleViolation } from '../../http/errors.js';
import { enqueueJob } from '../../jobs/queue.js';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import { recordAudit } from '../audit/service.js';
import { tellBuyer, tellPublisher } from './notices.js';
import { isUrlOnDomain } from '../catalog/domain.js';
import { articleUrl, siteDomain, siteOf } from '../catalog/service.js';
import { payPublisherEarning, releaseHold, transferCredits } from '../ledger/service.js';
import { PLATFORM_ACTOR, SYSTEM_ACCOUNTS } from '../ledger/system.js';
import { addOrderEvent } from './queries.js';
import { who } from './trail.js';
import { assertMove, extrasOf, lockOrder, type CheckRecord } from './ordering.js';

// The publisher's side of an order (accept, refuse, place the link) and the sweeps that move
// orders on by the clock (expiry, reminders, completion).

/** The job kind the links feature runs to check a live URL (it owns verification; orders only ask). */
export const VERIFY_JOB = 'links.verify_order';


/** The order `id` if it is for one of the actor's sites, else 404. */
async function lockPublisherOrder(tx: Tx, actor: Actor, id: string) {
  const order = await lockOrder(tx, id);
  if (!order || order.publisher_id !== actor.account.id) throw notFound();
  return order;
}

/** The publisher's incoming orders, newest first on (created_at, id): equal times never lose a row. */
export async function listPublisherOrders(actor: Actor, f: { status?: OrderStatus; limit: number; cursor?: string }, ctx: Ctx) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const rows = await ctx.db
    .selectFrom('orders as o')
    .select([
      'o.id',
      'o.status',
      'o.site_id',
      siteDomain(sql.ref('o.site_id')).as('domain'),
      articleUrl(sql.ref('o.article_id')).as('article_url'),
      'o.keyword',
      'o.target_url',
      'o.anchor',
      'o.brief',
      'o.price_cents',
      'o.commission_bp',
      'o.live_url',
      'o.accept_by',
      'o.created_at',
      'o.last_check',
      'o.guarantee_ends_at',
      sql<string>`o.created_at::text`.as('sort_key'),
    ])
    .where('o.publisher_id', '=', actor.account.id)
    .$if(Boolean(f.status), (q) => q.where('o.status', '=', f.status!))
    .$if(after !== null, (q) =>
      q.where(sql<boolean>`(o.created_at, o.id) < (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`),
    )
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = rows.slice(0, f.limit);
  const extras = await extrasOf(ctx.db, actor, page.map((r) => r.id));
  return {
    items: page.map((r) => {
      const price = Number(r.price_cents);
      const check = r.last_check as (CheckRecord & { messages?: Record<string, string> }) | null;
      return {
        id: r.id,
        status: r.status,
        siteId: r.site_id,
        domain: r.domain,
        articleUrl: r.article_url,
        keyword: r.keyword,
        targetUrl: r.target_url,
        anchor: r.anchor,
        brief: r.brief,
        priceCents: price,
        earningCents: price - Math.round((price * r.commission_bp) / 10_000),
        liveUrl: r.live_url,
        acceptBy: new Date(r.accept_by).toISOString(),
        createdAt: new Date(r.created_at).toISOString(),
        lastCheck: check ? { ok: check.ok, rule: check.rule, message: check.messages?.[actor.lang] ?? check.message, at: check.at } : null,
        guaranteeEndsAt: r.guarantee_ends_at ? new Date(r.guarantee_ends_at).toISOString() : null,
        claim: null,
        ...extras.get(r.id),
      };
    }),
    nextCursor: rows.length > f.limit ? encodeCursor([page[page.length - 1].sort_key, page[page.length - 1].id]) : null,
  };
}

export async function acceptOrder(actor: Actor, id: string, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const order = await lockPublisherOrder(tx, actor, id);
    assertMove(order.status, 'accepted');
    if (new Date(order.accept_by).getTime() <= Date.now()) throw new AppError('invalid_state', 409, 'order_state', { status: 'expired' });
    await tx.updateTable('orders').set({ status: 'accepted' }).where('id', '=', id).execute();
    await addOrderEvent(tx, id, 'accepted', who(actor));
    await recordAudit(tx, actor, 'order.accept', { type: 'order', id });
    await tellBuyer(tx, ctx, order, 'order_accepted');
    return { id, status: 'accepted' as const };
  });
}

export async function refuseOrder(actor: Actor, id: string, reason: string, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const order = await lockPublisherOrder(tx, actor, id);
    assertMove(order.status, 'refused');
    await releaseHold(tx, actor, { holdId: order.hold_id! });
    await tx.updateTable('orders').set({ status: 'refused' }).where('id', '=', id).execute();
    await addOrderEvent(tx, id, 'refused', who(actor), reason);
    await recordAudit(tx, actor, 'order.refuse', { type: 'order', id }, { reason });
    await tellBuyer(tx, ctx, order, 'order_refused', { reason });
    return { id, status: 'refused' as const };
  });
}

/** `https://user:pass@site/…`: the crawler would send them as Basic auth, so such a live URL is refused. */
function hasCredentials(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  return parsed.username !== '' || parsed.password !== '';
}

/** The publisher gives the live URL (again, after a failed check): the verification is queued. */
export async function submitLiveUrl(actor: Actor, id: string, liveUrl: string, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const order = await lockPublisherOrder(tx, actor, id);
    assertMove(order.status, 'link_placed');
    const site = await siteOf(tx, order.site_id);
    if (hasCredentials(liveUrl)) throw ruleViolation('live_url_credentials', {}, 'liveUrl');
    if (!isUrlOnDomain(liveUrl, site.domain)) throw ruleViolation('live_url_off_domain', { domain: site.domain }, 'liveUrl');
    await tx.updateTable('orders').set({ status: 'link_placed', live_url: liveUrl, last_check: null }).where('id', '=', id).execute();
    await addOrderEvent(tx, id, 'link_placed', who(actor), liveUrl);
    await enqueueJob(tx, VERIFY_JOB, { orderId: id, liveUrl });
    await recordAudit(tx, actor, 'order.link_placed', { type: 'order', id }, { liveUrl });
    await tellBuyer(tx, ctx, order, 'link_placed', { liveUrl });
    return { id, status: 'link_placed' as const };
  });
}

/**
 * While a claim is open the publisher is not paid: the payout waits at least until the claim's
 * deadline (the claims sweep runs before the payouts, see jobs/handlers.ts).
 */
export async function deferPayout(tx: Tx, orderId: string, until: Date): Promise<void> {
  await tx
    .updateTable('orders')
    .set({ payable_at: sql`greatest(payable_at, ${until}::timestamptz)` })
    .where('id', '=', orderId)
    .where('status', '=', 'verified')
    .execute();
}

/** Orders the publisher let wait past the acceptance delay expire, and their holds go back. */
export async function expireOverdueOrders(ctx: Ctx, now = new Date()): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom('orders')
      .select(['id', 'hold_id', 'site_id', 'client_id', 'publisher_id', 'anchor'])
      .where('status', '=', 'placed')
      .where('accept_by', '<=', now)
      .limit(500)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const order of due) {
      await releaseHold(tx, PLATFORM_ACTOR, { holdId: order.hold_id! });
      await tx.updateTable('orders').set({ status: 'expired' }).where('id', '=', order.id).execute();
      await addOrderEvent(tx, order.id, 'expired', { personId: PLATFORM_ACTOR.person.id, actingAccountId: null });
      await tellBuyer(tx, ctx, order, 'order_expired');
    }
    return due.length;
  });
}

/** How long before its acceptance deadline the publisher is reminded of an order it has not accepted. */
export const REMINDER_BEFORE_MS = 48 * 3_600_000;

/**
 * Reminds the publisher of each order still waiting for it 48 h before its deadline, once: the
 * order is marked `reminded_at` by a conditional update in the transaction that tells it, and rows
 * another process is reminding are skipped (several processes run this sweep). An order placed
 * less than 48 h before its deadline (a short acceptance delay) is not reminded: the new-order
 * notice already gave the deadline.
 */
export async function remindPendingOrders(ctx: Ctx, now = new Date()): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const reminded = await tx
      .updateTable('orders')
      .set({ reminded_at: now })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('orders')
          .select('id')
          .where('status', '=', 'placed')
          .where('reminded_at', 'is', null)
          .where('accept_by', '>', now)
          .where('accept_by', '<=', new Date(now.getTime() + REMINDER_BEFORE_MS))
          .where(sql<boolean>`created_at < accept_by - ${REMINDER_BEFORE_MS} * interval '1 millisecond'`)
          .limit(500)
          .forUpdate()
          .skipLocked(),
      )
      .where('status', '=', 'placed')
      .where('reminded_at', 'is', null)
      .returning(['id', 'site_id', 'client_id', 'publisher_id', 'anchor', 'accept_by'])
      .execute();
    for (const order of reminded) {
      await tellPublisher(tx, ctx, order, 'order_reminder', { acceptBy: new Date(order.accept_by).toISOString() });
    }
    return reminded.length;
  });
}

/**
 * After the control period the publisher is paid (what is left of the price after any partial
 * refund, minus the commission on it; its debts from earlier refunds are repaid first) and the
 * order completes.
 */
export async function completePayableOrders(ctx: Ctx, now = new Date()): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom('orders')
      .select(['id', 'price_cents', 'refunded_cents', 'commission_bp', 'publisher_id'])
      .where('status', '=', 'verified')
      .where('payable_at', '<=', now)
      .limit(500)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const order of due) {
      const price = Number(order.price_cents) - Number(order.refunded_cents);
      const commission = Math.round((price * order.commission_bp) / 10_000);
      if (price - commission > 0) {
        await payPublisherEarning(tx, PLATFORM_ACTOR, { publisherId: order.publisher_id, amountCents: price - commission, memo: `order:${order.id}` });
      }
      if (commission > 0) {
        await transferCredits(tx, PLATFORM_ACTOR, {
          fromAccountId: SYSTEM_ACCOUNTS.orders,
          toAccountId: SYSTEM_ACCOUNTS.commissions,
          amountCents: commission,
          kind: 'commission',
          memo: `order:${order.id}`,
        });
      }
      await tx.updateTable('orders').set({ status: 'completed', completed_at: now }).where('id', '=', order.id).execute();
      await addOrderEvent(tx, order.id, 'completed', { personId: PLATFORM_ACTOR.person.id, actingAccountId: null });
    }
    return due.length;
  });
}
