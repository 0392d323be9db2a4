import type { AgencyMode, Role } from '../../db/types.js';
import { outranks, rolesOfMode } from '../accounts/policy.js';
import type { Member } from './queries.js';
import type { TPlan } from './schema.js';

/**
 * Re-homing plans: pure functions from the agency's members to "who is deactivated, who moves
 * where, whose credits go to whom". The service shows a plan (dry run) or applies it as is, so
 * what the user saw is exactly what happens.
 */

const emptyPlan = (): TPlan => ({ deactivated: [], moved: [], returnedCents: [] });

function nearestAncestor(members: Map<string, Member>, fromId: string | null, accept: (m: Member) => boolean): Member {
  let current = fromId ? members.get(fromId) : undefined;
  while (current) {
    if (accept(current)) return current;
    current = current.parentId ? members.get(current.parentId) : undefined;
  }
  throw new Error('re-homing found no ancestor to take over: the agency root must accept');
}

function addMove(plan: TPlan, members: Map<string, Member>, child: Member, to: Member) {
  const from = child.parentId ? members.get(child.parentId) : undefined;
  plan.moved.push({
    accountId: child.id,
    name: child.name,
    role: child.role,
    fromParentId: child.parentId,
    fromParentName: from?.name ?? null,
    toParentId: to.id,
    toParentName: to.name,
  });
}

function addReturn(plan: TPlan, from: Member, to: Member) {
  if (from.availableCents > 0) {
    plan.returnedCents.push({
      fromAccountId: from.id,
      fromName: from.name,
      toAccountId: to.id,
      toName: to.name,
      amountCents: from.availableCents,
    });
  }
}

function activeChildren(members: Map<string, Member>, parentId: string): Member[] {
  return allChildren(members, parentId).filter((m) => m.active);
}

/** Deactivated children too: they stay in the tree, so their parent must still outrank them. */
function allChildren(members: Map<string, Member>, parentId: string): Member[] {
  return [...members.values()].filter((m) => m.parentId === parentId).sort((a, b) => a.id.localeCompare(b.id));
}

/** Switching mode deactivates the members whose role the new mode drops; their accounts and credits go to the nearest kept ancestor. */
export function planModeSwitch(members: Map<string, Member>, target: AgencyMode): TPlan {
  const plan = emptyPlan();
  const kept = (m: Member) => m.role === 'agency' || (rolesOfMode[target] as readonly Role[]).includes(m.role);
  const dropped = [...members.values()].filter((m) => m.active && !kept(m)).sort((a, b) => a.id.localeCompare(b.id));
  const droppedIds = new Set(dropped.map((m) => m.id));
  for (const m of dropped) {
    plan.deactivated.push({ accountId: m.id, name: m.name, role: m.role });
    addReturn(plan, m, nearestAncestor(members, m.parentId, (a) => !droppedIds.has(a.id)));
  }
  for (const m of members.values()) {
    if (m.active && kept(m) && m.parentId && droppedIds.has(m.parentId)) {
      addMove(plan, members, m, nearestAncestor(members, m.parentId, (a) => !droppedIds.has(a.id)));
    }
  }
  plan.moved.sort((a, b) => a.accountId.localeCompare(b.accountId));
  return plan;
}

/** Deactivating an account hands its children and its credits to its parent. */
export function planDeactivation(members: Map<string, Member>, account: Member): TPlan {
  const plan = emptyPlan();
  plan.deactivated.push({ accountId: account.id, name: account.name, role: account.role });
  const parent = account.parentId ? members.get(account.parentId) : undefined;
  if (parent) {
    for (const child of activeChildren(members, account.id)) addMove(plan, members, child, parent);
    addReturn(plan, account, parent);
  }
  return plan;
}

/**
 * A role change keeps the children the new role still outranks; the others (deactivated ones
 * included, so that every parent in the tree outranks its child) go to `heir`. If the account
 * itself changes parent, that is one more move.
 */
export function planRoleChange(
  members: Map<string, Member>,
  account: Member,
  newRole: Role,
  newParent: Member,
  heir: Member | null,
): TPlan {
  const plan = emptyPlan();
  for (const child of allChildren(members, account.id)) {
    if (!outranks(newRole, child.role)) addMove(plan, members, child, heir!);
  }
  if (newParent.id !== account.parentId) addMove(plan, members, account, newParent);
  return plan;
}

/** The children a role would no longer outrank, deactivated ones included: they need an heir. */
export function childrenOutrankedBy(members: Map<string, Member>, accountId: string, newRole: Role): Member[] {
  return allChildren(members, accountId).filter((c) => !outranks(newRole, c.role));
}
