import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { AgencyMode, Company, Role } from '../../db/types.js';
import { AppError, forbidden, invalidInput, invalidState, notFound, ruleViolation } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { modeUsesRole, outranks } from '../accounts/policy.js';
import {
  createAccount,
  findAccountByEmail,
  findAccountById,
  findReachableAccount,
  findReachableAccounts,
  isDescendant,
  setRole,
  toAccount,
  updateAccountProfile,
} from '../accounts/service.js';
import { inviteAccount } from '../auth/service.js';
import { agencyIdOf, applyPlan, localizePlan } from './apply.js';
import { agencyPolicy, assertPlacement, assertPolicy, isCollaboratorRole, mayCreateRole } from './policy.js';
import { childrenOutrankedBy, defaultReactivationParent, emptyPlan, planDeactivation, planReactivation, planRoleChange } from './plan.js';
import { endSuspensions, loadMembers, loadOpenSuspensions, lockAgency, reopenAccount, type Member } from './queries.js';
import type { Plan } from './schema.js';

// The members of an agency: created, re-homed (role or parent), deactivated and reactivated, each
// change planned first and applied in one transaction under the agency's lock.

/** The parent an actor names must be itself or below it, active, and in the same agency. */
async function findPlaceableParent(tx: Tx, actor: Actor, members: Map<string, Member>, parentId: string, field: string) {
  // Support holds no place in any hierarchy: it may name any account of the agency concerned.
  const inReach =
    actor.account.role === 'support'
      ? members.has(parentId)
      : parentId === actor.account.id || (await isDescendant(tx, actor.account.id, parentId, true));
  if (!inReach) throw notFound();
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
      return { ...toAccount(row!), applied: !input.dryRun, plan: localizePlan(emptyPlan(), actor.lang) };
    });
  }
  const target = await findReachableAccount(ctx.db, actor, id, { includeSelf: false });
  if (!target.agency_id || target.agency_id !== actor.account.agencyId) throw notFound();
  return ctx.db.transaction().execute(async (tx) => {
    const agency = await lockAgency(tx, target.agency_id!);
    const members = await loadMembers(tx, agency.id);
    const { plan } = await rehome(tx, actor, agency, members, id, input, ctx);
    const row = await findAccountById(tx, id);
    return { ...toAccount(row!), applied: !input.dryRun, plan: localizePlan(plan, actor.lang) };
  });
}

type RehomeInput = {
  role?: 'manager' | 'consultant';
  parentId?: string;
  name?: string;
  company?: Company | null;
  childrenTo?: string;
  dryRun: boolean;
};

/**
 * One re-home (a new role, a new parent, or both) inside the caller's transaction, under the
 * agency's lock, with `members` as loaded in it: checked, planned, and applied and audited unless
 * it is a dry run. The single move (PATCH /api/accounts/:id) and the bulk move both run it.
 */
async function rehome(
  tx: Tx,
  actor: Actor,
  agency: { id: string; mode: AgencyMode },
  members: Map<string, Member>,
  id: string,
  input: RehomeInput,
  ctx: Ctx,
): Promise<{ plan: Plan; account: Member; newParent: Member }> {
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
    await applyPlan(tx, actor, plan, ctx, { explicitMoveOf: id });
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
  return { plan, account, newParent };
}

/**
 * Gives several accounts the same new parent (person in charge) at once: each one exactly as the
 * single move does it (checks, plan, application, one audit entry per account), all in one
 * transaction under the agency's lock, so one refused line (out of reach: 404; against a rule: 422,
 * its field naming the line) leaves every account where it was. A dry run only plans.
 */
export async function moveMembers(actor: Actor, input: { accountIds: string[]; parentId: string; dryRun: boolean }, ctx: Ctx) {
  assertPolicy(agencyPolicy.mayManageMembers(actor));
  const agencyId = agencyIdOf(actor);
  // Reach first: an id out of reach or unknown is a 404 for the whole request, before anything else is read.
  const targets = await findReachableAccounts(ctx.db, actor, [...new Set(input.accountIds)], { includeSelf: false });
  if (targets.some((t) => t.agency_id !== agencyId)) throw notFound();
  const seen = new Set<string>();
  input.accountIds.forEach((id, i) => {
    if (seen.has(id)) throw invalidInput('bulk_duplicate', `accountIds.${i}`);
    seen.add(id);
    if (id === input.parentId) throw ruleViolation('move_into_own_subtree', {}, `accountIds.${i}`);
  });
  return ctx.db.transaction().execute(async (tx) => {
    const agency = await lockAgency(tx, agencyId);
    let members = await loadMembers(tx, agency.id);
    const items = [];
    for (const [i, id] of input.accountIds.entries()) {
      const before = members.get(id)!;
      const changed = before.parentId !== input.parentId;
      let plan: Plan = emptyPlan();
      if (changed) {
        try {
          ({ plan } = await rehome(tx, actor, agency, members, id, { parentId: input.parentId, dryRun: input.dryRun }, ctx));
        } catch (e) {
          if (e instanceof AppError && e.status !== 404) throw new AppError(e.code, e.status, e.messageKey, e.params, `accountIds.${i}`);
          throw e;
        }
        // A collaborator moved takes its subtree along: the next lines are planned on the new tree.
        if (!input.dryRun && before.role !== 'client') members = await loadMembers(tx, agency.id);
        else if (!input.dryRun) members.set(id, { ...before, parentId: input.parentId });
      }
      items.push({
        accountId: id,
        name: before.name,
        fromParentId: before.parentId,
        toParentId: input.parentId,
        changed,
        plan: localizePlan(plan, actor.lang),
      });
    }
    return { applied: !input.dryRun, items };
  });
}

export async function deactivateMember(actor: Actor, id: string, input: { dryRun: boolean }, ctx: Ctx) {
  if (id === actor.account.id || id === actor.person.id) throw ruleViolation('cannot_deactivate_self');
  const target = await findReachableAccount(ctx.db, actor, id, { includeSelf: false });
  if (target.role === 'support' && actor.account.role === 'support') throw forbidden();
  return ctx.db.transaction().execute(async (tx) => {
    let plan: Plan;
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
      plan = { ...emptyPlan(), deactivated: [{ accountId: id, name: row!.name, role: row!.role }] };
    }
    if (!input.dryRun) {
      await applyPlan(tx, actor, plan, ctx);
      await recordAudit(tx, actor, 'account.deactivate', { type: 'account', id }, { moved: plan.moved.length });
    }
    const row = await findAccountById(tx, id);
    return { ...toAccount(row!), applied: !input.dryRun, plan: localizePlan(plan, actor.lang) };
  });
}

/**
 * Brings a closed account back, for anyone above it: active again under `parentId` or, by default,
 * its former parent (the nearest open ancestor of it that may hold it, within the caller's reach).
 * A collaborator suspended by a mode switch also gets back the accounts the switch moved away from
 * it. A person who never chose a password receives a new invitation; the others sign in again.
 */
export async function reactivateMember(actor: Actor, id: string, input: { parentId?: string; dryRun: boolean }, ctx: Ctx) {
  const target = await findReachableAccount(ctx.db, actor, id, { includeSelf: false });
  return ctx.db.transaction().execute(async (tx) => {
    let plan: Plan;
    let suspensionId: string | null = null;
    const standalone = !target.agency_id;
    if (!standalone) {
      const agency = await lockAgency(tx, target.agency_id!);
      const members = await loadMembers(tx, agency.id);
      const account = members.get(id)!;
      if (account.active) throw invalidState('already_active');
      if (!modeUsesRole(agency.mode, account.role)) throw ruleViolation('mode_lacks_role', { mode: agency.mode, role: account.role }, 'role');
      const suspensions = await loadOpenSuspensions(tx, agency.id);
      const suspension = suspensions.find((s) => s.accountId === id) ?? null;
      suspensionId = suspension?.id ?? null;
      let parent: Member | null;
      if (input.parentId !== undefined) {
        parent = await findPlaceableParent(tx, actor, members, input.parentId, 'parentId');
        assertPlacement(agency.mode, parent.role, account.role);
      } else {
        const withinReach = (m: Member) => actor.account.role === 'support' || isAtOrBelow(members, m.id, actor.account.id);
        parent = defaultReactivationParent(members, agency.mode, account, suspension, withinReach);
        if (!parent) throw ruleViolation('reactivation_no_parent', {}, 'parentId');
      }
      plan = planReactivation(members, agency.mode, account, parent, suspensions);
    } else {
      const row = (await findAccountById(tx, id))!;
      if (row.active) throw invalidState('already_active');
      if (input.parentId !== undefined) throw ruleViolation('not_in_agency', {}, 'parentId');
      plan = {
        ...emptyPlan(),
        restored: [
          {
            accountId: id,
            name: row.name,
            role: row.role,
            formerParentId: null,
            formerParentName: null,
            toParentId: null,
            toParentName: null,
            invited: row.password_hash === null && row.email !== null,
          },
        ],
      };
    }
    if (!input.dryRun) {
      if (standalone) {
        // No tree to change, only the account to open (and its invitation).
        await reopenAccount(tx, id);
        if (plan.restored[0].invited) await inviteAccount(tx, actor, (await findAccountById(tx, id))!, ctx);
      } else {
        await applyPlan(tx, actor, plan, ctx);
      }
      if (suspensionId) await endSuspensions(tx, [suspensionId], 'reactivated');
      await recordAudit(tx, actor, 'account.reactivate', { type: 'account', id }, {
        parentId: plan.restored[0]?.toParentId ?? null,
        moved: plan.moved.length,
      });
    }
    const row = await findAccountById(tx, id);
    return { ...toAccount(row!), applied: !input.dryRun, plan: localizePlan(plan, actor.lang) };
  });
}

/** Whether `id` is `rootId` or below it, in the agency as loaded. */
function isAtOrBelow(members: Map<string, Member>, id: string, rootId: string): boolean {
  for (let m = members.get(id); m; m = m.parentId ? members.get(m.parentId) : undefined) {
    if (m.id === rootId) return true;
  }
  return false;
}


