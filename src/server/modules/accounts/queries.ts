import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Tx } from '../../http/actor.js';
import type { AccountRow, AgencyMode, ClosedReason, NewAccount, PublicRole, Role } from '../../db/types.js';
import { cursorPart, decodeCursor, pageOf } from '../../http/pagination.js';
import type { Recipient } from '../notifications/service.js';

/** Lower-cased and stripped of accents, so that "Élodie" is found by "elodie". */
export function searchTextOf(...parts: (string | null | undefined)[]): string {
  return parts
    .filter(Boolean)
    .join(' ')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

export async function findAccountById(db: Tx, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAccountByEmail(db: Tx, email: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

/** Whether any account other than the system ones exists (the demo seed runs on an empty database). */
export async function hasUserAccounts(db: Tx): Promise<boolean> {
  const row = await db.selectFrom('accounts').select('id').where('role', '!=', 'system').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** "May X reach Y": one primary-key lookup in the closure table. */
export async function isDescendant(db: Tx, ancestorId: string, descendantId: string, strict: boolean): Promise<boolean> {
  const row = await db
    .selectFrom('account_tree')
    .select('depth')
    .where('ancestor_id', '=', ancestorId)
    .where('descendant_id', '=', descendantId)
    .executeTakeFirst();
  return row !== undefined && (!strict || row.depth > 0);
}

/**
 * Inserts an account with its closure rows (itself, then every ancestor of its parent). Its wallet
 * is opened by the database in the same transaction (migration 0010: the ledger owns wallets).
 */
export async function insertAccountRow(tx: Tx, values: Omit<NewAccount, 'search_text'>): Promise<AccountRow> {
  const row = await tx
    .insertInto('accounts')
    .values({ ...values, search_text: searchTextOf(values.name, values.email) })
    .returningAll()
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('account_tree')
    .values({ ancestor_id: row.id, descendant_id: row.id, depth: 0, agency_id: row.agency_id })
    .execute();
  if (row.parent_id) {
    await tx
      .insertInto('account_tree')
      .columns(['ancestor_id', 'descendant_id', 'depth', 'agency_id'])
      .expression(
        tx
          .selectFrom('account_tree')
          .select(['ancestor_id', sql.lit(row.id).as('descendant_id'), sql<number>`depth + 1`.as('depth'), sql.lit(row.agency_id).as('agency_id')])
          .where('descendant_id', '=', row.parent_id),
      )
      .execute();
  }
  return row;
}

/** Hangs a subtree under another parent: the closure rows linking it to its old ancestors are replaced. */
export async function moveSubtree(tx: Tx, nodeId: string, newParentId: string): Promise<void> {
  await sql`
    delete from account_tree
    where descendant_id in (select descendant_id from account_tree where ancestor_id = ${nodeId})
      and ancestor_id in (select ancestor_id from account_tree where descendant_id = ${nodeId} and ancestor_id <> ${nodeId})`.execute(
    tx,
  );
  await sql`
    insert into account_tree (ancestor_id, descendant_id, depth, agency_id)
    select p.ancestor_id, s.descendant_id, p.depth + s.depth + 1, s.agency_id
    from account_tree p cross join account_tree s
    where p.descendant_id = ${newParentId} and s.ancestor_id = ${nodeId}`.execute(tx);
  await tx.updateTable('accounts').set({ parent_id: newParentId }).where('id', '=', nodeId).execute();
}

/**
 * Hangs many leaf accounts (clients: nothing ranks below them) under new parents in three
 * statements, whatever their number: a switch of a large agency moves thousands at once. The new
 * parents' closure rows must be current (move collaborators first, with `moveSubtree`).
 */
export async function moveLeaves(tx: Tx, moves: { accountId: string; toParentId: string }[]): Promise<void> {
  if (moves.length === 0) return;
  const ids = moves.map((m) => m.accountId);
  const parents = moves.map((m) => m.toParentId);
  const hasChildren = await tx
    .selectFrom('account_tree')
    .select('ancestor_id')
    .where('ancestor_id', '=', sql<string>`any(${ids}::uuid[])`)
    .where('depth', '>', 0)
    .limit(1)
    .executeTakeFirst();
  if (hasChildren) throw new Error('moveLeaves: an account with children needs moveSubtree');
  await sql`delete from account_tree where descendant_id = any(${ids}::uuid[]) and depth > 0`.execute(tx);
  await sql`
    insert into account_tree (ancestor_id, descendant_id, depth, agency_id)
    select p.ancestor_id, v.id, p.depth + 1, p.agency_id
    from (select unnest(${ids}::uuid[]) as id, unnest(${parents}::uuid[]) as parent_id) v
    join account_tree p on p.descendant_id = v.parent_id`.execute(tx);
  await sql`
    update accounts a set parent_id = v.parent_id
    from (select unnest(${ids}::uuid[]) as id, unnest(${parents}::uuid[]) as parent_id) v
    where a.id = v.id`.execute(tx);
}

// ---------------------------------------------------------------------------------------------
// Writes other features ask for (inside their transaction), and scoping helpers their SQL composes

export async function setPasswordHash(tx: Tx, id: string, passwordHash: string, signedIn = false): Promise<void> {
  await tx
    .updateTable('accounts')
    .set({ password_hash: passwordHash, ...(signedIn ? { last_sign_in_at: new Date() } : {}) })
    .where('id', '=', id)
    .execute();
}

export async function recordSignIn(tx: Tx, id: string): Promise<void> {
  await tx.updateTable('accounts').set({ last_sign_in_at: new Date() }).where('id', '=', id).execute();
}

/** A new e-mail address, and the search text that finds the account by it. */
export async function setEmail(tx: Tx, id: string, email: string, name: string): Promise<AccountRow> {
  return tx
    .updateTable('accounts')
    .set({ email, search_text: searchTextOf(name, email) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setRole(tx: Tx, id: string, role: Role): Promise<void> {
  await tx.updateTable('accounts').set({ role }).where('id', '=', id).execute();
}

export async function setAgencyMode(tx: Tx, id: string, mode: AgencyMode): Promise<void> {
  await tx.updateTable('accounts').set({ agency_mode: mode }).where('id', '=', id).execute();
}

/** Closes an account, saying why and who did it (the person who deactivated it or switched the mode). */
export async function setInactive(tx: Tx, id: string, closed: { reason: ClosedReason; byPersonId: string }): Promise<void> {
  await tx
    .updateTable('accounts')
    .set({ active: false, deactivated_at: sql`now()`, closed_reason: closed.reason, closed_by: closed.byPersonId })
    .where('id', '=', id)
    .execute();
}

/** Opens a closed account again. */
export async function setActive(tx: Tx, id: string): Promise<void> {
  await tx.updateTable('accounts').set({ active: true, deactivated_at: null, closed_reason: null, closed_by: null }).where('id', '=', id).execute();
}

/**
 * The nearest active account strictly above `id` (closest first), or null for an account with no
 * active ancestor (a standalone customer or a publisher). For a closed account of an agency that
 * is the account that took over its children: every plan hands them to the nearest ancestor that
 * stays open, and no active account ever hangs under a closed one.
 */
export async function nearestActiveAncestor(db: Tx, id: string): Promise<string | null> {
  const row = await db
    .selectFrom('account_tree as t')
    .innerJoin('accounts as a', 'a.id', 't.ancestor_id')
    .select('a.id')
    .where('t.descendant_id', '=', id)
    .where('t.depth', '>', 0)
    .where('a.active', '=', true)
    .orderBy('t.depth')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Who hears of an event about `accountId` (notifications knows no other feature, so the emitting
 * feature hands it this list): the account itself (`concerned`), then every open account above
 * it, the first one being the person in charge when the account is a client (`in_charge`), the
 * others `above`. Closed accounts are told nothing.
 */
export async function audienceOf(db: Tx, accountId: string): Promise<Recipient[]> {
  // The database function audience_of (migration 0027), which allocate_credits calls too.
  const { rows } = await sql<{ audience: Recipient[] }>`select audience_of(${accountId}::uuid) as audience`.execute(db);
  return rows[0].audience;
}

/** Every open support account, for the events of support's queue (a new agency request, a site to review, a transfer to confirm). */
export async function supportAudience(db: Tx): Promise<Recipient[]> {
  const rows = await db
    .selectFrom('accounts')
    .select(['id', 'name', 'email', 'language', sql<boolean>`password_hash is not null`.as('has_login')])
    .where('role', '=', 'support')
    .where('active', '=', true)
    .execute();
  return rows.map((r) => ({ accountId: r.id, name: r.name, relation: 'concerned' as const, email: r.email, language: r.language, hasLogin: Boolean(r.has_login), agencyId: null }));
}

/** SQL: "the account `ref` is closed", for another feature's query (the ledger's sweep of closed wallets). */
export function accountIsClosed(ref: Expression<unknown> | RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from accounts ca where ca.id = ${ref} and not ca.active)`;
}

/** Makes an account the root of its own agency (role, mode, and the agency id of its closure rows). */
export async function makeAgencyRoot(tx: Tx, accountId: string, mode: AgencyMode): Promise<void> {
  await tx
    .updateTable('accounts')
    .set({ role: 'agency', agency_mode: mode, agency_id: accountId })
    .where('id', '=', accountId)
    .execute();
  await tx.updateTable('account_tree').set({ agency_id: accountId }).where('descendant_id', '=', accountId).execute();
}

/** Locks an agency's row: hierarchy changes inside one agency run one after the other. */
export async function lockAgencyRow(tx: Tx, agencyId: string): Promise<{ id: string; name: string; mode: AgencyMode }> {
  const row = await tx
    .selectFrom('accounts')
    .select(['id', 'name', 'agency_mode'])
    .where('id', '=', agencyId)
    .where('role', '=', 'agency')
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, mode: row.agency_mode! };
}

/** Every account of an agency (the agency included). */
export async function accountsOfAgency(tx: Tx, agencyId: string) {
  return tx
    .selectFrom('accounts')
    .select(['id', 'role', 'name', 'email', 'parent_id', 'active', 'closed_reason', sql<boolean>`password_hash is not null`.as('has_login')])
    .where('agency_id', '=', agencyId)
    .execute();
}

/** Active accounts strictly below `rootId`, counted per role. */
export async function countActiveBelowByRole(db: Tx, rootId: string): Promise<Map<Role, number>> {
  const rows = await db
    .selectFrom('account_tree as t')
    .innerJoin('accounts as a', 'a.id', 't.descendant_id')
    .select(['a.role', sql<number>`count(*)::int`.as('n')])
    .where('t.ancestor_id', '=', rootId)
    .where('t.depth', '>', 0)
    .where('a.active', '=', true)
    .groupBy('a.role')
    .execute();
  return new Map(rows.map((r) => [r.role, Number(r.n)]));
}

/** The clients whose parent (person in charge) is `parentId`. */
export async function clientIdsOf(db: Tx, parentId: string): Promise<string[]> {
  const rows = await db.selectFrom('accounts').select('id').where('parent_id', '=', parentId).where('role', '=', 'client').execute();
  return rows.map((r) => r.id);
}

/** Name and e-mail of the given accounts (unknown ids are absent). */
export async function accountLabels(db: Tx, ids: (string | null)[]): Promise<Map<string, { name: string; email: string | null }>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('accounts').select(['id', 'name', 'email']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, email: r.email }]));
}

/**
 * SQL: "the account `ref` is `rootId` or below it" (strictly below with `strict`), one primary-key
 * lookup in the closure table, for another feature's list query to stay one query.
 */
export function inSubtree(rootId: string, ref: Expression<unknown> | RawBuilder<unknown>, strict = false): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from account_tree t where t.ancestor_id = ${rootId} and t.descendant_id = ${ref}${
    strict ? sql` and t.depth > 0` : sql``
  })`;
}

/** SQL: the name of the account `ref` (a correlated primary-key lookup), for another feature's select list. */
export function accountName(ref: Expression<unknown> | RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(select name from accounts where id = ${ref})`;
}

/** SQL: the parent of the account `ref` (for a client, its person in charge). */
export function accountParentId(ref: Expression<unknown> | RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`(select parent_id from accounts where id = ${ref})`;
}

/** A subquery of the ids of `rootId` and every account below it (strictly below with `strict`). */
export function subtreeIds(db: Tx, rootId: string, strict = false) {
  return db
    .selectFrom('account_tree')
    .select('descendant_id as id')
    .where('ancestor_id', '=', rootId)
    .$if(strict, (q) => q.where('depth', '>', 0));
}

/** The columns an Actor is made of (`toActorAccount`). */
export type ActorAccountColumns = Pick<
  AccountRow,
  'id' | 'role' | 'name' | 'email' | 'parent_id' | 'agency_id' | 'agency_mode' | 'active' | 'closed_reason' | 'deactivated_at' | 'closed_by'
>;

/**
 * What a session reads of its accounts. Not the closed_* columns: an Actor's accounts are active
 * (an inactive person ends the session, an inactive acted account the acting), so `closed` is null.
 * Every column read costs the driver on every request: the list stays short.
 */
const SESSION_ACCOUNT_COLUMNS = ['id', 'role', 'name', 'email', 'parent_id', 'agency_id', 'agency_mode', 'active'] as const;
type SessionAccountColumn = (typeof SESSION_ACCOUNT_COLUMNS)[number];

/**
 * What the database's `session_accounts(person, acted)` (migration 0026) adds to a session's row:
 * the person's columns (`p_`, all null when it is gone), the acted account's (`a_`) and `a_reached`,
 * whether the person reaches it strictly from above (the closure table), as `isDescendant(…, true)`
 * answers. A plpgsql function, so that the server keeps its plan instead of planning the session
 * lookup of every request again.
 */
export type SessionAccountsRow = { [K in SessionAccountColumn as `p_${K}`]: ActorAccountColumns[K] | null } & {
  [K in SessionAccountColumn as `a_${K}`]: ActorAccountColumns[K] | null;
} & { a_reached: boolean | null };

/** The person and the acted account of a `session_accounts` row, as account columns (null when missing). */
export function sessionAccountsOf(row: SessionAccountsRow): { person: ActorAccountColumns | null; acted: ActorAccountColumns | null; reached: boolean } {
  const pick = (prefix: 'p' | 'a'): ActorAccountColumns | null => {
    const r = row as unknown as Record<string, unknown>;
    if (r[`${prefix}_id`] == null) return null;
    const columns = Object.fromEntries(SESSION_ACCOUNT_COLUMNS.map((c) => [c, r[`${prefix}_${c}`]]));
    return { ...columns, closed_reason: null, deactivated_at: null, closed_by: null } as ActorAccountColumns;
  };
  return { person: pick('p'), acted: pick('a'), reached: row.a_reached === true };
}

/** A subquery of the (ancestor_id, descendant_id) pairs of the closure rows of the given ancestors. */
export function descendantsOf(db: Tx, ancestorIds: string[]) {
  return db
    .selectFrom('account_tree')
    .select(['ancestor_id', 'descendant_id'])
    .where('ancestor_id', '=', sql<string>`any(${ancestorIds}::uuid[])`);
}

/**
 * SQL for a `cross join lateral`: the client `ref` names, with its parent (the person in charge):
 * columns client_name, person_id, person_name.
 */
export function clientAndPersonInCharge(ref: Expression<unknown> | RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(select c.name as client_name, c.parent_id as person_id, p.name as person_name
    from accounts c left join accounts p on p.id = c.parent_id where c.id = ${ref})`;
}

export type AccountListFilters = {
  role?: Role;
  parentId?: string;
  q?: string;
  /** active (the default), inactive (closed: deactivated or suspended) or all */
  status?: 'active' | 'inactive' | 'all';
  limit: number;
  cursor?: string;
};

/**
 * The accounts strictly below `rootId` (or every account when `rootId` is null, for support),
 * with their balance (from `balancesOf`, the ledger's), sorted by name.
 */
export async function listAccountsBelow(db: Tx, rootId: string | null, f: AccountListFilters, balancesOf: BalanceReader) {
  const after = decodeCursor(f.cursor, [cursorPart.text, cursorPart.uuid]);
  let q = db
    .selectFrom('accounts as a')
    .innerJoin('account_tree as t', (j) =>
      rootId ? j.onRef('t.descendant_id', '=', 'a.id').on('t.ancestor_id', '=', rootId).on('t.depth', '>', 0)
        : j.onRef('t.descendant_id', '=', 'a.id').onRef('t.ancestor_id', '=', 'a.id'),
    )
    .leftJoin('accounts as p', 'p.id', 'a.parent_id')
    .select([
      'a.id',
      'a.role',
      'a.name',
      'a.email',
      'a.parent_id',
      'a.agency_id',
      'a.active',
      'a.search_text',
      'a.last_sign_in_at',
      'a.deactivated_at',
      'a.closed_reason',
      'a.closed_by',
      sql<string | null>`(select cb.name from accounts cb where cb.id = a.closed_by)`.as('closed_by_name'),
      sql<boolean>`a.password_hash is not null`.as('has_login'),
      'p.name as parent_name',
      sql<number>`(select count(*) from accounts c where c.parent_id = a.id and c.active)::int`.as('children_count'),
      't.depth',
    ]);
  q = q.where('a.role', '!=', 'system');
  // Support's list (no root) holds every customer account, not the support people's own.
  if (!rootId) q = q.where('a.role', '!=', 'support');
  if (f.role) q = q.where('a.role', '=', f.role);
  if (f.parentId) q = q.where('a.parent_id', '=', f.parentId);
  const status = f.status ?? 'active';
  if (status !== 'all') q = q.where('a.active', '=', status === 'active');
  if (f.q) q = q.where('a.search_text', 'like', `%${searchTextOf(f.q).replace(/[\\%_]/g, '\\$&')}%`);
  if (after) {
    q = q.where(sql<boolean>`(a.search_text, a.id) > (${String(after[0])}, ${String(after[1])}::uuid)`);
  }
  const rows = await q
    .orderBy('a.search_text')
    .orderBy('a.id')
    .limit(f.limit + 1)
    .execute();
  const page = pageOf(rows, f.limit, (r) => [r.search_text, r.id]);
  const balances = await balancesOf(db, page.items.map((r) => r.id));
  return {
    items: page.items.map((r) => ({
      id: r.id,
      role: r.role as PublicRole,
      name: r.name,
      email: r.email,
      parentId: r.parent_id,
      agencyId: r.agency_id,
      active: r.active,
      closed: closedOf(r),
      parentName: r.parent_name,
      depth: Number(r.depth),
      hasLogin: Boolean(r.has_login),
      lastSignInAt: r.last_sign_in_at ? new Date(r.last_sign_in_at).toISOString() : null,
      balanceCents: balances.get(r.id)?.availableCents ?? 0,
      subtreeBalanceCents: balances.get(r.id)?.subtreeAvailableCents ?? 0,
      childrenCount: Number(r.children_count),
    })),
    nextCursor: page.nextCursor,
  };
}

/** Why an account is closed, and since when and by whom; null for an open account. */
export function closedOf(r: {
  active: boolean;
  closed_reason: ClosedReason | null;
  deactivated_at: Date | string | null;
  closed_by: string | null;
  closed_by_name?: string | null;
}) {
  if (r.active) return null;
  return {
    reason: r.closed_reason ?? ('deactivated' as const),
    at: r.deactivated_at ? new Date(r.deactivated_at).toISOString() : null,
    byPersonId: r.closed_by,
    byPersonName: r.closed_by_name ?? null,
  };
}

/** The ledger's answer for the wallets of some accounts (accounts sits above the ledger, so it is handed in). */
export type Balance = {
  postedCents: number;
  pendingCents: number;
  availableCents: number;
  subtreeAvailableCents: number;
  /** under this, the account's people are told (null: off) */
  lowBalanceCents: number | null;
};
export type BalanceReader = (db: Tx, accountIds: string[]) => Promise<Map<string, Balance>>;

/** The active clients strictly below `rootId` (every one for support), sorted by name, with their parent's name. */
export async function listClientsBelow(db: Tx, rootId: string | null, f: { q?: string; personInChargeId?: string; limit: number; cursor?: string }) {
  const after = decodeCursor(f.cursor, [cursorPart.text, cursorPart.uuid]);
  const rows = await sql<{ id: string; name: string; active: boolean; search_text: string; parent_id: string | null; parent_name: string | null }>`
    select a.id, a.name, a.active, a.search_text, a.parent_id, p.name as parent_name
    from accounts a
    left join accounts p on p.id = a.parent_id
    ${rootId ? sql`join account_tree t on t.descendant_id = a.id and t.ancestor_id = ${rootId} and t.depth > 0` : sql``}
    where a.role = 'client' and a.active
      ${f.personInChargeId ? sql`and a.parent_id = ${f.personInChargeId}` : sql``}
      ${f.q ? sql`and a.search_text like ${`%${f.q}%`}` : sql``}
      ${after ? sql`and (a.search_text, a.id) > (${String(after[0])}, ${String(after[1])}::uuid)` : sql``}
    order by a.search_text, a.id
    limit ${f.limit + 1}`.execute(db);
  return rows.rows;
}

/**
 * Of `ids`, those at `rootId` or below it (every customer account when `rootId` is null, for
 * support): what a reader may see named. One primary-key probe per id in the closure table.
 */
export async function idsInReach(db: Tx, rootId: string | null, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = rootId
    ? await db.selectFrom('account_tree').select('descendant_id as id').where('ancestor_id', '=', rootId).where('descendant_id', 'in', ids).execute()
    : await db.selectFrom('accounts').select('id').where('id', 'in', ids).where('role', 'not in', ['system', 'support']).execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * The quick switcher's search: the accounts strictly below `rootId` (any customer account for
 * support, rootId null) whose name or e-mail contains `q`, accents and case folded; the ones whose
 * name or e-mail starts with it first, then those with a word starting with it, then by name.
 */
export async function searchAccountsBelow(db: Tx, rootId: string | null, q: string, limit: number) {
  const folded = searchTextOf(q).trim();
  if (!folded) return [];
  const like = folded.replace(/[\\%_]/g, '\\$&');
  const rank = sql<number>`(case when a.search_text like ${`${like}%`} or a.email like ${`${like}%`} then 0
    when a.search_text like ${`% ${like}%`} or a.search_text like ${`%@${like}%`} then 1 else 2 end)`;
  const rows = await db
    .selectFrom('accounts as a')
    .$if(rootId !== null, (qb) =>
      qb.innerJoin('account_tree as t', (j) => j.onRef('t.descendant_id', '=', 'a.id').on('t.ancestor_id', '=', rootId!).on('t.depth', '>', 0)),
    )
    .leftJoin('accounts as p', 'p.id', 'a.parent_id')
    .select([
      'a.id',
      'a.role',
      'a.name',
      'a.email',
      'a.active',
      'a.parent_id',
      'p.name as parent_name',
      rank.as('rank'),
      sql<boolean>`exists (select 1 from accounts c where c.parent_id = a.id and c.active)`.as('has_children'),
    ])
    .where('a.role', 'not in', ['system', 'support'])
    .where('a.search_text', 'like', `%${like}%`)
    .orderBy(rank)
    .orderBy('a.search_text')
    .orderBy('a.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    role: r.role as PublicRole,
    name: r.name,
    email: r.email,
    active: r.active,
    parentId: r.parent_id,
    parentName: r.parent_name,
    hasChildren: Boolean(r.has_children),
  }));
}

/** One account of the team table (agency's roll-ups): what accounts knows of it. */
export type TeamAccountRow = {
  id: string;
  role: Role;
  name: string;
  email: string | null;
  parent_id: string | null;
  parent_name: string | null;
  active: boolean;
  closed_reason: ClosedReason | null;
  search_text: string;
  last_sign_in_at: Date | null;
  has_login: boolean;
};

/**
 * Every account strictly below `rootId` (open and closed), in one query over the closure table,
 * for the team table: the agency rolls figures up along `parent_id` in memory, so a whole agency
 * (thousands of clients) is read once rather than row by row.
 */
export async function listTeamAccounts(db: Tx, rootId: string): Promise<TeamAccountRow[]> {
  const rows = await db
    .selectFrom('account_tree as t')
    .innerJoin('accounts as a', 'a.id', 't.descendant_id')
    .leftJoin('accounts as p', 'p.id', 'a.parent_id')
    .select([
      'a.id',
      'a.role',
      'a.name',
      'a.email',
      'a.parent_id',
      'p.name as parent_name',
      'a.active',
      'a.closed_reason',
      'a.search_text',
      'a.last_sign_in_at',
      sql<boolean>`a.password_hash is not null`.as('has_login'),
    ])
    .where('t.ancestor_id', '=', rootId)
    .where('t.depth', '>', 0)
    .where('a.role', 'in', ['manager', 'consultant', 'client'])
    .execute();
  return rows.map((r) => ({ ...r, has_login: Boolean(r.has_login), last_sign_in_at: r.last_sign_in_at ? new Date(r.last_sign_in_at) : null }));
}

/** The account `id` and its ancestors with their roles, nearest first (depth 0 is the account itself). */
export async function ancestorsOf(db: Tx, id: string): Promise<{ id: string; role: string; depth: number }[]> {
  const rows = await db
    .selectFrom('account_tree as t')
    .innerJoin('accounts as a', 'a.id', 't.ancestor_id')
    .select(['a.id', 'a.role', 't.depth'])
    .where('t.descendant_id', '=', id)
    .orderBy('t.depth')
    .execute();
  return rows.map((r) => ({ id: r.id, role: r.role, depth: Number(r.depth) }));
}

/**
 * Every account below `rootId` (closed ones too: their past spend still counts; collaborators too,
 * which have no orders: not reading each account's role halves the time), with the branch it sits in: the account just below the root on the way down to it (a collaborator, or the client
 * itself when it hangs right under the root). The dashboards group spend "by collaborator" with it.
 */
export async function clientBranches(db: Tx, rootId: string) {
  // From each account right below the root, down its own subtree (primary-key ranges of the closure
  // table), rather than up from each client (one descendant lookup per client: 5× slower at 10,000).
  const rows = await sql<{ id: string; branch_id: string; branch_name: string; branch_role: string }>`
    select t.descendant_id as id, b.id as branch_id, b.name as branch_name, b.role as branch_role
    from account_tree tb
    join accounts b on b.id = tb.descendant_id
    join account_tree t on t.ancestor_id = b.id
    where tb.ancestor_id = ${rootId} and tb.depth = 1`.execute(db);
  return rows.rows;
}
