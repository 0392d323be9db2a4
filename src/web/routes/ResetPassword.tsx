import { useState } from 'react';
import { Alert, Anchor, Button, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '../components/PasswordField';
import { endpoints } from '../api/endpoints';
import { applyServerError } from '../components/serverErrors';

/** Reached from the e-mail link `/reset-password?token=…` (the server writes that address). */
export function ResetPassword() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [done, setDone] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { newPassword: '', confirm: '' },
    validate: {
      newPassword: (v) => (v.length >= 10 ? null : t('validation.passwordLength')),
      confirm: (v, values) => (v === values.newPassword ? null : t('validation.passwordsDiffer')),
    },
  });
  const confirm = useMutation({
    mutationFn: endpoints.confirmPasswordReset,
    onSuccess: () => setDone(true),
    onError: (e) => setFormError(applyServerError(e, form)),
  });
  return (
    <Stack>
      <Title order={2}>{t('reset.title')}</Title>
      {!token ? (
        <Alert color="red">{t('reset.noToken')}</Alert>
      ) : done ? (
        <Alert color="teal" data-testid="reset-done">
          {t('reset.done')}
        </Alert>
      ) : (
        <form
          noValidate
          onSubmit={form.onSubmit((v) => {
            setFormError(null);
            confirm.mutate({ token, newPassword: v.newPassword });
          })}
        >
          <Stack>
            <Text size="sm" c="dimmed">
              {t('reset.subtitle')}
            </Text>
            {formError && <Alert color="red">{formError}</Alert>}
            <PasswordField
              label={t('fields.newPassword')}
              description={t('validation.passwordLength')}
              autoComplete="new-password"
              required
              {...form.getInputProps('newPassword')}
            />
            <PasswordField
              label={t('fields.confirmPassword')}
              autoComplete="new-password"
              required
              {...form.getInputProps('confirm')}
            />
            <Button type="submit" loading={confirm.isPending}>
              {t('reset.submit')}
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/connexion" size="sm" ta="center">
        {t('common.backToSignIn')}
      </Anchor>
    </Stack>
  );
}
