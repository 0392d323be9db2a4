// The payouts part of the typed client (issue 11): the publisher's earnings and withdrawals, its
// billing profile, proofs of registration and self-billing mandate, self-billed invoices and tax
// statements, conversion into credits; support's review of documents, withdrawal batches (SEPA
// file) and the DAC7 export. Kept apart from marketplace.ts so that the two stay small.
import { api, request } from './client';

export type MissingCode =
  | 'profile_missing'
  | 'business_only'
  | 'siret_missing'
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
  | 'buyer_link_missing';

export const MISSING_CODES: readonly MissingCode[] = [
  'profile_missing',
  'business_only',
  'siret_missing',
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
];

export type MonthFigures = { month: string; earnedCents: number; pendingCents: number; paidCents: number };

export type PayoutSummary = {
  pendingCents: number;
  payableCents: number;
  withdrawingCents: number;
  paidCents: number;
  convertedCents: number;
  debtCents: number;
  lifetimeEarningsCents: number;
  minimumWithdrawalCents: number;
  byMonth: MonthFigures[];
  eligibility: { mayWithdraw: boolean; mayConvert: boolean; missing: string[] };
};

export type EarningState = 'pending' | 'credited' | 'refunded';
export const EARNING_STATES: readonly EarningState[] = ['pending', 'credited', 'refunded'];

export type EarningOrder = {
  orderId: string;
  siteDomain: string;
  anchor: string;
  priceCents: number;
  commissionCents: number;
  refundedCents: number;
  earningCents: number;
  status: string;
  verifiedAt: string | null;
  completedAt: string | null;
  payableAt: string | null;
};

export type PublisherKind = 'individual' | 'business';
export type VatRegime = 'franchise' | 'fr_vat' | 'eu_reverse_charge';
export const VAT_REGIMES: readonly VatRegime[] = ['franchise', 'fr_vat', 'eu_reverse_charge'];

export type ProfileInput = {
  kind: PublisherKind;
  legalName: string;
  address: string;
  postalCode: string;
  city: string;
  country: string;
  birthDate: string | null;
  siret: string | null;
  vatRegime: VatRegime | null;
  vatNumber: string | null;
  taxNumber: string | null;
  iban: string | null;
  bic: string | null;
  accountHolder: string | null;
};
export type Profile = ProfileInput & { updatedAt: string };
export type ProfileAnswer = { profile: Profile | null; completeness: { missing: string[] } };

export type DocumentKind = 'urssaf_vigilance' | 'kbis' | 'insee';
export const DOCUMENT_KINDS: readonly DocumentKind[] = ['urssaf_vigilance', 'kbis', 'insee'];
export type DocumentStatus = 'pending' | 'accepted' | 'refused' | 'replaced';

export type PublisherDocument = {
  id: string;
  kind: DocumentKind;
  issuedOn: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  status: DocumentStatus;
  refusalReason: string | null;
  validUntil: string | null;
  uploadedAt: string;
  reviewedAt: string | null;
};
export type ReviewDocument = PublisherDocument & { accountId: string; accountName: string };

export type Mandate = {
  id: string;
  version: string;
  acceptedAt: string;
  acceptedBy: string;
  acceptedFrom: string;
  revokedAt: string | null;
};
export type MandateAnswer = { current: Mandate | null; version: string; text: string };

export type WithdrawalStatus = 'requested' | 'approved' | 'paid' | 'refused' | 'cancelled';
export const WITHDRAWAL_STATUSES: readonly WithdrawalStatus[] = ['requested', 'approved', 'paid', 'refused', 'cancelled'];

export type Withdrawal = {
  id: string;
  accountId: string;
  accountName: string;
  amountCents: number;
  status: WithdrawalStatus;
  ibanMasked: string;
  bic: string | null;
  accountHolder: string | null;
  batchId: string | null;
  refusalReason: string | null;
  requestedAt: string;
  decidedAt: string | null;
  paidAt: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
};

export type BuyerLink = { buyerAccountId: string; buyerName: string };
export type Conversion = { transferId: string; amountCents: number; buyerAccountId: string };

export type SelfBilledInvoice = {
  id: string;
  number: string;
  issuedAt: string;
  contestUntil: string;
  subtotalCents: number;
  vatCents: number;
  totalCents: number;
  withdrawalId: string | null;
};

export type BatchStatus = 'approved' | 'paid';
export type Batch = {
  id: string;
  reference: string;
  status: BatchStatus;
  count: number;
  totalCents: number;
  createdAt: string;
  exportedAt: string | null;
  paidAt: string | null;
};
export type BatchDetail = Batch & { withdrawals: Withdrawal[] };

export type Page<T> = { items: T[]; nextCursor: string | null };

const idempotent = (key: string) => ({ 'idempotency-key': key });

export const payouts = {
  summary: () => api.get<PayoutSummary>('/api/publisher/payouts/summary'),
  orders: (state: EarningState, cursor?: string) =>
    api.get<Page<EarningOrder>>('/api/publisher/payouts/orders', { state, limit: 20, cursor }),

  profile: () => api.get<ProfileAnswer>('/api/publisher/profile'),
  saveProfile: (body: ProfileInput) => api.put<ProfileAnswer>('/api/publisher/profile', body),

  documents: () => api.get<{ items: PublisherDocument[] }>('/api/publisher/documents'),
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
  taxStatementUrl: (year: number) => `/api/publisher/tax-statements/${year}/pdf`,
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
};

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
