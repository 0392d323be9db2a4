import { Anchor, Button, Card, Divider, Group, Input, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { notificationEndpoints, notificationKeys, type NotificationCategory } from '../api/notifications';
import { useSession } from '../api/queries';
import { currentLanguage } from '../i18n';
import { MoreButton } from '../components/MoreButton';
import { QueryStatus } from '../components/QueryStatus';
import { categoriesFor, NotificationEntry, useMarkRead, useNow } from '../components/notifications';
import { notifySuccess } from '../components/serverErrors';

/**
 * "/notifications": everything the person was told, newest first, a page at a time; unread only
 * (`?non-lues=1`) or one category (`?categorie=orders`), each kept in the address.
 */
export function NotificationsPage() {
  const { t } = useTranslation();
  const me = useSession();
  const lang = currentLanguage();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const categories = categoriesFor(me.person);
  const unreadOnly = params.get('non-lues') === '1';
  const asked = params.get('categorie');
  const category = categories.find((c) => c === asked) ?? null;
  const filters = { unread: unreadOnly, category };

  const setFilter = (next: { unread?: boolean; category?: NotificationCategory | null }) => {
    const merged = { ...filters, ...next };
    const search = new URLSearchParams();
    if (merged.unread) search.set('non-lues', '1');
    if (merged.category) search.set('categorie', merged.category);
    setParams(search, { replace: true });
  };

  const list = useInfiniteQuery({
    queryKey: notificationKeys.list(lang, filters),
    queryFn: ({ pageParam }) =>
      notificationEndpoints.list({
        unread: unreadOnly ? 'true' : undefined,
        category: category ?? undefined,
        limit: 30,
        cursor: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  // The count of the bell, kept fresh by it: the page's own count would be that of its first page.
  const unread = useQuery({ queryKey: notificationKeys.unreadCount, queryFn: notificationEndpoints.unreadCount, staleTime: 0 });
  const unreadCount = unread.data?.count ?? list.data?.pages[0]?.unreadCount ?? 0;
  const markRead = useMarkRead();
  const markAll = () => markRead.mutate(undefined, { onSuccess: () => notifySuccess(t('notifications.page.allMarkedRead')) });

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="lg" maw={900}>
      <Stack gap={4}>
        <Title order={1} fz={28}>
          {t('notifications.page.title')}
        </Title>
        <Text c="dimmed" size="sm">
          {t('notifications.page.subtitle')}{' '}
          <Anchor component={Link} to="/mon-compte#notifications" size="sm" data-testid="notifications-preferences-link">
            {t('notifications.page.preferencesLink')}
          </Anchor>
        </Text>
      </Stack>
      <Card withBorder radius="md" padding="lg">
        <Group justify="space-between" align="flex-end" wrap="wrap" mb="md">
          <Group align="flex-end" wrap="wrap">
            <Input.Wrapper label={t('notifications.page.show')} labelElement="div" id="notifications-show">
              <SegmentedControl
                display="flex"
                aria-labelledby="notifications-show-label"
                value={unreadOnly ? 'unread' : 'all'}
                onChange={(v) => setFilter({ unread: v === 'unread' })}
                data={[
                  { value: 'all', label: t('notifications.page.all') },
                  { value: 'unread', label: t('notifications.page.unreadOnly') },
                ]}
                data-testid="notifications-unread-filter"
              />
            </Input.Wrapper>
            {categories.length > 1 && (
              <Select
                label={t('notifications.page.category')}
                placeholder={t('notifications.page.allCategories')}
                data={categories.map((c) => ({ value: c, label: t(`notifications.categories.${c}`) }))}
                value={category}
                onChange={(v) => setFilter({ category: (v as NotificationCategory | null) ?? null })}
                clearable
                w={260}
                data-testid="notifications-category"
              />
            )}
          </Group>
          <Group gap="sm" align="center">
            <Text size="sm" c="dimmed" data-testid="notifications-unread-count">
              {t('notifications.page.unreadCount', { count: unreadCount })}
            </Text>
            <Button
              variant="default"
              onClick={markAll}
              disabled={unreadCount === 0}
              loading={markRead.isPending && markRead.variables === undefined}
              data-testid="notifications-mark-all"
            >
              {t('notifications.page.markAllRead')}
            </Button>
          </Group>
        </Group>
        {list.isPending || list.error ? (
          <QueryStatus query={list} />
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" py="lg" data-testid="notifications-empty">
            {unreadOnly ? t('notifications.page.emptyUnread') : t('notifications.page.empty')}
          </Text>
        ) : (
          <Stack gap={0} data-testid="notifications-list">
            {items.map((item, i) => (
              <div key={item.id}>
                {i > 0 && <Divider />}
                <Group
                  wrap="nowrap"
                  align="center"
                  gap="xs"
                  my={4}
                  pr="sm"
                  bg={item.readAt === null ? 'blue.0' : undefined}
                  style={{ borderRadius: 'var(--mantine-radius-sm)' }}
                >
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <NotificationEntry item={item} now={now} highlight={false} testId="notification-row" />
                  </div>
                  {item.readAt === null && (
                    <Button
                      variant="subtle"
                      size="compact-sm"
                      onClick={() => markRead.mutate([item.id])}
                      loading={markRead.isPending && markRead.variables?.[0] === item.id}
                      data-testid="notification-mark-read"
                      data-id={item.id}
                    >
                      {t('notifications.page.markRead')}
                    </Button>
                  )}
                </Group>
              </div>
            ))}
          </Stack>
        )}
        <MoreButton query={list} testId="notifications-more" />
      </Card>
    </Stack>
  );
}
