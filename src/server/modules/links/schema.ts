import { z } from 'zod';
import { ZPageQuery } from '../../http/pagination.js';
import { ZCheckOutcome, ZClaimStatus } from '../orders/schema.js';

export { ZClaim } from '../orders/schema.js';

/** What a check kept as evidence (links/verify.ts LinkEvidence). */
export const ZLinkEvidence = z.object({
  startUrl: z.string(),
  redirects: z.array(z.object({ from: z.string(), to: z.string(), status: z.number().int() })),
  finalUrl: z.string().nullable(),
  status: z.number().int().nullable(),
  link: z.object({ href: z.string(), rel: z.array(z.string()), anchor: z.string() }).nullable(),
  nearMisses: z.array(
    z.object({ href: z.string(), rel: z.array(z.string()), anchor: z.string(), differs: z.array(z.enum(['href', 'anchor', 'rel'])) }),
  ),
  robots: z.object({
    meta: z.array(z.object({ name: z.string(), content: z.string() })),
    header: z.array(z.string()),
    robotsTxt: z.enum(['allowed', 'disallowed', 'unavailable', 'not_checked']),
  }),
  canonical: z.string().nullable(),
  contentHash: z.string().nullable(),
  excerpt: z.string().nullable(),
  attempts: z.number().int(),
});

export const ZLinkCheck = z.object({
  id: z.string(),
  kind: z.enum(['verification', 'monitoring']),
  at: z.string(),
  ok: z.boolean(),
  outcome: ZCheckOutcome,
  rule: z.string().nullable(),
  message: z.string(),
  httpStatus: z.number().int().nullable(),
  finalUrl: z.string().nullable(),
  evidence: ZLinkEvidence,
});

export const ZClaimsQuery = ZPageQuery.extend({ status: ZClaimStatus.optional(), orderId: z.uuid().optional() });

export const ZSettleBody = z.object({
  outcome: z.enum(['refund', 'partial_refund', 'dismiss']),
  amountCents: z.number().int().min(-(2 ** 53)).max(2 ** 53).optional(),
  reason: z.string().trim().min(3).max(2000),
});

export const ZRecheck = z.object({ nextCheckAt: z.string() });
