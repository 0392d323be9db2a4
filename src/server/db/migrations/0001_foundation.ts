import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('agency','manager','consultant','client','publisher','support')`),
    )
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 200`))
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.unique())
    .addColumn('password_hash', 'text')
    .addColumn('parent_id', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('agency_id', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('agency_mode', 'text', (c) => c.check(sql`agency_mode in ('simple','intermediate','complete')`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('company', 'jsonb')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('fr').check(sql`language in ('fr','en')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_sign_in_at', 'timestamptz')
    .addColumn('deactivated_at', 'timestamptz')
    .addCheckConstraint('accounts_agency_has_mode', sql`(role = 'agency') = (agency_mode is not null)`)
    .addCheckConstraint('accounts_email_lowercase', sql`email = lower(email)`)
    .execute();
  await db.schema.createIndex('accounts_parent_idx').on('accounts').column('parent_id').execute();
  await db.schema.createIndex('accounts_agency_idx').on('accounts').columns(['agency_id', 'role']).execute();

  // The closure table: one row per (ancestor, descendant) pair, self included at depth 0.
  await db.schema
    .createTable('account_tree')
    .addColumn('ancestor_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('descendant_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('depth', 'integer', (c) => c.notNull().check(sql`depth >= 0`))
    .addColumn('agency_id', 'uuid')
    .addPrimaryKeyConstraint('account_tree_pk', ['ancestor_id', 'descendant_id'])
    .execute();
  await db.schema
    .createIndex('account_tree_descendant_idx')
    .on('account_tree')
    .columns(['descendant_id', 'ancestor_id'])
    .execute();

  await db.schema
    .createTable('wallets')
    .addColumn('account_id', 'uuid', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('agency_id', 'uuid')
    .addColumn('posted_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('pending_cents', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`pending_cents >= 0`))
    .addCheckConstraint('wallets_available_not_negative', sql`posted_cents - pending_cents >= 0`)
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('acting_account_id', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('acting_reason', 'text')
    .addColumn('acting_expires_at', 'timestamptz')
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_person_idx').on('sessions').column('person_id').execute();

  await db.schema
    .createTable('auth_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('invitation','password_reset')`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('agency_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('message', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending','approved','rejected')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('decision_note', 'text')
    .execute();
  await sql`create unique index agency_requests_one_pending on agency_requests (account_id) where status = 'pending'`.execute(
    db,
  );

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // No foreign keys here either: see the ledger migration; accounts are never deleted.
    .addColumn('person_id', 'uuid')
    .addColumn('account_id', 'uuid')
    .addColumn('agency_id', 'uuid')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('details', 'jsonb')
    .execute();
  await db.schema.createIndex('audit_log_account_idx').on('audit_log').columns(['account_id', 'id']).execute();
  await db.schema.createIndex('audit_log_agency_idx').on('audit_log').columns(['agency_id', 'id']).execute();

  await db.schema
    .createTable('outbox_emails')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'outbox_emails',
    'audit_log',
    'agency_requests',
    'login_failures',
    'auth_tokens',
    'sessions',
    'wallets',
    'account_tree',
    'accounts',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
