import { useState } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Center,
  Group,
  Modal,
  NumberInput,
  Radio,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { creditEndpoints, newIdempotencyKey, type TopUp, type TopUpCreated } from '../../api/credits';
import { useSession } from '../../api/queries';
import { formatDateTime, formatEuros } from '../../components/format';
import { applyServerError, messageOf, notifySuccess } from '../../components/serverErrors';
import { CompanyModal } from './CompanyModal';
import { creditKeys, numeric, refreshCredits, TopUpStatusBadge, useWallets, WalletSelect, type WalletOption } from './shared';
import { QueryStatus } from '../../components/QueryStatus';

/** "/recharger": request a top-up by bank transfer for a wallet in reach, then the list of top-ups. */
export function TopUpPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const wallets = useWallets();
  // As wide as the other list pages: at 1440 px the top-ups table shows all its columns, actions included.
  return (
    <Stack gap="lg" maw={1300}>
      <div>
        <Title order={1} fz={28}>
          {t('credits.topUp.title')}
        </Title>
        <Text size="sm" c="dimmed" mt={4} maw={760}>
          {t('credits.topUp.subtitle')}
        </Text>
      </div>
      {wallets.isPending || wallets.error ? (
        <QueryStatus query={wallets} />
      ) : (
        <>
          <TopUpRequest key={params.get('compte') ?? ''} wallets={wallets.options} presetId={params.get('compte')} />
          <TopUpList wallets={wallets.options} />
        </>
      )}
    </Stack>
  );
}

function TopUpRequest({ wallets, presetId }: { wallets: WalletOption[]; presetId: string | null }) {
  const { t } = useTranslation();
  const me = useSession();
  // One key per request being prepared: a double click asks once; a new one after each success.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [created, setCreated] = useState<(TopUpCreated & { accountName: string }) | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [companyMissing, setCompanyMissing] = useState<{ message: string; account: WalletOption } | null>(null);
  const [editingCompany, setEditingCompany] = useState<WalletOption | null>(null);
  const form = useForm({
    initialValues: {
      accountId: presetId && wallets.some((w) => w.id === presetId) ? presetId : me.account.id,
      amount: '' as number | string,
      method: 'bank_transfer' as const,
    },
    validate: {
      accountId: (v) => (v ? null : t('validation.required')),
      amount: (v) => {
        const n = Number(v);
        if (v === '' || !Number.isFinite(n) || n < 10) return t('credits.topUp.amountMin');
        return Number.isInteger(n) ? null : t('credits.topUp.amountWhole');
      },
    },
  });
  const account = wallets.find((w) => w.id === form.values.accountId);

  const request = useMutation({
    mutationFn: (v: typeof form.values) =>
      creditEndpoints.requestTopUp(v.accountId, { amountCents: Number(v.amount) * 100, method: v.method }, idempotencyKey),
    onSuccess: async (result) => {
      setCreated({ ...result, accountName: wallets.find((w) => w.id === result.accountId)?.name ?? '' });
      await refreshCredits();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.field === 'company' && account) {
        setCompanyMissing({ message: e.message, account });
        return;
      }
      setFormError(applyServerError(e, form, { amountCents: 'amount' }));
    },
  });

  if (created) {
    return (
      <Card withBorder radius="md" padding="lg" data-testid="top-up-result">
        <Stack>
          <Title order={4}>{t('credits.topUp.requestedTitle', { name: created.accountName })}</Title>
          <Text size="sm">{t('credits.topUp.requestedText')}</Text>
          <SimpleGrid cols={{ base: 1, sm: 4 }}>
            <Amount label={t('credits.topUp.subtotal')} cents={created.amountCents} testId="top-up-subtotal" />
            <Amount label={t('credits.topUp.vat')} cents={created.vatCents} testId="top-up-vat" />
            <Amount label={t('credits.topUp.total')} cents={created.totalCents} testId="top-up-total" strong />
            <div>
              <Text size="sm" c="dimmed">
                {t('credits.topUp.reference')}
              </Text>
              <Text fw={700} fz="lg" ff="monospace" data-testid="top-up-reference">
                {created.paymentReference}
              </Text>
            </div>
          </SimpleGrid>
          <Group justify="space-between">
            <Button
              component="a"
              href={created.proformaUrl}
              target="_blank"
              rel="noopener"
              variant="light"
              data-testid="proforma-link"
            >
              {t('credits.topUp.proforma')}
            </Button>
            <Button
              variant="default"
              onClick={() => {
                setCreated(null);
                setIdempotencyKey(newIdempotencyKey());
                form.setFieldValue('amount', '');
              }}
              data-testid="top-up-another"
            >
              {t('credits.topUp.another')}
            </Button>
          </Group>
        </Stack>
      </Card>
    );
  }

  return (
    <Card withBorder radius="md" padding="lg">
      <form
        noValidate
        data-testid="top-up-form"
        onSubmit={form.onSubmit((v) => {
          setFormError(null);
          setCompanyMissing(null);
          request.mutate(v);
        })}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <WalletSelect
              label={t('credits.topUp.account')}
              options={wallets}
              required
              data-testid="top-up-account"
              {...form.getInputProps('accountId')}
              onChange={(v) => {
                form.setFieldValue('accountId', v ?? form.values.accountId);
                setCompanyMissing(null);
              }}
            />
            <NumberInput
              label={t('credits.topUp.amount')}
              description={t('credits.topUp.amountHelp')}
              required
              min={10}
              clampBehavior="none"
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator={'\u202f'}
              suffix={'\u00a0€'}
              hideControls
              data-testid="top-up-amount"
              {...form.getInputProps('amount')}
            />
          </SimpleGrid>
          <Radio.Group label={t('credits.topUp.method')} {...form.getInputProps('method')}>
            <Radio
              mt="xs"
              value="bank_transfer"
              label={t('credits.topUp.bankTransfer')}
              description={t('credits.topUp.bankTransferHelp')}
            />
          </Radio.Group>
          {companyMissing && (
            <Alert color="orange" data-testid="company-missing">
              <Stack gap="xs" align="flex-start">
                <Text size="sm">{companyMissing.message}</Text>
                {companyMissing.account.isSelf ? (
                  <Anchor component={Link} to="/mon-compte" size="sm" fw={600} data-testid="company-missing-action">
                    {t('credits.topUp.companyMissingOwn')}
                  </Anchor>
                ) : (
                  <Button
                    size="compact-sm"
                    variant="light"
                    color="orange"
                    onClick={() => setEditingCompany(companyMissing.account)}
                    data-testid="company-missing-action"
                  >
                    {t('credits.topUp.companyMissingOther', { name: companyMissing.account.name })}
                  </Button>
                )}
              </Stack>
            </Alert>
          )}
          {formError && <Alert color="red">{formError}</Alert>}
          <Group justify="flex-end">
            <Button type="submit" loading={request.isPending} data-testid="top-up-submit">
              {t('credits.topUp.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
      <CompanyModal
        account={editingCompany}
        onClose={() => {
          setEditingCompany(null);
          setCompanyMissing(null);
        }}
      />
    </Card>
  );
}

function Amount({ label, cents, testId, strong }: { label: string; cents: number; testId: string; strong?: boolean }) {
  return (
    <div>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={700} fz={strong ? 'xl' : 'lg'} style={numeric} data-testid={testId}>
        {formatEuros(cents)}
      </Text>
    </div>
  );
}

function TopUpList({ wallets }: { wallets: WalletOption[] }) {
  const { t } = useTranslation();
  const [accountId, setAccountId] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<TopUp | null>(null);
  const topUps = useInfiniteQuery({
    queryKey: creditKeys.topUps({ accountId }),
    queryFn: ({ pageParam }) => creditEndpoints.topUps({ accountId: accountId ?? undefined, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  const items = topUps.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md" wrap="wrap" align="flex-end">
        <Title order={4}>{t('credits.topUp.listTitle')}</Title>
        {wallets.length > 1 && (
          <WalletSelect
            options={wallets}
            showBalance={false}
            aria-label={t('credits.topUp.filterAccount')}
            placeholder={t('credits.topUp.allAccounts')}
            value={accountId}
            onChange={setAccountId}
            allowDeselect
            clearable
            w={300}
            data-testid="top-ups-account"
          />
        )}
      </Group>
      {topUps.isPending || topUps.error ? (
        <QueryStatus query={topUps} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="top-ups-empty">
          {t('credits.topUp.noTopUps')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={1000}>
          <Table verticalSpacing="xs" highlightOnHover data-testid="top-ups-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('credits.topUp.createdAt')}</Table.Th>
                <Table.Th>{t('credits.invoices.account')}</Table.Th>
                <Table.Th ta="right">{t('credits.invoices.subtotal')}</Table.Th>
                <Table.Th ta="right">{t('credits.invoices.total')}</Table.Th>
                <Table.Th>{t('credits.topUp.reference')}</Table.Th>
                <Table.Th>{t('credits.topUp.status')}</Table.Th>
                <Table.Th>{t('credits.topUp.invoice')}</Table.Th>
                <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {t('common.actions')}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((u) => (
                <Table.Tr key={u.id} data-testid="top-up-row" data-reference={u.paymentReference}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(u.createdAt)}</Table.Td>
                  <Table.Td>{u.accountName}</Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {formatEuros(u.amountCents)}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {formatEuros(u.totalCents)}
                  </Table.Td>
                  <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                    {u.paymentReference}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <TopUpStatusBadge status={u.status} />
                  </Table.Td>
                  <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                    {u.invoiceNumber ?? '—'}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      {u.status === 'awaiting_payment' && (
                        <>
                          <Anchor
                            href={u.proformaUrl}
                            target="_blank"
                            rel="noopener"
                            size="sm"
                            style={{ whiteSpace: 'nowrap' }}
                            title={t('credits.topUp.proforma')}
                          >
                            {t('credits.topUp.proformaShort')}
                          </Anchor>
                          <Button
                            size="compact-sm"
                            variant="default"
                            onClick={() => setCancelling(u)}
                            data-testid="top-up-cancel"
                          >
                            {t('credits.topUp.cancel')}
                          </Button>
                        </>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {topUps.hasNextPage && (
        <Center mt="md">
          <Button variant="default" onClick={() => void topUps.fetchNextPage()} loading={topUps.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </Center>
      )}
      <CancelTopUpModal topUp={cancelling} onClose={() => setCancelling(null)} />
    </Card>
  );
}

function CancelTopUpModal({ topUp, onClose }: { topUp: TopUp | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={topUp !== null}
      onClose={onClose}
      title={topUp ? t('credits.topUp.cancelTitle', { reference: topUp.paymentReference }) : ''}
      centered
    >
      {topUp && <CancelTopUp topUp={topUp} onClose={onClose} />}
    </Modal>
  );
}

function CancelTopUp({ topUp, onClose }: { topUp: TopUp; onClose: () => void }) {
  const { t } = useTranslation();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [error, setError] = useState<string | null>(null);
  const cancel = useMutation({
    mutationFn: () => creditEndpoints.cancelTopUp(topUp.id, idempotencyKey),
    onSuccess: async () => {
      notifySuccess(t('credits.topUp.cancelled', { reference: topUp.paymentReference }));
      await refreshCredits();
      onClose();
    },
    onError: (e) => setError(messageOf(e)),
  });
  return (
    <Stack data-testid="cancel-top-up-modal">
      <Text size="sm">{t('credits.topUp.cancelText', { total: formatEuros(topUp.totalCents), name: topUp.accountName })}</Text>
      {error && <Alert color="red">{error}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('credits.topUp.keep')}
        </Button>
        <Button color="red" onClick={() => cancel.mutate()} loading={cancel.isPending} data-testid="cancel-top-up-confirm">
          {t('credits.topUp.cancelConfirm')}
        </Button>
      </Group>
    </Stack>
  );
}
