// The activity log's filters, in French: an agency owner narrows the journal by person, by
// account, by kind of action and by Paris days; the address keeps the filters; « Réinitialiser ».
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  clearFailureScreenshots,
  createAgency,
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
let page: Page | null = null;
const owner = { name: 'Agence Méridienne', email: 'meridienne@e2e.maillon.test', password: 'meridienne-motdepasse-2026' };

beforeAll(async () => {
  clearFailureScreenshots('audit-filters');
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('activity log filters', () => {
  it('filters the journal by person, account, kind of action and dates, kept in the address', async () => {
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, 'FAILED-audit-filters').catch(() => {});
    });
    const agency = await createAgency(server, owner, 'simple');
    const dupain = await agency.api.post('/api/accounts', { role: 'client', name: 'Boulangerie Dupain', parentId: agency.id });
    const bois = await agency.api.post('/api/accounts', { role: 'client', name: 'Atelier Bois', parentId: agency.id });
    await agency.api.patch(`/api/accounts/${bois.id}`, { name: 'Atelier Bois & Fils' });
    // A line of 15 November 2026 at 00:30 in Paris (23:30 UTC the day before).
    await sql`insert into audit_log (person_id, account_id, agency_id, action, target_type, target_id, at)
      values (${agency.id}, ${agency.id}, ${agency.id}, 'account.update', 'account', ${dupain.id}, '2026-11-14T23:30:00Z')`.execute(
      server.database.db,
    );

    const context = await newContext(browser, server.url);
    page = await context.newPage();
    await signIn(page, owner.email, owner.password);
    await page.goto('/journal');
    const rows = page.getByTestId('audit-row');
    await rows.first().waitFor();
    const all = await rows.count();

    // Who did it: « Vous ».
    await selectOption(page, page.getByTestId('audit-filter-person'), `Vous (${owner.name})`);
    await page.waitForURL(/personId=/);
    // One day, in Paris: the line written at 23:30 UTC on the 14th belongs to the 15th.
    await page.getByTestId('audit-filter-from').fill('2026-11-15');
    await page.waitForURL(/from=2026-11-15/);
    await page.getByTestId('audit-filter-to').fill('2026-11-15');
    await page.waitForURL(/from=2026-11-15.*to=2026-11-15|to=2026-11-15.*from=2026-11-15/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await textOf(rows.first())).toContain(`${owner.name} a modifié le profil de Boulangerie Dupain`);
    expect(await textOf(rows.first())).toContain('15/11/2026');
    await screenshot(page, 'audit-filters-1-person-and-day');

    // The address keeps them: a reload shows the same view.
    await page.reload();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByTestId('audit-filter-from').inputValue()).toBe('2026-11-15');

    // A day without anything: the French empty state.
    await page.getByTestId('audit-filter-from').fill('2026-11-16');
    await page.getByTestId('audit-filter-to').fill('2026-11-16');
    await page.getByTestId('audit-empty').waitFor();
    expect(await textOf(page.getByTestId('audit-empty'))).toBe(
      'Aucune action ne correspond à ces filtres. Élargissez les dates ou réinitialisez les filtres.',
    );
    await screenshot(page, 'audit-filters-2-empty');

    // Réinitialiser, then one account and one kind of action.
    await page.getByRole('button', { name: 'Réinitialiser' }).click();
    await page.waitForURL((url) => url.search === '');
    await expect.poll(() => rows.count()).toBe(all);
    const account = page.getByTestId('audit-filter-account');
    await account.click();
    await account.fill('atelier');
    await page.getByRole('option', { name: 'Atelier Bois & Fils' }).click();
    await page.waitForURL(/accountId=/);
    await selectOption(page, page.getByTestId('audit-filter-category'), 'Équipe');
    await page.waitForURL(/category=team/);
    await expect
      .poll(async () => (await rows.allTextContents()).join(' | '))
      .toContain('a modifié le profil d’Atelier Bois & Fils');
    const texts = await rows.allTextContents();
    expect(texts.every((t) => t.includes('Atelier Bois & Fils'))).toBe(true);
    expect(texts.join(' ')).not.toContain('Dupain');
    await screenshot(page, 'audit-filters-3-account-and-category');
    await context.close();
  });
});
