import { useState } from 'react';
import { Alert, Button, Card, Group, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { PasswordField } from '../components/PasswordField';
import { endpoints } from '../api/endpoints';
import { keys, queryClient, useSession } from '../api/queries';
import type { AccountDetail } from '../api/types';
import { CompanyFields, companyToForm, formToCompany } from '../components/CompanyFields';
import { applyServerError, notifySuccess } from '../components/serverErrors';
import { QueryStatus } from '../components/QueryStatus';
import { NotificationPreferences } from '../components/NotificationPreferences';

/** "Mon compte": the profile of the account in use, the person's own credentials and its e-mail notifications. */
export function MyAccount() {
  const { t } = useTranslation();
  const me = useSession();
  const account = useQuery({ queryKey: keys.account(me.account.id), queryFn: () => endpoints.account(me.account.id) });
  return (
    <Stack gap="lg" maw={900}>
      <Title order={1} fz={28}>
        {t('myAccount.title')}
      </Title>
      {account.isPending || account.error ? (
        <QueryStatus query={account} />
      ) : (
        <ProfileCard account={account.data} />
      )}
      {me.actingAs && (
        <Alert color="orange" data-testid="credentials-acting-note">
          {t('myAccount.actingNote', { name: me.account.name })}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <PasswordCard />
        <EmailCard currentEmail={me.account.email} />
      </SimpleGrid>
      <NotificationPreferences ready={!account.isPending} />
    </Stack>
  );
}

function ProfileCard({ account }: { account: AccountDetail }) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { name: account.name, withCompany: account.company !== null, company: companyToForm(account.company) },
    validate: { name: (v) => (v.trim() ? null : t('validation.required')) },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      endpoints.updateAccount(account.id, { name: v.name.trim(), company: v.withCompany ? formToCompany(v.company) : null }),
    onSuccess: async () => {
      notifySuccess(t('myAccount.profileSaved'));
      form.resetDirty();
      await queryClient.invalidateQueries({ queryKey: keys.account(account.id) });
      await queryClient.invalidateQueries({ queryKey: keys.me });
    },
    onError: (e) => setFormError(applyServerError(e, form)),
  });
  return (
    <Card withBorder radius="md" padding="lg">
      <form
        noValidate
        onSubmit={form.onSubmit((v) => {
          setFormError(null);
          save.mutate(v);
        })}
      >
        <Stack>
          <Title order={4}>{t('myAccount.profile')}</Title>
          <TextInput label={t('fields.name')} required maw={420} {...form.getInputProps('name')} />
          <Switch
            label={t('company.include')}
            description={t('company.includeHelp')}
            {...form.getInputProps('withCompany', { type: 'checkbox' })}
          />
          {form.values.withCompany && <CompanyFields form={form} />}
          {formError && <Alert color="red">{formError}</Alert>}
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending} data-testid="profile-save">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function PasswordCard() {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: {
      currentPassword: (v) => (v ? null : t('validation.required')),
      newPassword: (v) => (v.length >= 10 ? null : t('validation.passwordLength')),
      confirm: (v, values) => (v === values.newPassword ? null : t('validation.passwordsDiffer')),
    },
  });
  const change = useMutation({
    mutationFn: endpoints.changePassword,
    onSuccess: () => {
      form.reset();
      notifySuccess(t('myAccount.passwordChanged'));
    },
    onError: (e) => setFormError(applyServerError(e, form)),
  });
  return (
    <Card withBorder radius="md" padding="lg">
      <form
        noValidate
        onSubmit={form.onSubmit((v) => {
          setFormError(null);
          change.mutate({ currentPassword: v.currentPassword, newPassword: v.newPassword });
        })}
      >
        <Stack>
          <Title order={4}>{t('myAccount.password')}</Title>
          <PasswordField
            label={t('fields.currentPassword')}
            autoComplete="current-password"
            required
            {...form.getInputProps('currentPassword')}
          />
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
          {formError && (
            <Alert color="red" data-testid="password-error">
              {formError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending}>
              {t('myAccount.changePassword')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function EmailCard({ currentEmail }: { currentEmail: string | null }) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { email: '', currentPassword: '' },
    validate: {
      email: (v) => (v.trim() ? null : t('validation.required')),
      currentPassword: (v) => (v ? null : t('validation.required')),
    },
  });
  const change = useMutation({
    mutationFn: endpoints.changeEmail,
    onSuccess: async (account) => {
      form.reset();
      notifySuccess(t('myAccount.emailPending', { email: account.pendingEmail }));
      await queryClient.invalidateQueries({ queryKey: keys.me });
      await queryClient.invalidateQueries({ queryKey: ['account'] });
    },
    onError: (e) => setFormError(applyServerError(e, form)),
  });
  return (
    <Card withBorder radius="md" padding="lg">
      <form
        noValidate
        onSubmit={form.onSubmit((v) => {
          setFormError(null);
          change.mutate({ email: v.email.trim(), currentPassword: v.currentPassword });
        })}
      >
        <Stack>
          <Title order={4}>{t('myAccount.email')}</Title>
          <Text size="sm" c="dimmed">
            {t('myAccount.currentEmail', { email: currentEmail ?? '—' })}
          </Text>
          <TextInput label={t('fields.newEmail')} type="email" autoComplete="email" required {...form.getInputProps('email')} />
          <PasswordField
            label={t('fields.currentPassword')}
            autoComplete="current-password"
            required
            {...form.getInputProps('currentPassword')}
          />
          {formError && (
            <Alert color="red" data-testid="email-error">
              {formError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending}>
              {t('myAccount.changeEmail')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
