import type { Actor, ActorAccount } from '../../http/actor.js';

/**
 * System accounts: the other side of every movement, so that the sum of all wallets stays zero.
 * - bank: money received (top-ups come from it, refunds go back to it); it goes negative.
 * - orders: credits captured by verified orders, held until the control period ends.
 * - commissions: the platform's share of completed orders.
 * - debts: what the platform fronted when a refund after payout exceeded the publisher's wallet; it
 *   is negative by what publishers owe (`publisher_debts`) and their next earnings bring it back.
 */
export const SYSTEM_ACCOUNTS = {
  bank: '00000000-0000-4000-8000-000000000001',
  orders: '00000000-0000-4000-8000-000000000002',
  commissions: '00000000-0000-4000-8000-000000000003',
  debts: '00000000-0000-4000-8000-000000000004',
} as const;

const platform = {
  id: SYSTEM_ACCOUNTS.orders,
  role: 'system',
  name: 'Maillon',
  email: null,
  parentId: null,
  agencyId: null,
  agencyMode: null,
  active: true,
} as unknown as ActorAccount;

/** The Actor of what the platform does by itself (expiring, verifying, paying out): audit rows name it. */
export const PLATFORM_ACTOR: Actor = { person: platform, account: platform, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
