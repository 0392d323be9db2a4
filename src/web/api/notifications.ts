// The notifications part of the typed client: the bell, the notifications page, the e-mail
// preferences and the unsubscribe link. Types are inferred from the server's zod schemas (types
// only); kept apart from endpoints.ts/types.ts so that the two stay small.
import type { z } from 'zod';
import type {
  ZEmailChoice,
  ZNotification,
  ZNotificationCategory,
  ZNotificationPage,
  ZNotificationsQuery,
  ZPreferences,
  ZPreferencesBody,
  ZUnreadCount,
  ZUnsubscribed,
} from '../../server/modules/notifications/schema';
import { api } from './client';

export type NotificationItem = z.infer<typeof ZNotification>;
export type NotificationCategory = z.infer<typeof ZNotificationCategory>;
export type NotificationPage = z.infer<typeof ZNotificationPage>;
/** The list's filters as sent: `unread` is the query string's 'true' | 'false'. */
export type NotificationsQuery = Partial<Pick<z.infer<typeof ZNotificationsQuery>, 'category' | 'limit' | 'cursor'>> &
  Pick<z.input<typeof ZNotificationsQuery>, 'unread'>;
export type UnreadCount = z.infer<typeof ZUnreadCount>;
export type EmailChoice = z.infer<typeof ZEmailChoice>;
export type Preferences = z.infer<typeof ZPreferences>;
export type PreferencesBody = z.input<typeof ZPreferencesBody>;
export type Unsubscribed = z.infer<typeof ZUnsubscribed>;

/** Every category, in the order the server lists them (a key missing here fails tsc). */
const categoryOrder: Record<NotificationCategory, true> = {
  publisher_orders: true,
  orders: true,
  money: true,
  team: true,
  support: true,
};
export const NOTIFICATION_CATEGORIES = Object.keys(categoryOrder) as NotificationCategory[];
const choiceOrder: Record<EmailChoice, true> = { default: true, immediate: true, digest: true, off: true };
/** The e-mail choices, as the preferences offer them. */
export const EMAIL_CHOICES = Object.keys(choiceOrder) as EmailChoice[];

export const notificationEndpoints = {
  list: (query: NotificationsQuery) => api.get<NotificationPage>('/api/notifications', query),
  unreadCount: () => api.get<UnreadCount>('/api/notifications/unread-count'),
  /** The given ones, or all of the person's without `ids`. */
  markRead: (ids?: string[]) => api.post<void>('/api/notifications/read', ids ? { ids } : {}),
  preferences: () => api.get<Preferences>('/api/notifications/preferences'),
  setPreferences: (body: PreferencesBody) => api.put<Preferences>('/api/notifications/preferences', body),
  unsubscribe: (token: string) => api.post<Unsubscribed>('/api/notifications/unsubscribe', { token }),
};

/**
 * Titles, bodies and labels are written by the server in the request's language: the keys carry
 * the language, so that switching it fetches them again.
 */
export const notificationKeys = {
  all: ['notifications'] as const,
  unreadCount: ['notifications', 'unread-count'] as const,
  latest: (lang: string) => ['notifications', 'latest', lang] as const,
  list: (lang: string, filters: { unread: boolean; category: NotificationCategory | null }) =>
    ['notifications', 'list', lang, filters] as const,
  preferences: (lang: string) => ['notifications', 'preferences', lang] as const,
};
