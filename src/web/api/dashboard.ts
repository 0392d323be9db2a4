// The dashboards (issue 12): one request per dashboard. Types inferred from the server's zod schemas (types only).
import type { z } from 'zod';
import type { ZDashboard } from '../../server/modules/dashboard/schema';
import { api } from './client';

export type Dashboard = z.infer<typeof ZDashboard>;
export type BuyerDashboard = NonNullable<Dashboard['buyer']>;
export type PublisherDashboard = NonNullable<Dashboard['publisher']>;
export type SupportDashboard = NonNullable<Dashboard['support']>;
export type Bucket = Dashboard['range']['bucket'];
export type DashboardQuery = { from?: string; to?: string; groupBy: 'client' | 'collaborator' };

export const dashboardKeys = {
  of: (accountId: string, q: DashboardQuery) => ['dashboard', accountId, q.from ?? '', q.to ?? '', q.groupBy] as const,
};

export const dashboards = {
  get: (q: DashboardQuery) => api.get<Dashboard>('/api/dashboard', q),
};
