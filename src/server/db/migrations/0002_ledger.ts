import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ledger_transfers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('to_account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn('agency_id', 'uuid')
    .addColumn('person_id', 'uuid')
    .addColumn('acting_account_id', 'uuid')
    .addColumn('memo', 'text')
    .execute();

  // Attribution columns (person, acted account, counterparty) carry no foreign key: accounts are
  // never deleted, and each key check would take a share lock on the agency's row, which every
  // concurrent transfer of that agency would then contend for (bench/ledger.ts).
  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('transfer_id', 'uuid', (c) => c.notNull().references('ledger_transfers.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('agency_id', 'uuid')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents <> 0`))
    .addColumn('balance_after_cents', 'bigint', (c) => c.notNull())
    .addColumn('counterparty_account_id', 'uuid')
    .addColumn('person_id', 'uuid')
    .addColumn('acting_account_id', 'uuid')
    .addColumn('memo', 'text')
    .execute();
  await db.schema.createIndex('ledger_entries_account_idx').on('ledger_entries').columns(['account_id', 'id']).execute();

  // Append-only: entries are never updated or deleted; a mistake is fixed by a correcting transfer.
  await sql`
    create function ledger_entries_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'ledger entries are append-only (% refused)', tg_op;
    end $$`.execute(db);
  await sql`create trigger ledger_entries_no_change before update or delete on ledger_entries
    for each row execute function ledger_entries_append_only()`.execute(db);
  await sql`create trigger ledger_entries_no_truncate before truncate on ledger_entries
    for each statement execute function ledger_entries_append_only()`.execute(db);
  await sql`create trigger ledger_transfers_no_change before update or delete on ledger_transfers
    for each row execute function ledger_entries_append_only()`.execute(db);
  await sql`create trigger ledger_transfers_no_truncate before truncate on ledger_transfers
    for each statement execute function ledger_entries_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ledger_entries').execute();
  await db.schema.dropTable('ledger_transfers').execute();
  await sql`drop function ledger_entries_append_only`.execute(db);
}
