import { Badge, Button, Card, Center, Group, Select, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { keys, useSession } from '../api/queries';
import type { AuditEntry, AuditFilters } from '../api/types';
import { AUDIT_CATEGORY_NAMES } from '../../server/modules/audit/categories';
import { SearchSelect } from '../components/SearchSelect';
import { resolveAccount, searchAccounts } from '../components/pickers';
import { auditSentence } from '../components/auditSentence';
import { formatDateTime } from '../components/format';
import { useSubtree } from '../components/hierarchy';
import { QueryStatus } from '../components/QueryStatus';

/** What an entry touched: an account's name when it is known here, else its kind and a short id. */
function target(
  entry: AuditEntry,
  names: Map<string, string>,
  t: (k: 'audit.targets.account' | 'audit.targets.agency_request') => string,
): { text: string; known: boolean } {
  if (!entry.targetType) return { text: '—', known: true };
  const name = entry.targetType === 'account' && entry.targetId ? names.get(entry.targetId) : undefined;
  if (name) return { text: name, known: true };
  const type =
    entry.targetType === 'account' || entry.targetType === 'agency_request'
      ? t(`audit.targets.${entry.targetType}`)
      : entry.targetType;
  return { text: entry.targetId ? `${type} ${entry.targetId.slice(0, 8)}` : type, known: false };
}

/**
 * "Journal d'activité": every change made in the viewer's subtree, newest first, naming who really
 * did it; rows done while acting for another account stand out.
 */
const FILTER_NAMES = ['personId', 'accountId', 'category', 'from', 'to'] as const;

/** The filters the address holds (`/journal?personId=…&from=2026-12-01`), so that a filtered view can be shared or reloaded. */
function useAuditFilters(): [AuditFilters, (name: keyof AuditFilters, value: string | null) => void, () => void] {
  const [params, setParams] = useSearchParams();
  const filters: AuditFilters = {};
  for (const n of FILTER_NAMES) {
    const v = params.get(n);
    if (v) filters[n] = v;
  }
  const set = (name: keyof AuditFilters, value: string | null) =>
    setParams(
      () => {
        // From the address itself: two fields changed in a row both land, even before a re-render.
        const next = new URLSearchParams(window.location.search);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  return [filters, set, () => setParams(new URLSearchParams(), { replace: true })];
}

export function AuditLog() {
  const { t } = useTranslation();
  const [filters, setFilter, resetFilters] = useAuditFilters();
  const filtered = Object.keys(filters).length > 0;
  const audit = useInfiniteQuery({
    queryKey: [...keys.audit, filters],
    queryFn: ({ pageParam }) => endpoints.audit(pageParam, filters),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = audit.data?.pages.flatMap((p) => p.items) ?? [];
  const subtree = useSubtree();
  const me = useSession();
  const names = new Map<string, string>([[me.account.id, me.account.name]]);
  for (const a of subtree.data ?? []) names.set(a.id, a.name);
  for (const e of items) {
    if (e.person) names.set(e.person.id, e.person.name);
    if (e.account) names.set(e.account.id, e.account.name);
  }
  return (
    <Stack gap="lg" maw={1200}>
      <div>
        <Title order={1} fz={28}>
          {t('audit.title')}
        </Title>
        <Text c="dimmed" size="sm">
          {t('audit.subtitle')}
        </Text>
      </div>
      <AuditFilterBar filters={filters} set={setFilter} reset={resetFilters} />
      <Card withBorder radius="md" padding="lg">
        {audit.isPending || audit.error ? (
          <QueryStatus query={audit} />
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" py="lg" data-testid="audit-empty">
            {filtered ? t('audit.filters.empty') : t('audit.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={860}>
            <Table verticalSpacing="xs" styles={{ th: { whiteSpace: 'nowrap' } }} data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('audit.when')}</Table.Th>
                  <Table.Th>{t('audit.person')}</Table.Th>
                  <Table.Th>{t('audit.account')}</Table.Th>
                  <Table.Th>{t('audit.action')}</Table.Th>
                  <Table.Th>{t('audit.target')}</Table.Th>
                  <Table.Th>{t('audit.ip')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((e) => {
                  const acting = e.person !== null && e.account !== null && e.person.id !== e.account.id;
                  return (
                    <Table.Tr
                      key={e.id}
                      bg={acting ? 'orange.0' : undefined}
                      data-testid="audit-row"
                      data-acting={acting || undefined}
                    >
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                      <Table.Td>{e.person?.name ?? '—'}</Table.Td>
                      <Table.Td>
                        {e.account?.name ?? '—'}{' '}
                        {acting && (
                          <Tooltip label={t('audit.actingHelp', { person: e.person!.name, account: e.account!.name })}>
                            <Badge color="orange" variant="light" size="xs">
                              {t('audit.actingBadge')}
                            </Badge>
                          </Tooltip>
                        )}
                      </Table.Td>
                      <Table.Td data-testid="audit-sentence">{auditSentence(e)}</Table.Td>
                      <Table.Td>
                        <TargetCell entry={e} names={names} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace" c="dimmed">
                          {e.ip ?? '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {audit.hasNextPage && (
          <Center mt="md">
            <Button variant="default" onClick={() => void audit.fetchNextPage()} loading={audit.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </Center>
        )}
      </Card>
    </Stack>
  );
}

function TargetCell({ entry, names }: { entry: AuditEntry; names: Map<string, string> }) {
  const { t } = useTranslation();
  const { text, known } = target(entry, names, t);
  return (
    <Text size="sm" ff={known ? undefined : 'monospace'} c={known ? undefined : 'dimmed'}>
      {text}
    </Text>
  );
}

/** The filters above the log: who did it, for which account, which kind of action, between which days (Paris). */
function AuditFilterBar({
  filters,
  set,
  reset,
}: {
  filters: AuditFilters;
  set: (name: keyof AuditFilters, value: string | null) => void;
  reset: () => void;
}) {
  const { t } = useTranslation();
  const me = useSession();
  const roles = ['agency', 'manager', 'consultant', 'client'] as const;
  const searchable = roles.filter((r) => r !== 'agency');
  const you = [{ value: me.account.id, label: t('audit.filters.you', { name: me.account.name }) }];
  return (
    <Group align="flex-end" gap="sm" data-testid="audit-filters">
      <SearchSelect
        label={t('audit.filters.person')}
        placeholder={t('audit.filters.anyone')}
        queryKey={['audit', 'filter', 'person']}
        search={searchAccounts([...searchable])}
        resolve={resolveAccount}
        extra={you}
        value={filters.personId ?? null}
        onChange={(v) => set('personId', v)}
        clearable
        w={250}
        data-testid="audit-filter-person"
      />
      <SearchSelect
        label={t('audit.filters.account')}
        placeholder={t('audit.filters.anyAccount')}
        queryKey={['audit', 'filter', 'account']}
        search={searchAccounts([...searchable])}
        resolve={resolveAccount}
        extra={you}
        value={filters.accountId ?? null}
        onChange={(v) => set('accountId', v)}
        clearable
        w={220}
        data-testid="audit-filter-account"
      />
      <Select
        label={t('audit.filters.category')}
        placeholder={t('audit.filters.anyCategory')}
        data={AUDIT_CATEGORY_NAMES.map((c) => ({ value: c, label: t(`audit.categories.${c}`) }))}
        value={filters.category ?? null}
        onChange={(v) => set('category', v)}
        clearable
        w={190}
        data-testid="audit-filter-category"
      />
      <TextInput
        type="date"
        label={t('audit.filters.from')}
        value={filters.from ?? ''}
        max={filters.to}
        onChange={(e) => set('from', e.currentTarget.value || null)}
        w={160}
        data-testid="audit-filter-from"
      />
      <TextInput
        type="date"
        label={t('audit.filters.to')}
        value={filters.to ?? ''}
        min={filters.from}
        onChange={(e) => set('to', e.currentTarget.value || null)}
        w={160}
        data-testid="audit-filter-to"
      />
      <Button variant="default" onClick={reset} disabled={Object.keys(filters).length === 0} data-testid="audit-filters-reset">
        {t('audit.filters.reset')}
      </Button>
    </Group>
  );
}
