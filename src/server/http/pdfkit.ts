import { createRequire } from 'node:module';
import type PDFKit from 'pdfkit';

// pdfkit (fonts, its layout engine) is loaded on the first PDF, not at every start of the app.
const load = createRequire(import.meta.url);
let PDFDocumentClass: typeof PDFKit | null = null;

/** pdfkit's PDFDocument, loaded on first use: `new PDFDocument(options)` as with pdfkit itself. */
export const PDFDocument = function (options?: PDFKit.PDFDocumentOptions) {
  PDFDocumentClass ??= load('pdfkit') as typeof PDFKit;
  return new PDFDocumentClass(options);
} as unknown as typeof PDFKit;
