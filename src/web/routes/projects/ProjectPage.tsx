import { useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Group,
  Modal,
  NumberInput,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../api/queries';
import { marketKeys, marketplace, type Campaign, type OrderStatus } from '../../api/marketplace';
import { decimalSeparator, formatDateTime, formatDay, formatEuros, formatNumber } from '../../components/format';
import { numeric, OrderStatusBadge, toCents } from '../../components/market';
import { QueryStatus } from '../../components/QueryStatus';
import { allPages } from '../../components/pickers';
import { applyServerError, notifyError, notifySuccess } from '../../components/serverErrors';
import { isAgencyMember } from '../../components/Shell';
import { useSession } from '../../api/queries';

/** After a campaign changed: its lists, its project's figures and the orders views refresh. */
async function refreshAfterCampaignChange() {
  await Promise.all(['campaigns', 'projects', 'clients-overview'].map((k) => queryClient.invalidateQueries({ queryKey: [k] })));
}

const statusColor = { open: 'teal', closed: 'gray', ended: 'orange' } as const;

function Dates({ c }: { c: Campaign }) {
  const { t } = useTranslation();
  if (c.startsOn && c.endsOn) return <>{t('projects.fromUntil', { start: formatDay(`${c.startsOn}T12:00:00Z`), end: formatDay(`${c.endsOn}T12:00:00Z`) })}</>;
  if (c.startsOn) return <>{t('projects.from', { start: formatDay(`${c.startsOn}T12:00:00Z`) })}</>;
  if (c.endsOn) return <>{t('projects.until', { end: formatDay(`${c.endsOn}T12:00:00Z`) })}</>;
  return <Text span c="dimmed" size="sm">{t('projects.noDates')}</Text>;
}

/** « 320,00 € sur 1 000,00 € » over a bar, or what is committed when there is no cap. */
function Consumption({ c }: { c: Campaign }) {
  const { t } = useTranslation();
  if (c.budgetCents === null) {
    return (
      <Text size="sm" style={numeric} data-testid="campaign-consumption">
        {t('projects.committedNoCap', { committed: formatEuros(c.committedCents) })}
      </Text>
    );
  }
  const pct = c.budgetCents > 0 ? Math.min(100, (c.committedCents / c.budgetCents) * 100) : 0;
  return (
    <Stack gap={4} miw={200}>
      <Text size="sm" style={numeric} data-testid="campaign-consumption">
        {t('projects.capOf', { committed: formatEuros(c.committedCents), cap: formatEuros(c.budgetCents) })}
      </Text>
      <Progress.Root size="md" aria-label={t('projects.consumption')}>
        <Progress.Section value={(c.spentCents / c.budgetCents) * 100} color="blue" />
        <Progress.Section value={Math.max(0, pct - (c.spentCents / c.budgetCents) * 100)} color="blue.3" />
      </Progress.Root>
      <Text size="xs" c="dimmed" style={numeric}>
        {t('projects.remaining', { remaining: formatEuros(c.remainingCents ?? 0) })}
      </Text>
    </Stack>
  );
}

/** "/projets/:id": a project's campaigns (editable, closable) and its orders. */
export function ProjectPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const me = useSession();
  const member = isAgencyMember(me.account);
  const project = useQuery({ queryKey: marketKeys.project(id), queryFn: () => marketplace.project(id) });
  const campaigns = useQuery({
    queryKey: marketKeys.campaigns({ projectId: id, all: true }),
    queryFn: () => allPages((cursor) => marketplace.campaigns({ projectId: id, limit: 100, cursor })),
    enabled: project.isSuccess,
  });
  const orders = useInfiniteQuery({
    queryKey: marketKeys.orders({ projectId: id }),
    queryFn: ({ pageParam }) => marketplace.orders({ projectId: id, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: project.isSuccess,
  });
  const [editing, setEditing] = useState<Campaign | null>(null);
  const [confirming, setConfirming] = useState<Campaign | null>(null);

  if (!project.data) return <QueryStatus query={project} />;
  const p = project.data;
  const orderItems = orders.data?.pages.flatMap((x) => x.items) ?? [];

  return (
    <Stack gap="lg" maw={1200}>
      <div>
        <Anchor component={Link} to="/projets" size="sm">
          {t('projects.back')}
        </Anchor>
        <Title order={1} fz={28} data-testid="project-title">
          {p.name}
        </Title>
        <Text c="dimmed" size="sm">
          {member ? `${p.domain} — ${p.clientName}` : p.domain}
        </Text>
      </div>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        {[
          [t('projects.columns.campaigns'), formatNumber(p.campaignCount)],
          [t('projects.columns.orders'), formatNumber(p.orderCount)],
          [t('projects.columns.committed'), formatEuros(p.committedCents)],
          [t('projects.columns.spent'), formatEuros(p.spentCents)],
        ].map(([label, value]) => (
          <Card key={label} withBorder radius="md" padding="md">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {label}
            </Text>
            <Text fw={700} fz="xl" style={numeric}>
              {value}
            </Text>
          </Card>
        ))}
      </SimpleGrid>

      <Card withBorder radius="md" padding="lg">
        <Title order={2} fz={20} mb="sm">
          {t('projects.campaignsTitle')}
        </Title>
        {campaigns.isPending || campaigns.error ? (
          <QueryStatus query={campaigns} />
        ) : campaigns.data.length === 0 ? (
          <Text c="dimmed">{t('projects.noCampaigns')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="sm" data-testid="campaigns-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('projects.name')}</Table.Th>
                  <Table.Th>{t('projects.dates')}</Table.Th>
                  <Table.Th>{t('projects.consumption')}</Table.Th>
                  <Table.Th>{t('projects.columns.orders')}</Table.Th>
                  <Table.Th>{t('projects.orderColumns.status')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {campaigns.data.map((c) => (
                  <Table.Tr key={c.id} data-testid="campaign-row" data-id={c.id}>
                    <Table.Td fw={600} data-testid="campaign-name">
                      {c.name}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Dates c={c} />
                    </Table.Td>
                    <Table.Td>
                      <Consumption c={c} />
                    </Table.Td>
                    <Table.Td style={numeric}>{t('projects.ordersCount', { count: c.orderCount })}</Table.Td>
                    <Table.Td>
                      <Badge color={statusColor[c.status]} variant="light" data-testid="campaign-status">
                        {t(`projects.status.${c.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap" justify="flex-end">
                        <Button size="xs" variant="default" onClick={() => setEditing(c)} data-testid="campaign-edit">
                          {t('projects.edit')}
                        </Button>
                        <Button
                          size="xs"
                          variant="light"
                          color={c.closedAt ? 'teal' : 'red'}
                          onClick={() => setConfirming(c)}
                          data-testid={c.closedAt ? 'campaign-reopen' : 'campaign-close'}
                        >
                          {c.closedAt ? t('projects.reopen') : t('projects.close')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>

      <Card withBorder radius="md" padding="lg">
        <Title order={2} fz={20} mb="sm">
          {t('projects.ordersTitle')}
        </Title>
        {orders.isPending || orders.error ? (
          <QueryStatus query={orders} />
        ) : orderItems.length === 0 ? (
          <Text c="dimmed">{t('projects.noOrders')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table verticalSpacing="xs" striped data-testid="project-orders">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('projects.orderColumns.date')}</Table.Th>
                  <Table.Th>{t('projects.orderColumns.campaign')}</Table.Th>
                  <Table.Th>{t('projects.orderColumns.anchor')}</Table.Th>
                  <Table.Th>{t('projects.orderColumns.status')}</Table.Th>
                  <Table.Th ta="right">{t('projects.orderColumns.price')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {orderItems.map((o) => (
                  <Table.Tr key={o.id} data-testid="project-order">
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Anchor component={Link} to={`/commandes/${o.id}`} size="sm">
                        {formatDateTime(o.createdAt)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{o.campaignName ?? <Text span c="dimmed" size="sm">{t('projects.noCampaign')}</Text>}</Table.Td>
                    <Table.Td>{o.anchor}</Table.Td>
                    <Table.Td>
                      <OrderStatusBadge status={o.status as OrderStatus} />
                    </Table.Td>
                    <Table.Td ta="right" style={numeric}>
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
            <Button variant="default" onClick={() => void orders.fetchNextPage()} loading={orders.isFetchingNextPage}>
              {t('market.loadMore')}
            </Button>
          </Center>
        )}
      </Card>

      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={t('projects.editTitle')} centered>
        {editing && <EditCampaignForm campaign={editing} onClose={() => setEditing(null)} />}
      </Modal>
      <CloseModal campaign={confirming} onClose={() => setConfirming(null)} />
    </Stack>
  );
}

function EditCampaignForm({ campaign, onClose }: { campaign: Campaign; onClose: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      name: campaign.name,
      budgetCents: (campaign.budgetCents === null ? '' : campaign.budgetCents / 100) as string | number,
      startsOn: campaign.startsOn ?? '',
      endsOn: campaign.endsOn ?? '',
    },
    validate: { name: (v) => (v.trim() ? null : t('validation.required')) },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      marketplace.updateCampaign(campaign.id, {
        name: v.name.trim(),
        budgetCents: toCents(v.budgetCents) ?? null,
        startsOn: v.startsOn || null,
        endsOn: v.endsOn || null,
      }),
    onSuccess: async (saved) => {
      notifySuccess(t('projects.saved', { name: saved.name }));
      await refreshAfterCampaignChange();
      onClose();
    },
    onError: (e) => setError(applyServerError(e, form)),
  });
  return (
    <form
      noValidate
      data-testid="campaign-edit-form"
      onSubmit={form.onSubmit((v) => {
        setError(null);
        save.mutate(v);
      })}
    >
      <Stack>
        <TextInput label={t('projects.name')} required data-autofocus data-testid="edit-name" {...form.getInputProps('name')} />
        <NumberInput
          label={t('projects.cap')}
          description={t('projects.capHint')}
          min={0}
          decimalSeparator={decimalSeparator()}
          decimalScale={2}
          allowNegative={false}
          suffix={t('market.euroSuffix')}
          data-testid="edit-cap"
          {...form.getInputProps('budgetCents')}
        />
        <SimpleGrid cols={2}>
          <TextInput type="date" label={t('projects.startsOn')} data-testid="edit-starts" {...form.getInputProps('startsOn')} />
          <TextInput type="date" label={t('projects.endsOn')} data-testid="edit-ends" {...form.getInputProps('endsOn')} />
        </SimpleGrid>
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending} data-testid="edit-submit">
            {t('projects.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CloseModal({ campaign, onClose }: { campaign: Campaign | null; onClose: () => void }) {
  const { t } = useTranslation();
  const reopening = Boolean(campaign?.closedAt);
  const run = useMutation({
    mutationFn: (c: Campaign) => (c.closedAt ? marketplace.reopenCampaign(c.id) : marketplace.closeCampaign(c.id)),
    onSuccess: async (c) => {
      notifySuccess(t(c.closedAt ? 'projects.closed' : 'projects.reopened', { name: c.name }));
      await refreshAfterCampaignChange();
      onClose();
    },
    onError: notifyError,
  });
  return (
    <Modal opened={campaign !== null} onClose={onClose} title={reopening ? t('projects.reopenTitle') : t('projects.closeTitle')} centered>
      {campaign && (
        <Stack>
          <Text size="sm">{t(reopening ? 'projects.reopenText' : 'projects.closeText', { name: campaign.name })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button
              color={reopening ? 'teal' : 'red'}
              loading={run.isPending}
              onClick={() => run.mutate(campaign)}
              data-testid="campaign-confirm"
            >
              {reopening ? t('projects.reopen') : t('projects.close')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
