import { useEffect, useRef, useState } from 'react';
import { ActionIcon, Button, Center, Divider, Group, Indicator, Loader, Popover, ScrollArea, Stack, Text } from '@mantine/core';
import { useWindowEvent } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { notificationEndpoints, notificationKeys } from '../api/notifications';
import { queryClient } from '../api/queries';
import { currentLanguage } from '../i18n';
import { NotificationEntry, useMarkRead, useNow } from './notifications';
import { QueryStatus } from './QueryStatus';

/** How often the bell asks for the unread count while the tab is shown (it also asks on coming back to it, and after every action). */
const POLL_MS = 30_000;
const LATEST = 8;

function BellIcon() {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden
    >
      <path d="M10 5a2 2 0 1 1 4 0a7 7 0 0 1 4 6v3a4 4 0 0 0 2 3H4a4 4 0 0 0 2-3v-3a7 7 0 0 1 4-6" />
      <path d="M9 17v1a3 3 0 0 0 6 0v-1" />
    </svg>
  );
}

/**
 * The bell of the header: the person's unread count, and the latest notifications in a popover,
 * each opening its object (and read by that), with "mark all as read" and the way to the page.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const [opened, setOpened] = useState(false);
  const now = useNow();
  const markAll = useMarkRead();
  const unread = useQuery({
    queryKey: notificationKeys.unreadCount,
    queryFn: notificationEndpoints.unreadCount,
    refetchInterval: POLL_MS,
    refetchOnWindowFocus: 'always',
    staleTime: 0,
  });
  const count = unread.data?.count ?? 0;
  const latest = useQuery({
    queryKey: notificationKeys.latest(lang),
    queryFn: () => notificationEndpoints.list({ limit: LATEST }),
    enabled: opened,
    staleTime: 0,
  });

  // Something new came: the open lists (this popover, the notifications page) show it too, and so
  // do the pages of what it is about (an order, a claim, a wallet), which may be on screen already.
  const previous = useRef<number | null>(null);
  useEffect(() => {
    if (unread.data === undefined) return;
    if (previous.current !== null && unread.data.count > previous.current) {
      void queryClient.invalidateQueries({ queryKey: ['notifications', 'latest'] });
      void queryClient.invalidateQueries({ queryKey: ['notifications', 'list'] });
      for (const family of ['orders', 'claims', 'publisher', 'account']) void queryClient.invalidateQueries({ queryKey: [family] });
    }
    previous.current = unread.data.count;
  }, [unread.data]);

  // Not a focus trap: the dropdown follows the bell in the page, so Tab goes from one into the
  // other; Escape closes it wherever the focus is.
  useWindowEvent('keydown', (event) => {
    if (opened && event.key === 'Escape') setOpened(false);
  });

  const items = latest.data?.items ?? [];
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={400} shadow="md" withinPortal={false}>
      <Popover.Target>
        <Indicator
          label={<span data-testid="notification-count">{count > 99 ? '99+' : count}</span>}
          disabled={count === 0}
          color="red"
          size={18}
          offset={4}
          inline
        >
          <ActionIcon
            variant={count > 0 ? 'light' : 'subtle'}
            color={count > 0 ? 'blue' : 'gray'}
            size="lg"
            onClick={() => setOpened((o) => !o)}
            aria-label={count > 0 ? t('notifications.bell.labelUnread', { count }) : t('notifications.bell.label')}
            aria-expanded={opened}
            data-testid="notification-bell"
            data-unread={count}
          >
            <BellIcon />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0} data-testid="notification-popover">
        <Group justify="space-between" px="md" py="sm" wrap="nowrap">
          <Text fw={700}>{t('notifications.bell.title')}</Text>
          <Button
            variant="subtle"
            size="compact-sm"
            disabled={count === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate(undefined)}
            data-testid="notification-mark-all"
          >
            {t('notifications.bell.markAllRead')}
          </Button>
        </Group>
        <Divider />
        {latest.isPending ? (
          <Center py="lg">
            <Loader size="sm" aria-label={t('common.loading')} />
          </Center>
        ) : latest.error ? (
          <Stack p="sm">
            <QueryStatus query={latest} />
          </Stack>
        ) : items.length === 0 ? (
          <Text c="dimmed" size="sm" ta="center" py="lg" data-testid="notification-empty">
            {t('notifications.bell.empty')}
          </Text>
        ) : (
          <ScrollArea.Autosize mah={440} type="auto">
            <Stack gap={2} p={4} data-testid="notification-latest">
              {items.map((item, i) => (
                <NotificationEntry
                  key={item.id}
                  item={item}
                  now={now}
                  compact
                  autoFocus={i === 0}
                  onOpened={() => setOpened(false)}
                  testId="notification-entry"
                />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        )}
        <Divider />
        <Button
          component={Link}
          to="/notifications"
          variant="subtle"
          fullWidth
          radius={0}
          onClick={() => setOpened(false)}
          data-testid="notification-see-all"
        >
          {t('notifications.bell.seeAll')}
        </Button>
      </Popover.Dropdown>
    </Popover>
  );
}
