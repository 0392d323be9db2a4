import { focusManager, MutationCache, QueryClient, useQuery } from '@tanstack/react-query';
import { ApiError } from './client';
import { endpoints } from './endpoints';
import type { Me } from './types';

export const queryClient = new QueryClient({
  // After every action, the bell asks again: what was done may have told the person something
  // (or marked it read).
  mutationCache: new MutationCache({
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['notifications', 'unread-count'] }),
  }),
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // An answer from the server (401, 403, 404...) will not change by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status > 0) && count < 2,
    },
  },
});

// Coming back to the app counts as a tab shown again or as a window focused again (TanStack's
// default is the former only): the queries that ask for it (the bell) refresh on either.
focusManager.setEventListener((handleFocus) => {
  const listener = () => handleFocus();
  window.addEventListener('visibilitychange', listener, false);
  window.addEventListener('focus', listener, false);
  return () => {
    window.removeEventListener('visibilitychange', listener);
    window.removeEventListener('focus', listener);
  };
});

export const keys = {
  me: ['me'] as const,
  account: (id: string) => ['account', id] as const,
  agency: ['agency'] as const,
  subtree: ['accounts', 'subtree'] as const,
  collaborators: ['accounts', 'collaborators'] as const,
  clients: (q: string, status: string) => ['accounts', 'clients', q, status] as const,
  agencyRequest: ['agency-request'] as const,
  audit: ['audit'] as const,
  supportRequests: ['support', 'requests'] as const,
  supportAccounts: (q: string) => ['support', 'accounts', q] as const,
  outbox: ['support', 'outbox'] as const,
};

let onMeLoaded: ((me: Me) => void) | null = null;
/** Lets the app react to what /api/me says (e.g. an acting-as that ended on this request). */
export function onMe(listener: (me: Me) => void) {
  onMeLoaded = listener;
}

export function useMe() {
  return useQuery({
    queryKey: keys.me,
    queryFn: async () => {
      const me = await endpoints.me();
      onMeLoaded?.(me);
      return me;
    },
    staleTime: 30_000,
  });
}

/** The signed-in session; only call below <RequireAuth>, where it is loaded. */
export function useSession(): Me {
  const { data } = useMe();
  if (!data) throw new Error('useSession outside an authenticated page');
  return data;
}

/**
 * After a change of identity (act-as, stop, an acting-as that ended): the new `me`, and every other
 * cached answer dropped. The shell remounts its page on an identity change, so pages fetch again
 * as the new account and nothing of the previous one stays on screen.
 */
export function replaceIdentity(me: Me) {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
  queryClient.setQueryData(keys.me, me);
}

/** Where a person lands on their own account: the agency page for agency members. */
export function homeOf(me: Pick<Me, 'person'>): string {
  return ['agency', 'manager', 'consultant'].includes(me.person.role) ? '/agence' : '/';
}
