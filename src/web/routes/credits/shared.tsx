// What the credits pages share: query keys, the wallets in reach (the caller's own and every
// active account below it, with their available credits), refreshing balances after a move,
// amounts and statuses as shown.
import { Badge, Group, Select, Text, type SelectProps } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { allAccounts, endpoints } from '../../api/endpoints';
import { keys, queryClient, useSession } from '../../api/queries';
import type { Role } from '../../api/types';
import type { TopUpStatus } from '../../api/credits';
import { formatEuros } from '../../components/format';
import { RoleBadge } from '../../components/RoleBadge';

export const creditKeys = {
  ledger: (accountId: string, filters: object) => ['ledger', accountId, filters] as const,
  topUps: (filters: object) => ['top-ups', filters] as const,
  invoices: (accountId: string | null) => ['invoices', accountId] as const,
  supportTopUps: (status: string) => ['support', 'top-ups', status] as const,
};

/** Roles that hold a budget and may allocate, top up and see invoices. */
export const hasBudget = (account: { role: Role }) =>
  account.role === 'agency' || account.role === 'manager' || account.role === 'consultant' || account.role === 'client';

/** After credits moved: every balance on screen (tree, lists, wallets, dashboards) and the lists of moves are stale. */
export async function refreshCredits() {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ['accounts'] }),
    queryClient.invalidateQueries({ queryKey: ['account'] }),
    queryClient.invalidateQueries({ queryKey: ['ledger'] }),
    queryClient.invalidateQueries({ queryKey: ['top-ups'] }),
    queryClient.invalidateQueries({ queryKey: ['invoices'] }),
    queryClient.invalidateQueries({ queryKey: ['support'] }),
    queryClient.invalidateQueries({ queryKey: keys.audit }),
  ]);
}

export type WalletOption = { id: string; name: string; role: Role; availableCents: number; isSelf: boolean };

/**
 * The wallets the account in use reaches: its own first, then the active accounts below it
 * (`GET /api/accounts`, every page of 500), each with its available credits.
 */
export function useWallets() {
  const me = useSession();
  // Balances move under our feet (other people allocate, support confirms): fetched again on each opening.
  const self = useQuery({
    queryKey: keys.account(me.account.id),
    queryFn: () => endpoints.account(me.account.id),
    staleTime: 0,
  });
  // Same key and function as the agency tree's subtree: one cache for both.
  const below = useQuery({
    queryKey: keys.subtree,
    queryFn: () => allAccounts(),
    enabled: hasBudget(me.account),
    staleTime: 0,
  });
  const options: WalletOption[] = [
    {
      id: me.account.id,
      name: me.account.name,
      role: me.account.role,
      availableCents: self.data?.wallet.availableCents ?? 0,
      isSelf: true,
    },
    ...(below.data ?? [])
      .filter((a) => a.active && a.role !== 'support')
      .map((a) => ({ id: a.id, name: a.name, role: a.role, availableCents: a.balanceCents, isSelf: false })),
  ];
  return { options, isPending: self.isPending || below.isPending, error: self.error ?? below.error };
}

/** A picker of wallets: each option shows its name, role and available credits. */
export function WalletSelect({
  options,
  showBalance = true,
  ...props
}: { options: WalletOption[]; showBalance?: boolean } & Omit<SelectProps, 'data'>) {
  const { t } = useTranslation();
  const byId = new Map(options.map((o) => [o.id, o]));
  return (
    <Select
      searchable
      allowDeselect={false}
      nothingFoundMessage={t('common.nothingFound')}
      maxDropdownHeight={320}
      comboboxProps={{ withinPortal: true }}
      data={options.map((o) => ({ value: o.id, label: o.isSelf ? t('credits.allocate.you', { name: o.name }) : o.name }))}
      renderOption={({ option }) => {
        const o = byId.get(option.value)!;
        return (
          <Group justify="space-between" wrap="nowrap" w="100%" gap="sm">
            <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
              <Text size="sm" truncate>
                {option.label}
              </Text>
              <RoleBadge role={o.role} size="xs" />
            </Group>
            {showBalance && (
              <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
                {formatEuros(o.availableCents)}
              </Text>
            )}
          </Group>
        );
      }}
      {...props}
    />
  );
}

/** A signed amount: green when credits come in, red when they go out. */
export function SignedAmount({ cents }: { cents: number }) {
  const sign = cents > 0 ? '+' : cents < 0 ? '−' : '';
  return (
    <Text
      span
      size="sm"
      fw={600}
      c={cents > 0 ? 'teal.8' : cents < 0 ? 'red.7' : undefined}
      style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}
      data-testid="entry-amount"
    >
      {sign}
      {formatEuros(Math.abs(cents))}
    </Text>
  );
}

const statusColors: Record<TopUpStatus, string> = {
  awaiting_payment: 'orange',
  paid: 'teal',
  cancelled: 'gray',
  refunded: 'grape',
};

export function TopUpStatusBadge({ status }: { status: TopUpStatus }) {
  const { t } = useTranslation();
  return (
    // A badge clips its label (overflow hidden) and shrinks to "EN ATTENTE…" in an auto-sized table cell: statuses stay whole.
    <Badge color={statusColors[status]} variant="light" radius="sm" miw="max-content" data-testid="top-up-status">
      {t(`credits.statuses.${status}`)}
    </Badge>
  );
}

export const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;
