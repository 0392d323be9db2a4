import { z } from 'zod';
import { ZDay } from '../../http/validation.js';
import { ZAuditEntry } from '../audit/schema.js';

export const ZDashboardQuery = z.object({
  from: ZDay.optional(),
  to: ZDay.optional(),
  groupBy: z.enum(['client', 'collaborator']).default('client'),
});
export type TDashboardQuery = z.infer<typeof ZDashboardQuery>;

const ZRange = z.object({ from: z.string(), to: z.string(), bucket: z.enum(['day', 'week', 'month']) });
const ZPoint = z.object({ period: z.string(), cents: z.number().int() });

export const ZSpendGroup = z.object({
  /** the client or collaborator; null for « autres » (the rest, beyond the top) */
  id: z.string().nullable(),
  name: z.string(),
  kind: z.enum(['client', 'collaborator', 'direct', 'others']),
  cents: z.number().int(),
  count: z.number().int(),
});

const ZWatchedOrder = z.object({
  orderId: z.string(),
  clientId: z.string(),
  clientName: z.string(),
  anchor: z.string(),
  priceCents: z.number().int(),
  at: z.string(),
});

const ZLowWallet = z.object({
  accountId: z.string(),
  name: z.string(),
  availableCents: z.number().int(),
  thresholdCents: z.number().int(),
});

export const ZBuyerDashboard = z.object({
  spend: z.object({
    totalCents: z.number().int(),
    orderCount: z.number().int(),
    series: z.array(ZPoint),
    groups: z.array(ZSpendGroup),
  }),
  orders: z.object({
    inProgress: z.array(
      z.object({
        status: z.enum(['placed', 'accepted', 'link_placed', 'verified']),
        count: z.number().int(),
        cents: z.number().int(),
      }),
    ),
    /** who the orders in progress wait for: the publisher (accept, place, fix the page), the verification, the control period */
    waitingOn: z.object({ publisher: z.number().int(), verification: z.number().int(), controlPeriod: z.number().int() }),
  }),
  links: z.object({ live: z.number().int(), lost: z.number().int(), lostInRange: z.number().int(), atRisk: z.number().int() }),
  wallet: z.object({
    availableCents: z.number().int(),
    pendingCents: z.number().int(),
    lowBalanceCents: z.number().int().nullable(),
  }),
  alerts: z.object({
    lowBalance: z.object({ count: z.number().int(), items: z.array(ZLowWallet) }),
    nearExpiry: z.object({ count: z.number().int(), items: z.array(ZWatchedOrder) }),
    failedChecks: z.object({ count: z.number().int(), items: z.array(ZWatchedOrder) }),
    openClaims: z.number().int(),
  }),
});

export const ZPublisherDashboard = z.object({
  earnings: z.object({ totalCents: z.number().int(), series: z.array(ZPoint) }),
  queue: z.object({
    toAccept: z.number().int(),
    toPlace: z.number().int(),
    nearExpiry: z.number().int(),
    failedChecks: z.number().int(),
    items: z.array(
      z.object({
        orderId: z.string(),
        status: z.enum(['placed', 'accepted']),
        anchor: z.string(),
        priceCents: z.number().int(),
        acceptBy: z.string(),
      }),
    ),
  }),
  payouts: z.object({
    pendingCents: z.number().int(),
    payableCents: z.number().int(),
    withdrawingCents: z.number().int(),
    paidCents: z.number().int(),
    debtCents: z.number().int(),
  }),
  openClaims: z.number().int(),
});

export const ZSupportDashboard = z.object({
  queues: z.object({
    topUps: z.number().int(),
    siteReviews: z.number().int(),
    claims: z.number().int(),
    agencyRequests: z.number().int(),
    deadEmails: z.number().int(),
    withdrawals: z.number().int(),
    documents: z.number().int(),
  }),
});

export const ZDashboard = z.object({
  kind: z.enum(['buyer', 'publisher', 'support']),
  role: z.enum(['agency', 'manager', 'consultant', 'client', 'publisher', 'support']),
  account: z.object({ id: z.string(), name: z.string() }),
  range: ZRange,
  groupBy: z.enum(['client', 'collaborator']),
  buyer: ZBuyerDashboard.nullable(),
  publisher: ZPublisherDashboard.nullable(),
  support: ZSupportDashboard.nullable(),
  activity: z.array(ZAuditEntry),
});
export type TDashboard = z.infer<typeof ZDashboard>;
