import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInParis } from '../../http/dates.js';
import { runBackgroundWork } from '../../jobs/handlers.js';
import { SYSTEM_ACCOUNTS } from '../ledger/system.js';
import { guaranteeEnd, refreshPublisherReliability, refreshReliabilityIfDue, RELIABILITY_EVERY_MS } from './service.js';
import {
  acceptInvitation,
  fundWallet,
  makeAgency,
  makeOffer,
  signUp,
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
    // The totals follow every filter, whether read from the per-client summary or from the orders.
    const totals = async (c: Client, q: string) => (await c.get(`/api/orders?${q}`)).body.totals;
    expect((await totals(fx.agency, `accountId=${fx.ids.Fleuriste}`)).count).toBe(1);
    expect((await totals(fx.agency, `personInChargeId=${fx.ids.Claire}`)).count).toBe(2);
    expect(await totals(fx.agency, 'status=cancelled')).toEqual({ count: 1, totalCents: 0, byStatus: { cancelled: { count: 1, cents: offer.priceCents } } });
    expect((await totals(fx.agency, `campaignId=${campaign.id}`)).count).toBe(1);
    expect((await totals(fx.agency, 'to=2000-01-01')).count).toBe(0);
    expect((await totals(manon, '')).count).toBe(2);
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

describe('the guarantee an order is bought with', () => {
  it('is the site’s guarantee when the order is placed: a later change reaches only the orders placed after it', async () => {
    const { fx, project } = await setup();
    const offer = await makeOffer(env, { keywords: [{ keyword: 'pain de campagne', position: 30, volume: 100 }] });
    const guaranteeOf = async (id: string) =>
      (await env.database.db.selectFrom('orders').select('guarantee_months').where('id', '=', id).executeTakeFirstOrThrow()).guarantee_months;
    const byDefault = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    expect((await offer.publisher.patch(`/api/publisher/sites/${offer.siteId}`, { guaranteeMonths: 24 })).status).toBe(200);
    const at24 = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    await offer.publisher.patch(`/api/publisher/sites/${offer.siteId}`, { guaranteeMonths: 3 });
    const at3 = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    await offer.publisher.patch(`/api/publisher/sites/${offer.siteId}`, { guaranteeMonths: null });
    const backToDefault = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    for (const o of [byDefault, at24, at3, backToDefault]) expect(o.status, JSON.stringify(o.body)).toBe(201);
    expect([await guaranteeOf(byDefault.body.id), await guaranteeOf(at24.body.id), await guaranteeOf(at3.body.id), await guaranteeOf(backToDefault.body.id)]).toEqual([
      null,
      24,
      3,
      null,
    ]);
  });

  it('ends its months after the verification (calendar months), or after the platform default when the site used it', () => {
    const verifiedAt = new Date('2026-01-31T10:00:00Z');
    const months = { ...env.config, defaultGuarantee: { months: 12 } };
    expect(guaranteeEnd(6, verifiedAt, months).toISOString()).toBe('2026-07-31T10:00:00.000Z');
    expect(guaranteeEnd(3, new Date('2026-11-30T10:00:00Z'), months).toISOString()).toBe('2027-02-28T10:00:00.000Z');
    expect(guaranteeEnd(null, verifiedAt, months).toISOString()).toBe('2027-01-31T10:00:00.000Z');
    const seconds = { ...env.config, defaultGuarantee: { ms: 30_000 } };
    expect(guaranteeEnd(null, verifiedAt, seconds).toISOString()).toBe('2026-01-31T10:00:30.000Z');
    expect(guaranteeEnd(36, verifiedAt, seconds).toISOString()).toBe('2029-01-31T10:00:00.000Z');
  });
});

describe('publisher reliability', () => {
  const DAY = 86_400_000;

  it('is computed from the orders’ history and shown with each offer of the publisher', async () => {
    const tag = `fiab${Date.now().toString(36)}`;
    const { fx, project } = await setup({ clientCredits: 1_500_00 });
    const offer = await makeOffer(env, { keywords: [{ keyword: `${tag} pain`, position: 20, volume: 100 }] });
    const place = async () => (await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId))).body.id as string;
    const ids = { completed: await place(), verified: await place(), lost: await place(), refused: await place(), expired: await place() };
    const more = { cancelled: await place(), waiting: await place(), accepted: await place() };
    const { client } = await signUp(env);
    const reliabilityShown = async () => (await client.get(`/api/catalog/offers?keyword=${tag}`)).body.items[0].reliability;
    expect(await reliabilityShown()).toBeNull();

    expect((await offer.publisher.post(`/api/publisher/orders/${ids.refused}/refuse`, { reason: 'Hors thématique' })).status).toBe(200);
    expect((await fx.agency.post(`/api/orders/${more.cancelled}/cancel`)).status).toBe(200);
    expect((await offer.publisher.post(`/api/publisher/orders/${more.accepted}/accept`)).status).toBe(200);
    await env.database.db.updateTable('orders').set({ accept_by: new Date(Date.now() - 1000) }).where('id', '=', ids.expired).execute();
    // Links placed and verified some days ago (claims do not exist yet: the lost one is set through the database).
    const now = Date.now();
    const history: [string, 'completed' | 'verified' | 'lost', number, number, number | null][] = [
      // order, status, ordered (days ago), verified (days ago), lost (days ago)
      [ids.completed, 'completed', 30, 28, null],
      [ids.verified, 'verified', 20, 17, null],
      [ids.lost, 'lost', 40, 35, 5],
    ];
    for (const [id, status, ordered, verified, lost] of history) {
      await env.database.db
        .updateTable('orders')
        .set({
          status,
          created_at: new Date(now - ordered * DAY),
          verified_at: new Date(now - verified * DAY),
          lost_at: lost === null ? null : new Date(now - lost * DAY),
          payable_at: null,
        })
        .where('id', '=', id)
        .execute();
    }
    // The background work expires the order left waiting and refreshes the figures (forced: it runs every 10 minutes).
    await runBackgroundWork(ctx(), { force: true });
    expect((await fx.agency.get(`/api/orders/${ids.expired}`)).body.status).toBe('expired');
    expect((await fx.agency.get(`/api/orders/${more.waiting}`)).body.status).toBe('placed');
    // placed: 3 (one lost); lifetimes 28, 17 and 30 days; accepted 4 (3 placed + 1 accepted) of 6 decided
    // (+ refused, expired; the cancelled and the waiting ones do not count); days to placement 2, 3, 5.
    const expected = { linksPlaced: 3, linksLost: 1, lostRate: 0.3333, avgLifetimeDays: 25, acceptanceRate: 0.6667, medianDaysToPlacement: 3 };
    expect(await reliabilityShown()).toEqual(expected);
    expect((await client.get(`/api/catalog/offers/${offer.offerId}`)).body.reliability).toEqual(expected);
    // Without `force`, the refresh that just ran is not repeated within ten minutes (per process).
    const soon = await refreshReliabilityIfDue(ctx(), { now: new Date(Date.now() + 60_000) });
    expect(soon).toBeNull();
    expect(await refreshReliabilityIfDue(ctx(), { now: new Date(Date.now() + RELIABILITY_EVERY_MS + 60_000) })).toBeGreaterThan(0);
  });

  it('has no rates over nothing: a publisher that only refused has no lost rate and an acceptance rate of 0', async () => {
    const tag = `refus${Date.now().toString(36)}`;
    const { fx, project } = await setup();
    const offer = await makeOffer(env, { keywords: [{ keyword: `${tag} pain`, position: 20, volume: 100 }] });
    const o = await fx.agency.post('/api/orders', orderBody(project.id, offer.offerId));
    await offer.publisher.post(`/api/publisher/orders/${o.body.id}/refuse`, { reason: 'Pas de place' });
    const other = await makeOffer(env, { keywords: [{ keyword: `${tag} levain`, position: 21, volume: 100 }] });
    await fx.agency.post('/api/orders', orderBody(project.id, other.offerId)); // waiting: nothing decided yet
    expect(await refreshPublisherReliability(ctx())).toBeGreaterThan(1);
    const items = (await fx.agency.get(`/api/catalog/offers?keyword=${tag}`)).body.items;
    expect(items.map((i: any) => [i.offerId, i.reliability])).toEqual([
      [offer.offerId, { linksPlaced: 0, linksLost: 0, lostRate: null, avgLifetimeDays: null, acceptanceRate: 0, medianDaysToPlacement: null }],
      [other.offerId, { linksPlaced: 0, linksLost: 0, lostRate: null, avgLifetimeDays: null, acceptanceRate: null, medianDaysToPlacement: null }],
    ]);
  });
});
