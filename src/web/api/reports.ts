// Reports and portability (issue 12): the white-label branding, client reports and share links.
// Types are inferred from the server's zod schemas (types only).
import type { z } from 'zod';
import type {
  ZMonthlyEmail,
  ZBranding,
  ZBrandingBody,
  ZCreatedShare,
  ZReportSummary,
  ZShare,
  ZShareBody,
} from '../../server/modules/reports/schema';
import { api, request } from './client';

export type Branding = z.infer<typeof ZBranding>;
export type BrandingBody = z.input<typeof ZBrandingBody>;
export type Share = z.infer<typeof ZShare>;
export type CreatedShare = z.infer<typeof ZCreatedShare>;
export type ShareBody = z.input<typeof ZShareBody>;
export type ReportSummary = z.infer<typeof ZReportSummary>;
export type MonthlyEmail = z.infer<typeof ZMonthlyEmail>;

export const reportKeys = {
  branding: ['reports', 'branding'] as const,
  shares: (clientId: string) => ['reports', 'shares', clientId] as const,
  summary: (clientId: string) => ['reports', 'summary', clientId] as const,
  monthly: (clientId: string) => ['reports', 'monthly', clientId] as const,
};

const qs = (query: Record<string, string | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) p.set(k, v);
  return p.toString();
};

export const reports = {
  branding: () => api.get<Branding>('/api/reports/branding'),
  saveBranding: (body: BrandingBody) => api.put<Branding>('/api/reports/branding', body),
  resetBranding: () => request<Branding>('DELETE', '/api/reports/branding'),
  uploadLogo: (file: File) =>
    request<Branding>('PUT', '/api/reports/branding/logo', { raw: { body: file, contentType: file.type } }),
  removeLogo: () => request<Branding>('DELETE', '/api/reports/branding/logo'),
  logoUrl: (version: string | null) => `/api/reports/branding/logo?v=${encodeURIComponent(version ?? '')}`,
  summary: (clientId: string, from?: string, to?: string) =>
    api.get<ReportSummary>('/api/reports/summary', { clientId, from, to }),
  pdfUrl: (query: Record<string, string | undefined>) => `/api/reports/links.pdf?${qs(query)}`,
  csvUrl: (query: Record<string, string | undefined>) => `/api/reports/links.csv?${qs(query)}`,
  inventoryUrl: (format: 'csv' | 'json', clientId?: string) =>
    `/api/links/inventory.${format}${clientId ? `?${qs({ clientId })}` : ''}`,
  /** Every share link of the client, page after page: one left out could not be revoked. */
  shares: async (clientId: string) => {
    const items: Share[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.get<{ items: Share[]; nextCursor: string | null }>('/api/reports/shares', { clientId, limit: 100, cursor });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { items };
  },
  createShare: (body: ShareBody) => api.post<CreatedShare>('/api/reports/shares', body),
  monthlyEmail: (clientId: string) => api.get<MonthlyEmail>('/api/reports/monthly-email', { clientId }),
  setMonthlyEmail: (clientId: string, enabled: boolean) =>
    api.put<MonthlyEmail>('/api/reports/monthly-email', { clientId, enabled }),
  revokeShare: (id: string) => api.post<Share>(`/api/reports/shares/${id}/revoke`),
};
