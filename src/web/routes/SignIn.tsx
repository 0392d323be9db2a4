import { useState } from 'react';
import { Alert, Anchor, Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '../components/PasswordField';
import { endpoints } from '../api/endpoints';
import { queryClient } from '../api/queries';
import { applyServerError } from '../components/serverErrors';

/** A path inside the app to come back to after signing in (never another site). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignIn() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (v.trim() ? null : t('validation.required')),
      password: (v) => (v ? null : t('validation.required')),
    },
  });
  const login = useMutation({
    mutationFn: endpoints.login,
    onSuccess: () => {
      queryClient.removeQueries();
      navigate(safeNext(params.get('suite')), { replace: true });
    },
    onError: (e) => setFormError(applyServerError(e, form)),
  });
  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setFormError(null);
        login.mutate({ email: values.email.trim(), password: values.password });
      })}
      noValidate
    >
      <Stack>
        <div>
          <Title order={2}>{t('signIn.title')}</Title>
          <Text c="dimmed" size="sm">
            {t('signIn.subtitle')}
          </Text>
        </div>
        {formError && (
          <Alert color="red" data-testid="form-error">
            {formError}
          </Alert>
        )}
        <TextInput label={t('fields.email')} type="email" autoComplete="email" required {...form.getInputProps('email')} />
        <PasswordField
          label={t('fields.password')}
          autoComplete="current-password"
          required
          {...form.getInputProps('password')}
        />
        <Group justify="space-between">
          <Anchor component={Link} to="/mot-de-passe-oublie" size="sm">
            {t('signIn.forgot')}
          </Anchor>
          <Button type="submit" loading={login.isPending} data-testid="sign-in-submit">
            {t('signIn.submit')}
          </Button>
        </Group>
        <Text size="sm" ta="center">
          {t('signIn.noAccount')}{' '}
          <Anchor component={Link} to="/inscription">
            {t('signIn.signUpLink')}
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}
