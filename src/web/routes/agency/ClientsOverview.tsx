import { useState } from 'react';
import {
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Group,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../api/queries';
import { marketKeys, marketplace } from '../../api/marketplace';
import { formatDate, formatEuros } from '../../components/format';
import { useCollaborators } from '../../components/hierarchy';
import { numeric, ORDER_STATUSES, statusColors, statusLabel } from '../../components/market';
import { MoreButton } from '../../components/MoreButton';
import { QueryStatus } from '../../components/QueryStatus';

/**
 * Below the client list of the "Clients" tab: per client, what it has and spends ("Suivi des
 * clients"), and the campaigns of the portfolio with their budget ("Campagnes").
 */
export function ClientsFollowUp() {
  const { t } = useTranslation();
  const [view, setView] = useState<'clients' | 'campaigns'>('clients');
  return (
    <Card withBorder radius="md" padding="lg" data-testid="clients-follow-up">
      <Group justify="space-between" mb="md" wrap="wrap">
        <Title order={4}>{view === 'clients' ? t('clientsOverview.clientsView') : t('clientsOverview.campaignsView')}</Title>
        <SegmentedControl
          size="xs"
          value={view}
          onChange={(v) => setView(v as 'clients' | 'campaigns')}
          data={[
            { value: 'clients', label: t('clientsOverview.clientsView') },
            { value: 'campaigns', label: t('clientsOverview.campaignsView') },
          ]}
          data-testid="follow-up-view"
        />
      </Group>
      {view === 'clients' ? <ClientsOverviewTable /> : <CampaignsTable />}
    </Card>
  );
}

function ClientsOverviewTable() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const overview = useInfiniteQuery({
    queryKey: marketKeys.clientsOverview({ q }),
    queryFn: ({ pageParam }) => marketplace.clientsOverview({ q: q || undefined, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  const items = overview.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('clientsOverview.help')}
      </Text>
      <TextInput
        placeholder={t('agency.searchClients')}
        aria-label={t('agency.searchClients')}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        maw={420}
        data-testid="overview-search"
      />
      {overview.isPending || overview.error ? (
        <QueryStatus query={overview} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg">
          {t('clientsOverview.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={980}>
          <Table verticalSpacing="sm" striped data-testid="overview-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('fields.client')}</Table.Th>
                <Table.Th>{t('fields.personInCharge')}</Table.Th>
                <Table.Th ta="right">{t('fields.balance')}</Table.Th>
                <Table.Th ta="right">{t('clientsOverview.projects')}</Table.Th>
                <Table.Th ta="right">{t('clientsOverview.campaigns')}</Table.Th>
                <Table.Th>{t('clientsOverview.orders')}</Table.Th>
                <Table.Th ta="right">{t('clientsOverview.spend')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => {
                const statuses = ORDER_STATUSES.filter((s) => c.ordersByStatus[s]);
                return (
                  <Table.Tr key={c.id} data-testid="overview-row" data-name={c.name}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {c.name}
                      </Text>
                      {/* On a phone the balance column is past the edge (the table scrolls): shown here too. */}
                      <Text size="xs" hiddenFrom="sm" style={numeric}>
                        {formatEuros(c.balanceCents)}
                      </Text>
                    </Table.Td>
                    <Table.Td>{c.personInChargeName ?? '—'}</Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="overview-balance">
                      {formatEuros(c.balanceCents)}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="overview-projects">
                      {c.projectCount}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="overview-campaigns">
                      {c.campaignCount}
                    </Table.Td>
                    <Table.Td data-testid="overview-orders">
                      {statuses.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          {t('clientsOverview.noOrders')}
                        </Text>
                      ) : (
                        <Anchor component={Link} to={`/commandes?accountId=${c.id}`} underline="never">
                          <Group gap={4}>
                            {statuses.map((s) => (
                              <Badge key={s} size="sm" variant="light" color={statusColors[s]} data-status={s} data-testid="overview-status">
                                {statusLabel(t, s)} · {c.ordersByStatus[s]}
                              </Badge>
                            ))}
                          </Group>
                        </Anchor>
                      )}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="overview-spend">
                      {formatEuros(c.spendThisMonthCents)}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {overview.hasNextPage && (
        <Center>
          <Button variant="default" onClick={() => void overview.fetchNextPage()} loading={overview.isFetchingNextPage}>
            {t('market.loadMore')}
          </Button>
        </Center>
      )}
    </Stack>
  );
}

/** A day (YYYY-MM-DD) at noon, so that no time zone shows the day before. */
const day = (d: string) => formatDate(`${d}T12:00:00`);

function CampaignsTable() {
  const { t } = useTranslation();
  const me = useSession();
  const collaborators = useCollaborators();
  const [person, setPerson] = useState<string | null>(null);
  const campaigns = useInfiniteQuery({
    queryKey: marketKeys.campaigns({ personInChargeId: person }),
    queryFn: ({ pageParam }) => marketplace.campaigns({ personInChargeId: person ?? undefined, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const people = [
    { value: me.account.id, label: t('orderForm.you', { name: me.account.name }) },
    ...(collaborators.data ?? []).filter((c) => c.active).map((c) => ({ value: c.id, label: `${c.name} (${t(`roles.${c.role}`)})` })),
  ];
  const items = campaigns.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Text size="sm" c="dimmed" maw={640}>
          {t('clientsOverview.campaignsHelp')}
        </Text>
        <Select
          label={t('fields.personInCharge')}
          placeholder={t('market.all')}
          data={people}
          value={person}
          onChange={setPerson}
          clearable
          searchable
          w={280}
          data-testid="campaigns-person"
        />
      </Group>
      {campaigns.isPending || campaigns.error ? (
        <QueryStatus query={campaigns} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="campaigns-empty">
          {t('clientsOverview.noCampaigns')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={1000}>
          <Table verticalSpacing="sm" striped data-testid="campaigns-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('clientsOverview.campaign')}</Table.Th>
                <Table.Th>{t('fields.client')}</Table.Th>
                <Table.Th>{t('fields.personInCharge')}</Table.Th>
                <Table.Th>{t('clientsOverview.period')}</Table.Th>
                <Table.Th ta="right">{t('clientsOverview.orders')}</Table.Th>
                <Table.Th miw={220}>
                  {t('clientsOverview.committed')} / {t('clientsOverview.budget')}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => {
                const ratio = c.budgetCents ? Math.min(100, (100 * c.committedCents) / c.budgetCents) : 0;
                return (
                  <Table.Tr key={c.id} data-testid="campaign-row" data-name={c.name}>
                    <Table.Td>
                      <Anchor component={Link} to={`/commandes?campaignId=${c.id}`} size="sm" fw={600}>
                        {c.name}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {c.projectName}
                      </Text>
                    </Table.Td>
                    <Table.Td>{c.clientName}</Table.Td>
                    <Table.Td>{c.personInChargeName ?? '—'}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">
                        {c.startsOn && c.endsOn
                          ? `${day(c.startsOn)} → ${day(c.endsOn)}`
                          : c.startsOn
                            ? t('clientsOverview.periodOpen', { from: day(c.startsOn) })
                            : c.endsOn
                              ? t('clientsOverview.periodUntil', { to: day(c.endsOn) })
                              : '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" style={numeric}>
                      {c.orderCount}
                    </Table.Td>
                    <Table.Td data-testid="campaign-budget">
                      <Text size="sm" style={numeric}>
                        {formatEuros(c.committedCents)} / {c.budgetCents !== null ? formatEuros(c.budgetCents) : t('clientsOverview.noBudget')}
                      </Text>
                      {c.budgetCents !== null && (
                        <Progress value={ratio} color={ratio >= 100 ? 'red' : ratio >= 80 ? 'orange' : 'blue'} size="sm" mt={4} />
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MoreButton query={campaigns} testId="campaigns-more" />
    </Stack>
  );
}
