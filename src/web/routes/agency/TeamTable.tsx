import { useMemo, useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../../api/endpoints';
import { keys, useSession } from '../../api/queries';
import { newIdempotencyKey } from '../../api/credits';
import { teamEndpoints, teamKeys, type TeamQuery, type TeamRow, type TeamSort } from '../../api/team';
import type { Role } from '../../api/types';
import { decimalSeparator, formatDay, formatEuros, formatNumber, thousandSeparator } from '../../components/format';
import { descendantsOf, parentOptions, refreshHierarchy, useSubtree } from '../../components/hierarchy';
import { QueryStatus } from '../../components/QueryStatus';
import { RoleBadge } from '../../components/RoleBadge';
import { messageOf, notifySuccess } from '../../components/serverErrors';
import { toCents } from '../../components/AllocateDialog';
import { refreshCredits } from '../credits/shared';

// The team table of the Agence tab: one row per manager, consultant and client in reach, with its
// figures over a period (GET /api/agency/team, rolled up over each one's subtree by the server),
// searched as one types, sorted by clicking a header, filtered, exported as CSV, and two bulk
// actions on the rows ticked: spread credits, change the person in charge.

type Preset = 'month' | 'lastMonth' | 'days30' | 'year' | 'custom';

/** Today in Paris, YYYY-MM-DD (the server's days are Paris days). */
function parisToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
}

function shiftDay(day: string, days: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function periodOf(preset: Preset, custom: { from: string; to: string }): { from?: string; to?: string } {
  const today = parisToday();
  switch (preset) {
    case 'month':
      return { from: `${today.slice(0, 8)}01`, to: today };
    case 'lastMonth': {
      const lastDay = shiftDay(`${today.slice(0, 8)}01`, -1);
      return { from: `${lastDay.slice(0, 8)}01`, to: lastDay };
    }
    case 'days30':
      return { from: shiftDay(today, -29), to: today };
    case 'year':
      return { from: `${today.slice(0, 4)}-01-01`, to: today };
    case 'custom':
      return { from: custom.from || undefined, to: custom.to || undefined };
  }
}

const COLUMNS: { sort: TeamSort; key: 'name' | 'role' | 'parent' | 'clients' | 'spend' | 'orders' | 'inProgress' | 'live' | 'balance' | 'lastSignIn'; numeric?: boolean }[] = [
  { sort: 'name', key: 'name' },
  { sort: 'role', key: 'role' },
  { sort: 'parent', key: 'parent' },
  { sort: 'clients', key: 'clients', numeric: true },
  { sort: 'spend', key: 'spend', numeric: true },
  { sort: 'orders', key: 'orders', numeric: true },
  { sort: 'inProgress', key: 'inProgress', numeric: true },
  { sort: 'live', key: 'live', numeric: true },
  { sort: 'balance', key: 'balance', numeric: true },
  { sort: 'lastSignIn', key: 'lastSignIn' },
];

const num = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;

export function TeamTable() {
  const { t } = useTranslation();
  const me = useSession();
  const [preset, setPreset] = useState<Preset>('month');
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [typed, setTyped] = useState('');
  const [q] = useDebouncedValue(typed.trim(), 250);
  const [role, setRole] = useState<string | null>(null);
  const [parentId, setParentId] = useState<string | null>(null);
  const [sort, setSort] = useState<TeamSort>('name');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [selected, setSelected] = useState<Map<string, TeamRow>>(new Map());
  const [dialog, setDialog] = useState<'allocate' | 'move' | null>(null);
  const subtree = useSubtree();

  const query: TeamQuery = {
    ...periodOf(preset, custom),
    q: q || undefined,
    role: (role as TeamQuery['role']) ?? undefined,
    parentId: parentId ?? undefined,
    sort,
    order,
  };
  const team = useInfiniteQuery({
    queryKey: teamKeys.page(query),
    queryFn: ({ pageParam }) => teamEndpoints.page({ ...query, limit: 100, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (previous) => previous,
  });
  const rows = useMemo(() => team.data?.pages.flatMap((p) => p.items) ?? [], [team.data]);
  const total = team.data?.pages[0]?.total ?? 0;

  const people = (subtree.data ?? []).filter((a) => a.role === 'manager' || a.role === 'consultant');
  const parentChoices = [
    { value: me.account.id, label: t('team.move.you', { name: me.account.name }) },
    ...people.map((p) => ({ value: p.id, label: `${p.name} (${t(`roles.${p.role}`)})` })),
  ];

  const onSort = (column: TeamSort) => {
    if (column === sort) setOrder(order === 'asc' ? 'desc' : 'asc');
    else {
      setSort(column);
      // Figures read best largest first; names and roles from the top.
      setOrder(['name', 'role', 'parent'].includes(column) ? 'asc' : 'desc');
    }
  };
  const toggle = (row: TeamRow) => {
    const next = new Map(selected);
    if (next.has(row.id)) next.delete(row.id);
    else next.set(row.id, row);
    setSelected(next);
  };
  const allShown = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const toggleAll = () => {
    const next = new Map(selected);
    for (const r of rows) {
      if (allShown) next.delete(r.id);
      else next.set(r.id, r);
    }
    setSelected(next);
  };
  const chosen = [...selected.values()];

  return (
    <Card withBorder radius="md" padding="lg" data-testid="team-table-card">
      <Group justify="space-between" mb="md" wrap="wrap" align="flex-start">
        <div>
          <Title order={4}>{t('team.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('team.help')}
          </Text>
        </div>
        <Anchor href={teamEndpoints.csvUrl(query)} download data-testid="team-export" underline="never">
          <Button component="span" variant="default">
            {t('team.exportCsv')}
          </Button>
        </Anchor>
      </Group>
      <Group gap="sm" mb="md" wrap="wrap" align="flex-end">
        <TextInput
          label={t('team.search')}
          placeholder={t('team.searchPlaceholder')}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          w={240}
          data-testid="team-search"
        />
        <Select
          label={t('team.period.label')}
          value={preset}
          onChange={(v) => setPreset((v as Preset) ?? 'month')}
          data={(['month', 'lastMonth', 'days30', 'year', 'custom'] as const).map((p) => ({ value: p, label: t(`team.period.${p}`) }))}
          allowDeselect={false}
          w={200}
          data-testid="team-period"
        />
        {preset === 'custom' && (
          <>
            <TextInput type="date" label={t('team.period.from')} value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.currentTarget.value })} data-testid="team-from" />
            <TextInput type="date" label={t('team.period.to')} value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.currentTarget.value })} data-testid="team-to" />
          </>
        )}
        <Select
          label={t('team.filters.role')}
          placeholder={t('team.filters.allRoles')}
          value={role}
          onChange={setRole}
          clearable
          data={(['manager', 'consultant', 'client'] as const).map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          w={170}
          data-testid="team-role"
        />
        <Select
          label={t('team.filters.parent')}
          placeholder={t('team.filters.anyParent')}
          value={parentId}
          onChange={setParentId}
          clearable
          searchable
          nothingFoundMessage={t('common.nothingFound')}
          data={parentChoices}
          w={240}
          data-testid="team-parent"
        />
      </Group>

      {chosen.length > 0 && (
        <Group gap="sm" mb="sm" p="xs" bg="blue.0" style={{ borderRadius: 8 }} data-testid="team-bulk-bar">
          <Text size="sm" fw={600}>
            {t('team.selected', { count: chosen.length })}
          </Text>
          <Button size="xs" onClick={() => setDialog('allocate')} data-testid="bulk-allocate">
            {t('team.allocate.action')}
          </Button>
          <Button size="xs" variant="light" onClick={() => setDialog('move')} data-testid="bulk-move">
            {t('team.move.action')}
          </Button>
          <Button size="xs" variant="subtle" color="gray" onClick={() => setSelected(new Map())}>
            {t('team.clearSelection')}
          </Button>
        </Group>
      )}

      {team.isPending || (team.error && !team.data) ? (
        <QueryStatus query={team} />
      ) : (
        <>
          {team.error && <Alert color="red" mb="sm" data-testid="team-error">{messageOf(team.error)}</Alert>}
          <Text size="xs" c="dimmed" mb={4} data-testid="team-total">
            {t('team.total', { count: total })}
          </Text>
          <Table.ScrollContainer minWidth={920}>
            <Table verticalSpacing="xs" highlightOnHover data-testid="team-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36}>
                    <Checkbox aria-label={t('team.selectAll')} checked={allShown} indeterminate={!allShown && rows.some((r) => selected.has(r.id))} onChange={toggleAll} data-testid="team-select-all" />
                  </Table.Th>
                  {COLUMNS.map((c) => (
                    <Table.Th
                      key={c.sort}
                      ta={c.numeric ? 'right' : undefined}
                      aria-sort={sort === c.sort ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}
                      style={c.numeric ? { verticalAlign: 'bottom' } : { whiteSpace: 'nowrap', verticalAlign: 'bottom' }}
                    >
                      <UnstyledButton onClick={() => onSort(c.sort)} aria-label={t('team.sortBy', { column: t(`team.columns.${c.key}`) })} data-testid={`sort-${c.sort}`}>
                        <Text size="sm" fw={700} span>
                          {t(`team.columns.${c.key}`)}
                          {sort === c.sort ? (order === 'asc' ? '\u00a0▲' : '\u00a0▼') : ''}
                        </Text>
                      </UnstyledButton>
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={r.id} data-testid="team-row" data-name={r.name} data-role={r.role} bg={selected.has(r.id) ? 'blue.0' : undefined}>
                    <Table.Td>
                      <Checkbox aria-label={t('team.selectRow', { name: r.name })} checked={selected.has(r.id)} onChange={() => toggle(r)} data-testid="team-select" />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={r.role === 'client' ? 400 : 600} c={r.status !== 'active' ? 'dimmed' : undefined} style={{ whiteSpace: 'nowrap' }}>
                        {r.name}
                      </Text>
                      {r.email && (
                        <Text size="xs" c="dimmed">
                          {r.email}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <RoleBadge role={r.role} />
                        {r.status !== 'active' && (
                          <Badge color="gray" variant="outline" size="sm">
                            {t(`team.statuses.${r.status}`)}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" maw={170}>
                        {r.parentName ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" style={num}>
                      {r.role === 'client' ? '—' : formatNumber(r.clientsCount)}
                    </Table.Td>
                    <Table.Td ta="right" style={num} data-testid="team-spend">
                      {formatEuros(r.spendCents)}
                    </Table.Td>
                    <Table.Td ta="right" style={num}>
                      <Tooltip
                        label={t('team.ordersDetail', {
                          placed: r.ordersByStatus.placed ?? 0,
                          accepted: r.ordersByStatus.accepted ?? 0,
                          link_placed: r.ordersByStatus.link_placed ?? 0,
                          verified: r.ordersByStatus.verified ?? 0,
                          completed: r.ordersByStatus.completed ?? 0,
                        })}
                        multiline
                        w={260}
                      >
                        <span>{formatNumber(r.ordersCount)}</span>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td ta="right" style={num}>
                      {formatNumber(r.inProgressCount)}
                    </Table.Td>
                    <Table.Td ta="right" style={num}>
                      {formatNumber(r.liveLinks)}
                    </Table.Td>
                    <Table.Td ta="right" style={num} data-testid="team-balance">
                      {formatEuros(r.balanceCents)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm" c={r.lastSignInAt ? undefined : 'dimmed'}>
                        {r.lastSignInAt ? formatDay(r.lastSignInAt) : r.hasLogin ? t('team.never') : t('team.noLogin')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {rows.length === 0 && (
            <Text c="dimmed" size="sm" ta="center" py="md" data-testid="team-empty">
              {t('team.empty')}
            </Text>
          )}
          {team.hasNextPage && (
            <Center mt="md">
              <Button variant="default" onClick={() => void team.fetchNextPage()} loading={team.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </Center>
          )}
        </>
      )}

      <Modal opened={dialog === 'allocate'} onClose={() => setDialog(null)} title={t('team.allocate.title')} size="lg" centered>
        {dialog === 'allocate' && (
          <BulkAllocateForm
            rows={chosen}
            onDone={() => {
              setDialog(null);
              setSelected(new Map());
            }}
            onCancel={() => setDialog(null)}
          />
        )}
      </Modal>
      <Modal opened={dialog === 'move'} onClose={() => setDialog(null)} title={t('team.move.title', { count: chosen.length })} size="lg" centered>
        {dialog === 'move' && (
          <BulkMoveForm
            rows={chosen}
            onDone={() => {
              setDialog(null);
              setSelected(new Map());
            }}
            onCancel={() => setDialog(null)}
          />
        )}
      </Modal>
    </Card>
  );
}

/** « Répartir des crédits »: from the reader's wallet to every selected open account, the same amount or one per line. */
function BulkAllocateForm({ rows, onDone, onCancel }: { rows: TeamRow[]; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const self = useQuery({ queryKey: keys.account(me.account.id), queryFn: () => endpoints.account(me.account.id) });
  const [idempotencyKey] = useState(newIdempotencyKey);
  const targets = rows.filter((r) => r.status === 'active');
  const [mode, setMode] = useState<'same' | 'each'>('same');
  const [same, setSame] = useState<number | string>('');
  const [each, setEach] = useState<Record<string, number | string>>({});
  const [error, setError] = useState<string | null>(null);
  const amounts = targets.map((r) => (mode === 'same' ? toCents(same) : toCents(each[r.id] ?? '')));
  const valid = targets.length > 0 && amounts.every((c) => Number.isSafeInteger(c) && c > 0);
  const totalCents = valid ? amounts.reduce((s, c) => s + c, 0) : 0;
  const available = self.data?.wallet.availableCents;
  const allocate = useMutation({
    mutationFn: () =>
      teamEndpoints.allocate(
        { fromAccountId: me.account.id, allocations: targets.map((r, i) => ({ toAccountId: r.id, amountCents: amounts[i] })) },
        idempotencyKey,
      ),
    onSuccess: async (result) => {
      notifySuccess(t('team.allocate.done', { count: result.items.length, amount: formatEuros(result.totalCents) }));
      await refreshCredits();
      onDone();
    },
    onError: (e) => setError(messageOf(e)),
  });
  const money = { decimalScale: 2, decimalSeparator: decimalSeparator(), thousandSeparator: thousandSeparator(), suffix: '\u00a0€', hideControls: true, min: 0, clampBehavior: 'none' as const };
  return (
    <form
      noValidate
      data-testid="bulk-allocate-form"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        if (!valid) return setError(t('team.allocate.amountPositive'));
        allocate.mutate();
      }}
    >
      <Stack>
        <Text size="sm">
          {t('team.allocate.from')}&nbsp;: <b>{me.account.name}</b>
          {available !== undefined && (
            <Text span c="dimmed" size="sm">
              {' — '}
              {t('team.allocate.available', { amount: formatEuros(available) })}
            </Text>
          )}
        </Text>
        {targets.length < rows.length && (
          <Alert color="yellow" data-testid="bulk-allocate-inactive">
            {t('team.allocate.onlyActive')}
          </Alert>
        )}
        <SegmentedControl
          value={mode}
          onChange={(v) => setMode(v as 'same' | 'each')}
          data={[
            { value: 'same', label: t('team.allocate.same') },
            { value: 'each', label: t('team.allocate.each') },
          ]}
          data-testid="bulk-allocate-mode"
        />
        {mode === 'same' && (
          <NumberInput label={t('team.allocate.amountEach')} value={same} onChange={setSame} maw={240} data-autofocus data-testid="bulk-amount-same" {...money} />
        )}
        <Table verticalSpacing={4} data-testid="bulk-allocate-lines">
          <Table.Tbody>
            {targets.map((r, i) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Text size="sm">{r.name}</Text>
                </Table.Td>
                <Table.Td ta="right" w={200}>
                  {mode === 'each' ? (
                    <NumberInput
                      aria-label={`${t('team.allocate.amount')} — ${r.name}`}
                      value={each[r.id] ?? ''}
                      onChange={(v) => setEach({ ...each, [r.id]: v })}
                      size="xs"
                      data-testid="bulk-amount-line"
                      {...money}
                    />
                  ) : (
                    <Text size="sm" style={num}>
                      {Number.isSafeInteger(amounts[i]) && amounts[i] > 0 ? formatEuros(amounts[i]) : '—'}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text fw={700} ta="right" data-testid="bulk-allocate-total">
          {t('team.allocate.total', { amount: formatEuros(totalCents) })}
        </Text>
        {error && (
          <Alert color="red" data-testid="bulk-allocate-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={allocate.isPending} disabled={targets.length === 0} data-testid="bulk-allocate-submit">
            {t('team.allocate.submit', { amount: formatEuros(totalCents) })}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * « Changer de responsable » for the selected accounts: who may take them all (the reader itself
 * first, so the picker is never empty, then the open collaborators in reach that outrank every
 * selected role, less the selected accounts and their subtrees), a dry run as preview, then apply.
 */
function BulkMoveForm({ rows, onDone, onCancel }: { rows: TeamRow[]; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const subtree = useSubtree();
  const [parentId, setParentId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const members = subtree.data ?? [];
  const exclude = new Set<string>();
  for (const r of rows) for (const id of descendantsOf(r.id, members)) exclude.add(id);
  const highest = rows.reduce<Role>((top, r) => (r.role === 'manager' || (r.role === 'consultant' && top === 'client') ? r.role : top), 'client');
  const options = parentOptions(me.account, members, highest, exclude, (r) => t(`roles.${r}`)).map((o) =>
    o.value === me.account.id ? { ...o, label: t('team.move.you', { name: me.account.name }) } : o,
  );
  const onlySelf = options.length === 1 && options[0].value === me.account.id;
  const preview = useQuery({
    queryKey: ['accounts', 'team', 'move-preview', parentId, rows.map((r) => r.id)],
    queryFn: () => teamEndpoints.move({ accountIds: rows.map((r) => r.id), parentId: parentId!, dryRun: true }),
    enabled: parentId !== null,
    gcTime: 0,
    staleTime: 0,
    retry: false,
  });
  const move = useMutation({
    mutationFn: () => teamEndpoints.move({ accountIds: rows.map((r) => r.id), parentId: parentId!, dryRun: false }),
    onSuccess: async (result) => {
      const to = options.find((o) => o.value === parentId)?.label ?? '';
      notifySuccess(t('team.move.done', { count: result.items.filter((i) => i.changed).length, to }));
      await refreshHierarchy();
      onDone();
    },
    onError: (e) => setError(messageOf(e)),
  });
  if (subtree.isPending || subtree.error) return <QueryStatus query={subtree} />;
  return (
    <form
      noValidate
      data-testid="bulk-move-form"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        if (parentId) move.mutate();
      }}
    >
      <Stack>
        <Select
          label={t('team.move.to')}
          data={options.map((o) => ({ value: o.value, label: o.label }))}
          value={parentId}
          onChange={setParentId}
          searchable
          nothingFoundMessage={t('common.nothingFound')}
          required
          comboboxProps={{ withinPortal: true }}
          data-testid="bulk-move-parent"
        />
        {onlySelf && (
          <Text size="sm" c="dimmed" data-testid="bulk-move-only-self">
            {t('team.move.onlySelf')}
          </Text>
        )}
        {parentId && (
          <Stack gap={4} data-testid="bulk-move-preview">
            <Text size="sm" fw={600}>
              {t('team.move.preview')}
            </Text>
            {preview.error ? (
              <Alert color="red">{messageOf(preview.error)}</Alert>
            ) : (
              rows.map((r) => {
                const item = preview.data?.items.find((i) => i.accountId === r.id);
                return (
                  <Text size="sm" key={r.id}>
                    {r.name}
                    {' : '}
                    {r.parentName ?? '—'} → {item && !item.changed ? t('team.move.unchanged') : (options.find((o) => o.value === parentId)?.label ?? '')}
                  </Text>
                );
              })
            )}
          </Stack>
        )}
        {error && (
          <Alert color="red" data-testid="bulk-move-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={move.isPending} disabled={!parentId || Boolean(preview.error)} data-testid="bulk-move-submit">
            {t('team.move.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
