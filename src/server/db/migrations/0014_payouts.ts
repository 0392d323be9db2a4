import { sql, type Kysely } from 'kysely';

/**
 * Publisher payouts (issue 11). Owner of every table here: payouts.
 * - `publisher_profiles`: who the publisher is for payouts and DAC7 (individual or business, its
 *   identity, SIRET, VAT regime, tax number, IBAN/BIC), one row per publisher account.
 * - `publisher_documents`: its proofs (URSSAF attestation de vigilance, Kbis, INSEE notice), the
 *   file itself (≤ 5 MB, checked by content), support's review and how long an accepted one is valid.
 * - `self_billing_mandates`: the self-billing mandate, accepted once (version, time, person, address)
 *   and revocable; a new acceptance after a revocation is a new row.
 * - `withdrawals`: one request per payout; its amount is held on the publisher's wallet (a
 *   `ledger_holds` row owned by the ledger) until support pays it (the hold goes to the bank) or
 *   refuses it (the hold is released). One open request per publisher (a partial unique index).
 * - `payout_batches`: the requests support approved together, exported as one SEPA file (its total is
 *   what the bank pays: the earnings plus the VAT of VAT-registered publishers).
 * - `self_billed_invoices`, `self_billed_sequences`: one immutable self-billed invoice per paid
 *   withdrawal, numbered without gaps per publisher.
 * - `buyer_links`: the buyer account an individual publisher proved it owns, where its earnings
 *   turn into credits.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('publisher_profiles')
    .addColumn('account_id', 'uuid', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('individual', 'business')`))
    .addColumn('legal_name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('postal_code', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('birth_date', 'date')
    .addColumn('siret', 'text')
    .addColumn('vat_regime', 'text', (c) => c.check(sql`vat_regime in ('franchise', 'fr_vat', 'eu_reverse_charge')`))
    .addColumn('vat_number', 'text')
    .addColumn('tax_number', 'text')
    .addColumn('iban', 'text')
    .addColumn('bic', 'text')
    .addColumn('account_holder', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid')
    .execute();

  await db.schema
    .createTable('publisher_documents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('urssaf_vigilance', 'kbis', 'insee')`))
    .addColumn('issued_on', 'date', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull().check(sql`media_type in ('application/pdf', 'image/png', 'image/jpeg')`))
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'accepted', 'refused', 'replaced')`))
    .addColumn('refusal_reason', 'text')
    .addColumn('valid_until', 'date')
    .addColumn('reviewed_by', 'uuid')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('reminded_at', 'timestamptz')
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('uploaded_by', 'uuid')
    .execute();
  await sql`create index publisher_documents_account_idx on publisher_documents (account_id, uploaded_at desc, id desc)`.execute(db);
  await sql`create index publisher_documents_review_idx on publisher_documents (status, uploaded_at, id)`.execute(db);

  await db.schema
    .createTable('self_billing_mandates')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('accepted_by', 'uuid', (c) => c.notNull())
    .addColumn('accepted_from', 'text')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'uuid')
    .execute();
  await sql`create unique index self_billing_mandates_active_idx on self_billing_mandates (account_id) where revoked_at is null`.execute(db);

  await db.schema
    .createTable('payout_batches')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('approved').check(sql`status in ('approved', 'paid')`))
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('total_cents', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'uuid', (c) => c.notNull())
    .addColumn('exported_at', 'timestamptz')
    .addColumn('paid_at', 'timestamptz')
    .addColumn('paid_by', 'uuid')
    .execute();

  await db.schema
    .createTable('withdrawals')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('requested').check(sql`status in ('requested', 'approved', 'paid', 'refused', 'cancelled')`))
    .addColumn('hold_id', 'uuid', (c) => c.notNull())
    .addColumn('iban', 'text', (c) => c.notNull())
    .addColumn('bic', 'text', (c) => c.notNull())
    .addColumn('account_holder', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'uuid', (c) => c.references('payout_batches.id'))
    // Set when support approves it: the VAT a VAT-registered publisher invoices on top of its earnings (paid by the bank, not moved by the ledger).
    .addColumn('vat_regime', 'text')
    .addColumn('vat_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('refusal_reason', 'text')
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('requested_by', 'uuid', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'uuid')
    .addColumn('paid_at', 'timestamptz')
    .execute();
  await sql`create unique index withdrawals_one_open_idx on withdrawals (account_id) where status in ('requested', 'approved')`.execute(db);
  await sql`create index withdrawals_account_idx on withdrawals (account_id, requested_at desc, id desc)`.execute(db);
  await sql`create index withdrawals_status_idx on withdrawals (status, requested_at, id)`.execute(db);
  await sql`create index withdrawals_batch_idx on withdrawals (batch_id)`.execute(db);

  await db.schema
    .createTable('self_billed_sequences')
    .addColumn('account_id', 'uuid', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('self_billed_invoices')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('withdrawal_id', 'uuid', (c) => c.notNull().unique().references('withdrawals.id'))
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('contest_until', 'timestamptz', (c) => c.notNull())
    .addColumn('mandate_id', 'uuid', (c) => c.notNull().references('self_billing_mandates.id'))
    .addColumn('seller', 'jsonb', (c) => c.notNull())
    .addColumn('buyer', 'jsonb', (c) => c.notNull())
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('vat_regime', 'text', (c) => c.notNull())
    .addColumn('vat_rate_bp', 'integer', (c) => c.notNull())
    .addColumn('subtotal_cents', 'bigint', (c) => c.notNull())
    .addColumn('vat_cents', 'bigint', (c) => c.notNull())
    .addColumn('total_cents', 'bigint', (c) => c.notNull())
    .addColumn('vat_mention', 'text', (c) => c.notNull())
    .addUniqueConstraint('self_billed_invoices_number_unique', ['account_id', 'sequence'])
    .execute();
  await sql`create index self_billed_invoices_account_idx on self_billed_invoices (account_id, sequence desc)`.execute(db);
  await sql`create function self_billed_invoices_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'self-billed invoices are immutable once issued (% refused)', tg_op;
    end $$`.execute(db);
  await sql`create trigger self_billed_invoices_no_change before update or delete on self_billed_invoices
    for each row execute function self_billed_invoices_immutable()`.execute(db);

  await db.schema
    .createTable('buyer_links')
    .addColumn('publisher_id', 'uuid', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('buyer_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('linked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('linked_by', 'uuid', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['buyer_links', 'self_billed_invoices', 'self_billed_sequences', 'withdrawals', 'payout_batches', 'self_billing_mandates', 'publisher_documents', 'publisher_profiles']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`drop function if exists self_billed_invoices_immutable()`.execute(db);
}
