import type { Tx } from '../../http/actor.js';
import type { AgencyMode, Role } from '../../db/types.js';
import { sql } from 'kysely';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import { accountLabels, accountsOfAgency, countActiveBelowByRole, lockAgencyRow, makeAgencyRoot, setInactive } from '../accounts/service.js';
import { endSessionsOf } from '../auth/service.js';
import { balancesOf, setWalletAgency } from '../ledger/service.js';

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
  return lockAgencyRow(tx, agencyId);
}

/** Every account of the agency (the agency included) with its spendable credits, for planning re-homes. */
export async function loadMembers(tx: Tx, agencyId: string): Promise<Map<string, Member>> {
  const rows = await accountsOfAgency(tx, agencyId);
  const balances = await balancesOf(tx, rows.map((r) => r.id), false);
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
        availableCents: balances.get(r.id)?.availableCents ?? 0,
      },
    ]),
  );
}

export async function countMembersBelow(db: Tx, rootId: string) {
  const counts = await countActiveBelowByRole(db, rootId);
  const n = (role: Role) => counts.get(role) ?? 0;
  return { managers: n('manager'), consultants: n('consultant'), clients: n('client') };
}

/** Deactivates an account and ends its sessions. */
export async function deactivateAccountRow(tx: Tx, id: string) {
  await setInactive(tx, id);
  await endSessionsOf(tx, [id]);
}

/** Support's list of requests, newest first, a page at a time on (created_at, id). */
export async function listAgencyRequests(
  db: Tx,
  f: { status?: 'pending' | 'approved' | 'rejected'; limit: number; cursor?: string },
) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const rows = await db
    .selectFrom('agency_requests as r')
    .select([
      'r.id',
      'r.account_id',
      'r.message',
      'r.status',
      'r.created_at',
      'r.decided_at',
      sql<string>`r.created_at::text`.as('sort_key'),
    ])
    .$if(f.status !== undefined, (q) => q.where('r.status', '=', f.status!))
    .$if(after !== null, (q) =>
      q.where(sql<boolean>`(r.created_at, r.id) < (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`),
    )
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = rows.slice(0, f.limit);
  const last = rows.length > f.limit ? page[page.length - 1] : null;
  const labels = await accountLabels(db, page.map((r) => r.account_id));
  return {
    items: page.map((r) => toAgencyRequest(r, labels.get(r.account_id))),
    nextCursor: last ? encodeCursor([last.sort_key, last.id]) : null,
  };
}

export async function findAgencyRequest(tx: Tx, id: string, lock: boolean) {
  const row = await tx
    .selectFrom('agency_requests as r')
    .select(['r.id', 'r.account_id', 'r.message', 'r.status', 'r.created_at', 'r.decided_at'])
    .where('r.id', '=', id)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  return row ? toAgencyRequest(row, (await accountLabels(tx, [row.account_id])).get(row.account_id)) : undefined;
}

function toAgencyRequest(
  r: {
    id: string;
    account_id: string;
    message: string | null;
    status: 'pending' | 'approved' | 'rejected';
    created_at: Date;
    decided_at: Date | null;
  },
  account: { name: string; email: string | null } | undefined,
) {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: account?.name ?? '',
    accountEmail: account?.email ?? null,
    message: r.message,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
  };
}

/** Turns a standalone customer into the root of its own agency. */
export async function promoteToAgency(tx: Tx, accountId: string) {
  await makeAgencyRoot(tx, accountId, 'simple');
  await setWalletAgency(tx, accountId, accountId);
}
