import { z } from 'zod';
import type { RoutesPlugin } from '../../http/types.js';
import { actorOf } from '../../http/hooks.js';
import { notFound } from '../../http/errors.js';
import { ZPageQuery } from '../../http/pagination.js';
import { notificationCategories } from './events.js';
import { countUnread, getPreferences, listNotifications, markRead, setPreferences, unsubscribe } from './inbox.js';

const tags = ['notifications'];
const ZCategory = z.enum(notificationCategories);
const ZEmailChoice = z.enum(['immediate', 'digest', 'off', 'default']);

const ZNotification = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  category: ZCategory,
  title: z.string(),
  body: z.string(),
  /** the app page of its object */
  link: z.string().nullable(),
  object: z.object({ type: z.string(), id: z.string() }).nullable(),
  readAt: z.string().nullable(),
});

const ZPreferences = z.object({
  items: z.array(z.object({ category: ZCategory, label: z.string(), email: ZEmailChoice })),
});

const ZUnsubscribed = z.object({ categories: z.array(ZCategory) });

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
        querystring: ZPageQuery.extend({
          unread: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
          category: ZCategory.optional(),
        }),
        response: { 200: z.object({ items: z.array(ZNotification), nextCursor: z.string().nullable(), unreadCount: z.number().int() }) },
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
    { schema: { tags, response: { 200: z.object({ count: z.number().int() }) } } },
    async (request) => ({ count: await countUnread(ctx.db, actorOf(request).person.id) }),
  );

  app.post(
    '/api/notifications/read',
    { schema: { tags, body: z.object({ ids: z.array(z.uuid()).max(500).optional() }).optional(), response: { 204: z.null() } } },
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
        body: z.object({ items: z.array(z.object({ category: ZCategory, email: ZEmailChoice })).min(1).max(notificationCategories.length) }),
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
    return { categories: done.categories as z.infer<typeof ZCategory>[] };
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
      schema: { tags, body: z.object({ token: z.string().min(10).max(100) }), response: { 200: ZUnsubscribed } },
    },
    async (request) => answerUnsubscribe(request.body.token),
  );
};
