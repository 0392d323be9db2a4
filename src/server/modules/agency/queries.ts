import type { Tx } from '../../http/actor.js';
import type { AgencyMode, ClosedReason, Role } from '../../db/types.js';
import { sql } from 'kysely';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import {
  accountLabels,
  accountsOfAgency,
  countActiveBelowByRole,
  lockAgencyRow,
  makeAgencyRoot,
  setActive,
  setInactive,
} from '../accounts/service.js';
import { endSessionsOf } from '../auth/service.js';
import { balancesOf, setWalletAgency } from '../ledger/service.js';

export type Member = {
  id: string;
  role: Role;
  name: string;
  email: string | null;
  parentId: string | null;
  active: boolean;
  closedReason: ClosedReason | null;
  hasLogin: boolean;
  availableCents: number;
  /** held on its open orders */
  pendingCents: number;
};

/** What a mode switch changed and a later switch (or a reactivation) undoes: one suspended collaborator. */
export type OpenSuspension = {
  id: string;
  /** order of the suspensions: later switches have higher numbers */
  seq: number;
  accountId: string;
  role: Role;
  /** its parent when the switch suspended it */
  formerParentId: string | null;
  /** the accounts the switch moved away from it, and where to */
  moves: { accountId: string; toParentId: string }[];
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
        closedReason: r.closed_reason,
        hasLogin: Boolean(r.has_login),
        availableCents: balances.get(r.id)?.availableCents ?? 0,
        pendingCents: balances.get(r.id)?.pendingCents ?? 0,
      },
    ]),
  );
}

export async function countMembersBelow(db: Tx, rootId: string) {
  const counts = await countActiveBelowByRole(db, rootId);
  const n = (role: Role) => counts.get(role) ?? 0;
  return { managers: n('manager'), consultants: n('consultant'), clients: n('client') };
}

/** Closes an account (deactivated, or suspended by a mode switch) and ends its sessions. */
export async function closeAccount(tx: Tx, id: string, closed: { reason: ClosedReason; byPersonId: string }) {
  await setInactive(tx, id, closed);
  await endSessionsOf(tx, [id]);
}

export async function reopenAccount(tx: Tx, id: string) {
  await setActive(tx, id);
}

/** The agency's suspensions still open, oldest first, each with the moves its switch made away from it. */
export async function loadOpenSuspensions(tx: Tx, agencyId: string): Promise<OpenSuspension[]> {
  const rows = await tx
    .selectFrom('suspensions')
    .select(['id', sql<number>`seq::int8`.as('seq'), 'account_id', 'role', 'former_parent_id'])
    .where('agency_id', '=', agencyId)
    .where('ended_at', 'is', null)
    .orderBy('seq')
    .execute();
  if (rows.length === 0) return [];
  const moves = await tx
    .selectFrom('suspension_moves')
    .select(['suspension_id', 'account_id', 'to_parent_id'])
    .where('suspension_id', '=', sql<string>`any(${rows.map((r) => r.id)}::uuid[])`)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    seq: Number(r.seq),
    accountId: r.account_id,
    role: r.role,
    formerParentId: r.former_parent_id,
    moves: moves.filter((m) => m.suspension_id === r.id).map((m) => ({ accountId: m.account_id, toParentId: m.to_parent_id })),
  }));
}

/** Remembers one collaborator a switch suspends, with its parent and the accounts moved away from it. */
export async function recordSuspension(
  tx: Tx,
  s: {
    agencyId: string;
    switchId: string;
    accountId: string;
    role: Role;
    formerParentId: string | null;
    fromMode: AgencyMode;
    toMode: AgencyMode;
    byPersonId: string;
    moves: { accountId: string; toParentId: string }[];
  },
): Promise<void> {
  const row = await tx
    .insertInto('suspensions')
    .values({
      agency_id: s.agencyId,
      switch_id: s.switchId,
      account_id: s.accountId,
      role: s.role,
      former_parent_id: s.formerParentId,
      from_mode: s.fromMode,
      to_mode: s.toMode,
      suspended_by: s.byPersonId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (s.moves.length > 0) {
    await tx
      .insertInto('suspension_moves')
      .values(s.moves.map((m) => ({ suspension_id: row.id, account_id: m.accountId, agency_id: s.agencyId, to_parent_id: m.toParentId })))
      .execute();
  }
}

/**
 * Moves that a plan made (a switch, a deactivation, a restore) carry along the records of open
 * suspensions: an account a suspended collaborator is to get back, moved on from where the record
 * says, is now expected where it went. One statement for the whole plan.
 */
export async function followMovedAccounts(tx: Tx, moves: { accountId: string; fromParentId: string | null; toParentId: string }[]) {
  const followed = moves.filter((m) => m.fromParentId !== null);
  if (followed.length === 0) return;
  await sql`
    update suspension_moves sm set to_parent_id = v.to_parent_id
    from (select unnest(${followed.map((m) => m.accountId)}::uuid[]) as account_id,
                 unnest(${followed.map((m) => m.fromParentId)}::uuid[]) as from_parent_id,
                 unnest(${followed.map((m) => m.toParentId)}::uuid[]) as to_parent_id) v
    where sm.account_id = v.account_id and sm.to_parent_id = v.from_parent_id
      and exists (select 1 from suspensions s where s.id = sm.suspension_id and s.ended_at is null)`.execute(tx);
}

/** An account given another parent on purpose: no open suspension is to get it back any more. */
export async function forgetSuspensionMovesOf(tx: Tx, accountId: string): Promise<void> {
  await sql`
    delete from suspension_moves sm
    where sm.account_id = ${accountId}
      and exists (select 1 from suspensions s where s.id = sm.suspension_id and s.ended_at is null)`.execute(tx);
}

export async function endSuspensions(tx: Tx, ids: string[], reason: 'restored' | 'reactivated'): Promise<void> {
  if (ids.length === 0) return;
  await tx.updateTable('suspensions').set({ ended_at: sql`now()`, end_reason: reason }).where('id', 'in', ids).execute();
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

/** How many agency-mode requests wait for support's decision (the support dashboard's queue). */
export async function countPendingAgencyRequests(db: Tx): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::int as n from agency_requests where status = 'pending'`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}
