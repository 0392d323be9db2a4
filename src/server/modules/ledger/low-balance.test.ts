import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation, fundWallet, makeAgency, makeOffer, startTestEnv, uniqueEmail, type Client, type TestEnv } from '../../testing/harness.js';
import { composeImmediateEmails } from '../notifications/service.js';

/** The low-balance threshold: set by the account or those above it, told once each time the balance falls under it. */

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

const lowBalanceNotices = async (c: Client) =>
  ((await c.get('/api/notifications')).body.items as { kind: string; body: string }[]).filter((n) => n.kind === 'low_balance');

async function setup() {
  const emails = { claire: uniqueEmail('claire'), client: uniqueEmail('boulangerie') };
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency'],
    ['Claire', 'consultant', 'Manon', emails.claire],
    ['Boulangerie', 'client', 'Claire', emails.client],
  ]);
  const claire = await acceptInvitation(env, emails.claire);
  const client = await acceptInvitation(env, emails.client);
  await fundWallet(env, fx.agency, fx.agencyId, 3_000_00);
  await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: 1_500_00 });
  return { fx, claire, client, emails };
}

describe('low-balance threshold', () => {
  it('is off by default, set by the account or those above, refused to others, validated', async () => {
    const { fx, claire, client } = await setup();
    expect((await client.get(`/api/accounts/${fx.ids.Boulangerie}`)).body.wallet.lowBalanceCents).toBeNull();
    expect((await client.put(`/api/accounts/${fx.ids.Boulangerie}/low-balance`, { thresholdCents: 200_00 })).body).toEqual({ lowBalanceCents: 200_00 });
    expect((await claire.put(`/api/accounts/${fx.ids.Boulangerie}/low-balance`, { thresholdCents: 500_00 })).status).toBe(200);
    expect((await fx.agency.get(`/api/accounts/${fx.ids.Boulangerie}`)).body.wallet.lowBalanceCents).toBe(500_00);
    expect((await client.put(`/api/accounts/${fx.ids.Claire}/low-balance`, { thresholdCents: 1 })).status).toBe(404);
    const other = await makeAgency(env, 'simple');
    expect((await other.agency.put(`/api/accounts/${fx.ids.Boulangerie}/low-balance`, { thresholdCents: 1 })).status).toBe(404);
    const bad = await client.put(`/api/accounts/${fx.ids.Boulangerie}/low-balance`, { thresholdCents: -5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('thresholdCents');
    expect((await client.put(`/api/accounts/${fx.ids.Boulangerie}/low-balance`, { thresholdCents: null })).body.lowBalanceCents).toBeNull();
  });

  it('tells the client and its person in charge once when an order or a reclaim takes it under, again after a top-up', async () => {
    const { fx, claire, client, emails } = await setup();
    await claire.put(`/api/accounts/${fx.ids.Boulangerie}/low-balance`, { thresholdCents: 1_200_00 });
    const project = await client.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'Vitrine', url: 'https://boulangerie-seuil.fr/' });
    const offer = await makeOffer(env);
    const order = () =>
      client.post('/api/orders', { projectId: project.body.id, offerId: offer.offerId, targetUrl: 'https://boulangerie-seuil.fr/pain', anchor: 'pain' });
    expect((await order()).status).toBe(201);
    const told = await lowBalanceNotices(client);
    expect(told).toHaveLength(1);
    expect(told[0].body).toContain('sous le seuil de 1\u202f200,00\u00a0€');
    expect(await lowBalanceNotices(claire)).toHaveLength(1);
    const mails = await env.database.db.selectFrom('outbox_emails').select('subject').where('to_address', '=', emails.claire).execute();
    expect(mails.map((m) => m.subject)).toContain('Solde bas pour Boulangerie');
    // Already under: a second order says nothing more.
    expect((await order()).status).toBe(201);
    expect(await lowBalanceNotices(client)).toHaveLength(1);
    // Back over the threshold, then a reclaim takes it under again.
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: 1_000_00 });
    const available = (await client.get(`/api/accounts/${fx.ids.Boulangerie}/wallet`)).body.availableCents;
    expect(available).toBeGreaterThanOrEqual(1_200_00);
    await fx.agency.post('/api/transfers', { fromAccountId: fx.ids.Boulangerie, toAccountId: fx.agencyId, amountCents: available - 1_000_00 });
    const notices = await lowBalanceNotices(client);
    expect(notices).toHaveLength(2);
    for (const n of notices) expect(n.body).toContain('sous le seuil de 1\u202f200,00\u00a0€');
    // The reclaim is one database statement: its e-mails are written by the sweeps, once.
    await composeImmediateEmails({ db: env.database.db, config: env.config });
    await composeImmediateEmails({ db: env.database.db, config: env.config });
    const mailed = await env.database.db.selectFrom('outbox_emails').select('subject').where('to_address', '=', emails.claire).execute();
    expect(mailed.filter((m) => m.subject === 'Solde bas pour Boulangerie')).toHaveLength(2);
    // Nobody in another agency hears of it.
    const other = await makeAgency(env, 'simple');
    expect(await lowBalanceNotices(other.agency)).toEqual([]);
  });
});
