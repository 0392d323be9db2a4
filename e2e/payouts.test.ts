// The publisher payouts journey (issue 11), in two browsers against the real server; each `it`
// builds on the previous one. A business publisher earns money on two completed orders (a client
// orders links on the publisher's site served by this test on 127.0.0.1, the platform verifies
// them, and with no control period the background work completes them). The publisher fills its
// billing profile (a wrong SIRET first: the server's error lands under the field), uploads an URSSAF
// certificate (a small PDF made here) and accepts the self-billing mandate; support accepts the
// document; the publisher asks for a transfer; support approves it in a batch, downloads the SEPA
// file and marks the batch paid; the publisher sees it paid and downloads its self-billed invoice.
// Then an individual publisher links its buyer account and converts its earnings into credits.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import PDFDocument from 'pdfkit';
import { PDFParse } from 'pdf-parse';
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
let second: Server | undefined; // the individual publisher's site
let origin = ''; // http://127.0.0.1:PORT, the publisher's site
const contexts: BrowserContext[] = [];
let current: Page | null = null;

const client = { name: 'Cave Morel', email: 'morel@e2e.maillon.test', password: 'morel-motdepasse-2026' };
const publisher = { name: 'Éditions de la Vigne', email: 'vigne@e2e.maillon.test', password: 'vigne-motdepasse-2026' };
const individual = { name: 'Jeanne Morel', email: 'jeanne@e2e.maillon.test', password: 'jeanne-motdepasse-2026' };
const articles = [
  { path: '/vins-du-jura', target: 'https://www.cave-morel.fr/vin-jaune', anchor: 'vin jaune', keyword: 'vin jaune du jura' },
  { path: '/cremants', target: 'https://www.cave-morel.fr/cremant', anchor: 'crémant du Jura', keyword: 'cremant du jura' },
];
const billing = {
  legalName: 'Éditions de la Vigne SARL',
  address: '12 rue des Vignerons',
  postalCode: '39600',
  city: 'Arbois',
  siret: '85234196500014',
  badSiret: '85234196500015',
  iban: 'FR14 2004 1010 0505 0001 3M02 606',
  ibanCompact: 'FR1420041010050500013M02606',
  bic: 'PSSTFRPPPAR',
  holder: 'Éditions de la Vigne',
};

const articleHtml = (path: string) => {
  const a = articles.find((x) => x.path === path)!;
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Les vins du Jura</title></head>
<body><article><h1>Les vins du Jura</h1>
<p>Pour accompagner un comté, rien ne vaut un <a href="${a.target}">${a.anchor}</a> bien choisi.</p>
</article></body></html>`;
};

function serveArticles(req: IncomingMessage, res: ServerResponse) {
  const path = (req.url ?? '/').split('?')[0];
  if (articles.some((a) => a.path === path))
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articleHtml(path));
  else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
}

beforeAll(async () => {
  clearFailureScreenshots('payouts');
  site = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (articles.some((a) => a.path === path))
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articleHtml(path));
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  [server, browser] = await Promise.all([
    // No control period: a verified order completes on the next pass of the background work.
    startServer({ env: { MAILLON_CRAWLER_ALLOW_PRIVATE: '1', MAILLON_CONTROL_DAYS: '0' } }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
  for (const s of [site, second]) {
    s?.closeAllConnections();
    await new Promise((r) => (s ? s.close(r) : r(undefined)));
  }
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
    if (current && !current.isClosed()) await screenshot(current, `FAILED-payouts-${name}`).catch(() => {});
  });
}

/** The page from its top, at 1440 px, and at 390 px when asked. */
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

async function workUntil<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let pass = 0; pass < 240; pass++) {
    await runBackgroundWork({ db: server.database.db, config: server.config });
    const seen = await probe();
    if (seen) return seen;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the background work never got to: ${what}`);
}

/** A one-page PDF, as a scanned attestation would be. */
function attestationPdf(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(16).text('Attestation de vigilance');
    doc.moveDown().fontSize(11).text(`${billing.legalName} — SIRET ${billing.siret}`);
    doc.text('Cette attestation est délivrée par l’URSSAF.');
    doc.end();
  });
}

async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  const text = (await parser.getText()).text.replace(/\s+/g, ' ');
  await parser.destroy();
  return text;
}

const euros = (cents: number) => new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);
const normalize = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Today in Paris, YYYY-MM-DD (the browser runs in Europe/Paris). */
const todayInParis = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

describe('publisher payouts journey', () => {
  let clientApi: ApiSession;
  let publisherApi: ApiSession;
  let earnedCents = 0;
  let publisherPage: Page;
  let supportPage: Page;
  let withdrawalId = '';
  let projectId = '';

  it('(1) set-up: a client orders two links on a business publisher’s site; both are verified and completed', async () => {
    keepFailure('1');
    clientApi = new ApiSession(server.url);
    const { account } = await clientApi.post('/api/auth/signup', { ...client, kind: 'customer' });
    await clientApi.patch(`/api/accounts/${account.id}`, {
      company: {
        legalName: 'Cave Morel SAS',
        address: '1 place de la Liberté',
        postalCode: '39600',
        city: 'Arbois',
        country: 'FR',
        siret: '81234567800012',
      },
    });
    const topUp = await clientApi.post(`/api/accounts/${account.id}/top-ups`, { amountCents: 2_000_00, method: 'bank_transfer' });
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    await support.post(`/api/support/top-ups/${topUp.id}/confirm`);
    projectId = (
      await clientApi.post('/api/projects', { clientId: account.id, name: 'Site de la cave', url: 'https://www.cave-morel.fr/' })
    ).id;

    publisherApi = new ApiSession(server.url);
    await publisherApi.post('/api/auth/signup', { ...publisher, kind: 'publisher' });
    const created = await publisherApi.post('/api/publisher/sites', {
      domain: origin,
      theme: 'cuisine',
      siteKind: 'thematic',
      language: 'fr',
    });
    for (const a of articles) {
      await publisherApi.post(`/api/publisher/sites/${created.id}/articles`, {
        url: `${origin}${a.path}`,
        keywords: [{ keyword: a.keyword, position: 2, volume: 2400 }],
      });
    }
    await support.post(`/api/support/sites/${created.id}/approve`);

    const orderIds: string[] = [];
    for (const a of articles) {
      const offers = await clientApi.get(`/api/catalog/offers?keyword=${encodeURIComponent(a.keyword)}`);
      const order = await clientApi.post('/api/orders', {
        projectId,
        offerId: offers.items[0].offerId,
        targetUrl: a.target,
        anchor: a.anchor,
      });
      orderIds.push(order.id);
      await publisherApi.post(`/api/publisher/orders/${order.id}/accept`);
      await publisherApi.post(`/api/publisher/orders/${order.id}/placed`, { liveUrl: `${origin}${a.path}` });
    }
    await workUntil('both orders completed', async () => {
      const orders = await Promise.all(orderIds.map((id) => clientApi.get(`/api/orders/${id}`)));
      return orders.every((o) => o.status === 'completed');
    });
    const summary = await publisherApi.get('/api/publisher/payouts/summary');
    expect(summary.payableCents).toBeGreaterThan(0);
    expect(summary.payableCents).toBeGreaterThanOrEqual(summary.minimumWithdrawalCents);
    earnedCents = summary.payableCents;
    expect(summary.eligibility.mayWithdraw).toBe(false);
    expect(summary.eligibility.missing).toContain('profile_missing');
  });

  it('(2) the publisher sees its earnings and what blocks a transfer', async () => {
    publisherPage = await openPage();
    const page = publisherPage;
    keepFailure('2');
    await signIn(page, publisher.email, publisher.password);
    await page.getByTestId('nav-publisher').click();
    await page.getByTestId('tab-payouts').click();
    await page.waitForURL('**/editeur/paiements');
    expect(await textOf(page.getByTestId('figure-payable-amount'))).toBe(normalize(euros(earnedCents)));
    expect(await textOf(page.getByTestId('figure-paid-amount'))).toBe(normalize(euros(0)));
    await expect(page.getByTestId('figure-debt').count()).resolves.toBe(0);
    // The labels, in French.
    expect(await textOf(page.getByTestId('figure-pending'))).toContain('En attente (période de contrôle)');
    expect(await textOf(page.getByTestId('figure-converted'))).toContain('Converti en crédits');
    const blocker = page.locator('[data-testid="blocker"][data-code="profile_missing"]');
    expect(await textOf(blocker)).toBe('Votre profil de facturation n’est pas encore rempli. Compléter le profil');
    expect(await page.getByTestId('request-withdrawal').isDisabled()).toBe(true);
    // The orders behind the money: both credited.
    await page.getByTestId('earning-tab-credited').click();
    await expect.poll(() => page.getByTestId('earning-order').count()).toBe(2);
    // The chart (its own chunk): the bars and the legend in French.
    const chart = page.getByTestId('earnings-chart');
    await chart.locator('svg.recharts-surface').first().waitFor();
    await expect.poll(async () => textOf(chart)).toContain('Gagné');
    await shoot(page, 'p1-payouts-blocked', true);
  });

  it('(3) the publisher fills its billing profile; a wrong SIRET is refused under its field', async () => {
    const page = publisherPage;
    current = page;
    keepFailure('3');
    await page.locator('[data-testid="blocker"][data-code="profile_missing"]').getByTestId('blocker-fix').click();
    await page.waitForURL('**/editeur/profil');
    const form = page.getByTestId('profile-form');
    await form.getByTestId('profile-legal-name').fill(billing.legalName);
    await form.getByTestId('profile-address').fill(billing.address);
    await form.getByTestId('profile-postal-code').fill(billing.postalCode);
    await form.getByTestId('profile-city').fill(billing.city);
    await form.getByTestId('profile-siret').fill(billing.badSiret);
    await selectOption(page, form.getByTestId('profile-vat-regime'), /Franchise en base/);
    await form.getByTestId('profile-iban').fill(billing.iban);
    await form.getByTestId('profile-bic').fill(billing.bic);
    await form.getByTestId('profile-account-holder').fill(billing.holder);
    await form.getByTestId('profile-submit').click();
    // The server's message, under the SIRET field (not in the form's alert).
    const siretError = page.locator('.mantine-InputWrapper-root:has([data-testid="profile-siret"]) .mantine-InputWrapper-error');
    await siretError.waitFor();
    expect(await textOf(siretError)).toMatch(/SIRET/i);
    await expect(page.getByTestId('profile-error').count()).resolves.toBe(0);
    await shoot(page, 'p2-profile-siret-error');

    await form.getByTestId('profile-siret').fill(billing.siret);
    await form.getByTestId('profile-submit').click();
    await page.getByTestId('profile-complete').waitFor();
    const saved = await publisherApi.get('/api/publisher/profile');
    expect(saved.profile).toMatchObject({
      kind: 'business',
      siret: billing.siret,
      iban: billing.ibanCompact,
      vatRegime: 'franchise',
    });
  });

  it('(4) the publisher uploads an URSSAF certificate and accepts the self-billing mandate', async () => {
    const page = publisherPage;
    current = page;
    keepFailure('4');
    const upload = page.getByTestId('upload-form');
    // A file of another type is refused before it is sent.
    await upload
      .locator('input[type="file"]')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('pas un PDF') });
    await page.getByText('Seuls les fichiers PDF, PNG et JPEG sont acceptés.').waitFor();
    await upload
      .locator('input[type="file"]')
      .setInputFiles({ name: 'attestation-urssaf.pdf', mimeType: 'application/pdf', buffer: await attestationPdf() });
    await upload.getByTestId('upload-issued-on').fill(todayInParis());
    await upload.getByTestId('upload-submit').click();
    const row = page.getByTestId('document-row').first();
    await row.waitFor();
    expect(await contentOf(row.getByTestId('document-status'))).toBe('En cours de vérification');
    expect(await textOf(row)).toContain('Attestation de vigilance URSSAF');

    const mandate = page.getByTestId('mandate');
    expect(await textOf(mandate.getByTestId('mandate-text'))).toMatch(/autofacturation/i);
    expect(await mandate.getByTestId('mandate-accept').isDisabled()).toBe(true);
    await mandate.getByTestId('mandate-agree').check();
    await mandate.getByTestId('mandate-accept').click();
    await mandate.getByTestId('mandate-accepted').waitFor();
    expect(await textOf(mandate.getByTestId('mandate-accepted'))).toMatch(/Accepté par .+ le \d{2}\/\d{2}\/\d{4}/);
    await shoot(page, 'p3-profile-proof-mandate', true);
  });

  it('(5) support accepts the document', async () => {
    supportPage = await openPage();
    const page = supportPage;
    keepFailure('5');
    await signIn(page, server.support.email, server.support.password);
    await page.goto('/support/paiements');
    const row = page.locator(`[data-testid="review-document"][data-name="${publisher.name}"]`);
    await row.waitFor();
    expect(await textOf(row)).toContain('attestation-urssaf.pdf');
    expect(await row.getByTestId('review-document-file').getAttribute('target')).toBe('_blank');
    await shoot(page, 'p4-support-documents');
    // The publisher's payout file, from its name: the profile as typed, the mandate, the proof waiting.
    await row.getByTestId('publisher-file-link').click();
    const file = page.getByTestId('publisher-file-profile');
    await file.waitFor();
    expect(await textOf(file)).toContain(billing.siret);
    expect(await textOf(file)).toContain(billing.ibanCompact);
    expect(await textOf(page.getByRole('dialog'))).toMatch(/Version 2026-12, acceptée le/);
    expect(await textOf(page.getByRole('dialog'))).not.toMatch(/inattendue/);
    await shoot(page, 'p4-support-publisher-file');
    await page.keyboard.press('Escape');
    await file.waitFor({ state: 'detached' });
    await row.getByTestId('accept-document').click();
    await page.getByTestId('review-documents-empty').waitFor();
  });

  it('(6) the publisher asks for a transfer of its available amount', async () => {
    const page = publisherPage;
    current = page;
    keepFailure('6');
    await page.getByTestId('tab-payouts').click();
    await page.waitForURL('**/editeur/paiements');
    await page.getByTestId('blockers-none').waitFor();
    await page.getByTestId('request-withdrawal').click();
    const form = page.getByTestId('withdraw-form');
    // Prefilled with the whole available amount.
    expect(normalize(await form.getByTestId('withdraw-amount').inputValue())).toBe(normalize(euros(earnedCents)));
    await shoot(page, 'p5-withdraw-modal');
    await form.getByTestId('withdraw-submit').click();
    await form.waitFor({ state: 'detached' });
    const row = page.getByTestId('withdrawal-row').first();
    await row.waitFor();
    withdrawalId = (await row.getAttribute('data-id'))!;
    expect(await contentOf(row.getByTestId('withdrawal-status'))).toBe('Demandé');
    await expect.poll(async () => textOf(page.getByTestId('figure-withdrawing-amount'))).toBe(normalize(euros(earnedCents)));
    expect(await textOf(page.getByTestId('figure-payable-amount'))).toBe(normalize(euros(0)));
  });

  it('(7) support approves the request in a batch, downloads the SEPA file and marks the batch paid', async () => {
    const page = supportPage;
    current = page;
    keepFailure('7');
    await page.getByTestId('payouts-section-withdrawals').click();
    const row = page.locator(`[data-testid="support-withdrawal"][data-id="${withdrawalId}"]`);
    await row.waitFor();
    await row.getByTestId('withdrawal-select').check();
    expect(await textOf(page.getByTestId('withdrawals-selected'))).toBe(`1 sélectionnée(s), ${normalize(euros(earnedCents))}`);
    await shoot(page, 'p6-support-withdrawals');
    await page.getByTestId('approve-batch').click();
    const batchRow = page.getByTestId('batch-row').first();
    await batchRow.waitFor();
    const reference = (await batchRow.getAttribute('data-reference'))!;
    expect(reference).toMatch(/^VIR-\d{4}-\d{2}-\d{2}-\d{3}$/);
    await batchRow.getByTestId('open-batch').click();
    const detail = page.getByTestId('batch-detail');
    await detail.waitFor();
    await shoot(page, 'p7-support-batch');

    const [download] = await Promise.all([page.waitForEvent('download'), detail.getByTestId('batch-sepa').click()]);
    const xml = await readFile((await download.path())!, 'utf8');
    expect(xml).toContain('pain.001.001.03');
    expect(xml).toContain(billing.ibanCompact);
    expect(xml).toContain(`>${(earnedCents / 100).toFixed(2)}<`);

    await detail.getByTestId('batch-mark-paid').click();
    await page.getByTestId('batch-confirm-paid').click();
    await page.locator('[data-testid="batch-detail"][data-status="paid"]').waitFor();
    const w = (
      await (
        await ApiSession.signIn(server.url, server.support.email, server.support.password)
      ).get('/api/support/withdrawals?status=paid')
    ).items;
    expect(w.map((x: { id: string }) => x.id)).toContain(withdrawalId);
  });

  it('(8) the publisher sees the transfer paid and downloads its self-billed invoice', async () => {
    const page = publisherPage;
    current = page;
    keepFailure('8');
    await page.reload();
    await page.getByTestId('payout-figures').waitFor();
    expect(await textOf(page.getByTestId('figure-paid-amount'))).toBe(normalize(euros(earnedCents)));
    expect(await textOf(page.getByTestId('figure-withdrawing-amount'))).toBe(normalize(euros(0)));
    const row = page.locator(`[data-testid="withdrawal-row"][data-id="${withdrawalId}"]`);
    expect(await contentOf(row.getByTestId('withdrawal-status'))).toBe('Versé');
    const invoice = page.getByTestId('self-billed-row').first();
    await invoice.waitFor();
    await shoot(page, 'p8-payouts-paid', true);

    const href = (await invoice.getByTestId('self-billed-pdf').getAttribute('href'))!;
    const response = await page.context().request.get(href);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('application/pdf');
    const bytes = await response.body();
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    const text = await pdfText(bytes);
    expect(text).toContain('Autofacturation');
    expect(text).toContain(billing.legalName);

    // The yearly statement, too.
    const statement = await page.context().request.get((await page.getByTestId('tax-statement').getAttribute('href'))!);
    expect(statement.status()).toBe(200);
    expect((await statement.body()).subarray(0, 4).toString('latin1')).toBe('%PDF');

    // In English too: the page's own words and the months of the chart follow.
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect.poll(async () => textOf(page.getByTestId('figure-paid'))).toContain('Paid out');
    expect(await contentOf(row.getByTestId('withdrawal-status'))).toBe('Paid');
    await shoot(page, 'p9-payouts-paid-en');
    await page.getByTestId('tab-billing-profile').click();
    await page.getByTestId('profile-complete').waitFor();
    await shoot(page, 'p9-profile-en');
  });
  it('(9) an individual publisher links its buyer account and converts its earnings into credits', async () => {
    keepFailure('9');
    // Its own site: another port of this machine, the same articles.
    const other = createServer(serveArticles);
    second = other;
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const origin2 = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const individualApi = new ApiSession(server.url);
    await individualApi.post('/api/auth/signup', { ...individual, kind: 'publisher' });
    const created = await individualApi.post('/api/publisher/sites', {
      domain: origin2,
      theme: 'cuisine',
      siteKind: 'thematic',
      language: 'fr',
    });
    await individualApi.post(`/api/publisher/sites/${created.id}/articles`, {
      url: `${origin2}${articles[0].path}`,
      keywords: [{ keyword: 'vin jaune de garde', position: 3, volume: 1300 }],
    });
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    await support.post(`/api/support/sites/${created.id}/approve`);
    const offers = await clientApi.get(`/api/catalog/offers?keyword=${encodeURIComponent('vin jaune de garde')}`);
    const order = await clientApi.post('/api/orders', {
      projectId,
      offerId: offers.items[0].offerId,
      targetUrl: articles[0].target,
      anchor: articles[0].anchor,
    });
    await individualApi.post(`/api/publisher/orders/${order.id}/accept`);
    await individualApi.post(`/api/publisher/orders/${order.id}/placed`, { liveUrl: `${origin2}${articles[0].path}` });
    await workUntil('the order completed', async () => (await clientApi.get(`/api/orders/${order.id}`)).status === 'completed');
    await individualApi.put('/api/publisher/profile', {
      kind: 'individual',
      legalName: 'Jeanne Morel',
      address: '4 chemin des Vignes',
      postalCode: '39600',
      city: 'Arbois',
      country: 'FR',
      birthDate: '1985-03-14',
      taxNumber: '1234567890123',
    });
    const earned = (await individualApi.get('/api/publisher/payouts/summary')).payableCents;
    expect(earned).toBeGreaterThan(0);
    const clientId = (await clientApi.get('/api/me')).account.id;
    const before = (await clientApi.get(`/api/accounts/${clientId}/wallet`)).availableCents;

    const page = await openPage();
    await signIn(page, individual.email, individual.password);
    await page.goto('/editeur/paiements');
    // No transfer for an individual: what blocks the conversion, and the conversion itself.
    await page.locator('[data-testid="blocker"][data-code="buyer_link_missing"]').waitFor();
    await expect(page.getByTestId('request-withdrawal').count()).resolves.toBe(0);
    const card = page.getByTestId('conversion');
    await card.getByTestId('buyer-email').fill(client.email);
    await card.getByTestId('buyer-password').fill(client.password);
    await card.getByTestId('buyer-link-submit').click();
    await card.getByTestId('buyer-link').waitFor();
    expect(await textOf(card.getByTestId('buyer-link'))).toBe(`Compte acheteur relié : ${client.name}`);
    await page.getByTestId('blockers-none').waitFor();
    expect(normalize(await card.getByTestId('convert-amount').inputValue())).toBe(normalize(euros(earned)));
    await shoot(page, 'p10-individual-conversion');
    await card.getByTestId('convert-submit').click();
    await expect.poll(async () => textOf(page.getByTestId('figure-converted-amount'))).toBe(normalize(euros(earned)));
    expect(await textOf(page.getByTestId('figure-payable-amount'))).toBe(normalize(euros(0)));
    expect((await clientApi.get(`/api/accounts/${clientId}/wallet`)).availableCents).toBe(before + earned);
  });
});
