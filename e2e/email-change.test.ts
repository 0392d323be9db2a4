// Changing one's e-mail address: nothing changes until the link sent to the new address is
// followed on the /confirm-email page; then the person signs in with the new address only.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiSession, clearFailureScreenshots, launchBrowser, newContext, screenshot, signIn, startServer, textOf, type TestServer } from './support';

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let current: Page | null = null;

beforeAll(async () => {
  clearFailureScreenshots('email-change');
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
  current = await context.newPage();
  return current;
}

describe('e-mail change', () => {
  it('confirms the new address from the link sent to it', async () => {
    onTestFailed(async () => {
      if (current && !current.isClosed()) await screenshot(current, 'FAILED-email-change').catch(() => {});
    });
    const password = 'paul-motdepasse-1';
    await new ApiSession(server.url).post('/api/auth/signup', { email: 'paul@e2e.maillon.test', password, name: 'Paul Ancien', kind: 'customer' });
    const page = await openPage();
    await signIn(page, 'paul@e2e.maillon.test', password);
    await page.getByTestId('nav-account').click();
    const card = page.locator('form').filter({ hasText: 'Changer l’adresse' });
    await card.getByLabel('Nouvelle adresse e-mail').fill('paul.nouveau@e2e.maillon.test');
    await card.getByRole('textbox', { name: 'Mot de passe actuel', exact: true }).fill(password);
    await card.getByRole('button', { name: 'Changer l’adresse' }).click();
    await page.locator('.mantine-Notification-root').filter({ hasText: 'Un lien de confirmation est parti vers paul.nouveau@e2e.maillon.test' }).waitFor();
    // Until the link is followed the account keeps its address.
    await page.reload();
    await page.getByText('Adresse actuelle : paul@e2e.maillon.test').waitFor();

    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    const { items } = await support.get(`/api/support/outbox?to=${encodeURIComponent('paul.nouveau@e2e.maillon.test')}`);
    const link = /https?:\/\/\S+/.exec(items[0].text)![0];
    expect(new URL(link).pathname).toBe('/confirm-email');
    const notice = await support.get(`/api/support/outbox?to=${encodeURIComponent('paul@e2e.maillon.test')}`);
    expect(notice.items[0].text).toContain('paul.nouveau@e2e.maillon.test');

    const inbox = await openPage();
    await inbox.goto(link);
    await inbox.getByRole('heading', { name: 'Confirmer votre nouvelle adresse' }).waitFor();
    await screenshot(inbox, 'email-change-confirm');
    await inbox.getByRole('button', { name: 'Confirmer cette adresse' }).click();
    expect(await textOf(inbox.getByTestId('confirm-email-done'))).toBe(
      'C’est fait : votre compte utilise maintenant l’adresse paul.nouveau@e2e.maillon.test.',
    );
    // The same link a second time is refused.
    await inbox.reload();
    await inbox.getByRole('button', { name: 'Confirmer cette adresse' }).click();
    await inbox.getByTestId('confirm-email-error').waitFor();

    current = page;
    await page.reload();
    await page.getByText('Adresse actuelle : paul.nouveau@e2e.maillon.test').waitFor();
    await page.getByTestId('sign-out').click();
    await signIn(page, 'paul.nouveau@e2e.maillon.test', password);
  });
});
