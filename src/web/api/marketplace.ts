// The marketplace part of the typed client: catalog, projects, campaigns, orders, the publisher's
// space and the support screens over them. Types are inferred from the server's zod schemas
// (types only); kept apart from endpoints.ts/types.ts so that the two stay small.
import type { z } from 'zod';
import type {
  THEMES,
  ZArticle,
  ZArticleBody,
  ZCreateSiteBody,
  ZImport,
  ZLanguage,
  ZOffer,
  ZOfferQuery,
  ZPriceGrid,
  ZSite,
  ZSiteKind,
} from '../../server/modules/catalog/schema';
import type {
  ZCampaign,
  ZCampaignBody,
  ZCampaignPatch,
  ZClientOverview,
  ZOrder,
  ZOrderBody,
  ZOrderStatus,
  ZOrderSummary,
  ZOrdersQuery,
  ZOrderTotals,
  ZProject,
  ZProjectBody,
  ZPublisherOrder,
} from '../../server/modules/orders/schema';
import { api, request } from './client';

export type Theme = (typeof THEMES)[number];
export type SiteKind = z.infer<typeof ZSiteKind>;
export type SiteLanguage = z.infer<typeof ZLanguage>;
export type Offer = z.infer<typeof ZOffer>;
export type OfferQuery = Partial<z.infer<typeof ZOfferQuery>>;
export type Site = z.infer<typeof ZSite>;
export type SiteStatus = Site['status'];
export type CreateSiteBody = z.input<typeof ZCreateSiteBody>;
export type Article = z.infer<typeof ZArticle>;
export type ArticleBody = z.input<typeof ZArticleBody>;
export type KeywordImport = z.infer<typeof ZImport>;
export type PriceGrid = z.infer<typeof ZPriceGrid>;
export type GridCell = PriceGrid['cells'][number];

export type OrderStatus = z.infer<typeof ZOrderStatus>;
export type Project = z.infer<typeof ZProject>;
export type ProjectBody = z.input<typeof ZProjectBody>;
export type Campaign = z.infer<typeof ZCampaign>;
export type CampaignBody = z.input<typeof ZCampaignBody>;
export type CampaignPatch = z.input<typeof ZCampaignPatch>;
export type OrderBody = z.input<typeof ZOrderBody>;
export type OrderSummary = z.infer<typeof ZOrderSummary>;
export type Order = z.infer<typeof ZOrder>;
export type OrderTotals = z.infer<typeof ZOrderTotals>;
export type OrdersQuery = Partial<z.infer<typeof ZOrdersQuery>>;
export type PublisherOrder = z.infer<typeof ZPublisherOrder>;
export type ClientOverview = z.infer<typeof ZClientOverview>;

type Page<T> = { items: T[]; nextCursor: string | null };

export const marketplace = {
  offers: (query: OfferQuery) => api.get<Page<Offer> & { total: number }>('/api/catalog/offers', query),
  setFavourite: (offerId: string, favourite: boolean) =>
    favourite
      ? api.post<{ offerId: string; favourite: boolean }>(`/api/catalog/favourites/${offerId}`)
      : request<{ offerId: string; favourite: boolean }>('DELETE', `/api/catalog/favourites/${offerId}`),
  offer: (id: string) => api.get<Offer>(`/api/catalog/offers/${id}`),
  priceGrid: () => api.get<PriceGrid>('/api/catalog/price-grid'),
  savePriceGrid: (grid: PriceGrid) => api.put<PriceGrid>('/api/support/price-grid', grid),

  projects: (query: { clientId?: string; q?: string; limit?: number; cursor?: string }) =>
    api.get<Page<Project>>('/api/projects', query),
  createProject: (body: ProjectBody) => api.post<Project>('/api/projects', body),
  campaigns: (query: {
    projectId?: string;
    clientId?: string;
    personInChargeId?: string;
    q?: string;
    limit?: number;
    cursor?: string;
  }) => api.get<Page<Campaign>>('/api/campaigns', query),
  createCampaign: (body: CampaignBody) => api.post<Campaign>('/api/campaigns', body),
  project: (id: string) => api.get<Project>(`/api/projects/${id}`),
  campaign: (id: string) => api.get<Campaign>(`/api/campaigns/${id}`),
  updateCampaign: (id: string, body: CampaignPatch) => api.patch<Campaign>(`/api/campaigns/${id}`, body),
  closeCampaign: (id: string) => api.post<Campaign>(`/api/campaigns/${id}/close`),
  reopenCampaign: (id: string) => api.post<Campaign>(`/api/campaigns/${id}/reopen`),

  /** `idempotencyKey`: one per opening of the order form, so a double submit places one order. */
  placeOrder: (body: OrderBody, idempotencyKey: string) =>
    request<OrderSummary>('POST', '/api/orders', { body, headers: { 'idempotency-key': idempotencyKey } }),
  orders: (query: OrdersQuery) => api.get<Page<OrderSummary> & { totals: OrderTotals }>('/api/orders', query),
  order: (id: string) => api.get<Order>(`/api/orders/${id}`),
  cancelOrder: (id: string, idempotencyKey: string) =>
    request<OrderSummary>('POST', `/api/orders/${id}/cancel`, { body: {}, headers: { 'idempotency-key': idempotencyKey } }),
  clientsOverview: (query: { q?: string; personInChargeId?: string; cursor?: string; limit?: number }) =>
    api.get<Page<ClientOverview>>('/api/agency/clients', query),

  ownSites: (cursor?: string) => api.get<Page<Site>>('/api/publisher/sites', { limit: 50, cursor }),
  /** whether the account in use has at least one site (one row asked for) */
  hasOwnSite: async () => (await api.get<Page<Site>>('/api/publisher/sites', { limit: 1 })).items.length > 0,
  ownSite: (id: string) => api.get<Site>(`/api/publisher/sites/${id}`),
  createSite: (body: CreateSiteBody) => api.post<Site>('/api/publisher/sites', body),
  articles: (siteId: string, cursor?: string) =>
    api.get<Page<Article>>(`/api/publisher/sites/${siteId}/articles`, { limit: 50, cursor }),
  addArticle: (siteId: string, body: ArticleBody) => api.post<Article>(`/api/publisher/sites/${siteId}/articles`, body),
  /** The file's bytes as they are: the server detects the encoding, delimiter and columns. */
  startImport: (siteId: string, file: Blob) =>
    request<{ importId: string }>('POST', `/api/publisher/sites/${siteId}/imports`, {
      raw: { body: file, contentType: 'text/csv' },
    }),
  keywordImport: (id: string) => api.get<KeywordImport>(`/api/publisher/imports/${id}`),
  publisherOrders: (query: { status?: OrderStatus; cursor?: string }) =>
    api.get<Page<PublisherOrder>>('/api/publisher/orders', { limit: 50, ...query }),
  acceptOrder: (id: string) => api.post<{ id: string; status: OrderStatus }>(`/api/publisher/orders/${id}/accept`),
  refuseOrder: (id: string, reason: string) =>
    api.post<{ id: string; status: OrderStatus }>(`/api/publisher/orders/${id}/refuse`, { reason }),
  submitLiveUrl: (id: string, liveUrl: string) =>
    api.post<{ id: string; status: OrderStatus }>(`/api/publisher/orders/${id}/placed`, { liveUrl }),

  sitesForReview: (status?: SiteStatus, cursor?: string) =>
    api.get<Page<Site>>('/api/support/sites', { status, limit: 50, cursor }),
  approveSite: (id: string) => api.post<Site>(`/api/support/sites/${id}/approve`),
  refuseSite: (id: string, reason: string) => api.post<Site>(`/api/support/sites/${id}/refuse`, { reason }),
};

/** Query keys of the marketplace (first element shared per family, for invalidation). */
export const marketKeys = {
  offers: (q: object) => ['offers', q] as const,
  offer: (id: string) => ['offers', 'one', id] as const,
  priceGrid: ['price-grid'] as const,
  projects: (clientId: string | null) => ['projects', clientId] as const,
  /** under projects: refreshed with every project list */
  project: (id: string) => ['projects', 'one', id] as const,
  projectList: (q: object) => ['projects', 'list', q] as const,
  campaigns: (q: object) => ['campaigns', q] as const,
  orders: (q: object) => ['orders', q] as const,
  order: (id: string) => ['orders', 'one', id] as const,
  clientsOverview: (q: object) => ['clients-overview', q] as const,
  ownSites: ['publisher', 'sites'] as const,
  /** under ownSites: refreshed with it when a site is added or removed */
  hasOwnSite: ['publisher', 'sites', 'any'] as const,
  ownSite: (id: string) => ['publisher', 'sites', id] as const,
  articles: (siteId: string) => ['publisher', 'articles', siteId] as const,
  keywordImport: (id: string) => ['publisher', 'import', id] as const,
  publisherOrders: (status: string | null) => ['publisher', 'orders', status] as const,
  sitesForReview: (status: string) => ['support', 'sites', status] as const,
};

/** The address of the Excel export of the orders view, with the same filters. */
export function ordersCsvUrl(query: OrdersQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '' && k !== 'cursor' && k !== 'limit') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `/api/orders.csv?${s}` : '/api/orders.csv';
}
