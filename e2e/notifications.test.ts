// The notifications journey, in several browsers against the real server; each `it` builds on the
// previous one. A consultant orders for its client on a publisher's site: the publisher's bell
// lights up (by itself, the bell asks every 30 s), it opens the notification and accepts the order
// from the page it leads to; the consultant, coming back to its window, sees "accepted" in its own
// bell, reads its notifications page and turns the e-mails of "Suivi des commandes" off (the app
// still shows them); the publisher unsubscribes from its e-mail's link without signing in.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ApiSession,
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
const contexts: BrowserContext[] = [];
let current: Page | null = null;

const owner = { name: 'Agence Levain SEO', email: 'levain@e2e.maillon.test', password: 'levain-motdepasse-2026' };
const consultant = { name: 'Chloé Consultante', email: 'chloe@e2e.maillon.test', password: 'chloe-motdepasse-2026' };
const client = 'Boulangerie Dupont';
const publisher = { name: 'Éditions du Fournil', email: 'fournil@e2e.maillon.test', password: 'fournil-motdepasse-2026' };
const domain = 'le-fournil-gourmand.fr';
const target = 'https://www.boulangerie-dupont.fr/pain-au-levain';
const anchor = 'pain au levain bio';

beforeAll(async () => {
  clearFailureScreenshots('notifications');
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

function keepFailure(name: string) {
  onTestFailed(async () => {
    if (current && !current.isClosed()) await screenshot(current, `FAILED-notifications-${name}`).catch(() => {});
  });
}

/** The invitation in support's outbox, accepted with a password (as the e-mail's link would). */
async function acceptInvitation(email: string, password: string) {
  const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
  const { items } = await support.get(`/api/support/outbox?to=${encodeURIComponent(email)}`);
  const token = new URL(/https?:\/\/\S+/.exec(items[0].text)![0]).searchParams.get('token');
  await new ApiSession(server.url).post('/api/auth/invitations/accept', { token, password });
}

/** The e-mails to `to` in support's outbox, newest first. */
async function mailsTo(to: string): Promise<{ subject: string; text: string }[]> {
  const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
  return (await support.get(`/api/support/outbox?to=${encodeURIComponent(to)}`)).items;
}

/** The person comes back to this window (from another one: the browser says it has the focus again). */
const comeBack = (page: Page) => page.evaluate(() => window.dispatchEvent(new Event('focus')));

const bell = (page: Page) => page.getByTestId('notification-bell');
const bellWith = (page: Page, unread: number) => page.locator(`[data-testid="notification-bell"][data-unread="${unread}"]`);

describe('notifications journey', () => {
  let projectId = '';
  let offerId = '';
  let orderId = '';
  let consultantApi: ApiSession;
  let publisherApi: ApiSession;
  let publisherPage: Page;
  let consultantPage: Page;

  it('(1) set-up: an agency, its consultant and the consultant’s client with credits and a project; a publisher with a validated site', async () => {
    keepFailure('1');
    const agency = await createAgency(server, owner, 'complete');
    // The client is funded before its consultant exists, so that the journey starts from the consultant's empty bell.
    const boulangerie = await agency.api.post('/api/accounts', { role: 'client', name: client, parentId: agency.id });

    await agency.api.patch(`/api/accounts/${agency.id}`, {
      company: {
        legalName: 'Levain SEO SAS',
        address: '12 rue des Fours',
        postalCode: '69002',
        city: 'Lyon',
        country: 'FR',
        siret: '81234567800012',
      },
    });
    const topUp = await agency.api.post(`/api/accounts/${agency.id}/top-ups`, { amountCents: 3_000_00, method: 'bank_transfer' });
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    await support.post(`/api/support/top-ups/${topUp.id}/confirm`);
    await agency.api.post('/api/transfers', { fromAccountId: agency.id, toAccountId: boulangerie.id, amountCents: 2_900_00 });
    const chloe = await agency.api.post('/api/accounts', {
      role: 'consultant',
      name: consultant.name,
      email: consultant.email,
      parentId: agency.id,
    });
    await agency.api.patch(`/api/accounts/${boulangerie.id}`, { parentId: chloe.id });
    await acceptInvitation(consultant.email, consultant.password);
    consultantApi = await ApiSession.signIn(server.url, consultant.email, consultant.password);
    projectId = (
      await agency.api.post('/api/projects', {
        clientId: boulangerie.id,
        name: 'Site de la boulangerie',
        url: 'https://www.boulangerie-dupont.fr/',
      })
    ).id;

    publisherApi = new ApiSession(server.url);
    await publisherApi.post('/api/auth/signup', { ...publisher, kind: 'publisher' });
    const site = await publisherApi.post('/api/publisher/sites', {
      domain,
      theme: 'cuisine',
      siteKind: 'thematic',
      language: 'fr',
    });
    await publisherApi.post(`/api/publisher/sites/${site.id}/articles`, {
      url: `https://${domain}/pain-au-levain`,
      keywords: [
        { keyword: 'pain au levain bio', position: 3, volume: 1900 },
        { keyword: 'levain maison', position: 8, volume: 700 },
      ],
    });
    await support.post(`/api/support/sites/${site.id}/approve`);
    const offers = await consultantApi.get('/api/catalog/offers?keyword=levain%20maison');
    offerId = offers.items[0].offerId;
    expect(offers.items).toHaveLength(1);
  });

  it('(2) the publisher’s bell lights up by itself when the consultant orders for its client', async () => {
    publisherPage = await openPage();
    const page = publisherPage;
    keepFailure('2');
    await signIn(page, publisher.email, publisher.password);
    await bellWith(page, 0).waitFor();
    expect(await bell(page).getAttribute('aria-label')).toBe('Notifications');
    await bell(page).click();
    expect(await textOf(page.getByTestId('notification-empty'))).toBe('Aucune notification pour le moment.');
    await expect(page.getByTestId('notification-mark-all').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'n2a-publisher-bell-empty');
    await page.keyboard.press('Escape');
    await page.getByTestId('notification-popover').waitFor({ state: 'hidden' });

    // The consultant orders (through the API: the ordering itself is the marketplace journey's).
    const order = await consultantApi.post('/api/orders', { projectId, offerId, targetUrl: target, anchor });
    orderId = order.id;

    // Nobody touches the publisher's page: the bell asks again within 30 s.
    await bellWith(page, 1).waitFor({ timeout: 45_000 });
    expect(await textOf(page.getByTestId('notification-count'))).toBe('1');
    expect(await bell(page).getAttribute('aria-label')).toBe('Notifications, 1\u00a0non lue');
    await screenshot(page, 'n2b-publisher-bell-lit');
  });

  it('(3) the publisher opens the notification, lands on its received orders and accepts the order', async () => {
    const page = publisherPage;
    current = page;
    keepFailure('3');
    await bell(page).click();
    const entry = page.getByTestId('notification-entry');
    await entry.waitFor();
    await expect(entry.count()).resolves.toBe(1);
    expect(await entry.getAttribute('data-kind')).toBe('order_new');
    expect(await entry.getAttribute('data-unread')).toBe('true');
    expect(await textOf(entry.getByTestId('notification-title'))).toBe(`Nouvelle commande sur ${domain}`);
    const body = await textOf(entry.getByTestId('notification-body'));
    expect(body).toContain(`Ancre « ${anchor} »`);
    expect(body).toMatch(/À accepter avant le \d{1,2}(?:er)? \S+ \d{4} à \d{2}:\d{2}, sinon elle expire\./);
    expect(await textOf(entry.getByTestId('notification-when'))).toBe('à l’instant');
    await expect(page.getByTestId('notification-mark-all').isEnabled()).resolves.toBe(true);
    await screenshot(page, 'n3a-publisher-bell-open');

    // Opened: read, and the page of its object (the received orders), the popover closed.
    await entry.click();
    await page.waitForURL('**/editeur/commandes');
    await page.getByTestId('notification-popover').waitFor({ state: 'hidden' });
    await bellWith(page, 0).waitFor();
    const row = page.locator(`[data-testid="received-row"][data-id="${orderId}"]`);
    await row.waitFor();
    expect(await contentOf(row.getByTestId('order-status'))).toBe('Commandée');
    expect(await textOf(row.getByTestId('received-anchor'))).toBe(`« ${anchor} »`);
    await row.getByTestId('received-accept').click();
    await row.getByTestId('received-place').waitFor();
    expect(await contentOf(row.getByTestId('order-status'))).toBe('Acceptée');
    await screenshot(page, 'n3b-publisher-accepted');

    // Read, in the bell too.
    await bell(page).click();
    await expect(page.getByTestId('notification-entry').getAttribute('data-unread')).resolves.toBe('false');
    await page.keyboard.press('Escape');
  });

  it('(4) the consultant, back on its window, sees "accepted" in its bell and opens its order', async () => {
    consultantPage = await openPage();
    const page = consultantPage;
    keepFailure('4');
    await signIn(page, consultant.email, consultant.password);
    // It was told at once, by e-mail too (the person in charge of the client).
    const mails = await mailsTo(consultant.email);
    expect(mails[0].subject).toBe(`Commande acceptée pour ${client}`);
    expect(mails[0].text).toContain('/desabonnement?token=');

    await bellWith(page, 1).waitFor();
    await bell(page).click();
    const entry = page.getByTestId('notification-entry');
    await entry.waitFor();
    expect(await entry.getAttribute('data-kind')).toBe('order_accepted');
    expect(await textOf(entry.getByTestId('notification-title'))).toBe(`Commande acceptée pour ${client}`);
    expect(await textOf(entry.getByTestId('notification-body'))).toBe(
      `L'éditeur a accepté la commande « ${anchor} » et va publier le lien.`,
    );
    await screenshot(page, 'n4a-consultant-bell-accepted');
    await entry.click();
    await page.waitForURL(`**/commandes/${orderId}`);
    await page.getByTestId('order-details').waitFor();
    expect(await contentOf(page.getByTestId('order-page-status'))).toBe('Acceptée');
    await bellWith(page, 0).waitFor();

    // A second order, accepted while the consultant looks at this page: coming back to the window, the bell says so.
    const second = await consultantApi.post('/api/orders', {
      projectId,
      offerId,
      targetUrl: target,
      anchor: 'boulangerie artisanale',
    });
    await publisherApi.post(`/api/publisher/orders/${second.id}/accept`);
    await comeBack(page);
    await bellWith(page, 1).waitFor();
    await screenshot(page, 'n4b-consultant-order-accepted');
  });

  it('(5) the consultant’s notifications page: filters, "mark one read", "mark all read"', async () => {
    const page = consultantPage;
    current = page;
    keepFailure('5');
    await bell(page).click();
    await page.getByTestId('notification-see-all').click();
    await page.waitForURL('**/notifications');
    const rows = page.getByTestId('notification-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await textOf(page.getByTestId('notifications-unread-count'))).toBe('1 notification non lue');
    expect(await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-unread')))).toEqual(['true', 'false']);
    expect(await textOf(rows.first().getByTestId('notification-body'))).toContain('« boulangerie artisanale »');
    expect(await contentOf(rows.first().getByTestId('notification-category'))).toBe('Suivi des commandes');
    await screenshot(page, 'n5a-notifications-page');

    // Unread only: the one; marked read there, the list is empty.
    await page.getByTestId('notifications-unread-filter').getByText('Non lues').click();
    await page.waitForURL((url) => url.pathname === '/notifications' && url.search === '?non-lues=1');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByTestId('notification-mark-read').click();
    await page.getByTestId('notifications-empty').waitFor();
    expect(await textOf(page.getByTestId('notifications-empty'))).toBe('Aucune notification non lue.');
    expect(await textOf(page.getByTestId('notifications-unread-count'))).toBe('Tout est lu.');
    await bellWith(page, 0).waitFor();
    await screenshot(page, 'n5b-notifications-unread-empty');

    // A category with nothing in it, then all of them again.
    await page.getByTestId('notifications-unread-filter').getByText('Toutes').click();
    await page.getByTestId('notifications-category').click();
    await page.getByRole('option', { name: 'Crédits et paiements' }).click();
    await page.waitForURL((url) => url.search === '?categorie=money');
    await page.getByTestId('notifications-empty').waitFor();
    expect(await textOf(page.getByTestId('notifications-empty'))).toBe('Aucune notification.');
    await page.getByTestId('notifications-category').click();
    await page.getByRole('option', { name: 'Suivi des commandes' }).click();
    await expect.poll(() => rows.count()).toBe(2);

    // "Tout marquer comme lu" from the bell, once a third order is accepted.
    const third = await consultantApi.post('/api/orders', { projectId, offerId, targetUrl: target, anchor: 'levain naturel' });
    await publisherApi.post(`/api/publisher/orders/${third.id}/accept`);
    await comeBack(page);
    await bellWith(page, 1).waitFor();
    await expect.poll(() => rows.count()).toBe(3);
    await bell(page).click();
    await page.getByTestId('notification-mark-all').click();
    await bellWith(page, 0).waitFor();
    await expect
      .poll(() => rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-unread'))))
      .toEqual(['false', 'false', 'false']);
    await page.keyboard.press('Escape');
  });

  it('(6) the consultant switches "Suivi des commandes" to "Jamais": no more e-mail, the app still tells', async () => {
    const page = consultantPage;
    current = page;
    keepFailure('6');
    await page.getByTestId('notifications-preferences-link').click();
    await page.waitForURL((url) => url.pathname === '/mon-compte' && url.hash === '#notifications');
    const section = page.getByTestId('notification-preferences');
    await section.waitFor();
    // The section comes into view (the e-mails link there): below the fold at first, whole on screen now.
    const inView = () =>
      section.evaluate((e) => {
        const box = e.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight + 1;
      });
    await expect.poll(inView).toBe(true);
    expect(await textOf(section)).toContain(
      'Par défaut, vous recevez un e-mail immédiatement pour ce qui vous concerne directement ou concerne les clients dont vous êtes responsable, et un récapitulatif quotidien pour ce que suivent vos équipes.',
    );
    // A consultant's categories: no orders received, no support queue.
    const categories = await section
      .getByTestId('preference-row')
      .evaluateAll((r) => r.map((e) => e.getAttribute('data-category')));
    expect(categories).toEqual(['orders', 'money', 'team']);
    const orders = section.locator('[data-testid="preference-row"][data-category="orders"]');
    expect(await orders.getByTestId('preference-choice').getAttribute('data-value')).toBe('default');
    await screenshot(page, 'n6a-preferences-default');

    await orders.getByText('Jamais', { exact: true }).click();
    await section.locator('[data-category="orders"] [data-testid="preference-choice"][data-value="off"]').waitFor();
    await page.getByText('Préférence enregistrée\u00a0: Suivi des commandes, jamais.').waitFor();
    const saved = await consultantApi.get('/api/notifications/preferences');
    expect(saved.items.find((i: { category: string }) => i.category === 'orders')).toMatchObject({
      email: 'off',
      label: 'Suivi des commandes',
    });
    await page.reload();
    await section.locator('[data-category="orders"] [data-testid="preference-choice"][data-value="off"]').waitFor();
    await expect(orders.getByRole('radio', { name: 'Jamais' }).isChecked()).resolves.toBe(true);
    await screenshot(page, 'n6b-preferences-never');

    // A fourth order accepted: in the bell, not in the mailbox.
    const before = (await mailsTo(consultant.email)).length;
    const fourth = await consultantApi.post('/api/orders', { projectId, offerId, targetUrl: target, anchor: 'pain de campagne' });
    await publisherApi.post(`/api/publisher/orders/${fourth.id}/accept`);
    await comeBack(page);
    await bellWith(page, 1).waitFor();
    expect((await mailsTo(consultant.email)).length).toBe(before);
  });

  it('(7) the publisher unsubscribes from its e-mail’s link, signed out; the link works once', async () => {
    const [mail] = await mailsTo(publisher.email);
    expect(mail.subject).toBe(`Nouvelle commande sur ${domain}`);
    const link = /https?:\/\/\S+\/desabonnement\?token=\S+/.exec(mail.text)![0];
    const page = await openPage();
    keepFailure('7');
    await page.goto(link);
    await page.getByRole('heading', { name: 'Se désabonner' }).waitFor();
    await screenshot(page, 'n7a-unsubscribe');
    await page.getByTestId('unsubscribe-submit').click();
    await page.getByTestId('unsubscribe-done').waitFor();
    expect(await textOf(page.getByTestId('unsubscribe-done'))).toBe(
      'C’est fait : vous ne recevrez plus d’e-mails pour « Commandes reçues (éditeur) ».',
    );
    await screenshot(page, 'n7b-unsubscribe-done');

    // Once only.
    await page.reload();
    await page.getByTestId('unsubscribe-submit').click();
    await page.getByTestId('unsubscribe-invalid').waitFor();
    expect(await textOf(page.getByTestId('unsubscribe-invalid'))).toContain(
      'Ce lien de désabonnement a déjà servi ou n’est pas valide.',
    );
    await screenshot(page, 'n7c-unsubscribe-used');

    // "Choisir ce que je reçois": signed in, back on the preferences, "Jamais" for orders received.
    await page.getByTestId('unsubscribe-preferences').click();
    await page.waitForURL(
      (url) => url.pathname === '/connexion' && url.searchParams.get('suite') === '/mon-compte#notifications',
    );
    await page.getByLabel('Adresse e-mail').fill(publisher.email);
    await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(publisher.password);
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL((url) => url.pathname === '/mon-compte' && url.hash === '#notifications');
    const row = page.locator('[data-testid="preference-row"][data-category="publisher_orders"]');
    await row.locator('[data-testid="preference-choice"][data-value="off"]').waitFor();
    const categories = await page.getByTestId('preference-row').evaluateAll((r) => r.map((e) => e.getAttribute('data-category')));
    expect(categories).toEqual(['publisher_orders', 'money']);
    await screenshot(page, 'n7d-publisher-preferences');
  });

  it('(8) in English, the bell and the page speak English', async () => {
    const page = consultantPage;
    current = page;
    keepFailure('8');
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.goto('/notifications');
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await expect
      .poll(() => textOf(page.getByTestId('notification-row').first().getByTestId('notification-title')))
      .toBe(`Order accepted for ${client}`);
    expect(await textOf(page.getByTestId('notifications-unread-count'))).toBe('1 unread notification');
    expect(await bell(page).getAttribute('aria-label')).toBe('Notifications, 1 unread');
    await screenshot(page, 'n8-notifications-english');
  });
});
