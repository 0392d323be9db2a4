import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataVersion, foldChanges, MARKETPLACE_TENANT } from '../modules/freshness/service.js';
import { fundWallet, makeAgency, makeOffer, startTestEnv, type TestEnv } from '../testing/harness.js';
import { TENANT_TABLES as COUNTED_BY_0025 } from './migrations/0025_data_versions.js';
import { NO_LONGER_COUNTED } from './migrations/0027_allocation_in_one_statement.js';

/** The tables whose changes are counted now. */
const TENANT_TABLES = Object.fromEntries(
  Object.entries(COUNTED_BY_0025).filter(([table]) => !(NO_LONGER_COUNTED as readonly string[]).includes(table)),
);

/**
 * The data versions (migration 0025) the read cache trusts: every table of tenant data counts its
 * changes, a committed transaction counts once per tenant it touched, an aborted one not at all,
 * and folding changes no version.
 */

/** The tables no kept read shows, each with why. A new table must be counted or named here. */
const NOT_COUNTED: Record<string, string> = {
  sessions: 'a session is re-read on every request, never kept',
  login_failures: 'sign-in limits',
  idempotency_keys: 'the answers of writes, never kept',
  jobs: 'the queue',
  outbox_emails: 'e-mails, read by support only',
  monitor_hosts: 'the checker of links politeness per host',
  payout_batches: 'support and publishers only; withdrawals are counted',
  invoice_sequences: 'numbering; the invoices are counted',
  order_spend_months: 'written with the orders, in their transaction',
  order_spend_days: 'written with the orders, in their transaction',
  order_placed_months: 'written with the orders, in their transaction',
  order_client_statuses: 'written with the orders, in their transaction',
  order_live_counts: 'written with the orders, in their transaction',
  notifications: 'the bell and the notifications page, never kept (migration 0027)',
  unsubscribe_tokens: 'the one-click unsubscribe, never kept (migration 0027)',
  data_changes: 'the counting itself',
  data_versions: 'the counting itself',
  kysely_migration: 'migrations',
  kysely_migration_lock: 'migrations',
};

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => {
  await env?.close();
});

const version = (tenant: string) => dataVersion(env.database.db, tenant);

describe('data versions', () => {
  it('count the changes of every table, or say why a table is left out', async () => {
    const { rows: tables } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`.execute(env.database.db);
    const { rows: triggers } = await sql<{ name: string }>`
      select t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
      where c.relnamespace = current_schema()::regnamespace and not t.tgisinternal`.execute(env.database.db);
    const present = new Set(triggers.map((t) => t.name));
    for (const { name } of tables) {
      if (name in NOT_COUNTED) {
        expect(name in TENANT_TABLES, `${name} is both counted and left out`).toBe(false);
        for (const op of ['insert', 'update', 'delete']) expect(present.has(`note_${name}_${op}`), `note_${name}_${op} is left`).toBe(false);
        continue;
      }
      expect(name in TENANT_TABLES, `table ${name}: count its changes (TENANT_TABLES) or say why not (NOT_COUNTED)`).toBe(true);
      for (const op of ['insert', 'update', 'delete']) expect(present.has(`note_${name}_${op}`), `note_${name}_${op}`).toBe(true);
    }
    const names = new Set(tables.map((t) => t.name));
    for (const name of [...Object.keys(TENANT_TABLES), ...Object.keys(NOT_COUNTED)]) expect(names.has(name), `${name} is no table`).toBe(true);
  });

  it('grow by one per committed transaction of a tenant, by none for an aborted one, and stay when folded', async () => {
    const fx = await makeAgency(env, 'complete', [['Boulangerie', 'client', 'agency']]);
    const other = await makeAgency(env, 'simple');
    const start = await version(fx.agencyId);
    const otherStart = await version(other.agencyId);
    await env.database.db.transaction().execute(async (tx) => {
      await sql`update accounts set name = 'Boulangerie 1' where id = ${fx.ids.Boulangerie}`.execute(tx);
      await sql`update accounts set name = 'Boulangerie 2' where id = ${fx.ids.Boulangerie}`.execute(tx);
      await sql`update accounts set name = 'Agence 2' where id = ${fx.agencyId}`.execute(tx);
    });
    expect(await version(fx.agencyId)).toBe(start + 1);
    await expect(
      env.database.db.transaction().execute(async (tx) => {
        await sql`update accounts set name = 'jamais' where id = ${fx.ids.Boulangerie}`.execute(tx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await version(fx.agencyId)).toBe(start + 1);
    expect(await version(other.agencyId)).toBe(otherStart);
    await foldChanges(env.database.db);
    expect(await version(fx.agencyId)).toBe(start + 1);
    // moving an account out of a tenant changes the tenant it leaves and the one it joins
    await sql`update accounts set agency_id = ${other.agencyId} where id = ${fx.ids.Boulangerie}`.execute(env.database.db);
    expect(await version(fx.agencyId)).toBe(start + 2);
    expect(await version(other.agencyId)).toBe(otherStart + 1);
    await sql`update accounts set agency_id = ${fx.agencyId} where id = ${fx.ids.Boulangerie}`.execute(env.database.db);
  });

  it('count an order for the buyer and the publisher, and a site for the marketplace', async () => {
    const fx = await makeAgency(env, 'complete', [['Boulangerie', 'client', 'agency']]);
    await fundWallet(env, fx.agency, fx.agencyId, 500_00);
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: 400_00 });
    const project = (await fx.agency.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'Site', url: 'https://boulangerie-test.fr/' })).body;
    const marketplace = await version(MARKETPLACE_TENANT);
    const offer = await makeOffer(env);
    expect(await version(MARKETPLACE_TENANT)).toBeGreaterThan(marketplace);
    const [buyer, seller] = [await version(fx.agencyId), await version(offer.publisherId)];
    const placed = await fx.agency.post('/api/orders', { projectId: project.id, offerId: offer.offerId, targetUrl: 'https://boulangerie-test.fr/pain', anchor: 'pain' });
    expect(placed.status).toBe(201);
    expect(await version(fx.agencyId)).toBeGreaterThan(buyer);
    expect(await version(offer.publisherId)).toBeGreaterThan(seller);
    const [buyer2, seller2] = [await version(fx.agencyId), await version(offer.publisherId)];
    expect((await offer.publisher.post(`/api/publisher/orders/${placed.body.id}/accept`)).status).toBe(200);
    expect(await version(fx.agencyId)).toBeGreaterThan(buyer2);
    expect(await version(offer.publisherId)).toBeGreaterThan(seller2);
  });
});
