import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RoutesPlugin } from '../../http/types.js';
import { AppError } from '../../http/errors.js';
import { actorOf } from '../../http/hooks.js';
import { ZPageOf, ZPageQuery } from '../../http/pagination.js';
import {
  ZArticle,
  ZArticleBody,
  ZCreateSiteBody,
  ZImport,
  ZOffer,
  ZOfferPage,
  ZOfferQuery,
  ZPriceGrid,
  ZReviewBody,
  ZSite,
  ZUpdateSiteBody,
} from './schema.js';
import * as catalog from './service.js';

const tags = ['catalog'];
/** What a browser or an SEO tool may call a CSV file. */
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/octet-stream', 'application/vnd.ms-excel'];
const ZIdParams = z.object({ id: z.uuid() });
const ZOfferParams = z.object({ offerId: z.uuid() });
const ZFavourite = z.object({ offerId: z.string(), favourite: z.boolean() });

export const catalogRoutes: RoutesPlugin = async (app, { ctx }) => {
  app.post('/api/publisher/sites', { schema: { tags, body: ZCreateSiteBody, response: { 201: ZSite } } }, async (request, reply) =>
    reply.status(201).send(await catalog.createSite(actorOf(request), request.body, ctx)),
  );

  app.get('/api/publisher/sites', { schema: { tags, querystring: ZPageQuery, response: { 200: ZPageOf(ZSite) } } }, async (request) =>
    catalog.listOwnSites(actorOf(request), request.query, ctx),
  );

  app.get('/api/publisher/sites/:id', { schema: { tags, params: ZIdParams, response: { 200: ZSite } } }, async (request) =>
    catalog.getOwnSite(actorOf(request), request.params.id, ctx),
  );

  app.patch(
    '/api/publisher/sites/:id',
    { schema: { tags, params: ZIdParams, body: ZUpdateSiteBody, response: { 200: ZSite } } },
    async (request) => catalog.updateSite(actorOf(request), request.params.id, request.body, ctx),
  );

  app.get(
    '/api/publisher/sites/:id/articles',
    {
      schema: {
        tags,
        params: ZIdParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), cursor: z.string().max(2000).optional() }),
        response: { 200: ZPageOf(ZArticle) },
      },
    },
    async (request) => catalog.listArticles(actorOf(request), request.params.id, request.query, ctx),
  );

  app.post(
    '/api/publisher/sites/:id/articles',
    { schema: { tags, params: ZIdParams, body: ZArticleBody, response: { 201: ZArticle } } },
    async (request, reply) => reply.status(201).send(await catalog.addArticle(actorOf(request), request.params.id, request.body, ctx)),
  );

  // Keyword exports arrive as the raw file, on this route only (its own context): every other
  // catalog route takes JSON under the app's small body limit and refuses another type (415)
  // before reading the body.
  await app.register(async (plain) => {
    const csv = plain.withTypeProvider<ZodTypeProvider>();
    csv.addContentTypeParser(CSV_TYPES, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    csv.setErrorHandler((error: Error & { code?: string }) => {
      // Thrown again, so the app's error handler answers it (in the caller's language).
      throw error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? catalog.importTooLarge(ctx) : error;
    });
    csv.post(
      '/api/publisher/sites/:id/imports',
      {
        bodyLimit: ctx.config.importMaxBytes,
        // Before a byte of the body is read: the type, and the announced size against the stated limit.
        onRequest: async (request) => {
          const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
          if (!CSV_TYPES.includes(type)) throw new AppError('unsupported_media_type', 415, 'import_content_type', { type: type || '-' }, 'file');
          if (Number(request.headers['content-length'] ?? 0) > ctx.config.importMaxBytes) throw catalog.importTooLarge(ctx);
        },
        schema: {
          tags,
          params: ZIdParams,
          consumes: ['text/csv'],
          response: { 202: z.object({ importId: z.string() }) },
        },
      },
      async (request, reply) => reply.status(202).send(await catalog.startImport(actorOf(request), request.params.id, request.body, ctx)),
    );
  });

  app.get('/api/publisher/imports/:id', { schema: { tags, params: ZIdParams, response: { 200: ZImport } } }, async (request) =>
    catalog.getImport(actorOf(request), request.params.id, request.lang, ctx),
  );

  app.get('/api/catalog/offers', { config: { readCache: true }, schema: { tags, querystring: ZOfferQuery, response: { 200: ZOfferPage } } }, async (request) =>
    catalog.searchOffers(actorOf(request), request.query, ctx),
  );

  app.post(
    '/api/catalog/favourites/:offerId',
    { schema: { tags, params: ZOfferParams, response: { 200: ZFavourite } } },
    async (request) => catalog.setFavourite(actorOf(request), request.params.offerId, true, ctx),
  );

  app.delete(
    '/api/catalog/favourites/:offerId',
    { schema: { tags, params: ZOfferParams, response: { 200: ZFavourite } } },
    async (request) => catalog.setFavourite(actorOf(request), request.params.offerId, false, ctx),
  );

  app.get('/api/catalog/offers/:id', { schema: { tags, params: ZIdParams, response: { 200: ZOffer } } }, async (request) =>
    catalog.getOffer(actorOf(request), request.params.id, ctx),
  );

  app.get('/api/catalog/price-grid', { schema: { tags, response: { 200: ZPriceGrid } } }, async () => catalog.getPriceGrid(ctx));

  app.put(
    '/api/support/price-grid',
    { schema: { tags: ['support', ...tags], body: ZPriceGrid, response: { 200: ZPriceGrid } } },
    async (request) => catalog.updatePriceGrid(actorOf(request), request.body, ctx),
  );

  app.get(
    '/api/support/sites',
    {
      schema: {
        tags: ['support', ...tags],
        querystring: ZPageQuery.extend({ status: z.enum(['pending_review', 'approved', 'refused']).optional() }),
        response: { 200: ZPageOf(ZSite) },
      },
    },
    async (request) => catalog.listSitesForReview(actorOf(request), request.query, ctx),
  );

  app.post(
    '/api/support/sites/:id/approve',
    { schema: { tags: ['support', ...tags], params: ZIdParams, response: { 200: ZSite } } },
    async (request) => catalog.reviewSite(actorOf(request), request.params.id, 'approve', undefined, ctx),
  );

  app.post(
    '/api/support/sites/:id/refuse',
    { schema: { tags: ['support', ...tags], params: ZIdParams, body: ZReviewBody, response: { 200: ZSite } } },
    async (request) => catalog.reviewSite(actorOf(request), request.params.id, 'refuse', request.body.reason, ctx),
  );
};
