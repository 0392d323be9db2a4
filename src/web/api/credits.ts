// The credits part of the typed client: wallets and their entries, allocations, top-ups and
// invoices. Types are inferred from the server's zod schemas (types only); kept apart from
// endpoints.ts/types.ts so that the two stay small.
import type { z } from 'zod';
import type { ZEntryKind, ZLedgerEntry, ZLedgerQuery, ZLowBalanceResult, ZTransfer, ZTransferBody } from '../../server/modules/ledger/schema';
import type {
  ZCancelResult,
  ZConfirmResult,
  ZInvoice,
  ZTopUp,
  ZTopUpBody,
  ZTopUpCreated,
  ZTopUpQuery,
} from '../../server/modules/billing/schema';
import type { ZPageOf } from '../../server/http/pagination';
import { api, request } from './client';

export type EntryKind = z.infer<typeof ZEntryKind>;
export type LedgerEntry = z.infer<typeof ZLedgerEntry>;
export type LedgerFilters = Partial<Pick<z.input<typeof ZLedgerQuery>, 'kind' | 'from' | 'to'>>;
export type LedgerPage = z.infer<ReturnType<typeof ZPageOf<typeof ZLedgerEntry>>>;
export type TransferBody = z.input<typeof ZTransferBody>;
export type Transfer = z.infer<typeof ZTransfer>;
export type LowBalanceResult = z.infer<typeof ZLowBalanceResult>;

export type TopUpBody = z.input<typeof ZTopUpBody>;
export type TopUpCreated = z.infer<typeof ZTopUpCreated>;
export type TopUp = z.infer<typeof ZTopUp>;
export type TopUpStatus = TopUp['status'];
export type TopUpQuery = Partial<Pick<z.input<typeof ZTopUpQuery>, 'accountId' | 'status' | 'cursor'>>;
export type TopUpPage = z.infer<ReturnType<typeof ZPageOf<typeof ZTopUp>>>;
export type ConfirmResult = z.infer<typeof ZConfirmResult>;
export type CancelResult = z.infer<typeof ZCancelResult>;
export type Invoice = z.infer<typeof ZInvoice>;
export type InvoicePage = z.infer<ReturnType<typeof ZPageOf<typeof ZInvoice>>>;

export const ENTRY_KINDS: EntryKind[] = [
  'allocation',
  'return',
  'top_up',
  'top_up_refund',
  'order_capture',
  'publisher_earning',
  'commission',
  'claim_refund',
  'debt_repayment',
  'payout',
  'earnings_conversion',
];
export const TOP_UP_STATUSES: TopUpStatus[] = ['awaiting_payment', 'paid', 'cancelled', 'refunded'];

const idempotent = (key: string) => ({ 'idempotency-key': key });

/** The query string of a wallet's entries, for the page and for its CSV export (same filters). */
export function ledgerQuery(filters: LedgerFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, String(v));
  return params;
}

export const creditEndpoints = {
  ledger: (accountId: string, filters: LedgerFilters, cursor?: string) =>
    api.get<LedgerPage>(`/api/accounts/${accountId}/ledger`, { ...filters, limit: 50, cursor }),
  ledgerCsvUrl: (accountId: string, filters: LedgerFilters) => {
    const q = ledgerQuery(filters).toString();
    return `/api/accounts/${accountId}/ledger.csv${q ? `?${q}` : ''}`;
  },
  /** `idempotencyKey`: one per opening of the dialog, so a double click moves the money once. */
  /** the low-balance threshold of a wallet, in cents; null turns it off */
  setLowBalance: (accountId: string, thresholdCents: number | null) =>
    api.put<LowBalanceResult>(`/api/accounts/${accountId}/low-balance`, { thresholdCents }),
  transfer: (body: TransferBody, idempotencyKey: string) =>
    request<Transfer>('POST', '/api/transfers', { body, headers: idempotent(idempotencyKey) }),

  requestTopUp: (accountId: string, body: TopUpBody, idempotencyKey: string) =>
    request<TopUpCreated>('POST', `/api/accounts/${accountId}/top-ups`, { body, headers: idempotent(idempotencyKey) }),
  topUps: (query: TopUpQuery) => api.get<TopUpPage>('/api/top-ups', { ...query, limit: 50 }),
  cancelTopUp: (id: string, idempotencyKey: string) =>
    request<CancelResult>('POST', `/api/top-ups/${id}/cancel`, { body: {}, headers: idempotent(idempotencyKey) }),
  confirmTopUp: (id: string, idempotencyKey: string) =>
    request<ConfirmResult>('POST', `/api/support/top-ups/${id}/confirm`, { body: {}, headers: idempotent(idempotencyKey) }),

  invoices: (query: { accountId?: string; cursor?: string }) => api.get<InvoicePage>('/api/invoices', { ...query, limit: 50 }),
};

/** A fresh idempotency key; crypto.randomUUID exists only in secure contexts (https, localhost), hence the fallback. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
