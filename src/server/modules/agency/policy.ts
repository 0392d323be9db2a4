import type { Actor } from '../../http/actor.js';
import type { AgencyMode, Role } from '../../db/types.js';
import { forbidden, ruleViolation } from '../../http/errors.js';
import { collaboratorRoles, modeUsesRole, outranks, rank } from '../accounts/policy.js';

/**
 * Who may do what to an agency's hierarchy. Reach itself (the target is below the actor) is
 * checked against the closure table by the service; these are the rules on roles and modes.
 *
 * | action                     | who                                   | extra rule                                  |
 * |----------------------------|---------------------------------------|---------------------------------------------|
 * | request agency mode        | a customer outside any agency         | one pending request at a time               |
 * | approve / reject a request | support                               |                                             |
 * | switch mode                | the agency account                    | plan first; dropped roles re-home up        |
 * | create a member            | agency, manager, consultant           | parent in reach, outranks, mode uses role   |
 * | change a role              | agency, manager (over its subtree)    | collaborators only; mode uses the new role  |
 * | move under another parent  | anyone over both ends                 | parent outranks, not inside own subtree     |
 * | deactivate                 | anyone above the account              | children and credits go to its parent       |
 * | read the team table        | agency, manager, consultant           | its own subtree only                        |
 * | move several at once       | as moving each one                    | all or nothing, in one transaction          |
 */
export const agencyPolicy = {
  mayRequestAgencyMode: (actor: Actor) => actor.account.role === 'client' && actor.account.agencyId === null,
  mayDecideAgencyRequests: (actor: Actor) => actor.account.role === 'support',
  maySwitchMode: (actor: Actor) => actor.account.role === 'agency',
  mayManageMembers: (actor: Actor) =>
    actor.account.agencyId !== null && ['agency', 'manager', 'consultant'].includes(actor.account.role),
  mayReadTeam: (actor: Actor) =>
    actor.account.agencyId !== null && ['agency', 'manager', 'consultant'].includes(actor.account.role),
  mayChangeRoles: (actor: Actor) => actor.account.agencyId !== null && ['agency', 'manager'].includes(actor.account.role),
};

export function assertPolicy(allowed: boolean, key: Parameters<typeof forbidden>[0] = 'forbidden'): void {
  if (!allowed) throw forbidden(key);
}

/** A member's place is valid when its parent outranks it and the agency's mode uses its role. */
export function assertPlacement(mode: AgencyMode, parentRole: Role, role: Role, field = 'parentId'): void {
  if (!modeUsesRole(mode, role)) throw ruleViolation('mode_lacks_role', { mode, role }, 'role');
  if (!outranks(parentRole, role)) throw ruleViolation('parent_must_outrank', { parentRole, role }, field);
}

export function isCollaboratorRole(role: Role): boolean {
  return (collaboratorRoles as readonly Role[]).includes(role);
}

/** The actor may create an account of `role` only below its own rank. */
export function mayCreateRole(actor: Actor, role: Role): boolean {
  return rank[actor.account.role] > rank[role];
}
