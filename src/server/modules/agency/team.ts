import { z } from 'zod';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import { invalidInput } from '../../http/errors.js';
import { todayInParis } from '../../http/dates.js';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import { rank } from '../accounts/policy.js';
import { findReachableAccount, listTeamAccounts, searchTextOf, type TeamAccountRow } from '../accounts/service.js';
import { balancesOf } from '../ledger/service.js';
import { agencyPolicy, assertPolicy } from './policy.js';
import type { TeamSort, TTeamRow } from './schema.js';

// The team table of the Agence tab: every manager, consultant and client in the reader's reach,
// each with its figures over a period rolled up over its subtree. The figures come from their
// owners in one grouped query each (orders: spend, orders by status, live links; ledger: balances;
// accounts: the people, their parents and last sign-in), then are summed up the hierarchy in
// memory along `parentId`, sorted and paged here: no query per row, whatever the agency's size.

/** Per buyer account: what orders knows of it over a period (orders sits below agency: app.ts hands it in). */
export type TeamOrderFigures = { spendCents: number; byStatus: Record<string, number>; liveLinks: number };
export type TeamOrderReader = (db: Tx, root: { id: string; isAgency: boolean }, period: { from: string; to: string }) => Promise<Map<string, TeamOrderFigures>>;

let orderReader: TeamOrderReader | null = null;
export function useTeamOrderFigures(reader: TeamOrderReader): void {
  orderReader = reader;
}

export type TeamFilters = {
  from?: string;
  to?: string;
  q?: string;
  role?: 'manager' | 'consultant' | 'client';
  parentId?: string;
  status: 'active' | 'inactive' | 'all';
  sort: TeamSort;
  order: 'asc' | 'desc';
};

const IN_PROGRESS = ['placed', 'accepted', 'link_placed'];

/** The period asked, or this month so far (Paris days); `from` after `to` is a 400 on `from`. */
export function teamPeriod(f: { from?: string; to?: string }, now = new Date()): { from: string; to: string } {
  const today = todayInParis(now);
  const to = f.to ?? today;
  const from = f.from ?? (f.to ? `${f.to.slice(0, 8)}01` : `${today.slice(0, 8)}01`);
  if (from > to) throw invalidInput('period_reversed', 'from', { from, to });
  return { from, to };
}

type Keyed = { row: TTeamRow; key: string | number | null };

/** Every row matching the filters, sorted (the whole table: paging and the CSV both cut from it). */
async function buildTeam(actor: Actor, f: TeamFilters, ctx: Ctx): Promise<{ period: { from: string; to: string }; rows: TTeamRow[] }> {
  assertPolicy(agencyPolicy.mayReadTeam(actor));
  if (f.parentId) await findReachableAccount(ctx.db, actor, f.parentId);
  const period = teamPeriod(f);
  const rootId = actor.account.id;
  const root = { id: rootId, isAgency: actor.account.role === 'agency' && actor.account.agencyId === rootId };
  // The people and the orders' figures at once; the wallets once the people are known.
  const [accounts, orders] = await Promise.all([
    listTeamAccounts(ctx.db, rootId),
    orderReader ? orderReader(ctx.db, root, period) : new Map<string, TeamOrderFigures>(),
  ]);
  const balances = await balancesOf(
    ctx.db,
    accounts.map((a) => a.id),
    false,
  );
  const rows = rollUp(accounts, orders, (id) => balances.get(id)?.availableCents ?? 0);
  const q = f.q ? searchTextOf(f.q) : '';
  const searchOf = new Map(accounts.map((a) => [a.id, a.search_text]));
  const wanted = rows.filter(
    (r) =>
      (f.status === 'all' || (f.status === 'active') === (r.status === 'active')) &&
      (!f.role || r.role === f.role) &&
      (!f.parentId || r.parentId === f.parentId) &&
      (!q || (searchOf.get(r.id) ?? '').includes(q)),
  );
  const keyed = wanted.map((row) => ({ row, key: sortKey(row, f.sort) }));
  keyed.sort(comparator(f.order));
  return { period, rows: keyed.map((k) => k.row) };
}

/**
 * Each account's own figures plus those of every account below it (clients' orders roll up to their
 * people, and every wallet to the balance of its branch: all of a person's subtree is in the list).
 */
function rollUp(accounts: TeamAccountRow[], orders: Map<string, TeamOrderFigures>, balance: (id: string) => number): TTeamRow[] {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const rows = new Map<string, TTeamRow>(
    accounts.map((a) => [
      a.id,
      {
        id: a.id,
        role: a.role as TTeamRow['role'],
        name: a.name,
        email: a.email,
        parentId: a.parent_id,
        parentName: a.parent_name,
        status: a.active ? 'active' : a.closed_reason === 'suspended_by_mode' ? 'suspended' : 'deactivated',
        hasLogin: a.has_login,
        lastSignInAt: a.last_sign_in_at ? a.last_sign_in_at.toISOString() : null,
        clientsCount: 0,
        spendCents: 0,
        ordersCount: 0,
        ordersByStatus: {},
        inProgressCount: 0,
        liveLinks: 0,
        balanceCents: balance(a.id),
        subtreeBalanceCents: 0,
      },
    ]),
  );
  // Each account's row and those of its ancestors in reach (the reader itself is not a row), built
  // once per account from its parent's: 10,000 clients walk a few thousand short arrays.
  const chains = new Map<string, TTeamRow[]>();
  const chainOf = (id: string | null): TTeamRow[] => {
    if (id === null || !byId.has(id)) return [];
    let chain = chains.get(id);
    if (!chain) {
      chain = [rows.get(id)!, ...chainOf(byId.get(id)!.parent_id)];
      chains.set(id, chain);
    }
    return chain;
  };
  for (const a of accounts) {
    const chain = chainOf(a.id);
    if (a.role === 'client' && a.active) for (let i = 1; i < chain.length; i++) chain[i].clientsCount += 1;
    const own = balance(a.id);
    if (own !== 0) for (const r of chain) r.subtreeBalanceCents += own;
    const figures = orders.get(a.id);
    if (!figures) continue;
    const statuses = Object.entries(figures.byStatus);
    let count = 0;
    let inProgress = 0;
    for (const [status, n] of statuses) {
      count += n;
      if (IN_PROGRESS.includes(status)) inProgress += n;
    }
    for (const r of chain) {
      r.spendCents += figures.spendCents;
      r.liveLinks += figures.liveLinks;
      r.ordersCount += count;
      r.inProgressCount += inProgress;
      for (const [status, n] of statuses) r.ordersByStatus[status] = (r.ordersByStatus[status] ?? 0) + n;
    }
  }
  return [...rows.values()];
}

const STATUS_ORDER = { active: 0, suspended: 1, deactivated: 2 } as const;

function sortKey(r: TTeamRow, sort: TeamSort): string | number | null {
  switch (sort) {
    case 'name':
      return searchTextOf(r.name);
    case 'email':
      return r.email;
    case 'role':
      return -rank[r.role];
    case 'parent':
      return r.parentName === null ? null : searchTextOf(r.parentName);
    case 'status':
      return STATUS_ORDER[r.status];
    case 'clients':
      return r.clientsCount;
    case 'spend':
      return r.spendCents;
    case 'orders':
      return r.ordersCount;
    case 'inProgress':
      return r.inProgressCount;
    case 'live':
      return r.liveLinks;
    case 'balance':
      return r.balanceCents;
    case 'lastSignIn':
      return r.lastSignInAt;
  }
}

/** (key, id): empty keys (no e-mail, never signed in) last when ascending, first when descending; the id breaks ties. */
function compareKeys(a: string | number | null, aId: string, b: string | number | null, bId: string): number {
  if (a !== b) {
    if (a === null) return 1;
    if (b === null) return -1;
    if (a < b) return -1;
    if (a > b) return 1;
  }
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

function comparator(order: 'asc' | 'desc') {
  const sign = order === 'asc' ? 1 : -1;
  return (x: Keyed, y: Keyed) => sign * compareKeys(x.key, x.row.id, y.key, y.row.id);
}

const cursorKey = z.union([cursorPart.text, z.number().finite(), z.null()]);

/** A page of the team table: keyset over (sort key, id), the cursor naming its sort so another sort cannot misread it. */
export async function listTeam(actor: Actor, f: TeamFilters & { limit: number; cursor?: string }, ctx: Ctx) {
  const after = decodeCursor(f.cursor, [z.enum(['asc', 'desc']), cursorPart.text, cursorKey, cursorPart.uuid]);
  if (after && (after[0] !== f.order || after[1] !== f.sort)) throw invalidInput('cursor_invalid', 'cursor');
  const { period, rows } = await buildTeam(actor, f, ctx);
  const sign = f.order === 'asc' ? 1 : -1;
  const start = after ? rows.findIndex((r) => sign * compareKeys(sortKey(r, f.sort), r.id, after[2], after[3]) > 0) : 0;
  const rest = start < 0 ? [] : rows.slice(start);
  const items = rest.slice(0, f.limit);
  const last = rest.length > f.limit ? items[items.length - 1] : null;
  return {
    period,
    total: rows.length,
    items,
    nextCursor: last ? encodeCursor([f.order, f.sort, sortKey(last, f.sort), last.id]) : null,
  };
}

/** The whole table for the CSV export (same filters and order). */
export async function teamForExport(actor: Actor, f: TeamFilters, ctx: Ctx) {
  return buildTeam(actor, f, ctx);
}
