import { sql, type Kysely } from 'kysely';

/**
 * Link verification evidence, monitoring during the guarantee, claims (issue 10). Owners:
 * - links: `link_checks` (every check of an order's live URL with its evidence), `link_monitors`
 *   (when each verified link is next checked, until its guarantee ends), `monitor_hosts` (one check
 *   at a time per host, with a pause between), `claims`.
 * - ledger: `publisher_debts` (what a refund after payout could not take from the publisher's
 *   wallet, repaid first from its next earnings) and the system account that fronted it.
 * - catalog: `sites.guarantee_months` (chosen by the publisher; null: the platform default),
 *   `publisher_reliability` (figures refreshed from the orders' history).
 * - orders: `orders.guarantee_months` (the terms shown when the order was placed),
 *   `orders.guarantee_ends_at` (set at verification), `orders.lost_at`, `orders.refunded_cents` (what
 *   claims gave back to the client: the publisher's earning and the commission are on the rest).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table sites add column guarantee_months integer check (guarantee_months in (3, 6, 12, 24, 36))`.execute(db);
  await db.schema
    .createTable('publisher_reliability')
    .addColumn('publisher_id', 'uuid', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('links_placed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('links_lost', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('avg_lifetime_days', 'real')
    .addColumn('acceptance_rate', 'real')
    .addColumn('median_days_to_placement', 'real')
    .addColumn('refreshed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await sql`alter table orders add column guarantee_months integer`.execute(db);
  await sql`alter table orders add column guarantee_ends_at timestamptz`.execute(db);
  await sql`alter table orders add column lost_at timestamptz`.execute(db);
  await sql`alter table orders add column refunded_cents bigint not null default 0 check (refunded_cents >= 0)`.execute(db);

  await db.schema
    .createTable('link_checks')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('verification', 'monitoring')`))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('rule', 'text')
    .addColumn('http_status', 'integer')
    .addColumn('final_url', 'text')
    .addColumn('content_hash', 'text')
    .addColumn('messages', 'jsonb', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .execute();
  await sql`create index link_checks_order_idx on link_checks (order_id, at desc, id desc)`.execute(db);

  await db.schema
    .createTable('link_monitors')
    .addColumn('order_id', 'uuid', (c) => c.primaryKey().references('orders.id'))
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('next_check_at', 'timestamptz', (c) => c.notNull())
    .addColumn('guarantee_ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz')
    .addColumn('down_since', 'timestamptz')
    .addColumn('last_outcome', 'text')
    .addColumn('last_checked_at', 'timestamptz')
    .addColumn('dismissed_rule', 'text')
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await sql`create index link_monitors_due_idx on link_monitors (next_check_at) where ended_at is null`.execute(db);
  await db.schema
    .createTable('monitor_hosts')
    .addColumn('host', 'text', (c) => c.primaryKey())
    .addColumn('available_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('claims')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
    .addColumn('client_id', 'uuid', (c) => c.notNull())
    .addColumn('publisher_id', 'uuid', (c) => c.notNull())
    .addColumn('agency_id', 'uuid')
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('open').check(sql`status in ('open', 'reinstated', 'refunded', 'dismissed')`),
    )
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('rule', 'text')
    .addColumn('messages', 'jsonb', (c) => c.notNull())
    .addColumn('check_id', 'bigint', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('reinstate_by', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by', 'uuid')
    .addColumn('settle_reason', 'text')
    .addColumn('refunded_cents', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`refunded_cents >= 0`))
    .addColumn('debt_cents', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`debt_cents >= 0`))
    .execute();
  await sql`create unique index claims_one_open on claims (order_id) where status = 'open'`.execute(db);
  await sql`create index claims_order_idx on claims (order_id, opened_at desc)`.execute(db);
  await sql`create index claims_client_idx on claims (client_id, opened_at desc, id desc)`.execute(db);
  await sql`create index claims_publisher_idx on claims (publisher_id, opened_at desc, id desc)`.execute(db);
  await sql`create index claims_due_idx on claims (reinstate_by) where status = 'open'`.execute(db);

  await db.schema
    .createTable('publisher_debts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn('repaid_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('repaid_at', 'timestamptz')
    .addCheckConstraint('publisher_debts_repaid', sql`repaid_cents between 0 and amount_cents`)
    .execute();
  await sql`create index publisher_debts_open_idx on publisher_debts (account_id, created_at) where repaid_cents < amount_cents`.execute(db);
  // The platform fronts a refund the publisher's wallet cannot pay: this system wallet goes negative
  // by what publishers owe, and comes back as their earnings repay it.
  const debts = '00000000-0000-4000-8000-000000000004';
  await sql`insert into accounts (id, role, name, search_text) values (${debts}, 'system', 'Maillon — créances éditeurs', 'maillon — créances éditeurs')`.execute(db);
  // Its (system) wallet is opened by the trigger of migration 0010.
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('publisher_debts').execute();
  await db.schema.dropTable('claims').execute();
  await db.schema.dropTable('monitor_hosts').execute();
  await db.schema.dropTable('link_monitors').execute();
  await db.schema.dropTable('link_checks').execute();
  await sql`alter table orders drop column refunded_cents, drop column lost_at, drop column guarantee_ends_at, drop column guarantee_months`.execute(db);
  await db.schema.dropTable('publisher_reliability').execute();
  await sql`alter table sites drop column guarantee_months`.execute(db);
}
