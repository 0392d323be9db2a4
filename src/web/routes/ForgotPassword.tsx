import { useState } from 'react';
import { Alert, Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { applyServerError } from '../components/serverErrors';

export function ForgotPassword() {
  const { t } = useTranslation();
  const [sent, setSent] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { email: '' },
    validate: { email: (v) => (v.trim() ? null : t('validation.required')) },
  });
  const reset = useMutation({
    mutationFn: endpoints.requestPasswordReset,
    onSuccess: () => setSent(true),
    onError: (e) => setFormError(applyServerError(e, form)),
  });
  return (
    <Stack>
      <div>
        <Title order={2}>{t('forgot.title')}</Title>
        <Text c="dimmed" size="sm">
          {t('forgot.subtitle')}
        </Text>
      </div>
      {sent ? (
        <Alert color="teal" data-testid="reset-sent">
          {t('forgot.sent')}
        </Alert>
      ) : (
        <form
          noValidate
          onSubmit={form.onSubmit((v) => {
            setFormError(null);
            reset.mutate({ email: v.email.trim() });
          })}
        >
          <Stack>
            {formError && <Alert color="red">{formError}</Alert>}
            <TextInput label={t('fields.email')} type="email" autoComplete="email" required {...form.getInputProps('email')} />
            <Button type="submit" loading={reset.isPending}>
              {t('forgot.submit')}
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
