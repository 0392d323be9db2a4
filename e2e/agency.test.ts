// The agency journeys, in one browser against the real server; each `it` builds on the previous one.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
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
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  clearFailureScreenshots('agency');
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

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

const agency = { name: 'Agence Horizon SEO', email: 'horizon@e2e.maillon.test', password: 'horizon-motdepasse-2026' };
const manager = 'Camille Manager';
const consultant = 'Léo Consultant';
const client = 'Boulangerie Dupain';

/** Rows of the hierarchy tree, in display order, as "name@level". */
async function treeRows(page: Page): Promise<string[]> {
  const rows = page.getByTestId('tree-row');
  const out: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push(`${await row.getAttribute('data-name')}@${await row.getAttribute('data-level')}`);
  }
  return out;
}

describe('agency journeys', () => {
  let page: Page; // the agency's browser

  /** On failure, a picture of the agency's page next to the others, to see what went wrong. */
  const keepFailure = (name: string) =>
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, `FAILED-agency-${name}`).catch(() => {});
    });

  it('(1) a customer signs up, gets agency mode from support, switches to complete mode and builds its team', async () => {
    page = await openPage();
    keepFailure('1');

    // Sign-up, in French by default.
    await page.goto('/inscription');
    await page.getByRole('heading', { name: 'Créer un compte' }).waitFor();
    await expect(page.getByLabel('Annonceur / agence').isChecked()).resolves.toBe(true);
    await page.getByLabel('Nom ou raison sociale').fill(agency.name);
    await page.getByLabel('Adresse e-mail').fill(agency.email);
    await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(agency.password);
    await page.getByTestId('sign-up-submit').click();

    // A standalone customer: no "Agence" entry, but "Passer en mode agence".
    await page.getByTestId('dashboard-name').waitFor();
    expect(await textOf(page.getByTestId('dashboard-name'))).toBe(agency.name);
    expect(await textOf(page.getByTestId('wallet-available'))).toBe('0,00 €');
    await expect(page.getByTestId('nav-agency').count()).resolves.toBe(0);
    await page.getByTestId('nav-agency-request').click();
    await page
      .getByLabel('Message au support (facultatif)')
      .fill('Nous sommes 3 consultants et suivons une vingtaine de clients.');
    await page.getByTestId('agency-request-submit').click();
    const pending = page.getByTestId('agency-request-pending');
    await pending.waitFor();
    expect(await textOf(pending)).toContain('en attente de validation par le support');

    // Support approves it from its own browser.
    const supportPage = await openPage();
    await signIn(supportPage, server.support.email, server.support.password);
    await supportPage.getByTestId('nav-support').click();
    const request = supportPage.locator(`[data-testid="request-row"][data-name="${agency.name}"]`);
    await request.waitFor();
    expect(await textOf(request)).toContain('Nous sommes 3 consultants');
    await request.getByTestId('approve-request').click();
    await supportPage.getByTestId('requests-empty').waitFor();
    await screenshot(supportPage, '1a-support-approved');

    // The customer reloads: "Agence" is in the menu.
    await page.reload();
    await page.getByTestId('nav-agency').click();
    await page.waitForURL('**/agence');
    expect(await textOf(page.getByTestId('mode-description'))).toContain('Simple : Agence → Clients');
    // Simple mode has no collaborators to add.
    await expect(page.getByTestId('add-collaborator').count()).resolves.toBe(0);

    // Complete mode: the plan first (nothing to re-home), then apply.
    await page.getByTestId('mode-selector').getByText('Complet').click();
    const planModal = page.getByTestId('mode-plan-modal');
    await planModal.waitFor();
    await planModal.getByTestId('plan-empty').waitFor();
    await planModal.getByTestId('apply-plan').click();
    await planModal.waitFor({ state: 'detached' });
    await page.getByText('Complet : Agence → Managers → Consultants → Clients').waitFor();

    // A manager under the agency.
    await page.getByTestId('add-collaborator').click();
    let form = page.getByTestId('create-collaborator-form');
    await selectOption(page, form.getByTestId('member-role'), 'Manager');
    await form.getByTestId('member-name').fill(manager);
    await form.getByTestId('member-email').fill('camille@e2e.maillon.test');
    await form.getByTestId('member-submit').click();
    await form.waitFor({ state: 'detached' });
    await page.locator(`[data-testid="tree-row"][data-name="${manager}"]`).waitFor();

    // A consultant under the manager.
    await page.getByTestId('add-collaborator').click();
    form = page.getByTestId('create-collaborator-form');
    await selectOption(page, form.getByTestId('member-role'), 'Consultant');
    await form.getByTestId('member-name').fill(consultant);
    await selectOption(page, form.getByTestId('member-parent'), `${manager} (Manager)`);
    await form.getByTestId('member-submit').click();
    await form.waitFor({ state: 'detached' });
    await page.locator(`[data-testid="tree-row"][data-name="${consultant}"]`).waitFor();

    // A client (without login) under the consultant, from the "Clients" tab.
    await page.getByTestId('tab-clients').click();
    await page.waitForURL('**/agence/clients');
    await page.getByTestId('add-client').click();
    form = page.getByTestId('create-client-form');
    await form.getByTestId('member-name').fill(client);
    await selectOption(page, form.getByTestId('member-parent'), `${consultant} (Consultant)`);
    await form.getByTestId('member-submit').click();
    await form.waitFor({ state: 'detached' });
    const clientRow = page.locator(`[data-testid="client-row"][data-name="${client}"]`);
    await clientRow.waitFor();
    expect(await textOf(clientRow.getByTestId('client-in-charge'))).toBe(consultant);
    expect(await textOf(clientRow.getByTestId('client-balance'))).toBe('0,00 €');
    expect(await contentOf(clientRow.getByTestId('client-login'))).toBe('Non');

    // The tree nests them: agency > manager > consultant > client.
    await page.getByTestId('tab-team').click();
    await page.locator(`[data-testid="tree-row"][data-name="${client}"]`).waitFor();
    expect(await treeRows(page)).toEqual([`${agency.name}@0`, `${manager}@1`, `${consultant}@2`, `${client}@3`]);
    expect(await contentOf(page.getByTestId('mode-card'))).toContain('1 manager');
    await screenshot(page, '1b-agency-tree-complete');
  });

  it('(2) the agency acts as its client, sees what the client sees, then comes back', async () => {
    keepFailure('2');
    await page.getByTestId('tab-clients').click();
    const clientRow = page.locator(`[data-testid="client-row"][data-name="${client}"]`);
    await clientRow.getByTestId('act-as').click();

    // The banner names both, and cannot be closed.
    const banner = page.getByTestId('acting-banner');
    await banner.waitFor();
    const bannerText = await textOf(banner);
    expect(bannerText).toContain(`Vous agissez en tant que ${client} — connecté en tant qu’${agency.name}`);
    await expect(banner.getByRole('button').count()).resolves.toBe(1); // only "Revenir à mon compte"
    await page.waitForURL((url) => url.pathname === '/');

    // The client's screens: its name and role, no "Agence" entry, no way into the agency page.
    expect(await textOf(page.getByTestId('dashboard-name'))).toBe(client);
    expect(await textOf(page.getByTestId('header-account-name'))).toBe(client);
    expect(await contentOf(page.getByTestId('header-role'))).toBe('Client');
    await expect(page.getByTestId('nav-agency').count()).resolves.toBe(0);
    await expect(page.getByTestId('nav-agency-request').count()).resolves.toBe(0);
    expect(await textOf(page.getByTestId('account-details'))).toContain(`Rattaché à ${consultant}`);
    await screenshot(page, '2a-acting-as-client');

    // The client's credentials cannot be touched while acting: the server says why.
    await page.getByTestId('nav-account').click();
    await page.getByTestId('credentials-acting-note').waitFor();

    await banner.getByTestId('stop-acting').click();
    await banner.waitFor({ state: 'detached' });
    await page.waitForURL('**/agence');
    expect(await textOf(page.getByTestId('header-account-name'))).toBe(agency.name);
    await page.getByTestId('nav-agency').waitFor();

    // The audit trail shows the acting-as, done by the agency person for the client account.
    await page.getByTestId('nav-audit').click();
    const actingRows = page.locator('[data-testid="audit-row"][data-acting="true"]');
    await actingRows.first().waitFor();
    const actingTexts = await Promise.all((await actingRows.all()).map((row) => textOf(row)));
    expect(actingTexts).toHaveLength(2);
    // newest first: the stop, then the start; person = the agency, account = the client
    expect(actingTexts[0]).toMatch(new RegExp(`^\\S+ \\S+ ${agency.name} ${client} .*a cessé d’agir pour le compte de ${client}`));
    expect(actingTexts[1]).toMatch(new RegExp(`^\\S+ \\S+ ${agency.name} ${client} .*a commencé à agir pour le compte de ${client}`));
    await screenshot(page, '2b-back-to-agency-audit');
  });

  it('(3) the agency switches back to simple mode: collaborators deactivated, the client moves up', async () => {
    keepFailure('3');
    await page.getByTestId('nav-agency').click();
    await page.getByTestId('mode-selector').getByText('Simple').click();
    const planModal = page.getByTestId('mode-plan-modal');
    await planModal.waitFor();
    const deactivated = planModal.getByTestId('plan-deactivated');
    await deactivated.waitFor();
    const deactivatedText = await textOf(deactivated);
    expect(deactivatedText).toContain(`${manager} (Manager)`);
    expect(deactivatedText).toContain(`${consultant} (Consultant)`);
    expect(await planModal.getByTestId('plan-deactivated').locator('li').count()).toBe(2);
    expect(await textOf(planModal.getByTestId('plan-moved'))).toBe(`${client} : ${consultant} → ${agency.name}`);
    await screenshot(page, '3a-simple-mode-plan');
    await planModal.getByTestId('apply-plan').click();
    await planModal.waitFor({ state: 'detached' });
    await page.getByText('Simple : Agence → Clients').waitFor();

    // Only the agency and its client remain in the tree.
    await page.locator(`[data-testid="tree-row"][data-name="${manager}"]`).waitFor({ state: 'detached' });
    expect(await treeRows(page)).toEqual([`${agency.name}@0`, `${client}@1`]);

    // The client list names the agency as the person in charge.
    await page.getByTestId('tab-clients').click();
    const clientRow = page.locator(`[data-testid="client-row"][data-name="${client}"]`);
    await clientRow.waitFor();
    expect(await textOf(clientRow.getByTestId('client-in-charge'))).toBe(agency.name);
    await expect(page.getByTestId('client-row').count()).resolves.toBe(1);
    await screenshot(page, '3b-simple-mode-clients');
  });
});
