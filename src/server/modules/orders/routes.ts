import { z } from 'zod';
import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { decimalEuros, frenchExcelCsvStream } from '../../http/csv.js';
import { idempotencyOf } from '../../http/idempotency.js';
import { ZPageOf, ZPageQuery } from '../../http/pagination.js';
import {
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
} from './schema.js';
import * as orders from './service.js';

const tags = ['orders'];
const ZIdParams = z.object({ id: z.uuid() });

const statusLabels: Record<string, string> = {
  placed: 'Commandée',
  accepted: 'Acceptée',
  link_placed: 'Lien posé',
  verified: 'Vérifiée',
  completed: 'Terminée',
  refused: 'Refusée',
  cancelled: 'Annulée',
  expired: 'Expirée',
  lost: 'Lien perdu',
};

export const orderRoutes: RoutesPlugin = async (app, { ctx }) => {
  app.post('/api/projects', { schema: { tags, body: ZProjectBody, response: { 201: ZProject } } }, async (request, reply) =>
    reply.status(201).send(await orders.createProject(actorOf(request), request.body, ctx)),
  );

  app.get(
    '/api/projects',
    { schema: { tags, querystring: ZPageQuery.extend({ clientId: z.uuid().optional(), q: z.string().trim().max(100).optional() }), response: { 200: ZPageOf(ZProject) } } },
    async (request) => orders.listProjects(actorOf(request), request.query, ctx),
  );

  app.post('/api/campaigns', { schema: { tags, body: ZCampaignBody, response: { 201: ZCampaign } } }, async (request, reply) =>
    reply.status(201).send(await orders.createCampaign(actorOf(request), request.body, ctx)),
  );

  app.get(
    '/api/campaigns',
    {
      schema: {
        tags,
        querystring: ZPageQuery.extend({
          projectId: z.uuid().optional(),
          clientId: z.uuid().optional(),
          personInChargeId: z.uuid().optional(),
          q: z.string().trim().max(100).optional(),
        }),
        response: { 200: ZPageOf(ZCampaign) },
      },
    },
    async (request) => orders.listCampaigns(actorOf(request), request.query, ctx),
  );

  app.get('/api/projects/:id', { schema: { tags, params: ZIdParams, response: { 200: ZProject } } }, async (request) =>
    orders.getProject(actorOf(request), request.params.id, ctx),
  );

  app.get('/api/campaigns/:id', { schema: { tags, params: ZIdParams, response: { 200: ZCampaign } } }, async (request) =>
    orders.getCampaign(actorOf(request), request.params.id, ctx),
  );

  app.patch('/api/campaigns/:id', { schema: { tags, params: ZIdParams, body: ZCampaignPatch, response: { 200: ZCampaign } } }, async (request) =>
    orders.updateCampaign(actorOf(request), request.params.id, request.body, ctx),
  );

  app.post('/api/campaigns/:id/close', { schema: { tags, params: ZIdParams, response: { 200: ZCampaign } } }, async (request) =>
    orders.setCampaignClosed(actorOf(request), request.params.id, true, ctx),
  );

  app.post('/api/campaigns/:id/reopen', { schema: { tags, params: ZIdParams, response: { 200: ZCampaign } } }, async (request) =>
    orders.setCampaignClosed(actorOf(request), request.params.id, false, ctx),
  );

  app.post('/api/orders', { schema: { tags, body: ZOrderBody, response: { 201: ZOrderSummary } } }, async (request, reply) =>
    reply.status(201).send(await orders.placeOrder(actorOf(request), request.body, idempotencyOf(request), ctx)),
  );

  app.get(
    '/api/orders',
    { config: { readCache: true }, schema: { tags, querystring: ZOrdersQuery, response: { 200: ZPageOf(ZOrderSummary).extend({ totals: ZOrderTotals }) } } },
    async (request) => orders.listOrders(actorOf(request), request.query, ctx),
  );

  app.get(
    '/api/orders.csv',
    { schema: { tags, querystring: ZOrdersQuery.omit({ limit: true, cursor: true }) } },
    async (request, reply) => {
      const found = orders.iterateOrders(actorOf(request), request.query, ctx);
      async function* rows() {
        for await (const o of found) {
          yield [
            o.createdAt.slice(0, 10),
            statusLabels[o.status],
            o.clientName,
            o.personInChargeName ?? '',
            o.projectName,
            o.campaignName ?? '',
            o.keyword ?? '',
            o.anchor,
            o.targetUrl,
            o.liveUrl ?? '',
            decimalEuros(o.priceCents),
          ];
        }
      }
      const csv = await frenchExcelCsvStream(
        [
          'Date',
          'Statut',
          'Client',
          'Responsable',
          'Projet',
          'Campagne',
          'Mot-clé',
          'Ancre',
          'URL cible',
          'URL du lien',
          'Prix (€ HT)',
        ],
        rows(),
      );
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="commandes.csv"')
        .send(csv);
    },
  );

  app.get('/api/orders/:id', { schema: { tags, params: ZIdParams, response: { 200: ZOrder } } }, async (request) =>
    orders.getOrder(actorOf(request), request.params.id, ctx),
  );

  app.post('/api/orders/:id/cancel', { schema: { tags, params: ZIdParams, response: { 200: ZOrderSummary } } }, async (request) =>
    orders.cancelOrder(actorOf(request), request.params.id, idempotencyOf(request), ctx),
  );

  app.get(
    '/api/publisher/orders',
    {
      schema: {
        tags: ['publisher', ...tags],
        querystring: ZPageQuery.extend({ status: ZOrderStatus.optional() }),
        response: { 200: ZPageOf(ZPublisherOrder) },
      },
    },
    async (request) => orders.listPublisherOrders(actorOf(request), request.query, ctx),
  );

  const ZStatusResult = z.object({ id: z.string(), status: ZOrderStatus });

  app.post(
    '/api/publisher/orders/:id/accept',
    { schema: { tags: ['publisher', ...tags], params: ZIdParams, response: { 200: ZStatusResult } } },
    async (request) => orders.acceptOrder(actorOf(request), request.params.id, ctx),
  );

  app.post(
    '/api/publisher/orders/:id/refuse',
    {
      schema: {
        tags: ['publisher', ...tags],
        params: ZIdParams,
        body: z.object({ reason: z.string().trim().min(3).max(2000) }),
        response: { 200: ZStatusResult },
      },
    },
    async (request) => orders.refuseOrder(actorOf(request), request.params.id, request.body.reason, ctx),
  );

  app.post(
    '/api/publisher/orders/:id/placed',
    {
      schema: {
        tags: ['publisher', ...tags],
        params: ZIdParams,
        body: z.object({ liveUrl: z.string().trim().min(1).max(2000) }),
        response: { 200: ZStatusResult },
      },
    },
    async (request) => orders.submitLiveUrl(actorOf(request), request.params.id, request.body.liveUrl, ctx),
  );

  app.get(
    '/api/agency/clients',
    {
      schema: {
        tags: ['agency', ...tags],
        querystring: z.object({
          q: z.string().trim().max(100).optional(),
          personInChargeId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().max(500).optional(),
        }),
        response: { 200: ZPageOf(ZClientOverview) },
      },
    },
    async (request) => orders.listClientsOverview(actorOf(request), request.query, ctx),
  );
};
