import type { AgencyMode, Role } from '../../db/types.js';
import { modeUsesRole, outranks } from '../accounts/policy.js';
import type { Member, OpenSuspension } from './queries.js';
import type { Plan as TPlan } from './schema.js';

/**
 * Re-homing plans: pure functions from the agency's members to "who is closed or restored, who
 * moves where, whose credits go to whom". The service shows a plan (dry run) or applies it as is,
 * so what the user saw is exactly what happens.
 */

export const emptyPlan = (): TPlan => ({ deactivated: [], restored: [], moved: [], returnedCents: [], heldCents: [], notes: [] });

function nearestAncestor(members: Map<string, Member>, fromId: string | null, accept: (m: Member) => boolean): Member {
  let current = fromId ? members.get(fromId) : undefined;
  while (current) {
    if (accept(current)) return current;
    current = current.parentId ? members.get(current.parentId) : undefined;
  }
  throw new Error('re-homing found no ancestor to take over: the agency root must accept');
}

function addMove(plan: TPlan, members: Map<string, Member>, child: Member, fromParentId: string | null, to: Member) {
  const existing = plan.moved.find((m) => m.accountId === child.id);
  if (existing) {
    // Moved twice by one plan (a restore undoing two switches): one move, from where it was to where it ends.
    existing.toParentId = to.id;
    existing.toParentName = to.name;
    if (existing.fromParentId === to.id) plan.moved.splice(plan.moved.indexOf(existing), 1);
    return;
  }
  if (fromParentId === to.id) return;
  const from = fromParentId ? members.get(fromParentId) : undefined;
  plan.moved.push({
    accountId: child.id,
    name: child.name,
    role: child.role,
    fromParentId,
    fromParentName: from?.name ?? null,
    toParentId: to.id,
    toParentName: to.name,
  });
}

/** The credits a closed account hands over: what it may spend now, and what is held on its open orders (it follows once released). */
function addHandOver(plan: TPlan, from: Member, to: Member) {
  if (from.availableCents > 0) {
    plan.returnedCents.push({ fromAccountId: from.id, fromName: from.name, toAccountId: to.id, toName: to.name, amountCents: from.availableCents });
  }
  if (from.pendingCents > 0) {
    plan.heldCents.push({ accountId: from.id, name: from.name, toAccountId: to.id, toName: to.name, amountCents: from.pendingCents });
  }
}

function activeChildren(members: Map<string, Member>, parentId: string): Member[] {
  return allChildren(members, parentId).filter((m) => m.active);
}

/** Deactivated children too: they stay in the tree, so their parent must still outrank them. */
function allChildren(members: Map<string, Member>, parentId: string): Member[] {
  return [...members.values()].filter((m) => m.parentId === parentId).sort((a, b) => a.id.localeCompare(b.id));
}

const byId = (a: { accountId: string }, b: { accountId: string }) => a.accountId.localeCompare(b.accountId);

function finish(plan: TPlan): TPlan {
  plan.moved.sort(byId);
  if (plan.heldCents.length > 0) plan.notes.push({ code: 'plan_held_credits_follow' });
  if (plan.restored.length > 0) plan.notes.push({ code: 'plan_credits_not_returned' });
  const invited = plan.restored.filter((r) => r.invited).length;
  if (invited > 0) plan.notes.push({ code: 'plan_invitation_sent', params: { count: invited } });
  return plan;
}

/**
 * Switching mode suspends the members whose role the new mode drops: their accounts and credits
 * go to the nearest kept ancestor. Switching to a mode that uses a suspended role again restores
 * those collaborators and their former clients (`restore`, see planRestore).
 */
export function planModeSwitch(
  members: Map<string, Member>,
  target: AgencyMode,
  suspensions: OpenSuspension[],
  options: { restore: boolean },
): TPlan {
  const plan = emptyPlan();
  const kept = (m: Member) => modeUsesRole(target, m.role);
  const dropped = [...members.values()].filter((m) => m.active && !kept(m)).sort((a, b) => a.id.localeCompare(b.id));
  const droppedIds = new Set(dropped.map((m) => m.id));
  for (const m of dropped) {
    plan.deactivated.push({ accountId: m.id, name: m.name, role: m.role });
    addHandOver(plan, m, nearestAncestor(members, m.parentId, (a) => !droppedIds.has(a.id)));
  }
  for (const m of members.values()) {
    if (m.active && kept(m) && m.parentId && droppedIds.has(m.parentId)) {
      addMove(plan, members, m, m.parentId, nearestAncestor(members, m.parentId, (a) => !droppedIds.has(a.id)));
    }
  }
  const restorable = restorableSuspensions(members, target, suspensions);
  if (options.restore) planRestore(plan, members, target, restorable, suspensions);
  else if (restorable.length > 0) plan.notes.push({ code: 'plan_restorable', params: { count: restorable.length } });
  return finish(plan);
}

/** The open suspensions a mode would restore: collaborators still suspended, whose role the mode uses. */
function restorableSuspensions(members: Map<string, Member>, mode: AgencyMode, suspensions: OpenSuspension[]): OpenSuspension[] {
  return suspensions.filter((s) => {
    const m = members.get(s.accountId);
    return m !== undefined && !m.active && m.closedReason === 'suspended_by_mode' && modeUsesRole(mode, m.role);
  });
}

/**
 * Restores suspended collaborators, as the hierarchy stood before the switches that suspended them:
 * each active again under its former parent, or the nearest ancestor of it that is open (or
 * restored by this plan), outranks it and whose role the mode uses. Then each account a switch
 * moved away from a suspended collaborator (one record per account, kept up to date as plans move
 * it on) goes back under it if it is restored, or under its nearest open ancestor if it stays
 * suspended, unless someone gave that account another parent in between. Credits are not pushed back.
 */
function planRestore(
  plan: TPlan,
  members: Map<string, Member>,
  mode: AgencyMode,
  toRestore: OpenSuspension[],
  allOpen: OpenSuspension[],
  options: { parentOf?: (s: OpenSuspension) => Member | null } = {},
) {
  const active = new Map([...members.values()].map((m) => [m.id, m.active]));
  const parent = new Map([...members.values()].map((m) => [m.id, m.parentId]));
  const ordered = [...toRestore].sort((a, b) => {
    const byRank = rankOf(members, b) - rankOf(members, a);
    return byRank !== 0 ? byRank : a.seq - b.seq;
  });
  for (const s of ordered) {
    const m = members.get(s.accountId)!;
    const accept = (p: Member) => active.get(p.id) === true && outranks(p.role, m.role) && modeUsesRole(mode, p.role);
    const target = options.parentOf?.(s) ?? climb(members, parent, s.formerParentId ?? m.parentId, accept);
    if (!target) throw new Error('restore found no parent: the agency root must accept');
    plan.restored.push({
      accountId: m.id,
      name: m.name,
      role: m.role,
      formerParentId: s.formerParentId,
      formerParentName: s.formerParentId ? members.get(s.formerParentId)?.name ?? null : null,
      toParentId: target.id,
      toParentName: target.name,
      invited: !m.hasLogin && m.email !== null,
    });
    active.set(m.id, true);
    addMove(plan, members, m, parent.get(m.id) ?? null, target);
    parent.set(m.id, target.id);
  }
  const records = allOpen.flatMap((s) => s.moves.map((move) => ({ ...move, suspendedId: s.accountId })));
  for (const record of records.sort(byId)) {
    const child = members.get(record.accountId);
    if (!child || parent.get(child.id) !== record.toParentId) continue;
    const accept = (p: Member) => active.get(p.id) === true && outranks(p.role, child.role);
    const target = climb(members, parent, record.suspendedId, accept);
    if (!target || target.id === record.toParentId) continue;
    addMove(plan, members, child, record.toParentId, target);
    parent.set(child.id, target.id);
  }
}

function rankOf(members: Map<string, Member>, s: OpenSuspension): number {
  return (['client', 'consultant', 'manager', 'agency'] as Role[]).indexOf(members.get(s.accountId)!.role);
}

/** From `startId` up the tree (as the plan has it so far), the first account `accept` takes. */
function climb(members: Map<string, Member>, parent: Map<string, string | null>, startId: string | null, accept: (m: Member) => boolean): Member | null {
  let current = startId ? members.get(startId) : undefined;
  while (current) {
    if (accept(current)) return current;
    const up = parent.get(current.id);
    current = up ? members.get(up) : undefined;
  }
  return null;
}

/** Deactivating an account hands its children and its credits to its parent. */
export function planDeactivation(members: Map<string, Member>, account: Member): TPlan {
  const plan = emptyPlan();
  plan.deactivated.push({ accountId: account.id, name: account.name, role: account.role });
  const parent = account.parentId ? members.get(account.parentId) : undefined;
  if (parent) {
    for (const child of activeChildren(members, account.id)) addMove(plan, members, child, account.id, parent);
    addHandOver(plan, account, parent);
  }
  return finish(plan);
}

/**
 * Reactivating a closed member of an agency: active again under `parent` (chosen by the caller, or
 * found by `defaultReactivationParent`). A collaborator suspended by a mode switch also gets back
 * the accounts the switch moved away from it, as a restore would (and so do the accounts of
 * collaborators still suspended below it).
 */
export function planReactivation(
  members: Map<string, Member>,
  mode: AgencyMode,
  account: Member,
  parent: Member,
  suspensions: OpenSuspension[],
): TPlan {
  const plan = emptyPlan();
  const own = suspensions.find((s) => s.accountId === account.id);
  const s: OpenSuspension = own ?? { id: '', seq: 0, accountId: account.id, role: account.role, formerParentId: account.parentId, moves: [] };
  planRestore(plan, members, mode, [s], suspensions, { parentOf: () => parent });
  return finish(plan);
}

/**
 * Where a closed member goes back by default: its former parent (the one it had when a switch
 * suspended it, else its parent), or the nearest ancestor of it that is open, outranks it and
 * whose role the mode uses, no higher than `ceilingId` (the caller's own account).
 */
export function defaultReactivationParent(
  members: Map<string, Member>,
  mode: AgencyMode,
  account: Member,
  suspension: OpenSuspension | null,
  withinReach: (m: Member) => boolean,
): Member | null {
  const parent = new Map([...members.values()].map((m) => [m.id, m.parentId]));
  const accept = (p: Member) => p.active && outranks(p.role, account.role) && modeUsesRole(mode, p.role) && withinReach(p);
  return climb(members, parent, suspension?.formerParentId ?? account.parentId, accept);
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
    if (!outranks(newRole, child.role)) addMove(plan, members, child, account.id, heir!);
  }
  if (newParent.id !== account.parentId) addMove(plan, members, account, account.parentId, newParent);
  return finish(plan);
}

/** The children a role would no longer outrank, deactivated ones included: they need an heir. */
export function childrenOutrankedBy(members: Map<string, Member>, accountId: string, newRole: Role): Member[] {
  return allChildren(members, accountId).filter((c) => !outranks(newRole, c.role));
}

