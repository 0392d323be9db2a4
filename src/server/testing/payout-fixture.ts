import PDFDocument from 'pdfkit';
import type { Client } from './harness.js';

/** A fictitious SIRET whose Luhn sum is right, and the French VAT number of its SIREN. */
export const TEST_SIRET = '81234567800005';
export const TEST_VAT_NUMBER = `FR${String((12 + 3 * (812345678 % 97)) % 97).padStart(2, '0')}812345678`;
export const TEST_IBAN = 'FR7630006000011234567890189';
export const TEST_BIC = 'AGRIFRPPXXX';

export const BUSINESS_PROFILE = {
  kind: 'business',
  legalName: 'Éditions du Fournil SARL',
  address: '12 rue des Boulangers',
  postalCode: '75005',
  city: 'Paris',
  country: 'FR',
  siret: TEST_SIRET,
  vatRegime: 'franchise',
  vatNumber: null,
  taxNumber: null,
  iban: 'FR76 3000 6000 0112 3456 7890 189',
  bic: TEST_BIC,
  accountHolder: 'Éditions du Fournil SARL',
} as const;

export const INDIVIDUAL_PROFILE = {
  kind: 'individual',
  legalName: 'Julie Martin',
  address: '3 allée des Tilleuls',
  postalCode: '33000',
  city: 'Bordeaux',
  country: 'FR',
  birthDate: '1988-04-12',
  taxNumber: '1234567890123',
} as const;

/** A small real PDF, as an attestation would be. */
export function samplePdf(text = 'Attestation de vigilance URSSAF'): Promise<Buffer> {
  const pdf = new PDFDocument({ size: 'A4' });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));
  pdf.text(text);
  pdf.end();
  return done;
}

/** A 1×1 PNG. */
export const SAMPLE_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export const todayDay = () => new Date().toISOString().slice(0, 10);

/** Uploads a proof as the web does: the raw file as the body, its facts in the query. */
export function uploadProof(client: Client, file: Buffer, options: { kind?: string; issuedOn?: string; type?: string; name?: string } = {}) {
  const query = new URLSearchParams({ kind: options.kind ?? 'urssaf_vigilance', issuedOn: options.issuedOn ?? todayDay(), fileName: options.name ?? 'attestation.pdf' });
  return client.request('POST', `/api/publisher/documents?${query}`, file, { 'content-type': options.type ?? 'application/pdf' });
}

/**
 * Makes a publisher payable: a business profile, an URSSAF attestation accepted by support, the
 * self-billing mandate. Returns the accepted document's id.
 */
export async function makePayable(publisher: Client, support: Client, profile: Record<string, unknown> = BUSINESS_PROFILE): Promise<string> {
  const saved = await publisher.put('/api/publisher/profile', profile);
  if (saved.status !== 200) throw new Error(`profile failed: ${JSON.stringify(saved.body)}`);
  const uploaded = await uploadProof(publisher, await samplePdf());
  if (uploaded.status !== 201) throw new Error(`upload failed: ${JSON.stringify(uploaded.body)}`);
  const reviewed = await support.post(`/api/support/publisher-documents/${uploaded.body.id}/review`, { decision: 'accept' });
  if (reviewed.status !== 200) throw new Error(`review failed: ${JSON.stringify(reviewed.body)}`);
  const mandate = await publisher.get('/api/publisher/mandate');
  const accepted = await publisher.post('/api/publisher/mandate', { accept: true, version: mandate.body.version });
  if (accepted.status !== 201) throw new Error(`mandate failed: ${JSON.stringify(accepted.body)}`);
  return uploaded.body.id as string;
}
