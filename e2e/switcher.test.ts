// The quick switcher, in French: an agency owner presses Ctrl+K, types part of a client's name
// without its accents, acts as it, presses Ctrl+K again and switches to another client in one step.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
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
let page: Page | null = null;
const owner = { name: 'Agence Boussole', email: 'boussole@e2e.maillon.test', password: 'boussole-motdepasse-2026' };

beforeAll(async () => {
  clearFailureScreenshots('switcher');
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('quick account switcher', () => {
  it('Ctrl+K finds a client typed without accents, acts as it, then switches to another in one step', async () => {
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, 'FAILED-switcher').catch(() => {});
    });
    const agency = await createAgency(server, owner, 'simple');
    for (const name of ['Pâtisserie Élise', 'Épicerie Lumière', 'Garage Dupont']) {
      await agency.api.post('/api/accounts', {
        role: 'client',
        name,
        parentId: agency.id,
        email: `${name
          .normalize('NFD')
          .replace(/\p{Diacritic}/gu, '')
          .toLowerCase()
          .replace(/\s+/g, '.')}@e2e.maillon.test`,
      });
    }
    const context = await newContext(browser, server.url);
    page = await context.newPage();
    await signIn(page, owner.email, owner.password);

    // The header's search button is there, named for screen readers.
    await page.getByRole('button', { name: 'Rechercher un compte' }).waitFor();
    await page.keyboard.press('Control+K');
    const input = page.getByTestId('switcher-input');
    await input.waitFor();
    await input.fill('patis');
    const results = page.getByTestId('switcher-result');
    await expect.poll(async () => (await results.allTextContents()).join(' | ')).toContain('Pâtisserie Élise');
    const first = await contentOf(results.first());
    expect(first).toContain('Client');
    expect(first).toContain('patisserie.elise@e2e.maillon.test');
    expect(first).toContain(`rattaché à ${owner.name}`);
    await screenshot(page, 'switcher-1-search');

    await results.first().getByRole('button', { name: 'Agir en tant que Pâtisserie Élise' }).click();
    const banner = page.getByTestId('acting-banner');
    await banner.waitFor();
    expect(await textOf(banner)).toContain('Vous agissez en tant que Pâtisserie Élise');
    await expect.poll(() => textOf(page!.getByTestId('header-account-name'))).toBe('Pâtisserie Élise');

    // Acting as one client, the switcher still searches the owner's reach: another client, by keyboard.
    await page.keyboard.press('Control+K');
    await input.waitFor();
    await input.fill('LUMIERE');
    await expect.poll(async () => (await results.allTextContents()).join(' | ')).toContain('Épicerie Lumière');
    await screenshot(page, 'switcher-2-while-acting');
    await input.press('Shift+Enter');
    await expect.poll(() => textOf(page!.getByTestId('header-account-name'))).toBe('Épicerie Lumière');
    expect(await textOf(banner)).toContain('Vous agissez en tant qu’Épicerie Lumière');
    await screenshot(page, 'switcher-3-switched');

    // Arrows move, Esc closes.
    await page.keyboard.press('Control+K');
    await input.fill('e');
    await expect.poll(() => results.count()).toBeGreaterThan(1);
    await input.press('ArrowDown');
    await expect(results.nth(1).getAttribute('aria-selected')).resolves.toBe('true');
    await page.keyboard.press('Escape');
    await page.getByTestId('switcher').waitFor({ state: 'hidden' });

    // The trail reads a stop then a start for the switch.
    const me = await (await context.request.get('/api/me')).json();
    expect(me).toMatchObject({ actingAs: true, account: { name: 'Épicerie Lumière' } });
    await banner.getByTestId('stop-acting').click();
    await banner.waitFor({ state: 'detached' });
    const trail = await (await context.request.get('/api/audit?category=account')).json();
    expect(
      trail.items.slice(0, 4).map((l: { action: string; subject: { name: string } }) => `${l.action} ${l.subject.name}`),
    ).toEqual([
      'act_as.stop Épicerie Lumière',
      'act_as.start Épicerie Lumière',
      'act_as.stop Pâtisserie Élise',
      'act_as.start Pâtisserie Élise',
    ]);
    await context.close();
  });

  it('lets support act from it too, once it has stated its reason', async () => {
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, 'FAILED-switcher-support').catch(() => {});
    });
    const other = await createAgency(server, { name: 'Agence Cap Nord', email: 'capnord@e2e.maillon.test', password: 'capnord-motdepasse-2026' }, 'simple');
    await other.api.post('/api/accounts', { role: 'client', name: 'Menuiserie Océane', parentId: other.id });
    const context = await newContext(browser, server.url);
    page = await context.newPage();
    await signIn(page, server.support.email, server.support.password);
    await page.keyboard.press('Control+K');
    const input = page.getByTestId('switcher-input');
    await input.waitFor();
    await input.fill('oceane');
    const results = page.getByTestId('switcher-result');
    await expect.poll(async () => (await results.allTextContents()).join(' | ')).toContain('Menuiserie Océane');
    await results.first().getByRole('button', { name: 'Agir en tant que Menuiserie Océane' }).click();
    // The switcher gives way to the reason's dialog; too short a reason is refused in place.
    await page.getByTestId('switcher').waitFor({ state: 'hidden' });
    const reason = page.getByTestId('act-as-reason');
    await reason.fill('vu');
    await page.getByTestId('act-as-confirm').click();
    await expect.poll(async () => (await page!.getByRole('dialog').allTextContents()).join(' ')).toMatch(/au moins 5\s+caractères/);
    await reason.fill('Ticket 4821 : la cliente ne voit pas sa commande');
    await screenshot(page, 'switcher-4-support-reason');
    await page.getByTestId('act-as-confirm').click();
    const banner = page.getByTestId('acting-banner');
    await banner.waitFor();
    expect(await textOf(banner)).toContain('Menuiserie Océane');
    expect(await textOf(banner)).toContain('Ticket 4821');
    await page.getByTestId('act-as-reason').waitFor({ state: 'detached' });
    await screenshot(page, 'switcher-5-support-acting');
    const me = await (await context.request.get('/api/me')).json();
    expect(me).toMatchObject({ actingAs: true, account: { name: 'Menuiserie Océane' }, actingReason: 'Ticket 4821 : la cliente ne voit pas sa commande' });
    await context.close();
  });
});
