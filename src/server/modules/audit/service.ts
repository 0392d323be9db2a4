import { sql } from 'kysely';
import type { Actor, Tx } from '../../http/actor.js';

export type AuditTarget = { type: string; id: string };

/**
 * Writes one line of the audit trail, inside the caller's transaction: who really did it (person),
 * for whom (account), what, on what, from where.
 */
export async function recordAudit(
  tx: Tx,
  actor: Pick<Actor, 'person' | 'account' | 'ip'>,
  action: string,
  target: AuditTarget | null,
  details: Record<string, unknown> | null = null,
): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      person_id: actor.person.id,
      account_id: actor.account.id,
      agency_id: actor.account.agencyId,
      action,
      target_type: target?.type ?? null,
      target_id: target?.id ?? null,
      ip: actor.ip,
      details: details ? JSON.stringify(details) : null,
    })
    .execute();
}

export type AuditEntry = {
  id: string;
  at: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: unknown;
  person: { id: string; name: string } | null;
  account: { id: string; name: string } | null;
};

/**
 * An audit line's target as an account id: a uuid for account targets, null otherwise (never a
 * failed cast). The same expression as the index `audit_log_target_account_idx` (migration 0008).
 */
const targetAccount = sql`(case when l.target_type = 'account' and l.target_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then l.target_id::uuid end)`;

/**
 * The trail of every write made for an account of the given subtree (the root included), or
 * made by anyone (support) on one of those accounts, newest first. `rootId` must already be an
 * account the caller may read.
 *
 * Two halves, each answered by an index and cut at a page before they are merged: the lines made
 * for an account of the subtree (`audit_log_account_idx`), and the lines whose target is one of
 * them (`audit_log_target_account_idx`, on the target as a uuid). For a small subtree PostgreSQL
 * reads each member's newest lines; for a large one it walks the trail newest first and probes the
 * closure table. One `exists` with an `or` of both (the former query) could use neither index and
 * read the whole trail for every page (bench/audit.ts).
 */
export async function listAuditForSubtree(
  db: Tx,
  rootId: string,
  page: { limit: number; cursor: string | null },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const before = page.cursor ? Number(page.cursor) : null;
  const older = before !== null ? sql`and l.id < ${String(before)}::bigint` : sql``;
  const members = sql`(select t.descendant_id from account_tree t where t.ancestor_id = ${rootId})`;
  const found = await sql<{
    id: string;
    at: Date;
    action: string;
    target_type: string | null;
    target_id: string | null;
    ip: string | null;
    details: unknown;
    person_id: string | null;
    person_name: string | null;
    account_id: string | null;
    account_name: string | null;
  }>`
    select l.id::text as id, l.at, l.action, l.target_type, l.target_id, l.ip, l.details,
      p.id as person_id, p.name as person_name, a.id as account_id, a.name as account_name
    from (
      (select l.id from audit_log l where l.account_id in ${members} ${older} order by l.id desc limit ${page.limit + 1})
      union
      (select l.id from audit_log l
       where l.target_type = 'account' and ${targetAccount} in ${members} ${older}
       order by l.id desc limit ${page.limit + 1})
    ) hit
    join audit_log l on l.id = hit.id
    left join accounts p on p.id = l.person_id
    left join accounts a on a.id = l.account_id
    order by l.id desc
    limit ${page.limit + 1}`.execute(db);
  const rows = found.rows;
  const items = rows.slice(0, page.limit).map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    ip: r.ip,
    details: r.details,
    person: r.person_id ? { id: r.person_id, name: r.person_name! } : null,
    account: r.account_id ? { id: r.account_id, name: r.account_name! } : null,
  }));
  return { items, nextCursor: rows.length > page.limit ? items[items.length - 1].id : null };
}
