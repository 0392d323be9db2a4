import { z } from 'zod';
import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { ZPageOf, ZPageQuery } from '../../http/pagination.js';
import { ZAgencyRequest } from '../agency/schema.js';
import * as agency from '../agency/service.js';
import * as support from './service.js';

const tags = ['support'];
const ZIdParams = z.object({ id: z.uuid() });
const ZOutboxStatus = z.enum(['pending', 'sent', 'dead']);

export const supportRoutes: RoutesPlugin = async (app, { ctx }) => {
  app.get(
    '/api/support/agency-requests',
    {
      schema: {
        tags,
        querystring: ZPageQuery.extend({ status: z.enum(['pending', 'approved', 'rejected']).optional() }),
        response: { 200: ZPageOf(ZAgencyRequest) },
      },
    },
    async (request) => agency.listAgencyRequests(actorOf(request), request.query, ctx),
  );

  app.post(
    '/api/support/agency-requests/:id/approve',
    { schema: { tags, params: ZIdParams, response: { 200: ZAgencyRequest } } },
    async (request) => agency.decideAgencyRequest(actorOf(request), request.params.id, 'approve', undefined, ctx),
  );

  app.post(
    '/api/support/agency-requests/:id/reject',
    {
      schema: {
        tags,
        params: ZIdParams,
        body: z.object({ note: z.string().trim().max(2000).optional() }).optional(),
        response: { 200: ZAgencyRequest },
      },
    },
    async (request) => agency.decideAgencyRequest(actorOf(request), request.params.id, 'reject', request.body?.note, ctx),
  );

  // The e-mails the app has sent (or, without SMTP, would have sent). Support only, audited; live links
  // only in development without SMTP (support/service.ts).
  app.get(
    '/api/support/outbox',
    {
      schema: {
        tags,
        querystring: ZPageQuery.extend({ to: z.string().max(254).optional(), status: ZOutboxStatus.optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                to: z.string(),
                subject: z.string(),
                text: z.string(),
                createdAt: z.string(),
                sentAt: z.string().nullable(),
                status: ZOutboxStatus,
                attempts: z.number().int(),
                nextAttemptAt: z.string().nullable(),
                lastAttemptAt: z.string().nullable(),
                lastError: z.string().nullable(),
                /** true when the e-mail carried a live link that this view leaves out */
                linkHidden: z.boolean(),
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => support.readOutbox(actorOf(request), request.query, ctx),
  );

  // A message that failed (dead after its last attempt, or waiting) is queued again now. Audited.
  app.post(
    '/api/support/outbox/:id/retry',
    {
      schema: {
        tags,
        params: ZIdParams,
        response: { 200: z.object({ id: z.string(), status: z.literal('pending') }) },
      },
    },
    async (request) => support.retryOutboxEmail(actorOf(request), request.params.id, ctx),
  );
};
