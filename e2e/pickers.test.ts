// Large pickers search as the user types: an agency with 520 clients finds the 520th (alphabetically
// the last, so beyond the first 500 the filter used to load) in the orders view's client filter and
// in the client report's picker (Agence → Rapports).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  clearFailureScreenshots,
  createAgency,
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  startServer,
  type TestServer,
} from './support';

let server: TestServer;
let browser: Browser;
let page: Page | null = null;
const owner = { name: 'Agence Cinq Cents', email: 'cinq-cents@e2e.maillon.test', password: 'cinq-cents-motdepasse-2026' };

beforeAll(async () => {
  clearFailureScreenshots('pickers');
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('pickers over long lists', () => {
  it('the client filter and the report picker find a client beyond the first 500 by typing', async () => {
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, 'FAILED-pickers').catch(() => {});
    });
    const agency = await createAgency(server, owner, 'simple');
    // 520 clients straight into the tables (accounts, closure rows, wallets), named "Client 001" … "Client 520".
    await sql`
      with created as (
        insert into accounts (role, name, search_text, parent_id, agency_id)
        select 'client', 'Client ' || lpad(g::text, 3, '0'), 'client ' || lpad(g::text, 3, '0'), ${agency.id}, ${agency.id}
        from generate_series(1, 520) g returning id),
      tree as (
        insert into account_tree (ancestor_id, descendant_id, depth, agency_id)
        select id, id, 0, ${agency.id}::uuid from created
        union all select ${agency.id}::uuid, id, 1, ${agency.id}::uuid from created)
      insert into wallets (account_id, agency_id) select id, ${agency.id} from created`.execute(server.database.db);

    const context = await newContext(browser, server.url);
    page = await context.newPage();
    await signIn(page, owner.email, owner.password);
    await page.goto('/commandes');
    const field = page.getByTestId('orders-client');
    await field.click();
    await field.fill('Client 520');
    await page.getByRole('option', { name: 'Client 520', exact: true }).click();
    await page.waitForURL(/accountId=/);
    const id = new URL(page.url()).searchParams.get('accountId');
    const expected = await sql<{
      id: string;
    }>`select id from accounts where name = 'Client 520' and agency_id = ${agency.id}`.execute(server.database.db);
    expect(id).toBe(expected.rows[0].id);
    await expect.poll(() => field.inputValue()).toBe('Client 520');
    await screenshot(page, 'pickers-client-520');

    // The client report's picker (Agence → Rapports) searches the same way: its report opens.
    await page.goto('/agence/rapports');
    const reportField = page.getByTestId('report-client');
    await reportField.click();
    await reportField.fill('Client 520');
    await page.getByRole('option', { name: 'Client 520', exact: true }).click();
    await page.getByTestId('report-summary').waitFor();
    await expect.poll(() => reportField.inputValue()).toBe('Client 520');
    await screenshot(page, 'pickers-report-client-520');
    await context.close();
  });
});
