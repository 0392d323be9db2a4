import type { Actor, Ctx } from '../../http/actor.js';
import { invalidInput } from '../../http/errors.js';
import { todayInParis } from '../../http/dates.js';
import { accountLabels, clientBranches, reachableIds, subtreeIds } from '../accounts/service.js';
import { listAuditForSubtree, type AuditEntry } from '../audit/service.js';
import { countPendingAgencyRequests } from '../agency/service.js';
import { countTopUpsAwaitingPayment } from '../billing/service.js';
import { countSitesToReview } from '../catalog/service.js';
import { balancesOf, lowBalanceWallets } from '../ledger/service.js';
import { countOpenClaims } from '../links/service.js';
import { countDeadEmails } from '../notifications/service.js';
import { dashboardFigures as figures } from '../orders/service.js';
import { countPayoutQueues, payoutSummary } from '../payouts/service.js';
import { ACTIVITY_ITEMS, ALERT_ITEMS, buyerScopeOf, dashboardKindOf, MAX_RANGE_DAYS, TOP_GROUPS } from './policy.js';
import type { z } from 'zod';
import type { TDashboard, TDashboardQuery, ZSpendGroup } from './schema.js';

/**
 * The dashboards (issue 12). This feature owns no table: it composes the owners' services, each
 * figure read for the accounts in the reader's reach only (the acted account's when acting-as).
 */

type Bucket = 'day' | 'week' | 'month';
export type Range = { from: string; to: string; bucket: Bucket };

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
/** YYYY-MM-DD, the year on four digits (toISOString writes year 10000 as +010000). */
const dayOf = (n: number) => {
  const d = new Date(n * DAY_MS);
  const pad = (v: number, w: number) => String(v).padStart(w, '0');
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
};

/** The period asked (the last 30 days in Paris by default), checked, and the bucket its length calls for. */
export function rangeOf(q: Pick<TDashboardQuery, 'from' | 'to'>, now = new Date()): Range {
  const to = q.to ?? (q.from && q.from > todayInParis(now) ? q.from : todayInParis(now));
  const from = q.from ?? dayOf(dayNumber(to) - 29);
  if (from > to) throw invalidInput('date_range_order', 'to');
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days > MAX_RANGE_DAYS) throw invalidInput('date_range_too_long', 'from', { days: MAX_RANGE_DAYS });
  return { from, to, bucket: days <= 62 ? 'day' : days <= 190 ? 'week' : 'month' };
}

/** The day number of a calendar day (Date.UTC would read years 0–99 as 1900–1999). */
function dayNumberOf(year: number, monthIndex: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  return d.getTime() / DAY_MS;
}

/** The day number of the first day of the period `n` falls in (ISO weeks start on Monday), as PostgreSQL's date_trunc gives it. */
function periodStart(n: number, bucket: Bucket): number {
  if (bucket === 'day') return n;
  const d = new Date(n * DAY_MS);
  if (bucket === 'month') return dayNumberOf(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return n - ((d.getUTCDay() + 6) % 7);
}

function nextPeriod(n: number, bucket: Bucket): number {
  if (bucket === 'day') return n + 1;
  if (bucket === 'week') return n + 7;
  const d = new Date(n * DAY_MS);
  return dayNumberOf(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Every period of the range, oldest first, with its amount (0 where nothing was spent). Days compare as numbers. */
export function fillSeries(range: Range, points: { period: string; cents: number }[]) {
  const byPeriod = new Map(points.map((p) => [p.period, p.cents]));
  const series: { period: string; cents: number }[] = [];
  const last = dayNumber(range.to);
  for (let n = periodStart(dayNumber(range.from), range.bucket); n <= last; n = nextPeriod(n, range.bucket)) {
    const period = dayOf(n);
    series.push({ period, cents: byPeriod.get(period) ?? 0 });
  }
  return series;
}

type Group = z.infer<typeof ZSpendGroup>;

/** The largest groups by name, the rest summed into « autres ». */
function topGroups(groups: Group[], lang: Actor['lang']): Group[] {
  const sorted = [...groups]
    .filter((g) => g.cents > 0 || g.count > 0)
    .sort((a, b) => b.cents - a.cents || a.name.localeCompare(b.name));
  if (sorted.length <= TOP_GROUPS + 1) return sorted;
  const rest = sorted.slice(TOP_GROUPS);
  return [
    ...sorted.slice(0, TOP_GROUPS),
    {
      id: null,
      name: lang === 'fr' ? `Autres (${rest.length})` : `Others (${rest.length})`,
      kind: 'others',
      cents: rest.reduce((s, g) => s + g.cents, 0),
      count: rest.reduce((s, g) => s + g.count, 0),
    },
  ];
}

async function activityOf(actor: Actor, ctx: Ctx): Promise<AuditEntry[]> {
  const scope = {
    accountIds: subtreeIds(ctx.db, actor.account.id),
    namesOf: (ids: string[]) => accountLabels(ctx.db, ids),
    reachable: (ids: string[]) => reachableIds(ctx.db, actor, ids),
  };
  return (await listAuditForSubtree(ctx.db, actor, scope, { limit: ACTIVITY_ITEMS, cursor: null })).items;
}

async function buyerDashboard(
  actor: Actor,
  q: TDashboardQuery,
  range: Range,
  ctx: Ctx,
): Promise<NonNullable<TDashboard['buyer']>> {
  const db = ctx.db;
  const who = buyerScopeOf(actor);
  const me = actor.account;
  // The clients in reach, with the collaborator each sits under (read only when they are needed).
  const needsBranches = !('self' in who) && (q.groupBy === 'collaborator' || 'subtreeOf' in who);
  const branches = needsBranches ? await clientBranches(db, me.id) : [];
  const scope: figures.SpendScope =
    'agencyId' in who
      ? { agencyId: who.agencyId }
      : 'self' in who
        ? { clientIds: [who.self] }
        : { clientIds: branches.map((b) => b.id) };
  const clientIds = 'clientIds' in scope ? scope.clientIds : null;

  const [{ byClient, series: points }, progress, near, failed, links, claims, wallets, low] = await Promise.all([
    figures.spendOf(db, scope, range, range.bucket),
    figures.ordersInProgress(db, scope),
    figures.ordersToWatch(db, scope, 'near_expiry', ALERT_ITEMS),
    figures.ordersToWatch(db, scope, 'failed_check', ALERT_ITEMS),
    figures.linkCounts(db, scope, range),
    countOpenClaims(db, clientIds ? { clientIds } : { agencyId: me.id }),
    // the account's own wallet (the sum over a whole agency's wallets would cost more than the rest)
    balancesOf(db, [me.id], false),
    lowBalanceWallets(
      db,
      clientIds ? { accountIds: [me.id, ...new Set(branches.map((b) => b.branch_id)), ...clientIds] } : { agencyId: me.id },
      ALERT_ITEMS,
    ),
  ]);

  let groups: Group[];
  if (q.groupBy === 'collaborator' && !('self' in who)) {
    const branchOf = new Map(branches.map((b) => [b.id, b]));
    const sums = new Map<string, Group>();
    for (const c of byClient) {
      const b = branchOf.get(c.clientId);
      const direct = !b || b.branch_role === 'client';
      const key = direct ? me.id : b.branch_id;
      const g = sums.get(key) ?? {
        id: key,
        name: direct ? me.name : b.branch_name,
        kind: direct ? 'direct' : 'collaborator',
        cents: 0,
        count: 0,
      };
      g.cents += c.cents;
      g.count += c.count;
      sums.set(key, g);
    }
    groups = topGroups([...sums.values()], actor.lang);
  } else {
    const named = await accountLabels(
      db,
      [...byClient]
        .sort((a, b) => b.cents - a.cents)
        .slice(0, TOP_GROUPS + 1)
        .map((c) => c.clientId),
    );
    groups = topGroups(
      byClient.map((c) => ({
        id: c.clientId,
        name: named.get(c.clientId)?.name ?? '',
        kind: 'client' as const,
        cents: c.cents,
        count: c.count,
      })),
      actor.lang,
    );
  }

  const lowNames = await accountLabels(
    db,
    low.items.map((w) => w.accountId),
  );
  const own = wallets.get(me.id);
  const s = progress.byStatus;
  return {
    spend: {
      totalCents: byClient.reduce((t, c) => t + c.cents, 0),
      orderCount: byClient.reduce((t, c) => t + c.count, 0),
      series: fillSeries(range, points),
      groups,
    },
    orders: {
      inProgress: figures.IN_PROGRESS.map((status) => ({ status, ...s[status] })),
      waitingOn: {
        publisher: s.placed.count + s.accepted.count + failed.count,
        verification: s.link_placed.count - failed.count,
        controlPeriod: s.verified.count,
      },
    },
    links: { live: links.live, lost: links.lost, lostInRange: links.lostInRange, atRisk: claims },
    wallet: {
      availableCents: own?.availableCents ?? 0,
      pendingCents: own?.pendingCents ?? 0,
      lowBalanceCents: own?.lowBalanceCents ?? null,
    },
    alerts: {
      lowBalance: { count: low.count, items: low.items.map((w) => ({ ...w, name: lowNames.get(w.accountId)?.name ?? '' })) },
      nearExpiry: near,
      failedChecks: failed,
      openClaims: claims,
    },
  };
}

async function publisherDashboard(actor: Actor, range: Range, ctx: Ctx): Promise<NonNullable<TDashboard['publisher']>> {
  const id = actor.account.id;
  const [points, queue, summary, claims] = await Promise.all([
    figures.publisherEarningSeries(ctx.db, id, range, range.bucket),
    figures.publisherQueue(ctx.db, id, ALERT_ITEMS),
    payoutSummary(actor, ctx),
    countOpenClaims(ctx.db, { publisherId: id }),
  ]);
  return {
    earnings: { totalCents: points.reduce((t, p) => t + p.cents, 0), series: fillSeries(range, points) },
    queue,
    payouts: {
      pendingCents: summary.pendingCents,
      payableCents: summary.payableCents,
      withdrawingCents: summary.withdrawingCents,
      paidCents: summary.paidCents,
      debtCents: summary.debtCents,
    },
    openClaims: claims,
  };
}

async function supportDashboard(ctx: Ctx): Promise<NonNullable<TDashboard['support']>> {
  const [topUps, siteReviews, claims, agencyRequests, deadEmails, payouts] = await Promise.all([
    countTopUpsAwaitingPayment(ctx.db),
    countSitesToReview(ctx.db),
    countOpenClaims(ctx.db, { all: true }),
    countPendingAgencyRequests(ctx.db),
    countDeadEmails(ctx.db),
    countPayoutQueues(ctx.db),
  ]);
  return {
    queues: {
      topUps,
      siteReviews,
      claims,
      agencyRequests,
      deadEmails,
      withdrawals: payouts.withdrawals,
      documents: payouts.documents,
    },
  };
}

/** The dashboard of the account in use: first what its role acts on, over the period asked. */
export async function getDashboard(actor: Actor, q: TDashboardQuery, ctx: Ctx): Promise<TDashboard> {
  const kind = dashboardKindOf(actor);
  const range = rangeOf(q);
  const [buyer, publisher, support, activity] = await Promise.all([
    kind === 'buyer' ? buyerDashboard(actor, q, range, ctx) : null,
    kind === 'publisher' ? publisherDashboard(actor, range, ctx) : null,
    kind === 'support' ? supportDashboard(ctx) : null,
    kind === 'support' ? [] : activityOf(actor, ctx),
  ]);
  return {
    kind,
    role: actor.account.role,
    account: { id: actor.account.id, name: actor.account.name },
    range,
    groupBy: q.groupBy,
    buyer,
    publisher,
    support,
    activity,
  };
}
