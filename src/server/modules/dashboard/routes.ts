import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { ZDashboard, ZDashboardQuery } from './schema.js';
import * as dashboard from './service.js';

const tags = ['dashboard'];

export const dashboardRoutes: RoutesPlugin = async (app, { ctx }) => {
  // The dashboard of the account in use (the acted one when acting-as), in one request.
  app.get('/api/dashboard', { config: { readCache: true }, schema: { tags, querystring: ZDashboardQuery, response: { 200: ZDashboard } } }, async (request) =>
    dashboard.getDashboard(actorOf(request), request.query, ctx),
  );
};
