import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fastifyTrustProxy, type Config } from './config.js';
import type { Database } from './db/database.js';
import type { Ctx } from './http/actor.js';
import { answerFrameworkError, registerErrorHandling, registerRequestHooks } from './http/hooks.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerRequestLog } from './http/request-log.js';
import { registerReadCache, type ReadCache } from './http/read-cache.js';
import { accountRoutes } from './modules/accounts/routes.js';
import { agencyRoutes } from './modules/agency/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { supportRoutes } from './modules/support/routes.js';
import { ledgerRoutes } from './modules/ledger/routes.js';
import { billingRoutes } from './modules/billing/routes.js';
import { catalogRoutes } from './modules/catalog/routes.js';
import { orderRoutes } from './modules/orders/routes.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { useBalanceReader } from './modules/accounts/service.js';
import { balancesOf } from './modules/ledger/service.js';
import { onAgencyPromotion, useTeamOrderFigures } from './modules/agency/service.js';
import { adoptIntoAgency as adoptTopUpsIntoAgency } from './modules/billing/service.js';
import { adoptIntoAgency as adoptOrdersIntoAgency, extendOrderDetail, teamOrderFigures } from './modules/orders/service.js';
import { adoptIntoAgency as adoptClaimsIntoAgency, orderMonitoringDetail } from './modules/links/service.js';
import { linkRoutes } from './modules/links/routes.js';
import { payoutRoutes } from './modules/payouts/routes.js';
import { reportRoutes } from './modules/reports/routes.js';
import { dashboardRoutes } from './modules/dashboard/routes.js';

export type BuildOptions = {
  config: Config;
  database: Database;
  /** log at info level (to stdout, or to `stream`): the start line, errors, slow requests, and every request with `config.logRequests` */
  logger?: boolean | { stream: NodeJS.WritableStream };
  webRoot?: string | null;
};

/** One registered route, as the `onRoute` hook saw it (HEAD twins of GET routes included). */
export type RegisteredRoute = { method: string; url: string; config: Record<string, unknown>; schema: Record<string, unknown> | undefined };

const routeTables = new WeakMap<FastifyInstance, RegisteredRoute[]>();
const readCaches = new WeakMap<FastifyInstance, ReadCache>();

/** The read cache of an app built by buildApp (its hit and miss counts, for tests and benchmarks). */
export function readCacheOf(app: FastifyInstance): ReadCache {
  const cache = readCaches.get(app);
  if (!cache) throw new Error('readCacheOf: this app was not built by buildApp');
  return cache;
}

/** Every route the app registered, in order: tests walk it so that a new route cannot skip the auth checks. */
export function listRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes = routeTables.get(app);
  if (!routes) throw new Error('listRoutes: this app was not built by buildApp');
  return [...routes];
}

/** The path of `url` as the router reads it (percent-decoded), or the raw path when it cannot be decoded. */
function decodedPath(url: string): string {
  const path = url.split('?')[0];
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

const defaultWebRoot = fileURLToPath(new URL('../../dist/web', import.meta.url));

/** Builds the whole HTTP app from the modules; tests call it with `inject()`, main.ts listens. */
export async function buildApp({ config, database, logger = false, webRoot = defaultWebRoot }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ? { level: 'info', ...(typeof logger === 'object' ? { stream: logger.stream } : {}) } : false,
    // Two info lines per request cost a fifth of a short request's time: off unless MAILLON_LOG_REQUESTS=1
    // (5xx answers and slow requests are still logged: http/request-log.ts).
    logController: new LogController({ disableRequestLogging: !config.logRequests }),
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: 1_048_576,
    frameworkErrors: answerFrameworkError,
  }).withTypeProvider<ZodTypeProvider>();
  const routes: RegisteredRoute[] = [];
  routeTables.set(app, routes);
  // Added first, so that it sees the routes of every plugin registered below (encapsulated ones included).
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, config: { ...(route.config ?? {}) }, schema: route.schema as Record<string, unknown> | undefined });
    }
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const ctx: Ctx = { db: database.db, config };

  await registerSecurityHeaders(app);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Maillon API', version: '1.0.0', description: 'Netlinking marketplace with an agency mode.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'maillon_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });

  if (logger) registerRequestLog(app, config);
  registerRequestHooks(app, ctx);
  readCaches.set(app, registerReadCache(app, config));
  registerErrorHandling(app);

  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: { tags: ['meta'], response: { 200: z.object({ ok: z.boolean(), database: z.enum(['pglite', 'postgres']) }) } },
    },
    async () => {
      await database.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
      return { ok: true, database: database.engine };
    },
  );
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  // accounts shows balances but sits above the ledger: the ledger's reader is handed in here.
  useBalanceReader(balancesOf);
  // A promoted customer's top-ups and orders join its agency; their owners sit below agency.
  onAgencyPromotion(adoptTopUpsIntoAgency);
  onAgencyPromotion(adoptOrdersIntoAgency);
  useTeamOrderFigures(teamOrderFigures);
  onAgencyPromotion(adoptClaimsIntoAgency);
  // An order's page shows its monitoring and claim; links sits below orders.
  extendOrderDetail(orderMonitoringDetail);
  for (const routes of [authRoutes, notificationRoutes, accountRoutes, agencyRoutes, ledgerRoutes, billingRoutes, catalogRoutes, orderRoutes, linkRoutes, payoutRoutes, reportRoutes, supportRoutes, dashboardRoutes]) {
    await app.register(routes, { ctx });
  }

  if (webRoot && existsSync(webRoot)) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false });
    // The SPA owns every non-API path: serve its shell so that deep links survive a reload.
    app.get('/*', { config: { public: true }, schema: { hide: true } }, (request, reply) => {
      // decoded as the router decodes it: `/%61pi/nothing` is an unknown API path too, not a page
      if (decodedPath(request.url).startsWith('/api/')) {
        return reply.status(404).send({ error: { code: 'not_found', message: 'Not found.' } });
      }
      return reply.sendFile('index.html');
    });
  }

  await app.ready();
  return app;
}
