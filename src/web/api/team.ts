// The team table's part of the typed client (Agence tab): the roll-ups, their CSV, and the bulk
// actions. Types are inferred from the server's zod schemas (types only).
import type { z } from 'zod';
import type { ZBulkMoveBody, ZBulkMoveResult, ZTeamPage, ZTeamQuery, ZTeamRow } from '../../server/modules/agency/schema';
import type { ZBulkTransfer, ZBulkTransferBody } from '../../server/modules/ledger/schema';
import { api, request } from './client';

export type TeamRow = z.infer<typeof ZTeamRow>;
export type TeamPage = z.infer<typeof ZTeamPage>;
export type TeamQuery = Partial<Omit<z.input<typeof ZTeamQuery>, 'limit'>> & { limit?: number };
export type TeamSort = NonNullable<TeamQuery['sort']>;
export type BulkTransferBody = z.input<typeof ZBulkTransferBody>;
export type BulkTransfer = z.infer<typeof ZBulkTransfer>;
export type BulkMoveBody = z.input<typeof ZBulkMoveBody>;
export type BulkMoveResult = z.infer<typeof ZBulkMoveResult>;

function teamQuery(query: TeamQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  return params;
}

/** Under ['accounts']: every change to the hierarchy or to credits refreshes the table. */
export const teamKeys = {
  all: ['accounts', 'team'] as const,
  page: (query: TeamQuery) => ['accounts', 'team', query] as const,
};

export const teamEndpoints = {
  page: (query: TeamQuery) => api.get<TeamPage>('/api/agency/team', query),
  csvUrl: (query: TeamQuery) => {
    const q = teamQuery({ ...query, cursor: undefined, limit: undefined }).toString();
    return `/api/agency/team.csv${q ? `?${q}` : ''}`;
  },
  allocate: (body: BulkTransferBody, idempotencyKey: string) =>
    request<BulkTransfer>('POST', '/api/transfers/bulk', { body, headers: { 'idempotency-key': idempotencyKey } }),
  move: (body: BulkMoveBody) => api.post<BulkMoveResult>('/api/agency/moves', body),
};
