import { useState } from 'react';
import { Alert, Button, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey } from '../../api/credits';
import { payoutKeys, payouts, type PayoutSummary } from '../../api/payouts';
import { queryClient } from '../../api/queries';
import { formatEuros } from '../../components/format';
import { QueryStatus } from '../../components/QueryStatus';
import { applyServerError, notifySuccess } from '../../components/serverErrors';
import { EuroInput, refreshPayouts, toCents } from './shared';
import { availableText } from './PayoutsTab';

/** An individual publisher: link its buyer account once (e-mail + password), then turn earnings into credits there. */
export function ConversionCard({ summary }: { summary: PayoutSummary }) {
  const { t } = useTranslation();
  const link = useQuery({ queryKey: payoutKeys.buyerLink, queryFn: payouts.buyerLink });
  return (
    <Card withBorder radius="md" padding="lg" id="conversion" style={{ scrollMarginTop: 80 }} data-testid="conversion">
      <Title order={4}>{t('payouts.conversion.title')}</Title>
      <Text size="sm" c="dimmed" mb="md" maw={820}>
        {t('payouts.conversion.help')}
      </Text>
      {link.isPending || link.error ? (
        <QueryStatus query={link} />
      ) : link.data ? (
        <Stack gap="sm">
          <Text size="sm" fw={600} data-testid="buyer-link">
            {t('payouts.conversion.linked', { name: link.data.buyerName })}
          </Text>
          <ConvertForm summary={summary} buyerName={link.data.buyerName} />
        </Stack>
      ) : (
        <LinkBuyerForm />
      )}
    </Card>
  );
}

function LinkBuyerForm() {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (v.trim() ? null : t('validation.required')),
      password: (v) => (v ? null : t('validation.required')),
    },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) => payouts.linkBuyer(v.email.trim(), v.password),
    onSuccess: async (l) => {
      notifySuccess(t('payouts.conversion.linkedDone', { name: l.buyerName }));
      queryClient.setQueryData(payoutKeys.buyerLink, l);
      await refreshPayouts();
    },
    onError: (e) => setError(applyServerError(e, form)),
  });
  return (
    <form
      noValidate
      data-testid="buyer-link-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        save.mutate(v);
      })}
    >
      <Stack gap="sm" maw={480}>
        <Text size="sm" fw={600}>
          {t('payouts.conversion.linkTitle')}
        </Text>
        <Text size="sm" c="dimmed">
          {t('payouts.conversion.linkHelp')}
        </Text>
        <TextInput
          label={t('fields.email')}
          type="email"
          autoComplete="off"
          required
          data-testid="buyer-email"
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label={t('fields.password')}
          autoComplete="off"
          required
          data-testid="buyer-password"
          {...form.getInputProps('password')}
        />
        {error && <Alert color="red">{error}</Alert>}
        <Group>
          <Button type="submit" loading={save.isPending} data-testid="buyer-link-submit">
            {t('payouts.conversion.link')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ConvertForm({ summary, buyerName }: { summary: PayoutSummary; buyerName: string }) {
  const { t } = useTranslation();
  // A new key after each conversion (the form stays on screen), one per attempt otherwise.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [error, setError] = useState<string | null>(null);
  const max = Math.max(summary.payableCents - summary.debtCents, 0);
  const form = useForm<{ amount: number | string }>({
    initialValues: { amount: max / 100 },
    validate: {
      amount: (v) => {
        const cents = toCents(v);
        if (!Number.isFinite(cents)) return t('validation.required');
        if (cents <= 0) return t('payouts.conversion.positive');
        if (cents > summary.payableCents)
          return t('payouts.conversion.aboveAvailable', { amount: formatEuros(summary.payableCents) });
        return null;
      },
    },
  });
  const convert = useMutation({
    mutationFn: (v: typeof form.values) => payouts.convert(toCents(v.amount), idempotencyKey),
    onSuccess: async (c) => {
      notifySuccess(t('payouts.conversion.done', { amount: formatEuros(c.amountCents), name: buyerName }));
      setIdempotencyKey(newIdempotencyKey());
      form.setValues({ amount: '' });
      await refreshPayouts();
    },
    onError: (e) => setError(applyServerError(e, form, { amountCents: 'amount' })),
  });
  return (
    <form
      noValidate
      data-testid="convert-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        convert.mutate(v);
      })}
    >
      <Group align="flex-end" gap="sm">
        <EuroInput
          label={t('payouts.conversion.amount')}
          description={availableText(t, summary)}
          w={260}
          data-testid="convert-amount"
          {...form.getInputProps('amount')}
        />
        <Button type="submit" loading={convert.isPending} disabled={!summary.eligibility.mayConvert} data-testid="convert-submit">
          {t('payouts.conversion.submit')}
        </Button>
      </Group>
      {error && (
        <Alert color="red" mt="sm">
          {error}
        </Alert>
      )}
    </form>
  );
}
