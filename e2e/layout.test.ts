// Layout and behaviour found while trying the agency as a new owner would (issue 12): badges whole,
// every column of the top-ups at 1440 px, nothing off-screen at 390 px, the campaigns table fresh
// after a change of person in charge, no dead "Changer de responsable" for a consultant, and no
// "Espace éditeur" for an agency that sells nothing. Each `it` builds on the previous one.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiSession, clearFailureScreenshots, createAgency, launchBrowser, newContext, screenshot, signIn, startServer, textOf, type TestServer } from './support';

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let current: Page | null = null;

beforeAll(async () => {
  clearFailureScreenshots('layout');
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

async function openPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await newContext(browser, server.url);
  contexts.push(context);
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  return page;
}

function keepFailure(name: string) {
  onTestFailed(async () => {
    if (current && !current.isClosed()) await screenshot(current, `FAILED-layout-${name}`).catch(() => {});
  });
}

async function acceptInvitation(email: string, password: string) {
  const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
  const { items } = await support.get(`/api/support/outbox?to=${encodeURIComponent(email)}`);
  const token = new URL(/https?:\/\/\S+/.exec(items[0].text)![0]).searchParams.get('token');
  await new ApiSession(server.url).post('/api/auth/invitations/accept', { token, password });
}

/** How far the page is wider than the window (0 when nothing sticks out). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * Texts that end past the right edge of the window without being in a horizontal scroll (a card
 * clips them: scrollWidth does not see it). What is in a table's scroll container can be scrolled to.
 */
const clipped = (page: Page) =>
  page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const parent = n.parentElement;
      if (!text || !parent || parent.closest('[aria-hidden="true"], .mantine-ScrollArea-root, .mantine-Table-scrollContainer')) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const box = range.getBoundingClientRect();
      if (box.width > 0 && box.right > window.innerWidth + 1) out.push(text);
    }
    return out;
  });

/** Badges whose label is cut (its text wider than its box). */
const cutBadges = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.mantine-Badge-label')]
      .filter((l) => l.scrollWidth > l.clientWidth + 1)
      .map((l) => l.textContent),
  );

const owner = { name: 'Agence Mise en Page', email: 'page@e2e.maillon.test', password: 'page-layout-motdepasse-1' };
const consultant = { name: 'Hugo Consultant', email: 'hugo@e2e.maillon.test', password: 'hugo-motdepasse-2026' };
const other = { name: 'Zoé Consultante', email: 'zoe@e2e.maillon.test', password: 'zoe-motdepasse-2026' };
const client = 'Fromagerie Lemoine';
const poll = { timeout: 10_000, interval: 100 };

describe('layout journey', () => {
  let agency: Page;

  it('(1) at 1440 px: every column of the top-ups, whole status badges, no publisher space for an agency without a site', async () => {
    const created = await createAgency(server, owner, 'complete');
    const api = created.api;
    const hugo = await api.post('/api/accounts', { role: 'consultant', name: consultant.name, email: consultant.email, parentId: created.id });
    await api.post('/api/accounts', { role: 'consultant', name: other.name, email: other.email, parentId: created.id });
    const fromagerie = await api.post('/api/accounts', { role: 'client', name: client, parentId: hugo.id });
    await acceptInvitation(consultant.email, consultant.password);
    await api.patch(`/api/accounts/${created.id}`, {
      company: { legalName: 'Mise en Page SAS', address: '3 rue des Arts', postalCode: '69001', city: 'Lyon', country: 'FR', siret: '81234567800012' },
    });
    // One transfer confirmed, one awaiting payment (its row has the actions: proforma, cancel).
    const paid = await api.post(`/api/accounts/${created.id}/top-ups`, { amountCents: 1_000_00, method: 'bank_transfer' });
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    await support.post(`/api/support/top-ups/${paid.id}/confirm`);
    await api.post(`/api/accounts/${created.id}/top-ups`, { amountCents: 12_345_00, method: 'bank_transfer' });
    const project = await api.post('/api/projects', { clientId: fromagerie.id, name: 'Site de la fromagerie', url: 'https://www.fromagerie-lemoine.fr/' });
    await api.post('/api/campaigns', { projectId: project.id, name: 'Salon du fromage', budgetCents: 500_00 });

    agency = current = await openPage({ width: 1440, height: 900 });
    keepFailure('1');
    await signIn(agency, owner.email, owner.password);

    // An agency that sells nothing: no "Espace éditeur" in its menu, a discreet link on its dashboard.
    await agency.getByTestId('nav-dashboard').click();
    await agency.getByTestId('dashboard-sell-links').waitFor();
    expect(await agency.getByTestId('nav-publisher').count()).toBe(0);

    await agency.getByTestId('nav-top-up').click();
    const table = agency.getByTestId('top-ups-table');
    await table.locator('[data-testid="top-up-row"]').nth(1).waitFor();
    await agency.getByTestId('top-up-cancel').waitFor();
    // No column hidden behind a horizontal scroll, the actions inside the window.
    const fit = await table.evaluate((t) => {
      const box = t.parentElement!.getBoundingClientRect();
      const cancel = t.querySelector('[data-testid="top-up-cancel"]')!.getBoundingClientRect();
      return { scroll: t.parentElement!.scrollWidth - t.parentElement!.clientWidth, right: cancel.right, box: box.right };
    });
    expect(fit.scroll).toBeLessThanOrEqual(0);
    expect(fit.right).toBeLessThanOrEqual(Math.min(fit.box, 1440));
    expect(await cutBadges(agency)).toEqual([]);
    expect(await overflow(agency)).toBeLessThanOrEqual(0);
    await screenshot(agency, 'layout-1a-top-ups-1440');

    await agency.getByTestId('nav-agency').click();
    await agency.getByTestId('tree-row').first().waitFor();
    expect(await cutBadges(agency)).toEqual([]);
    await screenshot(agency, 'layout-1b-team-1440');
  });

  it('(2) after a change of person in charge, the campaigns table says so without a reload', async () => {
    current = agency;
    keepFailure('2');
    await agency.getByTestId('tab-clients').click();
    await agency.waitForURL('**/agence/clients');
    await agency.getByTestId('follow-up-view').getByText('Campagnes').click();
    const campaign = agency.locator('[data-testid="campaign-row"][data-name="Salon du fromage"]');
    await campaign.waitFor();
    expect(await textOf(campaign)).toContain(consultant.name);

    await agency.locator(`[data-testid="client-row"][data-name="${client}"]`).getByTestId('row-menu').click();
    await agency.getByTestId('action-move').click();
    const modal = agency.getByTestId('move-modal');
    await modal.getByTestId('move-parent').click();
    await agency.getByRole('option', { name: new RegExp(other.name) }).click();
    await modal.getByTestId('move-submit').click();
    await modal.waitFor({ state: 'detached' });
    await expect.poll(async () => textOf(campaign), poll).toContain(other.name);
    await screenshot(agency, 'layout-2-campaigns-after-move');
  });

  it('(3) a consultant is not offered "Changer de responsable" for a client only it can be in charge of', async () => {
    // Back to Hugo for this check.
    const api = await ApiSession.signIn(server.url, owner.email, owner.password);
    const { items } = await api.get(`/api/accounts?role=client`);
    const { items: consultants } = await api.get(`/api/accounts?role=consultant`);
    const hugo = consultants.find((c: { name: string }) => c.name === consultant.name);
    await api.patch(`/api/accounts/${items[0].id}`, { parentId: hugo.id, dryRun: false });

    const page = (current = await openPage({ width: 1440, height: 900 }));
    keepFailure('3');
    await signIn(page, consultant.email, consultant.password);
    await page.goto('/agence/clients');
    const row = page.locator(`[data-testid="client-row"][data-name="${client}"]`);
    await row.getByTestId('row-menu').click();
    await page.getByTestId('action-deactivate').waitFor();
    expect(await page.getByTestId('action-move').count()).toBe(0);
    await screenshot(page, 'layout-3-consultant-client-menu');
  });

  it('(4) at 390 px, nothing sticks out of the window', async () => {
    const page = (current = await openPage({ width: 390, height: 844 }));
    keepFailure('4');
    await signIn(page, owner.email, owner.password);
    const pages: [string, string][] = [
      ['/', 'dashboard-name'],
      ['/agence', 'tree-row'],
      ['/agence/clients', 'client-row'],
      ['/recharger', 'top-up-row'],
      ['/portefeuille', 'main-nav'],
      ['/factures', 'main-nav'],
      ['/commandes', 'main-nav'],
      ['/mon-compte', 'main-nav'],
    ];
    const wide: string[] = [];
    for (const [path, testId] of pages) {
      await page.goto(path);
      await page.getByTestId(testId).first().waitFor({ state: 'attached' });
      await page.waitForTimeout(300);
      const by = await overflow(page);
      if (by > 0) wide.push(`${path}: ${by}px`);
      for (const text of await clipped(page)) wide.push(`${path}: "${text}" cut`);
      await screenshot(page, `layout-4-390${path === '/' ? '-dashboard' : path.replace(/\//g, '-')}`);
    }
    expect(wide).toEqual([]);
  });

  it('(5) once the agency has a site, "Espace éditeur" is in its menu and the dashboard link is gone', async () => {
    const api = await ApiSession.signIn(server.url, owner.email, owner.password);
    await api.post('/api/publisher/sites', { domain: 'www.fromages-du-jura.fr', theme: 'cuisine', siteKind: 'thematic', language: 'fr' });
    const page = (current = await openPage({ width: 1440, height: 900 }));
    keepFailure('5');
    await signIn(page, owner.email, owner.password);
    await page.getByTestId('nav-publisher').waitFor();
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('dashboard-name').waitFor();
    expect(await page.getByTestId('dashboard-sell-links').count()).toBe(0);
  });
});
