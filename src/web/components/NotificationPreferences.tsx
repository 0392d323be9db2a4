import { useEffect, useRef } from 'react';
import { Alert, Card, Divider, Group, SegmentedControl, Stack, Text, Title, useMatches } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  EMAIL_CHOICES,
  notificationEndpoints,
  notificationKeys,
  type EmailChoice,
  type NotificationCategory,
} from '../api/notifications';
import { queryClient, useSession } from '../api/queries';
import { currentLanguage } from '../i18n';
import { categoriesFor } from './notifications';
import { QueryStatus } from './QueryStatus';
import { notifyError, notifySuccess } from './serverErrors';

export const PREFERENCES_ANCHOR = 'notifications';

/**
 * "Mon compte", section Notifications (`/mon-compte#notifications`, the link of every e-mail):
 * per category, how the person gets it by e-mail; each choice is saved as it is made. They are the
 * person's own, whoever it acts as. `ready`: the page above is laid out, so the anchor can be
 * scrolled to.
 */
export function NotificationPreferences({ ready }: { ready: boolean }) {
  const { t } = useTranslation();
  const me = useSession();
  const lang = currentLanguage();
  const location = useLocation();
  const key = notificationKeys.preferences(lang);
  const prefs = useQuery({ queryKey: key, queryFn: notificationEndpoints.preferences });
  const save = useMutation({
    mutationFn: (item: { category: NotificationCategory; email: EmailChoice }) =>
      notificationEndpoints.setPreferences({ items: [item] }),
    onSuccess: (data, item) => {
      queryClient.setQueryData(key, data);
      notifySuccess(
        t('notifications.preferences.saved', {
          category: t(`notifications.categories.${item.category}`),
          choice: t(`notifications.preferences.choices.${item.email}`).toLowerCase(),
        }),
      );
    },
    onError: notifyError,
  });
  const orientation = useMatches<'vertical' | 'horizontal'>({ base: 'vertical', xs: 'horizontal' });

  // Reached by the e-mails' link: once the page is laid out, this section comes into view.
  const scrolled = useRef(false);
  useEffect(() => {
    if (scrolled.current || !ready || !prefs.isSuccess || location.hash !== `#${PREFERENCES_ANCHOR}`) return;
    scrolled.current = true;
    requestAnimationFrame(() => document.getElementById(PREFERENCES_ANCHOR)?.scrollIntoView({ block: 'start' }));
  }, [ready, prefs.isSuccess, location.hash]);

  const chosen = new Map(prefs.data?.items.map((i) => [i.category, i.email]));
  const shown = categoriesFor(me.person);
  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      id={PREFERENCES_ANCHOR}
      style={{ scrollMarginTop: 80 }}
      data-testid="notification-preferences"
    >
      <Stack>
        <Title order={4}>{t('notifications.preferences.title')}</Title>
        <Text size="sm" c="dimmed" maw={720}>
          {t('notifications.preferences.intro')}
        </Text>
        {me.actingAs && (
          <Alert color="blue" variant="light">
            {t('notifications.preferences.actingNote', { name: me.person.name })}
          </Alert>
        )}
        {prefs.isPending || prefs.error ? (
          <QueryStatus query={prefs} />
        ) : (
          <Stack gap={0}>
            {shown.map((category, i) => {
              const pending = save.isPending && save.variables?.category === category ? save.variables.email : null;
              const label = t(`notifications.categories.${category}`);
              return (
                <div key={category}>
                  {i > 0 && <Divider my="sm" />}
                  <Group
                    justify="space-between"
                    align="center"
                    wrap="wrap"
                    gap="sm"
                    data-testid="preference-row"
                    data-category={category}
                  >
                    <Stack gap={2} style={{ flex: '1 1 260px' }}>
                      <Text fw={600} size="sm">
                        {label}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t(`notifications.categoryHelp.${category}`)}
                      </Text>
                    </Stack>
                    <SegmentedControl
                      aria-label={t('notifications.preferences.emailFor', { category: label })}
                      orientation={orientation}
                      color="blue"
                      value={pending ?? chosen.get(category) ?? 'default'}
                      onChange={(email) => save.mutate({ category, email: email as EmailChoice })}
                      disabled={save.isPending}
                      data={EMAIL_CHOICES.map((c) => ({ value: c, label: t(`notifications.preferences.choices.${c}`) }))}
                      data-testid="preference-choice"
                      data-value={chosen.get(category) ?? 'default'}
                    />
                  </Group>
                </div>
              );
            })}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
