import { PDFDocument } from '../../http/pdfkit.js';
import type { InvoiceLine, Party, PublisherKind, PublisherVatRegime } from '../../db/types.js';
import { de, frenchDate as withFirstOfMonth } from '../../http/french.js';
import { formatEuros } from '../../http/money.js';

/**
 * The payouts' PDFs: the self-billed invoice of each paid withdrawal (the platform invoices itself
 * in the publisher's name, under the publisher's self-billing mandate, art. 289 I-2 CGI) and the
 * yearly statement of article 242 bis CGI. Texts in French, amounts as "1 234,56 €".
 */

/** Amounts for the PDF: the standard fonts lack the narrow no-break space, plain spaces instead. */
export function pdfEuros(cents: number): string {
  return formatEuros(cents).replace(/[\u202f\u00a0]/g, ' ');
}

/** "2 décembre 2026", "1er décembre 2026", the day in Paris. */
export function frenchDate(d: Date): string {
  return withFirstOfMonth(new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }), d);
}

export type SelfBilledInvoiceDoc = {
  number: string;
  issuedAt: Date;
  contestUntil: Date;
  /** the publisher, who supplies the service and in whose name the invoice is issued */
  seller: Party;
  /** the platform (config.seller), who buys it and issues the invoice */
  buyer: Party;
  lines: InvoiceLine[];
  vatRegime: PublisherVatRegime;
  vatRateBp: number;
  subtotalCents: number;
  vatCents: number;
  totalCents: number;
  /** e.g. "TVA non applicable, art. 293 B du CGI" or "Autoliquidation" */
  vatMention: string;
  mandateVersion: string;
  mandateAcceptedAt: Date;
  withdrawalReference: string;
};

export type TaxStatementQuarter = {
  quarter: 1 | 2 | 3 | 4;
  transactions: number;
  grossCents: number;
  feesCents: number;
  netCents: number;
};

export type TaxStatement = {
  year: number;
  issuedAt: Date;
  /** the platform (config.seller) */
  platform: Party;
  seller: {
    name: string;
    kind: PublisherKind | null;
    address: string;
    postalCode: string;
    city: string;
    country: string;
    siret: string | null;
    taxNumber: string | null;
  };
  /** orders paid in the year (completed, refunded ones deducted) */
  transactions: number;
  /** what buyers paid for them: price − refunds */
  grossCents: number;
  /** the platform's commission on them */
  feesCents: number;
  /** what the publisher received: gross − fees */
  netCents: number;
  quarters: TaxStatementQuarter[];
};

const country = (code: string) => (code === 'FR' ? 'France' : code);

function partyLines(p: Party): string[] {
  return [
    p.legalName || p.name,
    p.address,
    `${p.postalCode} ${p.city}`,
    country(p.country),
    ...(p.siret ? [`${p.siret.length === 9 ? 'SIREN' : 'SIRET'} : ${p.siret}`] : []),
    ...(p.vatNumber ? [`N° TVA intracommunautaire : ${p.vatNumber}`] : []),
  ];
}

function open(title: string, author: string) {
  const pdf = new PDFDocument({ size: 'A4', margin: 50, info: { Title: title, Author: author } });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  return { pdf, done };
}

const rate = (bp: number) => `${(bp / 100).toLocaleString('fr-FR')} %`;

/** The self-billed invoice of a withdrawal, with the mentions self-billing requires. */
export function renderSelfBilledInvoicePdf(invoice: SelfBilledInvoiceDoc): Promise<Buffer> {
  const platform = invoice.buyer.legalName || invoice.buyer.name;
  const publisher = invoice.seller.legalName || invoice.seller.name;
  const { pdf, done } = open(`Facture ${invoice.number}`, platform);

  pdf.font('Helvetica-Bold').fontSize(18).text('Facture — Autofacturation', 50, 50);
  pdf
    .font('Helvetica')
    .fontSize(10)
    .text(`N° ${invoice.number}`, 50, 78)
    .text(`Date : ${frenchDate(invoice.issuedAt)}`, 50, 92)
    .text(`Retrait : ${invoice.withdrawalReference}`, 50, 106);

  pdf.font('Helvetica-Bold').text('Fournisseur (au nom duquel la facture est émise)', 50, 135, { width: 240 });
  pdf.font('Helvetica').text(partyLines(invoice.seller).join('\n'), 50, 162, { width: 240 });
  pdf.font('Helvetica-Bold').text('Client (émetteur de la facture)', 320, 135, { width: 225 });
  pdf.font('Helvetica').text(partyLines(invoice.buyer).join('\n'), 320, 162, { width: 225 });

  let y = 270;
  pdf
    .font('Helvetica-Oblique')
    .text(`Facture émise par ${platform} au nom et pour le compte ${de(publisher)}.`, 50, y, { width: 495 });
  y = pdf.y + 16;

  const cols = [50, 300, 370, 460];
  pdf.font('Helvetica-Bold');
  ['Désignation', 'Quantité', 'Prix unitaire HT', 'Total HT'].forEach((h, i) =>
    pdf.text(h, cols[i], y, { width: i === 0 ? 240 : 90 }),
  );
  pdf
    .moveTo(50, y + 14)
    .lineTo(545, y + 14)
    .stroke();
  pdf.font('Helvetica');
  y += 22;
  for (const line of invoice.lines) {
    if (y > 700) {
      pdf.addPage();
      y = 50;
    }
    pdf.text(line.label, cols[0], y, { width: 240 });
    const bottom = pdf.y;
    pdf.text(String(line.quantity), cols[1], y);
    pdf.text(pdfEuros(line.unitPriceCents), cols[2], y);
    pdf.text(pdfEuros(line.totalCents), cols[3], y);
    y = Math.max(bottom, y + 14) + 8;
  }
  if (y > 640) {
    pdf.addPage();
    y = 50;
  }
  pdf.moveTo(50, y).lineTo(545, y).stroke();
  y += 10;
  const totals: [string, string][] = [
    ['Total HT', pdfEuros(invoice.subtotalCents)],
    [`TVA (${rate(invoice.vatRateBp)})`, pdfEuros(invoice.vatCents)],
    ['Total TTC', pdfEuros(invoice.totalCents)],
  ];
  for (const [label, value] of totals) {
    pdf
      .font(label === 'Total TTC' ? 'Helvetica-Bold' : 'Helvetica')
      .text(label, 340, y)
      .text(value, 460, y);
    y += 16;
  }
  y += 14;
  pdf.font('Helvetica').fontSize(9);
  pdf.text(invoice.vatMention, 50, y, { width: 495 });
  for (const note of [
    `Autofacturation : facture établie par ${platform} en application du mandat d’autofacturation version ${invoice.mandateVersion}, accepté par ${publisher} le ${frenchDate(invoice.mandateAcceptedAt)} (article 289, I-2 du code général des impôts).`,
    `Vous disposez d’un délai de 30 jours (jusqu’au ${frenchDate(invoice.contestUntil)}) pour contester cette facture ; passé ce délai, elle est réputée acceptée.`,
    `Montant réglé par virement SEPA sur le compte du fournisseur (retrait ${invoice.withdrawalReference}).`,
  ]) {
    pdf.moveDown(0.5).text(note, { width: 495 });
  }
  pdf.end();
  return done;
}

/** The reminder article 242 bis CGI asks platforms to give their sellers, with the administrations’ sites. */
export const TAX_REMINDER = [
  'Les sommes que vous percevez par l’intermédiaire de la plateforme sont des revenus : il vous appartient de les déclarer à l’administration fiscale et, le cas échéant, de payer les cotisations sociales correspondantes auprès de l’URSSAF.',
  'Vos obligations fiscales sont présentées sur www.impots.gouv.fr (rubrique « Particulier » ou « Professionnel », « Je vends ou je loue des biens, je fournis des services sur internet ») ; vos obligations sociales sur www.urssaf.fr et, pour les micro-entrepreneurs, www.autoentrepreneur.urssaf.fr.',
  'Ce récapitulatif est établi en application de l’article 242 bis du code général des impôts. Les mêmes informations sont transmises à l’administration fiscale (directive (UE) 2021/514, dite « DAC7 »).',
];

/** The yearly statement of a publisher's transactions (article 242 bis CGI). */
export function renderTaxStatementPdf(statement: TaxStatement): Promise<Buffer> {
  const platform = statement.platform.legalName || statement.platform.name;
  const { pdf, done } = open(`Récapitulatif annuel ${statement.year} — ${statement.seller.name}`, platform);

  pdf
    .font('Helvetica-Bold')
    .fontSize(16)
    .text('Récapitulatif annuel des transactions — article 242 bis du CGI', 50, 50, { width: 495 });
  pdf
    .font('Helvetica')
    .fontSize(10)
    .moveDown(0.5)
    .text(`Année ${statement.year} (du 1er janvier au 31 décembre ${statement.year}, heure de Paris)`)
    .text(`Établi le ${frenchDate(statement.issuedAt)}`);

  let y = pdf.y + 20;
  pdf.font('Helvetica-Bold').text('Plateforme', 50, y);
  pdf.font('Helvetica').text(partyLines(statement.platform).join('\n'), 50, y + 15, { width: 230 });
  const s = statement.seller;
  pdf.font('Helvetica-Bold').text('Vendeur', 320, y);
  pdf
    .font('Helvetica')
    .text(
      [
        s.name,
        s.address,
        `${s.postalCode} ${s.city}`,
        country(s.country),
        ...(s.siret ? [`SIRET : ${s.siret}`] : []),
        ...(s.taxNumber ? [`Numéro fiscal : ${s.taxNumber}`] : []),
      ].join('\n'),
      320,
      y + 15,
      { width: 225 },
    );

  y = Math.max(pdf.y, y + 110) + 20;
  pdf.font('Helvetica-Bold').text('Sur l’année', 50, y);
  y += 18;
  const summary: [string, string][] = [
    ['Nombre de transactions', String(statement.transactions)],
    ['Montant brut des transactions (payé par les acheteurs, remboursements déduits)', pdfEuros(statement.grossCents)],
    ['Commissions retenues par la plateforme', pdfEuros(statement.feesCents)],
    ['Montant net versé', pdfEuros(statement.netCents)],
  ];
  pdf.font('Helvetica');
  for (const [label, value] of summary) {
    pdf.text(label, 50, y, { width: 360 });
    pdf.text(value, 420, y, { width: 125, align: 'right' });
    y += 18;
  }

  y += 14;
  pdf.font('Helvetica-Bold').text('Par trimestre', 50, y);
  y += 18;
  const cols = [50, 150, 250, 350, 450];
  ['Trimestre', 'Transactions', 'Brut', 'Commissions', 'Net'].forEach((h, i) =>
    pdf.text(h, cols[i], y, { width: 95, align: i === 0 ? 'left' : 'right' }),
  );
  pdf
    .moveTo(50, y + 14)
    .lineTo(545, y + 14)
    .stroke();
  y += 22;
  pdf.font('Helvetica');
  for (const q of statement.quarters) {
    [`T${q.quarter}`, String(q.transactions), pdfEuros(q.grossCents), pdfEuros(q.feesCents), pdfEuros(q.netCents)].forEach(
      (v, i) => pdf.text(v, cols[i], y, { width: 95, align: i === 0 ? 'left' : 'right' }),
    );
    y += 16;
  }

  y += 20;
  pdf.font('Helvetica-Bold').text('Vos obligations fiscales et sociales', 50, y);
  pdf.font('Helvetica').fontSize(9);
  pdf.moveDown(0.3);
  for (const line of TAX_REMINDER) pdf.moveDown(0.5).text(line, 50, undefined, { width: 495 });
  pdf.end();
  return done;
}
