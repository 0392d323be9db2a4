import { useState } from 'react';
import { Alert, Anchor, Button, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { queryClient } from '../api/queries';
import { messageOf } from '../components/serverErrors';

/**
 * Reached from the link sent to a new e-mail address, `/confirm-email?token=…` (the server writes
 * that address). The address changes only when the person confirms here, with a button rather
 * than on load, so that a mail scanner opening the link changes nothing by itself.
 */
export function ConfirmEmail() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [done, setDone] = useState<string | null>(null);
  const confirm = useMutation({
    mutationFn: endpoints.confirmEmailChange,
    onSuccess: async ({ email }) => {
      setDone(email);
      await queryClient.invalidateQueries();
    },
  });
  return (
    <Stack>
      <Title order={2}>{t('confirmEmail.title')}</Title>
      {!token ? (
        <Alert color="red">{t('confirmEmail.noToken')}</Alert>
      ) : done ? (
        <Alert color="teal" data-testid="confirm-email-done">
          {t('confirmEmail.done', { email: done })}
        </Alert>
      ) : (
        <Stack>
          <Text size="sm" c="dimmed">
            {t('confirmEmail.subtitle')}
          </Text>
          {confirm.error && (
            <Alert color="red" data-testid="confirm-email-error">
              {messageOf(confirm.error)}
            </Alert>
          )}
          <Button onClick={() => confirm.mutate({ token })} loading={confirm.isPending}>
            {t('confirmEmail.submit')}
          </Button>
        </Stack>
      )}
      <Anchor component={Link} to="/connexion" size="sm" ta="center">
        {t('common.backToSignIn')}
      </Anchor>
    </Stack>
  );
}
