// The marketplace journey, in several browsers against the real server; each `it` builds on the
// previous one. A publisher's site is served by this test on 127.0.0.1 (the server may fetch
// private addresses here), so the link it places is really fetched and checked.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { runBackgroundWork } from '../src/server/jobs/handlers';
import {
  ApiSession,
  clearFailureScreenshots,
  contentOf,
  createAgency,
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  startServer,
  textOf,
  type TestServer,
} from './support';

let server: TestServer;
let browser: Browser;
let site: Server;
let origin = ''; // http://127.0.0.1:PORT, the publisher's site
const contexts: BrowserContext[] = [];
let current: Page | null = null;

const owner = { name: 'Agence Levain SEO', email: 'levain@e2e.maillon.test', password: 'levain-motdepasse-2026' };
const consultant = { name: 'Chloé Consultante', email: 'chloe@e2e.maillon.test', password: 'chloe-motdepasse-2026' };
const client = 'Boulangerie Dupont';
const publisher = { name: 'Éditions du Fournil', email: 'fournil@e2e.maillon.test', password: 'fournil-motdepasse-2026' };
const target = 'https://www.boulangerie-dupont.fr/pain-au-levain';
const anchor = 'pain au levain bio';

/** What the publisher's site answers: the article, with or without `rel="nofollow"` on the ordered link. */
let articleRel = 'nofollow';
const articleHtml = () => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Le pain au levain</title></head>
<body><article><h1>Réussir son pain au levain</h1>
<p>Pour un bon pain, rien ne vaut une boulangerie artisanale : <a href="${target}"${articleRel ? ` rel="${articleRel}"` : ''}>${anchor}</a>.</p>
</article></body></html>`;

beforeAll(async () => {
  clearFailureScreenshots('marketplace');
  site = createServer((req, res) => {
    if (req.url === '/article') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articleHtml());
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  [server, browser] = await Promise.all([startServer({ env: { MAILLON_CRAWLER_ALLOW_PRIVATE: '1', MAILLON_IMPORT_MAX_KEYWORDS_PER_URL: '50' } }), launchBrowser()]);
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
  return current;
}

function keepFailure(name: string) {
  onTestFailed(async () => {
    if (current && !current.isClosed()) await screenshot(current, `FAILED-marketplace-${name}`).catch(() => {});
  });
}

/** What the platform does by itself (imports, link checks): the test runs one pass when it needs it. */
const backgroundWork = () => runBackgroundWork({ db: server.database.db, config: server.config });

const euros = (cents: number) => new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);
const normalize = (s: string) => s.replace(/\s+/g, ' ');

describe('marketplace journey', () => {
  let agencyId = '';
  let clientId = '';
  let siteId = '';
  let priceCents = 0;
  let orderId = '';
  const clientCredits = 50_00;
  let consultantPage: Page;
  let publisherPage: Page;

  it('(1) set-up: an agency with a consultant and its client, credits, a project; a publisher with a site and an article', async () => {
    keepFailure('1');
    const agency = await createAgency(server, owner, 'complete');
    agencyId = agency.id;
    const chloe = await agency.api.post('/api/accounts', { role: 'consultant', name: consultant.name, email: consultant.email, parentId: agencyId });
    const boulangerie = await agency.api.post('/api/accounts', { role: 'client', name: client, parentId: chloe.id });
    clientId = boulangerie.id;

    // Credits: a bank transfer confirmed by support, then spread: a little to the client, more to its consultant.
    await agency.api.patch(`/api/accounts/${agencyId}`, {
      company: { legalName: 'Levain SEO SAS', address: '12 rue des Fours', postalCode: '69002', city: 'Lyon', country: 'FR', siret: '81234567800012' },
    });
    const topUp = await agency.api.post(`/api/accounts/${agencyId}/top-ups`, { amountCents: 2_000_00, method: 'bank_transfer' });
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    await support.post(`/api/support/top-ups/${topUp.id}/confirm`);
    await agency.api.post('/api/transfers', { fromAccountId: agencyId, toAccountId: clientId, amountCents: clientCredits });
    await agency.api.post('/api/transfers', { fromAccountId: agencyId, toAccountId: chloe.id, amountCents: 1_000_00 });
    await agency.api.post('/api/projects', { clientId, name: 'Site de la boulangerie', url: 'https://www.boulangerie-dupont.fr/' });

    // The publisher proposes its site (served by this test) with one article.
    const pub = new ApiSession(server.url);
    await pub.post('/api/auth/signup', { ...publisher, kind: 'publisher' });
    const created = await pub.post('/api/publisher/sites', { domain: origin, theme: 'cuisine', siteKind: 'thematic', language: 'fr' });
    siteId = created.id;
    expect(created).toMatchObject({ domain: origin.replace('http://', ''), status: 'pending_review' });
    const article = await pub.post(`/api/publisher/sites/${siteId}/articles`, {
      url: `${origin}/article`,
      keywords: [
        { keyword: 'pain au levain bio', position: 3, volume: 1900 },
        { keyword: 'levain maison', position: 8, volume: 700 },
      ],
    });
    priceCents = article.priceCents;
    expect(priceCents).toBeGreaterThan(clientCredits);
  });

  it('(2) support validates the site in "Sites à valider" and looks at the price grid', async () => {
    const page = await openPage();
    keepFailure('2');
    await signIn(page, server.support.email, server.support.password);
    await page.getByTestId('nav-support').click();
    await page.getByTestId('tab-sites-review').click();
    await page.waitForURL('**/support/sites');
    const row = page.locator(`[data-testid="review-row"][data-domain="${origin.replace('http://', '')}"]`);
    await row.waitFor();
    expect(await textOf(row)).toContain(publisher.name);
    expect(await textOf(row)).toContain('Cuisine');
    await screenshot(page, 'm2a-support-sites-to-review');
    await row.getByTestId('approve-site').click();
    await page.getByTestId('review-empty').waitFor();

    await page.getByTestId('tab-price-grid').click();
    await page.getByTestId('grid-row').first().waitFor();
    expect(await page.getByTestId('grid-row').count()).toBeGreaterThan(4);
    await screenshot(page, 'm2b-support-price-grid');
  });

  it('(3) the consultant accepts its invitation, finds "levain" in the catalog and orders, topping up from its own wallet', async () => {
    // Its invitation, from support's outbox, opened in its own browser.
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    const { items } = await support.get(`/api/support/outbox?to=${encodeURIComponent(consultant.email)}`);
    const link = /https?:\/\/\S+/.exec(items[0].text)![0];
    consultantPage = await openPage();
    const page = consultantPage;
    keepFailure('3');
    await page.goto(link);
    await page.getByTestId('invitation-details').waitFor();
    await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(consultant.password);
    await page.getByRole('textbox', { name: 'Confirmez le mot de passe', exact: true }).fill(consultant.password);
    await page.getByRole('button', { name: 'Activer mon accès' }).click();
    await page.getByTestId('main-nav').waitFor();

    // The catalog: a keyword search, the offer without its domain or URL.
    await page.getByTestId('nav-catalog').click();
    await page.waitForURL('**/catalogue');
    await page.getByTestId('catalog-keyword').fill('levain');
    const offer = page.locator('[data-testid="offer-row"][data-keyword="pain au levain bio"]');
    await offer.waitFor();
    await page.waitForURL((url) => url.pathname === '/catalogue' && url.search === '?keyword=levain');
    // one row per article: its other keyword matching « levain » as a chip (keyword · position)
    // polled: until the debounced search answers, the row is the one of the unfiltered list (no chip)
    await expect.poll(() => textOf(offer)).toBe(`pain au levain bio levain maison · 8 3 1 900 2 Cuisine Thématique 12 mois NOUVEAU ${normalize(euros(priceCents))} Commander`);
    const table = await textOf(page.getByTestId('offers-table'));
    expect(table).not.toContain('127.0.0.1');
    expect(table).not.toContain('http');
    await screenshot(page, 'm3a-catalog-search');

    // The order form: its only client and that client's only project are chosen already.
    await offer.getByTestId('order-offer').click();
    await page.waitForURL('**/commander/**');
    await page.getByTestId('order-offer-card').waitFor();
    expect(await textOf(page.getByTestId('order-offer-price'))).toBe(normalize(euros(priceCents)));
    await expect.poll(() => page.getByTestId('order-client').inputValue()).toBe(client);
    await expect.poll(() => page.getByTestId('order-project').inputValue()).toBe('Site de la boulangerie (boulangerie-dupont.fr)');
    expect(await textOf(page.getByTestId('order-client-balance'))).toBe(`Crédits disponibles de ${client} : ${normalize(euros(clientCredits))}`);

    // A campaign for it, created from the form, with a budget and dates.
    await page.getByTestId('order-new-campaign').click();
    const campaignForm = page.getByTestId('new-campaign-form');
    await campaignForm.getByTestId('campaign-name').fill('Lancement printemps');
    await campaignForm.getByTestId('campaign-budget').fill('1000');
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await campaignForm.getByTestId('campaign-starts').fill(day(0));
    await campaignForm.getByTestId('campaign-ends').fill(day(90));
    await campaignForm.getByTestId('campaign-submit').click();
    await campaignForm.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('order-campaign').inputValue()).toBe('Lancement printemps');
    expect(await textOf(page.getByTestId('order-campaign-budget'))).toContain(`Budget : 0,00 € engagés sur ${normalize(euros(1_000_00))}`);

    // A target off the project's domain: the server's message next to the field.
    await page.getByTestId('order-target-url').fill('https://ailleurs.fr/pain');
    await page.getByTestId('order-anchor').fill(anchor);
    await page.getByTestId('order-brief').fill('Un paragraphe sur le pain au levain artisanal.');
    await page.getByTestId('order-submit').click();
    const targetError = page.getByText('L\u2019URL cible doit être sur le domaine du projet (boulangerie-dupont.fr).').or(
      page.getByText("L'URL cible doit être sur le domaine du projet (boulangerie-dupont.fr)."),
    );
    await targetError.waitFor();

    // The client's wallet is short: the server names the missing amount, the consultant tops up from its own wallet.
    await page.getByTestId('order-target-url').fill(target);
    await page.getByTestId('order-submit').click();
    const shortfall = page.getByTestId('order-shortfall');
    await shortfall.waitFor();
    expect(await textOf(page.getByTestId('order-shortfall-message'))).toBe(
      `Crédits insuffisants sur le compte de ${client} : il manque ${normalize(euros(priceCents - clientCredits))}.`,
    );
    await page.getByTestId('order-fund-from').click();
    await page.getByRole('option', { name: new RegExp(`^${consultant.name} \\(vous\\) — 1\\s000,00\\s€ disponibles$`) }).click();
    await page.evaluate(() => window.scrollTo(0, 0)); // the fixed header would land mid-picture
    await screenshot(page, 'm3b-order-form-shortfall');
    await page.getByTestId('order-fund-submit').click();

    // The order page: placed, the price held, the history.
    await page.waitForURL(/\/commandes\/[0-9a-f-]{36}$/);
    orderId = page.url().split('/').pop()!;
    await page.getByTestId('order-details').waitFor();
    expect(await contentOf(page.getByTestId('order-page-status'))).toBe('Commandée');
    expect(await textOf(page.getByTestId('order-detail-client'))).toBe(client);
    expect(await textOf(page.getByTestId('order-detail-anchor'))).toBe(anchor);
    expect(await textOf(page.getByTestId('order-live-url'))).toBe('Communiquée par l’éditeur une fois le lien posé.');
    const history = page.getByTestId('history-item');
    await expect(history.count()).resolves.toBe(1);
    expect(await textOf(history.first())).toContain(`Commandée`);
    expect(await textOf(history.first())).toContain(`par ${consultant.name}`);
    expect(await textOf(history.first())).toContain(`attribués depuis un autre portefeuille`);
    await page.getByTestId('order-cancel').waitFor();
    await screenshot(page, 'm3c-order-placed');
  });

  it('(4) the publisher imports a CSV, then accepts the order and gives the live URL; the check fails, then passes', async () => {
    publisherPage = await openPage();
    const page = publisherPage;
    keepFailure('4');
    await signIn(page, publisher.email, publisher.password);
    await page.getByTestId('nav-publisher').click();
    await page.waitForURL('**/editeur');
    const siteRow = page.locator(`[data-testid="site-row"][data-domain="${origin.replace('http://', '')}"]`);
    await siteRow.waitFor();
    expect(await contentOf(siteRow.getByTestId('site-status'))).toBe('Validé');
    await screenshot(page, 'm4a-publisher-sites');

    await siteRow.getByTestId('open-site').click();
    await page.getByTestId('articles-table').waitFor();
    await page.getByTestId('import-csv').click();

    // An export over the stated limit of keywords per URL (50 on this server): the import fails and says why.
    const tooMany = `Keyword,Position,Search Volume,URL\n${Array.from({ length: 51 }, (_, i) => `pain ${i},${1 + i},100,${origin}/pain\n`).join('')}`;
    await page.locator('input[type="file"]').setInputFiles({ name: 'trop.csv', mimeType: 'text/csv', buffer: Buffer.from(tooMany) });
    await page.getByTestId('import-start').click();
    await page.locator('[data-testid="import-progress"][data-status="queued"]').waitFor();
    await backgroundWork();
    await page.getByTestId('import-failed').waitFor();
    expect(normalize(await textOf(page.getByTestId('import-failed')))).toContain('au plus 50 par URL');
    await screenshot(page, 'm4b-publisher-import-failed');
    await page.getByTestId('import-again').click();

    // A keyword export: one good line, one off the site's domain.
    const csv = `Keyword,Position,Search Volume,URL\nbaguette tradition,5,880,${origin}/baguette\ncroissant,2,5400,https://ailleurs.fr/croissant\n`;
    await page.locator('input[type="file"]').setInputFiles({ name: 'semrush.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('import-start').click();
    await page.locator('[data-testid="import-progress"][data-status="queued"]').waitFor();
    await backgroundWork();
    await page.getByTestId('import-done').waitFor();
    expect(await textOf(page.getByTestId('import-created-keywords'))).toBe('1');
    expect(await textOf(page.getByTestId('import-created-articles'))).toBe('1');
    expect(await textOf(page.getByTestId('import-error-count'))).toBe('1 ligne refusée');
    const errorRow = page.getByTestId('import-error-row');
    await expect(errorRow.count()).resolves.toBe(1);
    expect(await textOf(errorRow)).toContain('ailleurs.fr');
    await screenshot(page, 'm4b-publisher-import');
    await page.getByTestId('import-close').click();
    await expect.poll(() => page.getByTestId('article-row').count()).toBe(2);

    // The order received: the article, the anchor and target asked for; accepted.
    await page.getByTestId('nav-publisher').click();
    await page.getByTestId('tab-received-orders').click();
    await page.waitForURL('**/editeur/commandes');
    const row = page.locator(`[data-testid="received-row"][data-id="${orderId}"]`);
    await row.waitFor();
    expect(await contentOf(row.getByTestId('order-status'))).toBe('Commandée');
    expect(await textOf(row.getByTestId('received-anchor'))).toBe(`« ${anchor} »`);
    expect(await textOf(row.getByTestId('received-target'))).toBe(`→ ${target}`);
    await row.getByTestId('received-accept').click();
    await row.getByTestId('received-place').waitFor();
    expect(await contentOf(row.getByTestId('order-status'))).toBe('Acceptée');

    // The live URL (the article is served with rel="nofollow" at first).
    await row.getByTestId('received-place').click();
    const liveForm = page.getByTestId('live-url-form');
    await expect(liveForm.getByTestId('live-url').inputValue()).resolves.toBe(`${origin}/article`);
    await liveForm.getByTestId('live-url-submit').click();
    await liveForm.waitFor({ state: 'detached' });
    await row.getByTestId('received-checking').waitFor();
    expect(await contentOf(row.getByTestId('order-status'))).toBe('Lien posé');

    await backgroundWork();
    await page.reload();
    await row.getByTestId('received-check').waitFor();
    expect(await textOf(row.getByTestId('received-check'))).toContain('Non conforme');
    expect(await textOf(row.getByTestId('check-message'))).toContain('Lien en nofollow');
    await screenshot(page, 'm4c-publisher-check-failed');

    // Fixed on the site, submitted again: verified.
    articleRel = '';
    await row.getByTestId('received-fix').click();
    await page.getByTestId('live-url-form').getByTestId('live-url-submit').click();
    await page.getByTestId('live-url-form').waitFor({ state: 'detached' });
    await backgroundWork();
    await page.reload();
    await row.getByTestId('received-check').waitFor();
    expect(await contentOf(row.getByTestId('order-status'))).toBe('Vérifiée');
    expect(await textOf(row.getByTestId('received-check'))).toContain('Conforme');
    await screenshot(page, 'm4d-publisher-verified');
  });

  it('(5) the consultant sees the order verified, with its live URL, last check and history', async () => {
    const page = consultantPage;
    current = page;
    keepFailure('5');
    await page.reload();
    await page.getByTestId('order-details').waitFor();
    expect(await contentOf(page.getByTestId('order-page-status'))).toBe('Vérifiée');
    expect(await textOf(page.getByTestId('order-live-url'))).toBe(`${origin}/article`);
    expect(await textOf(page.getByTestId('order-last-check'))).toContain('Conforme');
    expect(await textOf(page.getByTestId('check-message'))).toBe(
      `Lien vérifié sur ${origin}/article : lien suivi (dofollow) vers ${target}, ancre « ${anchor} », page indexable.`,
    );
    await expect(page.getByTestId('order-cancel').count()).resolves.toBe(0);
    const statuses = await page.getByTestId('history-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-status')));
    expect(statuses).toEqual(['placed', 'accepted', 'link_placed', 'verification_failed', 'link_placed', 'verified']);
    const history = await textOf(page.getByTestId('order-history'));
    expect(history).toContain(`par ${publisher.name}`);
    expect(history).toContain('Maillon (automatique)');
    expect(history).toContain('Lien en nofollow');
    await screenshot(page, 'm5-order-verified');
  });

  it('(6) the agency follows the order in its orders view and in the client’s row of the Clients tab', async () => {
    const page = await openPage();
    keepFailure('6');
    await signIn(page, owner.email, owner.password);
    await page.getByTestId('nav-orders').click();
    await page.waitForURL('**/commandes');
    const row = page.locator(`[data-testid="order-row"][data-id="${orderId}"]`);
    await row.waitFor();
    expect(await textOf(row.getByTestId('order-client'))).toBe(client);
    expect(await textOf(row.getByTestId('order-person'))).toBe(consultant.name);
    expect(await textOf(row.getByTestId('order-keyword'))).toBe('pain au levain bio');
    expect(await textOf(row.getByTestId('order-anchor'))).toBe(anchor);
    expect(await contentOf(row.getByTestId('order-status'))).toBe('Vérifiée');
    expect(await textOf(row.getByTestId('order-price'))).toBe(normalize(euros(priceCents)));
    expect(await textOf(page.getByTestId('orders-count'))).toBe('1 commande');
    expect(await textOf(page.getByTestId('orders-total'))).toBe(normalize(euros(priceCents)));
    expect(await contentOf(page.getByTestId('orders-by-status'))).toBe('Vérifiée · 1');
    await expect(page.getByTestId('orders-export').getAttribute('href')).resolves.toBe('/api/orders.csv');

    // Filtering by status follows into the Excel export link.
    await page.getByTestId('orders-status').click();
    await page.getByRole('option', { name: 'Vérifiée' }).click();
    await page.waitForURL((url) => url.pathname === '/commandes' && url.search === '?status=verified');
    await row.waitFor();
    await page.locator('[data-testid="orders-export"][href="/api/orders.csv?status=verified"]').waitFor();
    await screenshot(page, 'm6a-agency-orders');

    // The Clients tab: the client's row with its project, orders by status and this month's spend.
    await page.getByTestId('nav-agency').click();
    await page.getByTestId('tab-clients').click();
    await page.waitForURL('**/agence/clients');
    const overview = page.locator(`[data-testid="overview-row"][data-name="${client}"]`);
    await overview.waitFor();
    expect(await textOf(overview.getByTestId('overview-projects'))).toBe('1');
    expect(await contentOf(overview.getByTestId('overview-orders'))).toBe('Vérifiée · 1');
    expect(await textOf(overview.getByTestId('overview-spend'))).toBe(normalize(euros(priceCents)));
    expect(await textOf(overview.getByTestId('overview-balance'))).toBe('0,00 €');
    expect(await textOf(overview.getByTestId('overview-campaigns'))).toBe('1');
    await screenshot(page, 'm6b-agency-clients-follow-up');

    // The campaigns of the portfolio: budget against what is committed.
    await page.getByTestId('follow-up-view').getByText('Campagnes').click();
    const campaign = page.locator('[data-testid="campaign-row"][data-name="Lancement printemps"]');
    await campaign.waitFor();
    expect(await textOf(campaign)).toContain(`${client} ${consultant.name}`);
    expect(await textOf(campaign.getByTestId('campaign-budget'))).toBe(`${normalize(euros(priceCents))} / ${normalize(euros(1_000_00))}`);
    await screenshot(page, 'm6c-agency-campaigns');
  });

  it('(7) in English, the same pages speak English', async () => {
    const page = current!;
    keepFailure('7');
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByTestId('nav-orders').click();
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    expect(await textOf(page.getByTestId('orders-count'))).toBe('1 order');
    expect(await contentOf(page.getByTestId('orders-by-status'))).toBe('Verified · 1');
    await page.getByTestId('nav-catalog').click();
    await page.getByTestId('catalog-keyword').fill('levain');
    const offer = page.locator('[data-testid="offer-row"][data-keyword="pain au levain bio"]');
    await offer.waitFor();
    // numbers the English way: "1,900", "€175.00"
    const enEuros = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(priceCents / 100);
    // polled: until the debounced search answers, the row is the one of the unfiltered list (no chip)
    await expect.poll(() => textOf(offer)).toBe(`pain au levain bio levain maison · 8 3 1,900 2 Cooking Thematic 12 months NEW ${enEuros} Order`);
    await screenshot(page, 'm7-catalog-english');
  });
});
