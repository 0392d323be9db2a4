import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemo } from '../src/server/db/seed';
import { seedDemoMarketplace } from '../src/server/db/demo-marketplace';
import {
  clearFailureScreenshots,
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  startServer,
  textOf,
  type TestServer,
} from './support';

// The dashboards per role (issue 12), in French, on the demo data (a few months of verified orders):
// each role signs in and sees first what it acts on; the agency changes the period and the grouping.

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  clearFailureScreenshots('dashboards');
  server = await startServer();
  await seedDemo(server.database.db);
  await seedDemoMarketplace(server.database.db, server.config);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(email: string): Promise<Page> {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  await signIn(page, email, DEMO_PASSWORD);
  await page.goto('/');
  return page;
}

/** The chart drew its area: an SVG path with a non-empty outline. */
async function chartDrawn(page: Page, testId: string) {
  const chart = page.getByTestId(testId);
  await chart.locator('svg .recharts-area-area, svg .recharts-bar-rectangle').first().waitFor();
  return chart;
}

describe('dashboards', () => {
  it('shows the agency its spend over 30 days, 3 months, 12 months and chosen dates, by client and by collaborator', async () => {
    const page = await open('agence@maillon.test');
    await page.getByTestId('dashboard-spend').waitFor();
    await chartDrawn(page, 'spend-chart');
    // The last 30 days: one verified order 20 to 40 days ago per client falls in, at least.
    const total30 = await textOf(page.getByTestId('spend-total'));
    expect(total30).toMatch(/^\d[\d  ]*,\d{2} €$/);
    expect(await textOf(page.getByTestId('range-summary'))).toMatch(/^Du \d{1,2}(er)? \S+ \d{4} au \d{1,2}(er)? \S+ \d{4}$/);
    expect(await textOf(page.getByTestId('dashboard-orders'))).toContain('En attente de');
    expect(await textOf(page.getByTestId('dashboard-activity'))).toContain('Activité de l’équipe');
    await screenshot(page, 'dashboards-agency-30-days');

    await page.getByTestId('range-presets').getByText('3 mois').click();
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid="spend-total"]')?.textContent?.replace(/\s/g, ' ') !== before,
      total30,
    );
    const total3m = await textOf(page.getByTestId('spend-total'));
    const cents = (s: string) => Number(s.replace(/[^\d,]/g, '').replace(',', '.'));
    expect(cents(total3m)).toBeGreaterThan(cents(total30));
    // Three months are shown week by week.
    expect(await textOf(page.getByTestId('spend-chart'))).toContain('sem. du');
    await chartDrawn(page, 'spend-groups-chart');
    await screenshot(page, 'dashboards-agency-3-months');

    await page.getByTestId('spend-group-by').getByText('Par collaborateur').click();
    await page.getByTestId('spend-groups-chart').getByText('Camille Martin').first().waitFor();
    await screenshot(page, 'dashboards-agency-by-collaborator');

    await page.getByTestId('range-presets').getByText('12 mois').click();
    await page
      .getByTestId('spend-chart')
      .getByText(/\b(janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\.? \d{4}/)
      .first()
      .waitFor();

    await page.getByTestId('range-presets').getByText('Dates').click();
    await page.getByTestId('range-from').fill('2026-01-01');
    await page.getByTestId('range-to').fill('2026-01-31');
    await page.getByTestId('range-apply').click();
    await page.getByTestId('range-summary').getByText('Du 1er janv. 2026 au 31 janv. 2026').waitFor();
    expect(await textOf(page.getByTestId('spend-total'))).toBe('0,00 €');
    await screenshot(page, 'dashboards-agency-custom-dates');
    await page.context().close();
  }, 120_000);

  it('shows a manager, a consultant and a client their own figures', async () => {
    for (const [email, name] of [
      ['camille@maillon.test', 'manager'],
      ['lea@maillon.test', 'consultant'],
      ['client@maillon.test', 'client'],
    ] as const) {
      const page = await open(email);
      await page.getByTestId('dashboard-spend').waitFor();
      await page.getByTestId('range-presets').getByText('3 mois').click();
      await chartDrawn(page, 'spend-chart');
      expect(await textOf(page.getByTestId('dashboard-alerts'))).toContain('Alertes');
      if (name === 'client') expect(await page.getByTestId('spend-group-by').count()).toBe(0);
      else await chartDrawn(page, 'spend-groups-chart');
      await screenshot(page, `dashboards-${name}`);
      await page.context().close();
    }
  }, 120_000);

  it('shows the publisher its orders to act on, its earnings and payouts, and support its queues', async () => {
    const publisher = await open('editeur@maillon.test');
    await publisher.getByTestId('publisher-queue').waitFor();
    expect(Number(await textOf(publisher.getByTestId('queue-to-accept')))).toBeGreaterThan(0);
    await publisher.getByTestId('publisher-earnings').waitFor();
    await screenshot(publisher, 'dashboards-publisher');
    // The demo publisher has its billing identity and has signed the self-billing mandate.
    const profile = await (await publisher.context().request.get('/api/publisher/profile')).json();
    expect(profile.profile).toMatchObject({ legalName: 'Éditions du Web Français SAS', siret: '52345678800026' });
    const mandate = await (await publisher.context().request.get('/api/publisher/mandate')).json();
    expect(mandate.current).not.toBeNull();
    await publisher.goto('/editeur/paiements');
    await expect.poll(() => textOf(publisher.locator('main'))).toContain('Ce qui bloque un virement');
    const blockers = await textOf(publisher.locator('main'));
    expect(blockers).not.toContain('profil de facturation n’est pas encore rempli');
    expect(blockers).not.toContain('pas encore accepté le mandat');
    await screenshot(publisher, 'dashboards-publisher-payouts');
    await publisher.context().close();

    const support = await open('support@maillon.test');
    await support.getByTestId('support-queues').waitFor();
    expect(await textOf(support.getByTestId('support-queues'))).toContain('Sites à valider');
    expect(Number(await textOf(support.getByTestId('queue-siteReviews')))).toBeGreaterThan(0);
    await support.getByTestId('queue-siteReviews').getByRole('link').click();
    await support.waitForURL(/\/support\/sites/);
    await support.goto('/');
    await support.getByTestId('support-queues').waitFor();
    await screenshot(support, 'dashboards-support');
    await support.context().close();
  }, 120_000);
});
