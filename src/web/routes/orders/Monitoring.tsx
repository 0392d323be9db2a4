// The monitoring parts of the order page (issue 10): the claim's banner, the guarantee and the state
// of the monitoring, the timeline of every check of the link with its evidence.
import { useState } from 'react';
import { Alert, Badge, Button, Card, Collapse, DataList, Group, Stack, Text, Timeline, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { claimEndpoints, claimKeys, type Claim, type LinkCheck } from '../../api/claims';
import type { Order } from '../../api/marketplace';
import { EvidencePanel, OutcomeBadge, outcomeLabel, useNarrow } from '../../components/claims';
import { formatDate, formatDateTime, formatEuros } from '../../components/format';
import { QueryStatus } from '../../components/QueryStatus';

/** What a claim means for the buyer: open (what failed, the publisher's deadline), or how it ended. */
export function ClaimBanner({ claim }: { claim: Claim }) {
  const { t } = useTranslation();
  const common = { 'data-testid': 'order-claim', 'data-status': claim.status, radius: 'md' } as const;
  if (claim.status === 'open') {
    return (
      <Alert {...common} color="red" variant="light" title={t('claims.alert.title', { outcome: outcomeLabel(t, claim.outcome) })}>
        <Stack gap={4}>
          <Text size="sm" data-testid="order-claim-message" style={{ overflowWrap: 'anywhere' }}>
            {claim.message}
          </Text>
          <Text size="sm" fw={600} data-testid="order-claim-deadline">
            {t('claims.alert.deadline', {
              date: formatDateTime(claim.reinstateBy),
              amount: formatEuros(claim.priceCents),
              client: claim.clientName,
            })}
          </Text>
          <Text size="xs" c="dimmed">
            {t('claims.alert.openedAt', { date: formatDateTime(claim.openedAt) })}
          </Text>
        </Stack>
      </Alert>
    );
  }
  // What the claim was about, under how it ended.
  const about = (
    <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
      {outcomeLabel(t, claim.outcome)} · {claim.message}
    </Text>
  );
  const reason = claim.settleReason && (
    <Text size="sm" data-testid="order-claim-reason">
      {t('claims.outcome.reason', { reason: claim.settleReason })}
    </Text>
  );
  if (claim.status === 'reinstated') {
    return (
      <Alert {...common} color="teal" variant="light" title={t('claims.outcome.reinstatedTitle')}>
        <Stack gap={4}>
          <Text size="sm" data-testid="order-claim-outcome">
            {t('claims.outcome.reinstated', { date: formatDateTime(claim.closedAt) })}
          </Text>
          {about}
        </Stack>
      </Alert>
    );
  }
  if (claim.status === 'refunded') {
    return (
      <Alert {...common} color="orange" variant="light" title={t('claims.outcome.refundedTitle')}>
        <Stack gap={4}>
          <Text size="sm" fw={600} data-testid="order-claim-outcome">
            {t('claims.outcome.refunded', {
              amount: formatEuros(claim.refundedCents),
              client: claim.clientName,
              date: formatDateTime(claim.closedAt),
            })}
          </Text>
          {about}
          {reason}
        </Stack>
      </Alert>
    );
  }
  return (
    <Alert {...common} color="gray" variant="light" title={t('claims.outcome.dismissedTitle')}>
      <Stack gap={4}>
        <Text size="sm" data-testid="order-claim-outcome">
          {t('claims.outcome.dismissed', { date: formatDateTime(claim.closedAt) })}
        </Text>
        {about}
        {reason}
      </Stack>
    </Alert>
  );
}

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

/** The guarantee bought with the order, and where its monitoring stands. */
export function MonitoringFacts({ order }: { order: Order }) {
  const { t } = useTranslation();
  const m = order.monitoring;
  // The months are those of the site when the order was placed (null: the platform's default, said by its end date).
  const months = order.guaranteeMonths;
  const guarantee = order.guaranteeEndsAt
    ? months
      ? t('claims.guarantee.until', { months, date: formatDate(order.guaranteeEndsAt) })
      : t('claims.guarantee.untilOnly', { date: formatDate(order.guaranteeEndsAt) })
    : months
      ? t('claims.guarantee.fromVerification', { months })
      : t('claims.guarantee.fromVerificationOnly');
  const ended = m?.endedAt ?? null;
  const narrow = useNarrow();
  return (
    <Stack gap="sm">
      <Text size="sm" fw={600} data-testid="order-guarantee">
        {guarantee}
      </Text>
      <DataList labelWidth={230} orientation={narrow ? 'vertical' : 'horizontal'} withDivider>
        <Fact label={t('claims.monitoring.state')} testId="order-monitoring-state">
          {order.lostAt ? (
            <Text size="sm" fw={600} c="red.8" data-state="lost">
              {t('claims.monitoring.lost', { date: formatDate(order.lostAt) })}
            </Text>
          ) : !m ? (
            <Text size="sm" c="dimmed" data-state="not_started">
              {t('claims.monitoring.notStarted')}
            </Text>
          ) : ended ? (
            <Text size="sm" c="dimmed" data-state="ended">
              {t('claims.monitoring.endedOn', { date: formatDate(ended) })}
            </Text>
          ) : (
            <Badge variant="light" color="teal" data-state="active">
              {t('claims.monitoring.active')}
            </Badge>
          )}
        </Fact>
        {m && (
          <Fact label={t('claims.monitoring.lastCheck')} testId="order-monitoring-last">
            {m.lastCheckedAt ? (
              <Group gap={8} wrap="wrap">
                <Text size="sm">{formatDateTime(m.lastCheckedAt)}</Text>
                {m.lastOutcome && <OutcomeBadge outcome={m.lastOutcome} size="sm" />}
              </Group>
            ) : (
              <Text size="sm" c="dimmed">
                {t('claims.monitoring.never')}
              </Text>
            )}
          </Fact>
        )}
        {m && !ended && !order.lostAt && (
          <Fact label={t('claims.monitoring.nextCheck')} testId="order-monitoring-next">
            {formatDateTime(m.nextCheckAt)}
          </Fact>
        )}
      </DataList>
    </Stack>
  );
}

/** Every check of the order's link, newest first, each with its evidence behind a button. */
export function ChecksTimeline({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const checks = useInfiniteQuery({
    queryKey: claimKeys.checks(orderId),
    queryFn: ({ pageParam }) => claimEndpoints.checks(orderId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = checks.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder radius="md" padding="lg" data-testid="order-checks">
      <Title order={4} mb="md">
        {t('claims.checks.title')}
      </Title>
      {checks.isPending || checks.error ? (
        <QueryStatus query={checks} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="order-checks-empty">
          {t('claims.checks.empty')}
        </Text>
      ) : (
        <Timeline active={items.length - 1} bulletSize={20} lineWidth={2} data-testid="order-checks-timeline">
          {items.map((c) => (
            <Timeline.Item
              key={c.id}
              color={c.ok ? 'teal' : 'red'}
              bullet={<span aria-hidden>{c.ok ? '✓' : '!'}</span>}
              title={<CheckTitle check={c} />}
              data-testid="check-item"
              data-ok={c.ok}
              data-outcome={c.outcome}
              data-kind={c.kind}
            >
              <CheckBody check={c} />
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      {checks.hasNextPage && (
        <Group justify="center" mt="md">
          <Button
            variant="default"
            onClick={() => void checks.fetchNextPage()}
            loading={checks.isFetchingNextPage}
            data-testid="order-checks-more"
          >
            {t('market.loadMore')}
          </Button>
        </Group>
      )}
    </Card>
  );
}

function CheckTitle({ check }: { check: LinkCheck }) {
  const { t } = useTranslation();
  return (
    <Group gap={8} wrap="wrap" data-testid="check-title">
      <Text size="sm" fw={600} data-testid="check-time">
        {formatDateTime(check.at)}
      </Text>
      <Badge
        variant="outline"
        color={check.kind === 'verification' ? 'blue' : 'violet'}
        size="sm"
        data-testid="check-kind"
        data-kind={check.kind}
      >
        {t(`claims.checkKinds.${check.kind}`)}
      </Badge>
      <OutcomeBadge outcome={check.outcome} size="sm" />
    </Group>
  );
}

function CheckBody({ check }: { check: LinkCheck }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <div>
      <Text size="sm" mt={4} data-testid="check-item-message" style={{ overflowWrap: 'anywhere' }}>
        {check.message}
      </Text>
      <Button
        variant="subtle"
        size="compact-xs"
        px={0}
        mt={2}
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        data-testid="check-evidence-toggle"
      >
        {open ? t('claims.checks.hideEvidence') : t('claims.checks.showEvidence')}
      </Button>
      <Collapse expanded={open}>
        <Card withBorder radius="sm" padding="xs" mt={4} bg="gray.0">
          <EvidencePanel evidence={check.evidence} />
        </Card>
      </Collapse>
    </div>
  );
}
