// The monitoring part of the typed client (issue 10): the checks of an order with their evidence,
// the claims opened by a failed check, support's settlement, the publisher's re-check. Kept apart
// from marketplace.ts so that the two stay small.
//
// Written to the HTTP contract of issue 10 while the server's schemas are being built; they become
// `z.infer` of the server's zod schemas (types only) as soon as those exist.
import { api } from './client';
import type { Offer, Order, PublisherOrder, Site } from './marketplace';

export type CheckOutcome =
  | 'ok'
  | 'link_missing'
  | 'anchor_changed'
  | 'rel_changed'
  | 'noindex'
  | 'canonical_elsewhere'
  | 'redirected_off_site'
  | 'http_error'
  | 'unreachable';

export type LinkEvidence = {
  startUrl: string;
  redirects: { from: string; to: string; status: number }[];
  finalUrl: string | null;
  status: number | null;
  link: { href: string; rel: string[]; anchor: string } | null;
  nearMisses: { href: string; rel: string[]; anchor: string; differs: ('href' | 'anchor' | 'rel')[] }[];
  robots: {
    meta: { name: string; content: string }[];
    header: string[];
    robotsTxt: 'allowed' | 'disallowed' | 'unavailable' | 'not_checked';
  };
  canonical: string | null;
  contentHash: string | null;
  excerpt: string | null;
  attempts: number;
};

export type LinkCheck = {
  id: string;
  kind: 'verification' | 'monitoring';
  at: string;
  ok: boolean;
  outcome: CheckOutcome;
  rule: string | null;
  /** in the reader's language */
  message: string;
  httpStatus: number | null;
  finalUrl: string | null;
  evidence: LinkEvidence;
};

export type ClaimStatus = 'open' | 'reinstated' | 'refunded' | 'dismissed';

export type Claim = {
  id: string;
  orderId: string;
  status: ClaimStatus;
  outcome: CheckOutcome;
  rule: string | null;
  message: string;
  openedAt: string;
  reinstateBy: string;
  closedAt: string | null;
  settleReason: string | null;
  refundedCents: number;
  debtCents: number;
  priceCents: number;
  anchor: string;
  targetUrl: string;
  liveUrl: string | null;
  domain: string;
  clientId: string;
  clientName: string;
};

/** What GET /api/orders/:id adds for the guarantee and its monitoring. */
export type OrderMonitoring = {
  guaranteeMonths: number | null;
  guaranteeEndsAt: string | null;
  lostAt: string | null;
  monitoring: {
    nextCheckAt: string | null;
    lastCheckedAt: string | null;
    lastOutcome: CheckOutcome | null;
    endedAt: string | null;
  } | null;
  claim: Claim | null;
};

export type MonitoredOrder = Order & OrderMonitoring;
/** GET /api/publisher/orders items: the open claim and the guarantee's end. */
export type MonitoredPublisherOrder = PublisherOrder & { claim: Claim | null; guaranteeEndsAt: string | null };
export type Reliability = {
  linksPlaced: number;
  linksLost: number;
  lostRate: number | null;
  avgLifetimeDays: number | null;
  acceptanceRate: number | null;
  medianDaysToPlacement: number | null;
};
/** GET /api/catalog/offers items: the guarantee and the publisher's reliability (null: no history yet). */
export type OfferWithGuarantee = Offer & { guaranteeMonths: number | null; reliability: Reliability | null };
export type SiteWithGuarantee = Site & { guaranteeMonths: number | null };

export type SettleBody = { outcome: 'refund' | 'partial_refund' | 'dismiss'; amountCents?: number; reason: string };
export type ClaimsQuery = { status?: ClaimStatus; orderId?: string; limit?: number; cursor?: string };

type Page<T> = { items: T[]; nextCursor: string | null };

export const CLAIM_STATUSES: ClaimStatus[] = ['open', 'reinstated', 'refunded', 'dismissed'];
export const GUARANTEE_MONTHS = [3, 6, 12, 24, 36] as const;
export type GuaranteeMonths = (typeof GUARANTEE_MONTHS)[number];

export const claimEndpoints = {
  checks: (orderId: string, cursor?: string) => api.get<Page<LinkCheck>>(`/api/orders/${orderId}/checks`, { limit: 20, cursor }),
  claims: (query: ClaimsQuery) => api.get<Page<Claim>>('/api/claims', { limit: 50, ...query }),
  settle: (id: string, body: SettleBody) => api.post<Claim>(`/api/support/claims/${id}/settle`, body),
  setSiteGuarantee: (siteId: string, guaranteeMonths: GuaranteeMonths | null) =>
    api.patch<SiteWithGuarantee>(`/api/publisher/sites/${siteId}`, { guaranteeMonths }),
  recheck: (orderId: string) => api.post<{ nextCheckAt: string }>(`/api/publisher/orders/${orderId}/recheck`),
};

export const claimKeys = {
  checks: (orderId: string) => ['orders', 'checks', orderId] as const,
  claims: (q: object) => ['claims', q] as const,
};
