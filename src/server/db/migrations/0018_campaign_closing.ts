import type { Kysely } from 'kysely';

/**
 * Campaigns can be closed (issue 12). Owner: orders (the campaigns table's owner).
 * - `closed_at`: when the campaign was closed, null while it is open; a closed campaign refuses
 *   new orders, the orders already placed go on.
 * - `closed_by`: the person who closed it (the acting account is in the audit row).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('campaigns')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by', 'uuid', (c) => c.references('accounts.id'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').dropColumn('closed_by').dropColumn('closed_at').execute();
}
