// Projects and campaigns (issue 12), in French: a client opens « Projets », one of its projects,
// changes a campaign's cap (refused below what is committed), closes the campaign, sees an order
// refused on it, then reopens it and orders again.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiSession, clearFailureScreenshots, createAgency, launchBrowser, newContext, screenshot, selectOption, signIn, startServer, textOf, type TestServer } from './support';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const client = { name: 'Librairie Dumas', email: 'dumas@e2e.maillon.test', password: 'librairie-motdepasse-2026' };
const euros = (cents: number) => new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100).replace(/\s/g, ' ');
const poll = { timeout: 10_000, interval: 100 };

beforeAll(async () => {
  clearFailureScreenshots('projects');
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  context = await newContext(browser, server.url);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

describe('projects journey', () => {
  let offerId = '';
  let price = 0;
  let projectId = '';

  it('a client sees its projects, opens one, is refused a cap below what is committed, then changes it', async () => {
    onTestFailed(async () => {
      await screenshot(page, 'FAILED-projects-1').catch(() => {});
    });
    // A self-serve customer with credits, a publisher's approved article, a project, a campaign and an order.
    const api = new ApiSession(server.url);
    const { account } = await api.post('/api/auth/signup', { ...client, kind: 'customer' });
    await api.patch(`/api/accounts/${account.id}`, {
      company: { legalName: 'Librairie Dumas SARL', address: '8 rue des Livres', postalCode: '69003', city: 'Lyon', country: 'FR', siret: '81234567800012' },
    });
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    const topUp = await api.post(`/api/accounts/${account.id}/top-ups`, { amountCents: 2_000_00, method: 'bank_transfer' });
    await support.post(`/api/support/top-ups/${topUp.id}/confirm`);
    const pub = new ApiSession(server.url);
    await pub.post('/api/auth/signup', { name: 'Éditions du Web', email: 'edition@e2e.maillon.test', password: 'editeur-motdepasse-2026', kind: 'publisher' });
    const site = await pub.post('/api/publisher/sites', { domain: 'lecture-passion.fr', theme: 'culture', siteKind: 'thematic', language: 'fr' });
    await support.post(`/api/support/sites/${site.id}/approve`);
    const article = await pub.post(`/api/publisher/sites/${site.id}/articles`, {
      url: 'https://lecture-passion.fr/blog/romans-de-la-rentree',
      keywords: [{ keyword: 'romans rentrée littéraire', position: 4, volume: 1900 }],
    });
    offerId = article.id;
    price = article.priceCents;
    const project = await api.post('/api/projects', { clientId: account.id, name: 'Boutique en ligne', url: 'https://librairie-dumas.fr' });
    projectId = project.id;
    const campaign = await api.post('/api/campaigns', { projectId, name: 'Rentrée littéraire', budgetCents: 1_000_00 });
    await api.post('/api/orders', { projectId, campaignId: campaign.id, offerId, targetUrl: 'https://librairie-dumas.fr/rentree', anchor: 'romans de la rentrée' });

    await signIn(page, client.email, client.password);
    await page.getByTestId('nav-projects').click();
    await page.waitForURL('**/projets');
    const row = page.getByTestId('project-row');
    await row.waitFor();
    expect(await textOf(row.getByTestId('project-campaigns'))).toBe('1');
    expect(await textOf(row.getByTestId('project-orders'))).toBe('1');
    expect(await textOf(row.getByTestId('project-committed'))).toBe(euros(price));
    await screenshot(page, 'projects-1-list');

    await row.getByTestId('project-link').click();
    await page.waitForURL(`**/projets/${projectId}`);
    const c = page.getByTestId('campaign-row');
    await c.waitFor();
    expect(await textOf(c.getByTestId('campaign-consumption'))).toBe(`${euros(price)} sur ${euros(1_000_00)}`);
    expect(await textOf(c.getByTestId('campaign-status'))).toBe('OUVERTE');
    await expect.poll(() => page.getByTestId('project-order').count(), poll).toBe(1); // its own request
    await screenshot(page, 'projects-2-project');

    // A cap below what is committed: the server's refusal under the field, nothing changed.
    await c.getByTestId('campaign-edit').click();
    const form = page.getByTestId('campaign-edit-form');
    await form.getByTestId('edit-cap').fill('1');
    await form.getByTestId('edit-submit').click();
    await form.getByText(`Le plafond ne peut pas être inférieur au montant déjà engagé sur la campagne (${euros(price)}).`, { exact: false }).or(
      form.getByText(/Le plafond ne peut pas être inférieur au montant déjà engagé/),
    ).first().waitFor();
    await screenshot(page, 'projects-3-cap-refused');
    await form.getByTestId('edit-cap').fill('500');
    await form.getByTestId('edit-submit').click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(async () => textOf(c.getByTestId('campaign-consumption')), poll).toBe(`${euros(price)} sur ${euros(500_00)}`);
  });

  it('closes the campaign, an order on it is refused, reopens it and the order goes through', async () => {
    onTestFailed(async () => {
      await screenshot(page, 'FAILED-projects-2').catch(() => {});
    });
    const c = page.getByTestId('campaign-row');
    await c.getByTestId('campaign-close').click();
    await page.getByText('La campagne « Rentrée littéraire » n’acceptera plus de nouvelles commandes.', { exact: false }).waitFor();
    await screenshot(page, 'projects-4-close-confirm');
    await page.getByTestId('campaign-confirm').click();
    await expect.poll(async () => textOf(c.getByTestId('campaign-status')), poll).toBe('CLÔTURÉE');
    await screenshot(page, 'projects-5-closed');

    // An order on the closed campaign: refused, the reason next to the campaign.
    await page.goto(`/commander/${offerId}`);
    await page.getByTestId('order-offer-card').waitFor();
    await expect.poll(() => page.getByTestId('order-project').inputValue(), poll).toContain('Boutique en ligne');
    await selectOption(page, page.getByTestId('order-campaign'), 'Rentrée littéraire');
    await page.getByTestId('order-target-url').fill('https://librairie-dumas.fr/polars');
    await page.getByTestId('order-anchor').fill('polars de la rentrée');
    await page.getByTestId('order-submit').click();
    await page.getByText('Cette campagne est clôturée : rouvrez-la pour commander.').waitFor();
    await screenshot(page, 'projects-6-order-refused');

    // Reopened from the project page: the same order goes through.
    await page.goto(`/projets/${projectId}`);
    await c.getByTestId('campaign-reopen').click();
    await page.getByTestId('campaign-confirm').click();
    await expect.poll(async () => textOf(c.getByTestId('campaign-status')), poll).toBe('OUVERTE');
    await page.goto(`/commander/${offerId}`);
    await expect.poll(() => page.getByTestId('order-project').inputValue(), poll).toContain('Boutique en ligne');
    await selectOption(page, page.getByTestId('order-campaign'), 'Rentrée littéraire');
    await page.getByTestId('order-target-url').fill('https://librairie-dumas.fr/polars');
    await page.getByTestId('order-anchor').fill('polars de la rentrée');
    await page.getByTestId('order-submit').click();
    await page.waitForURL(/\/commandes\/[0-9a-f-]{36}$/);
    await page.goto(`/projets/${projectId}`);
    await expect.poll(async () => textOf(c.getByTestId('campaign-consumption')), poll).toBe(`${euros(2 * price)} sur ${euros(500_00)}`);
    // the orders list comes in its own request, which may answer after the campaign's figures
    await expect.poll(() => page.getByTestId('project-order').count(), poll).toBe(2);
    await screenshot(page, 'projects-7-reopened');
  });

  it('an agency member sees its clients’ projects and filters them by a client found by typing', async () => {
    const owner = { name: 'Agence Projets', email: 'projets@e2e.maillon.test', password: 'agence-projets-motdepasse-1' };
    const agency = await createAgency(server, owner, 'simple');
    for (const [name, domain] of [
      ['Cave Martin', 'cave-martin.fr'],
      ['Garage Roussel', 'garage-roussel.fr'],
    ]) {
      const c = await agency.api.post('/api/accounts', { role: 'client', name, parentId: agency.id });
      await agency.api.post('/api/projects', { clientId: c.id, name: `Site ${name}`, url: domain });
    }
    const ctx = await newContext(browser, server.url);
    const member = await ctx.newPage();
    onTestFailed(async () => {
      await screenshot(member, 'FAILED-projects-3').catch(() => {});
    });
    await signIn(member, owner.email, owner.password);
    await member.getByTestId('nav-projects').click();
    await expect.poll(() => member.getByTestId('project-row').count(), poll).toBe(2);
    const field = member.getByTestId('projects-client');
    await field.click();
    await field.fill('garage');
    await member.getByRole('option', { name: 'Garage Roussel', exact: true }).click();
    await member.waitForURL(/clientId=/);
    await expect.poll(() => member.getByTestId('project-row').count(), poll).toBe(1);
    expect(await textOf(member.getByTestId('project-client'))).toBe('Garage Roussel');
    await screenshot(member, 'projects-8-agency-filter');
    await ctx.close();
  });
});
