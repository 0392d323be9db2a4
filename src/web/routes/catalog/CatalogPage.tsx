import { useEffect, useMemo, useState } from 'react';
import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Center,
  Checkbox,
  Group,
  Loader,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  marketKeys,
  marketplace,
  type Offer,
  type OfferQuery,
  type SiteKind,
  type SiteLanguage,
  type Theme,
} from '../../api/marketplace';
import { formatEuros, formatNumber, decimalSeparator, thousandSeparator } from '../../components/format';
import {
  kindLabel,
  numeric,
  themeLabel,
  toCents,
  useKindOptions,
  useLanguageOptions,
  useThemeOptions,
} from '../../components/market';
import { QueryStatus } from '../../components/QueryStatus';
import { ReliabilityCell, useNarrow } from '../../components/claims';
import { queryClient, useSession } from '../../api/queries';
import { notifyError } from '../../components/serverErrors';

type Sort = NonNullable<OfferQuery['sort']>;
const SORTS: Sort[] = ['relevance', 'price_asc', 'price_desc', 'volume_desc'];

/** The filters as typed (strings, euros), kept in the address so that "back" finds the same search. */
type Filters = {
  keyword: string;
  theme: string;
  siteKind: string;
  language: string;
  minVolume: string;
  maxPosition: string;
  maxPrice: string;
  sort: string;
  /** '1': the buying account's favourites only */
  favourites: string;
};
const FILTER_NAMES: (keyof Filters)[] = [
  'keyword',
  'theme',
  'siteKind',
  'language',
  'minVolume',
  'maxPosition',
  'maxPrice',
  'sort',
  'favourites',
];

function readFilters(params: URLSearchParams): Filters {
  const f = Object.fromEntries(FILTER_NAMES.map((n) => [n, params.get(n) ?? ''])) as Filters;
  return f;
}

const int = (v: string) => (v.trim() === '' || !Number.isFinite(Number(v)) ? undefined : Math.max(0, Math.round(Number(v))));

function toQuery(f: Filters): OfferQuery {
  return {
    keyword: f.keyword.trim() || undefined,
    theme: (f.theme || undefined) as Theme | undefined,
    siteKind: (f.siteKind || undefined) as SiteKind | undefined,
    language: (f.language || undefined) as SiteLanguage | undefined,
    minVolume: int(f.minVolume),
    maxPosition: int(f.maxPosition) || undefined,
    maxPriceCents: toCents(f.maxPrice),
    sort: (SORTS.includes(f.sort as Sort) ? f.sort : 'relevance') as Sort,
    favourites: f.favourites === '1' ? true : undefined,
  };
}

/** "Catalogue": search the offers by keyword and filters; no domain or article URL ever shows. */
export function CatalogPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [filters, setFilters] = useState<Filters>(() => readFilters(params));
  const [debounced] = useDebouncedValue(filters, 300);
  const query = useMemo(() => toQuery(debounced), [debounced]);
  const themeOptions = useThemeOptions();
  const kindOptions = useKindOptions();
  const languageOptions = useLanguageOptions();

  // The address follows the (debounced) filters, without adding history entries.
  useEffect(() => {
    const next = new URLSearchParams();
    for (const n of FILTER_NAMES) if (debounced[n]) next.set(n, debounced[n]);
    setParams(next, { replace: true });
  }, [debounced, setParams]);

  const offers = useInfiniteQuery({
    queryKey: marketKeys.offers(query),
    queryFn: ({ pageParam }) => marketplace.offers({ ...query, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
  const items = offers.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (name: keyof Filters) => (value: string | number | null) =>
    setFilters((f) => ({ ...f, [name]: value === null ? '' : String(value) }));
  const anyFilter = FILTER_NAMES.some((n) => filters[n] !== '');
  const narrow = useNarrow();
  const buyer = BUYER_ROLES.includes(useSession().account.role);
  const total = offers.data?.pages[0]?.total;

  return (
    <Stack gap="lg" maw={1200}>
      <div>
        <Title order={1} fz={28}>
          {t('catalog.title')}
        </Title>
        <Text c="dimmed" size="sm">
          {t('catalog.subtitle')}
        </Text>
      </div>

      <Card withBorder radius="md" padding="lg" data-testid="catalog-filters">
        <Stack gap="sm">
          <TextInput
            label={t('catalog.keyword')}
            placeholder={t('catalog.keywordPlaceholder')}
            value={filters.keyword}
            onChange={(e) => set('keyword')(e.currentTarget.value)}
            rightSection={offers.isFetching && !offers.isFetchingNextPage ? <Loader size={14} /> : null}
            data-testid="catalog-keyword"
            size="md"
          />
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
            <Select
              label={t('catalog.theme')}
              placeholder={t('market.allFeminine')}
              data={themeOptions}
              value={filters.theme || null}
              onChange={set('theme')}
              clearable
              searchable
              data-testid="catalog-theme"
            />
            <Select
              label={t('catalog.kind')}
              placeholder={t('market.all')}
              data={kindOptions}
              value={filters.siteKind || null}
              onChange={set('siteKind')}
              clearable
              data-testid="catalog-kind"
            />
            <Select
              label={t('catalog.language')}
              placeholder={t('market.allFeminine')}
              data={languageOptions}
              value={filters.language || null}
              onChange={set('language')}
              clearable
              data-testid="catalog-language"
            />
            <Select
              label={t('catalog.sort')}
              data={SORTS.map((s) => ({ value: s, label: t(`catalog.sorts.${s}`) }))}
              value={filters.sort || 'relevance'}
              onChange={(v) => set('sort')(v === 'relevance' ? '' : v)}
              allowDeselect={false}
              data-testid="catalog-sort"
            />
            <NumberInput
              label={t('catalog.minVolume')}
              min={0}
              step={100}
              thousandSeparator={thousandSeparator()}
              allowNegative={false}
              allowDecimal={false}
              value={filters.minVolume}
              onChange={set('minVolume')}
              data-testid="catalog-min-volume"
            />
            <NumberInput
              label={t('catalog.maxPosition')}
              min={1}
              max={1000}
              allowNegative={false}
              allowDecimal={false}
              value={filters.maxPosition}
              onChange={set('maxPosition')}
              data-testid="catalog-max-position"
            />
            <NumberInput
              label={t('catalog.maxPrice')}
              min={0}
              step={10}
              decimalSeparator={decimalSeparator()}
              decimalScale={2}
              allowNegative={false}
              value={filters.maxPrice}
              onChange={set('maxPrice')}
              data-testid="catalog-max-price"
            />
            <Group align="flex-end" gap="md">
              {buyer && (
                <Checkbox
                  label={t('catalogList.favouritesOnly')}
                  checked={filters.favourites === '1'}
                  onChange={(e) => set('favourites')(e.currentTarget.checked ? '1' : '')}
                  mb={8}
                  data-testid="catalog-favourites"
                />
              )}
              <Button
                variant="subtle"
                color="gray"
                disabled={!anyFilter}
                onClick={() => setFilters(readFilters(new URLSearchParams()))}
                data-testid="catalog-reset"
              >
                {t('market.resetFilters')}
              </Button>
            </Group>
          </SimpleGrid>
        </Stack>
      </Card>

      <Card withBorder radius="md" padding="lg">
        {total !== undefined && !offers.error && (
          <Text fw={600} mb="sm" data-testid="catalog-count">
            {t('catalogList.count', { count: total, n: formatNumber(total) })}
          </Text>
        )}
        {offers.isPending || offers.error ? (
          <QueryStatus query={offers} />
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" py="lg" data-testid="catalog-empty">
            {filters.favourites === '1' ? t('catalogList.noFavourites') : t('catalog.empty')}
          </Text>
        ) : narrow ? (
          <Stack gap="sm" data-testid="offers-cards">
            {items.map((o) => (
              <OfferCard key={o.offerId} offer={o} buyer={buyer} />
            ))}
          </Stack>
        ) : (
          <Table.ScrollContainer minWidth={1120}>
            <Table verticalSpacing="sm" highlightOnHover striped data-testid="offers-table">
              <Table.Thead>
                <Table.Tr>
                  {buyer && <Table.Th w={40} aria-label={t('catalogList.favourite')} />}
                  <Table.Th>{t('catalog.keyword')}</Table.Th>
                  <Table.Th ta="right">{t('catalog.position')}</Table.Th>
                  <Table.Th ta="right">{t('catalog.volume')}</Table.Th>
                  <Table.Th ta="right">{t('catalog.top10')}</Table.Th>
                  <Table.Th>{t('catalog.theme')}</Table.Th>
                  <Table.Th>{t('catalog.kind')}</Table.Th>
                  <Table.Th>{t('claims.guarantee.label')}</Table.Th>
                  <Table.Th>{t('claims.reliability.title')}</Table.Th>
                  <Table.Th ta="right">{t('catalog.price')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((o) => (
                  <Table.Tr key={o.offerId} data-testid="offer-row" data-keyword={o.keyword}>
                    {buyer && (
                      <Table.Td>
                        <FavouriteStar offer={o} />
                      </Table.Td>
                    )}
                    <Table.Td maw={360}>
                      <Text size="sm" fw={600}>
                        {o.keyword}
                      </Text>
                      <MatchedKeywords offer={o} />
                      {o.bestKeyword.keyword !== o.keyword && (
                        <Text size="xs" c="dimmed" data-testid="offer-best-keyword">
                          {t('catalog.pricedBy', { keyword: o.bestKeyword.keyword, position: o.bestKeyword.position })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="offer-position">
                      {o.position}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} data-testid="offer-volume">
                      {formatNumber(o.volume)}
                    </Table.Td>
                    <Table.Td ta="right" style={numeric}>
                      {o.top10Count}
                    </Table.Td>
                    <Table.Td>{themeLabel(t, o.theme)}</Table.Td>
                    <Table.Td>{kindLabel(t, o.siteKind)}</Table.Td>
                    <Table.Td style={numeric} data-testid="offer-guarantee">
                      {o.guaranteeMonths ? t('claims.guarantee.months', { count: o.guaranteeMonths }) : '—'}
                    </Table.Td>
                    <Table.Td>
                      <ReliabilityCell reliability={o.reliability} />
                    </Table.Td>
                    <Table.Td ta="right" style={numeric} fw={600} data-testid="offer-price">
                      <PriceWithExplanation offer={o} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Button
                        component={Link}
                        to={`/commander/${o.offerId}`}
                        size="compact-sm"
                        aria-label={t('catalog.orderFor', { keyword: o.keyword })}
                        data-testid="order-offer"
                      >
                        {t('catalog.order')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {offers.hasNextPage && (
          <Center mt="md">
            <Button
              variant="default"
              onClick={() => void offers.fetchNextPage()}
              loading={offers.isFetchingNextPage}
              data-testid="catalog-more"
            >
              {t('market.loadMore')}
            </Button>
          </Center>
        )}
      </Card>
    </Stack>
  );
}

/** On a phone, an offer as a card: the table's columns would not fit. */
function OfferCard({ offer: o, buyer }: { offer: Offer; buyer: boolean }) {
  const { t } = useTranslation();
  const fact = (label: string, value: React.ReactNode, testId?: string) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={numeric} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
  return (
    <Card withBorder radius="md" padding="sm" data-testid="offer-row" data-keyword={o.keyword}>
      <Stack gap={8}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap={6} wrap="nowrap" align="flex-start" style={{ flex: 1, minWidth: 0 }}>
            {buyer && <FavouriteStar offer={o} />}
            <div style={{ minWidth: 0 }}>
              <Text size="sm" fw={600}>
                {o.keyword}
              </Text>
              <MatchedKeywords offer={o} />
              <Text size="xs" c="dimmed">
                {themeLabel(t, o.theme)} · {kindLabel(t, o.siteKind)}
              </Text>
            </div>
          </Group>
          <Stack gap={6} align="flex-end" style={{ flexShrink: 0 }}>
            <Text fw={700} style={numeric} data-testid="offer-price">
              <PriceWithExplanation offer={o} />
            </Text>
            <Button
              component={Link}
              to={`/commander/${o.offerId}`}
              size="compact-sm"
              style={{ flexShrink: 0 }}
              aria-label={t('catalog.orderFor', { keyword: o.keyword })}
              data-testid="order-offer"
            >
              {t('catalog.order')}
            </Button>
          </Stack>
        </Group>
        <SimpleGrid cols={3} spacing="xs">
          {fact(t('catalog.position'), o.position, 'offer-position')}
          {fact(t('catalog.volume'), formatNumber(o.volume), 'offer-volume')}
          {fact(t('catalog.top10'), o.top10Count)}
        </SimpleGrid>
        <Stack gap={2}>
          <Text size="xs" c="dimmed">
            {t('claims.guarantee.label')} ·{' '}
            <Text span size="xs" c="dark" fw={600} data-testid="offer-guarantee">
              {o.guaranteeMonths ? t('claims.guarantee.months', { count: o.guaranteeMonths }) : '—'}
            </Text>
          </Text>
          <ReliabilityCell reliability={o.reliability} />
        </Stack>
      </Stack>
    </Card>
  );
}

/** "Position 1–3 × volume 1 000–9 999 : 300,00 € + 2 mots-clés dans le top 10 × 25,00 € = 350,00 €". */
export function priceExplanationText(t: (k: string, o?: Record<string, unknown>) => string, o: Offer): string | null {
  const e = o.priceExplanation;
  if (!e) return null;
  const band = (min: number, max: number | null, fmt: (n: number) => string) =>
    max === null ? `${fmt(min)}+` : min === max ? fmt(min) : `${fmt(min)}–${fmt(max)}`;
  return (
    t('catalog.explainBase', {
      positions: band(e.positionBand.min, e.positionBand.max, String),
      volumes: band(e.volumeBand.min, e.volumeBand.max, formatNumber),
      base: formatEuros(e.basePriceCents),
    }) +
    (e.extraTop10Count > 0
      ? t('catalog.explainBonus', { count: e.extraTop10Count, bonus: formatEuros(e.top10BonusCents) })
      : '') +
    t('catalog.explainTotal', { total: formatEuros(e.totalCents) })
  );
}

/** The price, its making in a tooltip. */
function PriceWithExplanation({ offer: o }: { offer: Offer }) {
  const { t } = useTranslation();
  const text = priceExplanationText(t as never, o);
  if (!text) return <>{formatEuros(o.priceCents)}</>;
  return (
    <Tooltip label={text} multiline w={320} withArrow>
      <span data-testid="offer-price-explained" aria-label={text} style={{ textDecoration: 'underline dotted', cursor: 'help' }}>
        {formatEuros(o.priceCents)}
      </span>
    </Tooltip>
  );
}

/** The accounts that buy, and so keep favourites (the server's catalogPolicy.mayKeepFavourites). */
const BUYER_ROLES: string[] = ['agency', 'manager', 'consultant', 'client'];

/**
 * The article's other keywords that match the search, as chips (the row's keyword is the best of
 * them), and « +N » for those beyond the ones the list carries.
 */
function MatchedKeywords({ offer: o }: { offer: Offer }) {
  const { t } = useTranslation();
  const others = o.matchedKeywords.filter((k) => k.keyword !== o.keyword);
  const more = o.matchedCount - o.matchedKeywords.length;
  if (others.length === 0 && more <= 0) return null;
  return (
    <Group gap={4} mt={4} aria-label={t('catalogList.matched')} data-testid="offer-matched">
      {others.map((k) => (
        <Badge
          key={k.keyword}
          variant="light"
          color="gray"
          radius="sm"
          tt="none"
          fw={500}
          maw="100%"
          data-testid="offer-matched-keyword"
        >
          {k.keyword} · {k.position}
        </Badge>
      ))}
      {more > 0 && (
        <Tooltip label={t('catalogList.moreMatchedTitle', { count: more })} withArrow>
          <Badge variant="outline" color="gray" radius="sm" tt="none" data-testid="offer-matched-more">
            {t('catalogList.moreMatched', { count: more })}
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}

/** The star that puts an offer in (or takes it out of) the buying account's favourites. */
function FavouriteStar({ offer: o }: { offer: Offer }) {
  const { t } = useTranslation();
  const toggle = useMutation({
    mutationFn: () => marketplace.setFavourite(o.offerId, !o.favourite),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['offers'] }),
    onError: (error) => notifyError(error),
  });
  const label = o.favourite ? t('catalogList.removeFavourite') : t('catalogList.addFavourite');
  return (
    <Tooltip label={label} withArrow>
      <ActionIcon
        variant="subtle"
        color={o.favourite ? 'yellow' : 'gray'}
        aria-label={label}
        aria-pressed={o.favourite}
        loading={toggle.isPending}
        onClick={() => toggle.mutate()}
        data-testid="offer-favourite"
      >
        <svg
          width="18"
          height="18"
          viewBox="0 0 24 24"
          aria-hidden="true"
          fill={o.favourite ? 'currentColor' : 'none'}
          stroke="currentColor"
          strokeWidth="2"
          strokeLinejoin="round"
        >
          <path d="M12 2.8l2.8 5.7 6.3.9-4.6 4.4 1.1 6.2L12 17.1 6.4 20l1.1-6.2L2.9 9.4l6.3-.9z" />
        </svg>
      </ActionIcon>
    </Tooltip>
  );
}
