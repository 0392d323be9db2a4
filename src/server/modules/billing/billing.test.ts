import { PDFParse } from 'pdf-parse';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  FRENCH_COMPANY,
  fundWallet,
  makeAgency,
  startTestEnv,
  supportClient,
  totalOfAllWallets,
  uniqueEmail,
  type Client,
  type TestEnv,
} from '../../testing/harness.js';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

async function pdfText(client: Client, url: string): Promise<string> {
  const res = await env.app.inject({ method: 'GET', url, headers: { cookie: `maillon_session=${client.cookie}` } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  const parser = new PDFParse({ data: new Uint8Array(res.rawPayload) });
  const text = (await parser.getText()).text.replace(/\s+/g, ' ');
  await parser.destroy();
  return text;
}

const available = async (client: Client, id: string) => (await client.get(`/api/accounts/${id}/wallet`)).body.availableCents;

describe('top-ups by bank transfer', () => {
  it('issues a pro-forma with bank details and a payment reference, then credits and invoices on confirmation', async () => {
    const fx = await makeAgency(env, 'simple');
    await fx.agency.patch(`/api/accounts/${fx.agencyId}`, { company: FRENCH_COMPANY });
    const req = await fx.agency.post(`/api/accounts/${fx.agencyId}/top-ups`, { amountCents: 500_00, method: 'bank_transfer' });
    expect(req.status).toBe(201);
    expect(req.body).toMatchObject({ status: 'awaiting_payment', amountCents: 500_00, vatCents: 100_00, totalCents: 600_00 });
    expect(req.body.proformaUrl).toBe(`/api/top-ups/${req.body.id}/proforma.pdf`);
    expect(await available(fx.agency, fx.agencyId)).toBe(0);

    const proforma = await pdfText(fx.agency, req.body.proformaUrl);
    expect(proforma).toContain('Facture pro forma');
    expect(proforma).toContain(env.config.seller.iban);
    expect(proforma).toContain(env.config.seller.bic);
    expect(proforma).toContain(req.body.paymentReference);
    expect(proforma).toContain('ne constitue pas une facture');

    const support = await supportClient(env);
    const pending = await support.get('/api/top-ups?status=awaiting_payment&limit=500');
    expect(pending.body.items.map((t: any) => t.id)).toContain(req.body.id);
    const confirmed = await support.post(`/api/support/top-ups/${req.body.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('paid');
    expect(confirmed.body.invoiceNumber).toMatch(/^F\d{4}-\d{6}$/);
    expect(await available(fx.agency, fx.agencyId)).toBe(500_00);

    const again = await support.post(`/api/support/top-ups/${req.body.id}/confirm`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_state');
    expect(await available(fx.agency, fx.agencyId)).toBe(500_00);

    const invoices = await fx.agency.get('/api/invoices');
    expect(invoices.body.items).toEqual([
      expect.objectContaining({ id: confirmed.body.invoiceId, kind: 'invoice', totalCents: 600_00, vatCents: 100_00, accountId: fx.agencyId }),
    ]);
  });

  it('holds every mandatory mention on the invoice', async () => {
    const fx = await makeAgency(env, 'simple');
    const { invoiceId } = await fundWallet(env, fx.agency, fx.agencyId, 250_00);
    const invoice = (await fx.agency.get('/api/invoices')).body.items[0];
    const text = await pdfText(fx.agency, `/api/invoices/${invoiceId}/pdf`);
    const s = env.config.seller;
    for (const expected of [
      'Facture',
      invoice.number,
      s.name,
      s.address,
      `SIRET : ${s.siret}`,
      s.vatNumber,
      s.rcs,
      FRENCH_COMPANY.legalName,
      FRENCH_COMPANY.address,
      `SIRET : ${FRENCH_COMPANY.siret}`,
      FRENCH_COMPANY.vatNumber,
      'Date :',
      'Quantité',
      'Prix unitaire HT',
      '250 1,00 € 250,00 €',
      'TVA (20 %) 50,00 €',
      'Total TTC 300,00 €',
      'Conditions de paiement : Payée par virement bancaire',
      'Pénalités de retard',
      'Indemnité forfaitaire pour frais de recouvrement',
      '40 €',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('bills a top-up through a client account to that client', async () => {
    const fx = await makeAgency(env, 'simple', [['Boulangerie', 'client', 'agency']]);
    const company = { ...FRENCH_COMPANY, legalName: 'Boulangerie Dupain SARL', siret: '40123456700019', vatNumber: null };
    await fx.agency.patch(`/api/accounts/${fx.ids.Boulangerie}`, { company });
    const { invoiceId } = await fundWallet(env, fx.agency, fx.ids.Boulangerie, 100_00);
    expect(await available(fx.agency, fx.ids.Boulangerie)).toBe(100_00);
    expect(await available(fx.agency, fx.agencyId)).toBe(0);
    const text = await pdfText(fx.agency, `/api/invoices/${invoiceId}/pdf`);
    expect(text).toContain('Boulangerie Dupain SARL');
    expect(text).not.toContain(FRENCH_COMPANY.legalName);
  });

  it('reverse-charges an EU business and bills no VAT outside the EU, with their mentions', async () => {
    const fx = await makeAgency(env, 'simple', [['Bruxelles', 'client', 'agency'], ['Geneve', 'client', 'agency']]);
    await fx.agency.patch(`/api/accounts/${fx.ids.Bruxelles}`, {
      company: { legalName: 'Liens Belges SRL', address: 'Rue Neuve 1', postalCode: '1000', city: 'Bruxelles', country: 'BE', vatNumber: 'BE0123456789' },
    });
    await fx.agency.patch(`/api/accounts/${fx.ids.Geneve}`, {
      company: { legalName: 'Liens Suisses SA', address: 'Rue du Rhône 2', postalCode: '1204', city: 'Genève', country: 'CH' },
    });
    const be = await fx.agency.post(`/api/accounts/${fx.ids.Bruxelles}/top-ups`, { amountCents: 100_00, method: 'bank_transfer' });
    expect(be.body).toMatchObject({ vatCents: 0, totalCents: 100_00 });
    const ch = await fx.agency.post(`/api/accounts/${fx.ids.Geneve}/top-ups`, { amountCents: 100_00, method: 'bank_transfer' });
    expect(ch.body).toMatchObject({ vatCents: 0, totalCents: 100_00 });
    const support = await supportClient(env);
    const beInvoice = (await support.post(`/api/support/top-ups/${be.body.id}/confirm`)).body.invoiceId;
    const chInvoice = (await support.post(`/api/support/top-ups/${ch.body.id}/confirm`)).body.invoiceId;
    const beText = await pdfText(fx.agency, `/api/invoices/${beInvoice}/pdf`);
    expect(beText).toContain('Autoliquidation');
    expect(beText).toContain('BE0123456789');
    expect(beText).toContain('TVA (0 %) 0,00 €');
    const chText = await pdfText(fx.agency, `/api/invoices/${chInvoice}/pdf`);
    expect(chText).toContain('TVA non applicable, article 259-1 du CGI');
  });

  it('asks for billing details first (422 on company) and creates nothing', async () => {
    const fx = await makeAgency(env, 'simple', [['Sans adresse', 'client', 'agency']]);
    const res = await fx.agency.post(`/api/accounts/${fx.ids['Sans adresse']}/top-ups`, { amountCents: 100_00, method: 'bank_transfer' });
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe('company');
    expect(res.body.error.message).toContain('Sans adresse');
    expect((await fx.agency.get(`/api/top-ups?accountId=${fx.ids['Sans adresse']}`)).body.items).toEqual([]);
  });

  it('validates the amount: whole euros, at least 10 €', async () => {
    const fx = await makeAgency(env, 'simple');
    await fx.agency.patch(`/api/accounts/${fx.agencyId}`, { company: FRENCH_COMPANY });
    for (const amountCents of [5_00, 10_50]) {
      const res = await fx.agency.post(`/api/accounts/${fx.agencyId}/top-ups`, { amountCents, method: 'bank_transfer' });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('amountCents');
    }
  });

  it('keeps confirmation for support, and other tenants out', async () => {
    const fx = await makeAgency(env, 'simple');
    await fx.agency.patch(`/api/accounts/${fx.agencyId}`, { company: FRENCH_COMPANY });
    const req = await fx.agency.post(`/api/accounts/${fx.agencyId}/top-ups`, { amountCents: 100_00, method: 'bank_transfer' });
    expect((await fx.agency.post(`/api/support/top-ups/${req.body.id}/confirm`)).status).toBe(403);
    const other = await makeAgency(env, 'simple');
    expect((await other.agency.post(`/api/accounts/${fx.agencyId}/top-ups`, { amountCents: 100_00, method: 'bank_transfer' })).status).toBe(404);
    expect((await other.agency.get(`/api/top-ups/${req.body.id}/proforma.pdf`)).status).toBe(404);
    expect((await other.agency.post(`/api/top-ups/${req.body.id}/cancel`)).status).toBe(404);
    expect((await other.agency.get(`/api/top-ups?accountId=${fx.agencyId}`)).status).toBe(404);
  });

  it('replays a confirmation with the same idempotency key', async () => {
    const fx = await makeAgency(env, 'simple');
    await fx.agency.patch(`/api/accounts/${fx.agencyId}`, { company: FRENCH_COMPANY });
    const req = await fx.agency.post(`/api/accounts/${fx.agencyId}/top-ups`, { amountCents: 100_00, method: 'bank_transfer' });
    const support = await supportClient(env);
    const key = { 'idempotency-key': `confirm-${req.body.id}` };
    const a = await support.post(`/api/support/top-ups/${req.body.id}/confirm`, {}, key);
    const b = await support.post(`/api/support/top-ups/${req.body.id}/confirm`, {}, key);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(await available(fx.agency, fx.agencyId)).toBe(100_00);
  });
});

describe('cancellation', () => {
  it('cancels a top-up still awaiting payment, without any invoice', async () => {
    const fx = await makeAgency(env, 'simple');
    await fx.agency.patch(`/api/accounts/${fx.agencyId}`, { company: FRENCH_COMPANY });
    const req = await fx.agency.post(`/api/accounts/${fx.agencyId}/top-ups`, { amountCents: 100_00, method: 'bank_transfer' });
    const res = await fx.agency.post(`/api/top-ups/${req.body.id}/cancel`);
    expect(res.body).toMatchObject({ status: 'cancelled', creditNoteId: null });
    const support = await supportClient(env);
    expect((await support.post(`/api/support/top-ups/${req.body.id}/confirm`)).status).toBe(409);
    expect((await fx.agency.get('/api/invoices')).body.items).toEqual([]);
  });

  it('refunds a paid top-up with a credit note that debits the wallet', async () => {
    const fx = await makeAgency(env, 'simple');
    const { topUpId, invoiceId } = await fundWallet(env, fx.agency, fx.agencyId, 300_00);
    expect((await fx.agency.post(`/api/top-ups/${topUpId}/cancel`)).status).toBe(403);
    const support = await supportClient(env);
    const res = await support.post(`/api/top-ups/${topUpId}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('refunded');
    expect(await available(fx.agency, fx.agencyId)).toBe(0);
    const items = (await fx.agency.get('/api/invoices')).body.items;
    const note = items.find((i: any) => i.kind === 'credit_note');
    expect(note).toMatchObject({ totalCents: -360_00, vatCents: -60_00, number: expect.stringMatching(/^AV\d{4}-\d{6}$/) });
    const invoice = items.find((i: any) => i.id === invoiceId);
    const text = await pdfText(fx.agency, note.pdfUrl);
    expect(text).toContain('Avoir');
    expect(text).toContain(`facture n° ${invoice.number}`);
    expect(text).toContain('-360,00 €');
  });

  it('refuses to cancel a top-up whose credits are spent (409), changing nothing', async () => {
    const fx = await makeAgency(env, 'simple', [['Client', 'client', 'agency']]);
    const { topUpId } = await fundWallet(env, fx.agency, fx.agencyId, 100_00);
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Client, amountCents: 60_00 });
    const support = await supportClient(env);
    const res = await support.post(`/api/top-ups/${topUpId}/cancel`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('insufficient_funds');
    expect(res.body.error.message).toContain('déjà été dépensés');
    expect(await available(fx.agency, fx.agencyId)).toBe(40_00);
    expect((await fx.agency.get('/api/invoices')).body.items.map((i: any) => i.kind)).toEqual(['invoice']);
  });
});

describe('invoices', () => {
  it('are immutable in the database', async () => {
    const fx = await makeAgency(env, 'simple');
    const { invoiceId } = await fundWallet(env, fx.agency, fx.agencyId, 100_00);
    await expect(sql`update invoices set total_cents = 0 where id = ${invoiceId}`.execute(env.database.db)).rejects.toThrow(/immutable/);
    await expect(sql`delete from invoices where id = ${invoiceId}`.execute(env.database.db)).rejects.toThrow(/immutable/);
  });

  it('are listed for every account in reach; a client that signs in sees only its own', async () => {
    const email = uniqueEmail('client');
    const fx = await makeAgency(env, 'simple', [['Client', 'client', 'agency', email]]);
    await fundWallet(env, fx.agency, fx.agencyId, 100_00);
    const { invoiceId } = await fundWallet(env, fx.agency, fx.ids.Client, 50_00);
    expect((await fx.agency.get('/api/invoices')).body.items).toHaveLength(2);
    expect((await fx.agency.get(`/api/invoices?accountId=${fx.ids.Client}`)).body.items.map((i: any) => i.id)).toEqual([invoiceId]);
    const client = await acceptInvitation(env, email);
    const own = await client.get('/api/invoices');
    expect(own.body.items.map((i: any) => i.id)).toEqual([invoiceId]);
    const agencyInvoice = (await fx.agency.get(`/api/invoices?accountId=${fx.agencyId}`)).body.items[0];
    expect((await client.get(`/api/invoices/${agencyInvoice.id}/pdf`)).status).toBe(404);
  });

  it('numbers consecutively without gaps or duplicates under concurrent confirmations', async () => {
    const fx = await makeAgency(env, 'simple');
    await fx.agency.patch(`/api/accounts/${fx.agencyId}`, { company: FRENCH_COMPANY });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push((await fx.agency.post(`/api/accounts/${fx.agencyId}/top-ups`, { amountCents: 10_00, method: 'bank_transfer' })).body.id);
    }
    const support = await supportClient(env);
    const before = await sql<{ n: number }>`select coalesce(max(sequence), 0)::int as n from invoices where kind = 'invoice'`.execute(env.database.db);
    const results = await Promise.all(ids.map((id) => support.post(`/api/support/top-ups/${id}/confirm`)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const seqs = await sql<{ sequence: number; year: number }>`select sequence, year from invoices where kind = 'invoice' order by year, sequence`.execute(env.database.db);
    const all = seqs.rows.map((r) => Number(r.sequence));
    // The whole series, every test's invoices included, runs 1..n with nothing missing or doubled.
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(all.length).toBeGreaterThanOrEqual(Number(before.rows[0].n) + 12);
    expect(await totalOfAllWallets(env)).toBe(0);
  });
});
