import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import type { Party } from '../../db/types.js';
import {
  TAX_REMINDER,
  renderSelfBilledInvoicePdf,
  renderTaxStatementPdf,
  type SelfBilledInvoiceDoc,
  type TaxStatement,
} from './pdf.js';

// The payouts' PDFs, read back as text.

async function textOf(pdf: Buffer): Promise<string> {
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  const text = (await parser.getText()).text.replace(/\s+/g, ' ');
  await parser.destroy();
  return text;
}

const platform: Party = {
  name: 'Maillon',
  legalName: 'Maillon SAS',
  address: '10 rue de la Paix',
  postalCode: '75002',
  city: 'Paris',
  country: 'FR',
  siret: '81234567800012',
  vatNumber: 'FR40812345678',
};

const publisher: Party = {
  name: 'Éditions Dupont & Fils',
  legalName: 'Éditions Dupont & Fils SARL',
  address: '3 quai Saint-Antoine',
  postalCode: '69002',
  city: 'Lyon',
  country: 'FR',
  siret: '73282932000074',
  vatNumber: null,
};

const invoice = (over: Partial<SelfBilledInvoiceDoc> = {}): SelfBilledInvoiceDoc => ({
  number: 'AF-73282932-000007',
  issuedAt: new Date('2026-12-02T10:00:00Z'),
  contestUntil: new Date('2027-01-01T10:00:00Z'),
  seller: publisher,
  buyer: platform,
  lines: [
    {
      label: 'Publication d’articles sponsorisés — commandes réglées (retrait RET-2026-000042)',
      quantity: 1,
      unitPriceCents: 1_234_56,
      totalCents: 1_234_56,
    },
  ],
  vatRegime: 'franchise',
  vatRateBp: 0,
  subtotalCents: 1_234_56,
  vatCents: 0,
  totalCents: 1_234_56,
  vatMention: 'TVA non applicable, art. 293 B du CGI',
  mandateVersion: '2026-12',
  mandateAcceptedAt: new Date('2026-11-15T09:30:00Z'),
  withdrawalReference: 'RET-2026-000042',
  ...over,
});

describe('the self-billed invoice', () => {
  it('prints the self-billing mentions, the number, the parties and the amounts in French', async () => {
    const text = await textOf(await renderSelfBilledInvoicePdf(invoice()));
    for (const expected of [
      'Facture — Autofacturation',
      'N° AF-73282932-000007',
      'Date : 2 décembre 2026',
      'Facture émise par Maillon SAS au nom et pour le compte d’Éditions Dupont & Fils SARL.',
      'TVA non applicable, art. 293 B du CGI',
      'mandat d’autofacturation version 2026-12, accepté par Éditions Dupont & Fils SARL le 15 novembre 2026',
      'Vous disposez d’un délai de 30 jours (jusqu’au 1er janvier 2027) pour contester cette facture',
      'RET-2026-000042',
      'SIRET : 73282932000074',
      'SIRET : 81234567800012',
      'N° TVA intracommunautaire : FR40812345678',
      '3 quai Saint-Antoine',
      'Total HT 1 234,56 €',
      'TVA (0 %) 0,00 €',
      'Total TTC 1 234,56 €',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('prints French VAT at 20 % and the reverse-charge mention', async () => {
    const vat = await textOf(
      await renderSelfBilledInvoicePdf(
        invoice({
          vatRegime: 'fr_vat',
          vatRateBp: 2000,
          subtotalCents: 1_000_00,
          vatCents: 200_00,
          totalCents: 1_200_00,
          vatMention: 'TVA au taux normal de 20 %',
          lines: [{ label: 'Articles', quantity: 3, unitPriceCents: 333_33, totalCents: 1_000_00 }],
        }),
      ),
    );
    expect(vat).toContain('TVA (20 %) 200,00 €');
    expect(vat).toContain('Total TTC 1 200,00 €');
    expect(vat).toContain('333,33 €');
    const reverse = await textOf(
      await renderSelfBilledInvoicePdf(
        invoice({ vatRegime: 'eu_reverse_charge', vatMention: 'Autoliquidation — article 196 de la directive 2006/112/CE' }),
      ),
    );
    expect(reverse).toContain('Autoliquidation — article 196 de la directive 2006/112/CE');
  });

  it('keeps every line when there are many', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({
      label: `Commande n° ${i + 1}`,
      quantity: 1,
      unitPriceCents: 10_00,
      totalCents: 10_00,
    }));
    const text = await textOf(await renderSelfBilledInvoicePdf(invoice({ lines, subtotalCents: 600_00, totalCents: 600_00 })));
    expect(text).toContain('Commande n° 1 ');
    expect(text).toContain('Commande n° 60');
    expect(text).toContain('Total TTC 600,00 €');
    expect(text).toContain('pour contester cette facture');
  });
});

describe('the yearly statement (article 242 bis CGI)', () => {
  const statement: TaxStatement = {
    year: 2026,
    issuedAt: new Date('2027-01-15T09:00:00Z'),
    platform,
    seller: {
      name: 'Jeanne Martin',
      kind: 'individual',
      address: '8 rue des Lilas',
      postalCode: '33000',
      city: 'Bordeaux',
      country: 'FR',
      siret: null,
      taxNumber: '1234567890123',
    },
    transactions: 7,
    grossCents: 1_600_00,
    feesCents: 400_00,
    netCents: 1_200_00,
    quarters: [
      { quarter: 1, transactions: 2, grossCents: 400_00, feesCents: 100_00, netCents: 300_00 },
      { quarter: 2, transactions: 0, grossCents: 0, feesCents: 0, netCents: 0 },
      { quarter: 3, transactions: 1, grossCents: 200_00, feesCents: 50_00, netCents: 150_00 },
      { quarter: 4, transactions: 4, grossCents: 1_000_00, feesCents: 250_00, netCents: 750_00 },
    ],
  };

  it('prints the title, both parties, the year’s figures and each quarter in French format', async () => {
    const text = await textOf(await renderTaxStatementPdf(statement));
    for (const expected of [
      'Récapitulatif annuel des transactions — article 242 bis du CGI',
      'Année 2026',
      'Établi le 15 janvier 2027',
      'Maillon SAS',
      'Jeanne Martin',
      '33000 Bordeaux',
      'Numéro fiscal : 1234567890123',
      'Nombre de transactions 7',
      '1 600,00 €',
      'Commissions retenues par la plateforme 400,00 €',
      'Montant net versé 1 200,00 €',
      'T1 2 400,00 € 100,00 € 300,00 €',
      'T2 0 0,00 € 0,00 € 0,00 €',
      'T4 4 1 000,00 € 250,00 € 750,00 €',
      'Vos obligations fiscales et sociales',
      'www.impots.gouv.fr',
      'www.urssaf.fr',
    ]) {
      expect(text).toContain(expected);
    }
    for (const line of TAX_REMINDER) expect(text).toContain(line.slice(0, 60));
    // An individual has no SIRET: only the platform's is printed.
    expect(text.slice(text.indexOf('Vendeur'), text.indexOf('Sur l’année'))).not.toContain('SIRET');
  });

  it('prints the SIRET of a business seller', async () => {
    const text = await textOf(
      await renderTaxStatementPdf({
        ...statement,
        seller: { ...statement.seller, kind: 'business', name: 'Blog Cuisine SARL', siret: '73282932000074', taxNumber: null },
      }),
    );
    expect(text).toContain('SIRET : 73282932000074');
    expect(text).not.toContain('Numéro fiscal');
  });
});
