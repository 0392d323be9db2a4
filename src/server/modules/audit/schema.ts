import { z } from 'zod';

/** An audit line as the API shows it (`AuditEntry` of service.ts): the web's auditSentence renders it. */
export const ZAuditEntry = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.unknown(),
  person: z.object({ id: z.string(), name: z.string() }).nullable(),
  account: z.object({ id: z.string(), name: z.string() }).nullable(),
  amountCents: z.number().int().nullable(),
  subject: z.object({ id: z.string(), name: z.string() }).nullable(),
});
