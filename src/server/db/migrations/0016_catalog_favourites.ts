import { sql, type Kysely } from 'kysely';

/**
 * A buying account's favourite offers (issue 12). The buyer is the account the person acts as
 * (an agency, manager, consultant or client): an agency owner acting as one of its clients sees
 * and keeps that client's favourites. Owned by catalog.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('catalog_favourites')
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('article_id', 'uuid', (c) => c.notNull().references('articles.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('catalog_favourites_pkey', ['account_id', 'article_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('catalog_favourites').execute();
}
