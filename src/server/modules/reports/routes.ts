import type { FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { ZPageOf } from '../../http/pagination.js';
import { decimalEuros, frenchExcelCsvStream } from '../../http/csv.js';
import { AppError, invalidInput, notFound } from '../../http/errors.js';
import type { Ctx } from '../../http/actor.js';
import type { Actor } from '../../http/actor.js';
import {
  ZMonthlyEmail,
  ZMonthlyEmailBody,
  ZMonthlyEmailQuery,
  ZBranding,
  ZBrandingBody,
  ZCreatedShare,
  ZInventoryQuery,
  ZReportQuery,
  ZReportSummary,
  ZShare,
  ZShareBody,
  ZSharesQuery,
} from './schema.js';
import { LOGO_TYPES, MAX_LOGO_BYTES } from './policy.js';
import { checkResult, frLongDate, parisDay, STATE_LABELS } from './labels.js';
import { renderReportPdf } from './pdf.js';
import * as reports from './service.js';

const tags = ['reports'];

const INVENTORY_COLUMNS = [
  'N° de commande',
  'Client',
  'Projet',
  'Campagne',
  'Site',
  "URL de l'article",
  'URL du lien',
  'Ancre',
  'URL cible',
  'Mot-clé',
  'Prix (€ HT)',
  'Remboursé (€ HT)',
  'Statut',
  'Statut de la commande',
  'Commandé le',
  'Posé le',
  'Vérifié le',
  'Fin de garantie',
  'Perdu le',
  'Dernier contrôle',
  'Résultat du dernier contrôle',
  'Nombre de contrôles',
];

const REPORT_COLUMNS = [
  'Projet',
  'Campagne',
  'URL du lien',
  'Ancre',
  'URL cible',
  'Statut',
  'Dernier contrôle',
  'Résultat du dernier contrôle',
  'Prix (€ HT)',
  'Commandé le',
  'Posé le',
  'Vérifié le',
  'Fin de garantie',
];

const csvReply = (reply: FastifyReply, name: string, body: unknown) =>
  reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .send(body);

const frDay = (day: string) => frLongDate(new Date(`${day}T12:00:00Z`));

function periodText(from?: string, to?: string): string[] {
  if (from && to) return [`Du ${frDay(from)} au ${frDay(to)}`];
  if (from) return [`Depuis le ${frDay(from)}`];
  if (to) return [`Jusqu'au ${frDay(to)}`];
  return [];
}

/** The PDF of a report: its figures first (one pass), then its rows streamed (a second pass). */
async function sendReportPdf(
  reply: FastifyReply,
  actor: Actor,
  found: Awaited<ReturnType<typeof reports.reportFiltersOf>>,
  ctx: Ctx,
  fileName: string,
) {
  const { filters, client } = found;
  const [summary, header] = await Promise.all([reports.reportSummary(actor, filters, ctx), reports.reportHeaderOf(client, ctx)]);
  const scope = [
    ...(summary.projectName ? [`Projet ${summary.projectName}`] : []),
    ...(summary.campaignName ? [`Campagne ${summary.campaignName}`] : []),
    ...periodText(filters.from, filters.to),
  ];
  const pdf = renderReportPdf({ ...header, scope }, summary, reports.reportLinks(actor, filters, ctx));
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `inline; filename="${fileName}"`)
    .send(pdf);
}

const gonePage = (status: number) => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Lien indisponible</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style></head>
<body><h1>Ce rapport n’est plus disponible</h1><p>Ce lien de partage a expiré ou a été révoqué${status === 404 ? ', ou il est incomplet' : ''}. Demandez-en un nouveau à votre agence.</p></body></html>`;

export const reportRoutes: RoutesPlugin = async (app, { ctx }) => {
  // ---- Portability: the whole link inventory, at any time
  app.get('/api/links/inventory.csv', { schema: { tags, querystring: ZInventoryQuery } }, async (request, reply) => {
    const pages = await reports.openInventory(actorOf(request), request.query, ctx);
    async function* rows() {
      for await (const page of pages) {
        for (const l of page) {
          const last = l.checks[l.checks.length - 1] ?? null;
          yield [
            l.id,
            l.clientName,
            l.projectName,
            l.campaignName ?? '',
            l.domain,
            l.articleUrl,
            l.liveUrl ?? '',
            l.anchor,
            l.targetUrl,
            l.keyword ?? '',
            decimalEuros(l.priceCents),
            decimalEuros(l.refundedCents),
            STATE_LABELS[l.state],
            l.status,
            parisDay(l.orderedAt),
            parisDay(l.placedAt),
            parisDay(l.verifiedAt),
            parisDay(l.guaranteeEndsAt),
            parisDay(l.lostAt),
            parisDay(last?.at ?? l.lastCheck?.at),
            checkResult(last ?? l.lastCheck),
            String(l.checks.length),
          ];
        }
      }
    }
    return csvReply(reply, 'inventaire-liens.csv', await frenchExcelCsvStream(INVENTORY_COLUMNS, rows()));
  });

  app.get('/api/links/inventory.json', { schema: { tags, querystring: ZInventoryQuery } }, async (request, reply) => {
    const pages = await reports.openInventory(actorOf(request), request.query, ctx);
    async function* json() {
      yield `{"exportedAt":${JSON.stringify(new Date().toISOString())},"items":[`;
      let first = true;
      for await (const page of pages) {
        for (const l of page) {
          yield (first ? '' : ',') + JSON.stringify(l);
          first = false;
        }
      }
      yield ']}';
    }
    const { Readable } = await import('node:stream');
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', 'attachment; filename="inventaire-liens.json"')
      .send(Readable.from(json()));
  });

  // ---- White-label client reports
  app.get(
    '/api/reports/summary',
    { schema: { tags, querystring: ZReportQuery, response: { 200: ZReportSummary } } },
    async (request) => {
      const actor = actorOf(request);
      const { filters, client } = await reports.reportFiltersOf(actor, request.query, ctx);
      const { projectName: _p, campaignName: _c, ...summary } = await reports.reportSummary(actor, filters, ctx);
      return { client: { id: client.id, name: client.name }, summary };
    },
  );

  app.get('/api/reports/links.csv', { schema: { tags, querystring: ZReportQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const { filters } = await reports.reportFiltersOf(actor, request.query, ctx);
    async function* rows() {
      for await (const l of reports.reportLinks(actor, filters, ctx)) {
        yield [
          l.projectName,
          l.campaignName ?? '',
          l.liveUrl ?? '',
          l.anchor,
          l.targetUrl,
          STATE_LABELS[l.state],
          parisDay(l.lastCheck?.at),
          checkResult(l.lastCheck),
          decimalEuros(l.priceCents),
          parisDay(l.orderedAt),
          parisDay(l.placedAt),
          parisDay(l.verifiedAt),
          parisDay(l.guaranteeEndsAt),
        ];
      }
    }
    return csvReply(reply, 'rapport-liens.csv', await frenchExcelCsvStream(REPORT_COLUMNS, rows()));
  });

  app.get('/api/reports/links.pdf', { schema: { tags, querystring: ZReportQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    return sendReportPdf(reply, actor, await reports.reportFiltersOf(actor, request.query, ctx), ctx, 'rapport-liens.pdf');
  });

  // ---- Branding
  app.get('/api/reports/branding', { schema: { tags, response: { 200: ZBranding } } }, async (request) =>
    reports.getBranding(actorOf(request), ctx),
  );
  app.put('/api/reports/branding', { schema: { tags, body: ZBrandingBody, response: { 200: ZBranding } } }, async (request) =>
    reports.setBranding(actorOf(request), request.body, ctx),
  );
  app.delete('/api/reports/branding', { schema: { tags, response: { 200: ZBranding } } }, async (request) =>
    reports.resetBranding(actorOf(request), ctx),
  );
  app.get('/api/reports/branding/logo', { schema: { tags } }, async (request, reply) => {
    const logo = await reports.getLogo(actorOf(request), ctx);
    return reply
      .header('content-type', logo.type)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-cache')
      .send(logo.content);
  });
  app.delete('/api/reports/branding/logo', { schema: { tags, response: { 200: ZBranding } } }, async (request) =>
    reports.removeLogo(actorOf(request), ctx),
  );

  // The logo arrives as the raw image (its own context, body limit and types).
  const logoTooLarge = () => new AppError('validation_failed', 413, 'logo_too_large', {}, 'file');
  await app.register(async (plain) => {
    const files = plain.withTypeProvider<ZodTypeProvider>();
    files.addContentTypeParser([...LOGO_TYPES], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    files.setErrorHandler((error: Error & { code?: string }) => {
      throw error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? logoTooLarge() : error;
    });
    files.put(
      '/api/reports/branding/logo',
      {
        bodyLimit: MAX_LOGO_BYTES,
        onRequest: async (request) => {
          const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
          if (!(LOGO_TYPES as readonly string[]).includes(type)) throw invalidInput('logo_type', 'file');
          if (Number(request.headers['content-length'] ?? 0) > MAX_LOGO_BYTES) throw logoTooLarge();
        },
        schema: { tags, consumes: [...LOGO_TYPES], response: { 200: ZBranding } },
      },
      async (request) => {
        if (!Buffer.isBuffer(request.body)) throw invalidInput('logo_type', 'file');
        return reports.setLogo(actorOf(request), request.body, ctx);
      },
    );
  });

  // ---- Share links
  app.post(
    '/api/reports/shares',
    { schema: { tags, body: ZShareBody, response: { 201: ZCreatedShare } } },
    async (request, reply) => reply.status(201).send(await reports.createShare(actorOf(request), request.body, ctx)),
  );
  app.get(
    '/api/reports/shares',
    { schema: { tags, querystring: ZSharesQuery, response: { 200: ZPageOf(ZShare) } } },
    async (request) => reports.listShares(actorOf(request), request.query, ctx),
  );
  app.post(
    '/api/reports/shares/:id/revoke',
    { schema: { tags, params: z.object({ id: z.uuid() }), response: { 200: ZShare } } },
    async (request) => reports.revokeShare(actorOf(request), request.params.id, ctx),
  );

  // ---- The monthly e-mail of the report to the client
  app.get(
    '/api/reports/monthly-email',
    { schema: { tags, querystring: ZMonthlyEmailQuery, response: { 200: ZMonthlyEmail } } },
    async (request) => reports.getMonthlyEmail(actorOf(request), request.query.clientId, ctx),
  );
  app.put(
    '/api/reports/monthly-email',
    { schema: { tags, body: ZMonthlyEmailBody, response: { 200: ZMonthlyEmail } } },
    async (request) => reports.setMonthlyEmail(actorOf(request), request.body, ctx),
  );

  // Public: the token is the access (no session); refused with a French page once expired or revoked.
  app.get(
    '/api/reports/shared/:token',
    { config: { public: true }, schema: { tags, params: z.object({ token: z.string().max(200) }) } },
    async (request, reply) => {
      const opened = await reports.openSharedReport(request.params.token, ctx);
      if (typeof opened === 'string') {
        const status = opened === 'gone' ? 410 : 404;
        // A browser reads a French page; an API client the usual JSON error.
        if (!String(request.headers.accept ?? '').includes('text/html')) {
          throw opened === 'gone' ? new AppError('gone', 410, 'share_gone') : notFound();
        }
        return reply
          .status(status)
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(gonePage(status));
      }
      reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer');
      return sendReportPdf(reply, opened.actor, { filters: opened.filters, client: opened.client }, ctx, 'rapport-liens.pdf');
    },
  );
};
