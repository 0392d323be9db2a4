import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackgroundWork } from '../../jobs/handlers.js';
import { transferCredits } from '../ledger/service.js';
import { PLATFORM_ACTOR, SYSTEM_ACCOUNTS } from '../ledger/system.js';
import { runMonitoring } from './service.js';
import { fundWallet, makeAgency, makeOffer, startTestEnv, supportClient, totalOfAllWallets, type Client, type TestEnv } from '../../testing/harness.js';

// The claim lifecycle on a local "publisher site": a verified link is monitored, its loss opens a
// claim, and the claim ends reinstated, refunded (from the captured price, or after payout with a
// debt the next earnings repay) or settled by support.

let env: TestEnv;
let server: Server;
let port: number;
/** Each site is its own host: 127.0.0.N, all served by the one local server. */
let hostCounter = 1;
const pages = new Map<string, { status?: number; html: string }>();

beforeAll(async () => {
  // Its own schema on PostgreSQL: the monitoring pass and the claims sweep act on every due row.
  env = await startTestEnv({ MAILLON_CRAWLER_ALLOW_PRIVATE: '1', MAILLON_CRAWLER_RETRY_DELAYS: '' }, { ownSchema: true });
  server = createServer((req, res) => {
    const page = pages.get(req.url ?? '');
    if (!page) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Introuvable</h1>');
    res.writeHead(page.status ?? 200, { 'content-type': 'text/html; charset=utf-8' }).end(page.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await env?.close();
});

const ctx = () => ({ db: env.database.db, config: env.config });
const db = () => env.database.db;
const TARGET = 'https://boulangerie-test.fr/pain-au-levain';
const ANCHOR = 'pain au levain bio';
const withLink = `<article><h1>Le pain</h1><p>Notre adresse : <a href="${TARGET}">${ANCHOR}</a>, rue du Four.</p></article>`;
const withoutLink = '<article><h1>Le pain</h1><p>Article mis à jour, sans lien.</p></article>';

const available = async (client: Client, id: string) => (await client.get(`/api/accounts/${id}/wallet`)).body.availableCents as number;
const posted = async (id: string) => Number((await db().selectFrom('wallets').select('posted_cents').where('account_id', '=', id).executeTakeFirstOrThrow()).posted_cents);
const kinds = async (client: Client) => ((await client.get('/api/notifications')).body.items as { kind: string }[]).map((n) => n.kind);

/** The monitoring check of this order is due now (and its host free), as if its interval had passed. */
async function dueNow(...orderIds: string[]) {
  const past = new Date(Date.now() - 1_000);
  await db().updateTable('link_monitors').set({ next_check_at: past }).where('order_id', 'in', orderIds).execute();
  await db().updateTable('monitor_hosts').set({ available_at: past }).execute();
}

let pageCounter = 0;

/** A client with credits orders a link on a local page serving `page`; the publisher places it; the job runs. */
async function placedOrder(page: { status?: number; html: string } = { html: withLink }, options: { clientCredits?: number } = {}) {
  const fx = await makeAgency(env, 'complete', [
    ['Claire', 'consultant', 'agency'],
    ['Boulangerie', 'client', 'Claire'],
  ]);
  await fundWallet(env, fx.agency, fx.agencyId, 2_000_00);
  await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: options.clientCredits ?? 1_000_00 });
  const project = await fx.agency.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'Site vitrine', url: 'https://boulangerie-test.fr/' });
  const path = `/blog/pain-${++pageCounter}`;
  pages.set(path, page);
  const origin = `http://127.0.0.${++hostCounter}:${port}`;
  const offer = await makeOffer(env, { domain: origin, url: `${origin}${path}` });
  const order = await fx.agency.post('/api/orders', { projectId: project.body.id, offerId: offer.offerId, targetUrl: TARGET, anchor: ANCHOR });
  expect(order.status).toBe(201);
  const id = order.body.id as string;
  await offer.publisher.post(`/api/publisher/orders/${id}/accept`);
  await offer.publisher.post(`/api/publisher/orders/${id}/placed`, { liveUrl: `${origin}${path}` });
  await runBackgroundWork(ctx());
  return { fx, offer, id, path, origin, price: offer.priceCents as number };
}

/** The same, verified. */
async function verifiedOrder(options: { clientCredits?: number } = {}) {
  const o = await placedOrder({ html: withLink }, options);
  expect((await o.fx.agency.get(`/api/orders/${o.id}`)).body.status).toBe('verified');
  return o;
}

/** Removes the link from the page and runs the monitoring check: a claim opens. */
async function loseLink(o: { id: string; path: string }) {
  pages.set(o.path, { html: withoutLink });
  await dueNow(o.id);
  expect(await runMonitoring(ctx())).toBe(1);
}

describe('verification', () => {
  it('tries a site that did not answer again later by itself, and says so in the order', async () => {
    const { fx, id, path } = await placedOrder({ status: 503, html: '<h1>Maintenance</h1>' });
    const order = { body: { id } };
    const detail = (await fx.agency.get(`/api/orders/${order.body.id}`)).body;
    expect(detail).toMatchObject({ status: 'link_placed', lastCheck: { ok: false, rule: 'http_status' } });
    expect(detail.lastCheck.message).toContain('503');
    const again = await db()
      .selectFrom('jobs')
      .select(['run_at', 'payload'])
      .where('kind', '=', 'links.verify_order')
      .where('done_at', 'is', null)
      .execute();
    const mine = again.filter((j) => (j.payload as { orderId: string }).orderId === order.body.id);
    expect(mine).toHaveLength(1);
    expect(new Date(mine[0].run_at).getTime() - Date.now()).toBeGreaterThan(50 * 60_000);
    // An hour later the site is back: verified without the publisher doing anything.
    pages.set(path, { html: withLink });
    await db().updateTable('jobs').set({ run_at: new Date(Date.now() - 1_000) }).where('kind', '=', 'links.verify_order').where('done_at', 'is', null).execute();
    await runBackgroundWork(ctx());
    expect((await fx.agency.get(`/api/orders/${order.body.id}`)).body.status).toBe('verified');
  });
});

describe('monitoring a verified link', () => {
  it('starts at verification, within the guarantee, and keeps each check with its evidence', async () => {
    const o = await verifiedOrder();
    const detail = (await o.fx.agency.get(`/api/orders/${o.id}`)).body;
    // The platform default (12 months): the guarantee ends a year after verification, to the day.
    const verifiedAt = new Date(detail.verifiedAt);
    const end = new Date(detail.guaranteeEndsAt);
    expect(end.getUTCFullYear() - verifiedAt.getUTCFullYear()).toBe(1);
    expect(end.getUTCDate()).toBe(verifiedAt.getUTCDate());
    expect(detail.monitoring).toMatchObject({ lastOutcome: 'ok', endedAt: null });
    // The next check comes about a day later (24 h ± 10 %), not at once.
    const next = Date.parse(detail.monitoring.nextCheckAt) - verifiedAt.getTime();
    expect(next).toBeGreaterThan(0.85 * 86_400_000);
    expect(next).toBeLessThan(1.15 * 86_400_000);
    expect(detail.claim).toBeNull();

    await dueNow(o.id);
    expect(await runMonitoring(ctx())).toBe(1);
    const checks = await o.fx.agency.get(`/api/orders/${o.id}/checks`);
    expect(checks.status).toBe(200);
    expect(checks.body.items.map((c: any) => [c.kind, c.outcome])).toEqual([
      ['monitoring', 'ok'],
      ['verification', 'ok'],
    ]);
    const [latest] = checks.body.items;
    expect(latest.evidence).toMatchObject({ status: 200, link: { href: TARGET, anchor: ANCHOR } });
    expect(latest.evidence.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(latest.evidence.excerpt).toContain('rue du Four');
    // The publisher reads them too; another agency gets the same 404 as an unknown order.
    expect((await o.offer.publisher.get(`/api/orders/${o.id}/checks`)).status).toBe(200);
    const stranger = await makeAgency(env, 'simple');
    expect((await stranger.agency.get(`/api/orders/${o.id}/checks`)).status).toBe(404);
    expect((await stranger.agency.get(`/api/orders/00000000-0000-4000-8000-00000000beef/checks`)).status).toBe(404);
    // Pages: one check per page, then the next.
    const first = await o.fx.agency.get(`/api/orders/${o.id}/checks?limit=1`);
    const second = await o.fx.agency.get(`/api/orders/${o.id}/checks?limit=1&cursor=${first.body.nextCursor}`);
    expect([first.body.items[0].kind, second.body.items[0].kind]).toEqual(['monitoring', 'verification']);
    expect(second.body.nextCursor).toBeNull();
    expect((await o.fx.agency.get(`/api/orders/${o.id}/checks?cursor=garbage`)).status).toBe(400);
  });

  it('checks one link per host at a time, then pauses the host', async () => {
    const a = await verifiedOrder();
    const b = await secondOrderOf(a);
    await dueNow(a.id, b.id);
    // Both links are on the same local host: one pass checks one of them, the other waits for the pause.
    expect(await runMonitoring(ctx())).toBe(1);
    const host = await db().selectFrom('monitor_hosts').select('available_at').where('host', '=', new URL(a.origin).host).executeTakeFirstOrThrow();
    expect(new Date(host.available_at).getTime()).toBeGreaterThan(Date.now());
    await db().updateTable('monitor_hosts').set({ available_at: new Date(Date.now() - 1_000) }).execute();
    expect(await runMonitoring(ctx())).toBe(1);
    expect(await runMonitoring(ctx())).toBe(0);
  });

  it('stops once the guarantee is over', async () => {
    const o = await verifiedOrder();
    await db().updateTable('orders').set({ guarantee_ends_at: new Date(Date.now() - 1_000) }).where('id', '=', o.id).execute();
    pages.set(o.path, { html: withoutLink });
    await dueNow(o.id);
    expect(await runMonitoring(ctx())).toBe(0);
    const detail = (await o.fx.agency.get(`/api/orders/${o.id}`)).body;
    expect(detail.monitoring.endedAt).not.toBeNull();
    expect(detail.claim).toBeNull();
  });

  it('retries a site that is down over the retry window before a claim is opened', async () => {
    const o = await verifiedOrder();
    pages.set(o.path, { status: 503, html: '<h1>Maintenance</h1>' });
    await dueNow(o.id);
    await runMonitoring(ctx());
    let detail = (await o.fx.agency.get(`/api/orders/${o.id}`)).body;
    expect(detail.claim).toBeNull();
    expect(detail.monitoring.lastOutcome).toBe('http_error');
    // Retried sooner than the daily check: the retry window (72 h) divided in six.
    expect(Date.parse(detail.monitoring.nextCheckAt) - Date.now()).toBeLessThan(13 * 3_600_000);
    // Still down 72 h after the first failure: now it counts.
    await db().updateTable('link_monitors').set({ down_since: new Date(Date.now() - 73 * 3_600_000) }).where('order_id', '=', o.id).execute();
    await dueNow(o.id);
    await runMonitoring(ctx());
    detail = (await o.fx.agency.get(`/api/orders/${o.id}`)).body;
    expect(detail.claim).toMatchObject({ status: 'open', outcome: 'http_error' });
  });
});

describe('claims', () => {
  it('opens a claim when the link disappears, tells both sides, holds the payout, and closes it when the link is back', async () => {
    const o = await verifiedOrder();
    const payableBefore = (await o.fx.agency.get(`/api/orders/${o.id}`)).body.payableAt;
    await loseLink(o);

    const detail = (await o.fx.agency.get(`/api/orders/${o.id}`)).body;
    expect(detail.status).toBe('verified');
    expect(detail.lastCheck).toMatchObject({ ok: false, rule: 'link_missing' });
    expect(detail.claim).toMatchObject({ status: 'open', outcome: 'link_missing', orderId: o.id, clientName: 'Boulangerie', priceCents: o.price });
    expect(detail.claim.message).not.toMatch(/\b(the|link|found)\b/i);
    const reinstateBy = Date.parse(detail.claim.reinstateBy);
    expect(reinstateBy - Date.parse(detail.claim.openedAt)).toBe(7 * 86_400_000);
    expect(Date.parse(detail.payableAt)).toBeGreaterThanOrEqual(Math.min(reinstateBy, Date.parse(payableBefore)));

    expect(await kinds(o.fx.agency)).toContain('claim_opened');
    expect(await kinds(o.offer.publisher)).toContain('publisher_claim_opened');
    const buyerList = await o.fx.agency.get('/api/claims?status=open');
    expect(buyerList.body.items.map((c: any) => c.orderId)).toContain(o.id);
    const publisherList = await o.offer.publisher.get('/api/claims');
    expect(publisherList.body.items.map((c: any) => c.orderId)).toEqual([o.id]);
    const stranger = await makeAgency(env, 'simple');
    expect((await stranger.agency.get('/api/claims')).body.items).toEqual([]);
    expect((await stranger.agency.get(`/api/claims?orderId=${o.id}`)).body.items).toEqual([]);

    // A second failing check keeps the one claim open.
    await dueNow(o.id);
    await runMonitoring(ctx());
    expect((await o.fx.agency.get(`/api/claims?orderId=${o.id}`)).body.items).toHaveLength(1);

    // The publisher puts the link back and asks for a check now.
    pages.set(o.path, { html: withLink });
    const recheck = await o.offer.publisher.post(`/api/publisher/orders/${o.id}/recheck`);
    expect(recheck.status).toBe(202);
    expect(Date.parse(recheck.body.nextCheckAt)).toBeLessThanOrEqual(Date.now());
    expect((await o.fx.agency.post(`/api/publisher/orders/${o.id}/recheck`)).status).toBe(404);
    await db().updateTable('monitor_hosts').set({ available_at: new Date(Date.now() - 1_000) }).execute();
    expect(await runMonitoring(ctx())).toBe(1);
    const after = (await o.fx.agency.get(`/api/orders/${o.id}`)).body;
    expect(after.claim).toMatchObject({ status: 'reinstated', refundedCents: 0 });
    expect(after.status).toBe('verified');
    expect(await kinds(o.fx.agency)).toContain('claim_reinstated');
    expect(await kinds(o.offer.publisher)).toContain('publisher_claim_reinstated');
    expect(await available(o.fx.agency, o.fx.ids.Boulangerie)).toBe(1_000_00 - o.price);
  });

  it('refunds the client in full from the captured price when the delay runs out during the control period', async () => {
    const o = await verifiedOrder();
    await loseLink(o);
    const ordersBefore = await posted(SYSTEM_ACCOUNTS.orders);
    await db().updateTable('claims').set({ reinstate_by: new Date(Date.now() - 1_000) }).where('order_id', '=', o.id).execute();
    await runBackgroundWork(ctx());

    const detail = (await o.fx.agency.get(`/api/orders/${o.id}`)).body;
    expect(detail.status).toBe('lost');
    expect(detail.lostAt).not.toBeNull();
    expect(detail.refundedCents).toBe(o.price);
    expect(detail.claim).toMatchObject({ status: 'refunded', refundedCents: o.price, debtCents: 0 });
    expect(detail.monitoring.endedAt).not.toBeNull();
    expect(await available(o.fx.agency, o.fx.ids.Boulangerie)).toBe(1_000_00);
    expect(ordersBefore - (await posted(SYSTEM_ACCOUNTS.orders))).toBe(o.price);
    // Never paid out afterwards, even once the control period is over.
    await db().updateTable('orders').set({ payable_at: new Date(Date.now() - 1_000) }).where('id', '=', o.id).execute();
    await runBackgroundWork(ctx());
    expect(await available(o.offer.publisher, o.offer.publisherId)).toBe(0);
    expect(await kinds(o.fx.agency)).toContain('claim_refunded');
    expect(await kinds(o.offer.publisher)).toContain('publisher_claim_refunded');
    expect(await totalOfAllWallets(env)).toBe(0);
  });

  it('after payout, refunds from the commission and the publisher, leaving a debt its next earning repays first', async () => {
    const o = await verifiedOrder();
    const commission = Math.round((o.price * env.config.commissionBp) / 10_000);
    const earning = o.price - commission;
    await db().updateTable('orders').set({ payable_at: new Date(Date.now() - 1_000) }).where('id', '=', o.id).execute();
    await runBackgroundWork(ctx());
    expect((await o.fx.agency.get(`/api/orders/${o.id}`)).body.status).toBe('completed');
    expect(await available(o.offer.publisher, o.offer.publisherId)).toBe(earning);
    // The publisher has since withdrawn all but 10 € (a payout, as issue 11 will make them).
    await db().transaction().execute((tx) =>
      transferCredits(tx, PLATFORM_ACTOR, { fromAccountId: o.offer.publisherId, toAccountId: SYSTEM_ACCOUNTS.bank, amountCents: earning - 10_00, kind: 'top_up_refund' }),
    );

    await loseLink(o);
    await db().updateTable('claims').set({ reinstate_by: new Date(Date.now() - 1_000) }).where('order_id', '=', o.id).execute();
    const commissionsBefore = await posted(SYSTEM_ACCOUNTS.commissions);
    const debtsBefore = await posted(SYSTEM_ACCOUNTS.debts);
    await runBackgroundWork(ctx());

    const claim = (await o.fx.agency.get(`/api/orders/${o.id}`)).body.claim;
    expect(claim).toMatchObject({ status: 'refunded', refundedCents: o.price, debtCents: earning - 10_00 });
    expect(await available(o.fx.agency, o.fx.ids.Boulangerie)).toBe(1_000_00);
    expect(await available(o.offer.publisher, o.offer.publisherId)).toBe(0);
    expect(commissionsBefore - (await posted(SYSTEM_ACCOUNTS.commissions))).toBe(commission);
    expect(debtsBefore - (await posted(SYSTEM_ACCOUNTS.debts))).toBe(earning - 10_00);
    expect((await o.offer.publisher.get('/api/notifications')).body.items[0].body).toMatch(/restent dus/);

    // The same publisher's next order completes: its earning repays the debt first.
    const second = await secondOrderOf(o);
    await db().updateTable('orders').set({ payable_at: new Date(Date.now() - 1_000) }).where('id', '=', second.id).execute();
    await runBackgroundWork(ctx());
    const owed = earning - 10_00;
    const earning2 = second.price - Math.round((second.price * env.config.commissionBp) / 10_000);
    const repaid = Math.min(earning2, owed);
    expect(repaid).toBeGreaterThan(0);
    expect(await available(o.offer.publisher, o.offer.publisherId)).toBe(earning2 - repaid);
    expect(await posted(SYSTEM_ACCOUNTS.debts)).toBe(debtsBefore - owed + repaid);
    expect(await totalOfAllWallets(env)).toBe(0);
  });

  it('lets support settle by hand: a partial refund (amount checked) or a dismissal, audited, once', async () => {
    const o = await verifiedOrder();
    await loseLink(o);
    const support = await supportClient(env);
    const claimId = (await support.get(`/api/claims?orderId=${o.id}`)).body.items[0].id as string;

    const missing = await support.post(`/api/support/claims/${claimId}/settle`, { outcome: 'partial_refund', reason: 'Ancre modifiée' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ field: 'amountCents', message: expect.stringContaining('montant') });
    const tooMuch = await support.post(`/api/support/claims/${claimId}/settle`, { outcome: 'partial_refund', amountCents: o.price, reason: 'Ancre modifiée' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.field).toBe('amountCents');
    expect(tooMuch.body.error.message).toContain('remboursement intégral');
    const withAmount = await support.post(`/api/support/claims/${claimId}/settle`, { outcome: 'dismiss', amountCents: 10_00, reason: 'Rien' });
    expect(withAmount.status).toBe(400);
    expect(withAmount.body.error.field).toBe('amountCents');
    const noReason = await support.post(`/api/support/claims/${claimId}/settle`, { outcome: 'dismiss', reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.field).toBe('reason');
    // The buyer side and the publisher may not settle (support only).
    expect((await o.fx.agency.post(`/api/support/claims/${claimId}/settle`, { outcome: 'refund', reason: 'Je veux' })).status).toBe(403);
    expect((await o.offer.publisher.post(`/api/support/claims/${claimId}/settle`, { outcome: 'dismiss', reason: 'Non' })).status).toBe(403);
    expect(await available(o.fx.agency, o.fx.ids.Boulangerie)).toBe(1_000_00 - o.price);

    const settled = await support.post(`/api/support/claims/${claimId}/settle`, { outcome: 'partial_refund', amountCents: 40_00, reason: 'Ancre modifiée sans accord' });
    expect(settled.status).toBe(200);
    expect(settled.body).toMatchObject({ status: 'refunded', refundedCents: 40_00, settleReason: 'Ancre modifiée sans accord' });
    expect(await available(o.fx.agency, o.fx.ids.Boulangerie)).toBe(1_000_00 - o.price + 40_00);
    const again = await support.post(`/api/support/claims/${claimId}/settle`, { outcome: 'dismiss', reason: 'Deux fois' });
    expect(again.status).toBe(409);
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'claim.settle').where('target_id', '=', claimId).execute();
    expect(audit).toHaveLength(1);

    // The order stays live; the same failure opens no new claim until the link passes again.
    await dueNow(o.id);
    await runMonitoring(ctx());
    expect((await support.get(`/api/claims?orderId=${o.id}`)).body.items).toHaveLength(1);
    // At the end of the control period the publisher earns on what is left of the price.
    await db().updateTable('orders').set({ payable_at: new Date(Date.now() - 1_000) }).where('id', '=', o.id).execute();
    await runBackgroundWork(ctx());
    const left = o.price - 40_00;
    expect(await available(o.offer.publisher, o.offer.publisherId)).toBe(left - Math.round((left * env.config.commissionBp) / 10_000));
    expect(await totalOfAllWallets(env)).toBe(0);
  });

  it('refunds in full when support decides so, and dismisses with a reason both sides read', async () => {
    const a = await verifiedOrder();
    await loseLink(a);
    const support = await supportClient(env);
    const [claimA] = (await support.get(`/api/claims?orderId=${a.id}`)).body.items;
    const refunded = await support.post(`/api/support/claims/${claimA.id}/settle`, { outcome: 'refund', reason: 'Lien supprimé' });
    expect(refunded.body).toMatchObject({ status: 'refunded', refundedCents: a.price });
    expect((await a.fx.agency.get(`/api/orders/${a.id}`)).body.status).toBe('lost');

    const b = await verifiedOrder();
    await loseLink(b);
    const [claimB] = (await support.get(`/api/claims?orderId=${b.id}&status=open`)).body.items;
    const dismissed = await support.post(`/api/support/claims/${claimB.id}/settle`, { outcome: 'dismiss', reason: 'Page en maintenance annoncée' });
    expect(dismissed.body).toMatchObject({ status: 'dismissed', refundedCents: 0 });
    expect((await b.fx.agency.get('/api/notifications')).body.items[0]).toMatchObject({ kind: 'claim_dismissed', body: expect.stringContaining('maintenance annoncée') });
    expect((await support.get('/api/claims?status=dismissed')).body.items.map((c: any) => c.id)).toContain(claimB.id);
    expect((await support.get('/api/claims?status=bogus')).status).toBe(400);
    expect((await support.post('/api/support/claims/00000000-0000-4000-8000-00000000beef/settle', { outcome: 'dismiss', reason: 'Inconnue' })).status).toBe(404);
  });
});

/** Another order of the same publisher (same site), verified. */
async function secondOrderOf(o: Awaited<ReturnType<typeof verifiedOrder>>): Promise<{ id: string; price: number }> {
  const path = `/blog/pain-${++pageCounter}`;
  pages.set(path, { html: withLink });
  const site = o.offer.siteId;
  const article = await o.offer.publisher.post(`/api/publisher/sites/${site}/articles`, {
    url: `${o.origin}${path}`,
    keywords: [{ keyword: 'pain au levain', position: 4, volume: 1900 }],
  });
  const project = (await o.fx.agency.get(`/api/projects?clientId=${o.fx.ids.Boulangerie}`)).body.items[0];
  const order = await o.fx.agency.post('/api/orders', { projectId: project.id, offerId: article.body.id, targetUrl: TARGET, anchor: ANCHOR });
  await o.offer.publisher.post(`/api/publisher/orders/${order.body.id}/accept`);
  await o.offer.publisher.post(`/api/publisher/orders/${order.body.id}/placed`, { liveUrl: `${o.origin}${path}` });
  await runBackgroundWork(ctx());
  return { id: order.body.id, price: order.body.priceCents };
}
