import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { decimalEuros, frenchExcelCsvStream } from '../../http/csv.js';
import { idempotencyOf } from '../../http/idempotency.js';
import { ZPageOf } from '../../http/pagination.js';
import { ZAccountIdParams } from '../accounts/schema.js';
import { ZBulkTransfer, ZBulkTransferBody, ZLedgerEntry, ZLedgerQuery, ZLowBalanceBody, ZLowBalanceResult, ZTransfer, ZTransferBody } from './schema.js';
import * as ledger from './service.js';

const tags = ['credits'];

const kindLabels: Record<string, string> = {
  allocation: 'Attribution',
  return: 'Retour de crédits',
  top_up: 'Rechargement',
  top_up_refund: 'Annulation de rechargement',
  order_capture: 'Commande réglée',
  publisher_earning: 'Gain éditeur',
  commission: 'Commission',
  claim_refund: 'Remboursement (réclamation)',
  debt_repayment: 'Remboursement de créance',
  payout: 'Virement à l’éditeur',
  earnings_conversion: 'Gains convertis en crédits',
};

export const ledgerRoutes: RoutesPlugin = async (app, { ctx }) => {
  app.post('/api/transfers', { schema: { tags, body: ZTransferBody, response: { 201: ZTransfer } } }, async (request, reply) => {
    const outcome = await ledger.allocateCredits(actorOf(request), request.body, idempotencyOf(request), ctx);
    return reply.status(201).send(outcome);
  });

  app.post('/api/transfers/bulk', { schema: { tags, body: ZBulkTransferBody, response: { 201: ZBulkTransfer } } }, async (request, reply) => {
    const outcome = await ledger.allocateMany(actorOf(request), request.body, idempotencyOf(request), ctx);
    return reply.status(201).send(outcome);
  });

  app.put(
    '/api/accounts/:id/low-balance',
    { schema: { tags, params: ZAccountIdParams, body: ZLowBalanceBody, response: { 200: ZLowBalanceResult } } },
    async (request) => ledger.setLowBalanceThreshold(actorOf(request), request.params.id, request.body.thresholdCents, ctx),
  );

  app.get(
    '/api/accounts/:id/ledger',
    { schema: { tags, params: ZAccountIdParams, querystring: ZLedgerQuery, response: { 200: ZPageOf(ZLedgerEntry) } } },
    async (request) => ledger.listLedger(actorOf(request), request.params.id, request.query, ctx),
  );

  app.get(
    '/api/accounts/:id/ledger.csv',
    { schema: { tags, params: ZAccountIdParams, querystring: ZLedgerQuery.omit({ limit: true, cursor: true }) } },
    async (request, reply) => {
      const entries = ledger.iterateLedger(actorOf(request), request.params.id, request.query, ctx);
      async function* rows() {
        for await (const e of entries) {
          yield [
            e.at,
            kindLabels[e.kind] ?? e.kind,
            decimalEuros(e.amountCents),
            decimalEuros(e.balanceAfterCents),
            e.counterpartyName ?? '',
            e.personName ?? '',
            e.memo ?? '',
          ];
        }
      }
      const csv = await frenchExcelCsvStream(['Date', 'Type', 'Montant (€)', 'Solde après (€)', 'Contrepartie', 'Par', 'Mémo'], rows());
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="mouvements-${request.params.id}.csv"`)
        .send(csv);
    },
  );
};
