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
