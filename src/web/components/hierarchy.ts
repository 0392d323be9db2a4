import { useQuery } from '@tanstack/react-query';
// Pure rules shared with the server (no runtime dependency): the UI only uses them to hide what
// the server would refuse anyway; the server decides.
import { outranks, rank, rolesOfMode } from '../../server/modules/accounts/policy';
import { allAccounts, endpoints } from '../api/endpoints';
import { marketKeys } from '../api/marketplace';
import { keys, queryClient } from '../api/queries';
import type { AccountListItem, AccountStatus, MeAccount, Mode, Role } from '../api/types';

export { outranks, rank };

export type CollaboratorRole = 'manager' | 'consultant';
export type MemberRole = CollaboratorRole | 'client';

export const isCollaborator = (role: Role): role is CollaboratorRole => role === 'manager' || role === 'consultant';

/** The member roles the account in use may create in this mode (it creates only below its rank). */
export function creatableRoles(account: Pick<MeAccount, 'role'>, mode: Mode): MemberRole[] {
  return rolesOfMode[mode].filter((r) => rank[account.role] > rank[r]);
}

export const maySwitchMode = (account: Pick<MeAccount, 'role'>) => account.role === 'agency';
export const mayChangeRoles = (account: Pick<MeAccount, 'role'>) => account.role === 'agency' || account.role === 'manager';

/** A row of the hierarchy as shown: the account and how deep it sits under the viewer. */
export type TreeRow = { account: AccountListItem; level: number; isRoot: boolean };

const collator = new Intl.Collator('fr', { sensitivity: 'base' });

/**
 * The subtree as an indented list, depth first, the viewer on top: higher roles first at each
 * level, then by name. Accounts whose parent is not in the list hang under the viewer.
 */
export function buildTree(root: AccountListItem, items: AccountListItem[]): TreeRow[] {
  const byParent = new Map<string, AccountListItem[]>();
  const ids = new Set(items.map((i) => i.id));
  for (const item of items) {
    const parent = item.parentId && ids.has(item.parentId) ? item.parentId : root.id;
    const list = byParent.get(parent) ?? [];
    list.push(item);
    byParent.set(parent, list);
  }
  const rows: TreeRow[] = [{ account: root, level: 0, isRoot: true }];
  const visit = (id: string, level: number) => {
    const children = (byParent.get(id) ?? []).sort((a, b) => rank[b.role] - rank[a.role] || collator.compare(a.name, b.name));
    for (const child of children) {
      rows.push({ account: child, level, isRoot: false });
      visit(child.id, level + 1);
    }
  };
  visit(root.id, 1);
  return rows;
}

/** Ids of an account and everything below it, from the subtree list. */
export function descendantsOf(id: string, items: Pick<AccountListItem, 'id' | 'parentId'>[]): Set<string> {
  const out = new Set<string>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const item of items) {
      if (item.parentId && out.has(item.parentId) && !out.has(item.id)) {
        out.add(item.id);
        grew = true;
      }
    }
  }
  return out;
}

export type ParentOption = { value: string; label: string; role: Role };

/** The viewer and the active accounts of its subtree that outrank `role`: who may be its parent. */
export function parentOptions(
  self: Pick<MeAccount, 'id' | 'name' | 'role'>,
  items: Pick<AccountListItem, 'id' | 'name' | 'role' | 'active'>[],
  role: Role,
  exclude: Set<string> = new Set(),
  roleLabel: (r: Role) => string,
): ParentOption[] {
  const options: ParentOption[] = [];
  if (outranks(self.role, role) && !exclude.has(self.id)) {
    options.push({ value: self.id, label: `${self.name} (${roleLabel(self.role)})`, role: self.role });
  }
  const others = items
    .filter((i) => i.active && !exclude.has(i.id) && outranks(i.role, role))
    .sort((a, b) => rank[b.role] - rank[a.role] || collator.compare(a.name, b.name));
  for (const i of others) options.push({ value: i.id, label: `${i.name} (${roleLabel(i.role)})`, role: i.role });
  return options;
}

/**
 * Where `account` may be moved (a client's new person in charge, a collaborator's new parent):
 * the parents it may have, less itself and its subtree, less where it already is. Empty for a
 * consultant's client (the consultant is the only one in its reach who can be in charge of it):
 * the action is then not offered at all.
 */
export function moveOptions(
  self: Pick<MeAccount, 'id' | 'name' | 'role'>,
  account: Pick<AccountListItem, 'id' | 'role' | 'parentId'>,
  members: Pick<AccountListItem, 'id' | 'name' | 'role' | 'active' | 'parentId'>[],
  roleLabel: (r: Role) => string = (r) => r,
): ParentOption[] {
  return parentOptions(self, members, account.role, descendantsOf(account.id, members), roleLabel).filter(
    (o) => o.value !== account.parentId,
  );
}

/** The agency of the account in use: its mode and counts. */
export function useAgency() {
  return useQuery({ queryKey: keys.agency, queryFn: endpoints.agency });
}

/**
 * The whole subtree below the account in use (every page): its open accounts (the default, for the
 * parent pickers and allocation targets), or its closed ones, or both (for the tree's filter).
 */
export function useSubtree(status: AccountStatus = 'active') {
  return useQuery({
    queryKey: status === 'active' ? keys.subtree : [...keys.subtree, status],
    queryFn: () => allAccounts({ status }),
  });
}

/** Managers and consultants in reach: the people who can be in charge of a client. */
export function useCollaborators() {
  return useQuery({
    queryKey: keys.collaborators,
    queryFn: async () => {
      const [managers, consultants] = await Promise.all([allAccounts({ role: 'manager' }), allAccounts({ role: 'consultant' })]);
      return [...managers, ...consultants];
    },
  });
}

/** After any change to the hierarchy: lists, counts, balances and the audit trail are stale. */
export async function refreshHierarchy() {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ['accounts'] }),
    queryClient.invalidateQueries({ queryKey: keys.agency }),
    queryClient.invalidateQueries({ queryKey: ['account'] }),
    queryClient.invalidateQueries({ queryKey: keys.audit }),
    // The agency's overview tables name each client's person in charge (and filter on it).
    queryClient.invalidateQueries({ queryKey: marketKeys.campaigns({}).slice(0, 1) }),
    queryClient.invalidateQueries({ queryKey: marketKeys.clientsOverview({}).slice(0, 1) }),
    queryClient.invalidateQueries({ queryKey: marketKeys.orders({}).slice(0, 1) }),
  ]);
}
