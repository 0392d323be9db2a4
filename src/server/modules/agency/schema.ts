import { z } from 'zod';
import type { MessageKey } from '../../http/messages.js';
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
  /** collaborators active again (a switch back up with restore, or a reactivation), and under whom */
  restored: z.array(
    ZPlanAccount.extend({
      formerParentId: z.string().nullable(),
      formerParentName: z.string().nullable(),
      toParentId: z.string().nullable(),
      toParentName: z.string().nullable(),
      /** never chose a password: a new invitation is sent */
      invited: z.boolean(),
    }),
  ),
  /** credits held on the open orders of a closed account: released later, they go to `toAccountId` */
  heldCents: z.array(
    z.object({ accountId: z.string(), name: z.string(), toAccountId: z.string(), toName: z.string(), amountCents: z.number().int() }),
  ),
  /** what the plan wants the reader to know, in the request's language */
  notes: z.array(z.object({ code: z.string(), message: z.string() })),
});

export const ZModeBody = z.object({
  mode: ZMode,
  dryRun: z.boolean().optional().default(false),
  /** switching to a mode that uses a suspended role again restores those collaborators and their former clients */
  restore: z.boolean().optional().default(true),
});

export const ZReactivateBody = z.object({
  /** where it goes back; by default its former parent, or the nearest open ancestor that may hold it */
  parentId: z.uuid().optional(),
  dryRun: z.boolean().optional().default(false),
});
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

/** An account after a planned change (re-home, deactivation, reactivation), with the plan and whether it was applied. */
export const ZAccountPlanResult = ZAccount.extend({ applied: z.boolean(), plan: ZPlan });

export type TPlan = z.infer<typeof ZPlan>;
/** A plan as the planner builds it: its notes are message keys, put in the reader's language by `localizePlan`. */
export type Plan = Omit<TPlan, 'notes'> & { notes: { code: MessageKey; params?: Record<string, number> }[] };
