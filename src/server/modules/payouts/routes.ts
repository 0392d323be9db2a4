import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RoutesPlugin } from '../../http/types.js';
import { AppError, invalidInput } from '../../http/errors.js';
import { actorOf, metaOf } from '../../http/hooks.js';
import { idempotencyOf } from '../../http/idempotency.js';
import { ZPageOf, ZPageQuery } from '../../http/pagination.js';
import { MAX_DOCUMENT_BYTES } from './policy.js';
import {
  ZAmountBody,
  ZBatch,
  ZBatchBody,
  ZBatchDetail,
  ZBuyerLink,
  ZBuyerLinkBody,
  ZConversion,
  ZDocument,
  ZDocumentQuery,
  ZDocumentsQuery,
  ZMandate,
  ZMandateBody,
  ZMandateView,
  ZProfileInput,
  ZProfileView,
  ZRefuseBody,
  ZReviewBody,
  ZSelfBilledInvoice,
  ZSummary,
  ZSupportDocument,
  ZWithdrawal,
  ZWithdrawalsQuery,
  ZYearQuery,
} from './schema.js';
import * as payouts from './service.js';

const tags = ['payouts'];
const ZIdParams = z.object({ id: z.uuid() });
const DOCUMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];

function sendPdf(reply: FastifyReply, file: { filename: string; pdf: Buffer }) {
  return reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${file.filename}"`).send(file.pdf);
}

const documentTooLarge = () => new AppError('validation_failed', 413, 'document_too_large', {}, 'file');

export const payoutRoutes: RoutesPlugin = async (app, { ctx }) => {
  // The publisher's side ---------------------------------------------------------------------
  app.get('/api/publisher/payouts/summary', { schema: { tags, response: { 200: ZSummary } } }, async (request) =>
    payouts.payoutSummary(actorOf(request), ctx),
  );

  app.get(
    '/api/publisher/payouts/orders',
    {
      schema: {
        tags,
        querystring: ZPageQuery.extend({ state: z.enum(['pending', 'credited', 'refunded']).default('pending') }),
        response: {
          200: ZPageOf(
            z.object({
              orderId: z.string(),
              siteDomain: z.string(),
              anchor: z.string(),
              priceCents: z.number(),
              commissionCents: z.number(),
              refundedCents: z.number(),
              earningCents: z.number(),
              status: z.string(),
              verifiedAt: z.string().nullable(),
              completedAt: z.string().nullable(),
              payableAt: z.string().nullable(),
            }),
          ),
        },
      },
    },
    async (request) => payouts.listEarningOrders(actorOf(request), request.query, ctx),
  );

  app.get('/api/publisher/profile', { schema: { tags, response: { 200: ZProfileView } } }, async (request) => payouts.getProfile(actorOf(request), ctx));
  app.put('/api/publisher/profile', { schema: { tags, body: ZProfileInput, response: { 200: ZProfileView } } }, async (request) =>
    payouts.saveProfile(actorOf(request), request.body, ctx),
  );

  // A proof arrives as the raw file (its own context, its own body limit and types).
  await app.register(async (plain) => {
    const files = plain.withTypeProvider<ZodTypeProvider>();
    files.addContentTypeParser(DOCUMENT_TYPES, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    files.setErrorHandler((error: Error & { code?: string }) => {
      throw error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? documentTooLarge() : error;
    });
    files.post(
      '/api/publisher/documents',
      {
        bodyLimit: MAX_DOCUMENT_BYTES,
        onRequest: async (request) => {
          const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
          if (!DOCUMENT_TYPES.includes(type)) throw invalidInput('document_type', 'file');
          if (Number(request.headers['content-length'] ?? 0) > MAX_DOCUMENT_BYTES) throw documentTooLarge();
        },
        schema: { tags, querystring: ZDocumentQuery, consumes: DOCUMENT_TYPES, response: { 201: ZDocument } },
      },
      async (request, reply) => {
        const body = request.body;
        if (!Buffer.isBuffer(body)) throw invalidInput('document_type', 'file');
        const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        return reply.status(201).send(await payouts.uploadDocument(actorOf(request), { ...request.query, contentType, content: body }, ctx));
      },
    );
  });

  app.get('/api/publisher/documents', { schema: { tags, querystring: ZPageQuery, response: { 200: ZPageOf(ZDocument) } } }, async (request) =>
    payouts.listMyDocuments(actorOf(request), request.query, ctx),
  );

  const sendDocument = (reply: FastifyReply, file: { content: Buffer; media_type: string; file_name: string }) =>
    reply
      .header('content-type', file.media_type)
      .header('content-disposition', `attachment; filename="${encodeURIComponent(file.file_name)}"`)
      .header('x-content-type-options', 'nosniff')
      .send(file.content);

  app.get('/api/publisher/documents/:id/file', { schema: { tags, params: ZIdParams } }, async (request, reply) =>
    sendDocument(reply, await payouts.readDocumentFile(actorOf(request), request.params.id, ctx)),
  );

  app.get('/api/publisher/mandate', { schema: { tags, response: { 200: ZMandateView } } }, async (request) => payouts.getMandate(actorOf(request), ctx));
  app.post('/api/publisher/mandate', { schema: { tags, body: ZMandateBody, response: { 201: ZMandate } } }, async (request, reply) =>
    reply.status(201).send(await payouts.acceptMandate(actorOf(request), request.body, ctx)),
  );
  app.delete('/api/publisher/mandate', { schema: { tags, response: { 200: ZMandate } } }, async (request) => payouts.revokeMandate(actorOf(request), ctx));

  app.post('/api/publisher/withdrawals', { schema: { tags, body: ZAmountBody, response: { 201: ZWithdrawal } } }, async (request, reply) =>
    reply.status(201).send(await payouts.requestWithdrawal(actorOf(request), request.body, idempotencyOf(request), ctx)),
  );
  app.get('/api/publisher/withdrawals', { schema: { tags, querystring: ZWithdrawalsQuery, response: { 200: ZPageOf(ZWithdrawal) } } }, async (request) =>
    payouts.listMyWithdrawals(actorOf(request), request.query, ctx),
  );
  app.post('/api/publisher/withdrawals/:id/cancel', { schema: { tags, params: ZIdParams, response: { 200: ZWithdrawal } } }, async (request) =>
    payouts.cancelWithdrawal(actorOf(request), request.params.id, ctx),
  );

  app.get('/api/publisher/buyer-account', { schema: { tags, response: { 200: ZBuyerLink.nullable() } } }, async (request) =>
    payouts.getBuyerLink(actorOf(request), ctx),
  );
  app.put('/api/publisher/buyer-account', { schema: { tags, body: ZBuyerLinkBody, response: { 200: ZBuyerLink } } }, async (request) =>
    payouts.linkBuyerAccount(actorOf(request), request.body, metaOf(request), ctx),
  );
  app.post('/api/publisher/conversions', { schema: { tags, body: ZAmountBody, response: { 201: ZConversion } } }, async (request, reply) =>
    reply.status(201).send(await payouts.convertEarnings(actorOf(request), request.body, idempotencyOf(request), ctx)),
  );

  app.get('/api/publisher/self-billed-invoices', { schema: { tags, querystring: ZPageQuery, response: { 200: ZPageOf(ZSelfBilledInvoice) } } }, async (request) =>
    payouts.listMyInvoices(actorOf(request), request.query, ctx),
  );
  app.get('/api/publisher/self-billed-invoices/:id/pdf', { schema: { tags, params: ZIdParams } }, async (request, reply) =>
    sendPdf(reply, await payouts.selfBilledInvoicePdf(actorOf(request), request.params.id, ctx)),
  );
  app.get('/api/publisher/tax-statement.pdf', { schema: { tags, querystring: ZYearQuery } }, async (request, reply) =>
    sendPdf(reply, await payouts.taxStatementPdf(actorOf(request), request.query.year, ctx)),
  );

  // Support's side ---------------------------------------------------------------------------
  app.get('/api/support/publisher-documents', { schema: { tags, querystring: ZDocumentsQuery, response: { 200: ZPageOf(ZSupportDocument) } } }, async (request) =>
    payouts.listDocumentsToReview(actorOf(request), request.query, ctx),
  );
  app.get('/api/support/publisher-documents/:id/file', { schema: { tags, params: ZIdParams } }, async (request, reply) =>
    sendDocument(reply, await payouts.readDocumentFile(actorOf(request), request.params.id, ctx, { asSupport: true })),
  );
  app.post('/api/support/publisher-documents/:id/review', { schema: { tags, params: ZIdParams, body: ZReviewBody, response: { 200: ZDocument } } }, async (request) =>
    payouts.reviewDocument(actorOf(request), request.params.id, request.body, ctx),
  );
  app.get('/api/support/publishers/:id/payout-profile', { schema: { tags, params: ZIdParams } }, async (request) =>
    payouts.publisherPayoutFile(actorOf(request), request.params.id, ctx),
  );
  app.get('/api/support/withdrawals', { schema: { tags, querystring: ZWithdrawalsQuery, response: { 200: ZPageOf(ZWithdrawal) } } }, async (request) =>
    payouts.listAllWithdrawals(actorOf(request), request.query, ctx),
  );
  app.post('/api/support/withdrawals/:id/refuse', { schema: { tags, params: ZIdParams, body: ZRefuseBody, response: { 200: ZWithdrawal } } }, async (request) =>
    payouts.refuseWithdrawal(actorOf(request), request.params.id, request.body, ctx),
  );
  app.post('/api/support/payout-batches', { schema: { tags, body: ZBatchBody, response: { 201: ZBatch } } }, async (request, reply) =>
    reply.status(201).send(await payouts.createBatch(actorOf(request), request.body, ctx)),
  );
  app.get('/api/support/payout-batches', { schema: { tags, querystring: ZPageQuery, response: { 200: ZPageOf(ZBatch) } } }, async (request) =>
    payouts.listBatches(actorOf(request), request.query, ctx),
  );
  app.get('/api/support/payout-batches/:id', { schema: { tags, params: ZIdParams, response: { 200: ZBatchDetail } } }, async (request) =>
    payouts.getBatch(actorOf(request), request.params.id, ctx),
  );
  app.get('/api/support/payout-batches/:id/sepa.xml', { schema: { tags, params: ZIdParams } }, async (request, reply) => {
    const file = await payouts.batchSepaFile(actorOf(request), request.params.id, ctx);
    return reply.header('content-type', 'application/xml; charset=utf-8').header('content-disposition', `attachment; filename="${file.filename}"`).send(file.xml);
  });
  app.post('/api/support/payout-batches/:id/paid', { schema: { tags, params: ZIdParams, response: { 200: ZBatch } } }, async (request) =>
    payouts.markBatchPaid(actorOf(request), request.params.id, ctx),
  );
  app.get('/api/support/tax/dac7', { schema: { tags, querystring: ZYearQuery } }, async (request, reply) => {
    const file = await payouts.dac7Export(actorOf(request), request.query.year, ctx);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file.filename}"`).send(file.csv);
  });
};
