import { z } from 'zod';
import { ZDay } from '../../http/validation.js';

export const ZOrderStatus = z.enum(['placed', 'accepted', 'link_placed', 'verified', 'completed', 'refused', 'cancelled', 'expired', 'lost']);

export const ZProjectBody = z.object({ clientId: z.uuid(), name: z.string().trim().min(1).max(200), url: z.string().trim().min(3).max(2000) });
export const ZProject = z.object({
  id: z.string(),
  clientId: z.string(),
  clientName: z.string(),
  name: z.string(),
  url: z.string(),
  domain: z.string(),
  createdAt: z.string(),
  campaignCount: z.number().int(),
  orderCount: z.number().int(),
  ordersByStatus: z.record(z.string(), z.number().int()),
  /** held on the client's wallet by its orders not yet verified */
  heldCents: z.number().int(),
  /** captured for its verified orders */
  spentCents: z.number().int(),
  /** held + spent */
  committedCents: z.number().int(),
});

export const ZCampaignBody = z.object({
  projectId: z.uuid(),
  name: z.string().trim().min(1).max(200),
  goal: z.string().trim().max(2000).optional(),
  budgetCents: z.number().int().positive().max(1_000_000_00).optional(),
  startsOn: ZDay.optional(),
  endsOn: ZDay.optional(),
});
export const ZCampaign = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  clientId: z.string(),
  clientName: z.string(),
  personInChargeId: z.string().nullable(),
  personInChargeName: z.string().nullable(),
  name: z.string(),
  goal: z.string().nullable(),
  budgetCents: z.number().int().nullable(),
  /** held + spent: what the cap is checked against */
  committedCents: z.number().int(),
  heldCents: z.number().int(),
  spentCents: z.number().int(),
  /** the cap minus what is committed, never below 0; null without a cap */
  remainingCents: z.number().int().nullable(),
  startsOn: z.string().nullable(),
  endsOn: z.string().nullable(),
  orderCount: z.number().int(),
  ordersByStatus: z.record(z.string(), z.number().int()),
  /** `closed` by someone, `ended` once its end date is past, else `open` (only `open` takes orders) */
  status: z.enum(['open', 'closed', 'ended']),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const ZCampaignPatch = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  /** null removes the cap */
  budgetCents: z.number().int().positive().max(1_000_000_00).nullable().optional(),
  startsOn: ZDay.nullable().optional(),
  endsOn: ZDay.nullable().optional(),
});

export const ZOrderBody = z.object({
  projectId: z.uuid(),
  campaignId: z.uuid().optional(),
  offerId: z.uuid(),
  targetUrl: z.string().trim().min(1).max(2000),
  anchor: z.string().trim().min(1).max(200),
  brief: z.string().trim().max(5000).optional(),
  /** when the client's wallet is short: the wallet (in the caller's reach) that tops up the difference */
  fundFromAccountId: z.uuid().optional(),
});

export const ZOrderSummary = z.object({
  id: z.string(),
  status: ZOrderStatus,
  clientId: z.string(),
  clientName: z.string(),
  personInChargeId: z.string().nullable(),
  personInChargeName: z.string().nullable(),
  projectId: z.string(),
  projectName: z.string(),
  campaignId: z.string().nullable(),
  campaignName: z.string().nullable(),
  keyword: z.string().nullable(),
  priceCents: z.number().int(),
  targetUrl: z.string(),
  anchor: z.string(),
  liveUrl: z.string().nullable(),
  createdAt: z.string(),
  acceptBy: z.string(),
});

/** What a check of a live URL concluded (links/verify.ts). */
export const ZCheckOutcome = z.enum([
  'ok',
  'link_missing',
  'anchor_changed',
  'rel_changed',
  'noindex',
  'canonical_elsewhere',
  'redirected_off_site',
  'http_error',
  'unreachable',
]);
export const ZClaimStatus = z.enum(['open', 'reinstated', 'refunded', 'dismissed']);

/** A claim on a lost or altered link (the links feature fills it; it shows on orders' pages too). */
export const ZClaim = z.object({
  id: z.string(),
  orderId: z.string(),
  status: ZClaimStatus,
  outcome: ZCheckOutcome,
  rule: z.string().nullable(),
  message: z.string(),
  openedAt: z.string(),
  reinstateBy: z.string(),
  closedAt: z.string().nullable(),
  settleReason: z.string().nullable(),
  refundedCents: z.number().int(),
  debtCents: z.number().int(),
  priceCents: z.number().int(),
  anchor: z.string(),
  targetUrl: z.string(),
  liveUrl: z.string().nullable(),
  domain: z.string(),
  clientId: z.string(),
  clientName: z.string(),
});

/** The monitoring of a verified link during its guarantee. */
export const ZMonitoring = z.object({
  nextCheckAt: z.string().nullable(),
  lastCheckedAt: z.string().nullable(),
  lastOutcome: ZCheckOutcome.nullable(),
  endedAt: z.string().nullable(),
});

export const ZOrder = ZOrderSummary.extend({
  brief: z.string().nullable(),
  theme: z.string(),
  siteKind: z.string(),
  verifiedAt: z.string().nullable(),
  payableAt: z.string().nullable(),
  guaranteeMonths: z.number().int().nullable(),
  guaranteeEndsAt: z.string().nullable(),
  lostAt: z.string().nullable(),
  refundedCents: z.number().int(),
  monitoring: ZMonitoring.nullable(),
  claim: ZClaim.nullable(),
  lastCheck: z.object({ ok: z.boolean(), rule: z.string().nullable(), message: z.string(), at: z.string() }).nullable(),
  history: z.array(z.object({ status: z.string(), at: z.string(), personId: z.string().nullable(), personName: z.string().nullable(), note: z.string().nullable() })),
});

export const ZOrdersQuery = z.object({
  accountId: z.uuid().optional(),
  personInChargeId: z.uuid().optional(),
  projectId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
  status: ZOrderStatus.optional(),
  from: ZDay.optional(),
  to: ZDay.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

export const ZOrderTotals = z.object({
  count: z.number().int(),
  totalCents: z.number().int(),
  byStatus: z.record(z.string(), z.object({ count: z.number().int(), cents: z.number().int() })),
});

export const ZPublisherOrder = z.object({
  id: z.string(),
  status: ZOrderStatus,
  siteId: z.string(),
  domain: z.string(),
  articleUrl: z.string(),
  keyword: z.string().nullable(),
  targetUrl: z.string(),
  anchor: z.string(),
  brief: z.string().nullable(),
  priceCents: z.number().int(),
  earningCents: z.number().int(),
  liveUrl: z.string().nullable(),
  acceptBy: z.string(),
  createdAt: z.string(),
  lastCheck: z.object({ ok: z.boolean(), rule: z.string().nullable(), message: z.string(), at: z.string() }).nullable(),
  guaranteeEndsAt: z.string().nullable(),
  claim: ZClaim.nullable(),
});

export const ZClientOverview = z.object({
  id: z.string(),
  name: z.string(),
  active: z.boolean(),
  personInChargeId: z.string().nullable(),
  personInChargeName: z.string().nullable(),
  balanceCents: z.number().int(),
  projectCount: z.number().int(),
  campaignCount: z.number().int(),
  ordersByStatus: z.record(z.string(), z.number().int()),
  spendThisMonthCents: z.number().int(),
});
