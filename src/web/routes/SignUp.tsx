import { useState } from 'react';
import { Alert, Anchor, Button, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '../components/PasswordField';
import { endpoints } from '../api/endpoints';
import { queryClient } from '../api/queries';
import { applyServerError } from '../components/serverErrors';

export function SignUp() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { name: '', email: '', password: '', kind: 'customer' as 'customer' | 'publisher' },
    validate: {
      name: (v) => (v.trim() ? null : t('validation.required')),
      email: (v) => (v.trim() ? null : t('validation.required')),
      password: (v) => (v.length >= 10 ? null : t('validation.passwordLength')),
    },
  });
  const signup = useMutation({
    mutationFn: endpoints.signup,
    onSuccess: () => {
      queryClient.removeQueries();
      navigate('/', { replace: true });
    },
    onError: (e) => setFormError(applyServerError(e, form)),
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        signup.mutate({ name: v.name.trim(), email: v.email.trim(), password: v.password, kind: v.kind });
      })}
    >
      <Stack>
        <div>
          <Title order={2}>{t('signUp.title')}</Title>
          <Text c="dimmed" size="sm">
            {t('signUp.subtitle')}
          </Text>
        </div>
        {formError && (
          <Alert color="red" data-testid="form-error">
            {formError}
          </Alert>
        )}
        <Radio.Group label={t('signUp.kind')} required {...form.getInputProps('kind')}>
          <Stack gap={6} mt={6}>
            <Radio value="customer" label={t('signUp.customer')} description={t('signUp.customerHelp')} />
            <Radio value="publisher" label={t('signUp.publisher')} description={t('signUp.publisherHelp')} />
          </Stack>
        </Radio.Group>
        <TextInput label={t('signUp.name')} autoComplete="organization" required {...form.getInputProps('name')} />
        <TextInput label={t('fields.email')} type="email" autoComplete="email" required {...form.getInputProps('email')} />
        <PasswordField
          label={t('fields.password')}
          description={t('validation.passwordLength')}
          autoComplete="new-password"
          required
          {...form.getInputProps('password')}
        />
        <Button type="submit" loading={signup.isPending} data-testid="sign-up-submit">
          {t('signUp.submit')}
        </Button>
        <Text size="sm" ta="center">
          {t('signUp.haveAccount')}{' '}
          <Anchor component={Link} to="/connexion">
            {t('signUp.signInLink')}
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}
