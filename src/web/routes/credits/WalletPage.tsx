import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  Center,
  Group,
  Loader,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { creditEndpoints, ENTRY_KINDS, type EntryKind, type LedgerEntry, type LedgerFilters } from '../../api/credits';
import { endpoints } from '../../api/endpoints';
import { keys, useSession } from '../../api/queries';
import type { AccountDetail } from '../../api/types';
import { AllocateDialog, type AllocatePreset } from '../../components/AllocateDialog';
import { formatDateTime, formatEuros } from '../../components/format';
import { RoleBadge } from '../../components/RoleBadge';
import { messageOf } from '../../components/serverErrors';
import { creditKeys, hasBudget, numeric, SignedAmount } from './shared';
import { QueryStatus } from '../../components/QueryStatus';

/** "/portefeuille": the wallet of the account in use. */
export function OwnWalletRedirect() {
  const me = useSession();
  return <Navigate to={`/portefeuille/${me.account.id}`} replace />;
}

function Figure({ label, cents, testId, strong }: { label: string; cents: number; testId: string; strong?: boolean }) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={strong ? 28 : 22} fw={700} data-testid={testId} style={numeric}>
        {formatEuros(cents)}
      </Text>
    </Card>
  );
}

/** "/portefeuille/:accountId": the figures of one wallet in reach and its entries, filtered, paginated, exportable. */
export function WalletPage() {
  const { t } = useTranslation();
  const { accountId = '' } = useParams();
  // Money figures: fetched again on each visit, whatever the cache holds.
  const account = useQuery({ queryKey: keys.account(accountId), queryFn: () => endpoints.account(accountId), staleTime: 0 });
  if (account.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (account.error) return <Alert color="red">{messageOf(account.error)}</Alert>;
  return (
    // a new account, a new page: filters and pages do not carry over
    <WalletView key={accountId} account={account.data} title={t('credits.wallet.titleOf', { name: account.data.name })} />
  );
}

function WalletView({ account, title }: { account: AccountDetail; title: string }) {
  const { t } = useTranslation();
  const me = useSession();
  const [allocating, setAllocating] = useState<AllocatePreset | null>(null);
  const isSelf = account.id === me.account.id;
  const mayMove = hasBudget(me.account) && hasBudget(account) && account.active;
  return (
    <Stack gap="lg" maw={1200}>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Text c="dimmed" size="sm">
            {t('credits.wallet.title')}
          </Text>
          <Group gap="sm">
            <Title order={1} fz={28} data-testid="wallet-title">
              {title}
            </Title>
            <RoleBadge role={account.role} size="lg" />
          </Group>
          <Text size="sm" c="dimmed" mt={4}>
            {t('credits.wallet.subtitle')}
          </Text>
        </div>
        {mayMove && (
          <Group gap="xs">
            <Button
              variant="light"
              onClick={() => setAllocating(isSelf ? {} : { toId: account.id })}
              data-testid="wallet-allocate"
            >
              {t('credits.actions.allocate')}
            </Button>
            {!isSelf && (
              <Button
                variant="light"
                onClick={() => setAllocating({ fromId: account.id, toId: me.account.id, reclaim: true })}
                data-testid="wallet-reclaim"
              >
                {t('credits.actions.reclaim')}
              </Button>
            )}
            <Button component={Link} to={`/recharger?compte=${account.id}`} data-testid="wallet-top-up">
              {t('credits.actions.topUp')}
            </Button>
          </Group>
        )}
      </Group>

      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Figure label={t('wallet.available')} cents={account.wallet.availableCents} testId="wallet-available" strong />
        <Figure label={t('wallet.posted')} cents={account.wallet.postedCents} testId="wallet-posted" />
        <Figure label={t('wallet.pending')} cents={account.wallet.pendingCents} testId="wallet-pending" />
      </SimpleGrid>

      {hasBudget(account) && account.active && <LowBalanceCard account={account} />}
      <Entries account={account} />
      <AllocateDialog preset={allocating} onClose={() => setAllocating(null)} />
    </Stack>
  );
}

function Entries({ account }: { account: AccountDetail }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<EntryKind | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const filters: LedgerFilters = { kind: kind ?? undefined, from: from || undefined, to: to || undefined };
  const entries = useInfiniteQuery({
    queryKey: creditKeys.ledger(account.id, filters),
    queryFn: ({ pageParam }) => creditEndpoints.ledger(account.id, filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
    staleTime: 0,
  });
  const items = entries.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(kind || from || to);
  const names = new Map<string, string>([[account.id, account.name]]);
  for (const e of items)
    if (e.counterpartyAccountId && e.counterpartyName) names.set(e.counterpartyAccountId, e.counterpartyName);

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md" wrap="wrap" align="flex-end">
        <Title order={4}>{t('credits.wallet.entries')}</Title>
        <Button
          component="a"
          href={creditEndpoints.ledgerCsvUrl(account.id, filters)}
          download
          variant="default"
          data-testid="ledger-csv"
        >
          {t('credits.wallet.exportCsv')}
        </Button>
      </Group>
      <Group gap="sm" mb="md" align="flex-end" wrap="wrap">
        <Select
          label={t('credits.wallet.kind')}
          placeholder={t('credits.wallet.allKinds')}
          data={ENTRY_KINDS.map((k) => ({ value: k, label: t(`credits.kinds.${k}`) }))}
          value={kind}
          onChange={(v) => setKind((v as EntryKind | null) ?? null)}
          clearable
          w={240}
          data-testid="ledger-kind"
        />
        <TextInput
          type="date"
          label={t('credits.wallet.from')}
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
          max={to || undefined}
          w={170}
          data-testid="ledger-from"
        />
        <TextInput
          type="date"
          label={t('credits.wallet.to')}
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
          min={from || undefined}
          w={170}
          data-testid="ledger-to"
        />
        {filtered && (
          <Button
            variant="subtle"
            onClick={() => {
              setKind(null);
              setFrom('');
              setTo('');
            }}
          >
            {t('credits.wallet.clearFilters')}
          </Button>
        )}
        {entries.isFetching && !entries.isFetchingNextPage && <Loader size={16} mb={10} />}
      </Group>
      {entries.isPending || entries.error ? (
        <QueryStatus query={entries} />
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="ledger-empty">
          {filtered ? t('credits.wallet.noEntriesFiltered') : t('credits.wallet.noEntries')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="xs" highlightOnHover striped data-testid="ledger-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={160}>{t('credits.wallet.date')}</Table.Th>
                <Table.Th>{t('credits.wallet.kind')}</Table.Th>
                <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {t('credits.wallet.amount')}
                </Table.Th>
                <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {t('credits.wallet.balanceAfter')}
                </Table.Th>
                <Table.Th>{t('credits.wallet.counterparty')}</Table.Th>
                <Table.Th>{t('credits.wallet.person')}</Table.Th>
                <Table.Th>{t('credits.wallet.memo')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => (
                <EntryRow key={e.id} entry={e} names={names} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {entries.hasNextPage && (
        <Center mt="md">
          <Button variant="default" onClick={() => void entries.fetchNextPage()} loading={entries.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </Center>
      )}
    </Card>
  );
}

function EntryRow({ entry: e, names }: { entry: LedgerEntry; names: Map<string, string> }) {
  const { t } = useTranslation();
  // A person's id is its own account's id: acting for another account shows as such.
  const delegated = e.actingAccountId !== null && e.personId !== null && e.actingAccountId !== e.personId;
  const actingName = e.actingAccountId ? names.get(e.actingAccountId) : undefined;
  return (
    <Table.Tr data-testid="ledger-row" data-kind={e.kind}>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
      <Table.Td data-testid="entry-kind">{t(`credits.kinds.${e.kind as EntryKind}`, { defaultValue: e.kind })}</Table.Td>
      <Table.Td ta="right">
        <SignedAmount cents={e.amountCents} />
      </Table.Td>
      <Table.Td ta="right" style={numeric} data-testid="entry-balance">
        {formatEuros(e.balanceAfterCents)}
      </Table.Td>
      <Table.Td data-testid="entry-counterparty">{e.counterpartyName ?? '—'}</Table.Td>
      <Table.Td data-testid="entry-person">
        <Text size="sm">{e.personName ?? '—'}</Text>
        {delegated && (
          <Badge
            size="xs"
            color="orange"
            variant="light"
            title={actingName ? t('credits.wallet.actingFor', { name: actingName }) : undefined}
          >
            {t('credits.wallet.delegated')}
          </Badge>
        )}
      </Table.Td>
      <Table.Td maw={260}>
        <Text size="sm" lineClamp={2} data-testid="entry-memo">
          {e.memo ?? ''}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** The wallet's low-balance threshold: set by the account itself or anyone above it. */
function LowBalanceCard({ account }: { account: AccountDetail }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const current = account.wallet.lowBalanceCents;
  const [enabled, setEnabled] = useState(current !== null);
  const [euros, setEuros] = useState<number | string>(current !== null ? current / 100 : 100);
  const save = useMutation({
    mutationFn: () => creditEndpoints.setLowBalance(account.id, enabled ? Math.round(Number(euros) * 100) : null),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.account(account.id) });
    },
  });
  return (
    <Card withBorder radius="md" padding="lg" data-testid="low-balance">
      <Stack gap="sm">
        <Title order={4}>{t('credits.lowBalance.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('credits.lowBalance.help')}
        </Text>
        <Group align="flex-end" gap="md" wrap="wrap">
          <Switch
            label={t('credits.lowBalance.enabled')}
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
            data-testid="low-balance-enabled"
          />
          <NumberInput
            label={t('credits.lowBalance.threshold')}
            value={euros}
            onChange={setEuros}
            min={0}
            decimalScale={2}
            decimalSeparator=","
            thousandSeparator={'\u202f'}
            disabled={!enabled}
            w={180}
            error={save.error ? messageOf(save.error) : undefined}
            data-testid="low-balance-threshold"
          />
          <Button variant="light" onClick={() => save.mutate()} loading={save.isPending} data-testid="low-balance-save">
            {t('credits.lowBalance.save')}
          </Button>
        </Group>
        <Text size="sm" data-testid="low-balance-current">
          {current !== null ? t('credits.lowBalance.current', { amount: formatEuros(current) }) : t('credits.lowBalance.none')}
        </Text>
      </Stack>
    </Card>
  );
}
