// Small pieces shared by the marketplace pages: status badges, labels of themes, site kinds and
// languages, and the option lists of their filters.
import { Badge, Group, Stack, Text, ThemeIcon, type BadgeProps } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { marketplace, marketKeys, type Order, type OrderStatus, type SiteKind, type SiteLanguage, type SiteStatus, type Theme } from '../api/marketplace';
import { formatDateTime } from './format';
import frMarketplace from '../i18n/fr/marketplace';

export const THEME_VALUES = Object.keys(frMarketplace.themes) as Theme[];
export const SITE_KINDS: SiteKind[] = ['generalist', 'thematic'];
export const SITE_LANGUAGES = Object.keys(frMarketplace.siteLanguages) as SiteLanguage[];
export const ORDER_STATUSES: OrderStatus[] = [
  'placed',
  'accepted',
  'link_placed',
  'verified',
  'completed',
  'refused',
  'cancelled',
  'expired',
  'lost',
];

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The French (or English) name of a theme; an unknown one is shown as it is. */
export const themeLabel = (t: TFunction, theme: string) => (has(frMarketplace.themes, theme) ? t(`themes.${theme as Theme}`) : theme);
export const kindLabel = (t: TFunction, kind: string) =>
  has(frMarketplace.siteKinds, kind) ? t(`siteKinds.${kind as SiteKind}`) : kind;
export const languageLabel = (t: TFunction, language: string) =>
  has(frMarketplace.siteLanguages, language) ? t(`siteLanguages.${language as SiteLanguage}`) : language;
export const statusLabel = (t: TFunction, status: string) =>
  has(frMarketplace.orderStatus, status) ? t(`orderStatus.${status as OrderStatus}`) : status;

const collator = new Intl.Collator('fr', { sensitivity: 'base' });

export function useThemeOptions() {
  const { t } = useTranslation();
  return THEME_VALUES.map((v) => ({ value: v, label: themeLabel(t, v) })).sort((a, b) => collator.compare(a.label, b.label));
}
export function useKindOptions() {
  const { t } = useTranslation();
  return SITE_KINDS.map((v) => ({ value: v, label: kindLabel(t, v) }));
}
export function useLanguageOptions() {
  const { t } = useTranslation();
  return SITE_LANGUAGES.map((v) => ({ value: v, label: languageLabel(t, v) }));
}
export function useStatusOptions() {
  const { t } = useTranslation();
  return ORDER_STATUSES.map((v) => ({ value: v, label: statusLabel(t, v) }));
}

export const statusColors: Record<string, string> = {
  placed: 'blue',
  accepted: 'cyan',
  link_placed: 'violet',
  verified: 'teal',
  completed: 'green',
  refused: 'red',
  cancelled: 'gray',
  expired: 'orange',
  lost: 'red',
  verification_failed: 'orange',
};

/** An order status as a coloured badge; `data-status` carries the code for tests and styles. */
export function OrderStatusBadge({ status, ...props }: { status: string } & BadgeProps) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={statusColors[status] ?? 'gray'} data-status={status} data-testid="order-status" {...props}>
      {statusLabel(t, status)}
    </Badge>
  );
}

const siteColors: Record<SiteStatus, string> = { pending_review: 'yellow', approved: 'teal', refused: 'red' };

export function SiteStatusBadge({ status, ...props }: { status: SiteStatus } & BadgeProps) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={siteColors[status]} data-status={status} data-testid="site-status" {...props}>
      {t(`siteStatus.${status}`)}
    </Badge>
  );
}

/** The last check of a live URL: compliant, or the rule that failed and what was found. */
export function LastCheck({ check }: { check: Order['lastCheck'] }) {
  const { t } = useTranslation();
  if (!check) {
    return (
      <Text size="sm" c="dimmed">
        {t('order.noCheck')}
      </Text>
    );
  }
  return (
    <Stack gap={2} data-ok={check.ok}>
      <Group gap={6} wrap="nowrap">
        <ThemeIcon size={18} radius="xl" color={check.ok ? 'teal' : 'red'} aria-hidden>
          <Text size="xs" fw={700} c="white" lh={1}>
            {check.ok ? '✓' : '!'}
          </Text>
        </ThemeIcon>
        <Text size="sm" fw={600} c={check.ok ? 'teal.8' : 'red.8'}>
          {check.ok ? t('order.checkOk') : t('order.checkFailed')}
        </Text>
        <Text size="xs" c="dimmed">
          {formatDateTime(check.at)}
        </Text>
      </Group>
      <Text size="sm" data-testid="check-message">
        {check.message}
      </Text>
    </Stack>
  );
}

/** Euros typed in a form (a number, decimals allowed) as integer cents; empty stays undefined. */
export function toCents(value: string | number | undefined | null): number | undefined {
  if (value === '' || value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : Number(String(value).replace(/\s/g, '').replace(',', '.'));
  return Number.isFinite(n) ? Math.round(n * 100) : undefined;
}

/** A fresh idempotency key (one per form opening). */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

export const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;

type RoleOf = { role: string; agencyId: string | null };

/**
 * Whether the menu shows "Espace éditeur": always to a publisher; to an agency or a standalone
 * client (who may sell too) only once it has a site, so that one that only buys is not offered a
 * space it never uses (the dashboard keeps a discreet "Vendre des liens" link to start).
 */
export function useShowsPublisherSpace(account: RoleOf): boolean | undefined {
  const sellerToo = maySell(account) && account.role !== 'publisher';
  const sites = useQuery({ queryKey: marketKeys.hasOwnSite, queryFn: marketplace.hasOwnSite, enabled: sellerToo, staleTime: 5 * 60_000 });
  if (account.role === 'publisher') return true;
  if (!sellerToo) return false;
  return sites.data; // undefined until known
}

/** Who buys links: the agency side and clients (the server's orderPolicy.mayBuy). */
export const isBuyer = (account: RoleOf) => ['agency', 'manager', 'consultant', 'client'].includes(account.role);
/** Who may sell placements: publishers, and agency or standalone client accounts (catalogPolicy.maySell). */
export const maySell = (account: RoleOf) =>
  account.role === 'publisher' || account.role === 'agency' || (account.role === 'client' && account.agencyId === null);
