import { useState } from 'react';
import { Alert, Button, Center, Group, Loader, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { creditEndpoints, newIdempotencyKey } from '../api/credits';
import { useSession } from '../api/queries';
import { formatEuros, decimalSeparator, thousandSeparator } from './format';
import { applyServerError, messageOf, notifySuccess } from './serverErrors';
import { refreshCredits, useWallets, WalletSelect } from '../routes/credits/shared';

/** Who gives and who receives, when the dialog opens from a row: "Allouer" presets `toId`, "Reprendre" both. */
export type AllocatePreset = { fromId?: string; toId?: string; reclaim?: boolean };

/** "Allouer des crédits" between two wallets in reach (the caller's own included), down or back up. */
export function AllocateDialog({ preset, onClose }: { preset: AllocatePreset | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={preset !== null}
      onClose={onClose}
      title={preset?.reclaim ? t('credits.allocate.reclaimTitle') : t('credits.allocate.title')}
      size="lg"
      centered
    >
      {/* Mounted on each opening: a new idempotency key each time, the same one for every click of this opening. */}
      {preset && <AllocateForm preset={preset} onClose={onClose} />}
    </Modal>
  );
}

/** Euros as typed (1 234,56) to integer cents. */
export function toCents(value: number | string): number {
  const n = typeof value === 'number' ? value : Number(String(value).replace(/\s/g, '').replace(',', '.'));
  return Number.isFinite(n) ? Math.round(n * 100) : NaN;
}

function AllocateForm({ preset, onClose }: { preset: AllocatePreset; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const wallets = useWallets();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      fromId: preset.fromId ?? me.account.id,
      toId: preset.toId ?? (preset.fromId && preset.fromId !== me.account.id ? me.account.id : ''),
      amount: '' as number | string,
      memo: '',
    },
    validate: {
      fromId: (v) => (v ? null : t('validation.required')),
      toId: (v, values) => (!v ? t('validation.required') : v === values.fromId ? t('credits.allocate.sameWallet') : null),
      amount: (v) => (toCents(v) > 0 ? null : t('credits.allocate.amountPositive')),
    },
  });
  const byId = new Map(wallets.options.map((o) => [o.id, o]));
  const from = byId.get(form.values.fromId);
  const to = byId.get(form.values.toId);

  const allocate = useMutation({
    mutationFn: (v: typeof form.values) =>
      creditEndpoints.transfer(
        { fromAccountId: v.fromId, toAccountId: v.toId, amountCents: toCents(v.amount), memo: v.memo.trim() || undefined },
        idempotencyKey,
      ),
    onSuccess: async (transfer) => {
      notifySuccess(
        t('credits.allocate.done', {
          amount: formatEuros(transfer.amountCents),
          from: byId.get(transfer.fromAccountId)?.name ?? '',
          to: byId.get(transfer.toAccountId)?.name ?? '',
        }),
      );
      await refreshCredits();
      onClose();
    },
    onError: (e) => {
      // Not enough credits: said under the amount, which is what to change.
      if (e instanceof ApiError && e.code === 'insufficient_funds') {
        form.setFieldError('amount', e.message);
        return;
      }
      setFormError(
        applyServerError(e, form, { amountCents: 'amount', fromAccountId: 'fromId', toAccountId: 'toId', memo: 'memo' }),
      );
    },
  });

  if (wallets.isPending) {
    return (
      <Center py="lg">
        <Loader size="sm" />
      </Center>
    );
  }
  if (wallets.error) return <Alert color="red">{messageOf(wallets.error)}</Alert>;

  return (
    <form
      noValidate
      data-testid="allocate-form"
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        allocate.mutate(v);
      })}
    >
      <Stack>
        <Text size="sm" c="dimmed">
          {t('credits.allocate.help')}
        </Text>
        <WalletSelect
          label={t('credits.allocate.from')}
          options={wallets.options}
          required
          data-testid="allocate-from"
          description={from ? t('credits.allocate.available', { amount: formatEuros(from.availableCents) }) : undefined}
          {...form.getInputProps('fromId')}
        />
        <WalletSelect
          label={t('credits.allocate.to')}
          options={wallets.options}
          required
          data-testid="allocate-to"
          description={to ? t('credits.allocate.available', { amount: formatEuros(to.availableCents) }) : undefined}
          {...form.getInputProps('toId')}
        />
        <NumberInput
          label={t('credits.allocate.amount')}
          required
          min={0}
          clampBehavior="none"
          decimalScale={2}
          decimalSeparator={decimalSeparator()}
          thousandSeparator={thousandSeparator()}
          suffix={'\u00a0€'}
          hideControls
          maw={240}
          data-autofocus
          data-testid="allocate-amount"
          {...form.getInputProps('amount')}
        />
        <TextInput
          label={t('credits.allocate.memo')}
          placeholder={t('credits.allocate.memoPlaceholder')}
          maxLength={500}
          data-testid="allocate-memo"
          {...form.getInputProps('memo')}
        />
        {formError && (
          <Alert color="red" data-testid="allocate-error">
            {formError}
          </Alert>
        )}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={allocate.isPending} data-testid="allocate-submit">
            {preset.reclaim ? t('credits.allocate.reclaimSubmit') : t('credits.allocate.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
