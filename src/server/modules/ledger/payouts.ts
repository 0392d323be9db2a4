import { sql } from 'kysely';
import type { Actor, Tx } from '../../http/actor.js';
import { invalidState, notFound } from '../../http/errors.js';
import { lockWallets, transferCredits } from './service.js';
import { SYSTEM_ACCOUNTS } from './system.js';

/**
 * Pays a withdrawal out (issue 11): its hold on the publisher's wallet goes to the bank system
 * account as a `payout` transfer (the bank sends the money by SEPA transfer), in the caller's
 * transaction. The hold must still be held; a second call finds it captured and changes nothing.
 */
export async function payOutHold(tx: Tx, actor: Actor, input: { holdId: string; memo: string }): Promise<{ transferId: string; amountCents: number }> {
  const hold = await tx.selectFrom('ledger_holds').selectAll().where('id', '=', input.holdId).forUpdate().executeTakeFirst();
  if (!hold) throw notFound();
  if (hold.status !== 'held') throw invalidState();
  const amount = Number(hold.amount_cents);
  await lockWallets(tx, [hold.account_id, SYSTEM_ACCOUNTS.bank]);
  const transfer = await transferCredits(tx, actor, {
    fromAccountId: hold.account_id,
    toAccountId: SYSTEM_ACCOUNTS.bank,
    amountCents: amount,
    kind: 'payout',
    memo: input.memo,
    holdId: hold.id,
    settlesPendingCents: amount,
  });
  await tx.updateTable('ledger_holds').set({ status: 'captured', captured_cents: amount, settled_at: new Date() }).where('id', '=', hold.id).execute();
  return { transferId: transfer.transferId, amountCents: amount };
}

export type MovedTotals = Map<string, number>;

/**
 * What moved out of (`direction: 'out'`) or into an account by transfers of some kinds, per kind,
 * optionally within [from, to): a publisher's payouts and conversions, the DAC7 check.
 */
export async function sumMovedBetween(
  db: Tx,
  input: { accountId: string; kinds: string[]; direction: 'out' | 'in'; from?: Date; to?: Date },
): Promise<MovedTotals> {
  let q = db
    .selectFrom('ledger_transfers')
    .select(['kind', sql<string>`coalesce(sum(amount_cents), 0)::int8`.as('cents')])
    .where(input.direction === 'out' ? 'from_account_id' : 'to_account_id', '=', input.accountId)
    .where('kind', 'in', input.kinds)
    .groupBy('kind');
  if (input.from) q = q.where('at', '>=', input.from);
  if (input.to) q = q.where('at', '<', input.to);
  const rows = await q.execute();
  return new Map(input.kinds.map((k) => [k, Number(rows.find((r) => r.kind === k)?.cents ?? 0)]));
}
