import { sql, type Kysely } from 'kysely';

/**
 * The accounts list (`GET /api/accounts`) is ordered by (search_text, id) and paged by keyset. For
 * an agency of 10,000 clients the first page sorted the whole subtree (7 ms in the database, more
 * under load, bench/http.ts); with this index PostgreSQL walks the accounts in order and checks
 * each in the closure table until the page is full (0.5 ms). A small subtree (a consultant's 40
 * clients) is still read from the closure table first: the planner picks by the subtree's size.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index accounts_list_order_idx on accounts (search_text, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index accounts_list_order_idx`.execute(db);
}
