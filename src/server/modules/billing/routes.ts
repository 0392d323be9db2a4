import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { idempotencyOf } from '../../http/idempotency.js';
import { ZPageOf } from '../../http/pagination.js';
import { ZAccountIdParams } from '../accounts/schema.js';
import {
  ZCancelResult,
  ZConfirmResult,
  ZInvoice,
  ZInvoiceQuery,
  ZTopUp,
  ZTopUpBody,
  ZTopUpCreated,
  ZTopUpQuery,
} from './schema.js';
import * as billing from './service.js';

const tags = ['billing'];
const ZIdParams = z.object({ id: z.uuid() });

function sendPdf(reply: FastifyReply, file: { filename: string; pdf: Buffer }) {
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `inline; filename="${file.filename}"`)
    .send(file.pdf);
}

export const billingRoutes: RoutesPlugin = async (app, { ctx }) => {
  app.post(
    '/api/accounts/:id/top-ups',
    { schema: { tags, params: ZAccountIdParams, body: ZTopUpBody, response: { 201: ZTopUpCreated } } },
    async (request, reply) => {
      const outcome = await billing.requestTopUp(actorOf(request), request.params.id, request.body, idempotencyOf(request), ctx);
      return reply.status(201).send(outcome);
    },
  );

  app.get('/api/top-ups', { schema: { tags, querystring: ZTopUpQuery, response: { 200: ZPageOf(ZTopUp) } } }, async (request) =>
    billing.listTopUps(actorOf(request), request.query, ctx),
  );

  app.get('/api/top-ups/:id/proforma.pdf', { schema: { tags, params: ZIdParams } }, async (request, reply) =>
    sendPdf(reply, await billing.renderProforma(actorOf(request), request.params.id, ctx)),
  );

  app.post(
    '/api/top-ups/:id/cancel',
    { schema: { tags, params: ZIdParams, response: { 200: ZCancelResult } } },
    async (request, reply) => {
      const outcome = await billing.cancelTopUp(actorOf(request), request.params.id, idempotencyOf(request), ctx);
      return reply.status(200).send(outcome);
    },
  );

  app.post(
    '/api/support/top-ups/:id/confirm',
    { schema: { tags: ['support', ...tags], params: ZIdParams, response: { 200: ZConfirmResult } } },
    async (request, reply) => {
      const outcome = await billing.confirmTopUp(actorOf(request), request.params.id, idempotencyOf(request), ctx);
      return reply.status(200).send(outcome);
    },
  );

  app.get(
    '/api/invoices',
    { schema: { tags, querystring: ZInvoiceQuery, response: { 200: ZPageOf(ZInvoice) } } },
    async (request) => billing.listInvoices(actorOf(request), request.query, ctx),
  );

  app.get('/api/invoices/:id/pdf', { schema: { tags, params: ZIdParams } }, async (request, reply) =>
    sendPdf(reply, await billing.renderInvoice(actorOf(request), request.params.id, ctx)),
  );
};
