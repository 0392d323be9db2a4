import { sql, type Kysely } from 'kysely';

/**
 * Shared client reports (issue 12). Owner: reports.
 * - `report_shares`: a link that opens one client's report without an account, until it expires or
 *   is revoked. Only the SHA-256 of its random token is kept; the filters (project, campaign,
 *   period) are the report's.
 * - `report_subscriptions`: the clients whose report is e-mailed to them every month (a share link
 *   to the past month's report). `last_sent_month` (YYYY-MM, Paris) is the claim: the process that
 *   moves it to the current month sends, so each client gets one e-mail a month whatever the
 *   number of processes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report_shares')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('agency_id', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('project_id', 'uuid')
    .addColumn('campaign_id', 'uuid')
    .addColumn('from_day', 'date')
    .addColumn('to_day', 'date')
    .addColumn('created_by', 'uuid', (c) => c.notNull())
    .addColumn('created_as', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'uuid')
    .execute();
  await db.schema
    .createTable('report_subscriptions')
    .addColumn('client_id', 'uuid', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('agency_id', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('enabled_by', 'uuid', (c) => c.notNull())
    .addColumn('enabled_as', 'uuid', (c) => c.notNull())
    .addColumn('enabled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_sent_month', 'text', (c) => c.check(sql`last_sent_month ~ '^[0-9]{4}-[0-9]{2}$'`))
    .execute();
  await db.schema.createIndex('report_shares_client_idx').on('report_shares').columns(['client_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_subscriptions').execute();
  await db.schema.dropTable('report_shares').execute();
}
