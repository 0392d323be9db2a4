import { z } from 'zod';
import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { ZPageOf, ZPageQuery } from '../../http/pagination.js';
import { ZClaim, ZClaimsQuery, ZLinkCheck, ZRecheck, ZSettleBody } from './schema.js';
import * as links from './service.js';

const tags = ['monitoring'];
const ZIdParams = z.object({ id: z.uuid() });

export const linkRoutes: RoutesPlugin = async (app, { ctx }) => {
  app.get(
    '/api/orders/:id/checks',
    { schema: { tags, params: ZIdParams, querystring: ZPageQuery, response: { 200: ZPageOf(ZLinkCheck) } } },
    async (request) => links.listChecks(actorOf(request), request.params.id, request.query, ctx),
  );

  app.get('/api/claims', { schema: { tags, querystring: ZClaimsQuery, response: { 200: ZPageOf(ZClaim) } } }, async (request) =>
    links.listClaims(actorOf(request), request.query, ctx),
  );

  app.post(
    '/api/support/claims/:id/settle',
    { schema: { tags, params: ZIdParams, body: ZSettleBody, response: { 200: ZClaim } } },
    async (request) => links.settleClaim(actorOf(request), request.params.id, request.body, ctx),
  );

  app.post(
    '/api/publisher/orders/:id/recheck',
    { schema: { tags, params: ZIdParams, response: { 202: ZRecheck } } },
    async (request, reply) => reply.status(202).send(await links.requestRecheck(actorOf(request), request.params.id, ctx)),
  );
};
