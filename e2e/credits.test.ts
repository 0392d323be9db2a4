// The credits journey, in several browsers against the real server; each `it` builds on the
// previous one: a top-up requested by the agency and confirmed by support, its invoice, then
// credits spread down the hierarchy by each level in its own browser and taken back.
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

beforeAll(async () => {
  clearFailureScreenshots('credits');
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

function keepFailure(name: string) {
  onTestFailed(async () => {
    if (current && !current.isClosed()) await screenshot(current, `FAILED-credits-${name}`).catch(() => {});
  });
}

const owner = { name: 'Agence Cap Crédits', email: 'cap@e2e.maillon.test', password: 'cap-credits-motdepasse-1' };
const manager = { name: 'Inès Manager', email: 'ines@e2e.maillon.test', password: 'ines-motdepasse-2026' };
const consultant = { name: 'Hugo Consultant', email: 'hugo@e2e.maillon.test', password: 'hugo-motdepasse-2026' };
const client = 'Fromagerie Lemoine';

/** The invitation in support's outbox, accepted with a password (as the e-mail's link would). */
async function acceptInvitation(email: string, password: string) {
  const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
  const { items } = await support.get(`/api/support/outbox?to=${encodeURIComponent(email)}`);
  const token = new URL(/https?:\/\/\S+/.exec(items[0].text)![0]).searchParams.get('token');
  await new ApiSession(server.url).post('/api/auth/invitations/accept', { token, password });
}

/** Each row of the agency tree as "name: balance / cumulative balance" (the cumulative one is empty for clients). */
async function treeBalances(page: Page): Promise<string[]> {
  const rows = page.getByTestId('tree-row');
  const out: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const balance = await textOf(row.getByTestId('tree-balance'));
    const subtree = await textOf(row.getByTestId('tree-subtree-balance'));
    out.push(`${await row.getAttribute('data-name')}: ${balance}${subtree ? ` / ${subtree}` : ''}`);
  }
  return out;
}

/** Opens a row's "Allouer" or "Reprendre" dialog, fills the amount, submits, and waits for it to close. */
async function allocateFromRow(page: Page, rowSelector: string, action: 'action-allocate' | 'action-reclaim', euros: string) {
  await page.locator(rowSelector).getByTestId('row-menu').click();
  await page.getByTestId(action).click();
  const form = page.getByTestId('allocate-form');
  await form.waitFor();
  await form.getByTestId('allocate-amount').fill(euros);
  await form.getByTestId('allocate-submit').click();
  await form.waitFor({ state: 'detached' });
}

const poll = { timeout: 10_000, interval: 100 };

describe('credits journey', () => {
  let agency: Page;
  let agencyId: string;
  let reference: string;

  it('(1) the agency requests a 1 000 € top-up, support confirms the transfer, the invoice is there as a PDF', async () => {
    // The agency, complete mode: a manager, a consultant under it, a client under the consultant.
    const created = await createAgency(server, owner, 'complete');
    agencyId = created.id;
    const ines = await created.api.post('/api/accounts', {
      role: 'manager',
      name: manager.name,
      email: manager.email,
      parentId: agencyId,
    });
    const hugo = await created.api.post('/api/accounts', {
      role: 'consultant',
      name: consultant.name,
      email: consultant.email,
      parentId: ines.id,
    });
    await created.api.post('/api/accounts', { role: 'client', name: client, parentId: hugo.id });
    await acceptInvitation(manager.email, manager.password);
    await acceptInvitation(consultant.email, consultant.password);

    agency = current = await openPage();
    keepFailure('1');
    await signIn(agency, owner.email, owner.password);
    await agency.getByTestId('nav-dashboard').click();
    expect(await textOf(agency.getByTestId('wallet-available'))).toBe('0,00 €');

    // "Recharger" from the dashboard, the account preset; no billing details yet: the server says so,
    // with a way to fill them in.
    await agency.getByTestId('dashboard-top-up').click();
    await agency.waitForURL(`**/recharger?compte=${agencyId}`);
    const form = agency.getByTestId('top-up-form');
    expect(await form.getByTestId('top-up-account').inputValue()).toBe(`${owner.name} (vous)`);
    await form.getByTestId('top-up-amount').fill('5');
    await form.getByTestId('top-up-submit').click();
    await form.getByText('Minimum 10 €').waitFor();
    await form.getByTestId('top-up-amount').fill('1000');
    await form.getByTestId('top-up-submit').click();
    const missing = agency.getByTestId('company-missing');
    await missing.waitFor();
    expect(await textOf(missing)).toContain(`Renseignez d’abord les coordonnées de facturation d’${owner.name}`);
    await screenshot(agency, '1a-top-up-company-missing');

    // "Mon compte": the billing details.
    await missing.getByTestId('company-missing-action').click();
    await agency.waitForURL('**/mon-compte');
    await agency.getByLabel('Renseigner les coordonnées de facturation').check();
    await agency.getByLabel('Raison sociale').fill('Cap Crédits SAS');
    await agency.getByLabel(/^Adresse( \*)?$/).fill('12 rue des Lilas');
    await agency.getByLabel('Code postal').fill('69003');
    await agency.getByLabel('Ville').fill('Lyon');
    await agency.getByLabel('SIREN / SIRET').fill('552 100 554 00013');
    await agency.getByTestId('profile-save').click();
    await agency.getByText('Profil enregistré.').waitFor();

    // Back to the top-up: 1 000 € HT, 20 % VAT, a payment reference and the pro forma.
    await agency.getByTestId('nav-top-up').click();
    await form.getByTestId('top-up-amount').fill('1000');
    await form.getByTestId('top-up-submit').click();
    const result = agency.getByTestId('top-up-result');
    await result.waitFor();
    expect(await textOf(result.getByTestId('top-up-subtotal'))).toBe('1 000,00 €');
    expect(await textOf(result.getByTestId('top-up-vat'))).toBe('200,00 €');
    expect(await textOf(result.getByTestId('top-up-total'))).toBe('1 200,00 €');
    reference = await textOf(result.getByTestId('top-up-reference'));
    expect(reference).toMatch(/^MLN-[0-9A-Z]{8}$/);
    const proforma = result.getByTestId('proforma-link');
    expect(await textOf(proforma)).toBe('Télécharger la facture pro forma');
    const proformaResponse = await agency.request.get((await proforma.getAttribute('href'))!);
    expect(proformaResponse.headers()['content-type']).toBe('application/pdf');
    expect((await proformaResponse.body()).subarray(0, 5).toString()).toBe('%PDF-');
    // The list below: awaiting payment.
    const row = agency.locator(`[data-testid="top-up-row"][data-reference="${reference}"]`);
    await row.waitFor();
    expect(await contentOf(row.getByTestId('top-up-status'))).toBe('En attente de paiement');
    await screenshot(agency, '1b-top-up-requested');

    // Support, in its own browser: tab "Virements", confirm the receipt.
    const support = (current = await openPage());
    await signIn(support, server.support.email, server.support.password);
    await support.getByTestId('nav-support').click();
    await support.getByTestId('tab-transfers').click();
    await support.waitForURL('**/support/virements');
    const transfer = support.locator(`[data-testid="transfer-row"][data-reference="${reference}"]`);
    await transfer.waitFor();
    expect(await textOf(transfer)).toContain(owner.name);
    expect(await textOf(transfer.getByTestId('transfer-total'))).toBe('1 200,00 €');
    await screenshot(support, '1c-support-transfers');
    await transfer.getByTestId('transfer-confirm').click();
    const confirm = support.getByTestId('confirm-transfer-modal');
    expect(await textOf(confirm)).toContain(`Vous avez reçu 1 200,00 € TTC avec la référence ${reference}`);
    await confirm.getByTestId('transfer-action-submit').click();
    await confirm.waitFor({ state: 'detached' });
    await support.getByTestId('transfers-empty').waitFor();
    // Among the paid ones now, with its invoice.
    await support.getByTestId('transfers-status').getByText('Payé', { exact: true }).click();
    await expect.poll(() => textOf(transfer), poll).toMatch(/Facture : F\d{4}-\d{6}/);

    // The agency: 1 000 € available, the invoice in "Factures", its PDF.
    // (another browser's change: the agency's page shows it once loaded again)
    current = agency;
    await agency.getByTestId('nav-dashboard').click();
    await agency.reload();
    await expect.poll(() => textOf(agency.getByTestId('wallet-available')), poll).toBe('1 000,00 €');
    await agency.getByTestId('nav-invoices').click();
    const invoice = agency.getByTestId('invoice-row').first();
    await invoice.waitFor();
    expect(await contentOf(invoice.getByTestId('invoice-kind'))).toBe('Facture');
    expect(await textOf(invoice.getByTestId('invoice-subtotal'))).toBe('1 000,00 €');
    expect(await textOf(invoice.getByTestId('invoice-vat'))).toBe('200,00 €');
    expect(await textOf(invoice.getByTestId('invoice-total'))).toBe('1 200,00 €');
    expect(await textOf(invoice)).toContain(owner.name);
    await screenshot(agency, '1d-invoices');
    const pdfResponse = agency
      .context()
      .waitForEvent('response', { predicate: (r) => /\/api\/invoices\/[^/]+\/pdf$/.test(r.url()) });
    await invoice.getByTestId('invoice-pdf').click();
    const pdf = await pdfResponse;
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const download = await agency.request.get(pdf.url());
    expect((await download.body()).subarray(0, 5).toString()).toBe('%PDF-');
    for (const p of agency.context().pages()) if (p !== agency) await p.close();
  });

  it('(2) the budget goes down the hierarchy, each level in its own browser, and the agency takes some back', async () => {
    current = agency;
    keepFailure('2');
    const row = (name: string) => `[data-testid="tree-row"][data-name="${name}"]`;

    // The agency allocates 600 € to its manager from the tree; 5 000 € first: not enough credits.
    await agency.getByTestId('nav-agency').click();
    await agency.locator(row(manager.name)).waitFor();
    await agency.locator(row(manager.name)).getByTestId('row-menu').click();
    await agency.getByTestId('action-allocate').click();
    const form = agency.getByTestId('allocate-form');
    await form.waitFor();
    expect(await form.getByTestId('allocate-from').inputValue()).toBe(`${owner.name} (vous)`);
    expect(await form.getByTestId('allocate-to').inputValue()).toBe(manager.name);
    expect(await textOf(form)).toContain('Disponible : 1 000,00 €');
    await form.getByTestId('allocate-amount').fill('5000');
    await form.getByTestId('allocate-memo').fill('Budget du trimestre');
    await form.getByTestId('allocate-submit').click();
    await form.getByText('Crédits disponibles insuffisants sur ce portefeuille.').waitFor();
    await screenshot(agency, '2a-allocate-insufficient');
    await form.getByTestId('allocate-amount').fill('600');
    await form.getByTestId('allocate-submit').click();
    await form.waitFor({ state: 'detached' });
    await expect
      .poll(() => treeBalances(agency), poll)
      .toEqual([
        `${owner.name}: 400,00 € / 1 000,00 €`,
        `${manager.name}: 600,00 € / 600,00 €`,
        `${consultant.name}: 0,00 € / 0,00 €`,
        `${client}: 0,00 €`,
      ]);

    // The manager, signed in on its own, gives 300 € to its consultant.
    const ines = (current = await openPage());
    await signIn(ines, manager.email, manager.password);
    await ines.getByTestId('nav-agency').click();
    await ines.locator(row(consultant.name)).waitFor();
    await allocateFromRow(ines, row(consultant.name), 'action-allocate', '300');
    await expect
      .poll(() => treeBalances(ines), poll)
      .toEqual([`${manager.name}: 300,00 € / 600,00 €`, `${consultant.name}: 300,00 € / 300,00 €`, `${client}: 0,00 €`]);
    await screenshot(ines, '2b-manager-allocated');

    // The consultant gives 100 € to its client, from the clients list.
    const hugo = (current = await openPage());
    await signIn(hugo, consultant.email, consultant.password);
    await hugo.getByTestId('nav-agency').click();
    await hugo.getByTestId('tab-clients').click();
    const clientRow = `[data-testid="client-row"][data-name="${client}"]`;
    await hugo.locator(clientRow).waitFor();
    await allocateFromRow(hugo, clientRow, 'action-allocate', '100');
    await expect.poll(() => textOf(hugo.locator(clientRow).getByTestId('client-balance')), poll).toBe('100,00 €');
    await hugo.getByTestId('nav-wallet').click();
    await expect.poll(() => textOf(hugo.getByTestId('wallet-available')), poll).toBe('200,00 €');

    // The agency takes 150 € back from the consultant ("Reprendre": from the consultant to itself).
    current = agency;
    await agency.reload();
    await agency.locator(row(consultant.name)).waitFor();
    await agency.locator(row(consultant.name)).getByTestId('row-menu').click();
    await agency.getByTestId('action-reclaim').click();
    const reclaim = agency.getByTestId('allocate-form');
    expect(await reclaim.getByTestId('allocate-from').inputValue()).toBe(consultant.name);
    expect(await reclaim.getByTestId('allocate-to').inputValue()).toBe(`${owner.name} (vous)`);
    expect(await textOf(reclaim)).toContain('Disponible : 200,00 €');
    await reclaim.getByTestId('allocate-amount').fill('150');
    await reclaim.getByTestId('allocate-submit').click();
    await reclaim.waitFor({ state: 'detached' });
    await expect
      .poll(() => treeBalances(agency), poll)
      .toEqual([
        `${owner.name}: 550,00 € / 1 000,00 €`,
        `${manager.name}: 300,00 € / 450,00 €`,
        `${consultant.name}: 50,00 € / 150,00 €`,
        `${client}: 100,00 €`,
      ]);
    await screenshot(agency, '2c-agency-tree-after-reclaim');

    // Each one sees its own figure.
    await ines.getByTestId('nav-dashboard').click();
    await expect.poll(() => textOf(ines.getByTestId('wallet-available')), poll).toBe('300,00 €');
    await hugo.reload();
    await expect.poll(() => textOf(hugo.getByTestId('wallet-available')), poll).toBe('50,00 €');
    await hugo.getByTestId('ledger-row').first().waitFor();
    expect(await textOf(hugo.getByTestId('ledger-row').first())).toContain(owner.name);
    await screenshot(hugo, '2d-consultant-wallet');
  });

  it('(3) the agency wallet: entries signed and named, filtered, exported as CSV', async () => {
    current = agency;
    keepFailure('3');
    await agency.getByTestId('nav-wallet').click();
    await agency.waitForURL(`**/portefeuille/${agencyId}`);
    expect(await textOf(agency.getByTestId('wallet-title'))).toBe(`Portefeuille d’${owner.name}`) // « Agence Cap Crédits »: elided;
    await expect.poll(() => textOf(agency.getByTestId('wallet-available')), poll).toBe('550,00 €');
    expect(await textOf(agency.getByTestId('wallet-posted'))).toBe('550,00 €');
    expect(await textOf(agency.getByTestId('wallet-pending'))).toBe('0,00 €');

    // Newest first: the reclaim, the allocation to the manager, the top-up.
    const rows = agency.getByTestId('ledger-row');
    await expect.poll(() => rows.count(), poll).toBe(3);
    const line = async (i: number) => ({
      kind: await textOf(rows.nth(i).getByTestId('entry-kind')),
      amount: await textOf(rows.nth(i).getByTestId('entry-amount')),
      balance: await textOf(rows.nth(i).getByTestId('entry-balance')),
      counterparty: await textOf(rows.nth(i).getByTestId('entry-counterparty')),
      person: await textOf(rows.nth(i).getByTestId('entry-person')),
      memo: await textOf(rows.nth(i).getByTestId('entry-memo')),
    });
    expect(await line(0)).toMatchObject({
      kind: 'Attribution',
      amount: '+150,00 €',
      balance: '550,00 €',
      counterparty: consultant.name,
      person: owner.name,
    });
    expect(await line(1)).toMatchObject({
      kind: 'Attribution',
      amount: '−600,00 €',
      balance: '400,00 €',
      counterparty: manager.name,
      memo: 'Budget du trimestre',
    });
    expect(await line(2)).toMatchObject({ kind: 'Rechargement', amount: '+1 000,00 €', balance: '1 000,00 €', memo: reference });
    // Amounts in, green; out, red.
    const colorOf = (i: number) =>
      rows
        .nth(i)
        .getByTestId('entry-amount')
        .evaluate((el) => getComputedStyle(el).color);
    expect(await colorOf(0)).not.toBe(await colorOf(1));
    await screenshot(agency, '3a-agency-wallet');

    // Only the top-ups; the CSV export carries the same filter.
    await agency.getByTestId('ledger-kind').click();
    await agency.getByRole('option', { name: 'Rechargement', exact: true }).click();
    await expect.poll(() => rows.count(), poll).toBe(1);
    const csvLink = agency.getByTestId('ledger-csv');
    const href = (await csvLink.getAttribute('href'))!;
    expect(href).toBe(`/api/accounts/${agencyId}/ledger.csv?kind=top_up`);
    const csv = await agency.request.get(href);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const text = (await csv.text()).replace(/^\uFEFF/, '');
    expect(text.trim().split(/\r?\n/)).toHaveLength(2);
    expect(text).toContain('Rechargement;1000,00;1000,00');

    // A low-balance alert on the agency's own wallet.
    const alert = agency.getByTestId('low-balance');
    expect(await textOf(alert.getByTestId('low-balance-current'))).toBe('Aucune alerte');
    await alert.getByTestId('low-balance-enabled').check();
    await alert.getByTestId('low-balance-threshold').fill('200');
    await alert.getByTestId('low-balance-save').click();
    await expect.poll(() => textOf(alert.getByTestId('low-balance-current')), poll).toBe('Seuil actuel : 200,00 €');
    await alert.scrollIntoViewIfNeeded();
    await screenshot(agency, '3b-low-balance-alert');
  });

  it('(4) a client without billing details from the top-up page, a request cancelled, a spent top-up that support cannot cancel', async () => {
    current = agency;
    keepFailure('4');
    // The agency tops up its client from the client's row: the client's billing details are filled in a dialog.
    await agency.getByTestId('nav-agency').click();
    await agency.getByTestId('tab-clients').click();
    const clientRow = agency.locator(`[data-testid="client-row"][data-name="${client}"]`);
    await clientRow.getByTestId('row-menu').click();
    await agency.getByTestId('action-top-up').click();
    await agency.waitForURL('**/recharger?compte=*');
    const form = agency.getByTestId('top-up-form');
    expect(await form.getByTestId('top-up-account').inputValue()).toBe(client);
    await form.getByTestId('top-up-amount').fill('50');
    await form.getByTestId('top-up-submit').click();
    await agency.getByTestId('company-missing').getByTestId('company-missing-action').click();
    const company = agency.getByTestId('company-form');
    await company.getByLabel('Raison sociale').fill('Fromagerie Lemoine SARL');
    await company.getByLabel(/^Adresse( \*)?$/).fill('3 place du Marché');
    await company.getByLabel('Code postal').fill('74000');
    await company.getByLabel('Ville').fill('Annecy');
    await screenshot(agency, '4a-client-company-dialog');
    await company.getByTestId('company-save').click();
    await company.waitFor({ state: 'detached' });
    await form.getByTestId('top-up-submit').click();
    const result = agency.getByTestId('top-up-result');
    await result.waitFor();
    expect(await textOf(result)).toContain(`Rechargement demandé pour ${client}`);
    expect(await textOf(result.getByTestId('top-up-total'))).toBe('60,00 €');
    const clientReference = await textOf(result.getByTestId('top-up-reference'));

    // Cancelled while awaiting payment.
    const pending = agency.locator(`[data-testid="top-up-row"][data-reference="${clientReference}"]`);
    await pending.getByTestId('top-up-cancel').click();
    await agency.getByTestId('cancel-top-up-confirm').click();
    await expect.poll(() => contentOf(pending.getByTestId('top-up-status')), poll).toBe('Annulé');
    await expect(pending.getByTestId('top-up-cancel').count()).resolves.toBe(0);
    await screenshot(agency, '4b-top-ups-list');

    // Support cannot cancel the paid 1 000 € top-up: its credits were allocated.
    const support = (current = await openPage());
    await signIn(support, server.support.email, server.support.password);
    await support.goto('/support/virements');
    await support.getByTestId('transfers-status').getByText('Payé', { exact: true }).click();
    await support.locator(`[data-testid="transfer-row"][data-reference="${reference}"]`).getByTestId('transfer-refund').click();
    const refund = support.getByTestId('refund-transfer-modal');
    await refund.getByTestId('transfer-action-submit').click();
    await refund.getByTestId('transfer-action-error').waitFor();
    expect(await textOf(refund.getByTestId('transfer-action-error'))).toContain('déjà été dépensés ou attribués');
    await screenshot(support, '4c-support-refund-refused');
  });
});
