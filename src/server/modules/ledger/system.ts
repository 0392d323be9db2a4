/**
 * System accounts: the other side of every movement, so that the sum of all wallets stays zero.
 * - bank: money received (top-ups come from it, refunds go back to it); it goes negative.
 * - orders: credits captured by completed orders, until they are paid out to publishers.
 */
export const SYSTEM_ACCOUNTS = {
  bank: '00000000-0000-4000-8000-000000000001',
  orders: '00000000-0000-4000-8000-000000000002',
} as const;
