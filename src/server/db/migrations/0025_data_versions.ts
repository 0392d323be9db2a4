import { sql, type Kysely } from 'kysely';

/**
 * Data versions (issue 13): a number per tenant that grows with every committed transaction that
 * changed the tenant's data, read in the same query as the session, so that an app process may keep
 * a read's answer and give it again while the number has not moved (http/read-cache.ts), whichever
 * process made the change.
 *
 * A tenant is an agency (its whole tree: `coalesce(agency_id, id)` of an account is the agency's id)
 * or an account outside any agency (a client of the marketplace, a publisher). The catalog's tables
 * belong to one more tenant, the marketplace (MARKETPLACE_TENANT).
 *
 * Nothing is counted with a lock: a statement trigger on every table of tenant data inserts one row
 * per tenant it touched into `data_changes`, keyed by (tenant, transaction), so one transaction adds
 * one row per tenant whatever it writes, and two transactions never wait for each other. A tenant's
 * version is `data_versions.folded` plus its count of `data_changes` rows: a committed transaction
 * adds one, an aborted one none. `fold_data_changes()` (run by the background sweeps) moves the
 * committed rows into `folded` in one statement, which leaves every version as it was.
 */
export const MARKETPLACE_TENANT = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** SQL: the tenant of the account whose id is `ref` (a row alias `r` is in scope). */
const tenantOf = (ref: string) => `(select coalesce(a.agency_id, a.id) from accounts a where a.id = ${ref})`;
const orderTenant = `(select coalesce(o.agency_id, o.client_id) from orders o where o.id = r.order_id)`;
const MARKETPLACE = `'${MARKETPLACE_TENANT}'::uuid`;

/**
 * Each table of tenant data with the tenants a row of it belongs to (SQL over the row `r`; null is
 * no tenant). A publisher's account also belongs to the marketplace: buyers' reads show its name.
 * The tables not listed hold no data a kept read shows (db/data-versions.test.ts keeps the list
 * whole): sessions, tokens of sign-in limits and idempotency, jobs, outbox, monitor hosts, payout
 * batches, invoice numbering, and the order figures, which the orders trigger writes in the
 * transaction that changed the orders (that transaction is counted through `orders`).
 */
export const TENANT_TABLES: Record<string, string[]> = {
  accounts: ['coalesce(r.agency_id, r.id)', `case when r.role = 'publisher' then ${MARKETPLACE} end`],
  account_tree: ['coalesce(r.agency_id, r.descendant_id)'],
  agency_requests: [tenantOf('r.account_id')],
  suspensions: ['r.agency_id', tenantOf('r.account_id')],
  suspension_moves: ['r.agency_id', tenantOf('r.account_id')],
  auth_tokens: [tenantOf('r.account_id')],
  notification_preferences: [tenantOf('r.person_id')],
  notifications: [`coalesce(r.agency_id, ${tenantOf('r.person_id')})`],
  audit_log: ['coalesce(r.agency_id, r.account_id)'],
  wallets: ['coalesce(r.agency_id, r.account_id)'],
  ledger_entries: ['coalesce(r.agency_id, r.account_id)'],
  ledger_holds: ['coalesce(r.agency_id, r.account_id)'],
  ledger_transfers: [tenantOf('r.from_account_id'), tenantOf('r.to_account_id')],
  publisher_debts: [tenantOf('r.account_id')],
  top_ups: ['coalesce(r.agency_id, r.account_id)'],
  invoices: ['coalesce(r.agency_id, r.account_id)'],
  projects: ['coalesce(r.agency_id, r.client_id)'],
  campaigns: ['coalesce(r.agency_id, r.client_id)'],
  orders: ['coalesce(r.agency_id, r.client_id)', 'r.publisher_id'],
  order_events: [orderTenant],
  claims: ['coalesce(r.agency_id, r.client_id)', 'r.publisher_id'],
  link_checks: [orderTenant],
  link_monitors: [orderTenant],
  catalog_favourites: [tenantOf('r.account_id')],
  report_brandings: ['coalesce(r.agency_id, r.account_id)'],
  report_shares: ['coalesce(r.agency_id, r.client_id)'],
  report_subscriptions: ['coalesce(r.agency_id, r.client_id)'],
  publisher_profiles: [tenantOf('r.account_id')],
  publisher_documents: [tenantOf('r.account_id')],
  self_billing_mandates: [tenantOf('r.account_id')],
  self_billed_invoices: [tenantOf('r.account_id')],
  self_billed_sequences: [tenantOf('r.account_id')],
  withdrawals: [tenantOf('r.account_id')],
  buyer_links: ['r.publisher_id', tenantOf('r.buyer_id')],
  unsubscribe_tokens: [tenantOf('r.person_id')],
  sites: [MARKETPLACE, 'r.publisher_id'],
  articles: [MARKETPLACE],
  article_keywords: [MARKETPLACE],
  keyword_imports: [MARKETPLACE, 'r.publisher_id'],
  price_grid: [MARKETPLACE],
  price_settings: [MARKETPLACE],
  publisher_reliability: [MARKETPLACE, 'r.publisher_id'],
};

const EVENTS = [
  { op: 'insert', referencing: 'new table as new_rows', sides: ['new_rows'] },
  { op: 'update', referencing: 'old table as old_rows new table as new_rows', sides: ['old_rows', 'new_rows'] },
  { op: 'delete', referencing: 'old table as old_rows', sides: ['old_rows'] },
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table data_changes (
      tenant_id uuid not null,
      xact xid8 not null default pg_current_xact_id(),
      primary key (tenant_id, xact)
    )`.execute(db);
  // Folding deletes what it counted: vacuumed soon, or a version's count walks the dead rows.
  await sql`alter table data_changes set (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0)`.execute(db);
  await sql`create table data_versions (tenant_id uuid primary key, folded int8 not null)`.execute(db);
  await sql`
    create function data_version(p_tenant uuid) returns int8 language plpgsql stable as $$
    begin
      return coalesce((select v.folded from data_versions v where v.tenant_id = p_tenant), 0)
        + (select count(*) from data_changes c where c.tenant_id = p_tenant);
    end $$`.execute(db);
  // Only committed rows are seen, hence moved; two folds at once take the versions' rows in one order.
  await sql`
    create function fold_data_changes() returns int8 language sql as $$
      with moved as (delete from data_changes returning tenant_id),
      counted as (
        insert into data_versions (tenant_id, folded)
        select tenant_id, count(*) from moved group by tenant_id order by tenant_id
        on conflict (tenant_id) do update set folded = data_versions.folded + excluded.folded
        returning folded)
      select count(*) from moved
    $$`.execute(db);
  for (const [table, tenants] of Object.entries(TENANT_TABLES)) await createCountingTriggers(db, table, tenants);
}

/** The three statement triggers that count the changes of `table` for its tenants (also 0027's down). */
export async function createCountingTriggers(db: Kysely<any>, table: string, tenants: readonly string[]): Promise<void> {
  for (const event of EVENTS) {
    const rows = event.sides.flatMap((side) => tenants.map((t) => `select ${t} as tenant_id from ${side} r`)).join(' union ');
    const fn = `note_${table}_${event.op}`;
    await sql
      .raw(
        `create function ${fn}() returns trigger language plpgsql as $$
          begin
            insert into data_changes (tenant_id)
            select distinct tenant_id from (${rows}) c where tenant_id is not null
            on conflict do nothing;
            return null;
          end $$`,
      )
      .execute(db);
    await sql
      .raw(`create trigger ${fn} after ${event.op} on ${table} referencing ${event.referencing} for each statement execute function ${fn}()`)
      .execute(db);
  }
}

/** Drops what `createCountingTriggers` made. */
export async function dropCountingTriggers(db: Kysely<any>, table: string): Promise<void> {
  for (const event of EVENTS) {
    await sql.raw(`drop trigger note_${table}_${event.op} on ${table}`).execute(db);
    await sql.raw(`drop function note_${table}_${event.op}()`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of Object.keys(TENANT_TABLES)) await dropCountingTriggers(db, table);
  await sql`drop function fold_data_changes()`.execute(db);
  await sql`drop function data_version(uuid)`.execute(db);
  await sql`drop table data_versions`.execute(db);
  await sql`drop table data_changes`.execute(db);
}
