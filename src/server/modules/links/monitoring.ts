import { sql } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import { findOrderToCheck, findPublisherOrderToCheck, setLastCheck, type OrderToCheck } from '../orders/service.js';
import { recordCheck } from './checks.js';
import { closeClaimAsReinstated, findOpenClaim, openClaim } from './claims.js';
import { verifyLink, type CheckOutcome, type VerificationResult, type VerifyOptions } from './verify.js';

/**
 * Monitoring during the guarantee. Each verified link has a `link_monitors` row saying when it is
 * next checked; every app process runs `runMonitoring` in its background worker. A process first
 * takes hosts (`monitor_hosts`, a conditional update, so one host is checked by one process at a
 * time, with a pause between two of its checks), then the most overdue link of each host (a lease
 * on the monitor: each check is claimed once), checks them side by side, and records each outcome
 * in one transaction: the check with its evidence, the order's `lastCheck`, and a claim opened or
 * closed. A site that is down (the verifier says `transient`) is retried over the retry window
 * before its failure counts.
 */

/** How long a taken host or link stays taken if the process dies mid-check. */
const LEASE_MS = 5 * 60_000;

/** About every `everyMs`, ±10 %, so that links verified together spread over the day. */
function spread(everyMs: number): number {
  return Math.round(everyMs * (0.9 + Math.random() * 0.2));
}

function hostOf(url: string): string {
  return new URL(url).host.toLowerCase();
}

/** Starts monitoring a link just verified, in the verifying transaction. */
export async function startMonitoring(tx: Tx, ctx: Ctx, input: { orderId: string; liveUrl: string; guaranteeEndsAt: Date; now: Date }) {
  const host = hostOf(input.liveUrl);
  await tx
    .insertInto('link_monitors')
    .values({
      order_id: input.orderId,
      host,
      next_check_at: new Date(input.now.getTime() + spread(ctx.config.monitorEveryMs)),
      guarantee_ends_at: input.guaranteeEndsAt,
      last_outcome: 'ok',
      last_checked_at: input.now,
    })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
  await tx.insertInto('monitor_hosts').values({ host }).onConflict((oc) => oc.column('host').doNothing()).execute();
}

/** Stops monitoring an order's link (lost and refunded, or its guarantee over). */
export async function endMonitoring(tx: Tx, orderId: string, now = new Date()): Promise<void> {
  await tx.updateTable('link_monitors').set({ ended_at: now, locked_until: null }).where('order_id', '=', orderId).where('ended_at', 'is', null).execute();
}

/** A claim settled without a refund in full: the same failure opens no new claim until the link passes again. */
export async function ignoreFailure(tx: Tx, orderId: string, rule: string | null): Promise<void> {
  await tx.updateTable('link_monitors').set({ dismissed_rule: rule ?? 'unknown' }).where('order_id', '=', orderId).execute();
}

/** The monitoring state of some orders, for their pages. */
export async function monitoringOf(db: Tx, orderIds: string[]) {
  const rows = await db.selectFrom('link_monitors').selectAll().where('order_id', 'in', orderIds).execute();
  return new Map(
    rows.map((m) => [
      m.order_id,
      {
        nextCheckAt: m.ended_at ? null : new Date(m.next_check_at).toISOString(),
        lastCheckedAt: m.last_checked_at ? new Date(m.last_checked_at).toISOString() : null,
        lastOutcome: m.last_outcome as CheckOutcome | null,
        endedAt: m.ended_at ? new Date(m.ended_at).toISOString() : null,
      },
    ]),
  );
}

/** The publisher has reinstated the link (or fixed the page): its next check is now. */
export async function requestRecheck(actor: Actor, orderId: string, ctx: Ctx): Promise<{ nextCheckAt: string }> {
  const order = await findPublisherOrderToCheck(ctx.db, actor, orderId);
  const now = new Date();
  const monitor = await ctx.db
    .updateTable('link_monitors')
    .set({ next_check_at: sql`least(next_check_at, ${now}::timestamptz)` })
    .where('order_id', '=', order.id)
    .where('ended_at', 'is', null)
    .returning('next_check_at')
    .executeTakeFirst();
  if (!monitor) throw notMonitored();
  return { nextCheckAt: new Date(monitor.next_check_at).toISOString() };
}

export type MonitoringOptions = {
  now?: () => Date;
  /** stop after this many checks (the worker's pass stays short); default 200 */
  maxChecks?: number;
  /** overrides for the verifier (tests: retry delays) */
  verify?: Partial<VerifyOptions>;
};

/** Runs the checks that are due, `monitorConcurrency` hosts at a time. Returns how many links were checked. */
export async function runMonitoring(ctx: Ctx, options: MonitoringOptions = {}): Promise<number> {
  const now = options.now ?? (() => new Date());
  const max = options.maxChecks ?? 200;
  let checked = 0;
  while (checked < max) {
    const hosts = await takeHosts(ctx, Math.min(ctx.config.monitorConcurrency, max - checked), now());
    if (hosts.length === 0) break;
    const done = await Promise.all(hosts.map((host) => checkNextLinkOf(ctx, host, now, options)));
    checked += done.filter(Boolean).length;
    if (!done.some(Boolean)) break;
  }
  return checked;
}

/** Takes up to `n` hosts that have a link due and are not paused or being checked. */
async function takeHosts(ctx: Ctx, n: number, now: Date): Promise<string[]> {
  const rows = await ctx.db
    .updateTable('monitor_hosts')
    .set({ available_at: new Date(now.getTime() + LEASE_MS) })
    .where('host', 'in', (eb) =>
      eb
        .selectFrom('link_monitors as m')
        .innerJoin('monitor_hosts as h', 'h.host', 'm.host')
        .select('m.host')
        .where('m.ended_at', 'is', null)
        .where('m.next_check_at', '<=', now)
        .where((w) => w.or([w('m.locked_until', 'is', null), w('m.locked_until', '<', now)]))
        .where('h.available_at', '<=', now)
        .groupBy('m.host')
        .orderBy(sql`min(m.next_check_at)`)
        .limit(n),
    )
    // Re-checked on the row itself: of two processes taking the same host, the second finds it taken.
    .where('available_at', '<=', now)
    .returning('host')
    .execute();
  return rows.map((r) => r.host);
}

/** Checks the most overdue link of a taken host, then pauses the host. Returns whether a link was checked. */
async function checkNextLinkOf(ctx: Ctx, host: string, now: () => Date, options: MonitoringOptions): Promise<boolean> {
  let checked = false;
  try {
    const at = now();
    const monitor = await ctx.db
      .updateTable('link_monitors')
      .set({ locked_until: new Date(at.getTime() + LEASE_MS) })
      .where('order_id', '=', (eb) =>
        eb
          .selectFrom('link_monitors')
          .select('order_id')
          .where('host', '=', host)
          .where('ended_at', 'is', null)
          .where('next_check_at', '<=', at)
          .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', at)]))
          .orderBy('next_check_at')
          .limit(1)
          .forUpdate()
          .skipLocked(),
      )
      .where('ended_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!monitor) return false;
    checked = await checkMonitoredLink(ctx, monitor.order_id, now, options);
    return checked;
  } finally {
    const pause = checked ? ctx.config.monitorHostPauseMs : 0;
    await ctx.db
      .updateTable('monitor_hosts')
      .set({ available_at: new Date(now().getTime() + pause) })
      .where('host', '=', host)
      .execute();
  }
}

function stillMonitored(order: OrderToCheck | null): order is OrderToCheck & { liveUrl: string } {
  return order !== null && (order.status === 'verified' || order.status === 'completed') && order.liveUrl !== null;
}

/** One monitoring check of an order's link, and what follows from it. */
async function checkMonitoredLink(ctx: Ctx, orderId: string, now: () => Date, options: MonitoringOptions): Promise<boolean> {
  const order = await findOrderToCheck(ctx.db, orderId);
  const claim = await findOpenClaim(ctx.db, orderId);
  const guaranteeOver = order?.guaranteeEndsAt ? order.guaranteeEndsAt.getTime() <= now().getTime() : false;
  if (!stillMonitored(order) || (guaranteeOver && !claim)) {
    await ctx.db.transaction().execute((tx) => endMonitoring(tx, orderId, now()));
    return false;
  }
  const result = await verifyLink(
    { liveUrl: order.liveUrl, articleUrl: order.articleUrl, siteDomain: order.siteDomain, targetUrl: order.targetUrl, anchor: order.anchor },
    { allowPrivate: ctx.config.crawlerAllowPrivate, retryDelaysMs: ctx.config.crawlerRetryDelaysMs, ...options.verify },
  );
  await ctx.db.transaction().execute((tx) => recordMonitoringOutcome(tx, ctx, order, result, now()));
  return true;
}

async function recordMonitoringOutcome(tx: Tx, ctx: Ctx, order: OrderToCheck, result: VerificationResult, now: Date): Promise<void> {
  // The claim before the monitor, as the claims sweep and support's settlement lock them (claim,
  // order, wallets, monitor): never the other way round, so the two never deadlock.
  let claim = await findOpenClaim(tx, order.id, { lock: true });
  const monitor = await tx.selectFrom('link_monitors').selectAll().where('order_id', '=', order.id).forUpdate().executeTakeFirst();
  if (!monitor || monitor.ended_at) return;
  const checkId = await recordCheck(tx, order.id, 'monitoring', result);
  await setLastCheck(tx, order.id, { ok: result.ok, rule: result.rule, messages: result.messages, at: new Date(result.checkedAt) });
  const every = ctx.config.monitorEveryMs;
  let downSince: Date | null = null;
  let next: number;
  if (result.ok) {
    if (claim) await closeClaimAsReinstated(tx, ctx, claim, now);
    claim = null;
    next = spread(every);
  } else {
    downSince = result.transient ? (monitor.down_since ? new Date(monitor.down_since) : now) : null;
    const stillRetrying = downSince !== null && now.getTime() - downSince.getTime() < ctx.config.monitorRetryWindowMs;
    if (!claim && !stillRetrying && result.rule !== monitor.dismissed_rule) {
      claim = await openClaim(tx, ctx, order, result, checkId, now);
    }
    next = claim
      ? Math.min(every, Math.max(ctx.config.reinstateDelayMs / 4, 1_000))
      : stillRetrying
        ? Math.min(every, Math.max(ctx.config.monitorRetryWindowMs / 6, 1_000))
        : spread(every);
  }
  await tx
    .updateTable('link_monitors')
    .set({
      down_since: downSince,
      last_outcome: result.outcome,
      last_checked_at: now,
      next_check_at: new Date(now.getTime() + next),
      locked_until: null,
      ...(result.ok ? { dismissed_rule: null } : {}),
    })
    .where('order_id', '=', order.id)
    .execute();
}

/** A re-check is for a link under monitoring (verified, within its guarantee or with an open claim). */
function notMonitored() {
  return new AppError('invalid_state', 409, 'link_not_monitored');
}
