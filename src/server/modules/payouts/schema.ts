import { z } from 'zod';
import { ZDay } from '../../http/validation.js';

const trimmed = (max: number) => z.string().trim().min(1, { error: 'Champ obligatoire / required' }).max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

export const ZPublisherKind = z.enum(['individual', 'business']);
export const ZPublisherVatRegime = z.enum(['franchise', 'fr_vat', 'eu_reverse_charge']);
export const ZProofKind = z.enum(['urssaf_vigilance', 'kbis', 'insee']);

export const ZProfileInput = z.object({
  kind: ZPublisherKind,
  legalName: trimmed(200),
  address: trimmed(300),
  postalCode: trimmed(20),
  city: trimmed(100),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, { error: 'Code pays à 2 lettres (FR, BE…) / 2-letter country code (FR, BE…)' }),
  birthDate: ZDay.nullish().transform((v) => v ?? null),
  siret: optionalText(30),
  vatRegime: ZPublisherVatRegime.nullish().transform((v) => v ?? null),
  vatNumber: optionalText(30),
  taxNumber: optionalText(30),
  iban: optionalText(50),
  bic: optionalText(20),
  accountHolder: optionalText(140),
});
export type ProfileInput = z.infer<typeof ZProfileInput>;

export const ZProfile = z.object({
  accountId: z.string(),
  kind: ZPublisherKind,
  legalName: z.string(),
  address: z.string(),
  postalCode: z.string(),
  city: z.string(),
  country: z.string(),
  birthDate: z.string().nullable(),
  siret: z.string().nullable(),
  vatRegime: ZPublisherVatRegime.nullable(),
  vatNumber: z.string().nullable(),
  taxNumber: z.string().nullable(),
  iban: z.string().nullable(),
  bic: z.string().nullable(),
  accountHolder: z.string().nullable(),
  updatedAt: z.string(),
});

export const ZMissing = z.array(z.string());
export const ZProfileView = z.object({ profile: ZProfile.nullable(), completeness: z.object({ missing: ZMissing }) });

export const ZDocumentQuery = z.object({
  kind: ZProofKind,
  issuedOn: ZDay,
  fileName: z.string().trim().min(1).max(200),
});

export const ZDocument = z.object({
  id: z.string(),
  kind: ZProofKind,
  issuedOn: z.string(),
  fileName: z.string(),
  mediaType: z.string(),
  sizeBytes: z.number(),
  status: z.enum(['pending', 'accepted', 'refused', 'replaced']),
  refusalReason: z.string().nullable(),
  validUntil: z.string().nullable(),
  uploadedAt: z.string(),
  reviewedAt: z.string().nullable(),
});
export const ZSupportDocument = ZDocument.extend({ accountId: z.string(), accountName: z.string() });
export const ZDocumentsQuery = z.object({
  status: z.enum(['pending', 'accepted', 'refused', 'replaced']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export const ZReviewBody = z.object({
  decision: z.enum(['accept', 'refuse']),
  reason: z.string().trim().max(1000).optional(),
});

export const ZMandate = z.object({
  id: z.string(),
  version: z.string(),
  acceptedAt: z.string(),
  acceptedBy: z.string(),
  acceptedFrom: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const ZMandateView = z.object({ current: ZMandate.nullable(), version: z.string(), text: z.string() });
export const ZMandateBody = z.object({ accept: z.literal(true), version: z.string().max(20) });

export const ZWithdrawalStatus = z.enum(['requested', 'approved', 'paid', 'refused', 'cancelled']);
export const ZWithdrawal = z.object({
  id: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  amountCents: z.number(),
  status: ZWithdrawalStatus,
  ibanMasked: z.string(),
  bic: z.string(),
  accountHolder: z.string(),
  batchId: z.string().nullable(),
  refusalReason: z.string().nullable(),
  requestedAt: z.string(),
  decidedAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  invoiceId: z.string().nullable(),
  invoiceNumber: z.string().nullable(),
});
export const ZAmountBody = z.object({ amountCents: z.number().int().min(1).max(100_000_000_00) });
export const ZWithdrawalsQuery = z.object({
  status: ZWithdrawalStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export const ZRefuseBody = z.object({ reason: z.string().trim().min(1, { error: 'Indiquez la raison / give the reason' }).max(1000) });

export const ZBatch = z.object({
  id: z.string(),
  reference: z.string(),
  status: z.enum(['approved', 'paid']),
  count: z.number(),
  totalCents: z.number(),
  createdAt: z.string(),
  exportedAt: z.string().nullable(),
  paidAt: z.string().nullable(),
});
export const ZBatchDetail = ZBatch.extend({ withdrawals: z.array(ZWithdrawal) });
export const ZBatchBody = z.object({ withdrawalIds: z.array(z.uuid()).min(1).max(500) });

export const ZBuyerLinkBody = z.object({ email: z.string().trim().max(320), password: z.string().min(1).max(200) });
export const ZBuyerLink = z.object({ buyerAccountId: z.string(), buyerName: z.string() });
export const ZConversion = z.object({ transferId: z.string(), amountCents: z.number(), buyerAccountId: z.string() });

export const ZSelfBilledInvoice = z.object({
  id: z.string(),
  number: z.string(),
  issuedAt: z.string(),
  contestUntil: z.string(),
  subtotalCents: z.number(),
  vatCents: z.number(),
  totalCents: z.number(),
  withdrawalId: z.string(),
});

export const ZSummary = z.object({
  pendingCents: z.number(),
  payableCents: z.number(),
  withdrawingCents: z.number(),
  paidCents: z.number(),
  convertedCents: z.number(),
  debtCents: z.number(),
  lifetimeEarningsCents: z.number(),
  minimumWithdrawalCents: z.number(),
  byMonth: z.array(z.object({ month: z.string(), earnedCents: z.number(), pendingCents: z.number(), paidCents: z.number() })),
  eligibility: z.object({ mayWithdraw: z.boolean(), mayConvert: z.boolean(), missing: ZMissing }),
});

export const ZYearQuery = z.object({ year: z.coerce.number().int().min(2020).max(2100) });
