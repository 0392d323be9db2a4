import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { ZPageOf } from '../../http/pagination.js';
import { z } from 'zod';
import { ZAccountDetail, ZAccountIdParams, ZAccountListItem, ZAccountSearchItem, ZListAccountsQuery, ZSearchAccountsQuery } from './schema.js';
import * as accounts from './service.js';

const tags = ['accounts'];

export const accountRoutes: RoutesPlugin = async (app, { ctx }) => {
  app.get(
    '/api/accounts',
    { config: { readCache: true }, schema: { tags, querystring: ZListAccountsQuery, response: { 200: ZPageOf(ZAccountListItem) } } },
    async (request) => accounts.listAccounts(actorOf(request), request.query, ctx),
  );

  // The quick switcher (Ctrl+K): the signed-in person's reach, whoever it is acting as.
  app.get(
    '/api/accounts/search',
    { schema: { tags, querystring: ZSearchAccountsQuery, response: { 200: z.object({ items: z.array(ZAccountSearchItem) }) } } },
    async (request) => accounts.searchReach(actorOf(request), request.query, ctx),
  );

  app.get(
    '/api/accounts/:id',
    { schema: { tags, params: ZAccountIdParams, response: { 200: ZAccountDetail } } },
    async (request) => accounts.getAccount(actorOf(request), request.params.id, ctx),
  );

  app.get(
    '/api/accounts/:id/wallet',
    {
      schema: {
        tags,
        params: ZAccountIdParams,
        response: { 200: ZAccountDetail.shape.wallet.omit({ lowBalanceCents: true }) },
      },
    },
    async (request) => (await accounts.getAccount(actorOf(request), request.params.id, ctx)).wallet,
  );
};
