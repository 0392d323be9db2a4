import { useState } from 'react';
import {
  Anchor,
  Button,
  Card,
  DataList,
  Grid,
  Group,
  Modal,
  Stack,
  Text,
  Timeline,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
// The platform's own actor (verification, expiry, payout): a pure constant, no server code in the bundle.
import { SYSTEM_ACCOUNTS } from '../../../server/modules/ledger/system';
import { queryClient, useSession } from '../../api/queries';
import { marketKeys, marketplace, type Order } from '../../api/marketplace';
import { formatDateTime, formatEuros } from '../../components/format';
import { kindLabel, LastCheck, newIdempotencyKey, numeric, OrderStatusBadge, statusColors, statusLabel, themeLabel } from '../../components/market';
import { notifyError, notifySuccess } from '../../components/serverErrors';
import { QueryStatus } from '../../components/QueryStatus';
import { ChecksTimeline, ClaimBanner, MonitoringFacts } from './Monitoring';
import { useNarrow } from '../../components/claims';

function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </DataList.ItemValue>
    </DataList.Item>
  );
}

/** "/commandes/:id": one order as the buyer side sees it, its link, last check and history. */
export function OrderPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const order = useQuery({ queryKey: marketKeys.order(id), queryFn: () => marketplace.order(id) });
  // Support comes here from its claims.
  const support = useSession().account.role === 'support';
  return (
    <Stack gap="lg" maw={1200}>
      <Anchor component={Link} to={support ? '/support/reclamations' : '/commandes'} size="sm">
        ← {support ? t('claims.list.supportTitle') : t('order.back')}
      </Anchor>
      {order.isPending || order.error ? (
        <QueryStatus query={order} />
      ) : (
        <OrderView order={order.data} />
      )}
    </Stack>
  );
}

function OrderView({ order }: { order: Order }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const buyer = useSession().account.role !== 'support';
  const narrow = useNarrow();
  return (
    <>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Text c="dimmed" size="sm">
            {t('order.title')} · {formatDateTime(order.createdAt)}
          </Text>
          <Group gap="sm">
            <Title order={1} fz={28} data-testid="order-title">
              {order.keyword ?? order.anchor}
            </Title>
            <OrderStatusBadge status={order.status} size="lg" data-testid="order-page-status" />
          </Group>
        </div>
        {order.status === 'placed' && buyer && (
          <Button color="red" variant="light" onClick={() => setConfirming(true)} data-testid="order-cancel">
            {t('order.cancel')}
          </Button>
        )}
      </Group>

      {order.claim && <ClaimBanner claim={order.claim} />}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <Card withBorder radius="md" padding="lg">
              <Title order={4} mb="sm">
                {t('order.details')}
              </Title>
              <DataList labelWidth={230} orientation={narrow ? 'vertical' : 'horizontal'} withDivider data-testid="order-details">
                <Fact label={t('orders.client')} testId="order-detail-client">
                  {order.clientName}
                </Fact>
                <Fact label={t('orders.personInCharge')}>{order.personInChargeName ?? '—'}</Fact>
                <Fact label={t('orders.project')}>{order.projectName}</Fact>
                <Fact label={t('orders.campaign')}>{order.campaignName ?? '—'}</Fact>
                <Fact label={t('orders.keyword')}>{order.keyword ?? '—'}</Fact>
                <Fact label={t('order.theme')}>{themeLabel(t, order.theme)}</Fact>
                <Fact label={t('order.siteKind')}>{kindLabel(t, order.siteKind)}</Fact>
                <Fact label={t('orders.price')} testId="order-detail-price">
                  <Text span fw={700} style={numeric}>
                    {formatEuros(order.priceCents)}
                  </Text>
                </Fact>
                <Fact label={t('order.targetUrl')} testId="order-detail-target">
                  {order.targetUrl}
                </Fact>
                <Fact label={t('orders.anchor')} testId="order-detail-anchor">
                  {order.anchor}
                </Fact>
                <Fact label={t('order.brief')}>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {order.brief ?? '—'}
                  </Text>
                </Fact>
                <Fact label={t('order.createdAt')}>{formatDateTime(order.createdAt)}</Fact>
                {order.status === 'placed' && <Fact label={t('order.acceptBy')}>{formatDateTime(order.acceptBy)}</Fact>}
              </DataList>
            </Card>

            <Card withBorder radius="md" padding="lg" data-testid="order-link-card">
              <Title order={4} mb="sm">
                {t('order.link')}
              </Title>
              <DataList labelWidth={230} orientation={narrow ? 'vertical' : 'horizontal'} withDivider>
                <Fact label={t('order.liveUrl')} testId="order-live-url">
                  {order.liveUrl ? (
                    <Anchor href={order.liveUrl} target="_blank" rel="noopener noreferrer" size="sm">
                      {order.liveUrl}
                    </Anchor>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {t('order.liveUrlPending')}
                    </Text>
                  )}
                </Fact>
                <Fact label={t('order.lastCheck')} testId="order-last-check">
                  <LastCheck check={order.lastCheck} />
                </Fact>
                {order.verifiedAt && <Fact label={t('order.verifiedAt')}>{formatDateTime(order.verifiedAt)}</Fact>}
                {order.payableAt && order.status === 'verified' && (
                  <Fact label={t('order.payableAt')}>{formatDateTime(order.payableAt)}</Fact>
                )}
              </DataList>
            </Card>

            {!['refused', 'cancelled', 'expired'].includes(order.status) && (
            <Card withBorder radius="md" padding="lg" data-testid="order-monitoring-card">
              <Title order={4} mb="sm">
                {t('claims.guarantee.title')}
              </Title>
              <MonitoringFacts order={order} />
            </Card>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder radius="md" padding="lg">
            <Title order={4} mb="md">
              {t('order.history')}
            </Title>
            <History order={order} />
          </Card>
        </Grid.Col>
      </Grid>

      {order.liveUrl && <ChecksTimeline orderId={order.id} />}

      <CancelModal order={order} opened={confirming} onClose={() => setConfirming(false)} />
    </>
  );
}

function History({ order }: { order: Order }) {
  const { t } = useTranslation();
  return (
    <Timeline active={order.history.length - 1} bulletSize={18} lineWidth={2} data-testid="order-history">
      {order.history.map((h, i) => (
        <Timeline.Item
          key={i}
          color={statusColors[h.status] ?? 'gray'}
          title={
            <Text size="sm" fw={600}>
              {statusLabel(t, h.status)}
            </Text>
          }
          data-testid="history-item"
          data-status={h.status}
        >
          <Text size="xs" c="dimmed">
            {formatDateTime(h.at)} ·{' '}
            {h.personId === SYSTEM_ACCOUNTS.orders || !h.personName ? t('order.platform') : t('order.by', { name: h.personName })}
          </Text>
          {h.note && (
            <Text size="sm" mt={4} style={{ overflowWrap: 'anywhere' }}>
              {h.note}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

function CancelModal({ order, opened, onClose }: { order: Order; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [key] = useState(newIdempotencyKey);
  const cancel = useMutation({
    mutationFn: () => marketplace.cancelOrder(order.id, key),
    onSuccess: async (o) => {
      notifySuccess(t('order.cancelled', { amount: formatEuros(o.priceCents), name: o.clientName }));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['orders'] }),
        queryClient.invalidateQueries({ queryKey: ['campaigns'] }),
        queryClient.invalidateQueries({ queryKey: ['clients-overview'] }),
        queryClient.invalidateQueries({ queryKey: ['account'] }),
      ]);
      onClose();
    },
    onError: notifyError,
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('order.cancelTitle')} centered>
      <Stack>
        <Text size="sm">{t('order.cancelText', { amount: formatEuros(order.priceCents), name: order.clientName })}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('order.keep')}
          </Button>
          <Button color="red" onClick={() => cancel.mutate()} loading={cancel.isPending} data-testid="order-cancel-confirm">
            {t('order.cancel')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
