import { sql, type Kysely } from 'kysely';

/**
 * Notifications (issue 9), owned by notifications unless said otherwise.
 * - `notifications`: what the app shows each person (the bell), one row per recipient, recorded in
 *   the transaction of the change that caused it; how it was e-mailed (`email`: immediate, digest
 *   or none) and, for a digest, when it went out (`digested_at`).
 * - `notification_preferences`: per person and category, immediate, digest or off for e-mail (no
 *   row: the default of the person's relation to the event).
 * - `unsubscribe_tokens`: the one-click unsubscribe of each e-mail (hashed, single use, no session).
 * - `outbox_emails` (notifications) gains an HTML body and headers (List-Unsubscribe).
 * - `wallets.low_balance_cents` (ledger): the threshold under which the account's people are told.
 * - `orders.reminded_at` (orders): when the publisher was reminded that an order expires soon.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('agency_id', 'uuid')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('object_type', 'text')
    .addColumn('object_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email in ('immediate', 'digest', 'none')`))
    .addColumn('digested_at', 'timestamptz')
    // Whom a digest goes to, as the event found the recipient (notifications reads no other feature's table).
    .addColumn('email_to', 'text')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('fr'))
    .addColumn('recipient_name', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`create index notifications_person_idx on notifications (person_id, created_at desc, id desc)`.execute(db);
  await sql`create index notifications_unread_idx on notifications (person_id) where read_at is null`.execute(db);
  await sql`create index notifications_digest_idx on notifications (person_id, created_at) where email = 'digest' and digested_at is null`.execute(db);

  await db.schema
    .createTable('notification_preferences')
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email in ('immediate', 'digest', 'off')`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('notification_preferences_pk', ['person_id', 'category'])
    .execute();

  await db.schema
    .createTable('unsubscribe_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('categories', sql`text[]`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('used_at', 'timestamptz')
    .execute();
  await sql`create index unsubscribe_tokens_created_idx on unsubscribe_tokens (created_at)`.execute(db);

  await db.schema.alterTable('outbox_emails').addColumn('html_body', 'text').addColumn('headers', 'jsonb').execute();
  await db.schema.alterTable('wallets').addColumn('low_balance_cents', 'bigint').execute();
  await db.schema.alterTable('orders').addColumn('reminded_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders').dropColumn('reminded_at').execute();
  await db.schema.alterTable('wallets').dropColumn('low_balance_cents').execute();
  await db.schema.alterTable('outbox_emails').dropColumn('headers').dropColumn('html_body').execute();
  await db.schema.dropTable('unsubscribe_tokens').execute();
  await db.schema.dropTable('notification_preferences').execute();
  await db.schema.dropTable('notifications').execute();
}
