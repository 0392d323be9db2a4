// Sign-in, password reset and invitation pages, server errors on their fields, the language
// switch, support acting with a reason, a role change and a deactivation with their plans.
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
  selectOption,
  signIn,
  startServer,
  textOf,
  type TestServer,
} from './support';

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let current: Page | null = null;

beforeAll(async () => {
  clearFailureScreenshots('accounts');
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
    if (current && !current.isClosed()) await screenshot(current, `FAILED-accounts-${name}`).catch(() => {});
  });
}

/** The first link of the newest e-mail to `to` in support's outbox page. */
async function linkFromOutbox(support: Page, to: string, subject: string | RegExp): Promise<string> {
  await support.goto('/support/emails');
  const mail = support.getByTestId('outbox-email').filter({ hasText: to }).filter({ hasText: subject }).first();
  await mail.waitFor();
  const href = await mail.getByRole('link').first().getAttribute('href');
  expect(href).toMatch(new RegExp(`^${server.url}/`));
  return href!;
}

describe('accounts and auth pages', () => {
  it('(4) sign-in errors, sign-up field errors, password reset from the outbox, English switch', async () => {
    const page = await openPage();
    keepFailure('4');

    // A wrong password: the server's 401 message, in French.
    await page.goto('/connexion');
    await page.getByLabel('Adresse e-mail').fill(server.support.email);
    await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill('not-the-password');
    await page.getByTestId('sign-in-submit').click();
    expect(await textOf(page.getByTestId('form-error'))).toBe('E-mail ou mot de passe incorrect.');

    // Sign-up with a taken address: the message sits under the e-mail field.
    await page.goto('/inscription');
    await page.getByLabel('Nom ou raison sociale').fill('Marie Conseil');
    const email = page.getByLabel('Adresse e-mail');
    await email.fill(server.support.email);
    await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill('marie-motdepasse-1');
    await page.getByTestId('sign-up-submit').click();
    const emailError = page.locator(`#${await email.getAttribute('id')}-error`);
    expect(await textOf(emailError)).toBe('Cette adresse e-mail est déjà utilisée.');
    await email.fill('marie@e2e.maillon.test');
    await page.getByTestId('sign-up-submit').click();
    await page.getByTestId('dashboard-name').waitFor();
    await expect(page.getByTestId('agency-mode-card').count()).resolves.toBe(1);
    await page.getByTestId('sign-out').click();
    await page.waitForURL('**/connexion');

    // Forgotten password: always the same answer.
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await page.getByRole('heading', { name: 'Mot de passe oublié' }).waitFor();
    await page.getByLabel('Adresse e-mail').fill('marie@e2e.maillon.test');
    await page.getByRole('button', { name: 'Envoyer le lien' }).click();
    expect(await textOf(page.getByTestId('reset-sent'))).toContain('Si un compte existe pour cette adresse, un e-mail est parti');

    // Support finds the e-mail in the outbox; the link opens the reset page.
    const support = await openPage();
    await signIn(support, server.support.email, server.support.password);
    const link = await linkFromOutbox(support, 'marie@e2e.maillon.test', 'Réinitialisation de votre mot de passe');
    await screenshot(support, '4a-support-outbox');
    current = page;
    expect(new URL(link).pathname).toBe('/reset-password');
    await page.goto(link);
    await page.getByRole('textbox', { name: 'Nouveau mot de passe', exact: true }).fill('marie-nouveau-2026');
    await page.getByRole('textbox', { name: 'Confirmez le mot de passe', exact: true }).fill('marie-nouveau-2026');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.getByTestId('reset-done').waitFor();
    await signIn(page, 'marie@e2e.maillon.test', 'marie-nouveau-2026');

    // English, remembered after a reload; server messages follow.
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByTestId('nav-dashboard').getByText('Dashboard').waitFor();
    await page.reload();
    expect(await textOf(page.getByTestId('nav-account'))).toBe('My account');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByTestId('nav-account').click();
    const passwordCard = page.locator('form').filter({ hasText: 'Change the password' });
    await passwordCard.getByRole('textbox', { name: 'Current password', exact: true }).fill('wrong-password-1');
    await passwordCard.getByRole('textbox', { name: 'New password', exact: true }).fill('marie-encore-2026');
    await passwordCard.getByRole('textbox', { name: 'Confirm the password', exact: true }).fill('marie-encore-2026');
    await passwordCard.getByRole('button', { name: 'Change the password' }).click();
    const currentPassword = passwordCard.getByRole('textbox', { name: 'Current password', exact: true });
    expect(await textOf(page.locator(`#${await currentPassword.getAttribute('id')}-error`))).toBe(
      'The current password is wrong.',
    );
    await screenshot(page, '4b-my-account-english');
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitem', { name: 'Français' }).click();
    await page.getByTestId('nav-dashboard').getByText('Tableau de bord').waitFor();
  });

  it('(5) an agency invites a client (field error on a bad SIRET), the client accepts; support acts with a reason', async () => {
    const owner = { name: 'Agence Lumière', email: 'lumiere@e2e.maillon.test', password: 'lumiere-motdepasse-1' };
    await createAgency(server, owner, 'intermediate');
    const page = await openPage();
    keepFailure('5');
    await signIn(page, owner.email, owner.password);
    await page.goto('/agence/clients');
    await page.getByTestId('clients-empty').waitFor();
    await page.getByTestId('add-client').click();
    const form = page.getByTestId('create-client-form');
    await form.getByTestId('member-name').fill('Cave Saint-Émilion');
    await form.getByTestId('member-email').fill('cave@e2e.maillon.test');
    await form.getByTestId('member-with-company').check();
    await form.getByLabel('Raison sociale').fill('Cave Saint-Émilion SARL');
    await form.getByRole('textbox', { name: 'Adresse', exact: true }).fill('3 place du Marché');
    await form.getByLabel('Code postal').fill('33330');
    await form.getByLabel('Ville').fill('Saint-Émilion');
    const siret = form.getByLabel('SIREN / SIRET');
    await siret.fill('1234');
    await screenshot(page, '5a-create-client-form');
    await form.getByTestId('member-submit').click();
    expect(await textOf(form.locator(`#${await siret.getAttribute('id')}-error`))).toBe(
      'SIREN (9 chiffres) ou SIRET (14 chiffres)',
    );
    await siret.fill('512 345 678 00012');
    await form.getByTestId('member-submit').click();
    await form.waitFor({ state: 'detached' });
    const row = page.locator('[data-testid="client-row"][data-name="Cave Saint-Émilion"]');
    await row.waitFor();
    expect(await textOf(row.getByTestId('client-in-charge'))).toBe(owner.name);

    // The client opens its invitation from the outbox (support's view), chooses a password, is in.
    const support = await openPage();
    await signIn(support, server.support.email, server.support.password);
    const link = await linkFromOutbox(support, 'cave@e2e.maillon.test', 'vous invite sur Maillon');
    const clientPage = await openPage();
    await clientPage.goto(link);
    const details = clientPage.getByTestId('invitation-details');
    await details.waitFor();
    expect(await contentOf(details)).toContain('Cave Saint-Émilion');
    expect(await contentOf(details)).toContain('cave@e2e.maillon.test');
    await screenshot(clientPage, '5b-invitation');
    await clientPage.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill('cave-motdepasse-2026');
    await clientPage.getByRole('textbox', { name: 'Confirmez le mot de passe', exact: true }).fill('cave-motdepasse-2026');
    await clientPage.getByRole('button', { name: 'Activer mon accès' }).click();
    await clientPage.getByTestId('dashboard-name').waitFor();
    expect(await textOf(clientPage.getByTestId('dashboard-name'))).toBe('Cave Saint-Émilion');
    expect(await textOf(clientPage.getByTestId('main-nav'))).toBe(
      'Tableau de bord Catalogue Projets Commandes Réclamations Portefeuille Recharger Factures Mon compte',
    );

    // The agency's list now says the client can sign in.
    current = page;
    await page.reload();
    expect(await contentOf(row.getByTestId('client-login'))).toBe('Oui');

    // Support acts as the client: a reason is mandatory.
    current = support;
    await support.goto('/support/comptes');
    await support.getByTestId('account-search').fill('cave');
    const supportRow = support.locator('[data-testid="support-account-row"][data-name="Cave Saint-Émilion"]');
    await supportRow.waitFor();
    await supportRow.getByTestId('act-as').click();
    await support.getByTestId('act-as-confirm').click();
    const reason = support.getByTestId('act-as-reason');
    expect(await textOf(support.locator(`#${await reason.getAttribute('id')}-error`))).toContain('au moins 5');
    await reason.fill('Ticket 4521 : facture introuvable');
    await support.getByTestId('act-as-confirm').click();
    const banner = support.getByTestId('acting-banner');
    await banner.waitFor();
    expect(await textOf(banner)).toContain('Vous agissez en tant que Cave Saint-Émilion — connecté en tant que Support Maillon');
    expect(await textOf(banner)).toContain('Motif : Ticket 4521');
    await expect(support.getByTestId('nav-support').count()).resolves.toBe(0);
    await screenshot(support, '5c-support-acting');
    await banner.getByTestId('stop-acting').click();
    await banner.waitFor({ state: 'detached' });
    await support.getByTestId('nav-support').waitFor();
  });

  it('(6) a role change and a deactivation show their plans before applying', async () => {
    const owner = { name: 'Agence Cigale', email: 'cigale@e2e.maillon.test', password: 'cigale-motdepasse-1' };
    const { api, id: agencyId } = await createAgency(server, owner, 'complete');
    const hugo = await api.post('/api/accounts', { role: 'manager', name: 'Hugo Bernard', parentId: agencyId });
    const lea = await api.post('/api/accounts', { role: 'consultant', name: 'Léa Petit', parentId: hugo.id });
    await api.post('/api/accounts', { role: 'client', name: 'Librairie Le Phare', parentId: lea.id });
    await api.post('/api/accounts', { role: 'client', name: 'Optique Lilloise', parentId: hugo.id });

    const page = await openPage();
    keepFailure('6');
    await signIn(page, owner.email, owner.password);
    await page.goto('/agence');
    const hugoRow = page.locator('[data-testid="tree-row"][data-name="Hugo Bernard"]');
    await hugoRow.waitFor();

    // Hugo becomes a consultant: Léa (a consultant) can no longer report to him and goes to the agency.
    await hugoRow.getByTestId('row-menu').click();
    await page.getByTestId('action-change-role').click();
    const modal = page.getByTestId('role-change-modal');
    await modal.waitFor();
    expect(await textOf(modal)).toContain('Rôle actuel : Manager');
    await modal.getByTestId('preview-plan').click();
    const moved = modal.getByTestId('plan-moved');
    await moved.waitFor();
    expect(await textOf(moved)).toBe(`Léa Petit : Hugo Bernard → ${owner.name}`);
    await screenshot(page, '6a-role-change-plan');
    await modal.getByTestId('apply-plan').click();
    await modal.waitFor({ state: 'detached' });
    await page.locator('[data-testid="tree-row"][data-name="Hugo Bernard"][data-role="consultant"]').waitFor();
    expect(await page.locator('[data-testid="tree-row"][data-name="Léa Petit"]').getAttribute('data-level')).toBe('1');
    expect(await page.locator('[data-testid="tree-row"][data-name="Optique Lilloise"]').getAttribute('data-level')).toBe('2');

    // Deactivating Léa: her client goes to her parent (the agency).
    const leaRow = page.locator('[data-testid="tree-row"][data-name="Léa Petit"]');
    await leaRow.getByTestId('row-menu').click();
    await page.getByTestId('action-deactivate').click();
    const deactivate = page.getByTestId('deactivate-modal');
    await deactivate.getByTestId('plan-moved').waitFor();
    expect(await textOf(deactivate.getByTestId('plan-deactivated'))).toBe('Léa Petit (Consultant)');
    expect(await textOf(deactivate.getByTestId('plan-moved'))).toBe(`Librairie Le Phare : Léa Petit → ${owner.name}`);
    await deactivate.getByTestId('confirm-deactivate').click();
    await deactivate.waitFor({ state: 'detached' });
    await leaRow.waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="tree-row"][data-name="Librairie Le Phare"]').getAttribute('data-level')).toBe('1');

    // Moving the remaining client under Hugo (now a consultant) from the Clients tab.
    await page.getByTestId('tab-clients').click();
    const phare = page.locator('[data-testid="client-row"][data-name="Librairie Le Phare"]');
    await phare.getByTestId('row-menu').click();
    await page.getByTestId('action-move').click();
    await selectOption(page, page.getByTestId('move-parent'), 'Hugo Bernard (Consultant)');
    await page.getByTestId('move-submit').click();
    await page.getByTestId('move-modal').waitFor({ state: 'detached' });
    await expect.poll(() => textOf(phare.getByTestId('client-in-charge'))).toBe('Hugo Bernard');
    await screenshot(page, '6b-clients-after-moves');
  });

  it('(7) an acting-as that ends elsewhere (the client is deactivated) brings the person back with a message', async () => {
    const owner = { name: 'Agence Mistral', email: 'mistral@e2e.maillon.test', password: 'mistral-motdepasse-1' };
    const { api, id: agencyId } = await createAgency(server, owner, 'simple');
    const surf = await api.post('/api/accounts', { role: 'client', name: 'Surf Shop Biarritz', parentId: agencyId });

    const page = await openPage();
    keepFailure('7');
    await signIn(page, owner.email, owner.password);
    await page.goto('/agence/clients');
    await page.locator('[data-testid="client-row"][data-name="Surf Shop Biarritz"]').getByTestId('act-as').click();
    await page.getByTestId('acting-banner').waitFor();
    await page.getByTestId('nav-account').click();
    await page.getByTestId('profile-save').waitFor();

    // Meanwhile, from another session of the agency, the client is deactivated.
    await api.post(`/api/accounts/${surf.id}/deactivate`, { dryRun: false });

    // The next request is refused with acting_ended: a message, back to the agency's own screens.
    await page.getByTestId('profile-save').click();
    const message = page
      .locator('.mantine-Notification-root')
      .filter({ hasText: /L.accès au compte Surf Shop Biarritz a pris fin/ });
    await message.waitFor();
    await page.waitForURL('**/agence');
    await page.getByTestId('acting-banner').waitFor({ state: 'detached' });
    expect(await textOf(page.getByTestId('header-account-name'))).toBe(owner.name);
    await page.getByTestId('clients-empty').or(page.getByTestId('hierarchy-tree')).first().waitFor();
  });

  it('(8) a manager sees the agency page limited to its subtree, without the actions it may not do', async () => {
    const owner = { name: 'Agence Boréale', email: 'boreale@e2e.maillon.test', password: 'boreale-motdepasse-1' };
    const { api, id: agencyId } = await createAgency(server, owner, 'complete');
    const camille = await api.post('/api/accounts', {
      role: 'manager',
      name: 'Camille Martin',
      email: 'camille.martin@e2e.maillon.test',
      parentId: agencyId,
    });
    const nathan = await api.post('/api/accounts', { role: 'consultant', name: 'Nathan Durand', parentId: camille.id });
    await api.post('/api/accounts', { role: 'client', name: 'Jardins de Provence', parentId: nathan.id });
    const other = await api.post('/api/accounts', { role: 'manager', name: 'Hugo Autre', parentId: agencyId });
    await api.post('/api/accounts', { role: 'client', name: 'Client Hors Périmètre', parentId: other.id });

    // Camille accepts her invitation (its link from the outbox) and signs in.
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    const { items } = await support.get('/api/support/outbox?to=camille.martin@e2e.maillon.test');
    const token = new URL(/https?:\/\/\S+/.exec(items[0].text)![0]).searchParams.get('token');
    await new ApiSession(server.url).post('/api/auth/invitations/accept', { token, password: 'camille-motdepasse-1' });

    const page = await openPage();
    keepFailure('8');
    await signIn(page, 'camille.martin@e2e.maillon.test', 'camille-motdepasse-1');
    await page.getByTestId('nav-agency').click();
    await page.locator('[data-testid="tree-row"][data-name="Jardins de Provence"]').waitFor();

    // Only her subtree, her as the root; the mode is shown, not switchable.
    expect(await page.getByTestId('tree-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')))).toEqual([
      'Camille Martin',
      'Nathan Durand',
      'Jardins de Provence',
    ]);
    await expect(page.getByTestId('mode-selector').count()).resolves.toBe(0);
    expect(await contentOf(page.getByTestId('mode-badge'))).toBe('Complet');

    // She may add consultants only, and not change roles (a manager cannot promote to manager).
    await page.getByTestId('add-collaborator').click();
    const form = page.getByTestId('create-collaborator-form');
    await form.getByTestId('member-role').click();
    expect(await page.getByRole('option').allTextContents()).toEqual(['Consultant']);
    await page.keyboard.press('Escape');
    await form.getByRole('button', { name: 'Annuler' }).click();
    await form.waitFor({ state: 'detached' });
    // Nathan has nowhere else to go (she is the only manager in her reach): no "Déplacer" leading to
    // an empty list; her consultant's client may come under her.
    await page.locator('[data-testid="tree-row"][data-name="Nathan Durand"]').getByTestId('row-menu').click();
    await page.getByTestId('action-deactivate').waitFor();
    await expect(page.getByTestId('action-move').count()).resolves.toBe(0);
    await expect(page.getByTestId('action-change-role').count()).resolves.toBe(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('action-deactivate').waitFor({ state: 'detached' });
    await page.locator('[data-testid="tree-row"][data-name="Jardins de Provence"]').getByTestId('row-menu').click();
    await page.getByTestId('action-move').waitFor();
    await page.keyboard.press('Escape');

    // The clients tab lists her client only.
    await page.getByTestId('tab-clients').click();
    await page.locator('[data-testid="client-row"][data-name="Jardins de Provence"]').waitFor();
    await expect(page.getByTestId('client-row').count()).resolves.toBe(1);
    await screenshot(page, '8-manager-clients');
  });

  it('(9) a session that ends under a page leads to the sign-in page, then back to that page', async () => {
    const page = await openPage();
    keepFailure('9');
    await signIn(page, server.support.email, server.support.password);
    // The dashboard's own requests answered first: one of them answering 401 would send the page to
    // the sign-in page before the click (the same journey, started from the dashboard).
    await page.getByTestId('support-queues').waitFor();
    await page.waitForLoadState('networkidle');
    await page.context().clearCookies(); // e.g. signed out from another tab, or expired
    await page.getByTestId('nav-support').click();
    await page.waitForURL((url) => url.pathname === '/connexion' && url.searchParams.get('suite') === '/support');
    await page.locator('.mantine-Notification-root').filter({ hasText: 'Connectez-vous pour continuer.' }).waitFor();
    await page.getByLabel('Adresse e-mail').fill(server.support.email);
    await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(server.support.password);
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL((url) => url.pathname === '/support');
    await page.getByTestId('tab-requests').waitFor();
  });
});
