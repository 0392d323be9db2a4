import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import { endOfDay, startOfDay } from '../../http/dates.js';
import { accountLabels } from '../accounts/service.js';

export type EntryFilters = { kind?: string; from?: string; to?: string; limit: number; cursor?: string };

export type LedgerEntry = {
  id: string;
  at: string;
  kind: string;
  amountCents: number;
  balanceAfterCents: number;
  counterpartyAccountId: string | null;
  counterpartyName: string | null;
  personId: string | null;
  personName: string | null;
  actingAccountId: string | null;
  memo: string | null;
};

/** A wallet's entries, newest first, filtered by kind and by days in Paris (both inclusive). */
export async function listEntries(db: Tx, accountId: string, f: EntryFilters) {
  const after = decodeCursor(f.cursor, [cursorPart.bigint]);
  const rows = await db
    .selectFrom('ledger_entries as e')
    .select([
      sql<string>`e.id::text`.as('id'),
      'e.at',
      'e.kind',
      'e.amount_cents',
      'e.balance_after_cents',
      'e.counterparty_account_id',
      'e.person_id',
      'e.acting_account_id',
      'e.memo',
    ])
    .where('e.account_id', '=', accountId)
    .$if(Boolean(f.kind), (q) => q.where('e.kind', '=', f.kind!))
    .$if(Boolean(f.from), (q) => q.where('e.at', '>=', startOfDay(f.from!)))
    .$if(Boolean(f.to), (q) => q.where('e.at', '<', endOfDay(f.to!)))
    .$if(after !== null, (q) => q.where(sql<boolean>`e.id < ${String(after![0])}::bigint`))
    .orderBy('e.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = rows.slice(0, f.limit);
  const names = await accountLabels(db, page.flatMap((r) => [r.counterparty_account_id, r.person_id]));
  const items: LedgerEntry[] = page.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    kind: r.kind,
    amountCents: Number(r.amount_cents),
    balanceAfterCents: Number(r.balance_after_cents),
    counterpartyAccountId: r.counterparty_account_id,
    counterpartyName: r.counterparty_account_id ? (names.get(r.counterparty_account_id)?.name ?? null) : null,
    personId: r.person_id,
    personName: r.person_id ? (names.get(r.person_id)?.name ?? null) : null,
    actingAccountId: r.acting_account_id,
    memo: r.memo,
  }));
  return { items, nextCursor: rows.length > f.limit ? encodeCursor([items[items.length - 1].id]) : null };
}

/**
 * What transfers of some kinds moved, per memo and kind: an order's movements carry the memo
 * `order:<id>` (its capture, the publisher's earning, the debt its earning repaid, the commission),
 * so this says what the ledger moved for given orders (the DAC7 check of issue 11).
 */
export async function sumTransfersByMemo(db: Tx, input: { memos: string[]; kinds: string[] }): Promise<Map<string, Map<string, number>>> {
  const memos = [...new Set(input.memos)];
  const result = new Map(memos.map((m) => [m, new Map(input.kinds.map((k) => [k, 0]))]));
  if (memos.length === 0 || input.kinds.length === 0) return result;
  const rows = await db
    .selectFrom('ledger_transfers')
    .select(['memo', 'kind', sql<string>`sum(amount_cents)::int8`.as('cents')])
    .where('memo', '=', sql<string>`any(${memos}::text[])`)
    .where('kind', '=', sql<string>`any(${input.kinds}::text[])`)
    .groupBy(['memo', 'kind'])
    .execute();
  for (const r of rows) result.get(r.memo!)!.set(r.kind, Number(r.cents));
  return result;
}

/**
 * The wallets of the given accounts (or of a whole agency) whose available balance is under the
 * threshold their owners set (`low_balance_cents`), lowest first, and how many there are.
 */
export async function lowBalanceWallets(db: Tx, scope: { agencyId: string } | { accountIds: string[] }, limit: number) {
  if ('accountIds' in scope && scope.accountIds.length === 0) return { count: 0, items: [] };
  const where = 'agencyId' in scope ? sql`w.agency_id = ${scope.agencyId}` : sql`w.account_id = any(${scope.accountIds}::uuid[])`;
  const rows = await sql<{ account_id: string; available: string | number; threshold: string | number; total: number }>`
    select w.account_id, (w.posted_cents - w.pending_cents)::int8 as available, w.low_balance_cents::int8 as threshold,
      (count(*) over ())::int as total
    from wallets w
    where ${where} and w.kind = 'user' and w.low_balance_cents is not null and w.posted_cents - w.pending_cents < w.low_balance_cents
    order by w.posted_cents - w.pending_cents, w.account_id
    limit ${limit}`.execute(db);
  return {
    count: Number(rows.rows[0]?.total ?? 0),
    items: rows.rows.map((r) => ({ accountId: r.account_id, availableCents: Number(r.available), thresholdCents: Number(r.threshold) })),
  };
}

/** What the given accounts' wallets paid for orders (captures), all time: the ledger's side of the dashboards' spend. */
export async function capturedFrom(db: Tx, accountIds: string[]): Promise<number> {
  if (accountIds.length === 0) return 0;
  const row = await sql<{ cents: string | number }>`
    select coalesce(-sum(e.amount_cents), 0)::int8 as cents from ledger_entries e
    where e.account_id = any(${accountIds}::uuid[]) and e.kind = 'order_capture'`.execute(db);
  return Number(row.rows[0]?.cents ?? 0);
}
