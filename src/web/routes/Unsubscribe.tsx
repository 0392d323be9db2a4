import { Alert, Anchor, Button, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { notificationEndpoints } from '../api/notifications';
import { currentLanguage } from '../i18n';
import { messageOf } from '../components/serverErrors';

/**
 * Reached from the link at the foot of every notification e-mail, `/desabonnement?token=…` (the
 * server writes that address), without signing in. The categories of that e-mail are switched off
 * only when the person clicks, not on load, so that a mail scanner opening the link changes
 * nothing. (Mail clients use the one-click `List-Unsubscribe` address of the API instead.)
 */
export function Unsubscribe() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const unsubscribe = useMutation({ mutationFn: () => notificationEndpoints.unsubscribe(token) });
  const done = unsubscribe.data;
  const list = (names: string[]) =>
    new Intl.ListFormat(currentLanguage() === 'en' ? 'en-GB' : 'fr-FR', { type: 'conjunction' }).format(
      names.map((name) => t('common.quoted', { text: name })),
    );
  // A token unknown or already used: 404 (the link is single use); a truncated one: 400.
  const invalid = isApiError(unsubscribe.error) && (unsubscribe.error.status === 404 || unsubscribe.error.status === 400);
  return (
    <Stack>
      <Title order={2}>{t('notifications.unsubscribe.title')}</Title>
      {!token ? (
        <Alert color="red" data-testid="unsubscribe-no-token">
          {t('notifications.unsubscribe.noToken')}
        </Alert>
      ) : done ? (
        <Alert color="teal" data-testid="unsubscribe-done">
          {t('notifications.unsubscribe.done', {
            categories: list(done.categories.map((c) => t(`notifications.categories.${c}`))),
          })}
        </Alert>
      ) : invalid ? (
        <Alert color="orange" data-testid="unsubscribe-invalid">
          {t('notifications.unsubscribe.invalid')}
        </Alert>
      ) : (
        <Stack>
          <Text size="sm" c="dimmed">
            {t('notifications.unsubscribe.subtitle')}
          </Text>
          {unsubscribe.error && (
            <Alert color="red" data-testid="unsubscribe-error">
              {messageOf(unsubscribe.error)}
            </Alert>
          )}
          <Button onClick={() => unsubscribe.mutate()} loading={unsubscribe.isPending} data-testid="unsubscribe-submit">
            {t('notifications.unsubscribe.submit')}
          </Button>
        </Stack>
      )}
      <Anchor component={Link} to="/mon-compte#notifications" size="sm" ta="center" data-testid="unsubscribe-preferences">
        {t('notifications.unsubscribe.preferences')}
      </Anchor>
    </Stack>
  );
}
