import { sql, type Kysely } from 'kysely';

/**
 * E-mail delivery message by message (notifications/service.ts): each outbox row carries its own
 * state (`pending` → `sent`, or `dead` after the last attempt), how many attempts were made, when
 * the next one is due, the lease of the process sending it, and the last error, so one failing
 * recipient neither blocks nor resends the others and support sees what went wrong.
 * Also the indexes the housekeeping sweep deletes by (old idempotency keys, finished jobs, expired
 * sessions).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('outbox_emails')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending','sent','dead')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .execute();
  await sql`update outbox_emails set status = 'sent' where sent_at is not null`.execute(db);
  await sql`create index outbox_emails_due_idx on outbox_emails (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index outbox_emails_created_idx on outbox_emails (created_at)`.execute(db);

  await sql`create index idempotency_keys_created_idx on idempotency_keys (created_at)`.execute(db);
  await sql`create index jobs_done_idx on jobs (done_at) where done_at is not null`.execute(db);
  await sql`create index sessions_expires_idx on sessions (expires_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['sessions_expires_idx', 'jobs_done_idx', 'idempotency_keys_created_idx', 'outbox_emails_created_idx', 'outbox_emails_due_idx']) {
    await db.schema.dropIndex(index).execute();
  }
  await db.schema
    .alterTable('outbox_emails')
    .dropColumn('status')
    .dropColumn('attempts')
    .dropColumn('next_attempt_at')
    .dropColumn('locked_until')
    .dropColumn('last_attempt_at')
    .dropColumn('last_error')
    .execute();
}
