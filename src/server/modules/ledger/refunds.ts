import { sql } from 'kysely';
import type { Actor, Tx } from '../../http/actor.js';
import { forwardFromClosedWallet, lockWallets, transferCredits } from './service.js';
import { SYSTEM_ACCOUNTS } from './system.js';

/**
 * Refunds of lost links and the debts they can leave (issue 10). The rule (docs/GUARANTEE.md):
 * the client gets back what the claim grants in full, at once; during the control period it comes
 * from the captured price still on the orders system account; once the publisher was paid, the
 * commission comes back from the platform's commissions and the earning from the publisher's
 * wallet, as far as its available balance goes; the platform fronts the rest (the debts system
 * wallet goes negative) and records a debt that the publisher's next earnings repay first. No wallet
 * of a user ever goes below zero.
 */

/** During the control period: the price captured by the order is still on the orders system account. */
export async function refundCapturedPrice(tx: Tx, actor: Actor, input: { clientId: string; amountCents: number; memo: string }): Promise<void> {
  await lockWallets(tx, [SYSTEM_ACCOUNTS.orders, input.clientId]);
  await transferCredits(tx, actor, {
    fromAccountId: SYSTEM_ACCOUNTS.orders,
    toAccountId: input.clientId,
    amountCents: input.amountCents,
    kind: 'claim_refund',
    memo: input.memo,
  });
  await forwardFromClosedWallet(tx, actor, input.clientId);
}

export type PaidRefund = { fromCommissionsCents: number; fromPublisherCents: number; debtCents: number };

/**
 * After payout: `commissionCents` back from the platform's commissions, `earningCents` from the
 * publisher's wallet up to its available balance, the shortfall fronted by the platform and owed by
 * the publisher (a `publisher_debts` row named by `reference`).
 */
export async function refundPaidPrice(
  tx: Tx,
  actor: Actor,
  input: { clientId: string; publisherId: string; commissionCents: number; earningCents: number; memo: string; reference: string },
): Promise<PaidRefund> {
  const locked = await lockWallets(tx, [SYSTEM_ACCOUNTS.commissions, input.publisherId, SYSTEM_ACCOUNTS.debts, input.clientId]);
  const publisher = locked.get(input.publisherId)!;
  const publisherAvailable = Math.max(publisher.posted - publisher.pending, 0);
  if (input.commissionCents > 0) {
    await transferCredits(tx, actor, {
      fromAccountId: SYSTEM_ACCOUNTS.commissions,
      toAccountId: input.clientId,
      amountCents: input.commissionCents,
      kind: 'claim_refund',
      memo: input.memo,
    });
  }
  // The commission went to the platform's own wallet: the publisher's available balance is as locked.
  const fromPublisher = input.earningCents > 0 ? Math.min(input.earningCents, publisherAvailable) : 0;
  if (fromPublisher > 0) {
    await transferCredits(tx, actor, {
      fromAccountId: input.publisherId,
      toAccountId: input.clientId,
      amountCents: fromPublisher,
      kind: 'claim_refund',
      memo: input.memo,
    });
  }
  const debt = input.earningCents - fromPublisher;
  if (debt > 0) {
    await transferCredits(tx, actor, {
      fromAccountId: SYSTEM_ACCOUNTS.debts,
      toAccountId: input.clientId,
      amountCents: debt,
      kind: 'claim_refund',
      memo: input.memo,
    });
    await tx.insertInto('publisher_debts').values({ account_id: input.publisherId, reference: input.reference, amount_cents: debt }).execute();
  }
  await forwardFromClosedWallet(tx, actor, input.clientId);
  return { fromCommissionsCents: Math.max(input.commissionCents, 0), fromPublisherCents: fromPublisher, debtCents: debt };
}

/**
 * Pays a publisher's earning from the orders system account: its open debts are repaid first
 * (oldest first), the rest reaches its wallet. Returns what went where. The commissions wallet is
 * locked with the others: the completion moves the commission in the same transaction.
 */
export async function payPublisherEarning(
  tx: Tx,
  actor: Actor,
  input: { publisherId: string; amountCents: number; memo: string },
): Promise<{ repaidCents: number; paidCents: number }> {
  await lockWallets(tx, [SYSTEM_ACCOUNTS.orders, SYSTEM_ACCOUNTS.commissions, SYSTEM_ACCOUNTS.debts, input.publisherId]);
  const repaid = await settleDebts(tx, input.publisherId, input.amountCents);
  const left = input.amountCents - repaid;
  if (repaid > 0) {
    await transferCredits(tx, actor, {
      fromAccountId: SYSTEM_ACCOUNTS.orders,
      toAccountId: SYSTEM_ACCOUNTS.debts,
      amountCents: repaid,
      kind: 'debt_repayment',
      memo: input.memo,
    });
  }
  if (left > 0) {
    await transferCredits(tx, actor, {
      fromAccountId: SYSTEM_ACCOUNTS.orders,
      toAccountId: input.publisherId,
      amountCents: left,
      kind: 'publisher_earning',
      memo: input.memo,
    });
  }
  return { repaidCents: repaid, paidCents: left };
}

/** Marks up to `budget` cents of the publisher's open debts repaid, oldest first; returns the cents repaid. Its wallets are locked by the caller. */
async function settleDebts(tx: Tx, publisherId: string, budget: number): Promise<number> {
  const debts = await tx
    .selectFrom('publisher_debts')
    .select(['id', sql<string>`amount_cents - repaid_cents`.as('owed')])
    .where('account_id', '=', publisherId)
    .where(sql<boolean>`repaid_cents < amount_cents`)
    .orderBy('created_at')
    .orderBy('id')
    .forUpdate()
    .execute();
  let left = budget;
  const now = new Date();
  for (const debt of debts) {
    if (left === 0) break;
    const part = Math.min(left, Number(debt.owed));
    await tx
      .updateTable('publisher_debts')
      .set({
        repaid_cents: sql`repaid_cents + ${part}`,
        repaid_at: sql`case when repaid_cents + ${part} = amount_cents then ${now}::timestamptz else null end`,
      })
      .where('id', '=', debt.id)
      .execute();
    left -= part;
  }
  return budget - left;
}

/**
 * Before a withdrawal or a conversion: what the publisher owes is repaid from its available balance
 * first (a debt can coexist with a balance when a refund came while that balance was held by a
 * withdrawal that was then refused). Returns the cents repaid.
 */
export async function repayDebtsFromWallet(tx: Tx, actor: Actor, publisherId: string): Promise<number> {
  const wallet = (await lockWallets(tx, [publisherId, SYSTEM_ACCOUNTS.debts])).get(publisherId)!;
  const available = wallet.posted - wallet.pending;
  if (available <= 0) return 0;
  const repaid = await settleDebts(tx, publisherId, available);
  if (repaid > 0) {
    await transferCredits(tx, actor, { fromAccountId: publisherId, toAccountId: SYSTEM_ACCOUNTS.debts, amountCents: repaid, kind: 'debt_repayment', memo: 'withdrawal' });
  }
  return repaid;
}

/** What a publisher still owes after refunds (cents). */
export async function debtOf(db: Tx, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('publisher_debts')
    .select(sql<string>`coalesce(sum(amount_cents - repaid_cents), 0)::int8`.as('owed'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.owed);
}

/** Everything owed to the platform: must equal minus the debts system wallet's balance. */
export async function totalDebts(db: Tx): Promise<number> {
  const row = await db
    .selectFrom('publisher_debts')
    .select(sql<string>`coalesce(sum(amount_cents - repaid_cents), 0)::int8`.as('owed'))
    .executeTakeFirstOrThrow();
  return Number(row.owed);
}
