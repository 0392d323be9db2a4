import { Anchor, Button, Card, Center, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../api/queries';
import { marketKeys, marketplace } from '../../api/marketplace';
import { formatEuros, formatNumber } from '../../components/format';
import { numeric } from '../../components/market';
import { QueryStatus } from '../../components/QueryStatus';
import { SearchSelect } from '../../components/SearchSelect';
import { isAgencyMember } from '../../components/Shell';
import { resolveAccount, searchAccounts } from '../../components/pickers';

/** "/projets": the projects in reach (a client's own; an agency member's clients', filtered by client), with their figures. */
export function ProjectsPage() {
  const { t } = useTranslation();
  const me = useSession();
  const member = isAgencyMember(me.account);
  const [params, setParams] = useSearchParams();
  const clientId = params.get('clientId') || undefined;
  const [typed, setTyped] = useState('');
  const [q] = useDebouncedValue(typed.trim(), 250);
  const setClient = (v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set('clientId', v);
    else next.delete('clientId');
    setParams(next, { replace: true });
  };
  const query = { clientId, q: q || undefined };
  const projects = useInfiniteQuery({
    queryKey: marketKeys.projectList(query),
    queryFn: ({ pageParam }) => marketplace.projects({ ...query, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  const items = projects.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="lg" maw={1200}>
      <div>
        <Title order={1} fz={28}>
          {t('projects.title')}
        </Title>
        <Text c="dimmed" size="sm">
          {t('projects.subtitle')}
        </Text>
      </div>
      <Card withBorder radius="md" padding="lg">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {member && (
            <SearchSelect
              label={t('projects.client')}
              placeholder={t('projects.allClients')}
              queryKey={['accounts', 'clients', 'projects-filter']}
              search={searchAccounts(['client'])}
              resolve={resolveAccount}
              value={clientId ?? null}
              onChange={setClient}
              clearable
              data-testid="projects-client"
            />
          )}
          <TextInput
            label={t('projects.search')}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            data-testid="projects-search"
          />
        </SimpleGrid>
      </Card>
      <Card withBorder radius="md" padding="lg">
        {projects.isPending || projects.error ? (
          <QueryStatus query={projects} />
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" py="lg" data-testid="projects-empty">
            {t('projects.none')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" highlightOnHover striped data-testid="projects-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('projects.columns.project')}</Table.Th>
                  {member && <Table.Th>{t('projects.columns.client')}</Table.Th>}
                  <Table.Th ta="right">{t('projects.columns.campaigns')}</Table.Th>
                  <Table.Th ta="right">{t('projects.columns.orders')}</Table.Th>
                  <Table.Th ta="right">{t('projects.columns.committed')}</Table.Th>
                  <Table.Th ta="right">{t('projects.columns.spent')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((p) => (
                  <Table.Tr key={p.id} data-testid="project-row" data-id={p.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/projets/${p.id}`} fw={600} size="sm" data-testid="project-link">
                        {p.name}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {p.domain}
                      </Text>
                    </Table.Td>
                    {member && <Table.Td data-testid="project-client">{p.clientName}</Table.Td>}
                    <Table.Td ta="right" style={numeric} data-testid="project-campaigns">
                      {formatNumber(p.campaignCount)}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="project-orders">
                      {formatNumber(p.orderCount)}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="project-committed">
                      {formatEuros(p.committedCents)}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="project-spent">
                      {formatEuros(p.spentCents)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {projects.hasNextPage && (
          <Center mt="md">
            <Button variant="default" onClick={() => void projects.fetchNextPage()} loading={projects.isFetchingNextPage}>
              {t('market.loadMore')}
            </Button>
          </Center>
        )}
      </Card>
    </Stack>
  );
}
