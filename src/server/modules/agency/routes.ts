import { z } from 'zod';
import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { ZPageQuery } from '../../http/pagination.js';
import { ZAccount, ZAccountIdParams } from '../accounts/schema.js';
import { accountLabels, findReachableAccount, subtreeIds } from '../accounts/service.js';
import { ZAuditEntry } from '../audit/schema.js';
import { listAuditForSubtree } from '../audit/service.js';
import {
  ZActivationRequestBody,
  ZAgency,
  ZAgencyRequest,
  ZCreateMemberBody,
  ZModeBody,
  ZModeResult,
  ZReactivateBody,
  ZUpdateAccountBody,
  ZAccountPlanResult,
} from './schema.js';
import * as agency from './service.js';

const tags = ['agency'];


export const agencyRoutes: RoutesPlugin = async (app, { ctx }) => {
  app.post(
    '/api/agency/activation-request',
    { schema: { tags, body: ZActivationRequestBody, response: { 201: ZAgencyRequest } } },
    async (request, reply) => reply.status(201).send(await agency.requestAgencyMode(actorOf(request), request.body, ctx)),
  );

  app.get(
    '/api/agency/activation-request',
    { schema: { tags, response: { 200: z.object({ request: ZAgencyRequest.nullable() }) } } },
    async (request) => ({ request: await agency.findOwnAgencyRequest(actorOf(request), ctx) }),
  );

  app.get('/api/agency', { schema: { tags, response: { 200: ZAgency } } }, async (request) =>
    agency.getAgency(actorOf(request), ctx),
  );

  app.put('/api/agency/mode', { schema: { tags, body: ZModeBody, response: { 200: ZModeResult } } }, async (request) =>
    agency.switchMode(actorOf(request), request.body, ctx),
  );

  app.post(
    '/api/accounts',
    { schema: { tags, body: ZCreateMemberBody, response: { 201: ZAccount } } },
    async (request, reply) => reply.status(201).send(await agency.createMember(actorOf(request), request.body, ctx)),
  );

  app.patch(
    '/api/accounts/:id',
    { schema: { tags, params: ZAccountIdParams, body: ZUpdateAccountBody, response: { 200: ZAccountPlanResult } } },
    async (request) => agency.updateMember(actorOf(request), request.params.id, request.body, ctx),
  );

  app.post(
    '/api/accounts/:id/deactivate',
    {
      schema: {
        tags,
        params: ZAccountIdParams,
        body: z.object({ dryRun: z.boolean().optional().default(false) }).optional(),
        response: { 200: ZAccountPlanResult },
      },
    },
    async (request) =>
      agency.deactivateMember(actorOf(request), request.params.id, { dryRun: request.body?.dryRun ?? false }, ctx),
  );

  app.post(
    '/api/accounts/:id/reactivate',
    {
      schema: {
        tags,
        params: ZAccountIdParams,
        body: ZReactivateBody.optional(),
        response: { 200: ZAccountPlanResult },
      },
    },
    async (request) =>
      agency.reactivateMember(
        actorOf(request),
        request.params.id,
        { parentId: request.body?.parentId, dryRun: request.body?.dryRun ?? false },
        ctx,
      ),
  );

  app.get(
    '/api/audit',
    {
      schema: {
        tags,
        querystring: ZPageQuery.extend({ accountId: z.uuid().optional() }),
        response: { 200: z.object({ items: z.array(ZAuditEntry), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const root = request.query.accountId
        ? (await findReachableAccount(ctx.db, actor, request.query.accountId)).id
        : actor.account.id;
      const scope = { accountIds: subtreeIds(ctx.db, root), namesOf: (ids: string[]) => accountLabels(ctx.db, ids) };
      return listAuditForSubtree(ctx.db, actor, scope, { limit: request.query.limit, cursor: request.query.cursor ?? null });
    },
  );
};

