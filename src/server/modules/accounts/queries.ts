import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';
import type { AccountRow, NewAccount, PublicRole, Role } from '../../db/types.js';
import { cursorPart, decodeCursor, pageOf } from '../../http/pagination.js';

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

/** Inserts an account with its wallet and its closure rows (itself, then every ancestor of its parent). */
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
  await tx.insertInto('wallets').values({ account_id: row.id, agency_id: row.agency_id }).execute();
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




export type AccountListFilters = {
  role?: Role;
  parentId?: string;
  q?: string;
  includeInactive?: boolean;
  limit: number;
  cursor?: string;
};

/**
 * The accounts strictly below `rootId` (or every account when `rootId` is null, for support),
 * with their balance, sorted by name.
 */
export async function listAccountsBelow(db: Tx, rootId: string | null, f: AccountListFilters) {
  const after = decodeCursor(f.cursor, [cursorPart.text, cursorPart.uuid]);
  let q = db
    .selectFrom('accounts as a')
    .innerJoin('account_tree as t', (j) =>
      rootId ? j.onRef('t.descendant_id', '=', 'a.id').on('t.ancestor_id', '=', rootId).on('t.depth', '>', 0)
        : j.onRef('t.descendant_id', '=', 'a.id').onRef('t.ancestor_id', '=', 'a.id'),
    )
    .leftJoin('accounts as p', 'p.id', 'a.parent_id')
    .leftJoin('wallets as w', 'w.account_id', 'a.id')
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
      sql<boolean>`a.password_hash is not null`.as('has_login'),
      'p.name as parent_name',
      sql<number>`coalesce(w.posted_cents - w.pending_cents, 0)::int8`.as('balance_cents'),
      sql<number>`(select count(*) from accounts c where c.parent_id = a.id and c.active)::int`.as('children_count'),
      sql<number>`(select coalesce(sum(sw.posted_cents - sw.pending_cents), 0)::int8 from account_tree st
        join wallets sw on sw.account_id = st.descendant_id where st.ancestor_id = a.id)`.as('subtree_balance_cents'),
      't.depth',
    ]);
  q = q.where('a.role', '!=', 'system');
  // Support's list (no root) holds every customer account, not the support people's own.
  if (!rootId) q = q.where('a.role', '!=', 'support');
  if (f.role) q = q.where('a.role', '=', f.role);
  if (f.parentId) q = q.where('a.parent_id', '=', f.parentId);
  if (!f.includeInactive) q = q.where('a.active', '=', true);
  if (f.q) q = q.where('a.search_text', 'like', `%${searchTextOf(f.q).replace(/[\\%_]/g, '\\$&')}%`);
  if (after && after.length === 2) {
    q = q.where(sql<boolean>`(a.search_text, a.id) > (${String(after[0])}, ${String(after[1])}::uuid)`);
  }
  const rows = await q
    .orderBy('a.search_text')
    .orderBy('a.id')
    .limit(f.limit + 1)
    .execute();
  const page = pageOf(rows, f.limit, (r) => [r.search_text, r.id]);
  return {
    items: page.items.map((r) => ({
      id: r.id,
      role: r.role as PublicRole,
      name: r.name,
      email: r.email,
      parentId: r.parent_id,
      agencyId: r.agency_id,
      active: r.active,
      parentName: r.parent_name,
      depth: Number(r.depth),
      hasLogin: Boolean(r.has_login),
      lastSignInAt: r.last_sign_in_at ? new Date(r.last_sign_in_at).toISOString() : null,
      balanceCents: Number(r.balance_cents),
      subtreeBalanceCents: Number(r.subtree_balance_cents),
      childrenCount: Number(r.children_count),
    })),
    nextCursor: page.nextCursor,
  };
}

export async function findWallet(db: Tx, accountId: string) {
  const w = await db
    .selectFrom('wallets')
    .select(['posted_cents', 'pending_cents'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  const posted = Number(w?.posted_cents ?? 0);
  const pending = Number(w?.pending_cents ?? 0);
  return { postedCents: posted, pendingCents: pending, availableCents: posted - pending };
}
