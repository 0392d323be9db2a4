import { useState } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Center,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { creditEndpoints, newIdempotencyKey, TOP_UP_STATUSES, type TopUp, type TopUpStatus } from '../../api/credits';
import { formatDateTime, formatEuros } from '../../components/format';
import { messageOf, notifySuccess } from '../../components/serverErrors';
import { creditKeys, numeric, refreshCredits, TopUpStatusBadge } from './shared';
import { QueryStatus } from '../../components/QueryStatus';

type Action = { kind: 'confirm' | 'refund'; topUp: TopUp } | null;

/** Support's tab "Virements": confirm that a bank transfer arrived (credits + invoice), or cancel a paid top-up with a credit note. */
export function SupportTransfersTab() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<TopUpStatus>('awaiting_payment');
  const [action, setAction] = useState<Action>(null);
  const topUps = useInfiniteQuery({
    queryKey: creditKeys.supportTopUps(status),
    queryFn: ({ pageParam }) => creditEndpoints.topUps({ status, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = topUps.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Title order={4}>{t('credits.support.title')}</Title>
        <SegmentedControl
          size="xs"
          value={status}
          onChange={(v) => setStatus(v as TopUpStatus)}
          data={TOP_UP_STATUSES.map((s) => ({ value: s, label: t(`credits.statuses.${s}`) }))}
          data-testid="transfers-status"
        />
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {t('credits.support.help')}
      </Text>
      {topUps.isPending || topUps.error ? (
        <QueryStatus query={topUps} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="transfers-empty">
          {t('credits.support.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={860}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="transfers-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('credits.support.account')}</Table.Th>
                <Table.Th ta="right">{t('credits.support.total')}</Table.Th>
                <Table.Th>{t('credits.support.reference')}</Table.Th>
                <Table.Th>{status === 'paid' ? t('credits.support.paidAt') : t('credits.support.date')}</Table.Th>
                <Table.Th>{t('credits.topUp.status')}</Table.Th>
                <Table.Th ta="right">{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((u) => (
                <Table.Tr key={u.id} data-testid="transfer-row" data-reference={u.paymentReference} data-name={u.accountName}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {u.accountName}
                    </Text>
                    {u.invoiceNumber && (
                      <Text size="xs" c="dimmed">
                        {t('common.labelValue', { label: t('credits.topUp.invoice'), value: u.invoiceNumber })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric} fw={600} data-testid="transfer-total">
                    {formatEuros(u.totalCents)}
                  </Table.Td>
                  <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                    <Anchor href={u.proformaUrl} target="_blank" rel="noopener" size="sm" ff="monospace">
                      {u.paymentReference}
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(status === 'paid' ? u.paidAt : u.createdAt)}
                  </Table.Td>
                  <Table.Td>
                    <TopUpStatusBadge status={u.status} />
                  </Table.Td>
                  <Table.Td>
                    <Group justify="flex-end" wrap="nowrap">
                      {u.status === 'awaiting_payment' && (
                        <Button
                          size="compact-sm"
                          color="teal"
                          onClick={() => setAction({ kind: 'confirm', topUp: u })}
                          data-testid="transfer-confirm"
                        >
                          {t('credits.support.confirm')}
                        </Button>
                      )}
                      {u.status === 'paid' && (
                        <Button
                          size="compact-sm"
                          variant="default"
                          color="red"
                          onClick={() => setAction({ kind: 'refund', topUp: u })}
                          data-testid="transfer-refund"
                        >
                          {t('credits.support.refund')}
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
      {topUps.hasNextPage && (
        <Center mt="md">
          <Button variant="default" onClick={() => void topUps.fetchNextPage()} loading={topUps.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </Center>
      )}
      <Modal
        opened={action !== null}
        onClose={() => setAction(null)}
        title={
          action?.kind === 'confirm'
            ? t('credits.support.confirmTitle')
            : action
              ? t('credits.support.refundTitle', { reference: action.topUp.paymentReference })
              : ''
        }
        centered
      >
        {action && <ActionForm action={action} onClose={() => setAction(null)} />}
      </Modal>
    </Card>
  );
}

/** Mounted on each opening: one idempotency key per opening, so a double click confirms once. */
function ActionForm({ action, onClose }: { action: NonNullable<Action>; onClose: () => void }) {
  const { t } = useTranslation();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [error, setError] = useState<string | null>(null);
  const u = action.topUp;
  const run = useMutation({
    mutationFn: async () =>
      action.kind === 'confirm'
        ? t('credits.support.confirmed', { number: (await creditEndpoints.confirmTopUp(u.id, idempotencyKey)).invoiceNumber })
        : (await creditEndpoints.cancelTopUp(u.id, idempotencyKey), t('credits.support.refunded')),
    onSuccess: async (message) => {
      notifySuccess(message);
      await refreshCredits();
      onClose();
    },
    onError: (e) => setError(messageOf(e)),
  });
  const params = {
    total: formatEuros(u.totalCents),
    amount: formatEuros(u.amountCents),
    reference: u.paymentReference,
    name: u.accountName,
  };
  return (
    <Stack data-testid={action.kind === 'confirm' ? 'confirm-transfer-modal' : 'refund-transfer-modal'}>
      <Text size="sm">
        {action.kind === 'confirm' ? t('credits.support.confirmText', params) : t('credits.support.refundText', params)}
      </Text>
      {error && (
        <Alert color="red" data-testid="transfer-action-error">
          {error}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button
          color={action.kind === 'confirm' ? 'teal' : 'red'}
          onClick={() => run.mutate()}
          loading={run.isPending}
          data-testid="transfer-action-submit"
        >
          {action.kind === 'confirm' ? t('credits.support.confirm') : t('credits.support.refundConfirm')}
        </Button>
      </Group>
    </Stack>
  );
}
