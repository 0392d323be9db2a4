import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runBackgroundWork } from '../jobs/handlers.js';
import { runMonitoring } from '../modules/links/service.js';
import { completePayableOrders } from '../modules/orders/service.js';
import { fundWallet, makeAgency, makeOffer, supportClient, type AgencyFixture, type Client, type TestEnv } from './harness.js';

/**
 * Real orders for the earnings and payouts tests, made through the API as users make them: a
 * buyer orders on a publisher's article served by a local HTTP server, the publisher accepts and
 * places the link, the verification job checks it. The control period, the completion date and a
 * claim's partial refund are then forced as the claims tests force them. The env must allow private
 * crawler addresses (`MAILLON_CRAWLER_ALLOW_PRIVATE: '1'`, `MAILLON_CRAWLER_RETRY_DELAYS: ''`).
 */

const TARGET = 'https://boulangerie-test.fr/pain-au-levain';
const ANCHOR = 'pain au levain bio';
const withLink = `<article><h1>Le pain</h1><p>Notre adresse : <a href="${TARGET}">${ANCHOR}</a>, rue du Four.</p></article>`;
const withoutLink = '<article><h1>Le pain</h1><p>Article mis à jour, sans lien.</p></article>';

export type Buyer = { fx: AgencyFixture; projectId: string; clientId: string };
export type Seller = { publisher: Client; publisherId: string; siteId: string; origin: string };
export type PlacedOrder = { id: string; priceCents: number; path: string; publisherId: string };

export class EarningsFixture {
  private server: Server | null = null;
  private port = 0;
  private hostCounter = 1;
  private pageCounter = 0;
  private readonly pages = new Map<string, string>();

  constructor(private readonly env: TestEnv) {}

  private ctx = () => ({ db: this.env.database.db, config: this.env.config });

  async start() {
    this.server = createServer((req, res) => {
      const html = this.pages.get(req.url ?? '');
      if (html === undefined) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Introuvable</h1>');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '0.0.0.0', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  /** An agency with a funded client and a project to order for. */
  async buyer(credits = 5_000_00): Promise<Buyer> {
    const fx = await makeAgency(this.env, 'complete', [
      ['Claire', 'consultant', 'agency'],
      ['Boulangerie', 'client', 'Claire'],
    ]);
    await fundWallet(this.env, fx.agency, fx.agencyId, credits);
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: credits });
    const project = await fx.agency.post('/api/projects', {
      clientId: fx.ids.Boulangerie,
      name: 'Site vitrine',
      url: 'https://boulangerie-test.fr/',
    });
    if (project.status !== 201) throw new Error(`project failed: ${JSON.stringify(project.body)}`);
    return { fx, projectId: project.body.id, clientId: fx.ids.Boulangerie };
  }

  /** A publisher with an approved site on its own local host (127.0.0.N). */
  async seller(): Promise<Seller> {
    const origin = `http://127.0.0.${++this.hostCounter}:${this.port}`;
    const path = `/blog/pain-${++this.pageCounter}`;
    this.pages.set(path, withLink);
    const offer = await makeOffer(this.env, { domain: origin, url: `${origin}${path}` });
    this.firstOffers.set(offer.siteId, { offerId: offer.offerId, path });
    return { publisher: offer.publisher, publisherId: offer.publisherId, siteId: offer.siteId, origin };
  }

  /** The article each site was made with, until an order takes it. */
  private readonly firstOffers = new Map<string, { offerId: string; path: string }>();

  /** An offer of the seller's site, on a page of its own (the article the site was made with, then new ones). */
  private async offerOf(seller: Seller) {
    const first = this.firstOffers.get(seller.siteId);
    if (first) {
      this.firstOffers.delete(seller.siteId);
      return first;
    }
    const path = `/blog/pain-${++this.pageCounter}`;
    this.pages.set(path, withLink);
    const article = await seller.publisher.post(`/api/publisher/sites/${seller.siteId}/articles`, {
      url: `${seller.origin}${path}`,
      keywords: [{ keyword: `pain au levain ${this.pageCounter}`, position: 4, volume: 1900 }],
    });
    if (article.status !== 201) throw new Error(`article failed: ${JSON.stringify(article.body)}`);
    return { offerId: article.body.id as string, path };
  }

  /** The buyer orders on the seller's site, the seller accepts and places the link, the job verifies it. */
  async verifiedOrder(buyer: Buyer, seller: Seller): Promise<PlacedOrder> {
    const { offerId, path } = await this.offerOf(seller);
    const order = await buyer.fx.agency.post('/api/orders', {
      projectId: buyer.projectId,
      offerId,
      targetUrl: TARGET,
      anchor: ANCHOR,
    });
    if (order.status !== 201) throw new Error(`order failed: ${JSON.stringify(order.body)}`);
    const id = order.body.id as string;
    const accepted = await seller.publisher.post(`/api/publisher/orders/${id}/accept`);
    if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
    const placed = await seller.publisher.post(`/api/publisher/orders/${id}/placed`, { liveUrl: `${seller.origin}${path}` });
    if (placed.status !== 200) throw new Error(`placed failed: ${JSON.stringify(placed.body)}`);
    await runBackgroundWork(this.ctx());
    const detail = await buyer.fx.agency.get(`/api/orders/${id}`);
    if (detail.body.status !== 'verified') throw new Error(`not verified: ${JSON.stringify(detail.body.lastCheck)}`);
    return { id, priceCents: order.body.priceCents as number, path, publisherId: seller.publisherId };
  }

  /** Ends the control period of these orders and runs the completion as if it were `at` (their `completed_at`). */
  async complete(orderIds: string[], at: Date): Promise<void> {
    const db = this.env.database.db;
    await db
      .updateTable('orders')
      .set({ payable_at: new Date(at.getTime() - 1_000) })
      .where('id', 'in', orderIds)
      .execute();
    await completePayableOrders(this.ctx(), at);
  }

  /** The link disappears, the monitoring opens a claim, support settles it by refunding `amountCents` (null: in full). */
  async refund(order: PlacedOrder, amountCents: number | null, reason = 'Ancre modifiée sans accord'): Promise<void> {
    const db = this.env.database.db;
    this.pages.set(order.path, withoutLink);
    const past = new Date(Date.now() - 1_000);
    await db.updateTable('link_monitors').set({ next_check_at: past }).where('order_id', '=', order.id).execute();
    await db.updateTable('monitor_hosts').set({ available_at: past }).execute();
    await runMonitoring(this.ctx());
    const support = await supportClient(this.env);
    const claims = await support.get(`/api/claims?orderId=${order.id}&status=open`);
    const claim = claims.body.items?.[0];
    if (!claim) throw new Error(`no open claim for ${order.id}`);
    const settled = await support.post(`/api/support/claims/${claim.id}/settle`, {
      outcome: amountCents === null ? 'refund' : 'partial_refund',
      ...(amountCents === null ? {} : { amountCents }),
      reason,
    });
    if (settled.status !== 200) throw new Error(`settle failed: ${JSON.stringify(settled.body)}`);
    this.pages.set(order.path, withLink);
  }
}
