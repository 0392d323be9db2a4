import {
  Alert,
  Anchor,
  Badge,
  Card,
  Center,
  Group,
  Loader,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Button,
} from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  dashboardKeys,
  dashboards,
  type BuyerDashboard,
  type Dashboard,
  type DashboardQuery,
  type PublisherDashboard,
  type SupportDashboard,
} from '../../api/dashboard';
import { useSession } from '../../api/queries';
import { auditSentence } from '../../components/auditSentence';
import { formatDay, formatEuros, formatNumber, formatRelative } from '../../components/format';
import { isAgencyMember } from '../../components/Shell';
import { messageOf } from '../../components/serverErrors';

const SeriesChart = lazy(() => import('./SpendCharts').then((m) => ({ default: m.SeriesChart })));
const GroupBars = lazy(() => import('./SpendCharts').then((m) => ({ default: m.GroupBars })));

type Preset = '30d' | '3m' | '12m' | 'custom';

const pad = (n: number) => String(n).padStart(2, '0');
const isoDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** The first day of a preset ending today (both days included). */
function presetFrom(preset: Exclude<Preset, 'custom'>, today = new Date()): string {
  const d = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  if (preset === '30d') d.setDate(d.getDate() - 29);
  else d.setMonth(d.getMonth() - (preset === '3m' ? 3 : 12), d.getDate() + 1);
  return isoDay(d);
}

function Figure({ label, value, testId, to }: { label: string; value: ReactNode; testId: string; to?: string }) {
  return (
    <div>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={22} fw={700} data-testid={testId}>
        {to ? (
          <Anchor component={Link} to={to} inherit>
            {value}
          </Anchor>
        ) : (
          value
        )}
      </Text>
    </div>
  );
}

/** The period picker: 30 days, 3 months, 12 months, or two dates. */
function RangeControl({
  value,
  onChange,
}: {
  value: { preset: Preset; from?: string; to?: string };
  onChange: (v: { preset: Preset; from?: string; to?: string }) => void;
}) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(value.from ?? presetFrom('30d'));
  const [to, setTo] = useState(value.to ?? isoDay(new Date()));
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" data-testid="dashboard-range">
      <SegmentedControl
        aria-label={t('cockpit.range.label')}
        value={value.preset}
        onChange={(p) =>
          p === 'custom'
            ? onChange({ preset: 'custom', from, to })
            : onChange({ preset: p as Preset, from: presetFrom(p as Exclude<Preset, 'custom'>), to: isoDay(new Date()) })
        }
        data={[
          { value: '30d', label: t('cockpit.range.last30') },
          { value: '3m', label: t('cockpit.range.last3m') },
          { value: '12m', label: t('cockpit.range.last12m') },
          { value: 'custom', label: t('cockpit.range.custom') },
        ]}
        data-testid="range-presets"
      />
      {value.preset === 'custom' && (
        <>
          <TextInput
            type="date"
            label={t('cockpit.range.from')}
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
            data-testid="range-from"
          />
          <TextInput
            type="date"
            label={t('cockpit.range.to')}
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            data-testid="range-to"
          />
          <Button variant="light" onClick={() => onChange({ preset: 'custom', from, to })} data-testid="range-apply">
            {t('cockpit.range.apply')}
          </Button>
        </>
      )}
    </Group>
  );
}

function ChartFallback() {
  return (
    <Center h={240}>
      <Loader size="sm" />
    </Center>
  );
}

function AlertLine({ to, children, testId }: { to: string; children: ReactNode; testId: string }) {
  return (
    <Text size="sm">
      <Anchor component={Link} to={to} data-testid={testId}>
        {children}
      </Anchor>
    </Text>
  );
}

function Activity({ d, member }: { d: Dashboard; member: boolean }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" padding="lg" data-testid="dashboard-activity">
      <Group justify="space-between" mb="sm">
        <Title order={4}>{member ? t('cockpit.activity.title') : t('cockpit.activity.client')}</Title>
        {member && (
          <Anchor component={Link} to="/journal" size="sm">
            {t('cockpit.activity.open')}
          </Anchor>
        )}
      </Group>
      {d.activity.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('cockpit.activity.none')}
        </Text>
      ) : (
        <Stack gap={6}>
          {d.activity.map((e) => (
            <Group key={e.id} gap="xs" wrap="nowrap" align="baseline">
              <Text size="xs" c="dimmed" w={110} style={{ flexShrink: 0 }}>
                {formatRelative(e.at)}
              </Text>
              <Text size="sm" data-testid="activity-sentence">
                {auditSentence(e)}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}

function BuyerCockpit({
  d,
  b,
  groupBy,
  setGroupBy,
  member,
}: {
  d: Dashboard;
  b: BuyerDashboard;
  groupBy: DashboardQuery['groupBy'];
  setGroupBy: (g: DashboardQuery['groupBy']) => void;
  member: boolean;
}) {
  const { t } = useTranslation();
  const a = b.alerts;
  const anyAlert = a.lowBalance.count + a.nearExpiry.count + a.failedChecks.count + a.openClaims > 0;
  const manyClients = d.role !== 'client';
  return (
    <Stack gap="lg">
      <Card withBorder radius="md" padding="lg" data-testid="dashboard-alerts">
        <Title order={4} mb="sm">
          {t('cockpit.alerts.title')}
        </Title>
        {!anyAlert && (
          <Text size="sm" c="dimmed">
            {t('cockpit.alerts.none')}
          </Text>
        )}
        <Stack gap={4}>
          {a.nearExpiry.count > 0 && (
            <div>
              <Text fw={600} c="orange.8" size="sm">
                {t('cockpit.alerts.nearExpiry', { count: a.nearExpiry.count })}
              </Text>
              {a.nearExpiry.items.map((o) => (
                <AlertLine key={o.orderId} to={`/commandes/${o.orderId}`} testId="alert-near-expiry">
                  {t('cockpit.alerts.nearExpiryItem', { client: o.clientName, anchor: o.anchor, at: formatDay(o.at) })}
                </AlertLine>
              ))}
            </div>
          )}
          {a.failedChecks.count > 0 && (
            <div>
              <Text fw={600} c="red.8" size="sm">
                {t('cockpit.alerts.failedChecks', { count: a.failedChecks.count })}
              </Text>
              {a.failedChecks.items.map((o) => (
                <AlertLine key={o.orderId} to={`/commandes/${o.orderId}`} testId="alert-failed-check">
                  {t('cockpit.alerts.failedCheckItem', { client: o.clientName, anchor: o.anchor })}
                </AlertLine>
              ))}
            </div>
          )}
          {a.lowBalance.count > 0 && (
            <div>
              <Text fw={600} c="orange.8" size="sm">
                {t('cockpit.alerts.lowBalance', { count: a.lowBalance.count })}
              </Text>
              {a.lowBalance.items.map((w) => (
                <AlertLine key={w.accountId} to={`/portefeuille/${w.accountId}`} testId="alert-low-balance">
                  {t('cockpit.alerts.lowBalanceItem', {
                    name: w.name,
                    available: formatEuros(w.availableCents),
                    threshold: formatEuros(w.thresholdCents),
                  })}
                </AlertLine>
              ))}
            </div>
          )}
          {a.openClaims > 0 && (
            <AlertLine to="/reclamations" testId="alert-open-claims">
              {t('cockpit.alerts.openClaims', { count: a.openClaims })}
            </AlertLine>
          )}
        </Stack>
      </Card>

      <Card withBorder radius="md" padding="lg" data-testid="dashboard-spend">
        <Group justify="space-between" align="flex-start" mb="sm" wrap="wrap">
          <div>
            <Title order={4}>{t('cockpit.spend.title')}</Title>
            <Text size="xs" c="dimmed">
              {t('cockpit.spend.help')}
            </Text>
          </div>
          <div style={{ textAlign: 'right' }}>
            <Text fz={26} fw={700} data-testid="spend-total">
              {formatEuros(b.spend.totalCents)}
            </Text>
            <Text size="sm" c="dimmed">
              {t('cockpit.spend.orders', { count: b.spend.orderCount })}
            </Text>
          </div>
        </Group>
        <Suspense fallback={<ChartFallback />}>
          <SeriesChart series={b.spend.series} bucket={d.range.bucket} label={t('cockpit.spend.amount')} testId="spend-chart" />
        </Suspense>
        {manyClients && (
          <Stack gap="xs" mt="md">
            <SegmentedControl
              size="xs"
              w="fit-content"
              value={groupBy}
              onChange={(g) => setGroupBy(g as DashboardQuery['groupBy'])}
              data={[
                { value: 'client', label: t('cockpit.spend.byClient') },
                { value: 'collaborator', label: t('cockpit.spend.byCollaborator') },
              ]}
              data-testid="spend-group-by"
            />
            {b.spend.groups.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('cockpit.spend.none')}
              </Text>
            ) : (
              <Suspense fallback={<ChartFallback />}>
                <GroupBars
                  groups={b.spend.groups.map((g) => ({
                    name: g.kind === 'direct' ? t('cockpit.spend.direct', { name: g.name }) : g.name,
                    cents: g.cents,
                  }))}
                />
              </Suspense>
            )}
          </Stack>
        )}
      </Card>

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder radius="md" padding="lg" data-testid="dashboard-orders">
          <Group justify="space-between" mb="sm">
            <Title order={4}>{t('cockpit.orders.title')}</Title>
            <Anchor component={Link} to="/commandes" size="sm">
              {t('cockpit.orders.open')}
            </Anchor>
          </Group>
          <Table withTableBorder={false}>
            <Table.Tbody>
              {b.orders.inProgress.map((s) => (
                <Table.Tr key={s.status}>
                  <Table.Td>
                    <Anchor component={Link} to={`/commandes?status=${s.status}`} size="sm">
                      {t(`orderStatus.${s.status}`)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ta="right" data-testid={`in-progress-${s.status}`}>
                    {formatNumber(s.count)}
                  </Table.Td>
                  <Table.Td ta="right">{formatEuros(s.cents)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text size="sm" c="dimmed" mt="sm" mb={4}>
            {t('cockpit.orders.waitingOn')}
          </Text>
          <Group gap="xs">
            {(['publisher', 'verification', 'controlPeriod'] as const).map((w) => (
              <Badge
                key={w}
                variant="light"
                color={w === 'publisher' ? 'orange' : w === 'verification' ? 'blue' : 'gray'}
                tt="none"
                data-testid={`waiting-${w}`}
              >
                {t(`cockpit.orders.waiting.${w}`)} : {formatNumber(b.orders.waitingOn[w])}
              </Badge>
            ))}
          </Group>
        </Card>
        <Card withBorder radius="md" padding="lg" data-testid="dashboard-links">
          <Title order={4} mb="sm">
            {t('cockpit.links.title')}
          </Title>
          <SimpleGrid cols={3}>
            <Figure label={t('cockpit.links.live')} value={formatNumber(b.links.live)} testId="links-live" />
            <div>
              <Figure label={t('cockpit.links.lost')} value={formatNumber(b.links.lost)} testId="links-lost" />
              <Text size="xs" c="dimmed">
                {t('cockpit.links.lostInRange', { count: b.links.lostInRange })}
              </Text>
            </div>
            <Figure
              label={t('cockpit.links.atRisk')}
              value={formatNumber(b.links.atRisk)}
              testId="links-at-risk"
              to="/reclamations"
            />
          </SimpleGrid>
        </Card>
      </SimpleGrid>
      <Activity d={d} member={member} />
    </Stack>
  );
}

function PublisherCockpit({ d, p }: { d: Dashboard; p: PublisherDashboard }) {
  const { t } = useTranslation();
  const q = p.queue;
  return (
    <Stack gap="lg">
      <Card withBorder radius="md" padding="lg" data-testid="publisher-queue">
        <Group justify="space-between" mb="sm">
          <Title order={4}>{t('cockpit.publisher.toAct')}</Title>
          <Anchor component={Link} to="/editeur/commandes" size="sm">
            {t('cockpit.publisher.openOrders')}
          </Anchor>
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 4 }} mb="sm">
          <Figure
            label={t('cockpit.publisher.toAccept')}
            value={formatNumber(q.toAccept)}
            testId="queue-to-accept"
            to="/editeur/commandes"
          />
          <Figure
            label={t('cockpit.publisher.toPlace')}
            value={formatNumber(q.toPlace)}
            testId="queue-to-place"
            to="/editeur/commandes"
          />
          <Figure label={t('cockpit.publisher.nearExpiry')} value={formatNumber(q.nearExpiry)} testId="queue-near-expiry" />
          <Figure label={t('cockpit.publisher.failedChecks')} value={formatNumber(q.failedChecks)} testId="queue-failed" />
        </SimpleGrid>
        {q.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('cockpit.publisher.none')}
          </Text>
        ) : (
          <Stack gap={4}>
            {q.items.map((o) => (
              <AlertLine key={o.orderId} to="/editeur/commandes" testId="queue-item">
                « {o.anchor} » — {formatEuros(o.priceCents)} —{' '}
                {o.status === 'placed'
                  ? t('cockpit.publisher.acceptBy', { at: formatDay(o.acceptBy) })
                  : t('cockpit.publisher.placeBy')}
              </AlertLine>
            ))}
          </Stack>
        )}
        {p.openClaims > 0 && (
          <AlertLine to="/editeur/reclamations" testId="publisher-claims">
            {t('cockpit.publisher.claims', { count: p.openClaims })}
          </AlertLine>
        )}
      </Card>
      <Card withBorder radius="md" padding="lg" data-testid="publisher-earnings">
        <Group justify="space-between" align="flex-start" mb="sm">
          <div>
            <Title order={4}>{t('cockpit.publisher.earnings')}</Title>
            <Text size="xs" c="dimmed">
              {t('cockpit.publisher.earningsHelp')}
            </Text>
          </div>
          <Text fz={26} fw={700} data-testid="earnings-total">
            {formatEuros(p.earnings.totalCents)}
          </Text>
        </Group>
        <Suspense fallback={<ChartFallback />}>
          <SeriesChart
            series={p.earnings.series}
            bucket={d.range.bucket}
            label={t('cockpit.publisher.earnings')}
            testId="earnings-chart"
          />
        </Suspense>
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Group justify="space-between" mb="sm">
          <Title order={4}>{t('cockpit.publisher.payouts')}</Title>
          <Anchor component={Link} to="/editeur/paiements" size="sm">
            {t('cockpit.publisher.openPayouts')}
          </Anchor>
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Figure label={t('cockpit.publisher.pending')} value={formatEuros(p.payouts.pendingCents)} testId="payout-pending" />
          <Figure label={t('cockpit.publisher.payable')} value={formatEuros(p.payouts.payableCents)} testId="payout-payable" />
          <Figure
            label={t('cockpit.publisher.withdrawing')}
            value={formatEuros(p.payouts.withdrawingCents)}
            testId="payout-withdrawing"
          />
          <Figure label={t('cockpit.publisher.paid')} value={formatEuros(p.payouts.paidCents)} testId="payout-paid" />
        </SimpleGrid>
      </Card>
      <Activity d={d} member={false} />
    </Stack>
  );
}

function SupportCockpit({ s }: { s: SupportDashboard }) {
  const { t } = useTranslation();
  const rows = [
    ['topUps', '/support/virements'],
    ['siteReviews', '/support/sites'],
    ['claims', '/support/reclamations'],
    ['agencyRequests', '/support'],
    ['withdrawals', '/support/paiements'],
    ['documents', '/support/paiements'],
    ['deadEmails', '/support/emails'],
  ] as const;
  return (
    <Card withBorder radius="md" padding="lg" data-testid="support-queues">
      <Title order={4} mb="sm">
        {t('cockpit.support.title')}
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        {rows.map(([key, to]) => (
          <Figure
            key={key}
            label={t(`cockpit.support.${key}`)}
            value={formatNumber(s.queues[key])}
            testId={`queue-${key}`}
            to={to}
          />
        ))}
      </SimpleGrid>
    </Card>
  );
}

/** What the account in use acts on first, over a period it chooses (issue 12). */
export function Cockpit() {
  const { t } = useTranslation();
  const me = useSession();
  const [range, setRange] = useState<{ preset: Preset; from?: string; to?: string }>({ preset: '30d' });
  const [groupBy, setGroupBy] = useState<DashboardQuery['groupBy']>('client');
  const q: DashboardQuery = { from: range.from, to: range.to, groupBy };
  const dashboard = useQuery({
    queryKey: dashboardKeys.of(me.account.id, q),
    queryFn: () => dashboards.get(q),
    placeholderData: keepPreviousData,
  });
  const d = dashboard.data;
  const member = isAgencyMember(me.account);
  return (
    <Stack gap="lg">
      {d?.kind !== 'support' && (
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <RangeControl value={range} onChange={setRange} />
          {d && (
            <Text size="sm" c="dimmed" data-testid="range-summary">
              {t('cockpit.range.summary', { from: formatDay(d.range.from), to: formatDay(d.range.to) })}
            </Text>
          )}
        </Group>
      )}
      {dashboard.error && <Alert color="red">{messageOf(dashboard.error)}</Alert>}
      {!d && !dashboard.error && (
        <Center py="xl">
          <Loader />
        </Center>
      )}
      {d?.buyer && <BuyerCockpit d={d} b={d.buyer} groupBy={groupBy} setGroupBy={setGroupBy} member={member} />}
      {d?.publisher && <PublisherCockpit d={d} p={d.publisher} />}
      {d?.support && <SupportCockpit s={d.support} />}
    </Stack>
  );
}
