// The team table of the Agence tab, in French, as the owner of an agency: sort by a header,
// search without accents, tick three clients and spread credits to them in one go, move two of them
// to another consultant, export the table as CSV; then a consultant's « Changer de responsable »
// picker, which offers her (never « Aucun résultat »).
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ApiSession, clearFailureScreenshots, createAgency, launchBrowser, newContext, screenshot, signIn, startServer, textOf, type TestServer } from './support';

let server: TestServer;
let browser: Browser;
let current: Page | null = null;

const owner = { name: 'Agence Équipe Lumière', email: 'equipe@e2e.maillon.test', password: 'equipe-motdepasse-2026' };
const lea = { name: 'Léa Petit', email: 'lea-team@e2e.maillon.test', password: 'lea-motdepasse-2026' };
const CLIENTS = ['Boulangerie Dupain', 'Élodie Fleurs', 'Café Ému', 'Zèbre Studio'];
const COMPANY = { legalName: 'Agence Équipe SAS', address: '5 place Bellecour', postalCode: '69002', city: 'Lyon', country: 'FR', siret: '81234567800012', vatNumber: 'FR40812345678' };

beforeAll(async () => {
  clearFailureScreenshots('team');
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function keepFailure(name: string) {
  onTestFailed(async () => {
    if (current && !current.isClosed()) await screenshot(current, `FAILED-team-${name}`).catch(() => {});
  });
}

const names = async (page: Page) => page.getByTestId('team-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
const row = (page: Page, name: string) => page.locator(`[data-testid="team-row"][data-name="${name}"]`);

async function acceptInvitation(email: string, password: string) {
  const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
  const { items } = await support.get(`/api/support/outbox?to=${encodeURIComponent(email)}`);
  const token = new URL(/https?:\/\/\S+/.exec(items[0].text)![0]).searchParams.get('token');
  await new ApiSession(server.url).post('/api/auth/invitations/accept', { token, password });
}

describe('the team table', () => {
  let ids: Record<string, string> = {};

  it('(1) the owner sorts, searches, spreads credits to three clients, moves two, exports the CSV', async () => {
    keepFailure('owner');
    const agency = await createAgency(server, owner, 'complete');
    const create = async (name: string, role: string, parentId: string, email?: string) =>
      (ids[name] = (await agency.api.post('/api/accounts', { name, role, parentId, ...(email ? { email } : {}) })).id);
    await create('Manon Lefèvre', 'manager', agency.id);
    await create(lea.name, 'consultant', ids['Manon Lefèvre'], lea.email);
    await create('Théo Garnier', 'consultant', ids['Manon Lefèvre']);
    for (const c of CLIENTS) await create(c, 'client', ids[lea.name]);
    // 1 000 € on the agency's wallet: a top-up confirmed by support.
    await agency.api.patch(`/api/accounts/${agency.id}`, { company: COMPANY });
    const topUp = await agency.api.post(`/api/accounts/${agency.id}/top-ups`, { amountCents: 1_000_00, method: 'bank_transfer' });
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    await support.post(`/api/support/top-ups/${topUp.id}/confirm`);

    const context = await newContext(browser, server.url);
    const page = (current = await context.newPage());
    await signIn(page, owner.email, owner.password);
    await page.goto('/agence');
    await page.getByTestId('team-table').waitFor();
    await expect.poll(() => textOf(page.getByTestId('team-total'))).toBe('7 lignes');

    // Sort: by name (A → Z), then Z → A by clicking the header again.
    const byName = ['Boulangerie Dupain', 'Café Ému', 'Élodie Fleurs', 'Léa Petit', 'Manon Lefèvre', 'Théo Garnier', 'Zèbre Studio'];
    await expect.poll(() => names(page)).toEqual(byName);
    await page.getByTestId('sort-name').click();
    await expect.poll(() => names(page)).toEqual([...byName].reverse());
    expect(await page.locator('th[aria-sort="descending"]').count()).toBe(1);
    // By clients below them: Léa (4) then Manon (4) tie, broken the same way every time; clients last.
    await page.getByTestId('sort-clients').click();
    await expect.poll(async () => (await names(page)).slice(0, 2).sort()).toEqual(['Léa Petit', 'Manon Lefèvre']);
    await screenshot(page, 'team-1-sorted');

    // Search as one types, without accents or capitals.
    await page.getByTestId('team-search').fill('ELODIE');
    await expect.poll(() => names(page)).toEqual(['Élodie Fleurs']);
    await page.getByTestId('team-search').fill('');
    await expect.poll(async () => (await names(page)).length).toBe(7);

    // Clients only, then three ticked: « Répartir des crédits », 25 € each.
    await page.getByTestId('team-role').click();
    await page.getByRole('option', { name: 'Client', exact: true }).click();
    await expect.poll(async () => (await names(page)).length).toBe(4);
    await page.getByTestId('sort-name').click();
    await expect.poll(() => names(page)).toEqual(['Boulangerie Dupain', 'Café Ému', 'Élodie Fleurs', 'Zèbre Studio']);
    for (const c of ['Boulangerie Dupain', 'Café Ému', 'Élodie Fleurs']) await row(page, c).getByTestId('team-select').check();
    await expect.poll(() => textOf(page.getByTestId('team-bulk-bar'))).toContain('3 sélectionnés');
    await page.getByTestId('bulk-allocate').click();
    const allocate = page.getByTestId('bulk-allocate-form');
    await allocate.getByTestId('bulk-amount-same').fill('25');
    await expect.poll(() => textOf(allocate.getByTestId('bulk-allocate-total'))).toBe('Total : 75,00 €');
    await screenshot(page, 'team-2-allocate');
    await allocate.getByTestId('bulk-allocate-submit').click();
    await allocate.waitFor({ state: 'detached' });
    for (const c of ['Boulangerie Dupain', 'Café Ému', 'Élodie Fleurs']) {
      await expect.poll(() => textOf(row(page, c).getByTestId('team-balance'))).toBe('25,00 €');
    }
    expect(await textOf(row(page, 'Zèbre Studio').getByTestId('team-balance'))).toBe('0,00 €');

    // Two of them to Théo: « Changer de responsable », a preview, then applied.
    for (const c of ['Café Ému', 'Zèbre Studio']) await row(page, c).getByTestId('team-select').check();
    await expect.poll(() => textOf(page.getByTestId('team-bulk-bar'))).toContain('2 sélectionnés');
    await page.getByTestId('bulk-move').click();
    const move = page.getByTestId('bulk-move-form');
    await move.getByTestId('bulk-move-parent').click();
    await page.getByRole('option', { name: 'Théo Garnier (Consultant)' }).click();
    await expect.poll(() => textOf(move.getByTestId('bulk-move-preview'))).toContain('Café Ému : Léa Petit → Théo Garnier');
    await screenshot(page, 'team-3-move');
    await move.getByTestId('bulk-move-submit').click();
    await move.waitFor({ state: 'detached' });
    await expect.poll(() => textOf(row(page, 'Café Ému'))).toContain('Théo Garnier');
    expect(await textOf(row(page, 'Zèbre Studio'))).toContain('Théo Garnier');
    expect(await textOf(row(page, 'Boulangerie Dupain'))).toContain('Léa Petit');
    await screenshot(page, 'team-4-moved');

    // The CSV of the same table (clients, by name): French columns, the balances in decimal euros.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('team-export').click()]);
    const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
    const lines = parse(csv, { delimiter: ';' }) as string[][];
    expect(lines[0].slice(0, 4)).toEqual(['Nom', 'E-mail', 'Rôle', 'Responsable']);
    expect(lines.slice(1).map((l) => l[0])).toEqual(['Boulangerie Dupain', 'Café Ému', 'Élodie Fleurs', 'Zèbre Studio']);
    const balance = lines[0].indexOf('Solde (€)');
    expect(lines.slice(1).map((l) => l[balance])).toEqual(['25,00', '25,00', '25,00', '0,00']);
    expect(lines[2][3]).toBe('Théo Garnier');
    await context.close();
  });

  it('(2) a consultant opens « Changer de responsable » on her clients: the picker offers her, not « Aucun résultat »', async () => {
    keepFailure('consultant');
    await acceptInvitation(lea.email, lea.password);
    const context = await newContext(browser, server.url);
    const page = (current = await context.newPage());
    await signIn(page, lea.email, lea.password);
    await page.goto('/agence');
    await page.getByTestId('team-table').waitFor();
    await expect.poll(() => names(page)).toEqual(['Boulangerie Dupain', 'Élodie Fleurs']);
    await page.getByTestId('team-select-all').check();
    await page.getByTestId('bulk-move').click();
    const move = page.getByTestId('bulk-move-form');
    await move.getByTestId('bulk-move-parent').click();
    const options = page.getByRole('option');
    await expect.poll(() => options.count()).toBe(1);
    expect(await textOf(options.first())).toBe('Léa Petit (vous)');
    expect(await page.getByText('Aucun résultat').count()).toBe(0);
    await expect.poll(() => textOf(move.getByTestId('bulk-move-only-self'))).toContain('Vos clients ne peuvent être rattachés qu’à vous');
    await screenshot(page, 'team-5-consultant-picker');
    await context.close();
  });
});
