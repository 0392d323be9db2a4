import { z } from 'zod';
import type { MessageKey } from '../../http/messages.js';
import { ZAccount, ZCompany, ZMode } from '../accounts/schema.js';
import { ZDay } from '../../http/validation.js';

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

// ---------------------------------------------------------------------------------------------
// The team table (Agence tab): one row per person or client in reach, with its roll-ups

export const TEAM_SORTS = ['name', 'email', 'role', 'parent', 'status', 'clients', 'spend', 'orders', 'inProgress', 'live', 'balance', 'lastSignIn'] as const;
export type TeamSort = (typeof TEAM_SORTS)[number];

export const ZTeamFilters = z.object({
  /** first day of the period (Paris), YYYY-MM-DD; by default the first day of this month */
  from: ZDay.optional(),
  /** last day of the period (Paris), included; by default today */
  to: ZDay.optional(),
  q: z.string().trim().max(200).optional(),
  role: z.enum(['manager', 'consultant', 'client']).optional(),
  /** the person in charge (direct parent) */
  parentId: z.uuid().optional(),
  status: z.enum(['active', 'inactive', 'all']).optional().default('active'),
  sort: z.enum(TEAM_SORTS).optional().default('name'),
  order: z.enum(['asc', 'desc']).optional().default('asc'),
});
export const ZTeamQuery = ZTeamFilters.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

export const ZTeamRow = z.object({
  id: z.string(),
  role: z.enum(['manager', 'consultant', 'client']),
  name: z.string(),
  email: z.string().nullable(),
  parentId: z.string().nullable(),
  parentName: z.string().nullable(),
  status: z.enum(['active', 'deactivated', 'suspended']),
  hasLogin: z.boolean(),
  lastSignInAt: z.string().nullable(),
  /** open clients below it (0 for a client) */
  clientsCount: z.number().int(),
  /** over the period, rolled up over its subtree */
  spendCents: z.number().int(),
  ordersCount: z.number().int(),
  ordersByStatus: z.record(z.string(), z.number().int()),
  /** placed, accepted or link placed */
  inProgressCount: z.number().int(),
  /** verified or completed, now */
  liveLinks: z.number().int(),
  balanceCents: z.number().int(),
  subtreeBalanceCents: z.number().int(),
});
export const ZTeamPage = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  /** rows matching the filters, over every page */
  total: z.number().int(),
  items: z.array(ZTeamRow),
  nextCursor: z.string().nullable(),
});
export type TTeamRow = z.infer<typeof ZTeamRow>;

export const ZBulkMoveBody = z.object({
  accountIds: z.array(z.uuid()).min(1).max(200),
  parentId: z.uuid(),
  dryRun: z.boolean().optional().default(false),
});
export const ZBulkMoveResult = z.object({
  applied: z.boolean(),
  items: z.array(
    z.object({ accountId: z.string(), name: z.string(), fromParentId: z.string().nullable(), toParentId: z.string(), changed: z.boolean(), plan: ZPlan }),
  ),
});
