import { sql } from 'kysely';
import type { Actor, Tx } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';

export type TransferKind = 'allocation' | 'return';

export type TransferInput = {
  fromAccountId: string;
  toAccountId: string;
  amountCents: number;
  kind: TransferKind;
  memo?: string | null;
};

/**
 * Moves available credits from one wallet to another inside the caller's transaction: both
 * wallets are locked in id order (no deadlock between crossing transfers), the debit is refused
 * when it would take `available` below zero, and two balanced entries record the movement with
 * the person and the account acted for.
 */
export async function transferCredits(tx: Tx, actor: Actor, input: TransferInput): Promise<{ transferId: string }> {
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0) {
    throw new Error('transfer amount must be a positive integer number of cents');
  }
  const ids = [input.fromAccountId, input.toAccountId].sort();
  const wallets = await tx
    .selectFrom('wallets')
    .select(['account_id', 'agency_id', 'posted_cents', 'pending_cents'])
    .where('account_id', 'in', ids)
    .orderBy('account_id')
    .forUpdate()
    .execute();
  const from = wallets.find((w) => w.account_id === input.fromAccountId);
  const to = wallets.find((w) => w.account_id === input.toAccountId);
  if (!from || !to) throw new Error('wallet missing for a transfer');
  if (Number(from.posted_cents) - Number(from.pending_cents) < input.amountCents) {
    throw new AppError('insufficient_funds', 409, 'insufficient_funds');
  }
  const fromAfter = Number(from.posted_cents) - input.amountCents;
  const toAfter = Number(to.posted_cents) + input.amountCents;
  await tx.updateTable('wallets').set({ posted_cents: sql`posted_cents - ${input.amountCents}` }).where('account_id', '=', from.account_id).execute();
  await tx.updateTable('wallets').set({ posted_cents: sql`posted_cents + ${input.amountCents}` }).where('account_id', '=', to.account_id).execute();
  const transfer = await tx
    .insertInto('ledger_transfers')
    .values({
      kind: input.kind,
      from_account_id: input.fromAccountId,
      to_account_id: input.toAccountId,
      amount_cents: input.amountCents,
      agency_id: from.agency_id ?? to.agency_id,
      person_id: actor.person.id,
      acting_account_id: actor.account.id,
      memo: input.memo ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const common = {
    transfer_id: transfer.id,
    kind: input.kind,
    person_id: actor.person.id,
    acting_account_id: actor.account.id,
    memo: input.memo ?? null,
  };
  await tx
    .insertInto('ledger_entries')
    .values([
      {
        ...common,
        account_id: input.fromAccountId,
        agency_id: from.agency_id,
        amount_cents: -input.amountCents,
        balance_after_cents: fromAfter,
        counterparty_account_id: input.toAccountId,
      },
      {
        ...common,
        account_id: input.toAccountId,
        agency_id: to.agency_id,
        amount_cents: input.amountCents,
        balance_after_cents: toAfter,
        counterparty_account_id: input.fromAccountId,
      },
    ])
    .execute();
  return { transferId: transfer.id };
}
