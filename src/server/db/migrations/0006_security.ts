import { sql, type Kysely } from 'kysely';

/**
 * Security hardening (issue 7):
 * - an e-mail carrying a live link (invitation, reset, e-mail confirmation) stores its redacted
 *   variant beside it, at enqueue time; once the message is delivered the live text is replaced by
 *   the redacted one, and support's view shows only the redacted one unless links may be shown;
 * - an e-mail change is a token of its own kind that carries the new address until it is followed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('outbox_emails')
    .addColumn('redacted_subject', 'text')
    .addColumn('redacted_text', 'text')
    .execute();

  await sql`alter table auth_tokens drop constraint auth_tokens_kind_check`.execute(db);
  await sql`alter table auth_tokens add constraint auth_tokens_kind_check
    check (kind in ('invitation','password_reset','email_change'))`.execute(db);
  await db.schema.alterTable('auth_tokens').addColumn('new_email', 'text').execute();
  await sql`alter table auth_tokens add constraint auth_tokens_new_email_check
    check ((kind = 'email_change') = (new_email is not null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from auth_tokens where kind = 'email_change'`.execute(db);
  await sql`alter table auth_tokens drop constraint auth_tokens_new_email_check`.execute(db);
  await db.schema.alterTable('auth_tokens').dropColumn('new_email').execute();
  await sql`alter table auth_tokens drop constraint auth_tokens_kind_check`.execute(db);
  await sql`alter table auth_tokens add constraint auth_tokens_kind_check
    check (kind in ('invitation','password_reset'))`.execute(db);
  await db.schema.alterTable('outbox_emails').dropColumn('redacted_text').dropColumn('redacted_subject').execute();
}
