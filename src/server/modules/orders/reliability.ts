import { sql } from 'kysely';
import type { Ctx } from '../../http/actor.js';
import { recordPublisherReliability, type ReliabilityRow } from '../catalog/service.js';

/** How often one process refreshes the figures (every process runs the worker; the upsert is idempotent). */
export const RELIABILITY_EVERY_MS = 10 * 60_000;

/** Statuses of an order the publisher accepted (whatever came after). */
const ACCEPTED = ['accepted', 'link_placed', 'verified', 'completed', 'lost'] as const;
/** …and those it refused or let expire: with the above, the orders it had to decide on. */
const NOT_ACCEPTED = ['refused', 'expired'] as const;

const list = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));
const days = (interval: ReturnType<typeof sql>) => sql`extract(epoch from (${interval}))::float8 / 86400`;

/**
 * Recomputes every publisher's reliability from its orders' history, in one grouped pass over the
 * orders, and hands the figures to catalog, which stores them (publisher_reliability):
 * - links placed: orders that reached verified (verified_at set); links lost: orders `lost`;
 * - average lifetime: over placed links, from verification to the loss (or to `now`), in days;
 * - acceptance rate: orders accepted (or beyond) over those the publisher accepted, refused or let
 *   expire (orders cancelled by the buyer before a decision, or still waiting, do not count);
 * - median days to placement: from the order to its verified link.
 * Returns how many publishers were written.
 */
export async function refreshPublisherReliability(ctx: Ctx, now = new Date()): Promise<number> {
  const placed = sql`o.verified_at is not null`;
  const result = await sql<{
    publisher_id: string;
    links_placed: number | string;
    links_lost: number | string;
    avg_lifetime_days: number | string | null;
    acceptance_rate: number | string | null;
    median_days_to_placement: number | string | null;
  }>`
    select o.publisher_id,
      (count(*) filter (where ${placed}))::int as links_placed,
      (count(*) filter (where o.status = 'lost'))::int as links_lost,
      avg(${days(sql`coalesce(o.lost_at, ${now}::timestamptz) - o.verified_at`)}) filter (where ${placed}) as avg_lifetime_days,
      (count(*) filter (where o.status in (${list(ACCEPTED)})))::float8
        / nullif(count(*) filter (where o.status in (${list([...ACCEPTED, ...NOT_ACCEPTED])})), 0) as acceptance_rate,
      percentile_cont(0.5) within group (order by ${days(sql`o.verified_at - o.created_at`)}) filter (where ${placed}) as median_days_to_placement
    from orders o
    group by o.publisher_id`.execute(ctx.db);
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  const rows: ReliabilityRow[] = result.rows.map((r) => ({
    publisherId: r.publisher_id,
    linksPlaced: Number(r.links_placed),
    linksLost: Number(r.links_lost),
    avgLifetimeDays: num(r.avg_lifetime_days),
    acceptanceRate: num(r.acceptance_rate),
    medianDaysToPlacement: num(r.median_days_to_placement),
  }));
  return recordPublisherReliability(ctx.db, rows, now);
}

const lastRefresh = new WeakMap<Ctx['db'], number>();

/**
 * The refresh as the background worker runs it: at most every `RELIABILITY_EVERY_MS` per database
 * handle (so per process), unless `force` (tests, or a one-off from a script). Null when skipped.
 */
export async function refreshReliabilityIfDue(ctx: Ctx, options: { now?: Date; force?: boolean } = {}): Promise<number | null> {
  const now = options.now ?? new Date();
  const last = lastRefresh.get(ctx.db);
  if (!options.force && last !== undefined && now.getTime() - last < RELIABILITY_EVERY_MS) return null;
  lastRefresh.set(ctx.db, now.getTime());
  return refreshPublisherReliability(ctx, now);
}
