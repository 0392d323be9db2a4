// Modes switch both ways and nobody is lost: an agency in complete mode goes down to simple (its
// team is suspended, not destroyed), back up to complete with restore (its team as it was), then
// deactivates a consultant and reactivates it from the "Désactivés" filter. Each `it` builds on
// the previous one, in one browser against the real server.
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

const agency = { name: 'Agence Marée Haute', email: 'maree@e2e.maillon.test', password: 'maree-haute-motdepasse-26' };
const manager = { name: 'Nina Manager', email: 'nina@e2e.maillon.test' };
const consultant = { name: 'Léo Consultant', email: 'leo@e2e.maillon.test', password: 'leo-consultant-motdepasse' };
const consultantClient = 'Boulangerie Dupain';
const managerClient = 'Cave Lefort';

/** The tree of complete mode: agency > manager > (consultant > its client), the manager's client. */
const completeTree = [
  `${agency.name}@0`,
  `${manager.name}@1`,
  `${consultant.name}@2`,
  `${consultantClient}@3`,
  `${managerClient}@2`,
];

beforeAll(async () => {
  clearFailureScreenshots('modes');
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  // The team, set up through the API: the consultant chose a password (it signs in), the manager never did.
  const { api, id } = await createAgency(server, agency, 'complete');
  const m = await api.post('/api/accounts', { role: 'manager', name: manager.name, email: manager.email, parentId: id });
  const c = await api.post('/api/accounts', {
    role: 'consultant',
    name: consultant.name,
    email: consultant.email,
    parentId: m.id,
  });
  await api.post('/api/accounts', { role: 'client', name: consultantClient, parentId: c.id });
  await api.post('/api/accounts', { role: 'client', name: managerClient, parentId: m.id });
  const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
  const { items } = await support.get(`/api/support/outbox?to=${encodeURIComponent(consultant.email)}`);
  const token = new URL(/https?:\/\/\S+/.exec(items[0].text)![0]).searchParams.get('token');
  await new ApiSession(server.url).post('/api/auth/invitations/accept', { token, password: consultant.password });
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

/** The texts of the items of one section of a plan. */
async function planLines(scope: ReturnType<Page['getByTestId']>, section: string): Promise<string[]> {
  const items = scope.getByTestId(section).locator('li');
  return Promise.all((await items.all()).map((li) => contentOf(li)));
}

/** Signs in through the sign-in page expecting a refusal; returns the message shown. */
async function refusedSignIn(page: Page, email: string, password: string): Promise<string> {
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(password);
  await page.getByTestId('sign-in-submit').click();
  return textOf(page.getByTestId('form-error'));
}

const row = (page: Page, name: string) => page.locator(`[data-testid="tree-row"][data-name="${name}"]`);
const showStatus = (page: Page, label: 'Actifs' | 'Désactivés' | 'Tous') =>
  page.getByTestId('status-filter').getByText(label, { exact: true }).click();

describe('modes both ways, and reactivation', () => {
  let page: Page; // the agency's browser
  let leo: Page; // the consultant's browser

  const keepFailure = (name: string) =>
    onTestFailed(async () => {
      if (page && !page.isClosed()) await screenshot(page, `FAILED-modes-${name}`).catch(() => {});
    });

  it('(1) the agency in complete mode sees its whole team', async () => {
    page = await openPage();
    keepFailure('1');
    await signIn(page, agency.email, agency.password);
    await page.getByTestId('nav-agency').click();
    await row(page, managerClient).waitFor();
    expect(await treeRows(page)).toEqual(completeTree);
    expect(await textOf(page.getByTestId('mode-description'))).toContain('Complet');
    await screenshot(page, 'modes-1-complete-tree');
  });

  it('(2) complete → simple: the plan suspends the collaborators, their clients move up; the team waits under "Désactivés"', async () => {
    keepFailure('2');
    await page.getByTestId('mode-selector').getByText('Simple').click();
    const planModal = page.getByTestId('mode-plan-modal');
    await planModal.getByTestId('plan-deactivated').waitFor();
    // Switching down restores nobody: no checkbox to offer.
    await expect(planModal.getByTestId('mode-restore').count()).resolves.toBe(0);
    expect(await contentOf(planModal.getByRole('heading', { name: /suspendus/ }))).toBe('2 comptes suspendus');
    expect((await planLines(planModal, 'plan-deactivated')).sort()).toEqual([
      `${consultant.name} (Consultant)`,
      `${manager.name} (Manager)`,
    ]);
    expect((await planLines(planModal, 'plan-moved')).sort()).toEqual([
      `${consultantClient} : ${consultant.name} → ${agency.name}`,
      `${managerClient} : ${manager.name} → ${agency.name}`,
    ]);
    await screenshot(page, 'modes-2a-simple-plan');
    await planModal.getByTestId('apply-plan').click();
    await planModal.waitFor({ state: 'detached' });
    await page.getByText('Simple : Agence → Clients').waitFor();

    // "Actifs": the agency and its clients only.
    await row(page, manager.name).waitFor({ state: 'detached' });
    expect(await treeRows(page)).toEqual([`${agency.name}@0`, `${consultantClient}@1`, `${managerClient}@1`]);

    // "Désactivés": the team as it stood, each one suspended by the switch.
    await showStatus(page, 'Désactivés');
    await row(page, consultant.name).waitFor();
    expect(await treeRows(page)).toEqual([`${agency.name}@0`, `${manager.name}@1`, `${consultant.name}@2`]);
    for (const name of [manager.name, consultant.name]) {
      expect(await row(page, name).getAttribute('data-status')).toBe('suspended_by_mode');
      expect(await textOf(row(page, name).getByTestId('closed-note'))).toMatch(
        /^Suspendu par le changement de mode le \d{1,2}(?:er)? \p{L}+\.? \d{4}$/u,
      );
      expect(await contentOf(row(page, name).getByTestId('closed-badge'))).toBe('Suspendu');
    }
    await screenshot(page, 'modes-2b-suspended-team');

    // Simple mode has no consultants: reactivating one is refused, and the dialog says why.
    await row(page, consultant.name).getByTestId('action-reactivate').click();
    const dialog = page.getByTestId('reactivate-modal');
    const error = dialog.getByTestId('reactivate-error');
    await error.waitFor();
    expect(await textOf(error)).toBe("Le mode simple de l'agence n'utilise pas le rôle consultant.");
    await expect(dialog.getByTestId('confirm-reactivate').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'modes-2c-reactivate-refused');
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The suspended consultant cannot sign in.
    leo = await openPage();
    expect(await refusedSignIn(leo, consultant.email, consultant.password)).toBe('Ce compte est désactivé.');
  });

  it('(3) simple → complete with restore: the plan gives the team back; unchecked, it would not; applied, the tree is as it was', async () => {
    keepFailure('3');
    await page.getByTestId('mode-selector').getByText('Complet').click();
    const planModal = page.getByTestId('mode-plan-modal');
    await planModal.getByTestId('plan-restored').waitFor();
    const restore = planModal.getByTestId('mode-restore');
    await expect(restore.isChecked()).resolves.toBe(true);
    expect(await planLines(planModal, 'plan-restored')).toEqual([
      `${manager.name} (manager) revient sous ${agency.name} nouvelle invitation`,
      `${consultant.name} (consultant) revient sous ${manager.name}`,
    ]);
    expect((await planLines(planModal, 'plan-moved')).sort()).toEqual([
      `${consultantClient} : ${agency.name} → ${consultant.name}`,
      `${managerClient} : ${agency.name} → ${manager.name}`,
    ]);
    const notes = planModal.getByTestId('plan-note');
    expect(await notes.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual([
      'credits_not_returned',
      'invitation_sent',
    ]);
    expect(await textOf(notes.first())).toBe("Les crédits ne sont pas rendus d'eux-mêmes : réallouez-les si besoin.");
    await screenshot(page, 'modes-3a-complete-restore-plan');

    // Without restore: nobody comes back, and the plan says they could.
    await restore.uncheck();
    await planModal.getByTestId('plan-empty').waitFor();
    await expect(planModal.getByTestId('plan-restored').count()).resolves.toBe(0);
    expect(await notes.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual(['restorable']);
    expect(await textOf(notes.first())).toBe('2 collaborateurs suspendus par un changement de mode peuvent être restaurés.');
    await screenshot(page, 'modes-3b-complete-without-restore');

    // Restore again, and apply.
    await restore.check();
    await planModal.getByTestId('plan-restored').waitFor();
    await planModal.getByTestId('apply-plan').click();
    await planModal.waitFor({ state: 'detached' });
    await page.getByText('Complet : Agence → Managers → Consultants → Clients').waitFor();

    // Nobody is left under "Désactivés"; "Actifs" is the tree of step 1, row for row.
    await page.getByTestId('tree-empty').waitFor();
    expect(await textOf(page.getByTestId('tree-empty'))).toBe('Aucun compte désactivé.');
    await showStatus(page, 'Actifs');
    await row(page, managerClient).waitFor();
    expect(await treeRows(page)).toEqual(completeTree);
    expect(await contentOf(page.getByTestId('mode-card'))).toContain('1 manager');
    await screenshot(page, 'modes-3c-team-restored');

    // The manager who never chose a password got a new invitation.
    const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
    const { items } = await support.get(`/api/support/outbox?to=${encodeURIComponent(manager.email)}`);
    expect(items).toHaveLength(2);
  });

  it('(4) the agency deactivates the consultant, finds it under "Désactivés", reactivates it; it signs in again', async () => {
    keepFailure('4');
    await row(page, consultant.name).getByTestId('row-menu').click();
    await page.getByTestId('action-deactivate').click();
    const deactivate = page.getByTestId('deactivate-modal');
    await deactivate.getByTestId('plan-moved').waitFor();
    expect(await planLines(deactivate, 'plan-moved')).toEqual([`${consultantClient} : ${consultant.name} → ${manager.name}`]);
    await deactivate.getByTestId('confirm-deactivate').click();
    await deactivate.waitFor({ state: 'detached' });
    await row(page, consultant.name).waitFor({ state: 'detached' });
    expect(await refusedSignIn(leo, consultant.email, consultant.password)).toBe('Ce compte est désactivé.');

    // Under "Désactivés", with who deactivated it and when.
    await showStatus(page, 'Désactivés');
    const closed = row(page, consultant.name);
    await closed.waitFor();
    expect(await closed.getAttribute('data-status')).toBe('deactivated');
    expect(await textOf(closed.getByTestId('closed-note'))).toMatch(
      new RegExp(`^Désactivé par ${agency.name} le \\d{1,2}(?:er)? \\p{L}+\\.? \\d{4}$`, 'u'),
    );
    expect(await contentOf(closed.getByTestId('closed-badge'))).toBe('Désactivé');
    await screenshot(page, 'modes-4a-deactivated-consultant');

    // "Réactiver": the plan first, back under its manager by default.
    await closed.getByTestId('action-reactivate').click();
    const dialog = page.getByTestId('reactivate-modal');
    await dialog.getByTestId('plan-restored').waitFor();
    expect(await planLines(dialog, 'plan-restored')).toEqual([`${consultant.name} (consultant) revient sous ${manager.name}`]);
    expect(await textOf(dialog.getByTestId('plan-note').first())).toContain('Les crédits ne sont pas rendus');
    await screenshot(page, 'modes-4b-reactivate-plan');

    // The parent picker offers the open accounts that outrank a consultant, nobody closed.
    const picker = dialog.getByTestId('reactivate-parent');
    await picker.click();
    await page.getByRole('option').first().waitFor();
    const options = await page.getByRole('option').allTextContents();
    expect(options).toEqual([`${agency.name} (Agence)`, `${manager.name} (Manager)`]);
    await page.getByRole('option', { name: `${agency.name} (Agence)` }).click();
    await dialog.getByText(`${consultant.name} (consultant) revient sous ${agency.name}`).waitFor();
    expect(await planLines(dialog, 'plan-restored')).toEqual([
      `${consultant.name} (consultant) revient sous ${agency.name} (auparavant sous ${manager.name})`,
    ]);
    await selectOption(page, picker, `${manager.name} (Manager)`);
    await dialog.getByText(`${consultant.name} (consultant) revient sous ${manager.name}`).waitFor();
    await dialog.getByTestId('confirm-reactivate').click();
    await dialog.waitFor({ state: 'detached' });

    // Gone from "Désactivés", back in "Actifs" under its manager.
    await page.getByTestId('tree-empty').waitFor();
    await showStatus(page, 'Actifs');
    await row(page, consultant.name).waitFor();
    expect(await treeRows(page)).toEqual([
      `${agency.name}@0`,
      `${manager.name}@1`,
      `${consultant.name}@2`,
      `${consultantClient}@2`,
      `${managerClient}@2`,
    ]);
    expect(await row(page, consultant.name).getAttribute('data-status')).toBe('active');
    await screenshot(page, 'modes-4c-consultant-back');

    // "Tous" shows the same accounts, none of them closed.
    await showStatus(page, 'Tous');
    await row(page, consultant.name).waitFor();
    expect(await treeRows(page)).toHaveLength(5);
    await expect(page.getByTestId('closed-note').count()).resolves.toBe(0);

    // And the consultant signs in again with its own password.
    await signIn(leo, consultant.email, consultant.password);
    expect(await textOf(leo.getByTestId('header-account-name'))).toBe(consultant.name);
    await screenshot(leo, 'modes-4d-consultant-signed-in');
  });
});
