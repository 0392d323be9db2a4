import { sql } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { Config } from '../../config.js';
import type { OrderStatus } from '../../db/types.js';
import { AppError, notFound, ruleViolation } from '../../http/errors.js';
import { formatEuros } from '../../http/money.js';
import { addDuration } from '../../http/durations.js';
import { findReachableAccount } from '../accounts/service.js';
import { articleUrl, siteDomain } from '../catalog/service.js';
import { captureHold, refundCapturedPrice, refundPaidPrice } from '../ledger/service.js';
import { PLATFORM_ACTOR } from '../ledger/system.js';
import { addOrderEvent } from './queries.js';
import { tellBuyer } from './notices.js';

/**
 * What orders tells the links feature (verification, monitoring, claims) and what it lets it do:
 * read an order's expectation, record a check's outcome, and refund a lost link. Links owns the
 * checks and claims; orders owns the order, its status and the money it moved.
 */

const platform = { personId: PLATFORM_ACTOR.person.id, actingAccountId: null };

/** The order as a check needs it. */
export type OrderToCheck = {
  id: string;
  status: OrderStatus;
  clientId: string;
  publisherId: string;
  agencyId: string | null;
  siteId: string;
  liveUrl: string | null;
  articleUrl: string;
  siteDomain: string;
  targetUrl: string;
  anchor: string;
  priceCents: number;
  refundedCents: number;
  guaranteeEndsAt: Date | null;
};

export async function findOrderToCheck(db: Tx, orderId: string): Promise<OrderToCheck | null> {
  const o = await db
    .selectFrom('orders as o')
    .select([
      'o.id',
      'o.status',
      'o.client_id',
      'o.publisher_id',
      'o.agency_id',
      'o.site_id',
      'o.live_url',
      'o.target_url',
      'o.anchor',
      sql<string>`o.price_cents::int8`.as('price_cents'),
      sql<string>`o.refunded_cents::int8`.as('refunded_cents'),
      'o.guarantee_ends_at',
      articleUrl(sql.ref('o.article_id')).as('article_url'),
      siteDomain(sql.ref('o.site_id')).as('site_domain'),
    ])
    .where('o.id', '=', orderId)
    .executeTakeFirst();
  if (!o) return null;
  return {
    id: o.id,
    status: o.status,
    clientId: o.client_id,
    publisherId: o.publisher_id,
    agencyId: o.agency_id,
    siteId: o.site_id,
    liveUrl: o.live_url,
    articleUrl: o.article_url,
    siteDomain: o.site_domain,
    targetUrl: o.target_url,
    anchor: o.anchor,
    priceCents: Number(o.price_cents),
    refundedCents: Number(o.refunded_cents),
    guaranteeEndsAt: o.guarantee_ends_at ? new Date(o.guarantee_ends_at) : null,
  };
}

/**
 * Who may read an order's checks and claims: its buyer side (the client and every account above it),
 * the publisher of its site, support. Anyone else, and an unknown id, get the same 404.
 */
export async function findReadableOrder(db: Tx, actor: Actor, orderId: string): Promise<OrderToCheck> {
  const order = await findOrderToCheck(db, orderId);
  if (!order) throw notFound();
  if (actor.account.role === 'support' || order.publisherId === actor.account.id) return order;
  await findReachableAccount(db, actor, order.clientId);
  return order;
}

/** The order's publisher only (404 for anyone else). */
export async function findPublisherOrderToCheck(db: Tx, actor: Actor, orderId: string): Promise<OrderToCheck> {
  const order = await findOrderToCheck(db, orderId);
  if (!order || order.publisherId !== actor.account.id) throw notFound();
  return order;
}

/** The end of an order's guarantee: its months (the site's terms when it was placed), else the platform default. */
export function guaranteeEnd(guaranteeMonths: number | null, verifiedAt: Date, config: Pick<Config, 'defaultGuarantee'>): Date {
  return addDuration(verifiedAt, guaranteeMonths ? { months: guaranteeMonths } : config.defaultGuarantee);
}

export type CheckSummary = { ok: boolean; rule: string | null; messages: { fr: string; en: string }; at: Date };

/** Keeps the latest check on the order (`lastCheck` of the API), verification and monitoring alike. */
export async function setLastCheck(tx: Tx, orderId: string, check: CheckSummary): Promise<void> {
  await tx.updateTable('orders').set({ last_check: JSON.stringify(lastCheckOf(check)) }).where('id', '=', orderId).execute();
}

function lastCheckOf(check: CheckSummary) {
  return { ok: check.ok, rule: check.rule, message: check.messages.fr, messages: check.messages, at: check.at.toISOString() };
}

/**
 * Records what the crawler found for a live URL waiting for its first check, in the caller's
 * transaction. Verified: the hold is captured (the client pays), the control period starts and the
 * guarantee runs; returns its end. Failed: the order stays `link_placed`, the failed rule is shown,
 * and the publisher can fix the page and submit again; returns null. Returns null as well when the
 * order no longer waits for this URL (cancelled meanwhile, or another URL submitted).
 */
export async function recordVerification(
  tx: Tx,
  ctx: Ctx,
  orderId: string,
  liveUrl: string,
  check: CheckSummary,
): Promise<{ verified: boolean; guaranteeEndsAt: Date | null } | null> {
  const order = await tx.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
  if (!order || order.status !== 'link_placed' || order.live_url !== liveUrl) return null;
  if (!check.ok) {
    await setLastCheck(tx, orderId, check);
    await addOrderEvent(tx, orderId, 'verification_failed', platform, check.messages.fr);
    // Which rule failed, in each recipient's language.
    await tellBuyer(tx, ctx, order, 'check_failed', {}, (lang) => ({ reason: check.messages[lang] ?? check.messages.fr }));
    return { verified: false, guaranteeEndsAt: null };
  }
  const at = check.at;
  const guaranteeEndsAt = guaranteeEnd(order.guarantee_months, at, ctx.config);
  await captureHold(tx, PLATFORM_ACTOR, { holdId: order.hold_id!, memo: `order:${orderId}` });
  await tx
    .updateTable('orders')
    .set({
      status: 'verified',
      verified_at: at,
      payable_at: new Date(at.getTime() + ctx.config.controlMs),
      guarantee_ends_at: guaranteeEndsAt,
      last_check: JSON.stringify(lastCheckOf(check)),
    })
    .where('id', '=', orderId)
    .execute();
  await addOrderEvent(tx, orderId, 'verified', platform);
  await tellBuyer(tx, ctx, order, 'order_verified');
  return { verified: true, guaranteeEndsAt };
}

export type Refund = { refundedCents: number; debtCents: number; lost: boolean };

/**
 * Gives a claim's refund back to the client, in the caller's transaction (the claim's change is in
 * the same one). `amountCents` null: in full (what was not refunded yet), and the order becomes
 * `lost`; a number: that much, the order keeps its status and what is left of the price is what the
 * publisher earns (and the platform's commission is taken on). During the control period the money
 * comes from the captured price; once paid out, from the commission and the publisher (docs/GUARANTEE.md).
 */
export async function refundOrder(tx: Tx, actor: Actor, orderId: string, amountCents: number | null, note: string): Promise<Refund> {
  const order = await tx.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirstOrThrow();
  if (order.status !== 'verified' && order.status !== 'completed') throw new AppError('invalid_state', 409, 'order_state', { status: order.status });
  const price = Number(order.price_cents);
  const left = price - Number(order.refunded_cents);
  const amount = amountCents ?? left;
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > left) {
    throw ruleViolation('claim_amount_range', { max: formatEuros(Math.max(left - 1, 0)) }, 'amountCents');
  }
  const memo = `order:${orderId}`;
  let debt = 0;
  if (order.status === 'verified') {
    await refundCapturedPrice(tx, actor, { clientId: order.client_id, amountCents: amount, memo });
  } else {
    // What the completion paid on the price left then: the commission on it and the earning.
    const commissionOfLeft = Math.round((left * order.commission_bp) / 10_000);
    const commission = amount === left ? commissionOfLeft : Math.min(Math.round((amount * order.commission_bp) / 10_000), commissionOfLeft);
    const paid = await refundPaidPrice(tx, actor, {
      clientId: order.client_id,
      publisherId: order.publisher_id,
      commissionCents: commission,
      earningCents: amount - commission,
      memo,
      reference: memo,
    });
    debt = paid.debtCents;
  }
  const lost = amountCents === null;
  const now = new Date();
  await tx
    .updateTable('orders')
    .set({ refunded_cents: sql`refunded_cents + ${amount}`, ...(lost ? { status: 'lost' as const, lost_at: now } : {}) })
    .where('id', '=', orderId)
    .execute();
  const by = actor === PLATFORM_ACTOR ? platform : { personId: actor.person.id, actingAccountId: actor.account.id };
  await addOrderEvent(tx, orderId, lost ? 'lost' : 'partially_refunded', by, note);
  return { refundedCents: amount, debtCents: debt, lost };
}
