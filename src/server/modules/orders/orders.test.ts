import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInParis } from '../../http/dates.js';
import { runBackgroundWork } from '../../jobs/handlers.js';
import { SYSTEM_ACCOUNTS } from '../ledger/system.js';
import {
  acceptInvitation,
  fundWallet,
  makeAgency,
  makeOffer,
  startTestEnv,
  totalOfAllWallets,
  uniqueEmail,
  type Client,
  type TestEnv,
} from '../../testing/harness.js';

let env: TestEnv;
let server: Server;
let origin: string;
/** what the local "publisher site" serves, by path */
const pages = new Map<string, { html: string; headers?: Record<string, string> }>();

beforeAll(async () => {
  env = await startTestEnv({ MAILLON_CRAWLER_ALLOW_PRIVATE: '1' });
  server = createServer((req, res) => {
    const page = pages.get(req.url ?? '');
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...page.headers }).end(page.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await env?.close();
});

const ctx = () => ({ db: env.database.db, config: env.config });
const wallet = async (client: Client, id: string) => (await client.get(`/api/accounts/${id}/wallet`)).body;
const systemPosted = async (id: string) =>
  Number((await env.database.db.selectFrom('wallets').select('posted_cents').where('account_id', '=', id).executeTakeFirstOrThrow()).posted_cents);

/** An agency whose client "Boulangerie" has a project on boulangerie-test.fr and credits, and an offer. */
async function setup(options: { clientCredits?: number; offerKeywords?: { keyword: string; position: number; volume: number }[] } = {}) {
  const consultantEmail = uniqueEmail('consultant');
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency'],
    ['Claire', 'consultant', 'Manon', consultantEmail],
    ['Boulangerie', 'client', 'Claire'],
    ['Fleuriste', 'client', 'agency'],
  ]);
  await fundWallet(env, fx.agency, fx.agencyId, 2_000_00);
  const credits = options.clientCredits ?? 1_000_00;
  if (credits > 0) await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: credits });
  const project = await fx.agency.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'Site vitrine', url: 'https://www.boulangerie-test.fr/' });
  const offer = await makeOffer(env, { keywords: options.offerKeywords });
  return { fx, project: project.body, offer, consultantEmail };
}

const orderBody = (projectId: string, offerId: string, extra: Record<string, unknown> = {}) => ({
  projectId,
  offerId,
  targetUrl: 'https://boulangerie-test.fr/pain-au-levain',
  anchor: 'pain au levain bio',
  brief: 'Article sur le pain artisanal',
  ...extra,
});

describe('projects and campaigns', () => {
  it('normalizes the project domain and keeps projects to the client and above', async () => {
    const { fx, project } = await setup();
    expect(project).toMatchObject({ domain: 'boulangerie-test.fr', clientId: fx.ids.Boulangerie, clientName: 'Boulangerie' });
    const other = await makeAgency(env, 'simple');
    expect((await other.agency.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'X', url: 'x.fr' })).status).toBe(404);
    expect((await other.agency.get(`/api/projects?clientId=${fx.ids.Boulangerie}`)).status).toBe(404);
    expect((await fx.agency.post('/api/projects', { clientId: fx.ids.Manon, name: 'X', url: 'x.fr' })).status).toBe(422);
    const dup = await fx.agency.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'Doublon', url: 'boulangerie-test.fr' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.field).toBe('url');
  });

  it('creates campaigns with a budget and dates, checked', async () => {
    const { fx, project } = await setup();
    const bad = await fx.agency.post('/api/campaigns', { projectId: project.id, name: 'Q1', startsOn: '2026-03-01', endsOn: '2026-01-01' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe('endsOn');
    const ok = await fx.agency.post('/api/campaigns', { projectId: project.id, name: 'Lancement', budgetCents: 500_00, startsOn: '2026-01-01' });
    expect(ok.body).toMatchObject({ name: 'Lancement', budgetCents: 500_00, committedCents: 0, personInChargeId: fx.ids.Claire });
  });
});

describe('placing orders', () => {
  it('holds the price on the client wallet in the same transaction as the order', async () => {
    const { fx, project, offer } = await setup();
    const res = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'placed', priceCents: offer.priceCents, clientId: fx.ids.Boulangerie, personInChargeName: 'Claire' });
    expect(await wallet(fx.agency, fx.ids.Boulangerie)).toEqual({
      postedCents: 1_000_00,
      pendingCents: offer.priceCents,
      availableCents: 1_000_00 - offer.priceCents,
    });
    const detail = await fx.agency.get(`/api/orders/${res.body.id}`);
    expect(detail.body.history).toEqual([expect.objectContaining({ status: 'placed', personId: fx.agencyId })]);
    expect(detail.body.liveUrl).toBeNull();
    expect(JSON.stringify(detail.body)).not.toContain(offer.domain);
  });

  it('refuses a target URL off the project domain (422) and holds nothing', async () => {
    const { fx, project, offer } = await setup();
    const res = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, { targetUrl: 'https://concurrent.fr/pain' }));
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe('targetUrl');
    expect(res.body.error.message).toContain('boulangerie-test.fr');
    expect((await wallet(fx.agency, fx.ids.Boulangerie)).pendingCents).toBe(0);
  });

  it('answers 409 insufficient_funds with the missing amount, and creates no order and no hold', async () => {
    const { fx, project, offer } = await setup({ clientCredits: 0 });
    const res = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('insufficient_funds');
    expect(res.body.error.message).toContain('Boulangerie');
    expect((await fx.agency.get(`/api/orders?accountId=${fx.ids.Boulangerie}`)).body.items).toEqual([]);
    expect(await wallet(fx.agency, fx.ids.Boulangerie)).toEqual({ postedCents: 0, pendingCents: 0, availableCents: 0 });
  });

  it('allocates the difference from a wallet in reach, in the same transaction', async () => {
    const { fx, project, offer } = await setup({ clientCredits: 50_00 });
    const res = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, { fundFromAccountId: fx.agencyId }));
    expect(res.status).toBe(201);
    expect(await wallet(fx.agency, fx.ids.Boulangerie)).toMatchObject({ postedCents: offer.priceCents, availableCents: 0 });
    expect((await wallet(fx.agency, fx.agencyId)).availableCents).toBe(2_000_00 - 50_00 - (offer.priceCents - 50_00));
  });

  it('enforces a campaign budget cap (422 on campaignId)', async () => {
    const { fx, project, offer } = await setup();
    const campaign = await fx.agency.post('/api/campaigns', { projectId: project.id, name: 'Petit budget', budgetCents: offer.priceCents + 10_00 });
    expect((await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, { campaignId: campaign.body.id }))).status).toBe(201);
    const second = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, { campaignId: campaign.body.id }));
    expect(second.status).toBe(422);
    expect(second.body.error.field).toBe('campaignId');
    expect(second.body.error.message).toContain('Budget de la campagne dépassé');
    expect((await wallet(fx.agency, fx.ids.Boulangerie)).pendingCents).toBe(offer.priceCents);
  });

  it('lets a consultant order for its client, and while acting as the client', async () => {
    const { fx, project, offer, consultantEmail } = await setup();
    const claire = await acceptInvitation(env, consultantEmail);
    expect((await claire.post('/api/orders', orderBody(project.id, offer.offerId))).status).toBe(201);
    await fx.agency.post('/api/act-as', { accountId: fx.ids.Boulangerie });
    const asClient = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId, { anchor: 'boulangerie artisanale' }));
    expect(asClient.status).toBe(201);
    const detail = await fx.agency.get(`/api/orders/${asClient.body.id}`);
    expect(detail.body.history[0]).toMatchObject({ personId: fx.agencyId });
    await fx.agency.post('/api/act-as/stop');
  });

  it('answers 404 for a project or an offer out of reach', async () => {
    const { project, offer } = await setup();
    const other = await makeAgency(env, 'simple');
    expect((await other.agency.post('/api/orders', orderBody(project.id, offer.offerId))).status).toBe(404);
  });
});

describe('lifecycle', () => {
  it('cancels before acceptance (hold released), not after (409)', async () => {
    const { fx, project, offer } = await setup();
    const a = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    const cancelled = await fx.agency.post(`/api/orders/${a.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await wallet(fx.agency, fx.ids.Boulangerie)).pendingCents).toBe(0);
    const b = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    expect((await offer.publisher.post(`/api/publisher/orders/${b.body.id}/accept`)).status).toBe(200);
    const late = await fx.agency.post(`/api/orders/${b.body.id}/cancel`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('invalid_state');
    expect((await wallet(fx.agency, fx.ids.Boulangerie)).pendingCents).toBe(offer.priceCents);
  });

  it('lets the publisher refuse with a reason, releasing the hold', async () => {
    const { fx, project, offer } = await setup();
    const o = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    const incoming = await offer.publisher.get('/api/publisher/orders?status=placed');
    expect(incoming.body.items[0]).toMatchObject({ id: o.body.id, anchor: 'pain au levain bio', targetUrl: 'https://boulangerie-test.fr/pain-au-levain', articleUrl: offer.url });
    expect((await offer.publisher.post(`/api/publisher/orders/${o.body.id}/refuse`, {})).status).toBe(400);
    expect((await offer.publisher.post(`/api/publisher/orders/${o.body.id}/refuse`, { reason: 'Thématique hors ligne éditoriale' })).status).toBe(200);
    expect((await wallet(fx.agency, fx.ids.Boulangerie)).pendingCents).toBe(0);
    const detail = await fx.agency.get(`/api/orders/${o.body.id}`);
    expect(detail.body.history.map((h: any) => [h.status, h.note])).toEqual([
      ['placed', null],
      ['refused', 'Thématique hors ligne éditoriale'],
    ]);
  });

  it('answers 404 to a publisher acting on another publisher\u2019s order', async () => {
    const { fx, project, offer } = await setup();
    const o = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    const other = await makeOffer(env);
    expect((await other.publisher.post(`/api/publisher/orders/${o.body.id}/accept`)).status).toBe(404);
    expect((await other.publisher.post(`/api/publisher/orders/${o.body.id}/placed`, { liveUrl: offer.url })).status).toBe(404);
    expect((await other.publisher.get('/api/publisher/orders')).body.items).toEqual([]);
  });

  it('expires an order not accepted in time and releases the hold', async () => {
    const { fx, project, offer } = await setup();
    const o = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    await env.database.db.updateTable('orders').set({ accept_by: new Date(Date.now() - 1000) }).where('id', '=', o.body.id).execute();
    expect((await offer.publisher.post(`/api/publisher/orders/${o.body.id}/accept`)).status).toBe(409);
    await runBackgroundWork(ctx());
    expect((await fx.agency.get(`/api/orders/${o.body.id}`)).body.status).toBe('expired');
    expect((await wallet(fx.agency, fx.ids.Boulangerie)).pendingCents).toBe(0);
  });

  it('refuses a live URL carrying a user name or password (it would be sent as Basic auth)', async () => {
    const { fx, project } = await setup();
    const offer = await makeOffer(env);
    const o = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    await offer.publisher.post(`/api/publisher/orders/${o.body.id}/accept`);
    offer.publisher.lang = 'en';
    for (const credentials of ['admin:secret@', 'admin@', ':secret@']) {
      const refused = await offer.publisher.post(`/api/publisher/orders/${o.body.id}/placed`, { liveUrl: `https://${credentials}${offer.domain}/blog/x` });
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatchObject({ field: 'liveUrl', message: expect.stringContaining('user name or password') });
    }
    offer.publisher.lang = 'fr';
    const fr = await offer.publisher.post(`/api/publisher/orders/${o.body.id}/placed`, { liveUrl: `https://a:b@${offer.domain}/x` });
    expect(fr.body.error.message).toContain('mot de passe');
    expect((await fx.agency.get(`/api/orders/${o.body.id}`)).body.status).toBe('accepted');
    const accepted = await offer.publisher.post(`/api/publisher/orders/${o.body.id}/placed`, { liveUrl: `https://${offer.domain}/blog/x` });
    expect(accepted.status).toBe(200);
  });

  it('verifies a placed link, captures the hold, then pays the publisher after the control period', async () => {
    const { fx, project } = await setup();
    const offer = await makeOffer(env, { domain: origin, url: `${origin}/blog/pain` });
    const o = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    await offer.publisher.post(`/api/publisher/orders/${o.body.id}/accept`);
    const off = await offer.publisher.post(`/api/publisher/orders/${o.body.id}/placed`, { liveUrl: 'https://ailleurs.fr/x' });
    expect(off.status).toBe(422);
    expect(off.body.error.field).toBe('liveUrl');

    pages.set('/blog/pain', { html: '<p>Voir <a rel="nofollow" href="https://boulangerie-test.fr/pain-au-levain">pain au levain bio</a></p>' });
    await offer.publisher.post(`/api/publisher/orders/${o.body.id}/placed`, { liveUrl: `${origin}/blog/pain` });
    await runBackgroundWork(ctx());
    const failed = await fx.agency.get(`/api/orders/${o.body.id}`);
    expect(failed.body.status).toBe('link_placed');
    expect(failed.body.lastCheck).toMatchObject({ ok: false, rule: 'nofollow' });
    expect(failed.body.lastCheck.message).toContain('nofollow');
    expect((await wallet(fx.agency, fx.ids.Boulangerie)).pendingCents).toBe(offer.priceCents);

    pages.set('/blog/pain', { html: '<article><p>Notre sélection : <a href="https://www.boulangerie-test.fr/pain-au-levain">Pain au levain  bio</a></p></article>' });
    await offer.publisher.post(`/api/publisher/orders/${o.body.id}/placed`, { liveUrl: `${origin}/blog/pain` });
    const ordersBefore = await systemPosted(SYSTEM_ACCOUNTS.orders);
    await runBackgroundWork(ctx());
    const verified = await fx.agency.get(`/api/orders/${o.body.id}`);
    expect(verified.body).toMatchObject({ status: 'verified', liveUrl: `${origin}/blog/pain`, lastCheck: { ok: true, rule: null } });
    expect(verified.body.payableAt).not.toBeNull();
    expect(await wallet(fx.agency, fx.ids.Boulangerie)).toEqual({
      postedCents: 1_000_00 - offer.priceCents,
      pendingCents: 0,
      availableCents: 1_000_00 - offer.priceCents,
    });
    expect((await systemPosted(SYSTEM_ACCOUNTS.orders)) - ordersBefore).toBe(offer.priceCents);

    await env.database.db.updateTable('orders').set({ payable_at: new Date(Date.now() - 1000) }).where('id', '=', o.body.id).execute();
    await runBackgroundWork(ctx());
    const completed = await fx.agency.get(`/api/orders/${o.body.id}`);
    expect(completed.body.status).toBe('completed');
    const commission = Math.round((offer.priceCents * env.config.commissionBp) / 10_000);
    expect((await wallet(offer.publisher, offer.publisherId)).availableCents).toBe(offer.priceCents - commission);
    expect(completed.body.history.map((h: any) => h.status)).toEqual([
      'placed',
      'accepted',
      'link_placed',
      'verification_failed',
      'link_placed',
      'verified',
      'completed',
    ]);
    for (const h of completed.body.history) expect(Date.parse(h.at)).not.toBeNaN();
    expect(await totalOfAllWallets(env)).toBe(0);
  });
});

describe('following orders from the top', () => {
  async function portfolio() {
    const managerEmail = uniqueEmail('manager');
    const fx = await makeAgency(env, 'complete', [
      ['Manon', 'manager', 'agency', managerEmail],
      ['Claire', 'consultant', 'Manon'],
      ['Paul', 'consultant', 'agency'],
      ['Boulangerie', 'client', 'Claire'],
      ['Fleuriste', 'client', 'Paul'],
    ]);
    await fundWallet(env, fx.agency, fx.agencyId, 5_000_00);
    for (const c of ['Boulangerie', 'Fleuriste']) await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids[c], amountCents: 2_000_00 });
    const pb = (await fx.agency.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'Boulangerie', url: 'boulangerie-test.fr' })).body;
    const pf = (await fx.agency.post('/api/projects', { clientId: fx.ids.Fleuriste, name: 'Fleuriste', url: 'fleuriste-test.fr' })).body;
    const campaign = (await fx.agency.post('/api/campaigns', { projectId: pb.id, name: 'Printemps' })).body;
    const offer = await makeOffer(env);
    const o1 = (await fx.agency.post('/api/orders', orderBody(pb.id, offer.offerId, { campaignId: campaign.id }))).body;
    const o2 = (await fx.agency.post('/api/orders', orderBody(pb.id, offer.offerId))).body;
    const o3 = (await fx.agency.post('/api/orders', { ...orderBody(pf.id, offer.offerId), targetUrl: 'https://fleuriste-test.fr/bouquets' })).body;
    await fx.agency.post(`/api/orders/${o2.id}/cancel`);
    const manon = await acceptInvitation(env, managerEmail);
    return { fx, offer, o1, o2, o3, campaign, pb, pf, manon };
  }

  it('filters the subtree orders with totals, and scopes each caller', async () => {
    const { fx, offer, o1, o2, o3, campaign, manon } = await portfolio();
    const all = await fx.agency.get('/api/orders');
    expect(all.body.items.map((o: any) => o.id)).toEqual([o3.id, o2.id, o1.id]);
    expect(all.body.totals).toEqual({
      count: 3,
      totalCents: 2 * offer.priceCents,
      byStatus: { placed: { count: 2, cents: 2 * offer.priceCents }, cancelled: { count: 1, cents: offer.priceCents } },
    });
    const ids = async (q: string) => (await fx.agency.get(`/api/orders?${q}`)).body.items.map((o: any) => o.id);
    expect(await ids(`accountId=${fx.ids.Fleuriste}`)).toEqual([o3.id]);
    expect(await ids(`personInChargeId=${fx.ids.Claire}`)).toEqual([o2.id, o1.id]);
    expect(await ids(`personInChargeId=${fx.ids.Manon}`)).toEqual([]); // no client of her own
    expect(await ids(`campaignId=${campaign.id}`)).toEqual([o1.id]);
    expect(await ids('status=cancelled')).toEqual([o2.id]);
    const day = todayInParis();
    expect(await ids(`from=${day}&to=${day}`)).toHaveLength(3);
    expect(await ids('to=2000-01-01')).toEqual([]);
    // The manager sees its consultant's client, not the other one.
    expect((await manon.get('/api/orders')).body.items.map((o: any) => o.id)).toEqual([o2.id, o1.id]);
    expect((await manon.get(`/api/orders/${o3.id}`)).status).toBe(404);
    expect((await manon.get(`/api/orders?accountId=${fx.ids.Fleuriste}`)).status).toBe(404);
  });

  it('exports the orders as CSV for a French Excel', async () => {
    const { fx } = await portfolio();
    const res = await env.app.inject({ method: 'GET', url: '/api/orders.csv?status=placed', headers: { cookie: `maillon_session=${fx.agency.cookie}` } });
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body.charCodeAt(0)).toBe(0xfeff);
    const lines = res.body.slice(1).trim().split('\n');
    expect(lines[0]).toBe('Date;Statut;Client;Responsable;Projet;Campagne;Mot-clé;Ancre;URL cible;URL du lien;Prix (€ HT)');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(';Commandée;Fleuriste;Paul;Fleuriste;;');
  });

  it('shows each client with person in charge, balance, projects, campaigns, orders by status and spend', async () => {
    const { fx, offer, manon } = await portfolio();
    const res = await fx.agency.get('/api/agency/clients');
    const boulangerie = res.body.items.find((c: any) => c.id === fx.ids.Boulangerie);
    expect(boulangerie).toEqual({
      id: fx.ids.Boulangerie,
      name: 'Boulangerie',
      active: true,
      personInChargeId: fx.ids.Claire,
      personInChargeName: 'Claire',
      balanceCents: 2_000_00 - offer.priceCents,
      projectCount: 1,
      campaignCount: 1,
      ordersByStatus: { placed: 1, cancelled: 1 },
      spendThisMonthCents: offer.priceCents,
    });
    expect((await manon.get('/api/agency/clients')).body.items.map((c: any) => c.name)).toEqual(['Boulangerie']);
    const campaigns = await manon.get(`/api/campaigns?personInChargeId=${fx.ids.Claire}`);
    expect(campaigns.body.items).toEqual([expect.objectContaining({ name: 'Printemps', committedCents: offer.priceCents, orderCount: 1, personInChargeName: 'Claire' })]);
  });
});
