import { sql } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import { AppError, forbidden, invalidInput, invalidState, notFound, ruleViolation } from '../../http/errors.js';
import { runIdempotent, type Idempotency } from '../../http/idempotency.js';
import { recordAudit } from '../audit/service.js';
import { notificationKinds, notify } from '../notifications/service.js';
import {
  accountIsClosed,
  audienceOf,
  descendantsOf,
  findAccountById,
  findReachableAccount,
  findReachableAccounts,
  nearestActiveAncestor,
  type Balance,
} from '../accounts/service.js';
import { ledgerPolicy } from './policy.js';
import { listEntries, type EntryFilters } from './queries.js';
import { SYSTEM_ACCOUNTS } from './system.js';

export { payOutHold, sumMovedBetween, type MovedTotals } from './payouts.js';
export { capturedFrom, lowBalanceWallets, sumTransfersByMemo } from './queries.js';
export { debtOf, payPublisherEarning, repayDebtsFromWallet, refundCapturedPrice, refundPaidPrice, totalDebts, type PaidRefund } from './refunds.js';

export type TransferKind =
  | 'allocation'
  | 'return'
  | 'top_up'
  | 'top_up_refund'
  | 'order_capture'
  | 'publisher_earning'
  | 'commission'
  /** a claim gives a lost link's price back to the client */
  | 'claim_refund'
  /** a publisher's earning repays what it owes after a refund (publisher_debts) */
  | 'debt_repayment'
  /** a business publisher's withdrawal, paid by bank transfer: its hold goes to the bank */
  | 'payout'
  /** a publisher turns earnings into credits on the buyer account it proved it owns */
  | 'earnings_conversion';

export type TransferInput = {
  fromAccountId: string;
  toAccountId: string;
  amountCents: number;
  kind: TransferKind;
  memo?: string | null;
  holdId?: string | null;
  /** only for a capture: the pending part of the debited wallet this transfer settles */
  settlesPendingCents?: number;
  /** the key of the request that caused it, so a replayed request can be proven to move nothing twice */
  idempotencyKey?: string | null;
};

function assertPositiveCents(amount: number) {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error('amounts are positive integer cents');
}

type LockedWallet = {
  account_id: string;
  agency_id: string | null;
  posted: number;
  pending: number;
  kind: 'user' | 'system';
  lowBalance: number | null;
};

/**
 * Locks wallets in account-id order, so two transfers crossing the same wallets never deadlock. An
 * operation made of several transfers locks every wallet it will touch first, in one call: locking
 * pair by pair would take them out of order (a refund and a payout deadlocked that way).
 */
export async function lockWallets(tx: Tx, accountIds: string[]): Promise<Map<string, LockedWallet>> {
  const ids = [...new Set(accountIds)].sort();
  const rows = await tx
    .selectFrom('wallets')
    .select(['account_id', 'agency_id', 'posted_cents', 'pending_cents', 'kind', 'low_balance_cents'])
    .where('account_id', 'in', ids)
    .orderBy('account_id')
    .forUpdate()
    .execute();
  if (rows.length !== ids.length) throw new Error('wallet missing');
  return new Map(
    rows.map((r) => [
      r.account_id,
      {
        account_id: r.account_id,
        agency_id: r.agency_id,
        posted: Number(r.posted_cents),
        pending: Number(r.pending_cents),
        kind: r.kind,
        lowBalance: r.low_balance_cents === null ? null : Number(r.low_balance_cents),
      },
    ]),
  );
}

const available = (w: LockedWallet) => w.posted - w.pending;

/**
 * Moves credits from one wallet to another inside the caller's transaction: both wallets locked in
 * account-id order (crossing transfers never deadlock), the debit only if it keeps a user wallet's
 * `available` at zero or above, then the transfer and its two balanced, append-only entries with
 * the person and the account acted for. One call to the `ledger_transfer` database function
 * (migration 0005). A refused debit throws; nothing was written.
 */
export async function transferCredits(
  tx: Tx,
  actor: Actor,
  input: TransferInput,
): Promise<{ transferId: string; at: string; lowBalance: LowBalance | null }> {
  assertPositiveCents(input.amountCents);
  if (input.fromAccountId === input.toAccountId) throw new Error('a transfer needs two wallets');
  // The function also returns the debited wallet as it left it (migration 0024): no second read.
  const result = await sql<{
    transfer_id: string;
    transfer_at: Date;
    from_available_cents: number;
    from_low_balance_cents: number | null;
    from_kind: string;
  }>`
    select transfer_id, transfer_at, from_available_cents, from_low_balance_cents, from_kind from ledger_transfer(
      ${input.fromAccountId}::uuid, ${input.toAccountId}::uuid, ${input.amountCents}::int8, ${input.settlesPendingCents ?? 0}::int8,
      ${input.kind}, ${input.memo ?? null}, ${input.holdId ?? null}::uuid, ${actor.person.id}::uuid, ${actor.account.id}::uuid,
      ${input.idempotencyKey ?? null})`.execute(tx);
  const row = result.rows[0];
  if (!row) throw new AppError('insufficient_funds', 409, 'insufficient_funds');
  const after = Number(row.from_available_cents);
  const threshold = row.from_low_balance_cents === null ? null : Number(row.from_low_balance_cents);
  const lowBalance =
    row.from_kind === 'user' ? crossedUnder({ lowBalance: threshold }, after + input.amountCents, after, input.fromAccountId) : null;
  return { transferId: row.transfer_id, at: new Date(row.transfer_at).toISOString(), lowBalance };
}

/** A wallet whose `available` just fell under its low-balance threshold: its people are to be told (`notifyLowBalance`). */
export type LowBalance = { accountId: string; availableCents: number; thresholdCents: number };

function crossedUnder(wallet: { lowBalance: number | null }, before: number, after: number, accountId: string): LowBalance | null {
  const threshold = wallet.lowBalance;
  if (threshold === null || !(after < threshold && before >= threshold)) return null;
  return { accountId, availableCents: after, thresholdCents: threshold };
}

/**
 * Reserves credits (pending) for an order; refused when `available` is short. Says when the hold
 * takes the wallet under its low-balance threshold.
 */
export async function holdCredits(
  tx: Tx,
  actor: Actor,
  input: { accountId: string; amountCents: number; reference?: string | null },
): Promise<{ holdId: string; lowBalance: LowBalance | null }> {
  assertPositiveCents(input.amountCents);
  const wallet = (await lockWallets(tx, [input.accountId])).get(input.accountId)!;
  if (available(wallet) < input.amountCents) throw new AppError('insufficient_funds', 409, 'insufficient_funds');
  await tx
    .updateTable('wallets')
    .set({ pending_cents: sql`pending_cents + ${input.amountCents}` })
    .where('account_id', '=', input.accountId)
    .execute();
  const hold = await tx
    .insertInto('ledger_holds')
    .values({
      account_id: input.accountId,
      agency_id: wallet.agency_id,
      amount_cents: input.amountCents,
      reference: input.reference ?? null,
      person_id: actor.person.id,
      acting_account_id: actor.account.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const before = available(wallet);
  return { holdId: hold.id, lowBalance: crossedUnder(wallet, before, before - input.amountCents, input.accountId) };
}

/** After a debit of `debitedCents` by transferCredits: whether it took the wallet under its threshold. */
export async function lowBalanceAfterDebit(tx: Tx, accountId: string, debitedCents: number): Promise<LowBalance | null> {
  const w = await tx.selectFrom('wallets').select(['posted_cents', 'pending_cents', 'low_balance_cents', 'kind']).where('account_id', '=', accountId).executeTakeFirst();
  if (!w || w.kind !== 'user' || w.low_balance_cents === null) return null;
  const after = Number(w.posted_cents) - Number(w.pending_cents);
  return crossedUnder({ lowBalance: Number(w.low_balance_cents) }, after + debitedCents, after, accountId);
}

/** Tells the account, its person in charge and those above that its balance fell under its threshold. */
export async function notifyLowBalance(tx: Tx, ctx: Ctx, low: LowBalance): Promise<void> {
  const account = await findAccountById(tx, low.accountId);
  if (!account) return;
  await notify(tx, ctx, {
    kind: 'low_balance',
    params: { account: account.name, availableCents: low.availableCents, thresholdCents: low.thresholdCents },
    link: `/portefeuille/${low.accountId}`,
    object: { type: 'account', id: low.accountId },
    recipients: await audienceOf(tx, low.accountId),
  });
}

/**
 * Sets the low-balance threshold of a wallet the actor reaches (its own included), or turns it off
 * (null). Told once each time `available` falls under it.
 */
export async function setLowBalanceThreshold(actor: Actor, accountId: string, thresholdCents: number | null, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const account = await findReachableAccount(tx, actor, accountId);
    await tx.updateTable('wallets').set({ low_balance_cents: thresholdCents }).where('account_id', '=', account.id).execute();
    await recordAudit(tx, actor, 'wallet.low_balance_threshold', { type: 'account', id: account.id }, { thresholdCents });
    return { lowBalanceCents: thresholdCents };
  });
}

async function lockHeldHold(tx: Tx, holdId: string) {
  const hold = await tx.selectFrom('ledger_holds').selectAll().where('id', '=', holdId).forUpdate().executeTakeFirst();
  if (!hold) throw notFound();
  if (hold.status !== 'held') throw invalidState();
  return { ...hold, amount: Number(hold.amount_cents) };
}

/** Captures a hold, whole or in part, into the orders system account; the rest is released. */
export async function captureHold(
  tx: Tx,
  actor: Actor,
  input: { holdId: string; amountCents?: number; memo?: string | null },
): Promise<{ capturedCents: number; releasedCents: number }> {
  const hold = await lockHeldHold(tx, input.holdId);
  const captured = input.amountCents ?? hold.amount;
  if (!Number.isSafeInteger(captured) || captured < 0 || captured > hold.amount) {
    throw new Error('a capture takes between 0 and the held amount');
  }
  if (captured > 0) {
    await transferCredits(tx, actor, {
      fromAccountId: hold.account_id,
      toAccountId: SYSTEM_ACCOUNTS.orders,
      amountCents: captured,
      kind: 'order_capture',
      memo: input.memo ?? hold.reference,
      holdId: hold.id,
      settlesPendingCents: captured,
    });
  }
  const released = hold.amount - captured;
  if (released > 0) {
    await tx
      .updateTable('wallets')
      .set({ pending_cents: sql`pending_cents - ${released}` })
      .where('account_id', '=', hold.account_id)
      .execute();
  }
  await tx
    .updateTable('ledger_holds')
    .set({ status: 'captured', captured_cents: captured, settled_at: new Date() })
    .where('id', '=', hold.id)
    .execute();
  if (released > 0) await forwardFromClosedWallet(tx, actor, hold.account_id);
  return { capturedCents: captured, releasedCents: released };
}

/**
 * Gives the whole hold back to `available`: to the wallet that held it, or, when that account has
 * been closed since, on to the account that took over from it (see forwardFromClosedWallet).
 */
export async function releaseHold(tx: Tx, actor: Actor, input: { holdId: string }): Promise<{ releasedCents: number }> {
  const hold = await lockHeldHold(tx, input.holdId);
  await lockWallets(tx, [hold.account_id]);
  await tx
    .updateTable('wallets')
    .set({ pending_cents: sql`pending_cents - ${hold.amount}` })
    .where('account_id', '=', hold.account_id)
    .execute();
  await tx.updateTable('ledger_holds').set({ status: 'released', settled_at: new Date() }).where('id', '=', hold.id).execute();
  await forwardFromClosedWallet(tx, actor, hold.account_id);
  return { releasedCents: hold.amount };
}

/**
 * No cent rests on a closed wallet: what it may spend goes at once, in the caller's transaction,
 * to the nearest open account above it, the one that took over its children when it was closed
 * (a deactivation hands them to its parent, a mode switch to the nearest kept ancestor, and no
 * open account hangs under a closed one). Called after anything credits a wallet that may be
 * closed: a hold released (an order cancelled, refused or expired after its buyer was closed), a
 * bank transfer confirmed. A closed account with nobody above it (a standalone customer) keeps its
 * credits: they are its own, back when support reactivates it. Returns the cents forwarded.
 */
export async function forwardFromClosedWallet(tx: Tx, actor: Actor, accountId: string): Promise<number> {
  const account = await findAccountById(tx, accountId);
  if (!account || account.active || account.role === 'system') return 0;
  const heir = await nearestActiveAncestor(tx, accountId);
  if (!heir) return 0;
  const wallet = (await lockWallets(tx, [accountId, heir])).get(accountId)!;
  const amount = available(wallet);
  if (amount <= 0) return 0;
  await transferCredits(tx, actor, { fromAccountId: accountId, toAccountId: heir, amountCents: amount, kind: 'return', memo: null });
  return amount;
}

/**
 * Housekeeping's safety net: forwards what still rests on closed wallets of accounts that have an
 * open ancestor (credits stranded before releases followed), `limit` wallets per call. Returns how
 * many wallets were emptied and how many cents moved.
 */
export async function forwardStrandedCredits(ctx: Ctx, actor: Actor, limit = 200): Promise<{ wallets: number; cents: number }> {
  const rows = await ctx.db
    .selectFrom('wallets as w')
    .select('w.account_id')
    .where('w.kind', '=', 'user')
    .where(sql<boolean>`w.posted_cents - w.pending_cents > 0`)
    .where(accountIsClosed(sql.ref('w.account_id')))
    .orderBy('w.account_id')
    .limit(limit)
    .execute();
  let wallets = 0;
  let cents = 0;
  for (const row of rows) {
    const moved = await ctx.db.transaction().execute((tx) => forwardFromClosedWallet(tx, actor, row.account_id));
    if (moved > 0) {
      wallets++;
      cents += moved;
    }
  }
  return { wallets, cents };
}

// ---------------------------------------------------------------------------------------------
// What other features read and change of wallets (only the ledger's SQL names them)

/** The wallets of some accounts: posted, pending, available, and (unless `withSubtree` is false) available over each one's subtree. */
export async function balancesOf(db: Tx, accountIds: string[], withSubtree = true): Promise<Map<string, Balance>> {
  const ids = [...new Set(accountIds)];
  if (ids.length === 0) return new Map();
  // One array parameter, however many accounts (a whole agency when planning a re-home).
  const own = await db
    .selectFrom('wallets')
    .select(['account_id', 'posted_cents', 'pending_cents', 'low_balance_cents'])
    .where('account_id', '=', sql<string>`any(${ids}::uuid[])`)
    .execute();
  const subtree = !withSubtree ? [] : await db
    .selectFrom(descendantsOf(db, ids).as('st'))
    .innerJoin('wallets as sw', 'sw.account_id', 'st.descendant_id')
    .select(['st.ancestor_id', sql<number>`coalesce(sum(sw.posted_cents - sw.pending_cents), 0)::int8`.as('cents')])
    .groupBy('st.ancestor_id')
    .execute();
  const sums = new Map(subtree.map((r) => [r.ancestor_id, Number(r.cents)]));
  return new Map(
    own.map((w) => {
      const posted = Number(w.posted_cents);
      const pending = Number(w.pending_cents);
      return [
        w.account_id,
        {
          postedCents: posted,
          pendingCents: pending,
          availableCents: posted - pending,
          subtreeAvailableCents: sums.get(w.account_id) ?? 0,
          lowBalanceCents: w.low_balance_cents === null ? null : Number(w.low_balance_cents),
        },
      ];
    }),
  );
}

/** What an account may spend now (`posted − pending`), read without a lock. */
export async function availableOf(db: Tx, accountId: string): Promise<number> {
  const w = await db.selectFrom('wallets').select(['posted_cents', 'pending_cents']).where('account_id', '=', accountId).executeTakeFirstOrThrow();
  return Number(w.posted_cents) - Number(w.pending_cents);
}

/**
 * Moves a wallet and its holds into an agency's tenant (an account promoted to the root of its own
 * agency). Its transfers and entries keep the tenant they were written in: they are append-only,
 * and every view of them is scoped by account, not by tenant.
 */
export async function setWalletAgency(tx: Tx, accountId: string, agencyId: string): Promise<void> {
  await tx.updateTable('wallets').set({ agency_id: agencyId }).where('account_id', '=', accountId).execute();
  await tx.updateTable('ledger_holds').set({ agency_id: agencyId }).where('account_id', '=', accountId).execute();
}

export type AllocationInput = { fromAccountId: string; toAccountId: string; amountCents: number; memo?: string };

/**
 * Allocates credits between two wallets the actor reaches (its own included): down the tree,
 * back up (reclaim) or sideways between two accounts below it.
 */
export async function allocateCredits(actor: Actor, input: AllocationInput, idem: Idempotency, ctx: Ctx) {
  if (!ledgerPolicy.mayAllocate(actor)) throw forbidden();
  if (input.fromAccountId === input.toAccountId) throw ruleViolation('same_wallet', {}, 'toAccountId');
  assertPositiveCents(input.amountCents);
  // One statement, the database function allocate_credits (migration 0027): the idempotency key
  // claimed (or its answer replayed), the reach check of findReachableAccounts, the transfer, the
  // low-balance notice, the audit line and the receiving wallet's people told (their immediate
  // e-mails are composed by the sweeps), all in the statement's own transaction.
  const { rows } = await sql<{ allocation: { id: string; at: string; memo: string | null } }>`
    select allocate_credits(${actor.person.id}::uuid, ${actor.account.id}::uuid, ${actor.account.agencyId}::uuid,
      ${actor.account.role === 'support'}::boolean, ${actor.ip}::text, ${actor.account.name}::text, ${input.fromAccountId}::uuid,
      ${input.toAccountId}::uuid, ${input.amountCents}::int8, ${input.memo ?? null}::text, ${idem?.key ?? null}::text,
      ${idem?.hash ?? null}::text, ${notificationKinds.credits_allocated.category}::text) as allocation`
    .execute(ctx.db)
    .catch(raisedRefusal);
  const done = rows[0].allocation;
  return {
    id: done.id,
    at: new Date(done.at).toISOString(),
    kind: 'allocation' as const,
    fromAccountId: input.fromAccountId,
    toAccountId: input.toAccountId,
    amountCents: input.amountCents,
    memo: done.memo,
  };
}

const REFUSALS: Record<string, (field: string | undefined) => AppError> = {
  not_found: () => notFound(),
  wallet_inactive: (field) => ruleViolation('wallet_inactive', {}, field),
  insufficient_funds: () => new AppError('insufficient_funds', 409, 'insufficient_funds'),
  idempotency_conflict: (field) => new AppError('idempotency_conflict', 409, 'idempotency_conflict', {}, field),
};

/** The refusal a database function raised as `maillon:<code>[:<field>]`, as the app's error; anything else as it came. */
function raisedRefusal(e: unknown): never {
  const m = e instanceof Error && (e as { code?: string }).code === 'P0001' ? /^maillon:([a-z_]+)(?::([A-Za-z-]+))?$/.exec(e.message) : null;
  const refusal = m ? REFUSALS[m[1]] : undefined;
  throw refusal ? refusal(m![2]) : e;
}

export async function listLedger(actor: Actor, accountId: string, filters: EntryFilters, ctx: Ctx) {
  const account = await findReachableAccount(ctx.db, actor, accountId);
  return listEntries(ctx.db, account.id, filters);
}

/** Every entry of the filters, newest first, read 500 at a time (the CSV export streams them). */
export async function* iterateLedger(actor: Actor, accountId: string, filters: Omit<EntryFilters, 'limit' | 'cursor'>, ctx: Ctx) {
  const account = await findReachableAccount(ctx.db, actor, accountId);
  let cursor: string | undefined;
  do {
    const page = await listEntries(ctx.db, account.id, { ...filters, limit: 500, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

export type BulkAllocationInput = { fromAccountId: string; allocations: { toAccountId: string; amountCents: number }[]; memo?: string };

/**
 * Allocates from one wallet to several at once, all or nothing in one transaction (with its
 * idempotency key): every target in reach (else 404 naming the line, checked first) and open, no
 * target twice nor the source itself, the total at most what the source may spend (else 409
 * `insufficient_funds` with nothing moved). Each line is one allocation transfer, audited and
 * told to its receiver as a single one is.
 */
export async function allocateMany(actor: Actor, input: BulkAllocationInput, idem: Idempotency, ctx: Ctx) {
  if (!ledgerPolicy.mayAllocate(actor)) throw forbidden();
  const totalCents = input.allocations.reduce((sum, a) => sum + a.amountCents, 0);
  return runIdempotent(ctx, actor, idem, async (tx) => {
    const [from] = await findReachableAccounts(tx, actor, [input.fromAccountId]).catch((e: unknown) => {
      throw e instanceof AppError ? new AppError(e.code, e.status, e.messageKey, e.params, 'fromAccountId') : e;
    });
    const ids = input.allocations.map((a) => a.toAccountId);
    const targets = await findReachableAccounts(tx, actor, ids).catch(async (e: unknown) => {
      if (!(e instanceof AppError) || e.status !== 404) throw e;
      // Which line: the first target out of reach, looked up one by one only on this error path.
      for (const [i, id] of ids.entries()) {
        await findReachableAccount(tx, actor, id).catch(() => {
          throw new AppError('not_found', 404, 'not_found', {}, `allocations.${i}.toAccountId`);
        });
      }
      throw e;
    });
    // Reach first (above): only then what is wrong with the lines themselves.
    const seen = new Set<string>();
    input.allocations.forEach((a, i) => {
      if (a.toAccountId === input.fromAccountId) throw ruleViolation('same_wallet', {}, `allocations.${i}.toAccountId`);
      if (seen.has(a.toAccountId)) throw invalidInput('bulk_duplicate', `allocations.${i}.toAccountId`);
      seen.add(a.toAccountId);
    });
    if (!from.active) throw ruleViolation('wallet_inactive', {}, 'fromAccountId');
    targets.forEach((t, i) => {
      if (!t.active) throw ruleViolation('wallet_inactive', {}, `allocations.${i}.toAccountId`);
    });
    // Every wallet locked once, in id order, before the first line: the total is checked whole.
    const wallets = await lockWallets(tx, [from.id, ...ids]);
    if (available(wallets.get(from.id)!) < totalCents) throw new AppError('insufficient_funds', 409, 'insufficient_funds', {}, 'allocations');
    const items = [];
    for (const [i, line] of input.allocations.entries()) {
      const to = targets[i];
      const transfer = await transferCredits(tx, actor, {
        fromAccountId: from.id,
        toAccountId: to.id,
        amountCents: line.amountCents,
        kind: 'allocation',
        memo: input.memo ?? null,
        idempotencyKey: idem?.key ?? null,
      });
      await recordAudit(tx, actor, 'credits.allocate', { type: 'transfer', id: transfer.transferId }, {
        from: from.id,
        to: to.id,
        amountCents: line.amountCents,
        bulk: input.allocations.length,
      });
      await notify(tx, ctx, {
        kind: 'credits_allocated',
        params: { account: to.name, amountCents: line.amountCents, from: actor.account.name },
        link: `/portefeuille/${to.id}`,
        object: { type: 'account', id: to.id },
        recipients: await audienceOf(tx, to.id),
      });
      items.push({
        id: transfer.transferId,
        at: transfer.at,
        kind: 'allocation',
        fromAccountId: from.id,
        toAccountId: to.id,
        amountCents: line.amountCents,
        memo: input.memo ?? null,
      });
    }
    const low = await lowBalanceAfterDebit(tx, from.id, totalCents);
    if (low) await notifyLowBalance(tx, ctx, low);
    return { totalCents, items };
  });
}
