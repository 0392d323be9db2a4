import { useState } from 'react';
import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Center,
  Group,
  Loader,
  Menu,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../../api/endpoints';
import { keys, useSession } from '../../api/queries';
import type { AccountListItem, AccountStatus, Agency } from '../../api/types';
import { ActAsButton } from '../../components/ActAs';
import { AllocateDialog, type AllocatePreset } from '../../components/AllocateDialog';
import { CreditMenuItems } from '../../components/CreditMenuItems';
import { formatEuros } from '../../components/format';
import { moveOptions, useCollaborators } from '../../components/hierarchy';
import { ClientsFollowUp } from './ClientsOverview';
import { ClosedNote, ReactivateButton, StatusFilter } from './closed';
import { CreateMemberModal, DeactivateModal, MoveModal } from './dialogs';
import { ReactivateModal } from './ReactivateModal';
import { QueryStatus } from '../../components/QueryStatus';

type Dialog = { kind: 'move' | 'deactivate' | 'reactivate'; account: AccountListItem } | null;

/** Tab "Clients": add a client, search them, change who is in charge, deactivate and reactivate, act as them. */
export function ClientsTab({ agency }: { agency: Agency }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<AccountStatus>('active');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [adding, setAdding] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [allocating, setAllocating] = useState<AllocatePreset | null>(null);
  const me = useSession();
  const collaborators = useCollaborators();
  const clients = useInfiniteQuery({
    queryKey: keys.clients(q, status),
    queryFn: ({ pageParam }) => endpoints.accounts({ role: 'client', q: q || undefined, status, limit: 25, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  const items = clients.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="lg">
      <Card withBorder radius="md" padding="lg">
        <Group justify="space-between" mb="md" wrap="wrap">
          <div>
            <Title order={4}>{t('agency.clients')}</Title>
            <Text size="sm" c="dimmed">
              {t('agency.clientsHelp', { count: agency.counts.clients })}
            </Text>
          </div>
          <Button onClick={() => setAdding(true)} data-testid="add-client">
            {t('agency.addClient')}
          </Button>
        </Group>
        <Group mb="md" justify="space-between" wrap="wrap">
          <TextInput
            placeholder={t('agency.searchClients')}
            aria-label={t('agency.searchClients')}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            w={420}
            maw="100%"
            data-testid="client-search"
            rightSection={clients.isFetching && !clients.isFetchingNextPage ? <Loader size={14} /> : null}
          />
          <StatusFilter value={status} onChange={setStatus} />
        </Group>
        {clients.isPending || clients.error ? (
          <QueryStatus query={clients} />
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" py="lg" data-testid="clients-empty">
            {q ? t('agency.noClientMatch', { q }) : status === 'inactive' ? t('agency.noClosedClients') : t('agency.noClients')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" highlightOnHover striped data-testid="clients-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('fields.client')}</Table.Th>
                  <Table.Th>{t('fields.personInCharge')}</Table.Th>
                  <Table.Th ta="right">{t('fields.balance')}</Table.Th>
                  <Table.Th ta="center">{t('fields.login')}</Table.Th>
                  <Table.Th ta="right">{t('common.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr key={c.id} data-testid="client-row" data-name={c.name} data-status={c.closed?.reason ?? 'active'}>
                    <Table.Td>
                      <Text size="sm" fw={600} c={c.closed ? 'dimmed' : undefined}>
                        {c.name}
                      </Text>
                      {c.email && (
                        <Text size="xs" c="dimmed">
                          {c.email}
                        </Text>
                      )}
                      {c.closed && <ClosedNote closed={c.closed} />}
                      {/* On a phone the balance column is past the edge (the table scrolls): shown here too. */}
                      <Text size="xs" hiddenFrom="sm" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
                        {formatEuros(c.balanceCents)}
                      </Text>
                    </Table.Td>
                    <Table.Td data-testid="client-in-charge">
                      <Text size="sm">{c.parentName ?? '—'}</Text>
                    </Table.Td>
                    <Table.Td
                      ta="right"
                      style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}
                      data-testid="client-balance"
                    >
                      {formatEuros(c.balanceCents)}
                    </Table.Td>
                    <Table.Td ta="center">
                      <Badge variant="light" color={c.hasLogin ? 'teal' : 'gray'} data-testid="client-login">
                        {c.hasLogin ? t('common.yes') : t('common.no')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {c.closed ? (
                        <Group justify="flex-end">
                          <ReactivateButton name={c.name} onClick={() => setDialog({ kind: 'reactivate', account: c })} />
                        </Group>
                      ) : (
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          <ActAsButton account={c} />
                          <Menu position="bottom-end" withinPortal>
                            <Menu.Target>
                              <ActionIcon
                                variant="subtle"
                                color="gray"
                                aria-label={t('common.actionsFor', { name: c.name })}
                                data-testid="row-menu"
                              >
                                <Text fw={700} lh={1}>
                                  ⋯
                                </Text>
                              </ActionIcon>
                            </Menu.Target>
                            <Menu.Dropdown>
                              <CreditMenuItems account={c} onAllocate={setAllocating} />
                              {moveOptions(me.account, c, collaborators.data ?? []).length > 0 && (
                                <Menu.Item onClick={() => setDialog({ kind: 'move', account: c })} data-testid="action-move">
                                  {t('agency.changeInCharge')}
                                </Menu.Item>
                              )}
                              <Menu.Divider />
                              <Menu.Item
                                color="red"
                                onClick={() => setDialog({ kind: 'deactivate', account: c })}
                                data-testid="action-deactivate"
                              >
                                {t('agency.deactivate')}
                              </Menu.Item>
                            </Menu.Dropdown>
                          </Menu>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {clients.hasNextPage && (
          <Center mt="md">
            <Button variant="default" onClick={() => void clients.fetchNextPage()} loading={clients.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </Center>
        )}
      </Card>

      <ClientsFollowUp />

      <CreateMemberModal
        opened={adding}
        onClose={() => setAdding(false)}
        kind="client"
        mode={agency.mode}
        members={collaborators.data ?? []}
      />
      <MoveModal
        account={dialog?.kind === 'move' ? dialog.account : null}
        members={collaborators.data ?? []}
        onClose={() => setDialog(null)}
      />
      <DeactivateModal account={dialog?.kind === 'deactivate' ? dialog.account : null} onClose={() => setDialog(null)} />
      <ReactivateModal
        account={dialog?.kind === 'reactivate' ? dialog.account : null}
        members={collaborators.data ?? []}
        onClose={() => setDialog(null)}
      />
      <AllocateDialog preset={allocating} onClose={() => setAllocating(null)} />
    </Stack>
  );
}
