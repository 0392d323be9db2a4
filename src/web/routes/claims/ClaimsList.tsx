// The claims, as the buyer side (/reclamations), the publisher (/editeur/reclamations) and support
// (/support/reclamations) see them: a status filter, open claims first, cursor paging.
import { useState } from 'react';
import { Anchor, Button, Card, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { CLAIM_STATUSES, claimEndpoints, claimKeys, type Claim, type ClaimStatus } from '../../api/claims';
import { ClaimStatusBadge, OutcomeBadge } from '../../components/claims';
import { formatDateTime, formatEuros } from '../../components/format';
import { numeric } from '../../components/market';
import { MoreButton } from '../../components/MoreButton';
import { QueryStatus } from '../../components/QueryStatus';
import { SettleModal } from '../support/SettleClaim';

export type ClaimsSide = 'buyer' | 'publisher' | 'support';

/** Where the next page comes from: the open claims first, then the others (the unfiltered list without its open ones). */
type Cursor = { phase: 'open' | 'rest'; cursor?: string };

async function openFirst(pageParam: Cursor): Promise<{ items: Claim[]; next: Cursor | null }> {
  if (pageParam.phase === 'open') {
    const page = await claimEndpoints.claims({ status: 'open', cursor: pageParam.cursor });
    if (page.nextCursor) return { items: page.items, next: { phase: 'open', cursor: page.nextCursor } };
    // The last open ones: the first page of the others comes along, so that the list goes on.
    const rest = await openFirst({ phase: 'rest' });
    return { items: [...page.items, ...rest.items], next: rest.next };
  }
  const page = await claimEndpoints.claims({ cursor: pageParam.cursor });
  return { items: page.items.filter((c) => c.status !== 'open'), next: page.nextCursor ? { phase: 'rest', cursor: page.nextCursor } : null };
}

const isStatus = (v: string | null): v is ClaimStatus => v !== null && (CLAIM_STATUSES as string[]).includes(v);

/** The page "/reclamations" of the buyer side. */
export function ClaimsPage() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg" maw={1300}>
      <div>
        <Title order={1} fz={28}>
          {t('claims.list.title')}
        </Title>
        <Text c="dimmed" size="sm">
          {t('claims.list.subtitle')}
        </Text>
      </div>
      <ClaimsList side="buyer" />
    </Stack>
  );
}

export function ClaimsList({ side, help }: { side: ClaimsSide; help?: string }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const status = isStatus(raw) ? raw : null;
  const [settling, setSettling] = useState<Claim | null>(null);
  const claims = useInfiniteQuery({
    queryKey: claimKeys.claims({ side, status }),
    queryFn: async ({ pageParam }) => {
      if (status) {
        const page = await claimEndpoints.claims({ status, cursor: pageParam.cursor });
        return { items: page.items, next: page.nextCursor ? ({ phase: 'rest', cursor: page.nextCursor } as Cursor) : null };
      }
      return openFirst(pageParam);
    },
    initialPageParam: (status ? { phase: 'rest' } : { phase: 'open' }) as Cursor,
    getNextPageParam: (last) => last.next ?? undefined,
    placeholderData: (previous) => previous,
  });
  const items = claims.data?.pages.flatMap((p) => p.items) ?? [];
  const setStatus = (v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set('status', v);
    else next.delete('status');
    setParams(next, { replace: true });
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" align="flex-end" mb="md" wrap="wrap">
        <Text size="sm" c="dimmed" maw={720}>
          {help ?? (side === 'publisher' ? t('claims.list.publisherHelp') : side === 'support' ? t('claims.list.supportHelp') : null)}
        </Text>
        <Select
          label={t('claims.list.status')}
          placeholder={t('claims.filters.all')}
          data={CLAIM_STATUSES.map((s) => ({ value: s, label: t(`claims.filters.${s}`) }))}
          value={status}
          onChange={setStatus}
          clearable
          w={220}
          data-testid="claims-status"
        />
      </Group>
      {claims.isPending || claims.error ? (
        <QueryStatus query={claims} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="claims-empty">
          {status ? t('claims.list.emptyStatus') : t('claims.list.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={side === 'publisher' ? 960 : 1100}>
          <Table verticalSpacing="md" data-testid="claims-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('claims.list.openedAt')}</Table.Th>
                <Table.Th>{t('claims.list.order')}</Table.Th>
                {side !== 'publisher' && <Table.Th>{t('claims.list.client')}</Table.Th>}
                <Table.Th>{t('claims.list.reason')}</Table.Th>
                <Table.Th>{t('claims.list.status')}</Table.Th>
                <Table.Th ta="right">{t('claims.list.amount')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <ClaimRow key={c.id} claim={c} side={side} onSettle={() => setSettling(c)} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MoreButton query={claims} testId="claims-more" />
      {side === 'support' && <SettleModal claim={settling} onClose={() => setSettling(null)} />}
    </Card>
  );
}

function ClaimRow({ claim: c, side, onSettle }: { claim: Claim; side: ClaimsSide; onSettle: () => void }) {
  const { t } = useTranslation();
  return (
    <Table.Tr data-testid="claim-row" data-id={c.id} data-order-id={c.orderId} data-status={c.status} style={{ verticalAlign: 'top' }}>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">{formatDateTime(c.openedAt)}</Text>
        {c.status === 'open' ? (
          <Text size="xs" c="red.8" fw={600} data-testid="claim-deadline">
            {t('claims.publisher.reinstateBy', { date: formatDateTime(c.reinstateBy) })}
          </Text>
        ) : (
          c.closedAt && (
            <Text size="xs" c="dimmed">
              {t('claims.list.closedAt', { date: formatDateTime(c.closedAt) })}
            </Text>
          )
        )}
      </Table.Td>
      <Table.Td maw={320}>
        <Text size="sm" fw={600}>
          {c.domain}
        </Text>
        <Text size="sm" data-testid="claim-anchor">
          {t('common.quoted', { text: c.anchor })}
        </Text>
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          → {c.targetUrl}
        </Text>
      </Table.Td>
      {side !== 'publisher' && (
        <Table.Td data-testid="claim-client">
          <Text size="sm">{c.clientName}</Text>
        </Table.Td>
      )}
      <Table.Td maw={360}>
        <OutcomeBadge outcome={c.outcome} size="sm" />
        <Text size="xs" mt={4} style={{ overflowWrap: 'anywhere' }} lineClamp={3} data-testid="claim-message">
          {c.message}
        </Text>
        {c.settleReason && (
          <Text size="xs" mt={4} c="dimmed" style={{ overflowWrap: 'anywhere' }} data-testid="claim-settle-reason">
            {t('claims.outcome.reason', { reason: c.settleReason })}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <ClaimStatusBadge status={c.status} />
      </Table.Td>
      <Table.Td ta="right" style={numeric} data-testid="claim-amount">
        <Text size="sm" fw={600}>
          {formatEuros(c.priceCents)}
        </Text>
        {c.refundedCents > 0 && (
          <Text size="xs" c="orange.8">
            {t('claims.list.refunded', { amount: formatEuros(c.refundedCents) })}
          </Text>
        )}
        {side !== 'buyer' && c.debtCents > 0 && (
          <Text size="xs" c="dimmed">
            {t('claims.list.debt', { amount: formatEuros(c.debtCents) })}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Group gap="xs" justify="flex-end" wrap="nowrap">
          {side === 'support' && c.status === 'open' && (
            <Button size="compact-sm" onClick={onSettle} data-testid="claim-settle">
              {t('claims.list.settle')}
            </Button>
          )}
          {side === 'publisher' ? (
            <Anchor component={Link} to="/editeur/commandes" size="sm" style={{ whiteSpace: 'nowrap' }}>
              {t('claims.list.seeOrders')}
            </Anchor>
          ) : (
            <Anchor component={Link} to={`/commandes/${c.orderId}`} size="sm" style={{ whiteSpace: 'nowrap' }} data-testid="claim-open-order">
              {t('claims.list.seeOrder')}
            </Anchor>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
