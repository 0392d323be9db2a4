import { Fragment, useState } from 'react';
import {
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Code,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { keys, queryClient } from '../api/queries';
import type { AgencyRequest } from '../api/types';
import { ActAsButton } from '../components/ActAs';
import { formatDateTime, formatEuros } from '../components/format';
import { RoleBadge } from '../components/RoleBadge';
import { PriceGridEditor } from './support/PriceGridEditor';
import { SitesReview } from './support/SitesReview';
import { ClaimsList } from './claims/ClaimsList';
import { notifyError, notifySuccess } from '../components/serverErrors';
import { SupportTransfersTab } from './credits/SupportTransfers';
import { SupportPayouts } from './payouts/SupportPayouts';
import { MoreButton } from '../components/MoreButton';
import { QueryStatus } from '../components/QueryStatus';

const TABS = [
  { value: 'requests', path: '/support' },
  { value: 'transfers', path: '/support/virements' },
  { value: 'claims', path: '/support/reclamations' },
  { value: 'payouts', path: '/support/paiements' },
  { value: 'sites', path: '/support/sites' },
  { value: 'grid', path: '/support/grille' },
  { value: 'accounts', path: '/support/comptes' },
  { value: 'emails', path: '/support/emails' },
] as const;

/** The back office: agency-mode requests, every account (act-as with a reason), the e-mail outbox. */
export function SupportPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const tab = TABS.find((x) => x.path !== '/support' && location.pathname.startsWith(x.path))?.value ?? 'requests';
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={1} fz={28}>
        {t('support.title')}
      </Title>
      <Tabs value={tab} onChange={(v) => navigate(TABS.find((x) => x.value === v)?.path ?? '/support')} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="requests" data-testid="tab-requests">
            {t('support.tabRequests')}
          </Tabs.Tab>
          <Tabs.Tab value="transfers" data-testid="tab-transfers">
            {t('credits.support.tab')}
          </Tabs.Tab>
          <Tabs.Tab value="claims" data-testid="tab-claims">
            {t('claims.nav.claims')}
          </Tabs.Tab>
          <Tabs.Tab value="payouts" data-testid="tab-support-payouts">
            {t('payouts.tabs.support')}
          </Tabs.Tab>
          <Tabs.Tab value="sites" data-testid="tab-sites-review">
            {t('marketSupport.tabSites')}
          </Tabs.Tab>
          <Tabs.Tab value="grid" data-testid="tab-price-grid">
            {t('marketSupport.tabGrid')}
          </Tabs.Tab>
          <Tabs.Tab value="accounts" data-testid="tab-accounts">
            {t('support.tabAccounts')}
          </Tabs.Tab>
          <Tabs.Tab value="emails" data-testid="tab-emails">
            {t('support.tabEmails')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="requests">
          <RequestsTab />
        </Tabs.Panel>
        <Tabs.Panel value="transfers">
          <SupportTransfersTab />
        </Tabs.Panel>
        <Tabs.Panel value="claims">
          <ClaimsList side="support" />
        </Tabs.Panel>
        <Tabs.Panel value="payouts">
          <SupportPayouts />
        </Tabs.Panel>
        <Tabs.Panel value="sites">
          <SitesReview />
        </Tabs.Panel>
        <Tabs.Panel value="grid">
          <PriceGridEditor />
        </Tabs.Panel>
        <Tabs.Panel value="accounts">
          <AccountsTab />
        </Tabs.Panel>
        <Tabs.Panel value="emails">
          <OutboxTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

type Status = AgencyRequest['status'];

function RequestsTab() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status>('pending');
  const [rejecting, setRejecting] = useState<AgencyRequest | null>(null);
  const requests = useInfiniteQuery({
    queryKey: [...keys.supportRequests, status],
    queryFn: ({ pageParam }) => endpoints.supportRequests(status, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const approve = useMutation({
    mutationFn: (r: AgencyRequest) => endpoints.approveRequest(r.id),
    onSuccess: async (r) => {
      notifySuccess(t('support.approved', { name: r.accountName }));
      await queryClient.invalidateQueries({ queryKey: keys.supportRequests });
    },
    onError: notifyError,
  });
  const items = requests.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md">
        <Title order={4}>{t('support.requestsTitle')}</Title>
        <SegmentedControl
          size="xs"
          value={status}
          onChange={(v) => setStatus(v as Status)}
          data={(['pending', 'approved', 'rejected'] as const).map((s) => ({ value: s, label: t(`support.status.${s}`) }))}
        />
      </Group>
      {requests.isPending || requests.error ? (
        <QueryStatus query={requests} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="requests-empty">
          {t('support.noRequests')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" data-testid="requests-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('fields.account')}</Table.Th>
                <Table.Th>{t('support.message')}</Table.Th>
                <Table.Th>{t('support.requestedAt')}</Table.Th>
                <Table.Th ta="right">{status === 'pending' ? t('common.actions') : t('support.decidedAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.id} data-testid="request-row" data-name={r.accountName}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {r.accountName}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {r.accountEmail ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td maw={360}>
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      {r.message ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.createdAt)}</Table.Td>
                  <Table.Td>
                    {r.status === 'pending' ? (
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="compact-sm"
                          color="teal"
                          onClick={() => approve.mutate(r)}
                          loading={approve.isPending && approve.variables?.id === r.id}
                          data-testid="approve-request"
                        >
                          {t('support.approve')}
                        </Button>
                        <Button size="compact-sm" variant="default" onClick={() => setRejecting(r)} data-testid="reject-request">
                          {t('support.reject')}
                        </Button>
                      </Group>
                    ) : (
                      <Text size="sm" ta="right">
                        {formatDateTime(r.decidedAt)}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MoreButton query={requests} testId="requests-more" />
      <Modal
        opened={rejecting !== null}
        onClose={() => setRejecting(null)}
        title={t('support.rejectTitle', { name: rejecting?.accountName ?? '' })}
        centered
      >
        {rejecting && <RejectForm request={rejecting} onDone={() => setRejecting(null)} />}
      </Modal>
    </Card>
  );
}

function RejectForm({ request, onDone }: { request: AgencyRequest; onDone: () => void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const reject = useMutation({
    mutationFn: () => endpoints.rejectRequest(request.id, note.trim() || undefined),
    onSuccess: async () => {
      notifySuccess(t('support.rejected', { name: request.accountName }));
      await queryClient.invalidateQueries({ queryKey: keys.supportRequests });
      onDone();
    },
    onError: notifyError,
  });
  return (
    <Stack>
      <Textarea label={t('support.note')} autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button color="red" onClick={() => reject.mutate()} loading={reject.isPending}>
          {t('support.reject')}
        </Button>
      </Group>
    </Stack>
  );
}

function AccountsTab() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const accounts = useInfiniteQuery({
    queryKey: keys.supportAccounts(q),
    queryFn: ({ pageParam }) => endpoints.accounts({ q: q || undefined, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  const items = accounts.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={4} mb="sm">
        {t('support.accountsTitle')}
      </Title>
      <TextInput
        placeholder={t('support.searchAccounts')}
        aria-label={t('support.searchAccounts')}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        maw={420}
        mb="md"
        data-testid="account-search"
      />
      {accounts.isPending || accounts.error ? (
        <QueryStatus query={accounts} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg">
          {t('common.nothingFound')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" highlightOnHover data-testid="support-accounts-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('fields.account')}</Table.Th>
                <Table.Th>{t('fields.role')}</Table.Th>
                <Table.Th>{t('fields.parent')}</Table.Th>
                <Table.Th ta="right">{t('fields.balance')}</Table.Th>
                <Table.Th ta="right">{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((a) => (
                <Table.Tr key={a.id} data-testid="support-account-row" data-name={a.name}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {a.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {a.email ?? t('support.noLogin')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RoleBadge role={a.role} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{a.parentName ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
                    {formatEuros(a.balanceCents)}
                  </Table.Td>
                  <Table.Td>
                    <Group justify="flex-end">
                      {a.role === 'support' ? (
                        <Badge variant="outline" color="gray">
                          {t('roles.support')}
                        </Badge>
                      ) : (
                        <ActAsButton account={a} />
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {accounts.hasNextPage && (
        <Center mt="md">
          <Button variant="default" onClick={() => void accounts.fetchNextPage()} loading={accounts.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </Center>
      )}
    </Card>
  );
}

const URL_PATTERN = /(https?:\/\/[^\s<>"']+)/g;

/** Plain text with its links clickable (sign-in links of invitations and password resets). */
function Linkified({ text }: { text: string }) {
  const parts = text.split(URL_PATTERN);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <Anchor key={i} href={part} target="_blank" rel="noopener noreferrer" style={{ wordBreak: 'break-all' }}>
            {part}
          </Anchor>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

type OutboxStatus = 'all' | 'pending' | 'sent' | 'dead';

const outboxColor = { pending: 'yellow', sent: 'teal', dead: 'red' } as const;

function OutboxTab() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<OutboxStatus>('all');
  const outbox = useInfiniteQuery({
    queryKey: [...keys.outbox, status],
    queryFn: ({ pageParam }) => endpoints.outbox(status === 'all' ? undefined : status, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const emails = outbox.data?.pages.flatMap((p) => p.items) ?? [];
  const retry = useMutation({
    mutationFn: (id: string) => endpoints.retryEmail(id),
    onSuccess: async () => {
      notifySuccess(t('support.retried'));
      await queryClient.invalidateQueries({ queryKey: keys.outbox });
    },
    onError: notifyError,
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('support.outboxHelp')}
        </Text>
        <Group gap="xs">
          <SegmentedControl
            size="xs"
            value={status}
            onChange={(v) => setStatus(v as OutboxStatus)}
            data={(['all', 'pending', 'sent', 'dead'] as const).map((s) => ({ value: s, label: t(`support.emailStatusFilter.${s}`) }))}
            data-testid="outbox-status-filter"
          />
          <Button variant="default" size="compact-sm" onClick={() => void outbox.refetch()} loading={outbox.isFetching}>
            {t('common.refresh')}
          </Button>
        </Group>
      </Group>
      {outbox.isPending || outbox.error ? (
        <QueryStatus query={outbox} />
      ) : emails.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg">
          {t('support.noEmails')}
        </Text>
      ) : (
        emails.map((m) => (
          <Card key={m.id} withBorder radius="md" padding="md" data-testid="outbox-email">
            <Group justify="space-between" align="flex-start" mb={6} wrap="nowrap">
              <div style={{ minWidth: 0 }}>
                <Text fw={600}>{m.subject}</Text>
                <Text size="sm" c="dimmed">
                  {t('support.to', { to: m.to })}
                </Text>
              </div>
              <Stack gap={2} align="flex-end">
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(m.createdAt)}
                </Text>
                <Badge size="xs" variant="light" color={outboxColor[m.status]} data-testid="outbox-status">
                  {t(`support.emailStatus.${m.status}`)}
                </Badge>
                {m.attempts > 0 && (
                  <Text size="xs" c="dimmed" data-testid="outbox-attempts">
                    {t('support.attempts', { count: m.attempts })}
                  </Text>
                )}
                {m.linkHidden && (
                  <Badge size="xs" variant="light" color="orange" data-testid="outbox-link-hidden">
                    {t('support.linkHidden')}
                  </Badge>
                )}
              </Stack>
            </Group>
            {m.lastError && m.status !== 'sent' && (
              <Text size="sm" c="red" mb={6} data-testid="outbox-error">
                {t('support.lastError', { error: m.lastError })}
                {m.nextAttemptAt && m.status === 'pending' ? ` ${t('support.nextAttempt', { at: formatDateTime(m.nextAttemptAt) })}` : ''}
              </Text>
            )}
            {m.status !== 'sent' && m.attempts > 0 && (
              <Group mb={6}>
                <Button
                  size="compact-sm"
                  variant="light"
                  onClick={() => retry.mutate(m.id)}
                  loading={retry.isPending && retry.variables === m.id}
                  data-testid="outbox-retry"
                >
                  {t('support.retryEmail')}
                </Button>
              </Group>
            )}
            <Code block style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', fontSize: 'var(--mantine-font-size-sm)' }}>
              <Linkified text={m.text} />
            </Code>
          </Card>
        ))
      )}
      <MoreButton query={outbox} testId="outbox-more" />
    </Stack>
  );
}
