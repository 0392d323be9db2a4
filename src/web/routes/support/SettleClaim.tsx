// Support settles a claim by hand: a full refund, a partial one (an amount in euros), or a
// dismissal, always with a reason; the server's errors (422 amount, 409 no longer open) land in the form.
import { useState } from 'react';
import { Alert, Button, Group, Modal, NumberInput, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { claimEndpoints, type Claim, type SettleBody } from '../../api/claims';
import { isApiError } from '../../api/client';
import { queryClient } from '../../api/queries';
import { formatEuros, decimalSeparator } from '../../components/format';
import { toCents } from '../../components/market';
import { applyServerError, notifySuccess } from '../../components/serverErrors';

export function SettleModal({ claim, onClose }: { claim: Claim | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={claim !== null} onClose={onClose} title={t('claims.settle.title')} centered size="lg">
      {claim && <SettleForm key={claim.id} claim={claim} onClose={onClose} />}
    </Modal>
  );
}

type Values = { outcome: SettleBody['outcome']; amount: string | number; reason: string };

function SettleForm({ claim, onClose }: { claim: Claim; onClose: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Values>({
    initialValues: { outcome: 'refund', amount: '', reason: '' },
    validate: {
      amount: (v, values) =>
        values.outcome === 'partial_refund' && toCents(v) === undefined ? t('claims.settle.amountRequired') : null,
      reason: (v) => (v.trim().length >= 3 ? null : t('claims.settle.reasonRequired')),
    },
  });
  const settle = useMutation({
    mutationFn: (v: Values) =>
      claimEndpoints.settle(claim.id, {
        outcome: v.outcome,
        amountCents: v.outcome === 'partial_refund' ? toCents(v.amount) : undefined,
        reason: v.reason.trim(),
      }),
    onSuccess: async (settled) => {
      notifySuccess(t('claims.settle.settled', { status: t(`claims.status.${settled.status}`) }));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['claims'] }),
        queryClient.invalidateQueries({ queryKey: ['orders'] }),
        queryClient.invalidateQueries({ queryKey: ['account'] }),
      ]);
      onClose();
    },
    onError: (e) => {
      setError(applyServerError(e, form, { amountCents: 'amount' }));
      // Settled meanwhile (409): the list behind shows how.
      if (isApiError(e) && e.status === 409) void queryClient.invalidateQueries({ queryKey: ['claims'] });
    },
  });
  return (
    <form
      noValidate
      data-testid="settle-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        settle.mutate(v);
      })}
    >
      <Stack>
        <div>
          <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
            {t('claims.settle.summary', { domain: claim.domain, anchor: claim.anchor, target: claim.targetUrl })}
          </Text>
          <Text size="sm" c="dimmed">
            {t('claims.settle.price', { amount: formatEuros(claim.priceCents), client: claim.clientName })}
          </Text>
          <Text size="sm" mt={4} style={{ overflowWrap: 'anywhere' }}>
            {claim.message}
          </Text>
        </div>
        <Radio.Group label={t('claims.settle.outcome')} required {...form.getInputProps('outcome')} data-testid="settle-outcome">
          <Stack gap="xs" mt={6}>
            <Radio
              value="refund"
              label={t('claims.settle.refund', { amount: formatEuros(claim.priceCents) })}
              data-testid="settle-refund"
            />
            <Radio value="partial_refund" label={t('claims.settle.partial')} data-testid="settle-partial" />
            <Radio value="dismiss" label={t('claims.settle.dismiss')} data-testid="settle-dismiss" />
          </Stack>
        </Radio.Group>
        {form.values.outcome === 'partial_refund' && (
          <NumberInput
            label={t('claims.settle.amount')}
            description={t('claims.settle.amountHelp', { max: formatEuros(claim.priceCents - 1) })}
            min={0}
            step={1}
            decimalSeparator={decimalSeparator()}
            decimalScale={2}
            allowNegative={false}
            required
            data-testid="settle-amount"
            {...form.getInputProps('amount')}
          />
        )}
        <Textarea
          label={t('claims.settle.reason')}
          description={t('claims.settle.reasonHelp')}
          autosize
          minRows={3}
          required
          data-testid="settle-reason"
          {...form.getInputProps('reason')}
        />
        {error && (
          <Alert color="red" data-testid="settle-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={settle.isPending} data-testid="settle-submit">
            {t('claims.settle.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
