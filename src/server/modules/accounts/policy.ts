import type { AgencyMode, Role } from '../../db/types.js';

/** Rank in an agency's hierarchy: a parent always ranks strictly above its child. */
export const rank: Record<Role, number> = {
  agency: 3,
  manager: 2,
  consultant: 1,
  client: 0,
  publisher: -1,
  support: -1,
  system: -1,
};

export const memberRoles = ['manager', 'consultant', 'client'] as const;
export type MemberRole = (typeof memberRoles)[number];
export const collaboratorRoles = ['manager', 'consultant'] as const;

/** Which member roles each agency mode uses. */
export const rolesOfMode: Record<AgencyMode, readonly MemberRole[]> = {
  simple: ['client'],
  intermediate: ['manager', 'client'],
  complete: ['manager', 'consultant', 'client'],
};

export function outranks(parent: Role, child: Role): boolean {
  return rank[parent] > rank[child] && rank[child] >= 0;
}

export function modeUsesRole(mode: AgencyMode, role: Role): boolean {
  return role === 'agency' || (rolesOfMode[mode] as readonly Role[]).includes(role);
}

