import { useMemo } from 'react';
import {
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../api/queries';
import { marketKeys, marketplace, ordersCsvUrl, type OrdersQuery, type OrderStatus } from '../../api/marketplace';
import { formatDateTime, formatEuros } from '../../components/format';
import { isAgencyMember } from '../../components/Shell';
import { numeric, ORDER_STATUSES, OrderStatusBadge, statusColors, statusLabel, useStatusOptions } from '../../components/market';
import { QueryStatus } from '../../components/QueryStatus';
import { SearchSelect } from '../../components/SearchSelect';
import { resolveAccount, searchAccounts, searchCampaigns, searchProjects } from '../../components/pickers';

const FILTERS = ['accountId', 'personInChargeId', 'projectId', 'campaignId', 'status', 'from', 'to'] as const;
type FilterName = (typeof FILTERS)[number];

/** "/commandes": every order of the caller's subtree, filtered, with totals and the Excel export. */
export function OrdersPage() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const member = isAgencyMember(me.account);
  const [params, setParams] = useSearchParams();
  const value = (n: FilterName) => params.get(n) ?? '';
  const query: OrdersQuery = useMemo(() => {
    const q: Record<string, string> = {};
    for (const n of FILTERS) if (params.get(n)) q[n] = params.get(n)!;
    return q as OrdersQuery;
  }, [params]);
  const set = (name: FilterName, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(name, v);
    else next.delete(name);
    // A narrower choice above resets what hangs under it.
    if (name === 'accountId') ['projectId', 'campaignId'].forEach((k) => next.delete(k));
    if (name === 'projectId') next.delete('campaignId');
    setParams(next, { replace: true });
  };

  const statusOptions = useStatusOptions();

  const orders = useInfiniteQuery({
    queryKey: marketKeys.orders(query),
    queryFn: ({ pageParam }) => marketplace.orders({ ...query, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];
  const totals = orders.data?.pages[0]?.totals;

  const you = useMemo(() => (member ? [{ value: me.account.id, label: t('orderForm.you', { name: me.account.name }) }] : []), [member, me.account, t]);

  return (
    <Stack gap="lg" maw={1300}>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} fz={28}>
            {t('orders.title')}
          </Title>
          <Text c="dimmed" size="sm">
            {t('orders.subtitle')}
          </Text>
        </div>
        <Button component="a" href={ordersCsvUrl(query)} download variant="default" data-testid="orders-export">
          {t('orders.export')}
        </Button>
      </Group>

      <Card withBorder radius="md" padding="lg" data-testid="orders-filters">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
          {member && (
            <SearchSelect
              label={t('orders.client')}
              placeholder={t('market.all')}
              queryKey={['accounts', 'clients', 'orders-filter']}
              search={searchAccounts(['client'])}
              resolve={resolveAccount}
              value={value('accountId') || null}
              onChange={(v) => set('accountId', v)}
              clearable
              data-testid="orders-client"
            />
          )}
          {member && (
            <SearchSelect
              label={t('orders.personInCharge')}
              placeholder={t('market.all')}
              queryKey={['accounts', 'people', 'orders-filter']}
              search={searchAccounts(['manager', 'consultant'], (p) => `${p.name} (${t(`roles.${p.role}`)})`)}
              resolve={resolveAccount}
              extra={you}
              value={value('personInChargeId') || null}
              onChange={(v) => set('personInChargeId', v)}
              clearable
              data-testid="orders-person"
            />
          )}
          <SearchSelect
            label={t('orders.project')}
            placeholder={t('market.all')}
            queryKey={marketKeys.projects(query.accountId ?? null)}
            search={searchProjects(query.accountId, (p) => (member ? `${p.name} — ${p.clientName}` : p.name))}
            value={value('projectId') || null}
            onChange={(v) => set('projectId', v)}
            clearable
            data-testid="orders-project"
          />
          <SearchSelect
            label={t('orders.campaign')}
            placeholder={t('market.allFeminine')}
            queryKey={marketKeys.campaigns({ projectId: query.projectId, clientId: query.accountId })}
            search={searchCampaigns({ projectId: query.projectId, clientId: query.accountId })}
            value={value('campaignId') || null}
            onChange={(v) => set('campaignId', v)}
            clearable
            data-testid="orders-campaign"
          />
          <Select
            label={t('orders.status')}
            placeholder={t('market.all')}
            data={statusOptions}
            value={value('status') || null}
            onChange={(v) => set('status', v)}
            clearable
            data-testid="orders-status"
          />
          <TextInput type="date" label={t('orders.from')} value={value('from')} onChange={(e) => set('from', e.currentTarget.value)} data-testid="orders-from" />
          <TextInput type="date" label={t('orders.to')} value={value('to')} onChange={(e) => set('to', e.currentTarget.value)} data-testid="orders-to" />
          <Group align="flex-end">
            <Button variant="subtle" color="gray" disabled={params.size === 0} onClick={() => setParams(new URLSearchParams(), { replace: true })}>
              {t('market.resetFilters')}
            </Button>
          </Group>
        </SimpleGrid>
      </Card>

      {totals && (
        <Card withBorder radius="md" padding="md" data-testid="orders-totals">
          <Group justify="space-between" wrap="wrap" gap="sm">
            <Group gap="lg">
              <Text fw={700} data-testid="orders-count">
                {t('orders.count', { count: totals.count })}
              </Text>
              <Text size="sm">
                {t('orders.totalCommitted')}{' '}
                <Text span fw={700} data-testid="orders-total" style={numeric}>
                  {formatEuros(totals.totalCents)}
                </Text>
              </Text>
            </Group>
            <Group gap={6} data-testid="orders-by-status">
              {ORDER_STATUSES.filter((s) => totals.byStatus[s]?.count).map((s) => (
                <Badge
                  key={s}
                  variant={query.status === s ? 'filled' : 'light'}
                  color={statusColors[s]}
                  style={{ cursor: 'pointer' }}
                  onClick={() => set('status', query.status === s ? null : s)}
                  data-status={s}
                  data-testid="orders-status-count"
                >
                  {statusLabel(t, s)} · {totals.byStatus[s].count}
                </Badge>
              ))}
            </Group>
          </Group>
        </Card>
      )}

      <Card withBorder radius="md" padding="lg">
        {orders.isPending || orders.error ? (
          <QueryStatus query={orders} />
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" py="lg" data-testid="orders-empty">
            {t('orders.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={980}>
            <Table verticalSpacing="sm" highlightOnHover striped data-testid="orders-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('orders.date')}</Table.Th>
                  {member && <Table.Th>{t('orders.client')}</Table.Th>}
                  {member && <Table.Th>{t('orders.personInCharge')}</Table.Th>}
                  <Table.Th>{t('orders.projectAndCampaign')}</Table.Th>
                  <Table.Th>{t('orders.keywordAndAnchor')}</Table.Th>
                  <Table.Th>{t('orders.status')}</Table.Th>
                  <Table.Th ta="right">{t('orders.price')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((o) => (
                  <Table.Tr
                    key={o.id}
                    data-testid="order-row"
                    data-id={o.id}
                    style={{ cursor: 'pointer' }}
                    onClick={() => navigate(`/commandes/${o.id}`)}
                  >
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Anchor
                        component={Link}
                        to={`/commandes/${o.id}`}
                        size="sm"
                        onClick={(e) => e.stopPropagation()}
                        aria-label={t('orders.open', { date: formatDateTime(o.createdAt) })}
                      >
                        {formatDateTime(o.createdAt)}
                      </Anchor>
                    </Table.Td>
                    {member && (
                      <Table.Td data-testid="order-client">
                        <Text size="sm" fw={600}>
                          {o.clientName}
                        </Text>
                      </Table.Td>
                    )}
                    {member && <Table.Td data-testid="order-person">{o.personInChargeName ?? '—'}</Table.Td>}
                    <Table.Td>
                      <Text size="sm">{o.projectName}</Text>
                      {o.campaignName && (
                        <Text size="xs" c="dimmed" data-testid="order-campaign">
                          {o.campaignName}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td maw={280}>
                      <Text size="sm" fw={600} data-testid="order-keyword">
                        {o.keyword ?? '—'}
                      </Text>
                      <Text size="xs" c="dimmed" data-testid="order-anchor">
                        {o.anchor}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <OrderStatusBadge status={o.status as OrderStatus} />
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="order-price">
                      {formatEuros(o.priceCents)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {orders.hasNextPage && (
          <Center mt="md">
            <Button variant="default" onClick={() => void orders.fetchNextPage()} loading={orders.isFetchingNextPage} data-testid="orders-more">
              {t('market.loadMore')}
            </Button>
          </Center>
        )}
      </Card>
    </Stack>
  );
}
