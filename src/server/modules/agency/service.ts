import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { AgencyMode, Company, Role } from '../../db/types.js';
import { AppError, forbidden, invalidState, notFound, ruleViolation } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { queueEmail, renderEmail } from '../notifications/service.js';
import { outranks } from '../accounts/policy.js';
import {
  createAccount,
  findAccountByEmail,
  findAccountById,
  findReachableAccount,
  isDescendant,
  setAgencyMode,
  setParent,
  setRole,
  toAccount,
  updateAccountProfile,
} from '../accounts/service.js';
import { inviteAccount } from '../auth/service.js';
import { transferCredits } from '../ledger/service.js';
import { agencyPolicy, assertPlacement, assertPolicy, isCollaboratorRole, mayCreateRole } from './policy.js';
import { childrenOutrankedBy, planDeactivation, planModeSwitch, planRoleChange } from './plan.js';
import {
  countMembersBelow,
  deactivateAccountRow,
  findAgencyRequest,
  listAgencyRequests as queryAgencyRequests,
  loadMembers,
  lockAgency,
  promoteToAgency,
  type Member,
} from './queries.js';
import type { TPlan } from './schema.js';

// ---------------------------------------------------------------------------------------------
// Activation

export async function requestAgencyMode(actor: Actor, input: { message?: string }, ctx: Ctx) {
  assertPolicy(agencyPolicy.mayRequestAgencyMode(actor), 'agency_request_not_customer');
  return ctx.db.transaction().execute(async (tx) => {
    const pending = await tx
      .selectFrom('agency_requests')
      .select('id')
      .where('account_id', '=', actor.account.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (pending) throw invalidState('agency_request_exists');
    const row = await tx
      .insertInto('agency_requests')
      .values({ account_id: actor.account.id, message: input.message || null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, 'agency.request', { type: 'agency_request', id: row.id });
    return (await findAgencyRequest(tx, row.id, false))!;
  });
}

export async function listAgencyRequests(
  actor: Actor,
  input: { status?: 'pending' | 'approved' | 'rejected'; limit: number; cursor?: string },
  ctx: Ctx,
) {
  assertPolicy(agencyPolicy.mayDecideAgencyRequests(actor), 'support_only');
  return queryAgencyRequests(ctx.db, input);
}

/** Latest request of the caller's own account, so its page can say "pending". */
export async function findOwnAgencyRequest(actor: Actor, ctx: Ctx) {
  const row = await ctx.db
    .selectFrom('agency_requests')
    .select('id')
    .where('account_id', '=', actor.account.id)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row ? (await findAgencyRequest(ctx.db, row.id, false))! : null;
}

export async function decideAgencyRequest(actor: Actor, id: string, decision: 'approve' | 'reject', note: string | undefined, ctx: Ctx) {
  assertPolicy(agencyPolicy.mayDecideAgencyRequests(actor), 'support_only');
  return ctx.db.transaction().execute(async (tx) => {
    const request = await findAgencyRequest(tx, id, true);
    if (!request) throw notFound();
    if (request.status !== 'pending') throw invalidState();
    const account = await findAccountById(tx, request.accountId);
    if (decision === 'approve') {
      if (!account || !account.active || account.role !== 'client' || account.agency_id !== null) {
        throw invalidState('agency_request_not_customer');
      }
      await promoteToAgency(tx, account.id);
      if (account.email) {
        await queueEmail(
          tx,
          renderEmail('agency_approved', account.language, account.email, {
            name: account.name,
            link: `${ctx.config.publicUrl}/agence`,
          }),
        );
      }
    }
    await tx
      .updateTable('agency_requests')
      .set({
        status: decision === 'approve' ? 'approved' : 'rejected',
        decided_at: new Date(),
        decided_by: actor.person.id,
        decision_note: note ?? null,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, actor, `agency.request_${decision}`, { type: 'account', id: request.accountId }, { requestId: id });
    return (await findAgencyRequest(tx, id, false))!;
  });
}

// ---------------------------------------------------------------------------------------------
// The agency and its mode

function agencyIdOf(actor: Actor): string {
  if (!actor.account.agencyId) throw notFound();
  return actor.account.agencyId;
}

export async function getAgency(actor: Actor, ctx: Ctx) {
  const agencyId = agencyIdOf(actor);
  const agency = await findAccountById(ctx.db, agencyId);
  if (!agency || agency.role !== 'agency') throw notFound();
  return {
    id: agency.id,
    name: agency.name,
    mode: agency.agency_mode!,
    counts: await countMembersBelow(ctx.db, actor.account.id),
  };
}

/** Moves, deactivates and returns credits exactly as the plan says, inside the caller's transaction. */
async function applyPlan(tx: Tx, actor: Actor, plan: TPlan): Promise<void> {
  for (const move of plan.moved) await setParent(tx, move.accountId, move.toParentId);
  for (const credit of plan.returnedCents) {
    await transferCredits(tx, actor, {
      fromAccountId: credit.fromAccountId,
      toAccountId: credit.toAccountId,
      amountCents: credit.amountCents,
      kind: 'return',
      memo: null,
    });
  }
  for (const d of plan.deactivated) await deactivateAccountRow(tx, d.accountId);
}

export async function switchMode(actor: Actor, input: { mode: AgencyMode; dryRun: boolean }, ctx: Ctx) {
  assertPolicy(agencyPolicy.maySwitchMode(actor), 'agency_only');
  return ctx.db.transaction().execute(async (tx) => {
    const agency = await lockAgency(tx, actor.account.id);
    if (agency.mode === input.mode) throw new AppError('mode_conflict', 409, 'mode_conflict');
    const plan = planModeSwitch(await loadMembers(tx, agency.id), input.mode);
    if (!input.dryRun) {
      await applyPlan(tx, actor, plan);
      await setAgencyMode(tx, agency.id, input.mode);
      await recordAudit(tx, actor, 'agency.mode_switch', { type: 'account', id: agency.id }, {
        from: agency.mode,
        to: input.mode,
        deactivated: plan.deactivated.length,
        moved: plan.moved.length,
      });
    }
    return { mode: input.dryRun ? agency.mode : input.mode, applied: !input.dryRun, plan };
  });
}

// ---------------------------------------------------------------------------------------------
// Members

/** The parent an actor names must be itself or below it, active, and in the same agency. */
async function findPlaceableParent(tx: Tx, actor: Actor, members: Map<string, Member>, parentId: string, field: string) {
  if (parentId !== actor.account.id && !(await isDescendant(tx, actor.account.id, parentId, true))) throw notFound();
  const parent = members.get(parentId);
  if (!parent || !parent.active) throw ruleViolation('parent_outside_agency', {}, field);
  return parent;
}

export async function createMember(
  actor: Actor,
  input: { role: 'manager' | 'consultant' | 'client'; name: string; email?: string; parentId: string; company?: Company },
  ctx: Ctx,
) {
  assertPolicy(agencyPolicy.mayManageMembers(actor));
  if (!mayCreateRole(actor, input.role)) throw ruleViolation('role_not_creatable', {}, 'role');
  const agencyId = agencyIdOf(actor);
  return ctx.db.transaction().execute(async (tx) => {
    const agency = await lockAgency(tx, agencyId);
    const members = await loadMembers(tx, agency.id);
    const parent = await findPlaceableParent(tx, actor, members, input.parentId, 'parentId');
    assertPlacement(agency.mode, parent.role, input.role);
    const email = input.email?.toLowerCase() ?? null;
    if (email && (await findAccountByEmail(tx, email))) throw new AppError('email_taken', 409, 'email_taken', {}, 'email');
    const row = await createAccount(tx, {
      role: input.role,
      name: input.name,
      email,
      password_hash: null,
      parent_id: parent.id,
      agency_id: agency.id,
      agency_mode: null,
      company: input.company ? JSON.stringify(input.company) : null,
      language: actor.lang,
    });
    await inviteAccount(tx, actor, row, ctx);
    await recordAudit(tx, actor, 'account.create', { type: 'account', id: row.id }, { role: row.role, parentId: parent.id });
    return toAccount(row);
  });
}

export async function updateMember(
  actor: Actor,
  id: string,
  input: {
    role?: 'manager' | 'consultant';
    parentId?: string;
    name?: string;
    company?: Company | null;
    childrenTo?: string;
    dryRun: boolean;
  },
  ctx: Ctx,
) {
  const hierarchyChange = input.role !== undefined || input.parentId !== undefined;
  if (!hierarchyChange) {
    return ctx.db.transaction().execute(async (tx) => {
      // Reach first, on every path (dry run included): a foreign or unknown id is a 404 before anything is read.
      await findReachableAccount(tx, actor, id);
      if (!input.dryRun) await updateAccountProfile(actor, id, { name: input.name, company: input.company }, tx);
      const row = await findAccountById(tx, id);
      return { ...toAccount(row!), applied: !input.dryRun, plan: { deactivated: [], moved: [], returnedCents: [] } };
    });
  }
  const target = await findReachableAccount(ctx.db, actor, id, { includeSelf: false });
  if (!target.agency_id || target.agency_id !== actor.account.agencyId) throw notFound();
  return ctx.db.transaction().execute(async (tx) => {
    const agency = await lockAgency(tx, target.agency_id!);
    const members = await loadMembers(tx, agency.id);
    const account = members.get(id)!;
    if (!account.active) throw invalidState('already_inactive');
    const newRole: Role = input.role ?? account.role;
    if (input.role !== undefined && input.role !== account.role) {
      assertPolicy(agencyPolicy.mayChangeRoles(actor));
      if (!isCollaboratorRole(account.role)) throw ruleViolation('role_change_not_allowed', {}, 'role');
      if (!mayCreateRole(actor, newRole)) throw ruleViolation('role_not_creatable', {}, 'role');
    }
    let newParent: Member;
    if (input.parentId !== undefined) {
      newParent = await findPlaceableParent(tx, actor, members, input.parentId, 'parentId');
      if (await isDescendant(tx, id, newParent.id, false)) throw ruleViolation('move_into_own_subtree', {}, 'parentId');
    } else {
      // A promotion its parent no longer outranks climbs to the nearest ancestor that does.
      newParent = members.get(account.parentId!)!;
      while (!outranks(newParent.role, newRole) && newParent.parentId) newParent = members.get(newParent.parentId)!;
      if (newParent.id !== account.parentId && newParent.id !== actor.account.id && !(await isDescendant(tx, actor.account.id, newParent.id, true))) {
        throw ruleViolation('parent_must_outrank', { parentRole: members.get(account.parentId!)!.role, role: newRole }, 'parentId');
      }
    }
    assertPlacement(agency.mode, newParent.role, newRole);
    const orphans = childrenOutrankedBy(members, id, newRole);
    let heir: Member | null = null;
    if (orphans.length > 0) {
      const heirId = input.childrenTo ?? account.parentId!;
      heir = members.get(heirId) ?? null;
      const heirReachable =
        heir !== null &&
        (heirId === actor.account.id || (await isDescendant(tx, actor.account.id, heirId, true))) &&
        !(await isDescendant(tx, id, heirId, false));
      if (!heir || !heir.active || !heirReachable || orphans.some((o) => !outranks(heir!.role, o.role))) {
        throw ruleViolation('heir_invalid', {}, 'childrenTo');
      }
    }
    const plan = planRoleChange(members, account, newRole, newParent, heir);
    if (!input.dryRun) {
      await applyPlan(tx, actor, plan);
      if (newRole !== account.role) {
        await setRole(tx, id, newRole);
      }
      if (input.name !== undefined || input.company !== undefined) {
        await updateAccountProfile(actor, id, { name: input.name, company: input.company }, tx);
      }
      await recordAudit(tx, actor, 'account.rehome', { type: 'account', id }, {
        fromRole: account.role,
        toRole: newRole,
        fromParentId: account.parentId,
        toParentId: newParent.id,
        moved: plan.moved.length,
      });
    }
    const row = await findAccountById(tx, id);
    return { ...toAccount(row!), applied: !input.dryRun, plan };
  });
}

export async function deactivateMember(actor: Actor, id: string, input: { dryRun: boolean }, ctx: Ctx) {
  if (id === actor.account.id || id === actor.person.id) throw ruleViolation('cannot_deactivate_self');
  const target = await findReachableAccount(ctx.db, actor, id, { includeSelf: false });
  if (target.role === 'support' && actor.account.role === 'support') throw forbidden();
  return ctx.db.transaction().execute(async (tx) => {
    let plan: TPlan;
    if (target.agency_id) {
      if (target.role === 'agency') throw ruleViolation('cannot_deactivate_self');
      const agency = await lockAgency(tx, target.agency_id);
      const members = await loadMembers(tx, agency.id);
      const account = members.get(id)!;
      if (!account.active) throw invalidState('already_inactive');
      plan = planDeactivation(members, account);
    } else {
      const row = await findAccountById(tx, id);
      if (!row!.active) throw invalidState('already_inactive');
      plan = { deactivated: [{ accountId: id, name: row!.name, role: row!.role }], moved: [], returnedCents: [] };
    }
    if (!input.dryRun) {
      await applyPlan(tx, actor, plan);
      await recordAudit(tx, actor, 'account.deactivate', { type: 'account', id }, { moved: plan.moved.length });
    }
    const row = await findAccountById(tx, id);
    return { ...toAccount(row!), applied: !input.dryRun, plan };
  });
}

