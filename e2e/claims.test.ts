// The guarantee and claims journey (issue 10), in several browsers against the real server; each
// `it` builds on the previous one. A client orders a link on a publisher's site served by this test
// on 127.0.0.1; the publisher places it and the platform verifies it; then the test takes the link
// out of the page, and the background work (run by the test, in a loop) finds it missing: the buyer
// is told (bell, order page, claims list), the publisher is asked to reinstate it, and when the
// delay runs out the order is lost and the client refunded. Support then settles another claim by
// hand with a partial refund. The server runs with durations in seconds (monitoring every second,
// 5 seconds to reinstate).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { runBackgroundWork } from '../src/server/jobs/handlers';
import {
  ApiSession,
  clearFailureScreenshots,
  contentOf,
  launchBrowser,
  newContext,
  screenshot,
  selectOption,
  signIn,
  startServer,
  textOf,
  type TestServer,
} from './support';

let server: TestServer;
let browser: Browser;
let site: Server;
let origin = ''; // http://127.0.0.1:PORT, the publisher's site
let domain = ''; // 127.0.0.1:PORT, as the site is stored
const contexts: BrowserContext[] = [];
let current: Page | null = null;

const client = { name: 'Fromagerie Lemoine', email: 'lemoine@e2e.maillon.test', password: 'lemoine-motdepasse-2026' };
const publisher = { name: 'Éditions du Fournil', email: 'fournil@e2e.maillon.test', password: 'fournil-motdepasse-2026' };
const target = 'https://www.fromagerie-lemoine.fr/reblochon-fermier';
const anchor = 'reblochon fermier';
const target2 = 'https://www.fromagerie-lemoine.fr/tomme-de-savoie';
const anchor2 = 'tomme de Savoie';

/** Which articles of the publisher's site still carry their link (the test takes them out). */
const linked: Record<string, boolean> = { '/fromages': true, '/tommes': true };
const articleHtml = (path: string) => {
  const [href, text] = path === '/fromages' ? [target, anchor] : [target2, anchor2];
  const link = linked[path] ? `<a href="${href}">${text}</a>` : text;
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Les fromages de Savoie</title></head>
<body><article><h1>Les fromages de Savoie</h1>
<p>Pour un plateau réussi, choisissez un ${link} chez un affineur.</p>
</article></body></html>`;
};

beforeAll(async () => {
  clearFailureScreenshots('claims');
  site = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path in linked) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articleHtml(path));
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  domain = origin.replace('http://', '');
  [server, browser] = await Promise.all([
    startServer({
      env: {
        MAILLON_CRAWLER_ALLOW_PRIVATE: '1',
        MAILLON_MONITOR_EVERY: '1s',
        MAILLON_MONITOR_HOST_PAUSE: '1s',
        MAILLON_MONITOR_RETRY_WINDOW: '1s',
        MAILLON_REINSTATE_DELAY: '5s',
      },
    }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
  site?.closeAllConnections();
  await new Promise((r) => site?.close(r));
});

async function openPage(): Promise<Page> {
  const context = await newContext(browser, server.url);
  contexts.push(context);
  current = await context.newPage();
  await current.setViewportSize({ width: 1440, height: 900 });
  return current;
}

function keepFailure(name: string) {
  onTestFailed(async () => {
    if (current && !current.isClosed()) await screenshot(current, `FAILED-claims-${name}`).catch(() => {});
  });
}

/** The page from its top (the fixed header would land mid-picture otherwise), at 1440 px, and at 390 px when asked. */
async function shoot(page: Page, name: string, phone = false) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, `${name}-1440`);
  if (!phone) return;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, `${name}-390`);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForTimeout(200);
}

/** What the platform does by itself (checks, claims, refunds): one pass at a time, until `probe` sees what is awaited. */
async function workUntil<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let pass = 0; pass < 240; pass++) {
    await runBackgroundWork({ db: server.database.db, config: server.config });
    const seen = await probe();
    if (seen) return seen;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the background work never got to: ${what}`);
}

const euros = (cents: number) => new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);
const normalize = (s: string) => s.replace(/\s+/g, ' ');
const bell = (page: Page) => page.getByTestId('notification-bell');

describe('guarantee and claims journey', () => {
  let clientApi: ApiSession;
  let publisherApi: ApiSession;
  let clientId = '';
  let projectId = '';
  let orderId = '';
  let order2Id = '';
  let priceCents = 0;
  let price2Cents = 0;
  const credits = 1_000_00;
  let clientPage: Page;
  let publisherPage: Page;

  it('(1) set-up: a client with credits and a project; a publisher with a validated site of two articles', async () => {
    keepFailure('1');
    clientApi = new ApiSession(server.url);
    const { account } = await clientApi.post('/api/auth/signup', { ...client, kind: 'customer' });
    clientId = account.id;
    await clientApi.patch(`/api/accounts/${clientId}`, {
      company: {
        legalName: 'Fromagerie Lemoine SARL',
        address: '3 place du Marché',
        postalCode: '74000',
        city: 'Annecy',
        country: 'FR',
        siret: '81234567800012',
      },
    });
    const topUp = await clientApi.post(`/api/accounts/${clientId}/top-ups`, { amountCents: credits, method: 'bank_transfer' });
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    await support.post(`/api/support/top-ups/${topUp.id}/confirm`);
    projectId = (
      await clientApi.post('/api/projects', {
        clientId,
        name: 'Site de la fromagerie',
        url: 'https://www.fromagerie-lemoine.fr/',
      })
    ).id;

    publisherApi = new ApiSession(server.url);
    await publisherApi.post('/api/auth/signup', { ...publisher, kind: 'publisher' });
    const created = await publisherApi.post('/api/publisher/sites', {
      domain: origin,
      theme: 'cuisine',
      siteKind: 'thematic',
      language: 'fr',
    });
    for (const [path, keyword] of [
      ['/fromages', 'reblochon fermier'],
      ['/tommes', 'tomme de savoie'],
    ]) {
      await publisherApi.post(`/api/publisher/sites/${created.id}/articles`, {
        url: `${origin}${path}`,
        keywords: [{ keyword, position: 3, volume: 1900 }],
      });
    }
    await support.post(`/api/support/sites/${created.id}/approve`);
  });

  it('(2) the publisher gives its site a 24-month guarantee; the client finds it in the catalog and orders', async () => {
    publisherPage = await openPage();
    keepFailure('2');
    await signIn(publisherPage, publisher.email, publisher.password);
    await publisherPage.getByTestId('nav-publisher').click();
    const siteRow = publisherPage.locator(`[data-testid="site-row"][data-domain="${domain}"]`);
    await siteRow.waitFor();
    const guarantee = siteRow.getByTestId('site-guarantee-select');
    expect(normalize(await guarantee.inputValue())).toBe('Par défaut (12 mois)');
    await selectOption(publisherPage, guarantee, '24 mois');
    await expect.poll(async () => normalize(await guarantee.inputValue())).toBe('24 mois');
    await expect.poll(async () => (await publisherApi.get('/api/publisher/sites')).items[0].guaranteeMonths).toBe(24);
    await shoot(publisherPage, 'c2a-publisher-site-guarantee');

    clientPage = await openPage();
    const page = clientPage;
    keepFailure('2');
    await signIn(page, client.email, client.password);
    await page.getByTestId('nav-catalog').click();
    await page.getByTestId('catalog-keyword').fill('reblochon');
    const offer = page.locator('[data-testid="offer-row"][data-keyword="reblochon fermier"]');
    await offer.waitFor();
    expect(await textOf(offer.getByTestId('offer-guarantee'))).toBe('24 mois');
    // No history yet: a new publisher.
    expect(await contentOf(offer.getByTestId('offer-reliability-new'))).toBe('Nouveau');
    await shoot(page, 'c2b-catalog-guarantee', true);

    await offer.getByTestId('order-offer').click();
    await page.getByTestId('order-offer-card').waitFor();
    await expect.poll(() => page.getByTestId('order-project').inputValue()).toBe('Site de la fromagerie (fromagerie-lemoine.fr)');
    await page.getByTestId('order-target-url').fill(target);
    await page.getByTestId('order-anchor').fill(anchor);
    await page.getByTestId('order-submit').click();
    await page.waitForURL(/\/commandes\/[0-9a-f-]{36}$/);
    orderId = page.url().split('/').pop()!;
    await page.getByTestId('order-details').waitFor();
    priceCents = (await clientApi.get(`/api/orders/${orderId}`)).priceCents;
    expect(await textOf(page.getByTestId('order-guarantee'))).toBe('Garantie : 24 mois à compter de la vérification du lien');
    expect(await textOf(page.getByTestId('order-monitoring-state'))).toBe('Commence une fois le lien vérifié.');

    // A second order, on the other article (through the API: the ordering itself is shown above).
    const offers = await clientApi.get('/api/catalog/offers?keyword=tomme');
    const second = await clientApi.post('/api/orders', {
      projectId,
      offerId: offers.items[0].offerId,
      targetUrl: target2,
      anchor: anchor2,
    });
    order2Id = second.id;
    price2Cents = second.priceCents;
  });

  it('(3) the publisher places both links; the platform verifies them and starts monitoring', async () => {
    const page = publisherPage;
    current = page;
    keepFailure('3');
    await page.getByTestId('tab-received-orders').click();
    await page.waitForURL('**/editeur/commandes');
    const row = page.locator(`[data-testid="received-row"][data-id="${orderId}"]`);
    await row.getByTestId('received-accept').click();
    await row.getByTestId('received-place').click();
    const liveForm = page.getByTestId('live-url-form');
    await liveForm.getByTestId('live-url-submit').click();
    await liveForm.waitFor({ state: 'detached' });
    await publisherApi.post(`/api/publisher/orders/${order2Id}/accept`);
    await publisherApi.post(`/api/publisher/orders/${order2Id}/placed`, { liveUrl: `${origin}/tommes` });

    await workUntil('both orders verified', async () => {
      const [a, b] = await Promise.all([clientApi.get(`/api/orders/${orderId}`), clientApi.get(`/api/orders/${order2Id}`)]);
      return a.status === 'verified' && b.status === 'verified';
    });

    // The buyer's order page: the guarantee runs from the verification, monitoring is on, the check is in the timeline.
    const buyer = clientPage;
    current = buyer;
    await buyer.reload();
    await buyer.getByTestId('order-details').waitFor();
    expect(await contentOf(buyer.getByTestId('order-page-status'))).toBe('Vérifiée');
    expect(await textOf(buyer.getByTestId('order-guarantee'))).toMatch(/^Garantie : 24 mois, jusqu’au \d{1,2}(?:er)? \S+ \d{4}$/);
    expect(await buyer.getByTestId('order-monitoring-state').locator('[data-state]').getAttribute('data-state')).toBe('active');
    await expect(buyer.getByTestId('order-claim').count()).resolves.toBe(0);
    const first = buyer.getByTestId('check-item').last();
    await first.waitFor();
    expect(await first.getAttribute('data-kind')).toBe('verification');
    expect(await first.getAttribute('data-ok')).toBe('true');
    expect(await textOf(first.getByTestId('check-time'))).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
    expect(await contentOf(first.getByTestId('check-kind'))).toBe('Vérification');
    expect(await contentOf(first.getByTestId('check-outcome'))).toBe('Conforme');
    await first.getByTestId('check-evidence-toggle').click();
    const evidence = first.getByTestId('check-evidence');
    await evidence.waitFor();
    expect(await textOf(evidence.getByTestId('evidence-final-url'))).toContain(`${origin}/fromages`);
    expect(await textOf(evidence.getByTestId('evidence-link'))).toBe(`href ${target} rel (aucun) ancre « ${anchor} »`);
    await shoot(buyer, 'c3-order-verified-monitored', true);
  });

  it('(4) the link is taken out of the page: a monitoring check finds it missing and opens a claim; the buyer sees it everywhere', async () => {
    const page = clientPage;
    current = page;
    keepFailure('4');
    const unreadBefore = (await clientApi.get('/api/notifications/unread-count')).count;
    linked['/fromages'] = false;
    const claim = await workUntil('a claim opened on the first order', async () => {
      const o = await clientApi.get(`/api/orders/${orderId}`);
      return o.claim?.status === 'open' ? o.claim : null;
    });
    expect(claim.outcome).toBe('link_missing');

    // The bell, on coming back to the window.
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await page.locator(`[data-testid="notification-bell"][data-unread="${unreadBefore + 1}"]`).waitFor();
    await bell(page).click();
    const entry = page.locator('[data-testid="notification-entry"][data-kind="claim_opened"]');
    await entry.waitFor();
    expect(await textOf(entry.getByTestId('notification-title'))).toBe(`Lien perdu ou modifié pour ${client.name}`);
    expect(await textOf(entry.getByTestId('notification-body'))).toContain(`« ${anchor} »`);
    await shoot(page, 'c4a-buyer-bell-claim');
    await entry.click();
    await page.waitForURL(`**/commandes/${orderId}`);

    // The order page: the alert says what failed and until when the publisher may reinstate the link.
    const alert = page.locator('[data-testid="order-claim"][data-status="open"]');
    await alert.waitFor();
    expect(await textOf(alert)).toContain('Réclamation ouverte : Lien absent');
    expect(await textOf(alert.getByTestId('order-claim-deadline'))).toMatch(
      new RegExp(
        `^L’éditeur a jusqu’au \\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2} pour rétablir le lien\\. Sans quoi, ${normalize(euros(priceCents))} sont rendus à ${client.name}\\.$`,
      ),
    );
    expect(await textOf(alert.getByTestId('order-claim-message'))).toBe(claim.message);
    // The timeline, newest first: the failed monitoring check, its evidence without the link.
    const latest = page.getByTestId('check-item').first();
    expect(await latest.getAttribute('data-kind')).toBe('monitoring');
    expect(await latest.getAttribute('data-outcome')).toBe('link_missing');
    expect(await contentOf(latest.getByTestId('check-kind'))).toBe('Surveillance');
    expect(await contentOf(latest.getByTestId('check-outcome'))).toBe('Lien absent');
    expect(await textOf(latest.getByTestId('check-item-message'))).toBe(claim.message);
    await latest.getByTestId('check-evidence-toggle').click();
    expect(await textOf(latest.getByTestId('evidence-link'))).toBe('Aucun lien vers la cible');
    expect(await textOf(latest.getByTestId('evidence-excerpt'))).toContain('Pour un plateau réussi');
    expect(await contentOf(page.getByTestId('order-monitoring-last').getByTestId('check-outcome'))).toBe('Lien absent');
    await shoot(page, 'c4b-order-claim-open', true);

    // The claims page of the buyer side.
    await page.getByTestId('nav-claims').click();
    await page.waitForURL('**/reclamations');
    const row = page.locator(`[data-testid="claim-row"][data-order-id="${orderId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('open');
    expect(await contentOf(row.getByTestId('claim-status'))).toBe('Ouverte');
    expect(await textOf(row.getByTestId('claim-anchor'))).toBe(`« ${anchor} »`);
    expect(await textOf(row.getByTestId('claim-deadline'))).toMatch(
      /^À rétablir avant le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/,
    );
    await selectOption(page, page.getByTestId('claims-status'), 'Remboursées');
    await page.getByTestId('claims-empty').waitFor();
    await selectOption(page, page.getByTestId('claims-status'), 'Ouvertes');
    await row.waitFor();
    await shoot(page, 'c4c-buyer-claims', true);
  });

  it('(5) the publisher sees the claim on its order, with its deadline, and asks for a re-check', async () => {
    const page = publisherPage;
    current = page;
    keepFailure('5');
    await page.reload();
    const row = page.locator(`[data-testid="received-row"][data-id="${orderId}"]`);
    await row.getByTestId('received-claim').waitFor();
    expect(await contentOf(row.getByTestId('received-claim-badge'))).toBe('Réclamation ouverte');
    expect(await textOf(row.getByTestId('received-claim-deadline'))).toMatch(
      /^À rétablir avant le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/,
    );
    await row.getByTestId('received-recheck').click();
    await row.getByTestId('received-next-check').waitFor();
    expect(await textOf(row.getByTestId('received-next-check'))).toMatch(
      /^Prochain contrôle : \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/,
    );
    await shoot(page, 'c5a-publisher-claim-recheck');

    await page.getByTestId('tab-publisher-claims').click();
    await page.waitForURL('**/editeur/reclamations');
    const claimRow = page.locator(`[data-testid="claim-row"][data-order-id="${orderId}"]`);
    await claimRow.waitFor();
    expect(await contentOf(claimRow.getByTestId('claim-status'))).toBe('Ouverte');
    await shoot(page, 'c5b-publisher-claims', true);
  });

  it('(6) the delay runs out: the order is lost and the client refunded in full, its wallet shows the credits back; the catalog shows the loss', async () => {
    const page = clientPage;
    current = page;
    keepFailure('6');
    await workUntil('the first order lost', async () => (await clientApi.get(`/api/orders/${orderId}`)).status === 'lost');

    await page.goto(`/commandes/${orderId}`);
    await page.getByTestId('order-details').waitFor();
    expect(await contentOf(page.getByTestId('order-page-status'))).toBe('Lien perdu');
    const outcome = page.locator('[data-testid="order-claim"][data-status="refunded"]');
    await outcome.waitFor();
    expect(await textOf(outcome.getByTestId('order-claim-outcome'))).toMatch(
      new RegExp(
        `^Remboursement de ${normalize(euros(priceCents))} à ${client.name} le \\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2}\\.$`,
      ),
    );
    expect(await page.getByTestId('order-monitoring-state').locator('[data-state]').getAttribute('data-state')).toBe('lost');
    await shoot(page, 'c6a-order-lost-refunded', true);

    await page.getByTestId('nav-wallet').click();
    const refund = page.locator('[data-testid="ledger-row"][data-kind="claim_refund"]');
    await refund.waitFor();
    expect(await textOf(refund.getByTestId('entry-kind'))).toBe('Remboursement (réclamation)');
    expect(normalize(await textOf(refund))).toContain(`+${normalize(euros(priceCents))}`);
    // Only the second order still holds credits.
    expect(await textOf(page.getByTestId('wallet-available'))).toBe(normalize(euros(credits - price2Cents)));
    await shoot(page, 'c6b-wallet-refund');

    await page.getByTestId('nav-claims').click();
    const row = page.locator(`[data-testid="claim-row"][data-order-id="${orderId}"]`);
    await row.waitFor();
    expect(await contentOf(row.getByTestId('claim-status'))).toBe('Remboursée');

    // The publisher's record in the catalog, refreshed now (it is every ten minutes): one link lost of the two placed.
    await runBackgroundWork({ db: server.database.db, config: server.config }, { force: true });
    await page.getByTestId('nav-catalog').click();
    await page.getByTestId('catalog-keyword').fill('tomme');
    const offer = page.locator('[data-testid="offer-row"][data-keyword="tomme de savoie"]');
    await offer.getByTestId('offer-reliability').waitFor();
    expect(normalize(await textOf(offer.getByTestId('reliability-lost')))).toBe('Perte 50 %');
    expect(normalize(await textOf(offer.getByTestId('reliability-acceptance')))).toBe('Acceptation 100 %');
    await shoot(page, 'c6c-catalog-reliability', true);
  });

  it('(7) support settles another claim with a partial refund through its modal: the server’s errors in the form, a 409 for an agent who settles it too late', async () => {
    linked['/tommes'] = false;
    await workUntil(
      'a claim opened on the second order',
      async () => (await clientApi.get(`/api/orders/${order2Id}`)).claim?.status === 'open',
    );

    const page = await openPage();
    keepFailure('7');
    await signIn(page, server.support.email, server.support.password);
    await page.getByTestId('nav-support').click();
    await page.getByTestId('tab-claims').click();
    await page.waitForURL('**/support/reclamations');
    const rows = page.getByTestId('claim-row');
    await rows.first().waitFor();
    // Open claims first: the second order's, then the refunded one.
    expect(await rows.evaluateAll((items) => items.map((i) => i.getAttribute('data-status')))).toEqual(['open', 'refunded']);
    const row = page.locator(`[data-testid="claim-row"][data-order-id="${order2Id}"]`);
    expect(await textOf(row.getByTestId('claim-client'))).toBe(client.name);
    await shoot(page, 'c7a-support-claims', true);

    // A second support agent opens the same claim in its own window (it settles it too late, below).
    const other = await openPage();
    await signIn(other, server.support.email, server.support.password);
    await other.goto('/support/reclamations');
    await other.locator(`[data-testid="claim-row"][data-order-id="${order2Id}"]`).getByTestId('claim-settle').click();
    const late = other.getByTestId('settle-form');
    await late.getByTestId('settle-dismiss').check();
    await late.getByTestId('settle-reason').fill('Le lien est en place, fausse alerte.');
    current = page;

    await row.getByTestId('claim-settle').click();
    const form = page.getByTestId('settle-form');
    await form.getByTestId('settle-partial').check();
    // The whole price is not a partial refund: the server says so next to the amount.
    await form.getByTestId('settle-amount').fill(String(price2Cents / 100));
    await form.getByTestId('settle-reason').fill('Lien remis en place tardivement, geste commercial de moitié.');
    await form.getByTestId('settle-submit').click();
    const amountError = form.locator('.mantine-NumberInput-error');
    await amountError.waitFor();
    expect(await textOf(amountError)).toContain('Le remboursement partiel doit être compris entre 0,01 €');
    await shoot(page, 'c7b-support-settle-422', true);

    const half = Math.round(price2Cents / 2);
    await form.getByTestId('settle-amount').fill(String(half / 100).replace('.', ','));
    await form.getByTestId('settle-submit').click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => row.getAttribute('data-status')).toBe('refunded');
    expect(await textOf(row.getByTestId('claim-refunded'))).toBe(`${normalize(euros(half))} remboursés`);
    expect(await textOf(row.getByTestId('claim-settle-reason'))).toBe(
      'Motif : Lien remis en place tardivement, geste commercial de moitié.',
    );
    await shoot(page, 'c7c-support-settled');

    // The other agent's decision comes too late: the server's 409, in its form.
    current = other;
    await late.getByTestId('settle-submit').click();
    const conflict = late.getByTestId('settle-error');
    await conflict.waitFor();
    expect(await textOf(conflict)).toContain('Impossible : cette réclamation est déjà close');
    await shoot(other, 'c7d-support-settle-409');
    current = page;

    // The buyer's order page: the partial refund and support's reason.
    const buyer = clientPage;
    current = buyer;
    await buyer.goto(`/commandes/${order2Id}`);
    const outcome = buyer.locator('[data-testid="order-claim"][data-status="refunded"]');
    await outcome.waitFor();
    expect(await textOf(outcome.getByTestId('order-claim-outcome'))).toContain(
      `Remboursement de ${normalize(euros(half))} à ${client.name}`,
    );
    expect(await textOf(outcome.getByTestId('order-claim-reason'))).toBe(
      'Motif : Lien remis en place tardivement, geste commercial de moitié.',
    );
    await shoot(buyer, 'c7e-order-partial-refund', true);
  });
});
