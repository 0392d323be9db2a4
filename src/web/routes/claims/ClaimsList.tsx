// The claims, as the buyer side (/reclamations), the publisher (/editeur/reclamations) and support
// (/support/reclamations) see them: a status filter, open claims first, cursor paging.
import { useState } from 'react';
import { Anchor, Button, Card, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { CLAIM_STATUSES, claimEndpoints, claimKeys, type Claim, type ClaimStatus } from '../../api/claims';
import { ClaimStatusBadge, OutcomeBadge, useNarrow } from '../../components/claims';
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
  return {
    items: page.items.filter((c) => c.status !== 'open'),
    next: page.nextCursor ? { phase: 'rest', cursor: page.nextCursor } : null,
  };
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
  const narrow = useNarrow();
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
          {help ??
            (side === 'publisher' ? t('claims.list.publisherHelp') : side === 'support' ? t('claims.list.supportHelp') : null)}
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
      ) : narrow ? (
        <Stack gap="sm" data-testid="claims-cards">
          {items.map((c) => (
            <ClaimCard key={c.id} claim={c} side={side} onSettle={() => setSettling(c)} />
          ))}
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={side === 'publisher' ? 900 : 1040}>
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

type RowProps = { claim: Claim; side: ClaimsSide; onSettle: () => void };

function When({ claim: c }: { claim: Claim }) {
  const { t } = useTranslation();
  return (
    <>
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
    </>
  );
}

function LinkOf({ claim: c }: { claim: Claim }) {
  const { t } = useTranslation();
  return (
    <>
      <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
        {c.domain}
      </Text>
      <Text size="sm" data-testid="claim-anchor">
        {t('common.quoted', { text: c.anchor })}
      </Text>
      <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
        → {c.targetUrl}
      </Text>
    </>
  );
}

function Reason({ claim: c }: { claim: Claim }) {
  const { t } = useTranslation();
  return (
    <>
      <OutcomeBadge outcome={c.outcome} size="sm" />
      <Text size="xs" mt={4} style={{ overflowWrap: 'anywhere' }} lineClamp={3} title={c.message} data-testid="claim-message">
        {c.message}
      </Text>
      {c.settleReason && (
        <Text size="xs" mt={4} c="dimmed" style={{ overflowWrap: 'anywhere' }} data-testid="claim-settle-reason">
          {t('claims.outcome.reason', { reason: c.settleReason })}
        </Text>
      )}
    </>
  );
}

function Amount({ claim: c, side }: { claim: Claim; side: ClaimsSide }) {
  const { t } = useTranslation();
  return (
    <div data-testid="claim-amount">
      <Text size="sm" fw={600} style={numeric}>
        {formatEuros(c.priceCents)}
      </Text>
      {c.refundedCents > 0 && (
        <Text size="xs" c="orange.8" style={numeric} data-testid="claim-refunded">
          {t('claims.list.refunded', { amount: formatEuros(c.refundedCents) })}
        </Text>
      )}
      {side !== 'buyer' && c.debtCents > 0 && (
        <Text size="xs" c="dimmed">
          {t('claims.list.debt', { amount: formatEuros(c.debtCents) })}
        </Text>
      )}
    </div>
  );
}

function Actions({ claim: c, side, onSettle }: RowProps) {
  const { t } = useTranslation();
  return (
    <>
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
        <Anchor
          component={Link}
          to={`/commandes/${c.orderId}`}
          size="sm"
          style={{ whiteSpace: 'nowrap' }}
          data-testid="claim-open-order"
        >
          {t('claims.list.seeOrder')}
        </Anchor>
      )}
    </>
  );
}

const rowData = (c: Claim) => ({
  'data-testid': 'claim-row',
  'data-id': c.id,
  'data-order-id': c.orderId,
  'data-status': c.status,
});

function ClaimRow(props: RowProps) {
  const { claim: c, side } = props;
  return (
    <Table.Tr {...rowData(c)} style={{ verticalAlign: 'top' }}>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <When claim={c} />
      </Table.Td>
      <Table.Td miw={200} maw={300}>
        <LinkOf claim={c} />
      </Table.Td>
      {side !== 'publisher' && (
        <Table.Td miw={120} data-testid="claim-client">
          <Text size="sm">{c.clientName}</Text>
        </Table.Td>
      )}
      <Table.Td miw={240} maw={380}>
        <Reason claim={c} />
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <ClaimStatusBadge status={c.status} />
      </Table.Td>
      <Table.Td ta="right" miw={130} maw={180}>
        <Amount claim={c} side={side} />
      </Table.Td>
      <Table.Td ta="right">
        <Stack gap={6} align="flex-end">
          <Actions {...props} />
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}

/** On a phone, one card per claim instead of a table to scroll sideways. */
function ClaimCard(props: RowProps) {
  const { t } = useTranslation();
  const { claim: c, side } = props;
  return (
    <Card withBorder radius="md" padding="sm" {...rowData(c)}>
      <Stack gap={8}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <When claim={c} />
          </div>
          <ClaimStatusBadge status={c.status} style={{ flexShrink: 0 }} />
        </Group>
        <div>
          <LinkOf claim={c} />
          {side !== 'publisher' && (
            <Text size="xs" mt={2} data-testid="claim-client">
              {t('common.labelValue', { label: t('claims.list.client'), value: c.clientName })}
            </Text>
          )}
        </div>
        <div>
          <Reason claim={c} />
        </div>
        <Group justify="space-between" align="flex-end">
          <Amount claim={c} side={side} />
          <Group gap="sm">
            <Actions {...props} />
          </Group>
        </Group>
      </Stack>
    </Card>
  );
}
