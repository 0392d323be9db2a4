// The monitoring part of the typed client (issue 10): the checks of an order with their evidence,
// the claims opened by a failed check, support's settlement, the publisher's re-check. Kept apart
// from marketplace.ts so that the two stay small.
//
// Types are inferred from the server's zod schemas (types only).
import type { z } from 'zod';
import type { ZCheckOutcome, ZClaim, ZClaimStatus, ZMonitoring } from '../../server/modules/orders/schema';
import type { ZClaimsQuery, ZLinkCheck, ZLinkEvidence, ZRecheck, ZSettleBody } from '../../server/modules/links/schema';
import type { ZPageOf } from '../../server/http/pagination';
import type { ZGuaranteeMonths, ZReliability, ZUpdateSiteBody } from '../../server/modules/catalog/schema';
import { api } from './client';
import type { Site } from './marketplace';

export type CheckOutcome = z.infer<typeof ZCheckOutcome>;
export type LinkEvidence = z.infer<typeof ZLinkEvidence>;
/** `message` in the reader's language */
export type LinkCheck = z.infer<typeof ZLinkCheck>;
export type ClaimStatus = z.infer<typeof ZClaimStatus>;
export type Claim = z.infer<typeof ZClaim>;
export type Monitoring = z.infer<typeof ZMonitoring>;
export type SettleBody = z.input<typeof ZSettleBody>;
export type Recheck = z.infer<typeof ZRecheck>;
export type ClaimsQuery = Partial<Pick<z.infer<typeof ZClaimsQuery>, 'status' | 'orderId' | 'limit' | 'cursor'>>;
type Page<T extends z.ZodType> = z.infer<ReturnType<typeof ZPageOf<T>>>;

/** The publisher's record shown in the catalog (an offer's `reliability`, null without history). */
export type Reliability = z.infer<typeof ZReliability>;
export type GuaranteeMonths = z.infer<typeof ZGuaranteeMonths>;

export const CLAIM_STATUSES: ClaimStatus[] = ['open', 'reinstated', 'refunded', 'dismissed'];
/** A site's guarantee choices (the server's GUARANTEE_MONTHS; a value missing from the server's type fails tsc). */
export const GUARANTEE_MONTHS: readonly GuaranteeMonths[] = [3, 6, 12, 24, 36];

export const claimEndpoints = {
  checks: (orderId: string, cursor?: string) =>
    api.get<Page<typeof ZLinkCheck>>(`/api/orders/${orderId}/checks`, { limit: 20, cursor }),
  claims: (query: ClaimsQuery) => api.get<Page<typeof ZClaim>>('/api/claims', { limit: 50, ...query }),
  settle: (id: string, body: SettleBody) => api.post<Claim>(`/api/support/claims/${id}/settle`, body),
  setSiteGuarantee: (siteId: string, guaranteeMonths: GuaranteeMonths | null) =>
    api.patch<Site>(`/api/publisher/sites/${siteId}`, { guaranteeMonths } satisfies z.input<typeof ZUpdateSiteBody>),
  recheck: (orderId: string) => api.post<Recheck>(`/api/publisher/orders/${orderId}/recheck`),
};

export const claimKeys = {
  checks: (orderId: string) => ['orders', 'checks', orderId] as const,
  claims: (q: object) => ['claims', q] as const,
};
