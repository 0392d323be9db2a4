import { z } from 'zod';
import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { ZPageQuery } from '../../http/pagination.js';
import { decimalEuros, frenchExcelCsvStream } from '../../http/csv.js';
import { ZAccount, ZAccountIdParams } from '../accounts/schema.js';
import { accountLabels, findReachableAccount, reachableIds, subtreeIds } from '../accounts/service.js';
import { ZAuditEntry } from '../audit/schema.js';
import { AUDIT_CATEGORY_NAMES, auditFiltersOf, listAuditForSubtree } from '../audit/service.js';
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
  ZBulkMoveBody,
  ZBulkMoveResult,
  ZTeamFilters,
  ZTeamPage,
  ZTeamQuery,
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

  // The team table (Agence tab): one or two requests for the whole table, whatever the agency's size
  app.get('/api/agency/team', { config: { readCache: true }, schema: { tags, querystring: ZTeamQuery, response: { 200: ZTeamPage } } }, async (request) =>
    agency.listTeam(actorOf(request), request.query, ctx),
  );

  app.get('/api/agency/team.csv', { schema: { tags, querystring: ZTeamFilters } }, async (request, reply) => {
    const actor = actorOf(request);
    const { period, rows } = await agency.teamForExport(actor, request.query, ctx);
    const fr = actor.lang !== 'en';
    const roleLabel = (r: string) => (fr ? TEAM_ROLE_FR[r] : r) ?? r;
    const statusLabel = (s: string) => (fr ? TEAM_STATUS_FR[s] : s) ?? s;
    async function* lines() {
      for (const r of rows) {
        yield [
          r.name,
          r.email ?? '',
          roleLabel(r.role),
          r.parentName ?? '',
          statusLabel(r.status),
          String(r.clientsCount),
          decimalEuros(r.spendCents),
          String(r.ordersCount),
          ...TEAM_CSV_STATUSES.map((s) => String(r.ordersByStatus[s] ?? 0)),
          String(r.liveLinks),
          decimalEuros(r.balanceCents),
          r.lastSignInAt ?? '',
        ];
      }
    }
    const columns = fr ? TEAM_CSV_COLUMNS_FR : TEAM_CSV_COLUMNS_EN;
    const csv = await frenchExcelCsvStream(columns, lines());
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="equipe-${period.from}-${period.to}.csv"`)
      .send(csv);
  });

  app.post('/api/agency/moves', { schema: { tags, body: ZBulkMoveBody, response: { 200: ZBulkMoveResult } } }, async (request) =>
    agency.moveMembers(actorOf(request), request.body, ctx),
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
        querystring: ZPageQuery.extend({
          accountId: z.uuid().optional(),
          /** who did it (the person signed in, whoever it acted as) */
          personId: z.uuid().optional(),
          /** one or several actions: repeated, or comma-separated */
          action: z.union([z.string().max(2000), z.array(z.string().max(100)).max(50)]).optional(),
          category: z.enum(AUDIT_CATEGORY_NAMES as [string, ...string[]]).optional(),
          /** a calendar day in Europe/Paris, YYYY-MM-DD; `to` includes its whole day */
          from: z.string().max(20).optional(),
          to: z.string().max(20).optional(),
        }),
        response: { 200: z.object({ items: z.array(ZAuditEntry), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const filters = auditFiltersOf(request.query as Parameters<typeof auditFiltersOf>[0]);
      const root = request.query.accountId
        ? (await findReachableAccount(ctx.db, actor, request.query.accountId)).id
        : actor.account.id;
      const scope = {
        accountIds: subtreeIds(ctx.db, root),
        namesOf: (ids: string[]) => accountLabels(ctx.db, ids),
        reachable: (ids: string[]) => reachableIds(ctx.db, actor, ids),
      };
      return listAuditForSubtree(ctx.db, actor, scope, { limit: request.query.limit, cursor: request.query.cursor ?? null }, filters);
    },
  );
};


const TEAM_CSV_STATUSES = ['placed', 'accepted', 'link_placed', 'verified', 'completed', 'refused', 'cancelled', 'expired', 'lost'];
const TEAM_ROLE_FR: Record<string, string> = { manager: 'Manager', consultant: 'Consultant', client: 'Client' };
const TEAM_STATUS_FR: Record<string, string> = { active: 'Actif', deactivated: 'Désactivé', suspended: 'Suspendu' };
const TEAM_CSV_COLUMNS_FR = [
  'Nom', 'E-mail', 'Rôle', 'Responsable', 'Statut', 'Clients', 'Dépenses (€)', 'Commandes',
  'Passées', 'Acceptées', 'Liens posés', 'Vérifiées', 'Terminées', 'Refusées', 'Annulées', 'Expirées', 'Perdues',
  'Liens en ligne', 'Solde (€)', 'Dernière connexion',
];
const TEAM_CSV_COLUMNS_EN = [
  'Name', 'E-mail', 'Role', 'Person in charge', 'Status', 'Clients', 'Spend (EUR)', 'Orders',
  'Placed', 'Accepted', 'Link placed', 'Verified', 'Completed', 'Refused', 'Cancelled', 'Expired', 'Lost',
  'Live links', 'Balance (EUR)', 'Last sign-in',
];
