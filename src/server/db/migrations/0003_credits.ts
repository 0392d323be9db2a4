import { sql, type Kysely } from 'kysely';

/** The system accounts at the other side of movements; their ids are fixed (ledger/system.ts). */
const systemAccounts = [
  ['00000000-0000-4000-8000-000000000001', 'Maillon — paiements reçus'],
  ['00000000-0000-4000-8000-000000000002', 'Maillon — commandes réglées'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // System accounts hold the other side of every movement (money received, orders in flight, ...).
  await sql`alter table accounts drop constraint accounts_role_check`.execute(db);
  await sql`alter table accounts add constraint accounts_role_check
    check (role in ('agency','manager','consultant','client','publisher','support','system'))`.execute(db);

  await db.schema
    .alterTable('wallets')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('user').check(sql`kind in ('user','system')`))
    .execute();
  await sql`alter table wallets drop constraint wallets_available_not_negative`.execute(db);
  await sql`alter table wallets add constraint wallets_available_not_negative
    check (kind = 'system' or posted_cents - pending_cents >= 0)`.execute(db);

  for (const [id, name] of systemAccounts) {
    await sql`insert into accounts (id, role, name, search_text) values (${id}, 'system', ${name}, ${name.toLowerCase()})`.execute(db);
    await sql`insert into account_tree (ancestor_id, descendant_id, depth) values (${id}, ${id}, 0)`.execute(db);
    await sql`insert into wallets (account_id, kind) values (${id}, 'system')`.execute(db);
  }

  await db.schema
    .createTable('ledger_holds')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('agency_id', 'uuid')
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn('captured_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('held').check(sql`status in ('held','captured','released')`))
    .addColumn('reference', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('settled_at', 'timestamptz')
    .addColumn('person_id', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('acting_account_id', 'uuid', (c) => c.references('accounts.id'))
    .addCheckConstraint('ledger_holds_capture_bounded', sql`captured_cents >= 0 and captured_cents <= amount_cents`)
    .execute();
  await db.schema.createIndex('ledger_holds_account_idx').on('ledger_holds').columns(['account_id', 'status']).execute();

  await db.schema.alterTable('ledger_entries').addColumn('hold_id', 'uuid', (c) => c.references('ledger_holds.id')).execute();
  await db.schema.alterTable('ledger_transfers').addColumn('hold_id', 'uuid', (c) => c.references('ledger_holds.id')).execute();
  await db.schema.alterTable('ledger_transfers').addColumn('idempotency_key', 'text').execute();
  await db.schema
    .createIndex('ledger_entries_account_kind_idx')
    .on('ledger_entries')
    .columns(['account_id', 'kind', 'id'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['person_id', 'key'])
    .execute();

  await db.schema
    .createTable('invoice_sequences')
    .addColumn('series', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('invoice_sequences_pk', ['series', 'year'])
    .execute();

  await db.schema
    .createTable('top_ups')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('agency_id', 'uuid')
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn('vat_rate_bp', 'integer', (c) => c.notNull())
    .addColumn('vat_cents', 'bigint', (c) => c.notNull())
    .addColumn('total_cents', 'bigint', (c) => c.notNull())
    .addColumn('vat_regime', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('bank_transfer')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('awaiting_payment').check(sql`status in ('awaiting_payment','paid','cancelled','refunded')`),
    )
    .addColumn('payment_reference', 'text', (c) => c.notNull().unique())
    .addColumn('buyer', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('paid_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('requested_by', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('requested_as', 'uuid', (c) => c.references('accounts.id'))
    .execute();
  await db.schema.createIndex('top_ups_account_idx').on('top_ups').columns(['account_id', 'created_at']).execute();
  await db.schema.createIndex('top_ups_status_idx').on('top_ups').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('invoices')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('invoice','credit_note')`))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('agency_id', 'uuid')
    .addColumn('top_up_id', 'uuid', (c) => c.references('top_ups.id'))
    .addColumn('credited_invoice_id', 'uuid', (c) => c.references('invoices.id'))
    .addColumn('seller', 'jsonb', (c) => c.notNull())
    .addColumn('buyer', 'jsonb', (c) => c.notNull())
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('vat_regime', 'text', (c) => c.notNull())
    .addColumn('vat_rate_bp', 'integer', (c) => c.notNull())
    .addColumn('subtotal_cents', 'bigint', (c) => c.notNull())
    .addColumn('vat_cents', 'bigint', (c) => c.notNull())
    .addColumn('total_cents', 'bigint', (c) => c.notNull())
    .addColumn('payment_terms', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invoices_account_idx').on('invoices').columns(['account_id', 'issued_at']).execute();
  await sql`create unique index invoices_series_number on invoices (kind, year, sequence)`.execute(db);
  await sql`
    create function invoices_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'invoices are immutable once issued (% refused)', tg_op;
    end $$`.execute(db);
  await sql`create trigger invoices_no_change before update or delete on invoices
    for each row execute function invoices_immutable()`.execute(db);
  await sql`create trigger invoices_no_truncate before truncate on invoices
    for each statement execute function invoices_immutable()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['invoices', 'top_ups', 'invoice_sequences', 'idempotency_keys']) await db.schema.dropTable(t).execute();
  await sql`drop function invoices_immutable`.execute(db);
  await db.schema.alterTable('ledger_transfers').dropColumn('hold_id').dropColumn('idempotency_key').execute();
  await db.schema.alterTable('ledger_entries').dropColumn('hold_id').execute();
  await db.schema.dropTable('ledger_holds').execute();
}
