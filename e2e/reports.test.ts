// White-label client reports (issue 12), in French against the real server: the agency sets its
// branding (colours, footer, a logo drawn by the browser), downloads a client's report (PDF read
// back, its first page rendered with pdfjs-dist and kept as a screenshot), creates a share link,
// opens it in a fresh browser context without a session, revokes it and sees it refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFParse } from 'pdf-parse';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ApiSession,
  contentOf,
  createAgency,
  launchBrowser,
  newContext,
  screenshot,
  SCREENSHOTS,
  selectOption,
  signIn,
  startServer,
  textOf,
  type TestServer,
} from './support';

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

async function openPage(): Promise<Page> {
  const context = await newContext(browser, server.url);
  contexts.push(context);
  return context.newPage();
}

async function pdfText(buffer: Buffer) {
  const parser = new PDFParse({ data: new Uint8Array(buffer) });
  return (await parser.getText()).text.replace(/\s+/g, ' ');
}

/** The PDF's first page drawn by pdfjs-dist in a blank page of the browser, then screenshotted. */
async function renderFirstPage(page: Page, pdf: Buffer, name: string) {
  const dir = join(process.cwd(), 'node_modules/pdfjs-dist/legacy/build');
  await page.goto('about:blank');
  await page.setContent('<!doctype html><html><body style="margin:0;background:#888"><canvas id="c"></canvas></body></html>');
  const lib = readFileSync(join(dir, 'pdf.min.mjs'), 'utf8');
  const worker = readFileSync(join(dir, 'pdf.worker.min.mjs'), 'utf8');
  await page.evaluate((input) => Object.assign(window, { __pdf: input }), { lib, worker, data: pdf.toString('base64') });
  // As a string: the test runner would rewrite a dynamic import() written in a function.
  await page.evaluate(`(async () => {
    const { lib, worker, data } = window.__pdf;
    const pdfjs = await import(URL.createObjectURL(new Blob([lib], { type: 'text/javascript' })));
    pdfjs.GlobalWorkerOptions.workerSrc = URL.createObjectURL(new Blob([worker], { type: 'text/javascript' }));
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const doc = await pdfjs.getDocument({ data: bytes }).promise;
    const first = await doc.getPage(1);
    const viewport = first.getViewport({ scale: 1.5 });
    const canvas = document.getElementById('c');
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    await first.render({ canvasContext: canvas.getContext('2d'), viewport, canvas }).promise;
  })()`);
  await page.setViewportSize({ width: 1263, height: 893 });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

const agency = { name: 'Agence Lumière', email: 'lumiere@e2e.maillon.test', password: 'lumiere-motdepasse-2026' };
const LIVE_URL = 'https://www.media-gourmand.fr/les-meilleures-boulangeries';

describe('white-label reports journey', () => {
  let api: ApiSession;
  let clientId = '';
  let shareUrl = '';
  let page: Page;

  it('(1) set-up: an agency, its client with three links bought (one live, one lost, one pending)', async () => {
    const made = await createAgency(server, agency, 'simple');
    api = made.api;
    await api.patch(`/api/accounts/${made.id}`, {
      company: {
        legalName: 'Agence Lumière SAS',
        address: '12 rue du Port',
        postalCode: '44000',
        city: 'Nantes',
        country: 'FR',
        siret: '81234567800012',
      },
    });
    const topUp = await api.post(`/api/accounts/${made.id}/top-ups`, { amountCents: 5_000_00, method: 'bank_transfer' });
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    await support.post(`/api/support/top-ups/${topUp.id}/confirm`);
    clientId = (await api.post('/api/accounts', { role: 'client', name: 'Boulangerie Dupont', parentId: made.id })).id;
    await api.post('/api/transfers', { fromAccountId: made.id, toAccountId: clientId, amountCents: 3_000_00 });
    const project = await api.post('/api/projects', {
      clientId,
      name: 'Site de la boulangerie',
      url: 'https://www.boulangerie-dupont.fr/',
    });

    const publisher = new ApiSession(server.url);
    await publisher.post('/api/auth/signup', {
      name: 'Média Gourmand',
      email: 'media@e2e.maillon.test',
      password: 'media-motdepasse-2026',
      kind: 'publisher',
    });
    const site = await publisher.post('/api/publisher/sites', {
      domain: 'media-gourmand.fr',
      theme: 'cuisine',
      siteKind: 'thematic',
      language: 'fr',
    });
    await support.post(`/api/support/sites/${site.id}/approve`);
    const article = await publisher.post(`/api/publisher/sites/${site.id}/articles`, {
      url: 'https://www.media-gourmand.fr/les-meilleures-boulangeries',
      keywords: [{ keyword: 'boulangerie nantes', position: 2, volume: 1900 }],
    });
    const ids: string[] = [];
    for (const anchor of ['pain au levain', 'croissant au beurre', 'baguette tradition']) {
      ids.push(
        (
          await api.post('/api/orders', {
            projectId: project.id,
            offerId: article.id,
            targetUrl: 'https://www.boulangerie-dupont.fr/pain',
            anchor,
          })
        ).id,
      );
    }
    const db = server.database.db;
    const check = (ok: boolean) =>
      JSON.stringify({
        ok,
        rule: ok ? null : 'link_missing',
        message: ok ? 'Lien présent.' : 'Le lien a disparu.',
        at: new Date().toISOString(),
      });
    await db
      .updateTable('orders')
      .set({
        status: 'verified',
        live_url: LIVE_URL,
        verified_at: new Date(),
        guarantee_ends_at: new Date(Date.now() + 365 * 86_400_000),
        last_check: check(true),
      })
      .where('id', '=', ids[0])
      .execute();
    await db
      .updateTable('orders')
      .set({ status: 'lost', live_url: LIVE_URL, verified_at: new Date(), lost_at: new Date(), last_check: check(false) })
      .where('id', '=', ids[1])
      .execute();
  });

  it('(2) the agency sets its white-label branding and sees it in the preview', async () => {
    page = await openPage();
    await signIn(page, agency.email, agency.password);
    await page.goto('/agence/marque-blanche');
    await page.getByTestId('branding-preview').waitFor();
    expect(await textOf(page.getByTestId('branding-source'))).toMatch(/par défaut/i);
    await page.getByTestId('branding-primary').fill('#7b2d26');
    await page.getByTestId('branding-accent').fill('#d4a017');
    await page.getByTestId('branding-footer').fill('Agence Lumière — 12 rue du Port, 44000 Nantes — 02 40 00 00 00');
    await page.getByTestId('branding-save').click();
    await expect.poll(async () => contentOf(page.getByTestId('branding-source'))).toBe('Votre marque, héritée par vos clients.');
    // A logo drawn by the browser itself, uploaded as PNG.
    const png = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 240;
      canvas.height = 80;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#7b2d26';
      g.fillRect(0, 0, 80, 80);
      g.fillStyle = '#d4a017';
      g.beginPath();
      g.arc(40, 40, 22, 0, Math.PI * 2);
      g.fill();
      g.fillStyle = '#222';
      g.font = 'bold 30px sans-serif';
      g.fillText('Lumière', 92, 52);
      return canvas.toDataURL('image/png').split(',')[1];
    });
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    await page.getByTestId('branding-preview').locator('img').waitFor();
    expect(await textOf(page.getByTestId('preview-footer'))).toContain('Agence Lumière — 12 rue du Port');
    expect(await textOf(page.getByTestId('preview-footer'))).not.toContain('Maillon');
    await screenshot(page, 'reports-1-branding');
  });

  it('(3) it downloads the client’s report: figures, links, its brand, no platform name', async () => {
    await page.getByTestId('tab-reports').click();
    await selectOption(page, page.getByTestId('report-client'), 'Boulangerie Dupont');
    await page.getByTestId('report-summary').waitFor();
    const summary = await textOf(page.getByTestId('report-summary'));
    expect(summary).toMatch(/En ligne\s*1/);
    expect(summary).toMatch(/Perdus\s*1/);
    await screenshot(page, 'reports-2-client-report');
    const href = (await page.getByTestId('report-pdf').getAttribute('href'))!;
    const res = await page.request.get(href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const pdf = await res.body();
    const text = await pdfText(pdf);
    expect(text).toContain('Rapport de liens');
    expect(text).toContain('Boulangerie Dupont');
    expect(text).toContain('pain au levain');
    expect(text).toContain('Agence Lumière — 12 rue du Port');
    expect(text.toLowerCase()).not.toContain('maillon');
    const csv = await page.request.get((await page.getByTestId('report-csv').getAttribute('href'))!);
    expect((await csv.text()).split('\n').filter(Boolean)).toHaveLength(4);
    const viewer = await openPage();
    await renderFirstPage(viewer, pdf, 'reports-3-pdf-first-page');
  });

  it('(4) it creates a share link that opens without an account in a fresh browser', async () => {
    await page.getByTestId('share-create').click();
    shareUrl = (await page.getByTestId('share-url').textContent())!.trim();
    expect(shareUrl).toMatch(/\/api\/reports\/shared\/[A-Za-z0-9_-]{43}\.pdf$/);
    await page.getByTestId('shares-table').waitFor();
    expect(await contentOf(page.getByTestId('shares-table'))).toContain('Actif');
    await screenshot(page, 'reports-4-share-created');
    const stranger = await openPage();
    const res = await stranger.request.get(shareUrl);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    expect(await pdfText(await res.body())).toContain('Boulangerie Dupont');
  });

  it('(5) once revoked, the link is refused with a French page', async () => {
    await page.getByTestId('share-revoke').click();
    await expect.poll(async () => contentOf(page.getByTestId('shares-table'))).toContain('Révoqué');
    await screenshot(page, 'reports-5-share-revoked');
    const stranger = await openPage();
    const res = await stranger.goto(shareUrl);
    expect(res?.status()).toBe(410);
    expect(await textOf(stranger.locator('h1'))).toBe('Ce rapport n’est plus disponible');
    await screenshot(stranger, 'reports-6-share-refused');
  });
});
