// Small pieces of the link monitoring shared by the order page, the claims lists and the catalog:
// outcome and claim badges, the evidence of a check, the publisher's reliability.
import { Anchor, Badge, Code, DataList, Stack, Text, Tooltip, type BadgeProps } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import {
  GUARANTEE_MONTHS,
  type CheckOutcome,
  type ClaimStatus,
  type GuaranteeMonths,
  type LinkEvidence,
  type Reliability,
} from '../api/claims';
import { currentLanguage } from '../i18n';
import frClaims from '../i18n/fr/claims';

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The French (or English) name of a check's outcome; an unknown one is shown as it is. */
export const outcomeLabel = (t: TFunction, outcome: string) =>
  has(frClaims.outcomes, outcome) ? t(`claims.outcomes.${outcome as CheckOutcome}`) : outcome;

export const claimStatusColors: Record<ClaimStatus, string> = {
  open: 'red',
  reinstated: 'teal',
  refunded: 'orange',
  dismissed: 'gray',
};

export function ClaimStatusBadge({ status, ...props }: { status: ClaimStatus } & BadgeProps) {
  const { t } = useTranslation();
  return (
    <Badge
      variant="light"
      color={claimStatusColors[status] ?? 'gray'}
      data-status={status}
      data-testid="claim-status"
      miw="max-content"
      {...props}
    >
      {has(frClaims.status, status) ? t(`claims.status.${status}`) : status}
    </Badge>
  );
}

export function OutcomeBadge({ outcome, ...props }: { outcome: string } & BadgeProps) {
  const { t } = useTranslation();
  return (
    <Badge
      variant="light"
      color={outcome === 'ok' ? 'teal' : 'red'}
      data-outcome={outcome}
      data-testid="check-outcome"
      {...props}
    >
      {outcomeLabel(t, outcome)}
    </Badge>
  );
}

/** "12 mois", or "Par défaut (12 mois)" for a site without its own choice. */
export function guaranteeText(t: TFunction, months: number | null | undefined, defaultMonths = 12): string {
  return months ? t('claims.guarantee.months', { count: months }) : t('claims.guarantee.default', { count: defaultMonths });
}

const percent = () =>
  new Intl.NumberFormat(currentLanguage() === 'en' ? 'en-GB' : 'fr-FR', { style: 'percent', maximumFractionDigits: 1 });

/** A rate as the server sends it (a fraction, 0.05) in the reader's way: « 5 % ». */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return percent().format(rate);
}

function formatDays(t: TFunction, days: number | null | undefined): string {
  if (days === null || days === undefined || !Number.isFinite(days)) return t('claims.reliability.unknown');
  return t('claims.reliability.days', { count: Math.round(days) });
}

/** The catalog's reliability cell: loss rate, average lifetime, acceptance, median days to placement; "Nouveau" without history. */
export function ReliabilityCell({ reliability }: { reliability: Reliability | null | undefined }) {
  const { t } = useTranslation();
  // A record without a single figure yet (refreshed before the first order was decided): new too.
  const figures = reliability && [
    reliability.lostRate,
    reliability.avgLifetimeDays,
    reliability.acceptanceRate,
    reliability.medianDaysToPlacement,
  ];
  if (!reliability || figures!.every((f) => f === null)) {
    return (
      <Tooltip label={t('claims.reliability.newHelp')} withArrow>
        <Badge variant="light" color="blue" size="sm" data-testid="offer-reliability-new">
          {t('claims.reliability.new')}
        </Badge>
      </Tooltip>
    );
  }
  const lost = formatRate(reliability.lostRate);
  const items = [
    {
      key: 'lost',
      short: t('claims.reliability.lostRate'),
      value: lost,
      long: t('claims.reliability.lostRateLong', { value: lost, lost: reliability.linksLost, placed: reliability.linksPlaced }),
      warn: (reliability.lostRate ?? 0) >= 0.1,
    },
    {
      key: 'lifetime',
      short: t('claims.reliability.lifetime'),
      value: formatDays(t, reliability.avgLifetimeDays),
      long: t('claims.reliability.lifetimeLong', { value: formatDays(t, reliability.avgLifetimeDays) }),
      warn: false,
    },
    {
      key: 'acceptance',
      short: t('claims.reliability.acceptance'),
      value: formatRate(reliability.acceptanceRate),
      long: t('claims.reliability.acceptanceLong', { value: formatRate(reliability.acceptanceRate) }),
      warn: false,
    },
    {
      key: 'placement',
      short: t('claims.reliability.placement'),
      value: formatDays(t, reliability.medianDaysToPlacement),
      long: t('claims.reliability.placementLong', { value: formatDays(t, reliability.medianDaysToPlacement) }),
      warn: false,
    },
  ];
  return (
    <div
      data-testid="offer-reliability"
      style={{
        display: 'grid',
        gridTemplateColumns: 'auto auto',
        columnGap: 10,
        rowGap: 0,
        whiteSpace: 'nowrap',
        fontVariantNumeric: 'tabular-nums',
      }}
    >
      {items.map((i) => (
        <Tooltip key={i.key} label={i.long} withArrow>
          <Text size="xs" span data-testid={`reliability-${i.key}`} aria-label={i.long}>
            <Text span size="xs" c="dimmed">
              {i.short}
            </Text>{' '}
            <Text span size="xs" fw={600} c={i.warn ? 'red.8' : undefined}>
              {i.value}
            </Text>
          </Text>
        </Tooltip>
      ))}
    </div>
  );
}

const wrap = { overflowWrap: 'anywhere' } as const;

/** Under 576 px a label sits above its value (side by side, the values get a few characters a line). */
export const useNarrow = () => useMediaQuery('(max-width: 36em)') ?? false;

function Row({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue style={wrap} data-testid={testId}>
        {children}
      </DataList.ItemValue>
    </DataList.Item>
  );
}

function LinkFound({ t, link }: { t: TFunction; link: NonNullable<LinkEvidence['link']> }) {
  return (
    <Stack gap={0}>
      <Text size="xs" style={wrap}>
        <Text span size="xs" c="dimmed">
          {t('claims.evidence.href')}
        </Text>{' '}
        <Code>{link.href}</Code>
      </Text>
      <Text size="xs">
        <Text span size="xs" c="dimmed">
          {t('claims.evidence.rel')}
        </Text>{' '}
        <Code>{link.rel.length ? link.rel.join(' ') : t('claims.evidence.noRel')}</Code>
      </Text>
      <Text size="xs" style={wrap}>
        <Text span size="xs" c="dimmed">
          {t('claims.evidence.anchor')}
        </Text>{' '}
        {t('common.quoted', { text: link.anchor })}
      </Text>
    </Stack>
  );
}

/** Everything a check kept: where it went, the link found or the near misses, robots, canonical, hash, excerpt. */
export function EvidencePanel({ evidence }: { evidence: LinkEvidence }) {
  const { t } = useTranslation();
  const robots = [
    ...evidence.robots.meta.map((m) => t('claims.evidence.robotsMeta', { name: m.name, content: m.content })),
    ...evidence.robots.header.map((h) => t('claims.evidence.robotsHeader', { value: h })),
  ];
  const narrow = useNarrow();
  return (
    <DataList size="xs" gap={6} labelWidth={150} orientation={narrow ? 'vertical' : 'horizontal'} data-testid="check-evidence">
      {evidence.startUrl !== evidence.finalUrl && <Row label={t('claims.evidence.startUrl')}>{evidence.startUrl}</Row>}
      <Row label={t('claims.evidence.finalUrl')} testId="evidence-final-url">
        {evidence.finalUrl ? (
          <Anchor href={evidence.finalUrl} target="_blank" rel="noopener noreferrer" size="xs" style={wrap}>
            {evidence.finalUrl}
          </Anchor>
        ) : (
          '—'
        )}
        {evidence.status !== null && (
          <Text span size="xs" c="dimmed">
            {' '}
            · {t('claims.checks.httpStatus', { status: evidence.status })}
          </Text>
        )}
      </Row>
      <Row label={t('claims.evidence.redirects')} testId="evidence-redirects">
        {evidence.redirects.length === 0 ? (
          <Text size="xs" c="dimmed">
            {t('claims.evidence.noRedirect')}
          </Text>
        ) : (
          <Stack gap={2}>
            {evidence.redirects.map((r, i) => (
              <Text key={i} size="xs" style={wrap}>
                <Code>{r.status}</Code> {r.from} → {r.to}
              </Text>
            ))}
          </Stack>
        )}
      </Row>
      <Row label={t('claims.evidence.link')} testId="evidence-link">
        {evidence.link ? (
          <LinkFound t={t} link={evidence.link} />
        ) : (
          <Text size="xs" c="red.8">
            {t('claims.evidence.noLink')}
          </Text>
        )}
      </Row>
      {evidence.nearMisses.length > 0 && (
        <Row label={t('claims.evidence.nearMisses')} testId="evidence-near-misses">
          <Stack gap={6}>
            {evidence.nearMisses.map((m, i) => (
              <div key={i} data-testid="evidence-near-miss">
                <LinkFound t={t} link={m} />
                <Text size="xs" c="orange.8">
                  {t('claims.evidence.differs', { what: m.differs.map((d) => t(`claims.evidence.differsBy.${d}`)).join(', ') })}
                </Text>
              </div>
            ))}
          </Stack>
        </Row>
      )}
      <Row label={t('claims.evidence.robots')} testId="evidence-robots">
        <Stack gap={2}>
          {robots.length === 0 ? (
            <Text size="xs" c="dimmed">
              {t('claims.evidence.noRobots')}
            </Text>
          ) : (
            robots.map((r, i) => (
              <Text key={i} size="xs" style={wrap}>
                {r}
              </Text>
            ))
          )}
          <Text size="xs" data-testid="evidence-robots-txt" data-verdict={evidence.robots.robotsTxt}>
            <Text span size="xs" c="dimmed">
              {t('claims.evidence.robotsTxt')}
            </Text>{' '}
            <Text span size="xs" c={evidence.robots.robotsTxt === 'disallowed' ? 'red.8' : undefined}>
              {has(frClaims.evidence.robotsTxtVerdict, evidence.robots.robotsTxt)
                ? t(`claims.evidence.robotsTxtVerdict.${evidence.robots.robotsTxt}`)
                : evidence.robots.robotsTxt}
            </Text>
          </Text>
        </Stack>
      </Row>
      <Row label={t('claims.evidence.canonical')} testId="evidence-canonical">
        {evidence.canonical ?? (
          <Text span size="xs" c="dimmed">
            {t('claims.evidence.noCanonical')}
          </Text>
        )}
      </Row>
      {evidence.contentHash && (
        <Row label={t('claims.evidence.contentHash')} testId="evidence-hash">
          <Tooltip label={evidence.contentHash} withArrow>
            <Code>{evidence.contentHash.slice(0, 12)}…</Code>
          </Tooltip>
          {evidence.attempts > 1 && (
            <Text span size="xs" c="dimmed">
              {' '}
              · {t('claims.checks.attempts', { count: evidence.attempts })}
            </Text>
          )}
        </Row>
      )}
      {evidence.excerpt && (
        <Row label={t('claims.evidence.excerpt')} testId="evidence-excerpt">
          <Text size="xs" fs="italic" style={wrap}>
            {t('common.quoted', { text: evidence.excerpt })}
          </Text>
        </Row>
      )}
    </DataList>
  );
}

/** The choices of a site's guarantee: the platform default, or 3 to 36 months. */
export function useGuaranteeOptions(defaultMonths: number | null = 12) {
  const { t } = useTranslation();
  return [
    {
      value: 'default',
      label: defaultMonths ? t('claims.guarantee.default', { count: defaultMonths }) : t('claims.guarantee.defaultShort'),
    },
    ...GUARANTEE_MONTHS.map((m) => ({ value: String(m), label: t('claims.guarantee.months', { count: m }) })),
  ];
}

export const guaranteeValue = (months: number | null | undefined) => (months ? String(months) : 'default');
export const guaranteeFromValue = (value: string | null): GuaranteeMonths | null =>
  value && value !== 'default' ? (Number(value) as GuaranteeMonths) : null;
