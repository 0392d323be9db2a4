import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';

/** The SQL of the reports feature: its two tables, report_brandings and report_shares. */

export async function brandingRowsOf(db: Tx, accountIds: string[]) {
  if (accountIds.length === 0) return [];
  return db
    .selectFrom('report_brandings')
    .select([
      'account_id',
      'primary_color',
      'accent_color',
      'footer_text',
      'show_platform_name',
      'logo_type',
      'updated_at',
      sql<boolean>`logo is not null`.as('has_logo'),
    ])
    .where('account_id', 'in', accountIds)
    .execute();
}

export async function logoOf(db: Tx, accountId: string) {
  return db.selectFrom('report_brandings').select(['logo', 'logo_type']).where('account_id', '=', accountId).executeTakeFirst();
}

export async function saveBranding(
  tx: Tx,
  row: {
    accountId: string;
    agencyId: string | null;
    primaryColor: string;
    accentColor: string;
    footerText: string;
    showPlatformName: boolean;
    personId: string;
  },
) {
  const values = {
    primary_color: row.primaryColor,
    accent_color: row.accentColor,
    footer_text: row.footerText,
    show_platform_name: row.showPlatformName,
    updated_at: new Date(),
    updated_by: row.personId,
  };
  await tx
    .insertInto('report_brandings')
    .values({ account_id: row.accountId, agency_id: row.agencyId, ...values })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
    .execute();
}

/** Sets (or, with null, removes) the logo of a branding row that exists; false when there is none. */
export async function saveLogo(
  tx: Tx,
  accountId: string,
  logo: { content: Buffer; type: string } | null,
  personId: string,
): Promise<boolean> {
  const updated = await tx
    .updateTable('report_brandings')
    .set({ logo: logo?.content ?? null, logo_type: logo?.type ?? null, updated_at: new Date(), updated_by: personId })
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

export async function deleteBranding(tx: Tx, accountId: string): Promise<boolean> {
  const deleted = await tx.deleteFrom('report_brandings').where('account_id', '=', accountId).executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}

const shareColumns = [
  'id',
  'client_id',
  'agency_id',
  'project_id',
  'campaign_id',
  sql<string | null>`from_day::text`.as('from_day'),
  sql<string | null>`to_day::text`.as('to_day'),
  'created_at',
  'expires_at',
  'revoked_at',
] as const;

export type ShareRow = {
  id: string;
  client_id: string;
  agency_id: string | null;
  project_id: string | null;
  campaign_id: string | null;
  from_day: string | null;
  to_day: string | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
};

export async function insertShare(
  tx: Tx,
  row: {
    tokenHash: string;
    clientId: string;
    agencyId: string | null;
    projectId?: string;
    campaignId?: string;
    from?: string;
    to?: string;
    personId: string;
    accountId: string;
    expiresAt: Date;
  },
): Promise<ShareRow> {
  return tx
    .insertInto('report_shares')
    .values({
      token_hash: row.tokenHash,
      client_id: row.clientId,
      agency_id: row.agencyId,
      project_id: row.projectId ?? null,
      campaign_id: row.campaignId ?? null,
      from_day: row.from ?? null,
      to_day: row.to ?? null,
      created_by: row.personId,
      created_as: row.accountId,
      expires_at: row.expiresAt,
    })
    .returning([...shareColumns])
    .executeTakeFirstOrThrow();
}

/**
 * A client's share links, newest first, a page at a time on (created_at, id): none is left out,
 * since a live link that is not listed could not be revoked.
 */
export async function listSharesOf(
  db: Tx,
  clientId: string,
  page: { limit: number; cursor?: string },
): Promise<{ rows: ShareRow[]; nextCursor: string | null }> {
  const after = decodeCursor(page.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const rows = await db
    .selectFrom('report_shares')
    .select([...shareColumns, sql<string>`created_at::text`.as('sort_key')])
    .where('client_id', '=', clientId)
    .$if(after !== null, (q) => q.where(sql<boolean>`(created_at, id) < (${after![0]}::timestamptz, ${after![1]}::uuid)`))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const last = rows.length > page.limit ? rows[page.limit - 1] : null;
  return { rows: rows.slice(0, page.limit), nextCursor: last ? encodeCursor([last.sort_key, last.id]) : null };
}

export async function findShare(db: Tx, id: string): Promise<ShareRow | undefined> {
  return db
    .selectFrom('report_shares')
    .select([...shareColumns])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findShareByHash(db: Tx, tokenHash: string): Promise<ShareRow | undefined> {
  return db
    .selectFrom('report_shares')
    .select([...shareColumns])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function revokeShareRow(tx: Tx, id: string, personId: string): Promise<ShareRow | undefined> {
  return tx
    .updateTable('report_shares')
    .set({ revoked_at: sql`coalesce(revoked_at, now())`, revoked_by: sql`coalesce(revoked_by, ${personId}::uuid)` })
    .where('id', '=', id)
    .returning([...shareColumns])
    .executeTakeFirst();
}

export async function findSubscription(db: Tx, clientId: string) {
  return db
    .selectFrom('report_subscriptions')
    .select(['client_id', 'enabled_at', 'last_sent_month', 'enabled_by', 'enabled_as'])
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}

export async function saveSubscription(
  tx: Tx,
  row: { clientId: string; agencyId: string | null; personId: string; accountId: string; lastSentMonth: string },
) {
  await tx
    .insertInto('report_subscriptions')
    // subscribed this month: the first e-mail is next month's (the report of the whole month)
    .values({
      client_id: row.clientId,
      agency_id: row.agencyId,
      enabled_by: row.personId,
      enabled_as: row.accountId,
      last_sent_month: row.lastSentMonth,
    })
    .onConflict((oc) => oc.column('client_id').doNothing())
    .execute();
}

export async function deleteSubscription(tx: Tx, clientId: string): Promise<boolean> {
  const r = await tx.deleteFrom('report_subscriptions').where('client_id', '=', clientId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Clients whose report for `month` is not sent yet, a batch at a time. */
export async function dueSubscriptions(db: Tx, month: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('report_subscriptions')
    .select('client_id')
    .where(sql<boolean>`last_sent_month is distinct from ${month}`)
    .orderBy('client_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.client_id);
}

/** The claim: true for the one process that moves the client's subscription to `month`. */
export async function claimSubscription(tx: Tx, clientId: string, month: string): Promise<boolean> {
  const r = await tx
    .updateTable('report_subscriptions')
    .set({ last_sent_month: month })
    .where('client_id', '=', clientId)
    .where(sql<boolean>`last_sent_month is distinct from ${month}`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
