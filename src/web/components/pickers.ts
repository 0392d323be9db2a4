import { endpoints } from '../api/endpoints';
import { marketplace } from '../api/marketplace';
import type { AccountListItem, Role } from '../api/types';
import type { SearchOption } from './SearchSelect';

/** The first 50 accounts of these roles whose name or e-mail contains `q`, as options. */
export function searchAccounts(roles: Role[], label: (a: AccountListItem) => string = (a) => a.name) {
  return async (q: string): Promise<SearchOption[]> => {
    const pages = await Promise.all(roles.map((role) => endpoints.accounts({ role, q: q || undefined, limit: 50 })));
    return pages.flatMap((p) => p.items).map((a) => ({ value: a.id, label: label(a) }));
  };
}

/** An account's option from its id (the picker's value came from the URL). */
export async function resolveAccount(id: string): Promise<SearchOption | null> {
  const a = await endpoints.account(id);
  return { value: a.id, label: a.name };
}

/** Every page of a list (a client's projects, a project's campaigns): small lists shown whole. */
export async function allPages<T>(page: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** The first 50 projects (of a client, when given) whose name or domain contains `q`. */
export function searchProjects(
  clientId: string | undefined,
  label: (p: { name: string; domain: string; clientName: string }) => string,
) {
  return async (q: string): Promise<SearchOption[]> =>
    (await marketplace.projects({ clientId, q: q || undefined, limit: 50 })).items.map((p) => ({ value: p.id, label: label(p) }));
}

/** The first 50 campaigns of the filters whose name contains `q`. */
export function searchCampaigns(filters: { projectId?: string; clientId?: string }) {
  return async (q: string): Promise<SearchOption[]> =>
    (await marketplace.campaigns({ ...filters, q: q || undefined, limit: 50 })).items.map((c) => ({
      value: c.id,
      label: c.name,
    }));
}
