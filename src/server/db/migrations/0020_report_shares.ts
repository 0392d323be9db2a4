import { sql, type Kysely } from 'kysely';

/**
 * Shared client reports (issue 12). Owner: reports.
 * - `report_shares`: a link that opens one client's report without an account, until it expires or
 *   is revoked. Only the SHA-256 of its random token is kept; the filters (project, campaign,
 *   period) are the report's.
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
  await db.schema.createIndex('report_shares_client_idx').on('report_shares').columns(['client_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_shares').execute();
}
