import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';
import type { OrderStatus } from '../../db/types.js';
import { BUSINESS_TIME_ZONE, startOfDay, todayInParis } from '../../http/dates.js';
import { cursorPart, decodeCursor, pageOf } from '../../http/pagination.js';
import { siteDomain } from '../catalog/service.js';

/**
 * What publishers earn on their orders (issue 11), read for the payouts feature: the money words of
 * the publisher's summary, its orders by state, and the activity per quarter that DAC7 and the
 * yearly statement of article 242 bis CGI report.
 *
 * One rule everywhere, the completion's (`completePayableOrders`): the commission is taken on what
 * is left of the price after refunds, `round((price − refunded) × commission_bp / 10 000)`, and the
 * earning is the rest, never below zero. An order's earning counts in the month (or quarter) of its
 * `completed_at` in Paris; a pending one (`verified`, in its control period) in the month of its
 * `verified_at`. A refund after completion lowers the order's figures where its completion counted
 * them (the earning is recomputed on the price left); it may differ from what the ledger took back
 * by a cent of rounding of the commission (refundOrder rounds the commission of each part).
 */

/** What is left of the price after refunds, in SQL (`o` is the orders alias). */
const leftSql = sql<number>`(o.price_cents - o.refunded_cents)`;
/** The commission on it, rounded as the completion rounds it (half up: amounts are never negative). */
const commissionSql = sql<number>`round(((o.price_cents - o.refunded_cents) * o.commission_bp)::numeric / 10000)`;
/** The publisher's earning on the order: what is left minus the commission, never below zero. */
export const earningSql = sql<number>`greatest(${leftSql} - ${commissionSql}, 0)`;

/** The same figures in TypeScript, for one order. */
export function earningOf(order: { priceCents: number; refundedCents: number; commissionBp: number }) {
  const left = Math.max(order.priceCents - order.refundedCents, 0);
  const commissionCents = Math.round((left * order.commissionBp) / 10_000);
  return { commissionCents, earningCents: Math.max(left - commissionCents, 0) };
}

/** The month of `now` in Paris and the 11 before it, oldest first ("2026-01" … "2026-12"). */
export function lastTwelveMonths(now = new Date()): string[] {
  const [year, month] = todayInParis(now).split('-').map(Number);
  const months: string[] = [];
  for (let i = 11; i >= 0; i--) {
    const index = year * 12 + (month - 1) - i;
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return months;
}

const parisMonth = (column: 'o.completed_at' | 'o.verified_at') =>
  sql<string>`to_char(${sql.ref(column)} at time zone ${BUSINESS_TIME_ZONE}, 'YYYY-MM')`;

export type PublisherEarningsSummary = {
  /** earnings of orders in their control period (`verified`), not credited yet */
  pendingCents: number;
  /** every earning credited so far (orders with a `completed_at`, refunds deducted) */
  lifetimeEarningsCents: number;
  /** the last 12 months in Paris, oldest first */
  byMonth: { month: string; earnedCents: number; pendingCents: number }[];
};

/** A publisher's earnings: pending, credited over its lifetime, and month by month over the last 12 months. */
export async function publisherEarningsSummary(db: Tx, publisherId: string, now = new Date()): Promise<PublisherEarningsSummary> {
  const months = lastTwelveMonths(now);
  const since = startOfDay(`${months[0]}-01`);
  const totals = await db
    .selectFrom('orders as o')
    .select([
      sql<string>`coalesce(sum(${earningSql}) filter (where o.status = 'verified'), 0)::int8`.as('pending'),
      sql<string>`coalesce(sum(${earningSql}) filter (where o.completed_at is not null), 0)::int8`.as('lifetime'),
    ])
    .where('o.publisher_id', '=', publisherId)
    .executeTakeFirstOrThrow();
  const earned = await db
    .selectFrom('orders as o')
    .select([parisMonth('o.completed_at').as('month'), sql<string>`sum(${earningSql})::int8`.as('cents')])
    .where('o.publisher_id', '=', publisherId)
    .where('o.completed_at', 'is not', null)
    .where('o.completed_at', '>=', since)
    .groupBy(sql`1`)
    .execute();
  const pending = await db
    .selectFrom('orders as o')
    .select([parisMonth('o.verified_at').as('month'), sql<string>`sum(${earningSql})::int8`.as('cents')])
    .where('o.publisher_id', '=', publisherId)
    .where('o.status', '=', 'verified')
    .where('o.verified_at', '>=', since)
    .groupBy(sql`1`)
    .execute();
  const earnedBy = new Map(earned.map((r) => [r.month, Number(r.cents)]));
  const pendingBy = new Map(pending.map((r) => [r.month, Number(r.cents)]));
  return {
    pendingCents: Number(totals.pending),
    lifetimeEarningsCents: Number(totals.lifetime),
    byMonth: months.map((month) => ({ month, earnedCents: earnedBy.get(month) ?? 0, pendingCents: pendingBy.get(month) ?? 0 })),
  };
}

/** pending: in the control period; credited: the earning reached the publisher (completed, even if lost since); refunded: any refund. */
export type EarningState = 'pending' | 'credited' | 'refunded';

export type PublisherEarningOrder = {
  orderId: string;
  siteDomain: string;
  anchor: string;
  priceCents: number;
  commissionCents: number;
  refundedCents: number;
  earningCents: number;
  status: OrderStatus;
  verifiedAt: string | null;
  completedAt: string | null;
  payableAt: string | null;
};

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * A publisher's orders in one earning state, newest first, a page at a time on (sort time, id):
 * pending and refunded by `verified_at`, credited by `completed_at`; the id breaks ties, so equal
 * times never skip nor repeat a row.
 */
export async function listPublisherEarningOrders(
  db: Tx,
  publisherId: string,
  f: { state: EarningState; limit: number; cursor?: string },
): Promise<{ items: PublisherEarningOrder[]; nextCursor: string | null }> {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const key = f.state === 'credited' ? 'o.completed_at' : 'o.verified_at';
  const rows = await db
    .selectFrom('orders as o')
    .select([
      'o.id',
      'o.status',
      'o.anchor',
      siteDomain(sql.ref('o.site_id')).as('domain'),
      sql<string>`o.price_cents::int8`.as('price_cents'),
      sql<string>`o.refunded_cents::int8`.as('refunded_cents'),
      sql<string>`${commissionSql}::int8`.as('commission_cents'),
      sql<string>`${earningSql}::int8`.as('earning_cents'),
      'o.verified_at',
      'o.completed_at',
      'o.payable_at',
      sql<string>`${sql.ref(key)}::text`.as('sort_key'),
    ])
    .where('o.publisher_id', '=', publisherId)
    .where(key, 'is not', null)
    .$if(f.state === 'pending', (q) => q.where('o.status', '=', 'verified'))
    .$if(f.state === 'refunded', (q) => q.where('o.refunded_cents', '>', 0))
    .$if(after !== null, (q) =>
      q.where(sql<boolean>`(${sql.ref(key)}, o.id) < (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`),
    )
    .orderBy(key, 'desc')
    .orderBy('o.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = pageOf(rows, f.limit, (r) => [r.sort_key, r.id]);
  return {
    items: page.items.map((r) => ({
      orderId: r.id,
      siteDomain: r.domain,
      anchor: r.anchor,
      priceCents: Number(r.price_cents),
      commissionCents: Number(r.commission_cents),
      refundedCents: Number(r.refunded_cents),
      earningCents: Number(r.earning_cents),
      status: r.status,
      verifiedAt: iso(r.verified_at),
      completedAt: iso(r.completed_at),
      payableAt: iso(r.payable_at),
    })),
    nextCursor: page.nextCursor,
  };
}

export type QuarterActivity = { considerationCents: number; feesCents: number; activities: number };
export type YearActivity = { quarters: [QuarterActivity, QuarterActivity, QuarterActivity, QuarterActivity] };

/**
 * What each publisher earned in `year`, quarter by quarter (Europe/Paris), as DAC7 and the yearly
 * statement report it: an order counts in the quarter of its `completed_at`; its consideration is
 * price − commission − refunded (never below zero), its fees the commission, and it is one activity.
 * Orders whose consideration is zero (refunded in full after completion) paid nothing and are not
 * counted; a publisher with no paid order that year is not in the map. `publisherId`: that one only.
 */
export async function publisherActivityByQuarter(db: Tx, year: number, publisherId?: string): Promise<Map<string, YearActivity>> {
  if (!Number.isInteger(year) || year < 2000 || year > 9999) throw new Error('a year between 2000 and 9999');
  const rows = await db
    .selectFrom('orders as o')
    .select([
      'o.publisher_id',
      sql<number>`extract(quarter from o.completed_at at time zone ${BUSINESS_TIME_ZONE})::int`.as('quarter'),
      sql<string>`sum(${earningSql})::int8`.as('consideration'),
      sql<string>`sum(${commissionSql})::int8`.as('fees'),
      sql<number>`count(*)::int`.as('activities'),
    ])
    .where('o.completed_at', '>=', startOfDay(`${year}-01-01`))
    .where('o.completed_at', '<', startOfDay(`${year + 1}-01-01`))
    .where(sql<boolean>`${earningSql} > 0`)
    .$if(publisherId !== undefined, (q) => q.where('o.publisher_id', '=', publisherId!))
    .groupBy(['o.publisher_id', sql`2`])
    .orderBy('o.publisher_id')
    .execute();
  const result = new Map<string, YearActivity>();
  for (const r of rows) {
    let activity = result.get(r.publisher_id);
    if (!activity) {
      const empty = (): QuarterActivity => ({ considerationCents: 0, feesCents: 0, activities: 0 });
      activity = { quarters: [empty(), empty(), empty(), empty()] };
      result.set(r.publisher_id, activity);
    }
    activity.quarters[Number(r.quarter) - 1] = {
      considerationCents: Number(r.consideration),
      feesCents: Number(r.fees),
      activities: Number(r.activities),
    };
  }
  return result;
}
