import { sql, type Kysely } from 'kysely';

/**
 * Closed accounts come back (issue 8).
 * - `accounts` says why an account is closed (`closed_reason`: deactivated by someone, or suspended
 *   by a mode switch) and by whom (`closed_by`, a person); `deactivated_at` stays the time.
 * - `suspensions` (owned by agency) remembers what a mode switch changed, so that switching back
 *   restores it: one row per suspended collaborator with the parent it had, and in
 *   `suspension_moves` every account the switch moved away from it and where to. A suspension is
 *   open until a later switch restores it or someone reactivates the account (`ended_at`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('closed_reason', 'text', (c) => c.check(sql`closed_reason in ('deactivated', 'suspended_by_mode')`))
    .addColumn('closed_by', 'uuid', (c) => c.references('accounts.id'))
    .execute();
  await sql`update accounts set closed_reason = 'deactivated', deactivated_at = coalesce(deactivated_at, now()) where not active`.execute(db);

  await db.schema
    .createTable('suspensions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('seq', 'bigserial', (c) => c.notNull().unique())
    .addColumn('agency_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('switch_id', 'uuid', (c) => c.notNull())
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('former_parent_id', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('from_mode', 'text', (c) => c.notNull())
    .addColumn('to_mode', 'text', (c) => c.notNull())
    .addColumn('suspended_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('suspended_by', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('ended_at', 'timestamptz')
    .addColumn('end_reason', 'text', (c) => c.check(sql`end_reason in ('restored', 'reactivated')`))
    .execute();
  await sql`create index suspensions_open_idx on suspensions (agency_id, seq) where ended_at is null`.execute(db);
  await sql`create index suspensions_account_idx on suspensions (account_id) where ended_at is null`.execute(db);

  await db.schema
    .createTable('suspension_moves')
    .addColumn('suspension_id', 'uuid', (c) => c.notNull().references('suspensions.id'))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('agency_id', 'uuid', (c) => c.notNull())
    .addColumn('to_parent_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addPrimaryKeyConstraint('suspension_moves_pk', ['suspension_id', 'account_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('suspension_moves').execute();
  await db.schema.dropTable('suspensions').execute();
  await db.schema.alterTable('accounts').dropColumn('closed_by').dropColumn('closed_reason').execute();
}
