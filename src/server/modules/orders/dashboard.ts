import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../http/actor.js';
import { BUSINESS_TIME_ZONE, endOfDay, splitByMonths, startOfDay } from '../../http/dates.js';
import { accountName } from '../accounts/service.js';
import { earningSql } from './earnings.js';

/**
 * The figures the dashboards read from the orders (issue 12), always for a scope the caller has
 * already checked: the orders of an agency (its `agency_id`, one index), or of a list of clients
 * (each by the client index). Support reads no spend here.
 *
 * Spend is what the clients' wallets paid: an order's price, less what claims gave back, counted
 * on the day of its verification in Paris (the moment the ledger captures its hold).
 */
/** "Near expiry": the window in which the publisher is reminded (service.ts REMINDER_BEFORE_MS). */
const REMINDER_BEFORE_MS = 48 * 3_600_000;

export type SpendScope = { agencyId: string } | { clientIds: string[] };
export type Bucket = 'day' | 'week' | 'month';

function inScope(scope: SpendScope): RawBuilder<boolean> {
  return 'agencyId' in scope
    ? sql<boolean>`o.agency_id = ${scope.agencyId}`
    : sql<boolean>`o.client_id = any(${scope.clientIds}::uuid[])`;
}

const empty = (scope: SpendScope) => 'clientIds' in scope && scope.clientIds.length === 0;

/**
 * Spend over [from, to] (days in Paris, both included), per client and per period (the first day
 * of each day, ISO week or month, in Paris). Per client: the whole months from `order_spend_months`,
 * the days of the partial first and last months from the orders' verification index. The series:
 * an agency's from `order_spend_days`, a list of clients' from their orders.
 */
export async function spendOf(db: Tx, scope: SpendScope, range: { from: string; to: string }, bucket: Bucket) {
  if (empty(scope)) return { byClient: [], series: [] };
  const split = splitByMonths(range);
  const monthScope =
    'agencyId' in scope ? sql`m.agency_id = ${scope.agencyId}` : sql`m.client_id = any(${scope.clientIds}::uuid[])`;
  const parts = [
    ...(split.months
      ? [
          sql`select m.client_id, m.cents, m.orders from order_spend_months m
              where ${monthScope} and m.month >= ${split.months.from}::date and m.month < ${split.months.toExcl}::date`,
        ]
      : []),
    ...split.days.map(
      (d) => sql`select o.client_id, o.price_cents - o.refunded_cents as cents, 1 as orders from orders o
                 where ${inScope(scope)} and o.verified_at >= ${startOfDay(d.from)} and o.verified_at < ${startOfDay(d.toExcl)}`,
    ),
  ];
  const period = (column: RawBuilder<unknown>) => sql<string>`to_char(date_trunc(${bucket}, ${column}), 'YYYY-MM-DD')`;
  const [clients, series] = await Promise.all([
    sql<{ client_id: string; cents: string | number; n: string | number }>`
      select s.client_id, sum(s.cents)::int8 as cents, sum(s.orders)::int8 as n
      from (${sql.join(parts, sql` union all `)}) s group by s.client_id`.execute(db),
    'agencyId' in scope
      ? sql<{ period: string; cents: string | number }>`
          select ${period(sql`d.day`)} as period, sum(d.cents)::int8 as cents from order_spend_days d
          where d.agency_id = ${scope.agencyId} and d.day >= ${range.from}::date and d.day <= ${range.to}::date
          group by 1`.execute(db)
      : sql<{ period: string; cents: string | number }>`
          select ${period(sql`o.verified_at at time zone ${BUSINESS_TIME_ZONE}`)} as period, sum(o.price_cents - o.refunded_cents)::int8 as cents
          from orders o
          where ${inScope(scope)} and o.verified_at >= ${startOfDay(range.from)} and o.verified_at < ${endOfDay(range.to)}
          group by 1`.execute(db),
  ]);
  return {
    byClient: clients.rows
      .map((r) => ({ clientId: r.client_id, cents: Number(r.cents), count: Number(r.n) }))
      .filter((c) => c.count !== 0 || c.cents !== 0),
    series: series.rows.map((r) => ({ period: r.period, cents: Number(r.cents) })),
  };
}

export const IN_PROGRESS = ['placed', 'accepted', 'link_placed', 'verified'] as const;
export type InProgressStatus = (typeof IN_PROGRESS)[number];

/**
 * Orders in progress by status, with what they wait for, and the alerts they raise: placed orders
 * whose acceptance delay ends within the reminder window, live URLs whose verification failed.
 */
export async function ordersInProgress(db: Tx, scope: SpendScope) {
  const byStatus = Object.fromEntries(IN_PROGRESS.map((s) => [s, { count: 0, cents: 0 }])) as Record<
    InProgressStatus,
    { count: number; cents: number }
  >;
  if (empty(scope)) return { byStatus };
  // From the status index alone (price included); the alerts are counted by ordersToWatch.
  const rows = await sql<{ status: InProgressStatus; n: number; cents: string | number }>`
    select o.status, count(*)::int as n, coalesce(sum(o.price_cents), 0)::int8 as cents
    from orders o
    where ${inScope(scope)} and o.status in ('placed', 'accepted', 'link_placed', 'verified')
    group by o.status`.execute(db);
  for (const r of rows.rows) byStatus[r.status] = { count: Number(r.n), cents: Number(r.cents) };
  return { byStatus };
}

/** A few orders to act on: near expiry (placed, acceptance delay ending soon) or failed verification. */
export async function ordersToWatch(
  db: Tx,
  scope: SpendScope,
  kind: 'near_expiry' | 'failed_check',
  limit: number,
  now = new Date(),
) {
  if (empty(scope)) return { count: 0, items: [] };
  const soon = new Date(now.getTime() + REMINDER_BEFORE_MS);
  const rows = await sql<{
    total: number;
    id: string;
    client_id: string;
    client_name: string;
    anchor: string;
    price_cents: string | number;
    at: Date | string;
  }>`
    select (count(*) over ())::int as total, o.id, o.client_id, ${accountName(sql.ref('o.client_id'))} as client_name, o.anchor, o.price_cents,
      ${kind === 'near_expiry' ? sql`o.accept_by` : sql`o.created_at`} as at
    from orders o
    where ${inScope(scope)} and ${
      kind === 'near_expiry'
        ? sql`o.status = 'placed' and o.accept_by < ${soon}`
        : sql`o.status = 'link_placed' and o.last_check ->> 'ok' = 'false'`
    }
    order by ${kind === 'near_expiry' ? sql`o.accept_by` : sql`o.created_at desc`}
    limit ${limit}`.execute(db);
  return {
    count: Number(rows.rows[0]?.total ?? 0),
    items: rows.rows.map((r) => ({
      orderId: r.id,
      clientId: r.client_id,
      clientName: r.client_name,
      anchor: r.anchor,
      priceCents: Number(r.price_cents),
      at: new Date(r.at).toISOString(),
    })),
  };
}

/**
 * Links of the scope: live (verified or completed, within their guarantee), lost (all time, and
 * over the range by `lost_at`).
 */
export async function linkCounts(db: Tx, scope: SpendScope, range: { from: string; to: string }, now = new Date()) {
  if (empty(scope)) return { live: 0, lost: 0, lostInRange: 0 };
  const [live, lost] = await Promise.all([
    sql<{ n: number }>`
      select count(*)::int as n from orders o
      where ${inScope(scope)} and o.status in ('verified', 'completed') and o.guarantee_ends_at > ${now}`.execute(db),
    sql<{ n: number; in_range: number }>`
      select count(*)::int as n,
        (count(*) filter (where o.lost_at >= ${startOfDay(range.from)} and o.lost_at < ${endOfDay(range.to)}))::int as in_range
      from orders o
      where ${inScope(scope)} and o.status = 'lost'`.execute(db),
  ]);
  return {
    live: Number(live.rows[0]?.n ?? 0),
    lost: Number(lost.rows[0]?.n ?? 0),
    lostInRange: Number(lost.rows[0]?.in_range ?? 0),
  };
}

/** A publisher's incoming orders to act on: to accept (with those near expiry), to place. */
export async function publisherQueue(db: Tx, publisherId: string, limit: number, now = new Date()) {
  const soon = new Date(now.getTime() + REMINDER_BEFORE_MS);
  const [counts, items] = await Promise.all([
    sql<{ placed: number; accepted: number; near: number; failed: number }>`
      select (count(*) filter (where o.status = 'placed'))::int as placed,
        (count(*) filter (where o.status = 'accepted'))::int as accepted,
        (count(*) filter (where o.status = 'placed' and o.accept_by < ${soon}))::int as near,
        (count(*) filter (where o.status = 'link_placed' and o.last_check ->> 'ok' = 'false'))::int as failed
      from orders o
      where o.publisher_id = ${publisherId} and o.status in ('placed', 'accepted', 'link_placed')`.execute(db),
    sql<{ id: string; status: 'placed' | 'accepted'; anchor: string; price_cents: string | number; accept_by: Date | string }>`
      select o.id, o.status, o.anchor, o.price_cents, o.accept_by
      from orders o
      where o.publisher_id = ${publisherId} and o.status in ('placed', 'accepted')
      order by (o.status = 'placed') desc, o.accept_by
      limit ${limit}`.execute(db),
  ]);
  const c = counts.rows[0];
  return {
    toAccept: Number(c?.placed ?? 0),
    toPlace: Number(c?.accepted ?? 0),
    nearExpiry: Number(c?.near ?? 0),
    failedChecks: Number(c?.failed ?? 0),
    items: items.rows.map((r) => ({
      orderId: r.id,
      status: r.status,
      anchor: r.anchor,
      priceCents: Number(r.price_cents),
      acceptBy: new Date(r.accept_by).toISOString(),
    })),
  };
}

/** A publisher's earnings per period, by completion day in Paris (the completion's rule, refunds deducted). */
export async function publisherEarningSeries(db: Tx, publisherId: string, range: { from: string; to: string }, bucket: Bucket) {
  const rows = await sql<{ period: string; cents: string | number }>`
    select to_char(date_trunc(${bucket}, o.completed_at at time zone ${BUSINESS_TIME_ZONE}), 'YYYY-MM-DD') as period,
      coalesce(sum(${earningSql}), 0)::int8 as cents
    from orders o
    where o.publisher_id = ${publisherId} and o.completed_at >= ${startOfDay(range.from)} and o.completed_at < ${endOfDay(range.to)}
    group by 1`.execute(db);
  return rows.rows.map((r) => ({ period: r.period, cents: Number(r.cents) }));
}
