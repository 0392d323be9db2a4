import { lazy, Suspense, useState } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Center,
  Group,
  Loader,
  Modal,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { newIdempotencyKey } from '../../api/credits';
import {
  EARNING_STATES,
  payoutKeys,
  payouts,
  type EarningState,
  type PayoutSummary,
  type Profile,
  type Withdrawal,
} from '../../api/payouts';
import { formatDate, formatDateTime, formatDay, formatEuros } from '../../components/format';
import { MoreButton } from '../../components/MoreButton';
import { QueryStatus } from '../../components/QueryStatus';
import { applyServerError, notifyError, notifySuccess } from '../../components/serverErrors';
import { OrderStatusBadge } from '../../components/market';
import { useScrollToHash } from './useScrollToHash';
import { BlockerList, EuroInput, numeric, refreshPayouts, toCents, WithdrawalStatusBadge, YearDownloadCard } from './shared';
import { ConversionCard } from './ConversionCard';

const MonthlyBars = lazy(() => import('./MonthlyBars'));

function Figure({
  label,
  help,
  cents,
  testId,
  color,
}: {
  label: string;
  help: string;
  cents: number;
  testId: string;
  color?: string;
}) {
  return (
    <Card withBorder radius="md" padding="md" data-testid={testId}>
      <Text size="sm" c="dimmed" fw={500}>
        {label}
      </Text>
      <Text fz={24} fw={700} c={color} style={numeric} data-testid={`${testId}-amount`}>
        {formatEuros(cents)}
      </Text>
      <Text size="xs" c="dimmed" mt={4}>
        {help}
      </Text>
    </Card>
  );
}

/** "/editeur/paiements": the publisher's money (pending, available, withdrawing, paid, converted, debt), where it comes from, and its transfers. */
export function PayoutsTab() {
  const { t } = useTranslation();
  // Money figures: fetched again on each visit.
  const summary = useQuery({ queryKey: payoutKeys.summary, queryFn: payouts.summary, staleTime: 0 });
  const profile = useQuery({ queryKey: payoutKeys.profile, queryFn: payouts.profile });
  const [withdrawing, setWithdrawing] = useState(false);
  useScrollToHash(!summary.isPending && !profile.isPending);
  if (summary.isPending || summary.error) return <QueryStatus query={summary} />;
  const s = summary.data;
  const individual = profile.data?.profile?.kind === 'individual';
  // What blocks a withdrawal; for an individual, withdrawals are not for it: what blocks the conversion.
  const missing = s.eligibility.missing;
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 2, md: 3, lg: s.debtCents > 0 ? 6 : 5 }} spacing="md" data-testid="payout-figures">
        <Figure
          label={t('payouts.figures.pending')}
          help={t('payouts.figures.pendingHelp')}
          cents={s.pendingCents}
          testId="figure-pending"
        />
        <Figure
          label={t('payouts.figures.payable')}
          help={individual ? t('payouts.figures.payableHelpConvert') : t('payouts.figures.payableHelp')}
          cents={s.payableCents}
          testId="figure-payable"
          color="teal.8"
        />
        <Figure
          label={t('payouts.figures.withdrawing')}
          help={t('payouts.figures.withdrawingHelp')}
          cents={s.withdrawingCents}
          testId="figure-withdrawing"
        />
        <Figure label={t('payouts.figures.paid')} help={t('payouts.figures.paidHelp')} cents={s.paidCents} testId="figure-paid" />
        <Figure
          label={t('payouts.figures.converted')}
          help={t('payouts.figures.convertedHelp')}
          cents={s.convertedCents}
          testId="figure-converted"
        />
        {s.debtCents > 0 && (
          <Figure
            label={t('payouts.figures.debt')}
            help={t('payouts.figures.debtHelp')}
            cents={s.debtCents}
            testId="figure-debt"
            color="red.7"
          />
        )}
      </SimpleGrid>

      <Card withBorder radius="md" padding="lg">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
          <Stack gap={6} style={{ flex: '1 1 420px' }}>
            <Title order={4}>{individual ? t('payouts.blockers.titleConvert') : t('payouts.blockers.title')}</Title>
            {missing.length === 0 ? (
              <Text size="sm" c="teal.8" data-testid="blockers-none">
                {individual ? t('payouts.blockers.readyConvert') : t('payouts.blockers.ready')}
              </Text>
            ) : (
              <BlockerList missing={missing} minimumCents={s.minimumWithdrawalCents} />
            )}
            <Text size="xs" c="dimmed" mt={4} data-testid="lifetime-earnings">
              {t('payouts.figures.lifetime', { amount: formatEuros(s.lifetimeEarningsCents) })}
            </Text>
          </Stack>
          {!individual && (
            <Button onClick={() => setWithdrawing(true)} disabled={!s.eligibility.mayWithdraw} data-testid="request-withdrawal">
              {t('payouts.actions.withdraw')}
            </Button>
          )}
        </Group>
      </Card>

      <EarningsChart summary={s} />
      <EarningOrders />
      {individual && <ConversionCard summary={s} />}
      {/* An individual is not paid by transfer: these lists only when it has some (a former business). */}
      <Withdrawals hideWhenEmpty={individual} />
      <SelfBilledInvoices hideWhenEmpty={individual} />
      <TaxStatements />

      <Modal opened={withdrawing} onClose={() => setWithdrawing(false)} title={t('payouts.withdraw.title')} centered>
        {withdrawing && <WithdrawForm summary={s} profile={profile.data?.profile ?? null} onDone={() => setWithdrawing(false)} />}
      </Modal>
    </Stack>
  );
}

function EarningsChart({ summary }: { summary: PayoutSummary }) {
  const { t } = useTranslation();
  const empty = summary.byMonth.every((m) => m.earnedCents === 0 && m.pendingCents === 0 && m.paidCents === 0);
  return (
    <Card withBorder radius="md" padding="lg" data-testid="earnings-chart">
      <Title order={4} mb="md">
        {t('payouts.chart.title')}
      </Title>
      {empty ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="earnings-chart-empty">
          {t('payouts.chart.empty')}
        </Text>
      ) : (
        // recharts is large: loaded with the first chart shown, not with the app.
        <Suspense
          fallback={
            <Center h={260}>
              <Loader />
            </Center>
          }
        >
          <MonthlyBars byMonth={summary.byMonth} />
        </Suspense>
      )}
    </Card>
  );
}

function EarningOrders() {
  const { t } = useTranslation();
  const [state, setState] = useState<EarningState>('pending');
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={4} mb="sm">
        {t('payouts.orders.title')}
      </Title>
      <Tabs value={state} onChange={(v) => setState((v as EarningState) ?? 'pending')} keepMounted={false}>
        <Tabs.List mb="md">
          {EARNING_STATES.map((s) => (
            <Tabs.Tab key={s} value={s} data-testid={`earning-tab-${s}`}>
              {t(`payouts.orders.${s}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {EARNING_STATES.map((s) => (
          <Tabs.Panel key={s} value={s}>
            <EarningOrdersTable state={s} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Card>
  );
}

function EarningOrdersTable({ state }: { state: EarningState }) {
  const { t } = useTranslation();
  const orders = useInfiniteQuery({
    queryKey: payoutKeys.orders(state),
    queryFn: ({ pageParam }) => payouts.orders(state, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];
  if (orders.isPending || orders.error) return <QueryStatus query={orders} />;
  if (items.length === 0)
    return (
      <Text c="dimmed" ta="center" py="md" data-testid="earning-orders-empty">
        {t('payouts.orders.none')}
      </Text>
    );
  return (
    <>
      <Table.ScrollContainer minWidth={980}>
        <Table verticalSpacing="xs" striped data-testid="earning-orders">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('payouts.orders.site')}</Table.Th>
              <Table.Th>{t('payouts.orders.anchor')}</Table.Th>
              <Table.Th>{t('orders.status')}</Table.Th>
              <Table.Th ta="right">{t('payouts.orders.price')}</Table.Th>
              <Table.Th ta="right">{t('payouts.orders.commission')}</Table.Th>
              <Table.Th ta="right">{t('payouts.orders.refundedAmount')}</Table.Th>
              <Table.Th ta="right">{t('payouts.orders.earning')}</Table.Th>
              <Table.Th>{state === 'pending' ? t('payouts.orders.payableAt') : t('payouts.orders.completedAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((o) => (
              <Table.Tr key={o.orderId} data-testid="earning-order" data-id={o.orderId}>
                <Table.Td fw={600}>{o.siteDomain}</Table.Td>
                <Table.Td maw={260}>
                  <Text size="sm" truncate>
                    {o.anchor}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <OrderStatusBadge status={o.status} miw="max-content" />
                </Table.Td>
                <Table.Td ta="right" style={numeric}>
                  {formatEuros(o.priceCents)}
                </Table.Td>
                <Table.Td ta="right" style={numeric}>
                  −{formatEuros(o.commissionCents)}
                </Table.Td>
                <Table.Td ta="right" style={numeric}>
                  {o.refundedCents > 0 ? `−${formatEuros(o.refundedCents)}` : '—'}
                </Table.Td>
                <Table.Td ta="right" style={numeric} fw={600} data-testid="earning-amount">
                  {formatEuros(o.earningCents)}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {formatDay(state === 'pending' ? o.payableAt : o.completedAt)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <MoreButton query={orders} testId="earning-orders-more" />
    </>
  );
}

function WithdrawForm({ summary, profile, onDone }: { summary: PayoutSummary; profile: Profile | null; onDone: () => void }) {
  const { t } = useTranslation();
  // One key per opening of the dialog: a double click asks for one transfer.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [error, setError] = useState<string | null>(null);
  const min = summary.minimumWithdrawalCents;
  // What is owed is repaid first: the rest of the available amount may go.
  const max = Math.max(summary.payableCents - summary.debtCents, 0);
  const form = useForm<{ amount: number | string }>({
    initialValues: { amount: max / 100 },
    validate: {
      amount: (v) => {
        const cents = toCents(v);
        if (!Number.isFinite(cents)) return t('validation.required');
        if (cents < min) return t('payouts.withdraw.belowMinimum', { amount: formatEuros(min) });
        if (cents > summary.payableCents)
          return t('payouts.withdraw.aboveAvailable', { amount: formatEuros(summary.payableCents) });
        return null;
      },
    },
  });
  const submit = useMutation({
    mutationFn: (v: typeof form.values) => payouts.requestWithdrawal(toCents(v.amount), idempotencyKey),
    onSuccess: async (w) => {
      notifySuccess(t('payouts.withdraw.done', { amount: formatEuros(w.amountCents) }));
      await refreshPayouts();
      onDone();
    },
    onError: (e) => setError(applyServerError(e, form, { amountCents: 'amount' })),
  });
  const iban = profile?.iban ? maskIban(profile.iban) : '—';
  return (
    <form
      noValidate
      data-testid="withdraw-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        submit.mutate(v);
      })}
    >
      <Stack>
        <Text size="sm">{t('payouts.withdraw.help', { iban })}</Text>
        <EuroInput
          label={t('payouts.withdraw.amount')}
          description={`${availableText(t, summary)} · ${t('payouts.withdraw.minimum', { amount: formatEuros(min) })}`}
          required
          data-autofocus
          data-testid="withdraw-amount"
          {...form.getInputProps('amount')}
        />
        {error && (
          <Alert color="red" data-testid="withdraw-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submit.isPending} data-testid="withdraw-submit">
            {t('payouts.withdraw.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** « Disponible : 120,00 € », and the debt repaid first when there is one. */
export function availableText(t: TFunction, summary: PayoutSummary): string {
  const max = Math.max(summary.payableCents - summary.debtCents, 0);
  return summary.debtCents > 0
    ? t('payouts.withdraw.availableAfterDebt', { amount: formatEuros(max), debt: formatEuros(summary.debtCents) })
    : t('payouts.withdraw.available', { amount: formatEuros(max) });
}

/** « FR76 •••• 0189 », as the server masks it on withdrawals. */
function maskIban(iban: string): string {
  const compact = iban.replace(/\s+/g, '');
  return `${compact.slice(0, 4)} •••• ${compact.slice(-4)}`;
}

function Withdrawals({ hideWhenEmpty }: { hideWhenEmpty: boolean }) {
  const { t } = useTranslation();
  const list = useInfiniteQuery({
    queryKey: payoutKeys.withdrawals,
    queryFn: ({ pageParam }) => payouts.withdrawals(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const cancel = useMutation({
    mutationFn: (w: Withdrawal) => payouts.cancelWithdrawal(w.id),
    onSuccess: async () => {
      notifySuccess(t('payouts.withdrawals.cancelled'));
      await refreshPayouts();
    },
    onError: notifyError,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  if (hideWhenEmpty && (list.isPending || items.length === 0)) return null;
  return (
    <Card withBorder radius="md" padding="lg" id="virements">
      <Title order={4} mb="md">
        {t('payouts.withdrawals.title')}
      </Title>
      {list.isPending || list.error ? (
        <QueryStatus query={list} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="md" data-testid="withdrawals-empty">
          {t('payouts.withdrawals.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" data-testid="withdrawals">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('payouts.withdrawals.requestedAt')}</Table.Th>
                <Table.Th ta="right">{t('payouts.withdrawals.amount')}</Table.Th>
                <Table.Th>{t('payouts.withdrawals.iban')}</Table.Th>
                <Table.Th>{t('payouts.withdrawals.status')}</Table.Th>
                <Table.Th>{t('payouts.withdrawals.invoice')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((w) => (
                <Table.Tr key={w.id} data-testid="withdrawal-row" data-id={w.id} data-status={w.status}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(w.requestedAt)}</Table.Td>
                  <Table.Td ta="right" style={numeric} fw={600} data-testid="withdrawal-amount">
                    {formatEuros(w.amountCents)}
                  </Table.Td>
                  <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                    {w.ibanMasked}
                  </Table.Td>
                  <Table.Td>
                    <WithdrawalStatusBadge status={w.status} />
                    {w.status === 'paid' && w.paidAt && (
                      <Text size="xs" c="dimmed" mt={2}>
                        {t('payouts.withdrawals.paidAt', { date: formatDate(w.paidAt) })}
                      </Text>
                    )}
                    {w.refusalReason && (
                      <Text size="xs" c="red.8" mt={2} maw={280} data-testid="withdrawal-refusal">
                        {t('payouts.withdrawals.refusal', { reason: w.refusalReason })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {w.invoiceId ? (
                      <Anchor
                        href={payouts.invoicePdfUrl(w.invoiceId)}
                        target="_blank"
                        rel="noopener"
                        size="sm"
                        ff="monospace"
                        data-testid="withdrawal-invoice"
                      >
                        {w.invoiceNumber ?? t('payouts.invoices.pdf')}
                      </Anchor>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {w.status === 'requested' && (
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => cancel.mutate(w)}
                        loading={cancel.isPending && cancel.variables?.id === w.id}
                        data-testid="withdrawal-cancel"
                      >
                        {t('payouts.withdrawals.cancel')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MoreButton query={list} testId="withdrawals-more" />
    </Card>
  );
}

function SelfBilledInvoices({ hideWhenEmpty }: { hideWhenEmpty: boolean }) {
  const { t } = useTranslation();
  const list = useInfiniteQuery({
    queryKey: payoutKeys.invoices,
    queryFn: ({ pageParam }) => payouts.invoices(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  if (hideWhenEmpty && (list.isPending || items.length === 0)) return null;
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={4}>{t('payouts.invoices.title')}</Title>
      <Text size="sm" c="dimmed" mb="md">
        {t('payouts.invoices.help')}
      </Text>
      {list.isPending || list.error ? (
        <QueryStatus query={list} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="md" data-testid="self-billed-empty">
          {t('payouts.invoices.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" striped data-testid="self-billed-invoices">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('payouts.invoices.number')}</Table.Th>
                <Table.Th>{t('payouts.invoices.issuedAt')}</Table.Th>
                <Table.Th>{t('payouts.invoices.contestUntil')}</Table.Th>
                <Table.Th ta="right">{t('payouts.invoices.subtotal')}</Table.Th>
                <Table.Th ta="right">{t('payouts.invoices.vat')}</Table.Th>
                <Table.Th ta="right">{t('payouts.invoices.total')}</Table.Th>
                <Table.Th ta="right">{t('payouts.invoices.pdf')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((i) => (
                <Table.Tr key={i.id} data-testid="self-billed-row" data-number={i.number}>
                  <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                    {i.number}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(i.issuedAt)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(i.contestUntil)}</Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {formatEuros(i.subtotalCents)}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {formatEuros(i.vatCents)}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric} fw={600}>
                    {formatEuros(i.totalCents)}
                  </Table.Td>
                  <Table.Td ta="right">
                    <Anchor
                      href={payouts.invoicePdfUrl(i.id)}
                      target="_blank"
                      rel="noopener"
                      size="sm"
                      aria-label={t('payouts.invoices.pdfOf', { number: i.number })}
                      data-testid="self-billed-pdf"
                    >
                      {t('payouts.invoices.pdf')}
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MoreButton query={list} testId="self-billed-more" />
    </Card>
  );
}

function TaxStatements() {
  const { t } = useTranslation();
  return (
    <YearDownloadCard
      title={t('payouts.tax.title')}
      help={t('payouts.tax.help')}
      yearLabel={t('payouts.tax.year')}
      action={t('payouts.tax.download')}
      href={payouts.taxStatementUrl}
      testId="tax-statement"
    />
  );
}
