import { sql, type SelectQueryBuilder } from 'kysely';
import type { Actor, Tx } from '../../http/actor.js';
import type { DB } from '../../db/types.js';
import { invalidInput } from '../../http/errors.js';
import { AUDIT_CATEGORIES, categoryOf, type AuditCategory } from './categories.js';

export { AUDIT_CATEGORIES, AUDIT_CATEGORY_NAMES, type AuditCategory } from './categories.js';
import { parisDayEnd, parisDayStart, parseDay } from './days.js';

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
  // The database function record_audit (migration 0027), which allocate_credits calls too.
  await sql`select record_audit(${actor.person.id}::uuid, ${actor.account.id}::uuid, ${actor.account.agencyId}::uuid, ${action}::text,
    ${target?.type ?? null}::text, ${target?.id ?? null}::text, ${actor.ip}::text, ${details ? JSON.stringify(details) : null}::jsonb)`.execute(tx);
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
    select record_audit(${actor?.person.id ?? null}::uuid, ${actor?.account.id ?? null}::uuid, ${actor?.account.agencyId ?? null}::uuid,
      ${action}::text, ${target?.type ?? null}::text, ${target?.id ?? null}::text, ${actor?.ip ?? null}::text,
      ${details ? JSON.stringify(details) : null}::jsonb)
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
  /** The amount the line is about, in cents (from its details), for the sentence the web builds. */
  amountCents: number | null;
  /** The account the line is about (its target account, or the client, account or recipient in its details), named. */
  subject: { id: string; name: string } | null;
};

const AMOUNT_KEYS = ['amountCents', 'priceCents', 'totalCents', 'cents', 'thresholdCents', 'lowBalanceCents'] as const;
const SUBJECT_KEYS = ['clientId', 'accountId', 'to'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function detailsOf(details: unknown): Record<string, unknown> {
  return details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : {};
}

/** The amount of a line's details, in cents, or null. */
export function amountOf(details: unknown): number | null {
  const d = detailsOf(details);
  for (const k of AMOUNT_KEYS) if (typeof d[k] === 'number' && Number.isSafeInteger(d[k])) return d[k] as number;
  return null;
}

/** The id of the account a line is about: its account target, else an account id in its details. */
function subjectIdOf(r: { target_type: string | null; target_id: string | null; details: unknown }): string | null {
  if (r.target_type === 'account' && r.target_id && UUID.test(r.target_id)) return r.target_id;
  const d = detailsOf(r.details);
  for (const k of SUBJECT_KEYS) if (typeof d[k] === 'string' && UUID.test(d[k] as string)) return d[k] as string;
  return null;
}

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
 * Which accounts a trail covers, given by the caller (audit knows no other feature): a subquery of
 * their ids (accounts' `subtreeIds`), and how to name the people and accounts of a page.
 */
export type AuditScope = {
  accountIds: SelectQueryBuilder<DB, any, { id: string }>;
  namesOf: (ids: string[]) => Promise<Map<string, { name: string }>>;
  /**
   * Of the given account ids, those the reader reaches (itself and below; any for support): a
   * line's `subject` is named only then, so that a client never reads the name of a sibling.
   */
  reachable: (ids: string[]) => Promise<Set<string>>;
};

/**
 * What a reader narrows its trail to (`GET /api/audit`): who did it, which actions (already
 * expanded from categories; an empty list matches nothing), and a half-open instant range
 * [`from`, `before`). Filters only ever add conditions to the scope's query.
 */
export type AuditFilters = {
  personId?: string;
  actions?: readonly string[];
  from?: Date;
  before?: Date;
};

/**
 * An audit line's target as an account id: a uuid for account targets, null otherwise (never a
 * failed cast). The same expression as the index `audit_log_target_account_idx` (migration 0008).
 */
const targetAccount = sql<string>`(case when l.target_type = 'account' and l.target_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then l.target_id::uuid end)`;

/**
 * The trail of every write made for an account of the given subtree (the root included), or
 * made by anyone (support) on one of those accounts, newest first. The scope's root must already
 * be an account the caller may read. `viewer` decides what of the others' lines is shown
 * (`seesStaffDetails`).
 *
 * Two halves, each answered by an index and cut at a page before they are merged: the lines made
 * for an account of the subtree (`audit_log_account_idx`), and the lines whose target is one of
 * them (`audit_log_target_account_idx`, on the target as a uuid). One `exists` with an `or` of
 * both could use neither index and read the whole trail for every page (bench/audit.ts).
 */
export async function listAuditForSubtree(
  db: Tx,
  viewer: Pick<Actor, 'person'>,
  scope: AuditScope,
  page: { limit: number; cursor: string | null },
  filters: AuditFilters = {},
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  if (filters.actions && filters.actions.length === 0) return { items: [], nextCursor: null };
  if (page.cursor && !/^\d{1,18}$/.test(page.cursor)) throw invalidInput('cursor_invalid', 'cursor');
  const before = page.cursor || null;
  const half = (match: 'account' | 'target') =>
    db
      .selectFrom('audit_log as l')
      .$if(match === 'account', (q) => q.where('l.account_id', 'in', scope.accountIds))
      .$if(match === 'target', (q) => q.where('l.target_type', '=', 'account').where(targetAccount, 'in', scope.accountIds))
      .select([
        sql<string>`l.id::text`.as('id'),
        'l.at',
        'l.action',
        'l.target_type',
        'l.target_id',
        'l.ip',
        'l.details',
        'l.person_id',
        'l.account_id',
      ])
      .$if(before !== null, (q) => q.where('l.id', '<', String(before)))
      .$if(filters.personId !== undefined, (q) => q.where('l.person_id', '=', filters.personId!))
      .$if(filters.actions !== undefined, (q) => q.where('l.action', 'in', filters.actions!))
      .$if(filters.from !== undefined, (q) => q.where('l.at', '>=', filters.from!))
      .$if(filters.before !== undefined, (q) => q.where('l.at', '<', filters.before!))
      .orderBy('l.id', 'desc')
      .limit(page.limit + 1)
      .execute();
  const [byAccount, byTarget] = await Promise.all([half('account'), half('target')]);
  const merged = new Map([...byAccount, ...byTarget].map((r) => [r.id, r]));
  const rows = [...merged.values()].sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0)).slice(0, page.limit + 1);
  const pageRows = rows.slice(0, page.limit);
  const subjectIds = [...new Set(pageRows.map(subjectIdOf).filter((id): id is string => id !== null))];
  const [names, reachable] = await Promise.all([
    scope.namesOf([
      ...new Set(pageRows.flatMap((r) => [r.person_id, r.account_id, subjectIdOf(r)]).filter((id): id is string => id !== null)),
    ]),
    subjectIds.length ? scope.reachable(subjectIds) : Promise.resolve(new Set<string>()),
  ]);
  const named = (id: string | null) => {
    const name = id ? names.get(id)?.name : undefined;
    return id && name !== undefined ? { id, name } : null;
  };
  const staff = seesStaffDetails(viewer);
  const items = pageRows.map((r): AuditEntry => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    ip: r.ip,
    details: r.details,
    person: named(r.person_id),
    account: named(r.account_id),
    amountCents: amountOf(r.details),
    subject: (() => {
      const id = subjectIdOf(r);
      return id && reachable.has(id) ? named(id) : null;
    })(),
  }));
  const shown = staff ? items : items.map((e) => (e.person?.id === viewer.person.id ? e : withoutStaffDetails(e)));
  return { items: shown, nextCursor: rows.length > page.limit ? items[items.length - 1].id : null };
}

/** The activity log's filters as the query string gives them (GET /api/audit). */
export type AuditFilterQuery = {
  personId?: string;
  action?: string | string[];
  category?: AuditCategory;
  from?: string;
  to?: string;
};

const ACTION_KEY = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

/**
 * The query's filters checked and made SQL-ready: actions (comma-separated or repeated, each one
 * of a category's) narrowed by the category, days as Paris instants (`to` up to the end of its
 * day). A date that does not exist, or `from` after `to`, is a 400 naming the field.
 */
export function auditFiltersOf(query: AuditFilterQuery): AuditFilters {
  const filters: AuditFilters = {};
  if (query.personId) filters.personId = query.personId;
  const listed = query.action === undefined ? [] : (Array.isArray(query.action) ? query.action : [query.action]).flatMap((a) => a.split(','));
  const actions = listed.map((a) => a.trim()).filter(Boolean);
  for (const a of actions) {
    if (!ACTION_KEY.test(a) || categoryOf(a) === null) throw invalidInput('audit_action_invalid', 'action', { value: a.slice(0, 60) });
  }
  if (actions.length > 0) filters.actions = [...new Set(actions)];
  if (query.category) {
    const inCategory = AUDIT_CATEGORIES[query.category] as readonly string[];
    filters.actions = filters.actions ? filters.actions.filter((a) => inCategory.includes(a)) : inCategory;
  }
  const day = (field: 'from' | 'to') => {
    const text = query[field];
    if (text === undefined) return undefined;
    const parsed = parseDay(text);
    if (!parsed) throw invalidInput('audit_day_invalid', field, { field, value: text.slice(0, 20) });
    return parsed;
  };
  const from = day('from');
  const to = day('to');
  if (from && to && parisDayStart(from) > parisDayStart(to)) {
    throw invalidInput('audit_range_inverted', 'to', { from: query.from!, to: query.to! });
  }
  if (from) filters.from = parisDayStart(from);
  if (to) filters.before = parisDayEnd(to);
  return filters;
}
