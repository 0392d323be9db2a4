import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInParis } from '../../http/dates.js';
import {
  acceptInvitation,
  fundWallet,
  makeAgency,
  signUp,
  startTestEnv,
  totalOfAllWallets,
  uniqueEmail,
  type TestEnv,
} from '../../testing/harness.js';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

const wallet = async (client: { get: (u: string) => Promise<{ body: any }> }, id: string) =>
  (await client.get(`/api/accounts/${id}/wallet`)).body;

const team = async () => {
  const emails = { manon: uniqueEmail('manon'), claire: uniqueEmail('claire') };
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency', emails.manon],
    ['Claire', 'consultant', 'Manon', emails.claire],
    ['Client', 'client', 'Claire'],
    ['Hugo', 'manager', 'agency'],
  ]);
  await fundWallet(env, fx.agency, fx.agencyId, 1_000_00);
  return { fx, emails };
};

describe('allocations', () => {
  it('moves credits down the tree and back up, with balanced entries', async () => {
    const { fx } = await team();
    expect(await wallet(fx.agency, fx.agencyId)).toEqual({ postedCents: 1_000_00, pendingCents: 0, availableCents: 1_000_00 });
    const down = await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Manon, amountCents: 300_00, memo: 'Budget T1' });
    expect(down.status).toBe(201);
    expect(down.body).toMatchObject({ fromAccountId: fx.agencyId, toAccountId: fx.ids.Manon, amountCents: 300_00, memo: 'Budget T1' });
    await fx.agency.post('/api/transfers', { fromAccountId: fx.ids.Manon, toAccountId: fx.ids.Client, amountCents: 120_00 });
    const reclaim = await fx.agency.post('/api/transfers', { fromAccountId: fx.ids.Manon, toAccountId: fx.agencyId, amountCents: 80_00 });
    expect(reclaim.status).toBe(201);
    expect((await wallet(fx.agency, fx.agencyId)).availableCents).toBe(780_00);
    expect((await wallet(fx.agency, fx.ids.Manon)).availableCents).toBe(100_00);
    expect((await wallet(fx.agency, fx.ids.Client)).availableCents).toBe(120_00);

    const entries = await fx.agency.get(`/api/accounts/${fx.ids.Manon}/ledger`);
    expect(entries.body.items.map((e: any) => [e.kind, e.amountCents, e.balanceAfterCents])).toEqual([
      ['allocation', -80_00, 100_00],
      ['allocation', -120_00, 180_00],
      ['allocation', 300_00, 300_00],
    ]);
    expect(entries.body.items[2]).toMatchObject({ counterpartyAccountId: fx.agencyId, personId: fx.agencyId, actingAccountId: fx.agencyId, memo: 'Budget T1' });
    const list = await fx.agency.get('/api/accounts?limit=500');
    const manon = list.body.items.find((a: any) => a.id === fx.ids.Manon);
    expect(manon).toMatchObject({ balanceCents: 100_00, subtreeBalanceCents: 220_00 });
  });

  it('refuses more than the available credits with 409 and changes nothing', async () => {
    const { fx } = await team();
    const total = await totalOfAllWallets(env);
    const res = await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Manon, amountCents: 1_000_01 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('insufficient_funds');
    expect((await wallet(fx.agency, fx.agencyId)).availableCents).toBe(1_000_00);
    expect((await wallet(fx.agency, fx.ids.Manon)).availableCents).toBe(0);
    expect((await fx.agency.get(`/api/accounts/${fx.ids.Manon}/ledger`)).body.items).toEqual([]);
    expect(await totalOfAllWallets(env)).toBe(total);
  });

  it('answers 404 for a wallet outside the reach, on either side', async () => {
    const { fx, emails } = await team();
    const other = await makeAgency(env, 'simple', [['Autre', 'client', 'agency']]);
    expect((await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: other.ids.Autre, amountCents: 1_00 })).status).toBe(404);
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Manon, amountCents: 50_00 });
    const manon = await acceptInvitation(env, emails.manon);
    // Manon reaches her consultant and client, not Hugo (sideways) nor the agency (upward).
    expect((await manon.post('/api/transfers', { fromAccountId: fx.ids.Manon, toAccountId: fx.ids.Hugo, amountCents: 1_00 })).status).toBe(404);
    expect((await manon.post('/api/transfers', { fromAccountId: fx.ids.Manon, toAccountId: fx.agencyId, amountCents: 1_00 })).status).toBe(404);
    expect((await manon.post('/api/transfers', { fromAccountId: fx.ids.Manon, toAccountId: fx.ids.Claire, amountCents: 10_00 })).status).toBe(201);
    // sideways between two accounts below her
    expect((await manon.post('/api/transfers', { fromAccountId: fx.ids.Claire, toAccountId: fx.ids.Client, amountCents: 4_00 })).status).toBe(201);
    expect((await wallet(manon, fx.ids.Client)).availableCents).toBe(4_00);
    expect((await manon.get(`/api/accounts/${fx.agencyId}/ledger`)).status).toBe(404);
  });

  it('validates amounts, naming the field', async () => {
    const { fx } = await team();
    for (const amountCents of [0, -5, 1.5]) {
      const res = await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Manon, amountCents });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('amountCents');
    }
    const same = await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.agencyId, amountCents: 1_00 });
    expect(same.status).toBe(422);
  });

  it('records the person and the account acted for', async () => {
    const { fx } = await team();
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Claire, amountCents: 30_00 });
    await fx.agency.post('/api/act-as', { accountId: fx.ids.Claire });
    expect((await fx.agency.post('/api/transfers', { fromAccountId: fx.ids.Claire, toAccountId: fx.ids.Client, amountCents: 10_00 })).status).toBe(201);
    await fx.agency.post('/api/act-as/stop');
    const entries = await fx.agency.get(`/api/accounts/${fx.ids.Client}/ledger`);
    expect(entries.body.items[0]).toMatchObject({ personId: fx.agencyId, actingAccountId: fx.ids.Claire, amountCents: 10_00 });
  });
});

describe('idempotency keys', () => {
  it('replays the same key and body, refuses the same key with another body', async () => {
    const { fx } = await team();
    const body = { fromAccountId: fx.agencyId, toAccountId: fx.ids.Manon, amountCents: 25_00 };
    const key = { 'idempotency-key': 'alloc-test-0001' };
    const first = await fx.agency.post('/api/transfers', body, key);
    const replay = await fx.agency.post('/api/transfers', body, key);
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect((await wallet(fx.agency, fx.ids.Manon)).availableCents).toBe(25_00);
    const conflict = await fx.agency.post('/api/transfers', { ...body, amountCents: 26_00 }, key);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('idempotency_conflict');
    expect((await wallet(fx.agency, fx.ids.Manon)).availableCents).toBe(25_00);
  });

  it('stores nothing for a failed attempt, so the retry runs', async () => {
    const { fx } = await team();
    const key = { 'idempotency-key': 'alloc-test-retry' };
    const body = { fromAccountId: fx.ids.Manon, toAccountId: fx.ids.Claire, amountCents: 5_00 };
    expect((await fx.agency.post('/api/transfers', body, key)).status).toBe(409);
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Manon, amountCents: 5_00 });
    expect((await fx.agency.post('/api/transfers', body, key)).status).toBe(201);
  });

  it('runs concurrent duplicates once', async () => {
    const { fx } = await team();
    const body = { fromAccountId: fx.agencyId, toAccountId: fx.ids.Hugo, amountCents: 7_00 };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => fx.agency.post('/api/transfers', body, { 'idempotency-key': 'alloc-concurrent-1' })),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await wallet(fx.agency, fx.ids.Hugo)).availableCents).toBe(7_00);
  });
});

describe('the ledger itself', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of entries', async () => {
    await team();
    await expect(sql`update ledger_entries set amount_cents = 1`.execute(env.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from ledger_entries`.execute(env.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate ledger_entries cascade`.execute(env.database.db)).rejects.toThrow(/append-only/);
  });

  it('filters entries by kind and date, and exports CSV for a French Excel', async () => {
    const { fx } = await team();
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Manon, amountCents: 12_34, memo: 'Budget "Q1"; test' });
    const topUps = await fx.agency.get(`/api/accounts/${fx.agencyId}/ledger?kind=top_up`);
    expect(topUps.body.items.map((e: any) => e.kind)).toEqual(['top_up']);
    const today = todayInParis();
    expect((await fx.agency.get(`/api/accounts/${fx.agencyId}/ledger?from=${today}&to=${today}`)).body.items).toHaveLength(2);
    expect((await fx.agency.get(`/api/accounts/${fx.agencyId}/ledger?to=2000-01-01`)).body.items).toHaveLength(0);
    const bad = await fx.agency.get(`/api/accounts/${fx.agencyId}/ledger?from=26/11/2026`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('from');

    const res = await env.app.inject({
      method: 'GET',
      url: `/api/accounts/${fx.agencyId}/ledger.csv`,
      headers: { cookie: `maillon_session=${fx.agency.cookie}` },
    });
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body.charCodeAt(0)).toBe(0xfeff);
    const lines = res.body.slice(1).trim().split('\n');
    expect(lines[0]).toBe('Date;Type;Montant (€);Solde après (€);Contrepartie;Par;Mémo');
    expect(lines[1]).toContain(';Attribution;-12,34;987,66;Manon;Agence Test;"Budget ""Q1""; test"');
    expect(lines[2]).toContain(';Rechargement;1000,00;1000,00;');
  });
});

describe('credits follow the hierarchy changes', () => {
  it('deactivation returns the available credits to the parent, as the plan shows', async () => {
    const { fx } = await team();
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Claire, amountCents: 40_00 });
    const dry = await fx.agency.post(`/api/accounts/${fx.ids.Claire}/deactivate`, { dryRun: true });
    expect(dry.body.plan.returnedCents).toEqual([
      { fromAccountId: fx.ids.Claire, fromName: 'Claire', toAccountId: fx.ids.Manon, toName: 'Manon', amountCents: 40_00 },
    ]);
    await fx.agency.post(`/api/accounts/${fx.ids.Claire}/deactivate`);
    expect((await wallet(fx.agency, fx.ids.Claire)).availableCents).toBe(0);
    expect((await wallet(fx.agency, fx.ids.Manon)).availableCents).toBe(40_00);
    const entries = await fx.agency.get(`/api/accounts/${fx.ids.Manon}/ledger`);
    expect(entries.body.items[0]).toMatchObject({ kind: 'return', amountCents: 40_00, counterpartyAccountId: fx.ids.Claire });
  });

  it('a mode switch returns credits of the dropped roles to whoever takes their accounts', async () => {
    const { fx } = await team();
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Manon, amountCents: 100_00 });
    await fx.agency.post('/api/transfers', { fromAccountId: fx.ids.Manon, toAccountId: fx.ids.Claire, amountCents: 30_00 });
    await fx.agency.post('/api/transfers', { fromAccountId: fx.ids.Claire, toAccountId: fx.ids.Client, amountCents: 10_00 });
    const dry = await fx.agency.put('/api/agency/mode', { mode: 'intermediate', dryRun: true });
    expect(dry.body.plan.returnedCents).toEqual([
      { fromAccountId: fx.ids.Claire, fromName: 'Claire', toAccountId: fx.ids.Manon, toName: 'Manon', amountCents: 20_00 },
    ]);
    await fx.agency.put('/api/agency/mode', { mode: 'simple' });
    expect((await wallet(fx.agency, fx.agencyId)).availableCents).toBe(990_00);
    expect((await wallet(fx.agency, fx.ids.Client)).availableCents).toBe(10_00);
    expect((await wallet(fx.agency, fx.ids.Manon)).availableCents).toBe(0);
  });
});

describe('wallet visibility', () => {
  it('a client that signs in sees its own wallet only', async () => {
    const email = uniqueEmail('client');
    const fx = await makeAgency(env, 'simple', [['Client', 'client', 'agency', email]]);
    const client = await acceptInvitation(env, email);
    expect((await client.get(`/api/accounts/${fx.ids.Client}/wallet`)).status).toBe(200);
    expect((await client.get(`/api/accounts/${fx.agencyId}/wallet`)).status).toBe(404);
    const stranger = await signUp(env);
    expect((await stranger.client.get(`/api/accounts/${fx.ids.Client}/ledger`)).status).toBe(404);
  });
});

describe('wallets', () => {
  // The ledger owns wallets; the features that create accounts never name the table (migration 0010).
  const walletRow = (accountId: string) =>
    env.database.db.selectFrom('wallets').select(['agency_id', 'kind', 'posted_cents']).where('account_id', '=', accountId).executeTakeFirst();

  it('are opened for every account in the creating transaction, whoever creates it, in its tenant', async () => {
    const fx = await makeAgency(env, 'complete', [['Manon', 'manager', 'agency']]);
    expect(await walletRow(fx.agencyId)).toMatchObject({ agency_id: fx.agencyId, kind: 'user' });
    expect(await walletRow(fx.ids.Manon)).toMatchObject({ agency_id: fx.agencyId, kind: 'user' });
    const { account } = await signUp(env, 'publisher');
    expect(await walletRow(account.id)).toMatchObject({ agency_id: null, kind: 'user' });
    // Even an account inserted by hand (a script, a benchmark) gets its wallet, so money can reach it.
    const raw = await sql<{ id: string }>`
      insert into accounts (role, name, search_text, agency_id) values ('client', 'Inséré à la main', 'insere a la main', ${fx.agencyId})
      returning id`.execute(env.database.db);
    expect(await walletRow(raw.rows[0].id)).toMatchObject({ agency_id: fx.agencyId, kind: 'user', posted_cents: 0 });
    // And a rolled-back creation leaves neither the account nor a wallet behind.
    const id = '00000000-0000-4000-8000-00000000f00d';
    await expect(
      env.database.db.transaction().execute(async (tx) => {
        await sql`insert into accounts (id, role, name, search_text) values (${id}, 'client', 'Annulé', 'annule')`.execute(tx);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await walletRow(id)).toBeUndefined();
  });
});
