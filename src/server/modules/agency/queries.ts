import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';
import type { AgencyMode, Role } from '../../db/types.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';

export type Member = {
  id: string;
  role: Role;
  name: string;
  email: string | null;
  parentId: string | null;
  active: boolean;
  availableCents: number;
};

/** Locks the agency row: hierarchy changes inside one agency run one after the other. */
export async function lockAgency(tx: Tx, agencyId: string): Promise<{ id: string; name: string; mode: AgencyMode }> {
  const row = await tx
    .selectFrom('accounts')
    .select(['id', 'name', 'agency_mode'])
    .where('id', '=', agencyId)
    .where('role', '=', 'agency')
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, mode: row.agency_mode! };
}

/** Every account of the agency (the agency included) with its spendable credits, for planning re-homes. */
export async function loadMembers(tx: Tx, agencyId: string): Promise<Map<string, Member>> {
  const rows = await tx
    .selectFrom('accounts as a')
    .leftJoin('wallets as w', 'w.account_id', 'a.id')
    .select([
      'a.id',
      'a.role',
      'a.name',
      'a.email',
      'a.parent_id',
      'a.active',
      sql<number>`coalesce(w.posted_cents - w.pending_cents, 0)::int8`.as('available'),
    ])
    .where('a.agency_id', '=', agencyId)
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        role: r.role,
        name: r.name,
        email: r.email,
        parentId: r.parent_id,
        active: r.active,
        availableCents: Number(r.available),
      },
    ]),
  );
}

export async function countMembersBelow(db: Tx, rootId: string) {
  const rows = await db
    .selectFrom('account_tree as t')
    .innerJoin('accounts as a', 'a.id', 't.descendant_id')
    .select(['a.role', sql<number>`count(*)::int`.as('n')])
    .where('t.ancestor_id', '=', rootId)
    .where('t.depth', '>', 0)
    .where('a.active', '=', true)
    .groupBy('a.role')
    .execute();
  const n = (role: Role) => Number(rows.find((r) => r.role === role)?.n ?? 0);
  return { managers: n('manager'), consultants: n('consultant'), clients: n('client') };
}

export async function deactivateAccountRow(tx: Tx, id: string) {
  await tx
    .updateTable('accounts')
    .set({ active: false, deactivated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
  await tx.deleteFrom('sessions').where('person_id', '=', id).execute();
}

/** Support's list of requests, newest first, a page at a time on (created_at, id). */
export async function listAgencyRequests(
  db: Tx,
  f: { status?: 'pending' | 'approved' | 'rejected'; limit: number; cursor?: string },
) {
  const after = decodeCursor(f.cursor);
  const rows = await db
    .selectFrom('agency_requests as r')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .select([
      'r.id',
      'r.account_id',
      'r.message',
      'r.status',
      'r.created_at',
      'r.decided_at',
      'a.name as account_name',
      'a.email as account_email',
      sql<string>`r.created_at::text`.as('sort_key'),
    ])
    .$if(f.status !== undefined, (q) => q.where('r.status', '=', f.status!))
    .$if(after !== null && after.length === 2, (q) =>
      q.where(sql<boolean>`(r.created_at, r.id) < (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`),
    )
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = rows.slice(0, f.limit);
  const last = rows.length > f.limit ? page[page.length - 1] : null;
  return { items: page.map(toAgencyRequest), nextCursor: last ? encodeCursor([last.sort_key, last.id]) : null };
}

export async function findAgencyRequest(tx: Tx, id: string, lock: boolean) {
  const row = await tx
    .selectFrom('agency_requests as r')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .select([
      'r.id',
      'r.account_id',
      'r.message',
      'r.status',
      'r.created_at',
      'r.decided_at',
      'a.name as account_name',
      'a.email as account_email',
    ])
    .where('r.id', '=', id)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  return row ? toAgencyRequest(row) : undefined;
}

function toAgencyRequest(r: {
  id: string;
  account_id: string;
  message: string | null;
  status: 'pending' | 'approved' | 'rejected';
  created_at: Date;
  decided_at: Date | null;
  account_name: string;
  account_email: string | null;
}) {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    accountEmail: r.account_email,
    message: r.message,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
  };
}

/** Turns a standalone customer into the root of its own agency. */
export async function promoteToAgency(tx: Tx, accountId: string) {
  await tx
    .updateTable('accounts')
    .set({ role: 'agency', agency_mode: 'simple', agency_id: accountId })
    .where('id', '=', accountId)
    .execute();
  await tx.updateTable('account_tree').set({ agency_id: accountId }).where('descendant_id', '=', accountId).execute();
  await tx.updateTable('wallets').set({ agency_id: accountId }).where('account_id', '=', accountId).execute();
}
