import { z } from 'zod';
import { ZPageQuery } from '../../http/pagination.js';
import { ZDay } from '../../http/validation.js';
import { HEX_COLOR, MAX_SHARE_DAYS } from './policy.js';

export const ZInventoryQuery = z.object({ clientId: z.uuid().optional() });

const period = <T extends { from?: string; to?: string }>(q: T) => !q.from || !q.to || q.from <= q.to;
const periodError = { path: ['to'], error: 'La fin de la période précède son début / the period ends before it starts' };

export const ZReportQuery = z
  .object({
    clientId: z.uuid().optional(),
    projectId: z.uuid().optional(),
    campaignId: z.uuid().optional(),
    from: ZDay.optional(),
    to: ZDay.optional(),
  })
  .refine(period, periodError);

export const ZLinkState = z.enum([
  'ordered',
  'awaiting_verification',
  'live',
  'at_risk',
  'claimed',
  'lost',
  'refunded',
  'cancelled',
]);

export const ZSummary = z.object({
  links: z.number().int(),
  live: z.number().int(),
  lost: z.number().int(),
  atRisk: z.number().int(),
  pending: z.number().int(),
  spentCents: z.number().int(),
});

export const ZReportSummary = z.object({
  client: z.object({ id: z.string(), name: z.string() }),
  summary: ZSummary,
});

const ZColor = z
  .string()
  .regex(HEX_COLOR, { error: 'Couleur au format #RRVVBB / colour as #RRGGBB' })
  .transform((c) => c.toLowerCase());

export const ZBrandingBody = z.object({
  primaryColor: ZColor,
  accentColor: ZColor,
  footerText: z.string().trim().max(300).default(''),
  showPlatformName: z.boolean().default(false),
});

export const ZBranding = z.object({
  primaryColor: z.string(),
  accentColor: z.string(),
  footerText: z.string(),
  showPlatformName: z.boolean(),
  hasLogo: z.boolean(),
  /** whose branding this is: the platform's default, the agency's, or a manager's override */
  source: z.enum(['default', 'agency', 'manager']),
  /** whether the caller has set its own (the agency's, or this manager's override) */
  own: z.boolean(),
  /** whether the caller may change it */
  editable: z.boolean(),
  updatedAt: z.string().nullable(),
});

export const ZShareBody = z
  .object({
    clientId: z.uuid(),
    projectId: z.uuid().optional(),
    campaignId: z.uuid().optional(),
    from: ZDay.optional(),
    to: ZDay.optional(),
    expiresInDays: z.number().int().min(1).max(MAX_SHARE_DAYS),
  })
  .refine(period, periodError);

export const ZShare = z.object({
  id: z.string(),
  clientId: z.string(),
  projectId: z.string().nullable(),
  campaignId: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});

export const ZCreatedShare = z.object({ id: z.string(), url: z.string(), expiresAt: z.string() });

export const ZSharesQuery = ZPageQuery.extend({ clientId: z.uuid() });

export const ZMonthlyEmailQuery = z.object({ clientId: z.uuid() });
export const ZMonthlyEmailBody = z.object({ clientId: z.uuid(), enabled: z.boolean() });
export const ZMonthlyEmail = z.object({
  clientId: z.string(),
  enabled: z.boolean(),
  email: z.string().nullable(),
  lastSentMonth: z.string().nullable(),
});
