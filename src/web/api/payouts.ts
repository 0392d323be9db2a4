// The payouts part of the typed client (issue 11): the publisher's earnings and withdrawals, its
// billing profile, proofs of registration and self-billing mandate, self-billed invoices and tax
// statements, conversion into credits; support's review of documents, withdrawal batches (SEPA
// file) and the DAC7 export. Kept apart from marketplace.ts so that the two stay small.
//
// Types are inferred from the server's zod schemas (types only).
import type { z } from 'zod';
import type {
  ZBatch,
  ZBatchDetail,
  ZBuyerLink,
  ZConversion,
  ZDocument,
  ZMandate,
  ZMandateView,
  ZProfile,
  ZProfileInput,
  ZProfileView,
  ZProofKind,
  ZPublisherKind,
  ZPublisherVatRegime,
  ZSelfBilledInvoice,
  ZSummary,
  ZSupportDocument,
  ZWithdrawal,
  ZWithdrawalStatus,
} from '../../server/modules/payouts/schema';
import type { EarningState, PublisherEarningOrder } from '../../server/modules/orders/earnings';
import { api, request } from './client';

export type MissingCode =
  | 'profile_missing'
  | 'business_only'
  | 'siret_missing'
  | 'vat_regime_missing'
  | 'vat_number_missing'
  | 'tax_number_missing'
  | 'birth_date_missing'
  | 'iban_missing'
  | 'mandate_missing'
  | 'proof_missing'
  | 'proof_expired'
  | 'proof_kind_insufficient'
  | 'withdrawal_open'
  | 'below_minimum'
  | 'debt_open'
  | 'buyer_link_missing'
  | 'nothing_available';

export const MISSING_CODES: readonly MissingCode[] = [
  'profile_missing',
  'business_only',
  'siret_missing',
  'vat_regime_missing',
  'vat_number_missing',
  'tax_number_missing',
  'birth_date_missing',
  'iban_missing',
  'mandate_missing',
  'proof_missing',
  'proof_expired',
  'proof_kind_insufficient',
  'withdrawal_open',
  'below_minimum',
  'debt_open',
  'buyer_link_missing',
  'nothing_available',
];

export type PayoutSummary = z.infer<typeof ZSummary>;
export type MonthFigures = PayoutSummary['byMonth'][number];

export type { EarningState };
export const EARNING_STATES: readonly EarningState[] = ['pending', 'credited', 'refunded'];
export type EarningOrder = PublisherEarningOrder;

export type PublisherKind = z.infer<typeof ZPublisherKind>;
export type VatRegime = z.infer<typeof ZPublisherVatRegime>;
export const VAT_REGIMES: readonly VatRegime[] = ['franchise', 'fr_vat', 'eu_reverse_charge'];

export type ProfileInput = z.input<typeof ZProfileInput>;
export type Profile = z.infer<typeof ZProfile>;
export type ProfileAnswer = z.infer<typeof ZProfileView>;

export type DocumentKind = z.infer<typeof ZProofKind>;
export const DOCUMENT_KINDS: readonly DocumentKind[] = ['urssaf_vigilance', 'kbis', 'insee'];
export type PublisherDocument = z.infer<typeof ZDocument>;
export type DocumentStatus = PublisherDocument['status'];
export type ReviewDocument = z.infer<typeof ZSupportDocument>;

export type Mandate = z.infer<typeof ZMandate>;
export type MandateAnswer = z.infer<typeof ZMandateView>;

export type WithdrawalStatus = z.infer<typeof ZWithdrawalStatus>;
export const WITHDRAWAL_STATUSES: readonly WithdrawalStatus[] = ['requested', 'approved', 'paid', 'refused', 'cancelled'];
export type Withdrawal = z.infer<typeof ZWithdrawal>;

export type BuyerLink = z.infer<typeof ZBuyerLink>;
export type Conversion = z.infer<typeof ZConversion>;
export type SelfBilledInvoice = z.infer<typeof ZSelfBilledInvoice>;

export type Batch = z.infer<typeof ZBatch>;
export type BatchStatus = Batch['status'];
export type BatchDetail = z.infer<typeof ZBatchDetail>;

export type Page<T> = { items: T[]; nextCursor: string | null };

const idempotent = (key: string) => ({ 'idempotency-key': key });

export const payouts = {
  summary: () => api.get<PayoutSummary>('/api/publisher/payouts/summary'),
  orders: (state: EarningState, cursor?: string) =>
    api.get<Page<EarningOrder>>('/api/publisher/payouts/orders', { state, limit: 20, cursor }),

  profile: () => api.get<ProfileAnswer>('/api/publisher/profile'),
  saveProfile: (body: ProfileInput) => api.put<ProfileAnswer>('/api/publisher/profile', body),

  /** Every proof of the publisher, page after page. */
  documents: async () => {
    const items: PublisherDocument[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.get<{ items: PublisherDocument[]; nextCursor: string | null }>('/api/publisher/documents', { limit: 100, cursor });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { items };
  },
  uploadDocument: (file: File, kind: DocumentKind, issuedOn: string) =>
    request<PublisherDocument>('POST', '/api/publisher/documents', {
      query: { kind, issuedOn, fileName: file.name },
      raw: { body: file, contentType: file.type },
    }),
  documentFileUrl: (id: string) => `/api/publisher/documents/${id}/file`,

  mandate: () => api.get<MandateAnswer>('/api/publisher/mandate'),
  acceptMandate: (version: string) => api.post<Mandate>('/api/publisher/mandate', { accept: true, version }),
  revokeMandate: () => request<Mandate>('DELETE', '/api/publisher/mandate'),

  /** `idempotencyKey`: one per opening of the dialog, so a double click asks once. */
  requestWithdrawal: (amountCents: number, idempotencyKey: string) =>
    request<Withdrawal>('POST', '/api/publisher/withdrawals', { body: { amountCents }, headers: idempotent(idempotencyKey) }),
  withdrawals: (cursor?: string) => api.get<Page<Withdrawal>>('/api/publisher/withdrawals', { limit: 20, cursor }),
  cancelWithdrawal: (id: string) => api.post<Withdrawal>(`/api/publisher/withdrawals/${id}/cancel`),

  buyerLink: () => api.get<BuyerLink | null>('/api/publisher/buyer-account'),
  linkBuyer: (email: string, password: string) => api.put<BuyerLink>('/api/publisher/buyer-account', { email, password }),
  convert: (amountCents: number, idempotencyKey: string) =>
    request<Conversion>('POST', '/api/publisher/conversions', { body: { amountCents }, headers: idempotent(idempotencyKey) }),

  invoices: (cursor?: string) => api.get<Page<SelfBilledInvoice>>('/api/publisher/self-billed-invoices', { limit: 20, cursor }),
  invoicePdfUrl: (id: string) => `/api/publisher/self-billed-invoices/${id}/pdf`,
  taxStatementUrl: (year: number) => `/api/publisher/tax-statement.pdf?year=${year}`,
};

export const supportPayouts = {
  documents: (status: 'pending' | 'accepted' | 'refused', cursor?: string) =>
    api.get<Page<ReviewDocument>>('/api/support/publisher-documents', { status, limit: 50, cursor }),
  documentFileUrl: (id: string) => `/api/support/publisher-documents/${id}/file`,
  review: (id: string, decision: 'accept' | 'refuse', reason?: string) =>
    api.post<PublisherDocument>(`/api/support/publisher-documents/${id}/review`, reason ? { decision, reason } : { decision }),

  withdrawals: (status: WithdrawalStatus, cursor?: string) =>
    api.get<Page<Withdrawal>>('/api/support/withdrawals', { status, limit: 50, cursor }),
  refuse: (id: string, reason: string) => api.post<Withdrawal>(`/api/support/withdrawals/${id}/refuse`, { reason }),

  createBatch: (withdrawalIds: string[]) => api.post<Batch>('/api/support/payout-batches', { withdrawalIds }),
  batches: (cursor?: string) => api.get<Page<Batch>>('/api/support/payout-batches', { limit: 20, cursor }),
  batch: (id: string) => api.get<BatchDetail>(`/api/support/payout-batches/${id}`),
  sepaUrl: (id: string) => `/api/support/payout-batches/${id}/sepa.xml`,
  markPaid: (id: string) => api.post<Batch>(`/api/support/payout-batches/${id}/paid`),
  dac7Url: (year: number) => `/api/support/tax/dac7?year=${year}`,
  publisherFile: (accountId: string) => api.get<PublisherFile>(`/api/support/publishers/${accountId}/payout-profile`),
};

/** Support's view of one publisher (`GET /api/support/publishers/:id/payout-profile`). */
export type PublisherFile = ProfileAnswer & { documents: PublisherDocument[]; mandate: Mandate | null; summary: PayoutSummary };

export const payoutKeys = {
  all: ['payouts'] as const,
  summary: ['payouts', 'summary'] as const,
  orders: (state: EarningState) => ['payouts', 'orders', state] as const,
  profile: ['payouts', 'profile'] as const,
  documents: ['payouts', 'documents'] as const,
  mandate: ['payouts', 'mandate'] as const,
  withdrawals: ['payouts', 'withdrawals'] as const,
  buyerLink: ['payouts', 'buyer-link'] as const,
  invoices: ['payouts', 'invoices'] as const,
  support: ['support', 'payouts'] as const,
  supportDocuments: (status: string) => ['support', 'payouts', 'documents', status] as const,
  supportWithdrawals: (status: string) => ['support', 'payouts', 'withdrawals', status] as const,
  batches: ['support', 'payouts', 'batches'] as const,
  batch: (id: string) => ['support', 'payouts', 'batch', id] as const,
};

/** Client-side checks of a proof before it is sent (the server checks again). */
export const PROOF_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export const PROOF_MAX_BYTES = 5 * 1024 * 1024;
