import { PDFDocument } from '../../http/pdfkit.js';
import { frenchDate } from '../../http/french.js';
import { formatEuros } from '../../http/money.js';
import type { InvoiceLine, Party, VatRegime } from '../../db/types.js';

/** Amounts for the PDF: the standard fonts lack the (narrow) no-break spaces, plain spaces instead. */
export function euros(cents: number): string {
  return formatEuros(cents).replace(/[\u202f\u00a0]/g, ' ');
}

/** « 2 décembre 2026 », « 1er décembre 2026 », the day in Paris. */
export const frDate = (d: Date) => frenchDate(new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }), d);

export const LATE_PAYMENT_MENTIONS = [
  "Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le lendemain de la date d'échéance.",
  'Indemnité forfaitaire pour frais de recouvrement due aux professionnels en cas de retard de paiement : 40 € (articles L441-10 et D441-5 du Code de commerce).',
  "Pas d'escompte pour paiement anticipé.",
];

export type PrintableDocument = {
  title: string;
  number: string;
  issuedAt: Date;
  seller: Party & { rcs?: string | null; capital?: string | null };
  buyer: Party;
  lines: InvoiceLine[];
  vatRegime: VatRegime;
  vatRateBp: number;
  subtotalCents: number;
  vatCents: number;
  totalCents: number;
  paymentTerms: string;
  notes: string[];
  bank?: { iban: string; bic: string; bank: string; reference: string } | null;
};

function partyLines(p: Party & { rcs?: string | null; capital?: string | null }): string[] {
  return [
    p.legalName || p.name,
    ...(p.capital ? [p.capital] : []),
    p.address,
    `${p.postalCode} ${p.city}`,
    p.country === 'FR' ? 'France' : p.country,
    ...(p.siret ? [`${p.siret.length === 9 ? 'SIREN' : 'SIRET'} : ${p.siret}`] : []),
    ...(p.rcs ? [p.rcs] : []),
    ...(p.vatNumber ? [`N° TVA intracommunautaire : ${p.vatNumber}`] : []),
  ];
}

/** Renders an invoice, a credit note or a pro-forma to PDF, with every mention French law asks for. */
export function renderPdf(doc: PrintableDocument): Promise<Buffer> {
  const pdf = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${doc.title} ${doc.number}`, Author: doc.seller.name } });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));

  pdf.font('Helvetica-Bold').fontSize(18).text(doc.title, 50, 50);
  pdf
    .font('Helvetica')
    .fontSize(10)
    .text(`N° ${doc.number}`, 50, 75)
    .text(`Date : ${frDate(doc.issuedAt)}`, 50, 89);

  pdf.font('Helvetica-Bold').fontSize(10).text('Émetteur', 50, 125);
  pdf.font('Helvetica').text(partyLines(doc.seller as Party).join('\n'), 50, 140, { width: 230 });
  pdf.font('Helvetica-Bold').text('Client', 320, 125);
  pdf.font('Helvetica').text(partyLines(doc.buyer).join('\n'), 320, 140, { width: 230 });

  let y = 275;
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
  for (const line of doc.lines) {
    pdf.text(line.label, cols[0], y, { width: 240 });
    pdf.text(String(line.quantity), cols[1], y);
    pdf.text(euros(line.unitPriceCents), cols[2], y);
    pdf.text(euros(line.totalCents), cols[3], y);
    y += 30;
  }
  pdf.moveTo(50, y).lineTo(545, y).stroke();
  y += 10;
  const rate = `${(doc.vatRateBp / 100).toLocaleString('fr-FR')} %`;
  const totals: [string, string][] = [
    ['Total HT', euros(doc.subtotalCents)],
    [`TVA (${rate})`, euros(doc.vatCents)],
    ['Total TTC', euros(doc.totalCents)],
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
  pdf.text(`Conditions de paiement : ${doc.paymentTerms}`, 50, y, { width: 495 });
  if (doc.bank) {
    pdf
      .moveDown(0.5)
      .text(
        `Virement bancaire — ${doc.bank.bank} — IBAN : ${doc.bank.iban} — BIC : ${doc.bank.bic} — Référence de paiement à indiquer : ${doc.bank.reference}`,
        { width: 495 },
      );
  }
  for (const note of [...doc.notes, ...LATE_PAYMENT_MENTIONS]) pdf.moveDown(0.5).text(note, { width: 495 });
  pdf.end();
  return done;
}
