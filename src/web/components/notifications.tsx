import { useEffect, useState, type MouseEvent } from 'react';
import { Badge, Box, Group, Stack, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { notificationEndpoints, notificationKeys, type NotificationCategory, type NotificationItem } from '../api/notifications';
import { queryClient } from '../api/queries';
import type { MeAccount } from '../api/types';
import { formatDateTime, formatRelative } from './format';
import { isBuyer, maySell } from './market';
import { notifyError } from './serverErrors';

/** The time, again every `everyMs`: relative dates (« il y a 5 minutes ») stay true on an open page. */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** A notification's page in the app, when its link is one (a path of this site). */
export function appLink(link: string | null): string | null {
  return link && link.startsWith('/') && !link.startsWith('//') ? link : null;
}

/**
 * The categories a person can be told about, by its own role (notifications and preferences are
 * the person's, whoever it acts as): support's queue for support only, orders received for those
 * who may sell, the buyer's side for buyers.
 */
export function categoriesFor(person: Pick<MeAccount, 'role' | 'agencyId'>): NotificationCategory[] {
  if (person.role === 'support') return ['support'];
  const categories: NotificationCategory[] = [];
  if (maySell(person)) categories.push('publisher_orders');
  if (isBuyer(person)) categories.push('orders');
  categories.push('money');
  if (isBuyer(person)) categories.push('team');
  return categories;
}

const invalidateNotifications = () => queryClient.invalidateQueries({ queryKey: notificationKeys.all });

function markReadInCache(ids: string[] | undefined) {
  const at = new Date().toISOString();
  const mark = (items: NotificationItem[]) =>
    items.map((n) => (n.readAt || (ids && !ids.includes(n.id)) ? n : { ...n, readAt: at }));
  queryClient.setQueriesData<unknown>({ queryKey: notificationKeys.all }, (data: unknown) => {
    if (!data || typeof data !== 'object') return data;
    if ('items' in data && Array.isArray(data.items)) return { ...data, items: mark(data.items as NotificationItem[]) };
    if ('pages' in data && Array.isArray(data.pages)) {
      const pages = (data.pages as { items?: NotificationItem[] }[]).map((p) =>
        Array.isArray(p.items) ? { ...p, items: mark(p.items) } : p,
      );
      return { ...data, pages };
    }
    return data;
  });
}

/** Marks some notifications read (or all of them without ids), then refreshes the bell and the lists. */
export function useMarkRead() {
  return useMutation({
    mutationFn: (ids?: string[]) => notificationEndpoints.markRead(ids),
    // Read at once in the lists already loaded (the bell's, the page's), so that none shows it
    // unread while its refetch is on the way.
    onMutate: (ids) => markReadInCache(ids),
    onSuccess: invalidateNotifications,
    onError: notifyError,
  });
}

/**
 * One notification: its title (bold while unread), its text, how long ago. Opening it (a link to
 * its object when it has one) marks it read; `onOpened` runs after, e.g. to close the bell.
 */
export function NotificationEntry({
  item,
  now,
  compact = false,
  highlight = true,
  autoFocus = false,
  onOpened,
  testId,
}: {
  item: NotificationItem;
  now: number;
  /** the bell's: text on three lines at most, no category */
  compact?: boolean;
  /** a tinted background while unread (off when the row around it has one) */
  highlight?: boolean;
  /** the first to get the focus when its popover opens */
  autoFocus?: boolean;
  onOpened?: () => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const markRead = useMarkRead();
  const unread = item.readAt === null;
  const link = appLink(item.link);
  const open = (event: MouseEvent) => {
    // A click with a modifier opens another tab: this one stays as it is.
    if (event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (unread) markRead.mutate([item.id]);
    onOpened?.();
  };
  const content = (
    <Group gap="sm" wrap="nowrap" align="flex-start">
      <Box mt={6} w={8} h={8} style={{ borderRadius: '50%', flex: 'none' }} bg={unread ? 'blue.6' : 'transparent'} aria-hidden />
      <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
        {unread && <VisuallyHidden>{t('notifications.page.unread')}</VisuallyHidden>}
        <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
          <Text size="sm" fw={unread ? 700 : 500} data-testid="notification-title">
            {item.title}
          </Text>
          <Text
            size="xs"
            c="dimmed"
            style={{ whiteSpace: 'nowrap' }}
            title={formatDateTime(item.at)}
            data-testid="notification-when"
          >
            {formatRelative(item.at, now)}
          </Text>
        </Group>
        <Text size="sm" c="dimmed" lineClamp={compact ? 3 : undefined} data-testid="notification-body">
          {item.body}
        </Text>
        {!compact && (
          <Group gap="xs" mt={4}>
            <Badge variant="light" color="gray" size="sm" data-testid="notification-category">
              {t(`notifications.categories.${item.category}`)}
            </Badge>
          </Group>
        )}
      </Stack>
    </Group>
  );
  const common = {
    p: compact ? 'sm' : 'md',
    w: '100%',
    'data-testid': testId,
    'data-id': item.id,
    'data-kind': item.kind,
    'data-unread': unread,
    'data-autofocus': autoFocus || undefined,
    style: { borderRadius: 'var(--mantine-radius-sm)', display: 'block' },
    bg: unread && highlight ? 'blue.0' : undefined,
  } as const;
  return link ? (
    <UnstyledButton component={Link} to={link} onClick={open} {...common}>
      {content}
    </UnstyledButton>
  ) : (
    <UnstyledButton onClick={open} {...common}>
      {content}
    </UnstyledButton>
  );
}
