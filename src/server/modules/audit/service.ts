import { sql } from 'kysely';
import type { Actor, Tx } from '../../http/actor.js';
import { invalidInput } from '../../http/errors.js';

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
 * The trail of every write made for an account of the given subtree (the root included), or
 * made by anyone (support) on one of those accounts, newest first. `rootId` must already be an
 * account the caller may read.
 */
export async function listAuditForSubtree(
  db: Tx,
  rootId: string,
  page: { limit: number; cursor: string | null },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  if (page.cursor && !/^\d{1,18}$/.test(page.cursor)) throw invalidInput('cursor_invalid', 'cursor');
  const before = page.cursor || null;
  const rows = await db
    .selectFrom('audit_log as l')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('account_tree as t')
          .select('t.depth')
          .where('t.ancestor_id', '=', rootId)
          .where((w) =>
            w.or([
              w('t.descendant_id', '=', w.ref('l.account_id')),
              w.and([w('l.target_type', '=', 'account'), w(sql`t.descendant_id::text`, '=', w.ref('l.target_id'))]),
            ]),
          ),
      ),
    )
    .leftJoin('accounts as p', 'p.id', 'l.person_id')
    .leftJoin('accounts as a', 'a.id', 'l.account_id')
    .select([
      sql<string>`l.id::text`.as('id'),
      'l.at',
      'l.action',
      'l.target_type',
      'l.target_id',
      'l.ip',
      'l.details',
      'p.id as person_id',
      'p.name as person_name',
      'a.id as account_id',
      'a.name as account_name',
    ])
    .$if(before !== null, (q) => q.where('l.id', '<', String(before)))
    .orderBy('l.id', 'desc')
    .limit(page.limit + 1)
    .execute();
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
