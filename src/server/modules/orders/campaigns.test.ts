import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInParis } from '../../http/dates.js';
import { acceptInvitation, fundWallet, makeAgency, makeOffer, signUp, startTestEnv, uniqueEmail, type Client, type TestEnv } from '../../testing/harness.js';

/** Campaigns edited, closed and reopened, and the consumption figures of campaigns and projects (issue 12). */

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => {
  await env?.close();
});

/** An agency whose client "Boulangerie" (under consultant Claire) has a project and credits; another client "Fleuriste"; an offer. */
async function setup(clientCredits = 1_500_00) {
  const consultantEmail = uniqueEmail('consultant');
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency'],
    ['Claire', 'consultant', 'Manon', consultantEmail],
    ['Boulangerie', 'client', 'Claire'],
    ['Fleuriste', 'client', 'agency'],
  ]);
  await fundWallet(env, fx.agency, fx.agencyId, 2_000_00);
  await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: clientCredits });
  const project = (await fx.agency.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'Site vitrine', url: 'https://boulangerie-test.fr/' })).body;
  const offer = await makeOffer(env);
  return { fx, project, offer, consultantEmail };
}

const orderBody = (projectId: string, offerId: string, campaignId?: string) => ({
  projectId,
  offerId,
  campaignId,
  targetUrl: 'https://boulangerie-test.fr/pain',
  anchor: 'pain au levain',
});

async function newCampaign(client: Client, projectId: string, extra: Record<string, unknown> = {}) {
  const res = await client.post('/api/campaigns', { projectId, name: 'Printemps', ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string };
}

describe('editing a campaign', () => {
  it('changes each field, one at a time, and records who did it', async () => {
    const { fx, project } = await setup();
    const c = await newCampaign(fx.agency, project.id, { budgetCents: 500_00, startsOn: '2026-01-01', endsOn: '2099-12-31' });
    const name = await fx.agency.patch(`/api/campaigns/${c.id}`, { name: '  Été  ' });
    expect(name.status).toBe(200);
    expect(name.body).toMatchObject({ name: 'Été', budgetCents: 500_00, startsOn: '2026-01-01', endsOn: '2099-12-31', status: 'open', closedAt: null });
    expect((await fx.agency.patch(`/api/campaigns/${c.id}`, { budgetCents: 800_00 })).body).toMatchObject({ budgetCents: 800_00, remainingCents: 800_00 });
    expect((await fx.agency.patch(`/api/campaigns/${c.id}`, { startsOn: '2026-02-01' })).body).toMatchObject({ startsOn: '2026-02-01' });
    expect((await fx.agency.patch(`/api/campaigns/${c.id}`, { endsOn: '2098-06-30' })).body).toMatchObject({ endsOn: '2098-06-30' });
    const uncapped = await fx.agency.patch(`/api/campaigns/${c.id}`, { budgetCents: null, endsOn: null });
    expect(uncapped.body).toMatchObject({ name: 'Été', budgetCents: null, remainingCents: null, startsOn: '2026-02-01', endsOn: null });
    expect((await fx.agency.get(`/api/campaigns/${c.id}`)).body).toEqual(uncapped.body);
    const audit = await env.database.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target_id', '=', c.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['campaign.create', ...Array(5).fill('campaign.update')]);
    expect(audit[1].details).toEqual({ name: { from: 'Printemps', to: 'Été' } });
  });

  it('refuses bad input (400/422 naming the field) and changes nothing', async () => {
    const { fx, project, offer } = await setup();
    const c = await newCampaign(fx.agency, project.id, { budgetCents: 3 * offer.priceCents, startsOn: '2026-01-01', endsOn: '2099-12-31' });
    expect((await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, c.id))).status).toBe(201);
    const before = (await fx.agency.get(`/api/campaigns/${c.id}`)).body;
    const cases: [Record<string, unknown>, number, string][] = [
      [{ name: '   ' }, 400, 'name'],
      [{ budgetCents: 0 }, 400, 'budgetCents'],
      [{ budgetCents: 12.5 }, 400, 'budgetCents'],
      [{ budgetCents: '100' }, 400, 'budgetCents'],
      [{ startsOn: '2026-02-30' }, 400, 'startsOn'],
      [{ endsOn: '31/12/2026' }, 400, 'endsOn'],
      [{ endsOn: '2025-12-31' }, 422, 'endsOn'],
      [{ startsOn: '2100-01-01' }, 422, 'startsOn'],
      [{ budgetCents: offer.priceCents - 1 }, 422, 'budgetCents'],
    ];
    for (const [body, status, field] of cases) {
      const res = await fx.agency.patch(`/api/campaigns/${c.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.field, JSON.stringify(body)).toBe(field);
    }
    const below = await fx.agency.patch(`/api/campaigns/${c.id}`, { budgetCents: 1_00 });
    const committed = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(offer.priceCents / 100);
    expect(below.body.error.message).toBe(`Le plafond ne peut pas être inférieur au montant déjà engagé sur la campagne (${committed}).`);
    expect((await fx.agency.get(`/api/campaigns/${c.id}`)).body).toEqual(before);
    // exactly what is committed is a valid cap: nothing left, the next order is refused
    const exact = await fx.agency.patch(`/api/campaigns/${c.id}`, { budgetCents: offer.priceCents });
    expect(exact.body).toMatchObject({ budgetCents: offer.priceCents, committedCents: offer.priceCents, remainingCents: 0 });
    expect((await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, c.id))).status).toBe(422);
  });

  it('closes: new orders refused, the placed ones go on; reopens: orders accepted again', async () => {
    const { fx, project, offer } = await setup();
    const c = await newCampaign(fx.agency, project.id);
    const first = (await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, c.id))).body;
    const closed = await fx.agency.post(`/api/campaigns/${c.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedAt: expect.any(String), committedCents: offer.priceCents, orderCount: 1 });
    const again = await fx.agency.post(`/api/campaigns/${c.id}/close`);
    expect(again.body.closedAt).toBe(closed.body.closedAt);
    const refused = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, c.id));
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ field: 'campaignId', message: 'Cette campagne est clôturée : rouvrez-la pour commander.' });
    expect((await offer.publisher.post(`/api/publisher/orders/${first.id}/accept`)).status).toBe(200);
    const reopened = await fx.agency.post(`/api/campaigns/${c.id}/reopen`);
    expect(reopened.body).toMatchObject({ status: 'open', closedAt: null });
    expect((await fx.agency.post(`/api/campaigns/${c.id}/reopen`)).status).toBe(200);
    expect((await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, c.id))).status).toBe(201);
    const actions = await env.database.db.selectFrom('audit_log').select('action').where('target_id', '=', c.id).orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['campaign.create', 'campaign.close', 'campaign.reopen']);
    // an end date in the past refuses orders too, even when open
    await fx.agency.patch(`/api/campaigns/${c.id}`, { endsOn: '2020-01-31' });
    expect((await fx.agency.get(`/api/campaigns/${c.id}`)).body.status).toBe('ended');
    expect((await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, c.id))).status).toBe(422);
  });

  it('is 404 for another tenant, for every route', async () => {
    const { fx, project } = await setup(0);
    const c = await newCampaign(fx.agency, project.id);
    const other = await makeAgency(env, 'simple');
    expect((await other.agency.get(`/api/campaigns/${c.id}`)).status).toBe(404);
    expect((await other.agency.patch(`/api/campaigns/${c.id}`, { name: 'Piraté' })).status).toBe(404);
    expect((await other.agency.post(`/api/campaigns/${c.id}/close`)).status).toBe(404);
    expect((await other.agency.post(`/api/campaigns/${c.id}/reopen`)).status).toBe(404);
    expect((await other.agency.get(`/api/projects/${project.id}`)).status).toBe(404);
    expect((await fx.agency.get(`/api/campaigns/${c.id}`)).body).toMatchObject({ name: 'Printemps', status: 'open' });
  });

  it('lets a consultant edit its client’s campaign, also acting as the client, not another client’s', async () => {
    const { fx, project, consultantEmail } = await setup(0);
    const c = await newCampaign(fx.agency, project.id);
    const fleuriste = (await fx.agency.post('/api/projects', { clientId: fx.ids.Fleuriste, name: 'Fleurs', url: 'fleurs-test.fr' })).body;
    const other = await newCampaign(fx.agency, fleuriste.id);
    const claire = await acceptInvitation(env, consultantEmail);
    expect((await claire.patch(`/api/campaigns/${c.id}`, { name: 'Par Claire' })).body.name).toBe('Par Claire');
    expect((await claire.patch(`/api/campaigns/${other.id}`, { name: 'Non' })).status).toBe(404);
    expect((await claire.post('/api/act-as', { accountId: fx.ids.Boulangerie })).status).toBe(200);
    expect((await claire.post(`/api/campaigns/${c.id}/close`)).body.status).toBe('closed');
    const row = await env.database.db.selectFrom('audit_log').select(['person_id', 'account_id']).where('action', '=', 'campaign.close').where('target_id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.account_id).toBe(fx.ids.Boulangerie);
    expect(row.person_id).toBe(fx.ids.Claire);
    expect((await claire.get(`/api/campaigns/${other.id}`)).status).toBe(404);
  });

  it('lets a client (a self-serve customer) edit and close its own campaigns', async () => {
    const { client, account } = await signUp(env, 'customer', 'Librairie');
    const project = (await client.post('/api/projects', { clientId: account.id, name: 'Librairie', url: 'librairie-test.fr' })).body;
    const c = await newCampaign(client, project.id, { budgetCents: 100_00 });
    expect((await client.patch(`/api/campaigns/${c.id}`, { budgetCents: 250_00, name: 'Rentrée' })).body).toMatchObject({ budgetCents: 250_00, name: 'Rentrée' });
    expect((await client.post(`/api/campaigns/${c.id}/close`)).body.status).toBe('closed');
    const projects = (await client.get('/api/projects')).body.items;
    expect(projects).toEqual([expect.objectContaining({ id: project.id, campaignCount: 1, orderCount: 0, committedCents: 0 })]);
  });
});

describe('consumption figures', () => {
  it('splits what is held and spent, counts orders by status, per campaign and per project', async () => {
    const { fx, project, offer } = await setup();
    const c = await newCampaign(fx.agency, project.id, { budgetCents: 10 * offer.priceCents });
    const a = (await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, c.id))).body;
    const b = (await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, c.id))).body;
    await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    await fx.agency.post(`/api/orders/${b.id}/cancel`);
    await offer.publisher.post(`/api/publisher/orders/${a.id}/accept`);
    await env.database.db.updateTable('orders').set({ status: 'verified' }).where('id', '=', a.id).execute();
    const campaign = (await fx.agency.get(`/api/campaigns/${c.id}`)).body;
    expect(campaign).toMatchObject({
      heldCents: 0,
      spentCents: offer.priceCents,
      committedCents: offer.priceCents,
      remainingCents: 9 * offer.priceCents,
      orderCount: 2,
      ordersByStatus: { verified: 1, cancelled: 1 },
    });
    const listed = (await fx.agency.get(`/api/campaigns?projectId=${project.id}`)).body.items;
    expect(listed).toEqual([campaign]);
    const p = (await fx.agency.get(`/api/projects/${project.id}`)).body;
    expect(p).toMatchObject({ campaignCount: 1, orderCount: 3, heldCents: offer.priceCents, spentCents: offer.priceCents, ordersByStatus: { verified: 1, cancelled: 1, placed: 1 } });
    expect((await fx.agency.get(`/api/projects?clientId=${fx.ids.Boulangerie}`)).body.items).toEqual([p]);
  });
});

describe('the cap under concurrency', () => {
  it('never lets an edit lowering the cap and an order both pass', async () => {
    const { fx, project, offer } = await setup();
    for (let round = 0; round < 4; round++) {
      const c = await newCampaign(fx.agency, project.id, { budgetCents: 3 * offer.priceCents });
      expect((await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, c.id))).status).toBe(201);
      const [edit, order] = await Promise.all([
        fx.agency.patch(`/api/campaigns/${c.id}`, { budgetCents: offer.priceCents }),
        fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, c.id)),
      ]);
      expect([edit.status, order.status].sort()).toEqual([200, 422].sort());
      const after = (await fx.agency.get(`/api/campaigns/${c.id}`)).body;
      expect(after.committedCents).toBeLessThanOrEqual(after.budgetCents);
      expect(after.committedCents).toBe((order.status === 201 ? 2 : 1) * offer.priceCents);
      if (order.status === 201) expect(edit.body.error.field).toBe('budgetCents');
      else expect(order.body.error.field).toBe('campaignId');
      // cancel what this round placed so that the wallet lasts
      for (const o of (await fx.agency.get(`/api/orders?campaignId=${c.id}`)).body.items) await fx.agency.post(`/api/orders/${o.id}/cancel`);
    }
  });
});

describe('property: the cap holds and the figures add up', () => {
  it('for random sequences of orders, cap edits and cancellations', async () => {
    const { fx, project, offer } = await setup(2_000_00);
    const price = offer.priceCents;
    const op = fc.oneof(
      fc.record({ kind: fc.constant('order' as const) }),
      fc.record({ kind: fc.constant('cap' as const), cap: fc.option(fc.integer({ min: 1, max: 5 * price }), { nil: null }) }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('close' as const), closed: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 * price }), fc.array(op, { minLength: 1, maxLength: 8 }), async (cap, ops) => {
        const c = await newCampaign(fx.agency, project.id, { budgetCents: cap });
        let budget: number | null = cap;
        let closed = false;
        for (const o of ops) {
          const before = (await fx.agency.get(`/api/campaigns/${c.id}`)).body;
          if (o.kind === 'order') {
            const res = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, c.id));
            const fits = !closed && (budget === null || before.committedCents + price <= budget);
            expect(res.status).toBe(fits ? 201 : 422);
          } else if (o.kind === 'cap') {
            const res = await fx.agency.patch(`/api/campaigns/${c.id}`, { budgetCents: o.cap });
            const fits = o.cap === null || o.cap >= before.committedCents;
            expect(res.status).toBe(fits ? 200 : 422);
            if (fits) budget = o.cap;
          } else if (o.kind === 'cancel') {
            const placed = (await fx.agency.get(`/api/orders?campaignId=${c.id}&status=placed`)).body.items;
            if (placed.length > 0) expect((await fx.agency.post(`/api/orders/${placed[o.pick % placed.length].id}/cancel`)).status).toBe(200);
          } else {
            await fx.agency.post(`/api/campaigns/${c.id}/${o.closed ? 'close' : 'reopen'}`);
            closed = o.closed;
          }
          const now = (await fx.agency.get(`/api/campaigns/${c.id}`)).body;
          const orders = (await fx.agency.get(`/api/orders?campaignId=${c.id}&limit=500`)).body.items as { status: string; priceCents: number }[];
          const sum = (statuses: string[]) => orders.filter((x) => statuses.includes(x.status)).reduce((s, x) => s + x.priceCents, 0);
          expect(now.budgetCents).toBe(budget);
          if (budget !== null) expect(now.committedCents).toBeLessThanOrEqual(budget);
          expect(now.heldCents).toBe(sum(['placed', 'accepted', 'link_placed']));
          expect(now.spentCents).toBe(sum(['verified', 'completed']));
          expect(now.committedCents).toBe(now.heldCents + now.spentCents);
          expect(now.remainingCents).toBe(budget === null ? null : budget - now.committedCents);
          expect(now.orderCount).toBe(orders.length);
        }
        // give the credits back for the next run
        for (const x of (await fx.agency.get(`/api/orders?campaignId=${c.id}&status=placed`)).body.items) await fx.agency.post(`/api/orders/${x.id}/cancel`);
      }),
      { numRuns: 12 },
    );
  });
});

it('todayInParis is a day (sanity for the ended status)', () => {
  expect(todayInParis()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
});
