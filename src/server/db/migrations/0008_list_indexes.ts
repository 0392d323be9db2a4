import { sql, type Kysely } from 'kysely';

/**
 * Indexes that lists, lookups and the audit trail were missing (issue 7, item 13):
 * - `campaigns.client_id`: a client's campaigns (the campaigns list filtered on a client, the
 *   clients overview's campaign count) read every campaign of the table without it;
 * - `invoices.top_up_id`: the top-ups list joins each top-up to its invoice, and cancelling a
 *   paid top-up looks its invoice up;
 * - `auth_tokens.account_id`: a new invitation or reset revokes the account's live tokens;
 * - `audit_log (target account, id) where target_type = 'account'`: the trail of a subtree also
 *   lists what was done *to* its accounts (by support, say); that half of the query had no index
 *   and read the whole trail (audit/service.ts listAuditForSubtree uses the same expression: the
 *   target as a uuid when it is an account's id, null otherwise, so no cast can fail).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('campaigns_client_idx').on('campaigns').columns(['client_id', 'created_at']).execute();
  await db.schema.createIndex('invoices_top_up_idx').on('invoices').column('top_up_id').execute();
  await db.schema.createIndex('auth_tokens_account_idx').on('auth_tokens').column('account_id').execute();
  await sql`
    create index audit_log_target_account_idx on audit_log (
      (case when target_type = 'account' and target_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then target_id::uuid end),
      id)
    where target_type = 'account'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_target_account_idx').execute();
  await db.schema.dropIndex('auth_tokens_account_idx').execute();
  await db.schema.dropIndex('invoices_top_up_idx').execute();
  await db.schema.dropIndex('campaigns_client_idx').execute();
}
