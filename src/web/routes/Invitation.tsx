import { useState } from 'react';
import { Alert, Anchor, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '../components/PasswordField';
import { ApiError } from '../api/client';
import { endpoints } from '../api/endpoints';
import { queryClient } from '../api/queries';
import type { Role } from '../api/types';
import { RoleBadge } from '../components/RoleBadge';
import { applyServerError, messageOf } from '../components/serverErrors';

/** Reached from the invitation e-mail `/invitation?token=…`: choose a password, then into the app. */
export function Invitation() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [formError, setFormError] = useState<string | null>(null);
  const invitation = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => endpoints.invitation(token),
    enabled: token.length >= 10,
  });
  const form = useForm({
    initialValues: { password: '', confirm: '' },
    validate: {
      password: (v) => (v.length >= 10 ? null : t('validation.passwordLength')),
      confirm: (v, values) => (v === values.password ? null : t('validation.passwordsDiffer')),
    },
  });
  const accept = useMutation({
    mutationFn: endpoints.acceptInvitation,
    onSuccess: () => {
      queryClient.removeQueries();
      navigate('/', { replace: true });
    },
    onError: (e) => setFormError(applyServerError(e, form)),
  });

  if (token.length < 10) return <Alert color="red">{t('invitation.invalid')}</Alert>;
  if (invitation.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (invitation.error) {
    return (
      <Stack>
        <Title order={2}>{t('invitation.title')}</Title>
        <Alert color="red">
          {invitation.error instanceof ApiError && invitation.error.status === 404
            ? t('invitation.invalid')
            : messageOf(invitation.error)}
        </Alert>
        <Anchor component={Link} to="/connexion" size="sm" ta="center">
          {t('common.backToSignIn')}
        </Anchor>
      </Stack>
    );
  }
  const info = invitation.data;
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        accept.mutate({ token, password: v.password });
      })}
    >
      <Stack>
        <Title order={2}>{t('invitation.title')}</Title>
        <Stack gap={4} data-testid="invitation-details">
          <Group gap="xs">
            <Text fw={600}>{info.name}</Text>
            <RoleBadge role={info.role as Role} />
          </Group>
          <Text size="sm" c="dimmed">
            {info.email}
          </Text>
        </Stack>
        <Text size="sm">{t('invitation.subtitle')}</Text>
        {formError && <Alert color="red">{formError}</Alert>}
        <PasswordField
          label={t('fields.password')}
          description={t('validation.passwordLength')}
          autoComplete="new-password"
          required
          {...form.getInputProps('password')}
        />
        <PasswordField
          label={t('fields.confirmPassword')}
          autoComplete="new-password"
          required
          {...form.getInputProps('confirm')}
        />
        <Button type="submit" loading={accept.isPending}>
          {t('invitation.submit')}
        </Button>
      </Stack>
    </form>
  );
}
