import { z } from 'zod';
import { ZPageQuery } from '../../http/pagination.js';
import { notificationCategories } from './events.js';

// The shapes of the notifications routes: the bell, the notifications page, the preferences and
// the one-click unsubscribe (the web app infers its types from them).

export const ZNotificationCategory = z.enum(notificationCategories);
/** How a category reaches a person by e-mail; `default` follows its relation to each event. */
export const ZEmailChoice = z.enum(['immediate', 'digest', 'off', 'default']);

export const ZNotification = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  category: ZNotificationCategory,
  title: z.string(),
  body: z.string(),
  /** the app page of its object */
  link: z.string().nullable(),
  object: z.object({ type: z.string(), id: z.string() }).nullable(),
  readAt: z.string().nullable(),
});

export const ZNotificationsQuery = ZPageQuery.extend({
  unread: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  category: ZNotificationCategory.optional(),
});

export const ZNotificationPage = z.object({
  items: z.array(ZNotification),
  nextCursor: z.string().nullable(),
  unreadCount: z.number().int(),
});

export const ZUnreadCount = z.object({ count: z.number().int() });

export const ZMarkReadBody = z.object({ ids: z.array(z.uuid()).max(500).optional() }).optional();

export const ZPreferences = z.object({
  items: z.array(z.object({ category: ZNotificationCategory, label: z.string(), email: ZEmailChoice })),
});

export const ZPreferencesBody = z.object({
  items: z
    .array(z.object({ category: ZNotificationCategory, email: ZEmailChoice }))
    .min(1)
    .max(notificationCategories.length),
});

export const ZUnsubscribeBody = z.object({ token: z.string().min(10).max(100) });

export const ZUnsubscribed = z.object({ categories: z.array(ZNotificationCategory) });
