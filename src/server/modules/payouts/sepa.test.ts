import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildSepaCreditTransfer, sepaAmount, toSepaText, type SepaCreditTransferInput, type SepaTransfer } from './sepa.js';

// The SEPA credit-transfer file, read back with an XML parser as a bank would read it.

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => name === 'CdtTrfTxInf',
});

type Parsed = {
  Document: {
    '@xmlns': string;
    CstmrCdtTrfInitn: {
      GrpHdr: { MsgId: string; CreDtTm: string; NbOfTxs: string; CtrlSum: string; InitgPty: { Nm: string } };
      PmtInf: {
        PmtInfId: string;
        PmtMtd: string;
        BtchBookg: string;
        NbOfTxs: string;
        CtrlSum: string;
        ReqdExctnDt: string;
        Dbtr: { Nm: string };
        DbtrAcct: { Id: { IBAN: string } };
        DbtrAgt: { FinInstnId: { BIC: string } };
        CdtTrfTxInf: {
          PmtId: { InstrId: string; EndToEndId: string };
          Amt: { InstdAmt: { '#text': string; '@Ccy': string } };
          CdtrAgt?: { FinInstnId: { BIC: string } };
          Cdtr: { Nm: string };
          CdtrAcct: { Id: { IBAN: string } };
          RmtInf: { Ustrd: string };
        }[];
      };
    };
  };
};

const parse = (xml: string) => (parser.parse(xml) as Parsed).Document;

const transfer = (over: Partial<SepaTransfer> = {}): SepaTransfer => ({
  endToEndId: 'RET-2026-000001',
  creditorName: 'Jeanne Martin',
  iban: 'FR7630006000011234567890189',
  bic: 'AGRIFRPP882',
  amountCents: 123_45,
  remittance: 'Maillon retrait RET-2026-000001',
  ...over,
});

const batch = (transfers: SepaTransfer[], over: Partial<SepaCreditTransferInput> = {}): SepaCreditTransferInput => ({
  reference: 'VIR-2026-12-02-001',
  // 23:30 UTC on 2 December is 00:30 on 3 December in Paris.
  createdAt: new Date('2026-12-02T23:30:15Z'),
  executionDate: '2026-12-04',
  debtor: { name: 'Maillon SAS', iban: 'FR76 3000 4000 0312 3456 7890 143', bic: 'BNPAFRPPXXX' },
  transfers,
  ...over,
});

describe('buildSepaCreditTransfer', () => {
  it('writes a pain.001.001.03 file whose header, block and transactions add up', () => {
    const transfers = [
      transfer(),
      transfer({
        endToEndId: 'RET-2026-000002',
        creditorName: 'Hans Müller',
        iban: 'DE89370400440532013000',
        bic: 'COBADEFFXXX',
        amountCents: 10,
      }),
      transfer({
        endToEndId: 'RET-2026-000003',
        creditorName: 'Blog Cuisine SARL',
        iban: 'BE68539007547034',
        bic: '',
        amountCents: 20,
      }),
      transfer({
        endToEndId: 'RET-2026-000004',
        creditorName: 'Ana García',
        iban: 'ES9121000418450200051332',
        bic: 'CAIXESBBXXX',
        amountCents: 1_000_000_00,
      }),
    ];
    const xml = buildSepaCreditTransfer(batch(transfers));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const doc = parse(xml);
    expect(doc['@xmlns']).toBe('urn:iso:std:iso:20022:tech:xsd:pain.001.001.03');
    const { GrpHdr, PmtInf } = doc.CstmrCdtTrfInitn;
    // 1 000 123,75 €, summed in cents.
    expect(GrpHdr).toMatchObject({
      MsgId: 'VIR-2026-12-02-001',
      NbOfTxs: '4',
      CtrlSum: '1000123.75',
      InitgPty: { Nm: 'Maillon SAS' },
    });
    expect(GrpHdr.CreDtTm).toBe('2026-12-03T00:30:15');
    expect(PmtInf).toMatchObject({
      PmtInfId: 'VIR-2026-12-02-001',
      PmtMtd: 'TRF',
      BtchBookg: 'true',
      NbOfTxs: '4',
      CtrlSum: '1000123.75',
      ReqdExctnDt: '2026-12-04',
      Dbtr: { Nm: 'Maillon SAS' },
      DbtrAcct: { Id: { IBAN: 'FR7630004000031234567890143' } },
      DbtrAgt: { FinInstnId: { BIC: 'BNPAFRPPXXX' } },
    });
    expect(PmtInf.CdtTrfTxInf).toHaveLength(4);
    PmtInf.CdtTrfTxInf.forEach((tx, i) => {
      const t = transfers[i];
      expect(tx.PmtId).toEqual({ InstrId: `VIR-2026-12-02-001.${i}`, EndToEndId: t.endToEndId });
      expect(tx.Amt.InstdAmt).toEqual({ '#text': sepaAmount(t.amountCents), '@Ccy': 'EUR' });
      expect(tx.CdtrAcct.Id.IBAN).toBe(t.iban);
      if (t.bic) expect(tx.CdtrAgt!.FinInstnId.BIC).toBe(t.bic);
      else expect(tx.CdtrAgt).toBeUndefined();
      expect(tx.RmtInf.Ustrd).toBe(t.remittance);
    });
    expect(PmtInf.CdtTrfTxInf.map((t) => t.Cdtr.Nm)).toEqual(['Jeanne Martin', 'Hans Muller', 'Blog Cuisine SARL', 'Ana Garcia']);
    expect(PmtInf.CdtTrfTxInf.map((t) => t.Amt.InstdAmt['#text'])).toEqual(['123.45', '0.10', '0.20', '1000000.00']);
  });

  it('sums the control sum in cents: 0,10 € + 0,20 € is 0,30 €, and many small amounts stay exact', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    const two = parse(
      buildSepaCreditTransfer(batch([transfer({ amountCents: 10 }), transfer({ endToEndId: 'RET-2', amountCents: 20 })])),
    );
    expect(two.CstmrCdtTrfInitn.GrpHdr.CtrlSum).toBe('0.30');
    expect(two.CstmrCdtTrfInitn.PmtInf.CtrlSum).toBe('0.30');
    // 500 transfers of amounts whose float sum drifts: the control sum is the exact one.
    const many = Array.from({ length: 500 }, (_, i) =>
      transfer({ endToEndId: `RET-${i + 1}`, amountCents: 1_01 + ((i * 37) % 1_000) * 7 }),
    );
    const cents = many.reduce((s, t) => s + t.amountCents, 0);
    const floats = many.reduce((s, t) => s + t.amountCents / 100, 0);
    const doc = parse(buildSepaCreditTransfer(batch(many)));
    expect(doc.CstmrCdtTrfInitn.GrpHdr).toMatchObject({ NbOfTxs: '500', CtrlSum: sepaAmount(cents) });
    expect(doc.CstmrCdtTrfInitn.PmtInf.CtrlSum).toBe(sepaAmount(cents));
    expect(sepaAmount(cents)).toBe(`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
    expect(floats === cents / 100).toBe(false);
  });

  it('transliterates names and remittances to the SEPA Latin character set and cuts them', () => {
    expect(toSepaText('Éditions Dupont & Fils – Ça', 70)).toBe('Editions Dupont + Fils - Ca');
    expect(toSepaText('L’Œuf de Cœur « bio » — Ærø straße', 70)).toBe("L'OEuf de Coeur bio - AEro strasse");
    expect(toSepaText('Zoë Ñúñez\u00a0Łódź   ™ 日本', 70)).toBe('Zoe Nunez Lodz');
    expect(toSepaText('A'.repeat(80), 70)).toHaveLength(70);
    const long = `Retrait ${'très long '.repeat(20)}`;
    const xml = buildSepaCreditTransfer(
      batch([transfer({ creditorName: `Éditions Dupont & Fils – Ça ${'x'.repeat(80)}`, remittance: long })], {
        debtor: { name: 'Maillon — Plateforme d’édition', iban: 'FR7630004000031234567890143', bic: 'BNPAFRPPXXX' },
      }),
    );
    const doc = parse(xml);
    const tx = doc.CstmrCdtTrfInitn.PmtInf.CdtTrfTxInf[0];
    expect(tx.Cdtr.Nm.startsWith('Editions Dupont + Fils - Ca x')).toBe(true);
    expect(tx.Cdtr.Nm.length).toBeLessThanOrEqual(70);
    expect(tx.RmtInf.Ustrd.length).toBeLessThanOrEqual(140);
    expect(tx.RmtInf.Ustrd.startsWith('Retrait tres long')).toBe(true);
    expect(doc.CstmrCdtTrfInitn.PmtInf.Dbtr.Nm).toBe("Maillon - Plateforme d'edition");
    expect(doc.CstmrCdtTrfInitn.GrpHdr.InitgPty.Nm).toBe("Maillon - Plateforme d'edition");
    // Every text of the file is in the set (the apostrophe escaped by the XML writer).
    for (const [, text] of xml.matchAll(/<(?:Nm|Ustrd)>([^<]*)</g))
      expect(text.replace(/&apos;/g, "'")).toMatch(/^[A-Za-z0-9/\-?:().,'+ ]*$/);
  });

  it('takes an instant as its day in Paris for the execution date', () => {
    const doc = parse(buildSepaCreditTransfer(batch([transfer()], { executionDate: new Date('2026-12-04T23:15:00Z') })));
    expect(doc.CstmrCdtTrfInitn.PmtInf.ReqdExctnDt).toBe('2026-12-05');
  });

  it('refuses an empty batch and what a bank would reject', () => {
    expect(() => buildSepaCreditTransfer(batch([]))).toThrow(/at least one/);
    expect(() => buildSepaCreditTransfer(batch([transfer()], { reference: 'VIR-'.repeat(8) }))).toThrow(/reference/);
    expect(() => buildSepaCreditTransfer(batch([transfer({ amountCents: 0 })]))).toThrow(/amountCents/);
    expect(() => buildSepaCreditTransfer(batch([transfer({ amountCents: 12.5 })]))).toThrow(/amountCents/);
    expect(() => buildSepaCreditTransfer(batch([transfer({ amountCents: -100 })]))).toThrow(/amountCents/);
    expect(() => buildSepaCreditTransfer(batch([transfer(), transfer()]))).toThrow(/twice/);
    expect(() => buildSepaCreditTransfer(batch([transfer({ endToEndId: 'RET/É' })]))).toThrow(/endToEndId/);
    expect(() => buildSepaCreditTransfer(batch([transfer({ endToEndId: 'x'.repeat(36) })]))).toThrow(/endToEndId/);
    expect(() => buildSepaCreditTransfer(batch([transfer({ iban: 'FR7630006000011234567890180' })]))).toThrow(/IBAN/);
    expect(() => buildSepaCreditTransfer(batch([transfer({ creditorName: '日本' })]))).toThrow(/name/);
    expect(() => buildSepaCreditTransfer(batch([transfer()], { executionDate: '04/12/2026' }))).toThrow(/YYYY-MM-DD/);
  });
});
