import { z } from 'zod';
import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { readOutbox } from './service.js';
import { ZAgencyRequest } from '../agency/schema.js';
import * as agency from '../agency/service.js';

const tags = ['support'];
const ZIdParams = z.object({ id: z.uuid() });

export const supportRoutes: RoutesPlugin = async (app, { ctx }) => {
  app.get(
    '/api/support/agency-requests',
    {
      schema: {
        tags,
        querystring: z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() }),
        response: { 200: z.object({ items: z.array(ZAgencyRequest), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => ({
      items: await agency.listAgencyRequests(actorOf(request), request.query, ctx),
      nextCursor: null,
    }),
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
        querystring: z.object({ to: z.string().max(254).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                to: z.string(),
                subject: z.string(),
                text: z.string(),
                /** true when the e-mail carried a live link that this view leaves out */
                linkHidden: z.boolean(),
                createdAt: z.string(),
                sentAt: z.string().nullable(),
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => ({ items: await readOutbox(actorOf(request), request.query, ctx), nextCursor: null }),
  );
};
