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

/**
 * `recordAudit` as one statement that writes only when `when` holds: a caller that must do the
 * same work whatever the outcome (a password reset for an unknown e-mail) runs it either way.
 */
export async function recordAuditIf(
  tx: Tx,
  when: boolean,
  actor: Pick<Actor, 'person' | 'account' | 'ip'> | null,
  action: string,
  target: AuditTarget | null,
  details: Record<string, unknown> | null = null,
): Promise<void> {
  await sql`
    insert into audit_log (person_id, account_id, agency_id, action, target_type, target_id, ip, details)
    select ${actor?.person.id ?? null}::uuid, ${actor?.account.id ?? null}::uuid, ${actor?.account.agencyId ?? null}::uuid,
      ${action}, ${target?.type ?? null}::text, ${target?.id ?? null}::text, ${actor?.ip ?? null}::text,
      ${details ? JSON.stringify(details) : null}::jsonb
    where ${when && actor !== null}::boolean`.execute(tx);
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
 * Who may see the staff-side details of a line written by someone else (the address it came from,
 * support's reason for acting-as): support and the agency side (agency, manager, consultant). A
 * customer (client, publisher) sees its own lines whole, and the others' without them.
 */
export function seesStaffDetails(viewer: Pick<Actor, 'person'>): boolean {
  return viewer.person.role !== 'client' && viewer.person.role !== 'publisher';
}

function withoutStaffDetails(entry: AuditEntry): AuditEntry {
  const details = entry.details && typeof entry.details === 'object' && !Array.isArray(entry.details) ? { ...(entry.details as Record<string, unknown>) } : entry.details;
  if (details && typeof details === 'object' && 'reason' in details) delete (details as Record<string, unknown>).reason;
  return { ...entry, ip: null, details };
}

/**
 * The trail of every write made for an account of the given subtree (the root included), or
 * made by anyone (support) on one of those accounts, newest first. `rootId` must already be an
 * account the caller may read. `viewer` decides what of the others' lines is shown (`seesStaffDetails`).
 */
export async function listAuditForSubtree(
  db: Tx,
  viewer: Pick<Actor, 'person'>,
  rootId: string,
  page: { limit: number; cursor: string | null },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const before = page.cursor ? Number(page.cursor) : null;
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
  const staff = seesStaffDetails(viewer);
  const items = rows.slice(0, page.limit).map((r): AuditEntry => ({
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
  const shown = staff ? items : items.map((e) => (e.person?.id === viewer.person.id ? e : withoutStaffDetails(e)));
  return { items: shown, nextCursor: rows.length > page.limit ? items[items.length - 1].id : null };
}
