import { sql, type Kysely } from 'kysely';

/**
 * Indexes of the dashboards (issue 12), found with EXPLAIN ANALYZE on bench/dashboard.ts (an agency
 * of 10,000 clients and 1,000,000 orders):
 * - spend is counted on the day of verification (when the ledger captures the hold): an agency's
 *   orders verified in a period, and a list of clients' (a manager's, a consultant's, a client's),
 *   each read from the index alone (client, price and refund included) instead of every order of
 *   the agency from the table;
 * - a publisher's earnings by completion day;
 * - the live links of an agency (verified or completed, guarantee not over), without reading the
 *   completed orders whose guarantee ended;
 * - the open claims of an agency, and the wallets with a low-balance threshold.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index orders_agency_verified_idx on orders (agency_id, verified_at) include (client_id, price_cents, refunded_cents) where verified_at is not null`.execute(
    db,
  );
  await sql`create index orders_client_verified_idx on orders (client_id, verified_at) include (price_cents, refunded_cents) where verified_at is not null`.execute(
    db,
  );
  await sql`create index orders_publisher_completed_idx on orders (publisher_id, completed_at) include (price_cents, refunded_cents, commission_bp) where completed_at is not null`.execute(
    db,
  );
  await sql`create index orders_agency_live_idx on orders (agency_id, guarantee_ends_at) where status in ('verified', 'completed')`.execute(
    db,
  );
  await sql`create index claims_agency_open_idx on claims (agency_id) where status = 'open'`.execute(db);
  await sql`create index wallets_low_balance_idx on wallets (agency_id) where low_balance_cents is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'wallets_low_balance_idx',
    'claims_agency_open_idx',
    'orders_agency_live_idx',
    'orders_publisher_completed_idx',
    'orders_client_verified_idx',
    'orders_agency_verified_idx',
  ]) {
    await db.schema.dropIndex(name).execute();
  }
}
