import { PDFDocument } from '../../http/pdfkit.js';
import type { Readable } from 'node:stream';
import type { EffectiveBranding, InventoryLink, Summary } from './service.js';
import { checkResult, frLongDate, frShortDate, pdfEuros, STATE_LABELS } from './labels.js';

export type ReportHeader = {
  branding: EffectiveBranding;
  logo: { content: Buffer; type: string } | null;
  agencyName: string | null;
  clientName: string;
  /** « Projet X », « Campagne Y », « du 1er janvier au 31 mars 2026 » */
  scope: string[];
};

const PAGE = { size: 'A4' as const, layout: 'landscape' as const, margin: 36 };
const COLUMNS = [
  { title: 'URL du lien', width: 160 },
  { title: 'Ancre', width: 90 },
  { title: 'URL cible', width: 130 },
  { title: 'Statut', width: 70 },
  { title: 'Dernier contrôle', width: 105 },
  { title: 'Prix HT', width: 55 },
  { title: 'Commandé le', width: 55 },
  { title: 'Vérifié le', width: 55 },
  { title: 'Fin de garantie', width: 50 },
];

/**
 * A client's report as a PDF, written while the links are read (the document is a stream): the
 * agency's logo, colours and footer at the top and bottom of every page, the figures, then one row
 * per link. The platform's name appears only when the branding says so (not even in the metadata).
 */
export function renderReportPdf(header: ReportHeader, summary: Summary, links: AsyncIterable<InventoryLink>): Readable {
  const b = header.branding;
  const author = header.agencyName ?? header.clientName;
  const pdf = new PDFDocument({
    ...PAGE,
    bufferPages: false,
    info: { Title: `Rapport de liens — ${header.clientName}`, Author: author, Creator: author, Producer: author },
  });
  const left = PAGE.margin;
  const width = pdf.page.width - 2 * PAGE.margin;
  const bottom = () => pdf.page.height - PAGE.margin - 30;

  const footer = () => {
    const y = pdf.page.height - PAGE.margin - 14;
    const text = [b.footerText, b.showPlatformName ? 'Rapport généré avec Maillon' : ''].filter(Boolean).join(' · ');
    pdf
      .save()
      .moveTo(left, y - 6)
      .lineTo(left + width, y - 6)
      .lineWidth(0.5)
      .strokeColor(b.accentColor)
      .stroke()
      .restore();
    if (text) pdf.font('Helvetica').fontSize(8).fillColor('#555555').text(text, left, y, { width, lineBreak: false, height: 10 });
  };

  const tableHeader = (y: number) => {
    pdf.save().rect(left, y, width, 24).fill(b.primaryColor).restore();
    let x = left;
    pdf.font('Helvetica-Bold').fontSize(8).fillColor('#ffffff');
    for (const c of COLUMNS) {
      pdf.text(c.title, x + 3, y + 3, { width: c.width - 6, height: 20 });
      x += c.width;
    }
    pdf.fillColor('#000000');
    return y + 28;
  };

  const fill = async () => {
    let y = PAGE.margin;
    if (header.logo) {
      try {
        pdf.image(header.logo.content, left, y, { fit: [140, 48] });
      } catch {
        // a logo pdfkit cannot draw is left out rather than failing the report
      }
    }
    pdf
      .font('Helvetica-Bold')
      .fontSize(18)
      .fillColor(b.primaryColor)
      .text('Rapport de liens', left + 160, y, { width: width - 160, align: 'right' });
    pdf
      .font('Helvetica')
      .fontSize(11)
      .fillColor('#000000')
      .text(header.clientName, left + 160, y + 24, { width: width - 160, align: 'right' });
    const scope = [...header.scope, `Édité le ${frLongDate(new Date())}`];
    if (header.agencyName) scope.unshift(`Par ${header.agencyName}`);
    pdf
      .fontSize(9)
      .fillColor('#444444')
      .text(scope.join(' · '), left + 160, y + 40, { width: width - 160, align: 'right' });
    y += 70;

    // The figures
    const boxes = [
      ['Liens en ligne', String(summary.live)],
      ['Liens perdus', String(summary.lost)],
      ['Liens à risque', String(summary.atRisk)],
      ['En cours', String(summary.pending)],
      ['Total dépensé (HT)', pdfEuros(summary.spentCents)],
    ];
    const boxWidth = (width - 4 * 10) / boxes.length;
    boxes.forEach(([label, value], i) => {
      const x = left + i * (boxWidth + 10);
      pdf.save().roundedRect(x, y, boxWidth, 46, 4).lineWidth(1).strokeColor(b.accentColor).stroke().restore();
      pdf
        .font('Helvetica')
        .fontSize(9)
        .fillColor('#444444')
        .text(label, x + 8, y + 7, { width: boxWidth - 16 });
      pdf
        .font('Helvetica-Bold')
        .fontSize(15)
        .fillColor(b.primaryColor)
        .text(value, x + 8, y + 22, { width: boxWidth - 16 });
    });
    pdf.fillColor('#000000');
    y += 62;

    footer();
    y = tableHeader(y);
    let count = 0;
    for await (const l of links) {
      const cells = [
        l.liveUrl ?? '—',
        l.anchor,
        l.targetUrl,
        STATE_LABELS[l.state],
        l.lastCheck ? `${frShortDate(l.lastCheck.at)} ${checkResult(l.lastCheck)}` : '—',
        pdfEuros(l.priceCents),
        frShortDate(l.orderedAt),
        frShortDate(l.verifiedAt),
        frShortDate(l.guaranteeEndsAt),
      ];
      pdf.font('Helvetica').fontSize(8);
      const height = Math.max(...cells.map((c, i) => pdf.heightOfString(c, { width: COLUMNS[i].width - 6 }))) + 6;
      if (y + height > bottom()) {
        pdf.addPage(PAGE);
        footer();
        y = tableHeader(PAGE.margin);
        pdf.font('Helvetica').fontSize(8);
      }
      if (count % 2 === 1)
        pdf
          .save()
          .rect(left, y - 2, width, height)
          .fill('#f3f4f6')
          .restore();
      let x = left;
      cells.forEach((c, i) => {
        pdf.fillColor(i === 3 && (l.state === 'lost' || l.state === 'at_risk' || l.state === 'claimed') ? '#c92a2a' : '#000000');
        pdf.text(c, x + 3, y + 1, { width: COLUMNS[i].width - 6 });
        x += COLUMNS[i].width;
      });
      pdf.fillColor('#000000');
      y += height;
      count += 1;
    }
    if (count === 0)
      pdf
        .font('Helvetica-Oblique')
        .fontSize(10)
        .text('Aucun lien sur cette période.', left, y + 6, { width });
    pdf.end();
  };
  fill().catch((error: Error) => pdf.destroy(error));
  return pdf;
}
