import { XMLParser } from 'fast-xml-parser';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackgroundWork } from '../../jobs/handlers.js';
import { SYSTEM_ACCOUNTS } from '../ledger/system.js';
import { signUp, startTestEnv, supportClient, totalOfAllWallets, PASSWORD, type Client, type TestEnv } from '../../testing/harness.js';
import { EarningsFixture, type Buyer } from '../../testing/earnings-fixture.js';
import {
  BUSINESS_PROFILE,
  INDIVIDUAL_PROFILE,
  SAMPLE_PNG,
  TEST_IBAN,
  TEST_VAT_NUMBER,
  makePayable,
  samplePdf,
  todayDay,
  uploadProof,
} from '../../testing/payout-fixture.js';

// Publisher payouts through the API (issue 11): the billing profile and its checks, proofs and their
// review, the mandate, withdrawals from request to SEPA file to payment with its self-billed
// invoice, refusals, renewals, conversions; money counted on the wallets and the ledger.

let env: TestEnv;
let fixture: EarningsFixture;
let buyer: Buyer;
let support: Client;

beforeAll(async () => {
  // Its own schema on PostgreSQL: the completion sweep acts on every due order.
  env = await startTestEnv({ MAILLON_CRAWLER_ALLOW_PRIVATE: '1', MAILLON_CRAWLER_RETRY_DELAYS: '' }, { ownSchema: true });
  fixture = new EarningsFixture(env);
  await fixture.start();
  buyer = await fixture.buyer(30_000_00);
  support = await supportClient(env);
});
afterAll(async () => {
  await fixture?.stop();
  await env?.close();
});

const db = () => env.database.db;
const ctx = () => ({ db: db(), config: env.config });
const earningOf = (price: number) => price - Math.round((price * env.config.commissionBp) / 10_000);
const posted = async (id: string) => Number((await db().selectFrom('wallets').select('posted_cents').where('account_id', '=', id).executeTakeFirstOrThrow()).posted_cents);
const summary = async (c: Client) => (await c.get('/api/publisher/payouts/summary')).body;

/** A publisher whose `count` verified orders are completed: their earnings are payable. */
async function sellerWithEarnings(count = 1) {
  const seller = await fixture.seller();
  const orders = [];
  for (let i = 0; i < count; i++) orders.push(await fixture.verifiedOrder(buyer, seller));
  await fixture.complete(orders.map((o) => o.id), new Date());
  const earned = orders.reduce((s, o) => s + earningOf(o.priceCents), 0);
  return { ...seller, orders, earned };
}

function monthsAgo(n: number): string {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString().slice(0, 10);
}

describe('the billing profile', () => {
  it('names the field and the problem in French: SIRET checksum, IBAN, BIC, VAT number, tax number, birth date', async () => {
    const { client } = await signUp(env, 'publisher', 'Éditeur Profil');
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ siret: '81234567800012' }, 'siret', /clé de contrôle/],
      [{ siret: '8123456780' }, 'siret', /14 chiffres/],
      [{ siret: null }, 'siret', /obligatoire/],
      [{ iban: 'FR7630006000011234567890188' }, 'iban', /IBAN invalide/],
      [{ iban: 'BR1500000000000010932840814P2' }, 'iban', /zone SEPA|IBAN invalide/],
      [{ bic: 'NOTABIC' }, 'bic', /BIC invalide/],
      [{ bic: 'DEUTDEFFXXX' }, 'bic', /pays de l’IBAN/],
      [{ vatRegime: 'fr_vat', vatNumber: null }, 'vatNumber', /numéro de TVA/],
      [{ vatRegime: 'fr_vat', vatNumber: 'FR00812345678' }, 'vatNumber', /clé/],
      [{ vatRegime: 'eu_reverse_charge', vatNumber: TEST_VAT_NUMBER }, 'vatRegime', /autre pays de l’Union/],
      [{ vatRegime: null }, 'vatRegime', /régime de TVA/],
      [{ country: 'BE', siret: null, taxNumber: 'x' }, 'taxNumber', /Numéro fiscal invalide/],
      [{ accountHolder: null }, 'accountHolder', /titulaire/],
    ];
    for (const [change, field, message] of cases) {
      const res = await client.put('/api/publisher/profile', { ...BUSINESS_PROFILE, ...change });
      expect(res.status, `${field} ${JSON.stringify(change)}`).toBe(400);
      expect(res.body.error.field).toBe(field);
      expect(res.body.error.message).toMatch(message);
    }
    const young = await client.put('/api/publisher/profile', { ...INDIVIDUAL_PROFILE, birthDate: todayDay() });
    expect(young.body.error).toMatchObject({ field: 'birthDate', message: expect.stringMatching(/18 ans/) });
    const impossible = await client.put('/api/publisher/profile', { ...INDIVIDUAL_PROFILE, birthDate: '1990-02-30' });
    expect(impossible.status).toBe(400);
    expect(impossible.body.error.field).toBe('birthDate');
    // Nothing was saved by any of them.
    expect((await client.get('/api/publisher/profile')).body).toEqual({ profile: null, completeness: { missing: ['profile_missing'] } });

    const ok = await client.put('/api/publisher/profile', { ...BUSINESS_PROFILE, vatRegime: 'fr_vat', vatNumber: TEST_VAT_NUMBER.toLowerCase() });
    expect(ok.status).toBe(200);
    expect(ok.body.profile).toMatchObject({ iban: TEST_IBAN, vatNumber: TEST_VAT_NUMBER, siret: BUSINESS_PROFILE.siret });
    expect(ok.body.completeness.missing).toEqual([]);
    // An individual keeps no company data; DAC7 asks for its birth date and tax number.
    const individual = await client.put('/api/publisher/profile', { ...INDIVIDUAL_PROFILE, birthDate: null, taxNumber: null, siret: BUSINESS_PROFILE.siret });
    expect(individual.body.profile).toMatchObject({ kind: 'individual', siret: null, vatRegime: null });
    expect(individual.body.completeness.missing).toEqual(['birth_date_missing', 'tax_number_missing']);
  });

  it('is the publisher’s own: others are refused, support reads it, and acting as the publisher cannot change it', async () => {
    const customer = await signUp(env, 'customer');
    expect((await customer.client.get('/api/publisher/profile')).status).toBe(403);
    expect((await customer.client.put('/api/publisher/profile', BUSINESS_PROFILE)).status).toBe(403);
    const { client, account } = await signUp(env, 'publisher', 'Éditeur Lu');
    await client.put('/api/publisher/profile', BUSINESS_PROFILE);
    const file = await support.get(`/api/support/publishers/${account.id}/payout-profile`);
    expect(file.status).toBe(200);
    expect(file.body.profile.iban).toBe(TEST_IBAN);
    expect((await customer.client.get(`/api/support/publishers/${account.id}/payout-profile`)).status).toBe(403);

    const helper = await supportClient(env);
    expect((await helper.post('/api/act-as', { accountId: account.id, reason: 'Aide au profil de facturation' })).status).toBe(200);
    expect((await helper.get('/api/publisher/profile')).status).toBe(200);
    const change = await helper.put('/api/publisher/profile', { ...BUSINESS_PROFILE, iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' });
    expect(change.status).toBe(403);
    expect(change.body.error.code).toBe('forbidden_while_acting');
    expect((await helper.post('/api/publisher/withdrawals', { amountCents: 50_00 })).status).toBe(403);
    expect((await client.get('/api/publisher/profile')).body.profile.iban).toBe(TEST_IBAN);
  });
});

describe('proofs', () => {
  it('checks the content, the size and the date, and names each problem', async () => {
    const { client } = await signUp(env, 'publisher', 'Éditeur Fichiers');
    const fake = await uploadProof(client, Buffer.from('%PDF- ceci est un texte, pas un PDF'));
    expect(fake.status).toBe(400);
    expect(fake.body.error).toMatchObject({ field: 'file' });
    const text = await uploadProof(client, Buffer.from('Bonjour, voici mon attestation.'));
    expect(text.body.error.message).toMatch(/ni un PDF, ni une image PNG ou JPEG/);
    const mismatch = await uploadProof(client, SAMPLE_PNG, { type: 'application/pdf' });
    expect(mismatch.body.error.message).toMatch(/ne correspond pas/);
    const pdf = await samplePdf();
    const truncated = await uploadProof(client, pdf.subarray(0, pdf.length - 200));
    expect(truncated.body.error.message).toMatch(/incomplet ou endommagé/);
    const exe = await uploadProof(client, Buffer.from('MZ\x90\x00'), { type: 'application/x-msdownload' });
    expect(exe.status).toBe(400);
    const huge = await uploadProof(client, Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024)]));
    expect(huge.status).toBe(413);
    expect(huge.body.error.message).toMatch(/5 Mo/);
    const future = await uploadProof(client, pdf, { issuedOn: '2999-01-01' });
    expect(future.body.error).toMatchObject({ field: 'issuedOn', message: expect.stringMatching(/futur/) });
    const old = await uploadProof(client, pdf, { issuedOn: monthsAgo(7) });
    expect(old.body.error).toMatchObject({ field: 'issuedOn', message: expect.stringMatching(/plus de 6 mois/) });
    const badDay = await uploadProof(client, pdf, { issuedOn: '2026-02-30' });
    expect(badDay.status).toBe(400);
    expect((await client.get('/api/publisher/documents')).body.items).toEqual([]);

    const png = await uploadProof(client, SAMPLE_PNG, { type: 'image/png', kind: 'kbis', name: 'kbis.png' });
    expect(png.status).toBe(201);
    expect(png.body).toMatchObject({ kind: 'kbis', mediaType: 'image/png', status: 'pending', sizeBytes: SAMPLE_PNG.length });
  });

  it('serves a file to its publisher and to support only, and support accepts or refuses it with a reason', async () => {
    const { client, account } = await signUp(env, 'publisher', 'Éditeur Revu');
    const other = await signUp(env, 'publisher', 'Autre Éditeur');
    const pdf = await samplePdf();
    const issuedOn = monthsAgo(1);
    const doc = (await uploadProof(client, pdf, { issuedOn })).body;
    const own = await client.get(`/api/publisher/documents/${doc.id}/file`);
    expect(own.status).toBe(200);
    expect(own.headers['content-type']).toBe('application/pdf');
    expect(own.headers['content-disposition']).toMatch(/^attachment/);
    expect((await other.client.get(`/api/publisher/documents/${doc.id}/file`)).status).toBe(404);
    expect((await other.client.get(`/api/support/publisher-documents/${doc.id}/file`)).status).toBe(403);
    expect((await support.get(`/api/support/publisher-documents/${doc.id}/file`)).status).toBe(200);
    const audit = await db().selectFrom('audit_log').select('action').where('target_id', '=', doc.id).execute();
    expect(audit.map((a) => a.action)).toContain('payout_document.read');

    const queue = (await support.get('/api/support/publisher-documents?status=pending&limit=500')).body.items;
    expect(queue.find((d: { id: string }) => d.id === doc.id)).toMatchObject({ accountId: account.id, accountName: 'Éditeur Revu' });
    expect((await other.client.post(`/api/support/publisher-documents/${doc.id}/review`, { decision: 'accept' })).status).toBe(403);
    const noReason = await support.post(`/api/support/publisher-documents/${doc.id}/review`, { decision: 'refuse' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.field).toBe('reason');
    const refused = await support.post(`/api/support/publisher-documents/${doc.id}/review`, { decision: 'refuse', reason: 'Document illisible.' });
    expect(refused.body).toMatchObject({ status: 'refused', refusalReason: 'Document illisible.', validUntil: null });
    expect((await support.post(`/api/support/publisher-documents/${doc.id}/review`, { decision: 'accept' })).status).toBe(409);
    const notices = (await client.get('/api/notifications')).body.items;
    expect(notices[0]).toMatchObject({ kind: 'proof_refused' });
    expect(notices[0].body).toContain('Document illisible.');

    const second = (await uploadProof(client, pdf, { issuedOn })).body;
    const accepted = await support.post(`/api/support/publisher-documents/${second.id}/review`, { decision: 'accept' });
    // Valid six months from the date it was issued.
    const until = new Date(`${issuedOn}T00:00:00Z`);
    until.setUTCMonth(until.getUTCMonth() + 6);
    expect(accepted.body).toMatchObject({ status: 'accepted', validUntil: until.toISOString().slice(0, 10) });
    const third = (await uploadProof(client, pdf)).body;
    await support.post(`/api/support/publisher-documents/${third.id}/review`, { decision: 'accept' });
    const list = (await client.get('/api/publisher/documents')).body.items.map((d: { id: string; status: string }) => [d.id, d.status]);
    expect(list).toEqual([
      [third.id, 'accepted'],
      [second.id, 'replaced'],
      [doc.id, 'refused'],
    ]);
  });

  it('reminds the publisher once, 30 days before its accepted proof expires, unless a newer one waits for review', async () => {
    const { client } = await signUp(env, 'publisher', 'Éditeur Rappel');
    const waiting = await signUp(env, 'publisher', 'Éditeur Déjà Renouvelé');
    for (const c of [client, waiting.client]) {
      const doc = (await uploadProof(c, await samplePdf())).body;
      await support.post(`/api/support/publisher-documents/${doc.id}/review`, { decision: 'accept' });
      // As if it were accepted five months and a half ago.
      const soon = new Date(Date.now() + 15 * 86_400_000).toISOString().slice(0, 10);
      await db().updateTable('publisher_documents').set({ valid_until: soon }).where('id', '=', doc.id).execute();
    }
    await uploadProof(waiting.client, await samplePdf());
    await runBackgroundWork(ctx());
    await runBackgroundWork(ctx());
    const kinds = (c: Client) => c.get('/api/notifications').then((r) => r.body.items.map((n: { kind: string }) => n.kind));
    expect((await kinds(client)).filter((k: string) => k === 'proof_expiring')).toHaveLength(1);
    expect(await kinds(waiting.client)).not.toContain('proof_expiring');
  });
});

describe('the self-billing mandate', () => {
  it('is accepted once, with its version, person and address, and revoked unless a withdrawal is open', async () => {
    const { client } = await signUp(env, 'publisher', 'Éditeur Mandat');
    const view = (await client.get('/api/publisher/mandate')).body;
    expect(view.current).toBeNull();
    expect(view.text).toMatch(/article 289, I-2 du Code général des impôts/);
    const stale = await client.post('/api/publisher/mandate', { accept: true, version: '2020-01' });
    expect(stale.status).toBe(422);
    const accepted = await client.post('/api/publisher/mandate', { accept: true, version: view.version });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ version: view.version, acceptedBy: 'Éditeur Mandat', acceptedFrom: client.address, revokedAt: null });
    expect((await client.post('/api/publisher/mandate', { accept: true, version: view.version })).status).toBe(409);
    const revoked = await client.request('DELETE', '/api/publisher/mandate');
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await client.get('/api/publisher/mandate')).body.current).toBeNull();
    expect((await client.request('DELETE', '/api/publisher/mandate')).status).toBe(409);
  });
});

describe('withdrawals', () => {
  it('pays a business publisher: blocked until payable, held, batched, exported as SEPA, paid with its self-billed invoice', async () => {
    const seller = await sellerWithEarnings(2);
    const p = seller.publisher;
    const first = await summary(p);
    expect(first).toMatchObject({ payableCents: seller.earned, paidCents: 0, debtCents: 0, lifetimeEarningsCents: seller.earned });
    expect(first.eligibility).toMatchObject({ mayWithdraw: false, missing: ['profile_missing'] });
    const asked = await p.post('/api/publisher/withdrawals', { amountCents: 50_00 });
    expect(asked.status).toBe(422);
    expect(asked.body.error.message).toMatch(/profil de facturation/);

    await p.put('/api/publisher/profile', BUSINESS_PROFILE);
    expect((await summary(p)).eligibility.missing).toEqual(['mandate_missing', 'proof_missing']);
    expect((await p.post('/api/publisher/withdrawals', { amountCents: 50_00 })).body.error.message).toMatch(/mandat d’autofacturation/);
    const doc = (await uploadProof(p, await samplePdf())).body;
    const mandate = (await p.get('/api/publisher/mandate')).body;
    await p.post('/api/publisher/mandate', { accept: true, version: mandate.version });
    expect((await p.post('/api/publisher/withdrawals', { amountCents: 50_00 })).body.error.message).toMatch(/justificatif/);
    await support.post(`/api/support/publisher-documents/${doc.id}/review`, { decision: 'accept' });
    expect((await summary(p)).eligibility).toEqual({ mayWithdraw: true, mayConvert: false, missing: [] });

    const low = await p.post('/api/publisher/withdrawals', { amountCents: 49_99 });
    expect(low.body.error).toMatchObject({ field: 'amountCents', message: expect.stringMatching(/^Le montant minimum d’un virement est de 50,00\s€\.$/) });
    const over = await p.post('/api/publisher/withdrawals', { amountCents: seller.earned + 1 });
    expect(over.body.error.message).toMatch(/au plus/);
    const amount = seller.earned - 1_00;
    const key = { 'idempotency-key': `w-${seller.publisherId}` };
    const request = await p.post('/api/publisher/withdrawals', { amountCents: amount }, key);
    expect(request.status).toBe(201);
    expect(request.body).toMatchObject({ status: 'requested', amountCents: amount, ibanMasked: 'FR76 •••• 0189', accountHolder: BUSINESS_PROFILE.accountHolder });
    const replay = await p.post('/api/publisher/withdrawals', { amountCents: amount }, key);
    expect(replay.body.id).toBe(request.body.id);
    expect((await p.post('/api/publisher/withdrawals', { amountCents: 50_00 })).body.error.message).toMatch(/déjà en cours/);
    expect(await summary(p)).toMatchObject({ payableCents: 1_00, withdrawingCents: amount });

    // Support approves it in a batch; the file is what the bank needs.
    const batch = await support.post('/api/support/payout-batches', { withdrawalIds: [request.body.id] });
    expect(batch.status).toBe(201);
    expect(batch.body).toMatchObject({ status: 'approved', count: 1, totalCents: amount });
    expect((await p.post(`/api/publisher/withdrawals/${request.body.id}/cancel`)).status).toBe(409);
    const again = await support.post('/api/support/payout-batches', { withdrawalIds: [request.body.id] });
    expect(again.status).toBe(422);
    expect(again.body.error.message).toMatch(/n’est plus en attente/);
    const file = await support.get(`/api/support/payout-batches/${batch.body.id}/sepa.xml`);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toMatch(/application\/xml/);
    const raw = await env.app.inject({ method: 'GET', url: `/api/support/payout-batches/${batch.body.id}/sepa.xml`, headers: { cookie: `maillon_session=${support.cookie}` } });
    const doc2 = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(raw.body).Document;
    expect(raw.body).toContain('urn:iso:std:iso:20022:tech:xsd:pain.001.001.03');
    const header = doc2.CstmrCdtTrfInitn.GrpHdr;
    expect(header).toMatchObject({ MsgId: batch.body.reference, NbOfTxs: '1', CtrlSum: (amount / 100).toFixed(2) });
    const tx = doc2.CstmrCdtTrfInitn.PmtInf.CdtTrfTxInf;
    expect(tx.CdtrAcct.Id.IBAN).toBe(TEST_IBAN);
    expect(tx.Amt.InstdAmt['#text']).toBe((amount / 100).toFixed(2));
    expect(tx.Cdtr.Nm).toBe('Editions du Fournil SARL');
    expect(doc2.CstmrCdtTrfInitn.PmtInf.DbtrAcct.Id.IBAN).toBe(env.config.seller.iban.replace(/\s/g, ''));

    const bankBefore = await posted(SYSTEM_ACCOUNTS.bank);
    const paid = await support.post(`/api/support/payout-batches/${batch.body.id}/paid`);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid' });
    expect((await support.post(`/api/support/payout-batches/${batch.body.id}/paid`)).status).toBe(409);
    expect((await posted(SYSTEM_ACCOUNTS.bank)) - bankBefore).toBe(amount);
    expect(await summary(p)).toMatchObject({ payableCents: 1_00, withdrawingCents: 0, paidCents: amount });
    const withdrawal = (await p.get('/api/publisher/withdrawals')).body.items[0];
    expect(withdrawal).toMatchObject({ status: 'paid', invoiceNumber: 'AF-00001' });
    expect((await p.get('/api/notifications')).body.items.map((n: { kind: string }) => n.kind)).toContain('withdrawal_paid');

    const invoices = (await p.get('/api/publisher/self-billed-invoices')).body.items;
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ number: 'AF-00001', subtotalCents: amount, vatCents: 0, totalCents: amount });
    const pdf = await env.app.inject({ method: 'GET', url: `/api/publisher/self-billed-invoices/${invoices[0].id}/pdf`, headers: { cookie: `maillon_session=${p.cookie}` } });
    expect(pdf.statusCode).toBe(200);
    const text = (await new PDFParse({ data: pdf.rawPayload }).getText()).text;
    expect(text).toContain('Autofacturation');
    expect(text).toContain('AF-00001');
    expect(text).toContain('TVA non applicable, art. 293 B du CGI');
    expect(text).toContain('Éditions du Fournil SARL');
    const stranger = await signUp(env, 'publisher');
    expect((await stranger.client.get(`/api/publisher/self-billed-invoices/${invoices[0].id}/pdf`)).status).toBe(404);
    // The invoice cannot be changed afterwards.
    await expect(db().updateTable('self_billed_invoices').set({ vat_mention: 'x' }).where('id', '=', invoices[0].id).execute()).rejects.toThrow(/immutable/);
    expect(await totalOfAllWallets(env)).toBe(0);
  });

  it('adds French VAT on top for a VAT-registered publisher: the file pays it, the ledger moves the earnings', async () => {
    const seller = await sellerWithEarnings(1);
    await makePayable(seller.publisher, support, { ...BUSINESS_PROFILE, vatRegime: 'fr_vat', vatNumber: TEST_VAT_NUMBER });
    const amount = seller.earned;
    const w = (await seller.publisher.post('/api/publisher/withdrawals', { amountCents: amount })).body;
    const batch = (await support.post('/api/support/payout-batches', { withdrawalIds: [w.id] })).body;
    const vat = Math.round(amount * 0.2);
    expect(batch.totalCents).toBe(amount + vat);
    const bankBefore = await posted(SYSTEM_ACCOUNTS.bank);
    await support.post(`/api/support/payout-batches/${batch.id}/paid`);
    expect((await posted(SYSTEM_ACCOUNTS.bank)) - bankBefore).toBe(amount);
    const invoice = (await seller.publisher.get('/api/publisher/self-billed-invoices')).body.items[0];
    expect(invoice).toMatchObject({ subtotalCents: amount, vatCents: vat, totalCents: amount + vat });
  });

  it('gives a refused request back, lets the publisher cancel its own, and leaves nothing stranded', async () => {
    const seller = await sellerWithEarnings(1);
    await makePayable(seller.publisher, support);
    const p = seller.publisher;
    const w1 = (await p.post('/api/publisher/withdrawals', { amountCents: 50_00 })).body;
    expect((await p.post(`/api/publisher/withdrawals/${w1.id}/cancel`)).body.status).toBe('cancelled');
    expect((await summary(p)).payableCents).toBe(seller.earned);
    const w2 = (await p.post('/api/publisher/withdrawals', { amountCents: 60_00 })).body;
    const batch = (await support.post('/api/support/payout-batches', { withdrawalIds: [w2.id] })).body;
    const noReason = await support.post(`/api/support/withdrawals/${w2.id}/refuse`, { reason: '' });
    expect(noReason.status).toBe(400);
    const refused = await support.post(`/api/support/withdrawals/${w2.id}/refuse`, { reason: 'IBAN refusé par la banque.' });
    expect(refused.body).toMatchObject({ status: 'refused', refusalReason: 'IBAN refusé par la banque.' });
    expect((await summary(p)).payableCents).toBe(seller.earned);
    // Its batch no longer holds it: nothing to export or pay.
    expect((await support.get(`/api/support/payout-batches/${batch.id}`)).body).toMatchObject({ count: 0, totalCents: 0 });
    expect((await support.post(`/api/support/payout-batches/${batch.id}/paid`)).status).toBe(409);
    expect((await support.post(`/api/support/withdrawals/${w2.id}/refuse`, { reason: 'encore' })).status).toBe(409);
    const notices = (await p.get('/api/notifications')).body.items;
    expect(notices[0].body).toContain('IBAN refusé par la banque.');
    expect(await totalOfAllWallets(env)).toBe(0);
  });

  it('lets one of many concurrent requests through, and holds only its amount', async () => {
    const seller = await sellerWithEarnings(1);
    await makePayable(seller.publisher, support);
    const results = await Promise.all(Array.from({ length: 8 }, () => seller.publisher.post('/api/publisher/withdrawals', { amountCents: 50_00 })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.every((r) => r.status === 201 || r.status === 422 || r.status === 409)).toBe(true);
    expect(await summary(seller.publisher)).toMatchObject({ withdrawingCents: 50_00, payableCents: seller.earned - 50_00 });
  });

  it('gives batches approved at the same time each its own reference', async () => {
    const requests: string[] = [];
    for (let i = 0; i < 4; i++) {
      const seller = await sellerWithEarnings(1);
      await makePayable(seller.publisher, support);
      requests.push((await seller.publisher.post('/api/publisher/withdrawals', { amountCents: 50_00 })).body.id);
    }
    const agents = await Promise.all(requests.map(() => supportClient(env)));
    const batches = await Promise.all(requests.map((id, i) => agents[i].post('/api/support/payout-batches', { withdrawalIds: [id] })));
    expect(batches.map((b) => b.status)).toEqual([201, 201, 201, 201]);
    const references = batches.map((b) => b.body.reference as string);
    expect(new Set(references).size).toBe(4);
    for (const r of references) expect(r).toMatch(/^VIR-\d{4}-\d{2}-\d{2}-\d{3}$/);
  });

  it('stops payouts when the proof expires, at the request and at the batch, naming the publisher', async () => {
    const seller = await sellerWithEarnings(1);
    const docId = await makePayable(seller.publisher, support);
    const w = (await seller.publisher.post('/api/publisher/withdrawals', { amountCents: 50_00 })).body;
    await db().updateTable('publisher_documents').set({ valid_until: '2020-01-01' }).where('id', '=', docId).execute();
    const batch = await support.post('/api/support/payout-batches', { withdrawalIds: [w.id] });
    expect(batch.status).toBe(422);
    expect(batch.body.error.message).toMatch(/Éditions du Fournil SARL.*plus de 6 mois/);
    await seller.publisher.post(`/api/publisher/withdrawals/${w.id}/cancel`);
    const again = await seller.publisher.post('/api/publisher/withdrawals', { amountCents: 50_00 });
    expect(again.status).toBe(422);
    expect(again.body.error.message).toMatch(/plus de 6 mois/);
  });

  it('accepts a Kbis only while lifetime earnings stay under 5,000 €', async () => {
    const seller = await sellerWithEarnings(1);
    await seller.publisher.put('/api/publisher/profile', BUSINESS_PROFILE);
    const kbis = (await uploadProof(seller.publisher, SAMPLE_PNG, { kind: 'kbis', type: 'image/png' })).body;
    await support.post(`/api/support/publisher-documents/${kbis.id}/review`, { decision: 'accept' });
    await seller.publisher.post('/api/publisher/mandate', { accept: true, version: (await seller.publisher.get('/api/publisher/mandate')).body.version });
    expect((await summary(seller.publisher)).eligibility.mayWithdraw).toBe(true);
    // Past 5,000 € of lifetime earnings, only an URSSAF attestation will do.
    await db().updateTable('orders').set({ price_cents: 8_000_00 }).where('id', '=', seller.orders[0].id).execute();
    const blocked = await seller.publisher.post('/api/publisher/withdrawals', { amountCents: 50_00 });
    expect(blocked.body.error.message).toMatch(/seule une attestation de vigilance URSSAF/);
  });

  it('repays a debt left by a claim after payout before anything else is withdrawn', async () => {
    const seller = await sellerWithEarnings(2);
    await makePayable(seller.publisher, support);
    const p = seller.publisher;
    // Everything is withdrawn and paid; then a link is lost and refunded: the publisher owes it.
    const w = (await p.post('/api/publisher/withdrawals', { amountCents: seller.earned })).body;
    const batch = (await support.post('/api/support/payout-batches', { withdrawalIds: [w.id] })).body;
    await support.post(`/api/support/payout-batches/${batch.id}/paid`);
    await fixture.refund(seller.orders[0], null);
    const owed = earningOf(seller.orders[0].priceCents);
    expect(await summary(p)).toMatchObject({ payableCents: 0, debtCents: owed, paidCents: seller.earned });
    expect((await p.post('/api/publisher/withdrawals', { amountCents: 50_00 })).status).toBe(422);
    // The next earnings repay it first.
    const next = await fixture.verifiedOrder(buyer, seller);
    await fixture.complete([next.id], new Date());
    const after = await summary(p);
    expect(after.debtCents).toBe(Math.max(owed - earningOf(next.priceCents), 0));
    expect(after.payableCents).toBe(Math.max(earningOf(next.priceCents) - owed, 0));
    expect(await totalOfAllWallets(env)).toBe(0);
  });
});

describe('an individual publisher', () => {
  it('cannot withdraw, and turns its earnings into credits on a buyer account it proves it owns', async () => {
    const seller = await sellerWithEarnings(1);
    const p = seller.publisher;
    await p.put('/api/publisher/profile', INDIVIDUAL_PROFILE);
    const asked = await p.post('/api/publisher/withdrawals', { amountCents: 50_00 });
    expect(asked.body.error.message).toMatch(/Seule une entreprise/);
    expect((await summary(p)).eligibility).toMatchObject({ mayWithdraw: false, mayConvert: false, missing: ['buyer_link_missing'] });
    const own = await signUp(env, 'customer', 'Julie Martin (achats)');
    const wrong = await p.put('/api/publisher/buyer-account', { email: own.email, password: 'pas le bon mot de passe' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.field).toBe('password');
    const other = await signUp(env, 'publisher');
    expect((await p.put('/api/publisher/buyer-account', { email: other.email, password: PASSWORD })).body.error.field).toBe('email');
    const linked = await p.put('/api/publisher/buyer-account', { email: own.email, password: PASSWORD });
    expect(linked.body).toEqual({ buyerAccountId: own.account.id, buyerName: 'Julie Martin (achats)' });
    expect((await p.get('/api/publisher/buyer-account')).body.buyerAccountId).toBe(own.account.id);

    expect((await p.post('/api/publisher/conversions', { amountCents: seller.earned + 1 })).status).toBe(422);
    const converted = await p.post('/api/publisher/conversions', { amountCents: seller.earned });
    expect(converted.status).toBe(201);
    expect((await own.client.get(`/api/accounts/${own.account.id}/wallet`)).body.availableCents).toBe(seller.earned);
    expect(await summary(p)).toMatchObject({ payableCents: 0, convertedCents: seller.earned });
    expect(await totalOfAllWallets(env)).toBe(0);
  });
});

describe('self-billed invoice numbers', () => {
  it('stay gapless per publisher when payouts run at once and some roll back', async () => {
    const { issueSelfBilledInvoice } = await import('./invoices.js');
    const seller = await sellerWithEarnings(1);
    await makePayable(seller.publisher, support);
    const mandate = await db().selectFrom('self_billing_mandates').select('id').where('account_id', '=', seller.publisherId).executeTakeFirstOrThrow();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const row = await db()
        .insertInto('withdrawals')
        .values({ account_id: seller.publisherId, amount_cents: 10_00, hold_id: crypto.randomUUID(), iban: TEST_IBAN, bic: 'AGRIFRPPXXX', account_holder: 'x', requested_by: seller.publisherId, status: 'cancelled' })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    const outcomes = await Promise.allSettled(
      ids.map((id, i) =>
        db().transaction().execute(async (tx) => {
          await issueSelfBilledInvoice(tx, ctx(), { id, account_id: seller.publisherId, amount_cents: 10_00, vat_regime: 'franchise', vat_cents: 0, mandateId: mandate.id, batchReference: 'VIR-TEST' });
          if (i % 3 === 0) throw new Error('the payment failed after the invoice');
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(8);
    const numbers = (await db().selectFrom('self_billed_invoices').select('sequence').where('account_id', '=', seller.publisherId).orderBy('sequence').execute()).map((r) => r.sequence);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
