import { sql, type Kysely } from 'kysely';

/**
 * White-label client reports (issue 12). Owner: reports.
 * - `report_brandings`: the branding an agency sets for its reports (logo, two colours, footer,
 *   whether the platform's name shows), one row per account that set one: the agency's is inherited
 *   by everyone below it; a manager's overrides it for its portfolio. The logo (PNG or JPEG,
 *   ≤ 512 KB, checked by content) is kept here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report_brandings')
    .addColumn('account_id', 'uuid', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('agency_id', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('primary_color', 'text', (c) => c.notNull().check(sql`primary_color ~ '^#[0-9a-f]{6}$'`))
    .addColumn('accent_color', 'text', (c) => c.notNull().check(sql`accent_color ~ '^#[0-9a-f]{6}$'`))
    .addColumn('footer_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('show_platform_name', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('logo', 'bytea')
    .addColumn('logo_type', 'text', (c) => c.check(sql`logo_type in ('image/png', 'image/jpeg')`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_brandings').execute();
}
