import { z } from 'zod';
import { ZAccount, ZCompany, ZMode } from '../accounts/schema.js';

export const ZAgencyRequest = z.object({
  id: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  accountEmail: z.string().nullable(),
  message: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'rejected']),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});

export const ZActivationRequestBody = z.object({ message: z.string().trim().max(2000).optional() });

export const ZAgency = z.object({
  id: z.string(),
  name: z.string(),
  mode: ZMode,
  counts: z.object({ managers: z.number().int(), consultants: z.number().int(), clients: z.number().int() }),
});

const ZPlanAccount = z.object({ accountId: z.string(), name: z.string(), role: z.string() });

export const ZPlan = z.object({
  deactivated: z.array(ZPlanAccount),
  moved: z.array(
    ZPlanAccount.extend({
      fromParentId: z.string().nullable(),
      fromParentName: z.string().nullable(),
      toParentId: z.string(),
      toParentName: z.string(),
    }),
  ),
  returnedCents: z.array(
    z.object({
      fromAccountId: z.string(),
      fromName: z.string(),
      toAccountId: z.string(),
      toName: z.string(),
      amountCents: z.number().int(),
    }),
  ),
});

export const ZModeBody = z.object({ mode: ZMode, dryRun: z.boolean().optional().default(false) });
export const ZModeResult = z.object({ mode: ZMode, applied: z.boolean(), plan: ZPlan });

export const ZCreateMemberBody = z.object({
  role: z.enum(['manager', 'consultant', 'client']),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254).optional(),
  parentId: z.uuid(),
  company: ZCompany.optional(),
});

export const ZUpdateAccountBody = z.object({
  role: z.enum(['manager', 'consultant']).optional(),
  parentId: z.uuid().optional(),
  name: z.string().trim().min(1).max(200).optional(),
  company: ZCompany.nullable().optional(),
  /** with a role change: who takes over the accounts the new role no longer outranks */
  childrenTo: z.uuid().optional(),
  dryRun: z.boolean().optional().default(false),
});

export const ZUpdateAccountResult = ZAccount.extend({ applied: z.boolean(), plan: ZPlan });
export const ZDeactivateResult = ZAccount.extend({ plan: ZPlan });

export type TPlan = z.infer<typeof ZPlan>;
