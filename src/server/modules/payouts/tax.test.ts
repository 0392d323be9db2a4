import { parse } from 'csv-parse/sync';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, supportClient, type TestEnv } from '../../testing/harness.js';
import { EarningsFixture, type Buyer, type PlacedOrder, type Seller } from '../../testing/earnings-fixture.js';
import { debtOf, sumTransfersByMemo, transferCredits } from '../ledger/service.js';
import { PLATFORM_ACTOR, SYSTEM_ACCOUNTS } from '../ledger/system.js';
import { renderTaxStatementPdf } from './pdf.js';
import type { ProfileInput } from './schema.js';
import { DAC7_COLUMNS, dac7Csv, taxStatementOf } from './tax.js';

// The DAC7 export and the yearly statement, from real orders (placed, accepted, verified through the
// API; completed by the completion sweep at forced dates in 2025; one partly refunded through a
// claim; one publisher repaying a debt), checked against what the ledger moved for those orders.

let env: TestEnv;
let fixture: EarningsFixture;
let buyer: Buyer;
const ctx = () => ({ db: env.database.db, config: env.config });

/** The publisher saves its payout profile through the API, in its own session. */
async function saveProfile(seller: Seller, input: ProfileInput) {
  const res = await seller.publisher.put('/api/publisher/profile', input);
  if (res.status !== 200) throw new Error(`profile failed: ${res.status} ${JSON.stringify(res.body)}`);
}

const profile = (over: Partial<ProfileInput>): ProfileInput => ({
  kind: 'business',
  legalName: 'Éditions Dupont & Fils SARL',
  address: '3 quai Saint-Antoine',
  postalCode: '69002',
  city: 'Lyon',
  country: 'FR',
  birthDate: null,
  siret: '73282932000074',
  vatRegime: 'franchise',
  vatNumber: null,
  taxNumber: null,
  iban: 'FR76 3000 6000 0112 3456 7890 189',
  bic: 'AGRIFRPP882',
  accountHolder: 'Éditions Dupont & Fils',
  ...over,
});

/** "1 234,56" or "1234,56" → cents. */
const cents = (cell: string) => Math.round(Number(cell.replace(/\s/g, '').replace(',', '.')) * 100);

type Row = Record<string, string>;
const rowsOf = (csv: string): Row[] => parse(csv, { delimiter: ';', bom: true, columns: true, skip_empty_lines: true });

let a: Seller;
let b: Seller;
let c: Seller;
let d: Seller;
const orders: Record<string, PlacedOrder> = {};
/** the orders whose consideration counts in 2025, per seller */
const of2025: Record<string, string[]> = {};
let debtOfB = 0;

beforeAll(async () => {
  // Its own schema on PostgreSQL: the export covers every seller of the year.
  env = await startTestEnv({ MAILLON_CRAWLER_ALLOW_PRIVATE: '1', MAILLON_CRAWLER_RETRY_DELAYS: '' }, { ownSchema: true });
  fixture = new EarningsFixture(env);
  await fixture.start();
  buyer = await fixture.buyer(20_000_00);
  [a, b, c, d] = [await fixture.seller(), await fixture.seller(), await fixture.seller(), await fixture.seller()];

  await saveProfile(a, profile({}));
  await saveProfile(
    b,
    profile({
      kind: 'individual',
      legalName: 'Jeanne Martin',
      address: '8 rue des Lilas',
      postalCode: '33000',
      city: 'Bordeaux',
      birthDate: '1985-04-12',
      taxNumber: '1234567890123',
      siret: null,
      vatRegime: null,
      iban: null,
      bic: null,
      accountHolder: null,
    }),
  );
  // d names itself like a spreadsheet formula; c has no profile at all.
  await saveProfile(
    d,
    profile({
      kind: 'individual',
      legalName: '=HYPERLINK("https://evil.example";"clic")',
      siret: null,
      vatRegime: null,
      birthDate: '1990-01-01',
      taxNumber: '0234567890123',
    }),
  );

  for (const name of ['a1', 'a2', 'a3', 'a4']) orders[name] = await fixture.verifiedOrder(buyer, a);
  for (const name of ['b0', 'b1']) orders[name] = await fixture.verifiedOrder(buyer, b);
  orders.c1 = await fixture.verifiedOrder(buyer, c);
  orders.d1 = await fixture.verifiedOrder(buyer, d);

  // a2: 30 € refunded during its control period; the completion pays on the rest.
  await fixture.refund(orders.a2, 30_00);
  await fixture.complete([orders.a1.id], new Date('2025-02-10T10:00:00Z'));
  await fixture.complete([orders.a2.id, orders.c1.id], new Date('2025-08-20T10:00:00Z'));
  // 31 December 2025 22:30 UTC is 23:30 in Paris: Q4 2025; an hour later it is 2026 in Paris.
  await fixture.complete([orders.a3.id, orders.d1.id], new Date('2025-12-31T22:30:00Z'));
  await fixture.complete([orders.a4.id], new Date('2025-12-31T23:30:00Z'));

  // b0, paid in 2024, is lost after the publisher withdrew half of it: the refund takes the other
  // half from its wallet and leaves a debt that b1's earning, in 2025, repays first.
  await fixture.complete([orders.b0.id], new Date('2024-06-01T10:00:00Z'));
  const wallet = (await b.publisher.get(`/api/accounts/${b.publisherId}/wallet`)).body.availableCents as number;
  await env.database.db.transaction().execute((tx) =>
    transferCredits(tx, PLATFORM_ACTOR, {
      fromAccountId: b.publisherId,
      toAccountId: SYSTEM_ACCOUNTS.bank,
      amountCents: Math.floor(wallet / 2),
      kind: 'payout',
      memo: 'test',
    }),
  );
  await fixture.refund(orders.b0, null, 'Lien supprimé');
  debtOfB = await debtOf(env.database.db, b.publisherId);
  await fixture.complete([orders.b1.id], new Date('2025-05-05T10:00:00Z'));

  of2025[a.publisherId] = [orders.a1.id, orders.a2.id, orders.a3.id];
  of2025[b.publisherId] = [orders.b1.id];
  of2025[c.publisherId] = [orders.c1.id];
  of2025[d.publisherId] = [orders.d1.id];
});
afterAll(async () => {
  await fixture?.stop();
  await env?.close();
});

/** What the ledger moved for these orders: to the publisher or to repay its debt, and to the commissions. */
async function ledgerOf(orderIds: string[]) {
  const moved = await sumTransfersByMemo(env.database.db, {
    memos: orderIds.map((id) => `order:${id}`),
    kinds: ['publisher_earning', 'debt_repayment', 'commission'],
  });
  let earned = 0;
  let repaid = 0;
  let commission = 0;
  for (const kinds of moved.values()) {
    earned += kinds.get('publisher_earning')!;
    repaid += kinds.get('debt_repayment')!;
    commission += kinds.get('commission')!;
  }
  return { earned, repaid, commission, paid: earned + repaid };
}

describe('the DAC7 export', () => {
  it('has one row per seller paid in the year, whose totals are what the ledger moved to it', async () => {
    const csv = await dac7Csv(ctx(), 2025);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split('\r\n')[0] ?? csv.split('\n')[0]).toContain('Identifiant vendeur;Type;Nom ou raison sociale');
    const rows = rowsOf(csv);
    expect(Object.keys(rows[0])).toEqual(DAC7_COLUMNS);
    expect(rows.map((r) => r['Identifiant vendeur']).sort()).toEqual(
      [a.publisherId, b.publisherId, c.publisherId, d.publisherId].sort(),
    );

    let allConsideration = 0;
    for (const row of rows) {
      const id = row['Identifiant vendeur'];
      const ledger = await ledgerOf(of2025[id]);
      expect(ledger.paid).toBeGreaterThan(0);
      const consideration = cents(row['Contrepartie totale (€)']);
      expect(consideration).toBe(ledger.paid);
      expect(cents(row['Commissions totales (€)'])).toBe(ledger.commission);
      expect(Number(row['Transactions totales'])).toBe(of2025[id].length);
      // The quarters add up to the totals.
      const q = (label: string) => [1, 2, 3, 4].map((n) => row[`${label} T${n}${label === 'Transactions' ? '' : ' (€)'}`]);
      expect(q('Contrepartie').reduce((s, v) => s + cents(v), 0)).toBe(consideration);
      expect(q('Commissions').reduce((s, v) => s + cents(v), 0)).toBe(ledger.commission);
      expect(q('Transactions').reduce((s, v) => s + Number(v), 0)).toBe(of2025[id].length);
      allConsideration += consideration;
    }
    expect(allConsideration).toBe((await ledgerOf(Object.values(of2025).flat())).paid);

    // b's 2025 earning went to its debt first, the rest to its wallet: both count as paid to it.
    const bLedger = await ledgerOf(of2025[b.publisherId]);
    expect(bLedger.repaid).toBe(debtOfB);
    expect(bLedger.repaid).toBeGreaterThan(0);
    expect(bLedger.earned).toBeGreaterThan(0);

    // The partly refunded order: its consideration is on what was left of the price.
    const rowA = rows.find((r) => r['Identifiant vendeur'] === a.publisherId)!;
    const a2 = await ledgerOf([orders.a2.id]);
    const left = orders.a2.priceCents - 30_00;
    expect(a2.paid + a2.commission).toBe(left);
    expect(cents(rowA['Contrepartie T3 (€)'])).toBe(a2.paid);
    expect(cents(rowA['Contrepartie T1 (€)'])).toBe((await ledgerOf([orders.a1.id])).paid);
    expect(cents(rowA['Contrepartie T4 (€)'])).toBe((await ledgerOf([orders.a3.id])).paid);
    expect(rowA['Transactions T2']).toBe('0');
    expect(rowA['Contrepartie T2 (€)']).toBe('0,00');
  });

  it('names each seller from its payout profile, blank without one, and no cell is a live formula', async () => {
    const rows = rowsOf(await dac7Csv(ctx(), 2025));
    const by = (id: string) => rows.find((r) => r['Identifiant vendeur'] === id)!;
    expect(by(a.publisherId)).toMatchObject({
      Type: 'business',
      'Nom ou raison sociale': 'Éditions Dupont & Fils SARL',
      Adresse: '3 quai Saint-Antoine',
      'Code postal': '69002',
      Ville: 'Lyon',
      Pays: 'FR',
      SIRET: '73282932000074',
      IBAN: 'FR7630006000011234567890189',
      'Date de naissance': '',
    });
    expect(by(b.publisherId)).toMatchObject({
      Type: 'individual',
      'Nom ou raison sociale': 'Jeanne Martin',
      'Date de naissance': '1985-04-12',
      'Numéro fiscal (NIF)': '1234567890123',
      SIRET: '',
      IBAN: '',
    });
    expect(by(c.publisherId)).toMatchObject({
      Type: '',
      'Nom ou raison sociale': 'Éditeur Test',
      Adresse: '',
      Pays: '',
      SIRET: '',
    });
    expect(by(d.publisherId)['Nom ou raison sociale']).toBe('\'=HYPERLINK("https://evil.example";"clic")');
  });

  it('counts an order in the year of its completion in Paris', async () => {
    const rows = rowsOf(await dac7Csv(ctx(), 2026));
    expect(rows.map((r) => r['Identifiant vendeur'])).toEqual([a.publisherId]);
    expect(cents(rows[0]['Contrepartie T1 (€)'])).toBe((await ledgerOf([orders.a4.id])).paid);
    // 2024: b0 was paid, then refunded in full: nothing was paid for it in the end.
    expect(rowsOf(await dac7Csv(ctx(), 2024))).toEqual([]);
    expect((await dac7Csv(ctx(), 2023)).replace('\ufeff', '').trim()).toBe(DAC7_COLUMNS.join(';'));
  });
});

describe('through the API', () => {
  it('gives support the same CSV, and each publisher its own statement as a PDF', async () => {
    const support = await supportClient(env);
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/support/tax/dac7?year=2025',
      headers: { cookie: `maillon_session=${support.cookie}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(rowsOf(res.body)).toEqual(rowsOf(await dac7Csv(ctx(), 2025)));
    expect((await a.publisher.get('/api/support/tax/dac7?year=2025')).status).toBe(403);

    const pdf = await env.app.inject({
      method: 'GET',
      url: '/api/publisher/tax-statement.pdf?year=2025',
      headers: { cookie: `maillon_session=${a.publisher.cookie}` },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const parser = new PDFParse({ data: new Uint8Array(pdf.rawPayload) });
    const text = (await parser.getText()).text.replace(/\s+/g, ' ');
    await parser.destroy();
    expect(text).toContain('Récapitulatif annuel des transactions — article 242 bis du CGI');
    expect(text).toContain('Éditions Dupont & Fils SARL');
    expect(text).toContain('Nombre de transactions 3');
  });
});

describe('the yearly statement', () => {
  it('gives the seller its year: gross paid by buyers, the fees, the net the ledger moved, by quarter', async () => {
    const statement = await taxStatementOf(ctx(), a.publisherId, 2025, new Date('2026-01-15T09:00:00Z'));
    const ledger = await ledgerOf(of2025[a.publisherId]);
    const gross = orders.a1.priceCents + (orders.a2.priceCents - 30_00) + orders.a3.priceCents;
    expect(statement).toMatchObject({
      year: 2025,
      transactions: 3,
      grossCents: gross,
      feesCents: ledger.commission,
      netCents: ledger.paid,
      platform: { legalName: env.config.seller.legalName, siret: env.config.seller.siret },
      seller: { name: 'Éditions Dupont & Fils SARL', kind: 'business', siret: '73282932000074', city: 'Lyon', taxNumber: null },
    });
    expect(statement.quarters.map((q) => q.transactions)).toEqual([1, 0, 1, 1]);
    expect(statement.quarters[2].grossCents).toBe(orders.a2.priceCents - 30_00);
    expect(statement.quarters.every((q) => q.grossCents === q.feesCents + q.netCents)).toBe(true);

    const parser = new PDFParse({ data: new Uint8Array(await renderTaxStatementPdf(statement)) });
    const text = (await parser.getText()).text.replace(/\s+/g, ' ');
    await parser.destroy();
    expect(text).toContain('Récapitulatif annuel des transactions — article 242 bis du CGI');
    expect(text).toContain('Nombre de transactions 3');
    expect(text).toContain(
      `Montant net versé ${new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(ledger.paid / 100).replace(/[\u202f\u00a0]/g, ' ')}`,
    );
  });

  it('gives zeros for a year without paid orders, and the account name without a profile', async () => {
    const empty = await taxStatementOf(ctx(), b.publisherId, 2023);
    expect(empty).toMatchObject({
      transactions: 0,
      grossCents: 0,
      feesCents: 0,
      netCents: 0,
      seller: { name: 'Jeanne Martin', kind: 'individual', taxNumber: '1234567890123' },
    });
    const none = await taxStatementOf(ctx(), c.publisherId, 2025);
    expect(none.seller).toMatchObject({ name: 'Éditeur Test', kind: null, address: '', siret: null });
    expect(none.netCents).toBe((await ledgerOf([orders.c1.id])).paid);
  });
});
