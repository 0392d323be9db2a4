import { z } from 'zod';
import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { notFound } from '../../http/errors.js';
import {
  ZMarkReadBody,
  ZNotificationCategory,
  ZNotificationPage,
  ZNotificationsQuery,
  ZPreferences,
  ZPreferencesBody,
  ZUnreadCount,
  ZUnsubscribeBody,
  ZUnsubscribed,
} from './schema.js';
import { countUnread, getPreferences, listNotifications, markRead, setPreferences, unsubscribe } from './inbox.js';

const tags = ['notifications'];

/**
 * The bell, the notifications page, the preferences, and the one-click unsubscribe. Notifications
 * are the signed-in person's own, whoever it acts as.
 */
export const notificationRoutes: RoutesPlugin = async (app, { ctx }) => {
  // Mail clients post the one-click unsubscribe as a form (RFC 8058); its body says nothing more.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, _body, done) => done(null, {}));

  app.get(
    '/api/notifications',
    {
      schema: {
        tags,
        querystring: ZNotificationsQuery,
        response: { 200: ZNotificationPage },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return listNotifications(ctx.db, actor.person.id, actor.lang, {
        unread: request.query.unread,
        category: request.query.category,
        limit: request.query.limit,
        cursor: request.query.cursor,
      });
    },
  );

  app.get(
    '/api/notifications/unread-count',
    { schema: { tags, response: { 200: ZUnreadCount } } },
    async (request) => ({ count: await countUnread(ctx.db, actorOf(request).person.id) }),
  );

  app.post(
    '/api/notifications/read',
    { schema: { tags, body: ZMarkReadBody, response: { 204: z.null() } } },
    async (request, reply) => {
      await markRead(ctx.db, actorOf(request).person.id, request.body?.ids);
      return reply.status(204).send(null);
    },
  );

  app.get('/api/notifications/preferences', { schema: { tags, response: { 200: ZPreferences } } }, async (request) => {
    const actor = actorOf(request);
    return { items: await getPreferences(ctx.db, actor.person.id, actor.lang) };
  });

  app.put(
    '/api/notifications/preferences',
    {
      schema: {
        tags,
        body: ZPreferencesBody,
        response: { 200: ZPreferences },
      },
    },
    async (request) => {
      // The signed-in person's own preferences, whoever it acts as.
      const actor = actorOf(request);
      await setPreferences(ctx.db, actor.person.id, request.body.items);
      return { items: await getPreferences(ctx.db, actor.person.id, actor.lang) };
    },
  );

  const answerUnsubscribe = async (token: string) => {
    const done = await unsubscribe(ctx.db, token);
    if (!done) throw notFound();
    return { categories: done.categories as z.infer<typeof ZNotificationCategory>[] };
  };

  app.post(
    '/api/notifications/unsubscribe/:token',
    {
      config: { public: true },
      schema: { tags, params: z.object({ token: z.string().min(10).max(100) }), response: { 200: ZUnsubscribed } },
    },
    async (request) => answerUnsubscribe(request.params.token),
  );

  app.post(
    '/api/notifications/unsubscribe',
    {
      config: { public: true },
      schema: { tags, body: ZUnsubscribeBody, response: { 200: ZUnsubscribed } },
    },
    async (request) => answerUnsubscribe(request.body.token),
  );
};
