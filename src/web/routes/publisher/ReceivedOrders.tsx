import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Center, Group, Modal, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../api/queries';
import { marketKeys, marketplace, type OrderStatus, type PublisherOrder } from '../../api/marketplace';
import { claimEndpoints } from '../../api/claims';
import { formatDate, formatDateTime, formatEuros } from '../../components/format';
import { LastCheck, numeric, OrderStatusBadge, useStatusOptions } from '../../components/market';
import { outcomeLabel } from '../../components/claims';
import { applyServerError, notifyError, notifySuccess } from '../../components/serverErrors';
import { QueryStatus } from '../../components/QueryStatus';

type Dialog = { kind: 'refuse' | 'live'; order: PublisherOrder } | null;

const refresh = () => queryClient.invalidateQueries({ queryKey: ['publisher', 'orders'] });

/** Tab "Commandes reçues": the orders on the publisher's articles, and what it does with them. */
export function ReceivedOrders() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<OrderStatus | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  // The next check the server announced after "Revérifier maintenant", per order.
  const [rechecks, setRechecks] = useState<Record<string, string>>({});
  const statusOptions = useStatusOptions();
  const orders = useInfiniteQuery({
    queryKey: marketKeys.publisherOrders(status),
    queryFn: ({ pageParam }) => marketplace.publisherOrders({ status: status ?? undefined, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
    // While a live URL waits for its check (done in the background), look again now and then.
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((o) => o.status === 'link_placed' && !o.lastCheck)) ? 5_000 : false,
  });
  const accept = useMutation({
    mutationFn: (o: PublisherOrder) => marketplace.acceptOrder(o.id),
    onSuccess: async () => {
      notifySuccess(t('publisher.accepted'));
      await refresh();
    },
    onError: notifyError,
  });
  const recheck = useMutation({
    mutationFn: (o: PublisherOrder) => claimEndpoints.recheck(o.id),
    onSuccess: async ({ nextCheckAt }, o) => {
      setRechecks((r) => ({ ...r, [o.id]: nextCheckAt }));
      notifySuccess(t('claims.publisher.recheckAsked', { date: formatDateTime(nextCheckAt) }));
      await refresh();
    },
    onError: notifyError,
  });
  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" align="flex-end" mb="md" wrap="wrap">
        <Text size="sm" c="dimmed" maw={680}>
          {t('publisher.ordersHelp')}
        </Text>
        <Select
          label={t('orders.status')}
          placeholder={t('market.all')}
          data={statusOptions}
          value={status}
          onChange={(v) => setStatus(v as OrderStatus | null)}
          clearable
          w={220}
          data-testid="received-status"
        />
      </Group>
      {orders.isPending || orders.error ? (
        <QueryStatus query={orders} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="received-empty">
          {t('publisher.noOrders')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={1050}>
          <Table verticalSpacing="md" data-testid="received-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('orders.date')}</Table.Th>
                <Table.Th>{t('publisher.article')}</Table.Th>
                <Table.Th>{t('publisher.target')}</Table.Th>
                <Table.Th ta="right">{t('publisher.earning')}</Table.Th>
                <Table.Th>{t('orders.status')}</Table.Th>
                <Table.Th ta="right">{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((o) => (
                <Table.Tr key={o.id} data-testid="received-row" data-id={o.id} style={{ verticalAlign: 'top' }}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{formatDateTime(o.createdAt)}</Text>
                    {o.status === 'placed' && (
                      <Text size="xs" c="orange.8">
                        {t('publisher.acceptBy', { date: formatDateTime(o.acceptBy) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td maw={300}>
                    <Text size="sm" fw={600}>
                      {o.keyword ?? '—'}
                    </Text>
                    <Anchor href={o.articleUrl} target="_blank" rel="noopener noreferrer" size="xs" style={{ overflowWrap: 'anywhere' }}>
                      {o.articleUrl}
                    </Anchor>
                  </Table.Td>
                  <Table.Td maw={340}>
                    <Text size="sm" data-testid="received-anchor">
                      {t('common.quoted', { text: o.anchor })}
                    </Text>
                    <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }} data-testid="received-target">
                      → {o.targetUrl}
                    </Text>
                    {o.brief && (
                      <Text size="xs" mt={4} style={{ whiteSpace: 'pre-wrap' }}>
                        {t('publisher.brief', { brief: o.brief })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    <Text size="sm" fw={700}>
                      {formatEuros(o.earningCents)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {formatEuros(o.priceCents)}
                    </Text>
                  </Table.Td>
                  <Table.Td miw={240} maw={320}>
                    <OrderStatusBadge status={o.status} />
                    {o.liveUrl && (
                      <Anchor
                        href={o.liveUrl}
                        target="_blank"
                        rel="noopener noreferrer"
                        size="xs"
                        display="block"
                        mt={4}
                        style={{ overflowWrap: 'anywhere' }}
                      >
                        {o.liveUrl}
                      </Anchor>
                    )}
                    {o.status === 'link_placed' && !o.lastCheck && (
                      <Text size="xs" c="dimmed" mt={4} data-testid="received-checking">
                        {t('publisher.checking')}
                      </Text>
                    )}
                    {o.lastCheck && ['link_placed', 'verified', 'completed', 'lost'].includes(o.status) && (
                      <div style={{ marginTop: 6 }} data-testid="received-check">
                        <LastCheck check={o.lastCheck} />
                      </div>
                    )}
                    {o.claim?.status === 'open' && (
                      <Stack gap={2} mt={8} data-testid="received-claim">
                        <Badge color="red" variant="filled" size="sm" data-testid="received-claim-badge">
                          {t('claims.publisher.claimBadge')}
                        </Badge>
                        <Text size="xs" fw={600} c="red.8">
                          {outcomeLabel(t, o.claim.outcome)}
                        </Text>
                        <Text size="xs" c="red.8" fw={600} data-testid="received-claim-deadline">
                          {t('claims.publisher.reinstateBy', { date: formatDateTime(o.claim.reinstateBy) })}
                        </Text>
                      </Stack>
                    )}
                    {rechecks[o.id] && (
                      <Text size="xs" c="blue.8" mt={4} data-testid="received-next-check">
                        {t('claims.publisher.nextCheck', { date: formatDateTime(rechecks[o.id]) })}
                      </Text>
                    )}
                    {o.guaranteeEndsAt && !o.claim && ['verified', 'completed'].includes(o.status) && (
                      <Text size="xs" c="dimmed" mt={4} data-testid="received-guarantee">
                        {t('claims.publisher.guaranteeUntil', { date: formatDate(o.guaranteeEndsAt) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      {o.status === 'placed' && (
                        <>
                          <Button
                            size="compact-sm"
                            color="teal"
                            onClick={() => accept.mutate(o)}
                            loading={accept.isPending && accept.variables?.id === o.id}
                            data-testid="received-accept"
                          >
                            {t('publisher.accept')}
                          </Button>
                          <Button size="compact-sm" variant="default" onClick={() => setDialog({ kind: 'refuse', order: o })} data-testid="received-refuse">
                            {t('publisher.refuse')}
                          </Button>
                        </>
                      )}
                      {o.status === 'accepted' && (
                        <Button size="compact-sm" onClick={() => setDialog({ kind: 'live', order: o })} data-testid="received-place">
                          {t('publisher.placeLink')}
                        </Button>
                      )}
                      {o.status === 'link_placed' && (
                        <Button size="compact-sm" variant="default" onClick={() => setDialog({ kind: 'live', order: o })} data-testid="received-fix">
                          {t('publisher.fixLink')}
                        </Button>
                      )}
                      {o.claim?.status === 'open' && (
                        <Button
                          size="compact-sm"
                          color="red"
                          onClick={() => recheck.mutate(o)}
                          loading={recheck.isPending && recheck.variables?.id === o.id}
                          data-testid="received-recheck"
                        >
                          {t('claims.publisher.recheck')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {orders.hasNextPage && (
        <Center mt="md">
          <Button variant="default" onClick={() => void orders.fetchNextPage()} loading={orders.isFetchingNextPage}>
            {t('market.loadMore')}
          </Button>
        </Center>
      )}
      <Modal opened={dialog?.kind === 'refuse'} onClose={() => setDialog(null)} title={t('publisher.refuseTitle')} centered>
        {dialog?.kind === 'refuse' && <RefuseForm order={dialog.order} onClose={() => setDialog(null)} />}
      </Modal>
      <Modal opened={dialog?.kind === 'live'} onClose={() => setDialog(null)} title={t('publisher.liveTitle')} centered size="lg">
        {dialog?.kind === 'live' && <LiveUrlForm order={dialog.order} onClose={() => setDialog(null)} />}
      </Modal>
    </Card>
  );
}

function RefuseForm({ order, onClose }: { order: PublisherOrder; onClose: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { reason: '' },
    validate: { reason: (v) => (v.trim().length >= 3 ? null : t('publisher.reasonTooShort')) },
  });
  const refuse = useMutation({
    mutationFn: (v: typeof form.values) => marketplace.refuseOrder(order.id, v.reason.trim()),
    onSuccess: async () => {
      notifySuccess(t('publisher.refused'));
      await refresh();
      onClose();
    },
    onError: (e) => setError(applyServerError(e, form)),
  });
  return (
    <form
      noValidate
      data-testid="refuse-order-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        refuse.mutate(v);
      })}
    >
      <Stack>
        <Textarea
          label={t('publisher.refuseReason')}
          description={t('publisher.refuseHelp')}
          autosize
          minRows={3}
          required
          data-autofocus
          data-testid="refuse-reason"
          {...form.getInputProps('reason')}
        />
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color="red" loading={refuse.isPending} data-testid="refuse-submit">
            {t('publisher.refuse')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function LiveUrlForm({ order, onClose }: { order: PublisherOrder; onClose: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { liveUrl: order.liveUrl ?? order.articleUrl },
    validate: { liveUrl: (v) => (v.trim() ? null : t('validation.required')) },
  });
  const submit = useMutation({
    mutationFn: (v: typeof form.values) => marketplace.submitLiveUrl(order.id, v.liveUrl.trim()),
    onSuccess: async () => {
      notifySuccess(t('publisher.submitted'));
      await refresh();
      onClose();
    },
    onError: (e) => setError(applyServerError(e, form)),
  });
  return (
    <form
      noValidate
      data-testid="live-url-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        submit.mutate(v);
      })}
    >
      <Stack>
        <Text size="sm">{t('publisher.liveHelp', { target: order.targetUrl, anchor: order.anchor })}</Text>
        <TextInput label={t('publisher.liveUrl')} required data-autofocus data-testid="live-url" {...form.getInputProps('liveUrl')} />
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={submit.isPending} data-testid="live-url-submit">
            {t('publisher.submitLive')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
