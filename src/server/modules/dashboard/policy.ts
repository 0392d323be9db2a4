import type { Actor } from '../../http/actor.js';

/**
 * Which dashboard an account reads, and over what. Every account reads its own only (acting-as
 * reads the acted account's): there is no id to check, the scope is the account's subtree.
 *
 * | role                                   | dashboard | spend, orders, links, wallets of      |
 * | -------------------------------------- | --------- | ------------------------------------- |
 * | agency (the root of its tenant)        | buyer     | every order of the tenant (agency_id) |
 * | manager, consultant                    | buyer     | the clients below it                  |
 * | client                                 | buyer     | itself                                |
 * | agency not yet a tenant root (rare)    | buyer     | the clients below it                  |
 * | publisher                              | publisher | its own orders, earnings and payouts  |
 * | support                                | support   | the back office's queues              |
 */
export type DashboardKind = 'buyer' | 'publisher' | 'support';

export function dashboardKindOf(actor: Pick<Actor, 'account'>): DashboardKind {
  const role = actor.account.role;
  if (role === 'support') return 'support';
  if (role === 'publisher') return 'publisher';
  return 'buyer';
}

/** The buyer's scope: the whole tenant for its root, else the clients of the subtree (a client: itself). */
export function buyerScopeOf(actor: Pick<Actor, 'account'>): { agencyId: string } | { subtreeOf: string } | { self: string } {
  const a = actor.account;
  if (a.role === 'agency' && a.agencyId === a.id) return { agencyId: a.id };
  if (a.role === 'client') return { self: a.id };
  return { subtreeOf: a.id };
}

/** The longest period a dashboard reads, in days (a year and a month). */
export const MAX_RANGE_DAYS = 400;
/** How many clients or collaborators are shown by name before « autres ». */
export const TOP_GROUPS = 8;
/** How many lines of each alert and of the team's activity. */
export const ALERT_ITEMS = 5;
export const ACTIVITY_ITEMS = 6;
