import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import { endOfDay, startOfDay } from '../../http/dates.js';

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
    .leftJoin('accounts as c', 'c.id', 'e.counterparty_account_id')
    .leftJoin('accounts as p', 'p.id', 'e.person_id')
    .select([
      sql<string>`e.id::text`.as('id'),
      'e.at',
      'e.kind',
      'e.amount_cents',
      'e.balance_after_cents',
      'e.counterparty_account_id',
      'c.name as counterparty_name',
      'e.person_id',
      'p.name as person_name',
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
  const items: LedgerEntry[] = rows.slice(0, f.limit).map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    kind: r.kind,
    amountCents: Number(r.amount_cents),
    balanceAfterCents: Number(r.balance_after_cents),
    counterpartyAccountId: r.counterparty_account_id,
    counterpartyName: r.counterparty_name,
    personId: r.person_id,
    personName: r.person_name,
    actingAccountId: r.acting_account_id,
    memo: r.memo,
  }));
  return { items, nextCursor: rows.length > f.limit ? encodeCursor([items[items.length - 1].id]) : null };
}
