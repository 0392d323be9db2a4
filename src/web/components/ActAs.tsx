import { useState } from 'react';
import { Alert, Button, Group, Modal, Paper, Stack, Text, Textarea, type ButtonProps } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { homeOf, replaceIdentity, useSession } from '../api/queries';
import { applyServerError, notifyError, notifySuccess } from './serverErrors';
import { formatTime } from './format';

type Target = { id: string; name: string };

/** Starts acting as an account, then shows the app exactly as that account sees it, from its home. */
export function useStartActing() {
  const navigate = useNavigate();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (input: { accountId: string; reason?: string }) => endpoints.actAs(input),
    onSuccess: (me) => {
      replaceIdentity(me);
      navigate('/');
      notifySuccess(t('acting.started', { name: me.account.name }));
    },
  });
}

/**
 * "Accéder au compte". Support states a mandatory reason first. The button is absent while already
 * acting: the screens are the acted account's; switching to another account is the quick switcher's (Ctrl+K).
 */
export function ActAsButton({ account, ...props }: { account: Target } & ButtonProps) {
  const { t } = useTranslation();
  const me = useSession();
  const start = useStartActing();
  const [askReason, setAskReason] = useState(false);
  if (me.actingAs || account.id === me.person.id) return null;
  const needsReason = me.person.role === 'support';
  return (
    <>
      <Button
        size="compact-sm"
        variant="light"
        loading={start.isPending}
        data-testid="act-as"
        aria-label={t('acting.actAsNamed', { name: account.name })}
        onClick={() => (needsReason ? setAskReason(true) : start.mutate({ accountId: account.id }, { onError: notifyError }))}
        {...props}
      >
        {t('acting.actAs')}
      </Button>
      {needsReason && <ReasonModal opened={askReason} onClose={() => setAskReason(false)} account={account} start={start} />}
    </>
  );
}

/** Support's reason to act as an account (5 characters at least, kept in the trail and the banner). */
export function ReasonModal({
  opened,
  onClose,
  account,
  start,
}: {
  opened: boolean;
  onClose: () => void;
  account: Target;
  start: ReturnType<typeof useStartActing>;
}) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { reason: '' },
    validate: { reason: (v) => (v.trim().length < 5 ? t('acting.reasonTooShort') : null) },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('acting.reasonTitle', { name: account.name })} centered>
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          setFormError(null);
          start.mutate(
            { accountId: account.id, reason: values.reason.trim() },
            { onError: (e) => setFormError(applyServerError(e, form)) },
          );
        })}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            {t('acting.reasonHelp')}
          </Text>
          <Textarea
            label={t('acting.reason')}
            required
            autosize
            minRows={2}
            data-autofocus
            data-testid="act-as-reason"
            {...form.getInputProps('reason')}
          />
          {formError && <Alert color="red">{formError}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={start.isPending} data-testid="act-as-confirm">
              {t('acting.actAs')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Always visible while acting, cannot be closed: who is acting for whom, and the way back. */
export function ActingBanner() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const stop = useMutation({
    mutationFn: endpoints.stopActing,
    onSuccess: (back) => {
      replaceIdentity(back);
      navigate(homeOf(back));
      notifySuccess(t('acting.stopped'));
    },
    onError: notifyError,
  });
  if (!me.actingAs) return null;
  return (
    <Paper
      radius={0}
      px="md"
      py={8}
      bg="orange.6"
      c="white"
      role="status"
      aria-live="polite"
      data-testid="acting-banner"
      style={{ borderBottom: '1px solid var(--mantine-color-orange-8)' }}
    >
      <Group justify="space-between" wrap="nowrap" gap="sm" h="100%">
        <div style={{ minWidth: 0 }}>
          <Text fw={600} size="sm" lh={1.3} truncate>
            {t('acting.banner', { account: me.account.name, person: me.person.name })}
          </Text>
          {(me.actingReason || me.actingExpiresAt) && (
            <Text size="xs" lh={1.3} opacity={0.9} truncate>
              {me.actingReason ? t('acting.reasonShown', { reason: me.actingReason }) + ' · ' : ''}
              {me.actingExpiresAt ? t('acting.expires', { at: formatTime(me.actingExpiresAt) }) : ''}
            </Text>
          )}
        </div>
        <Button
          variant="white"
          color="orange"
          size="compact-sm"
          onClick={() => stop.mutate()}
          loading={stop.isPending}
          data-testid="stop-acting"
          style={{ flexShrink: 0 }}
        >
          {t('acting.stop')}
        </Button>
      </Group>
    </Paper>
  );
}
