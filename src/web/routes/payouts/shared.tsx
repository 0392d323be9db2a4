// What the payouts pages share: status badges, amounts typed in euros, months as words, the
// sentences that say what blocks a withdrawal (with a link to where it is fixed), refreshing.
import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, List, NumberInput, Select, Text, Title, type BadgeProps, type NumberInputProps } from '@mantine/core';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { queryClient } from '../../api/queries';
import { MISSING_CODES, type BatchStatus, type DocumentStatus, type MissingCode, type WithdrawalStatus } from '../../api/payouts';
import { currentLanguage } from '../../i18n';
import { formatEuros, decimalSeparator, thousandSeparator } from '../../components/format';

export const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;

/** After money or papers moved: every payouts figure and list is stale (the publisher's and support's). */
export async function refreshPayouts() {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ['payouts'] }),
    queryClient.invalidateQueries({ queryKey: ['support', 'payouts'] }),
    queryClient.invalidateQueries({ queryKey: ['account'] }),
    queryClient.invalidateQueries({ queryKey: ['ledger'] }),
  ]);
}

const withdrawalColors: Record<WithdrawalStatus, string> = {
  requested: 'orange',
  approved: 'blue',
  paid: 'teal',
  refused: 'red',
  cancelled: 'gray',
};

export function WithdrawalStatusBadge({ status, ...props }: { status: WithdrawalStatus } & BadgeProps) {
  const { t } = useTranslation();
  return (
    <Badge
      color={withdrawalColors[status]}
      variant="light"
      radius="sm"
      miw="max-content"
      data-status={status}
      data-testid="withdrawal-status"
      {...props}
    >
      {t(`payouts.withdrawalStatus.${status}`)}
    </Badge>
  );
}

const documentColors: Record<DocumentStatus, string> = { pending: 'yellow', accepted: 'teal', refused: 'red', replaced: 'gray' };

export function DocumentStatusBadge({ status, ...props }: { status: DocumentStatus } & BadgeProps) {
  const { t } = useTranslation();
  return (
    <Badge
      color={documentColors[status]}
      variant="light"
      radius="sm"
      miw="max-content"
      data-status={status}
      data-testid="document-status"
      {...props}
    >
      {t(`payouts.proofs.statuses.${status}`)}
    </Badge>
  );
}

export function BatchStatusBadge({ status, ...props }: { status: BatchStatus } & BadgeProps) {
  const { t } = useTranslation();
  return (
    <Badge
      color={status === 'paid' ? 'teal' : 'blue'}
      variant="light"
      radius="sm"
      miw="max-content"
      data-status={status}
      data-testid="batch-status"
      {...props}
    >
      {t(`payouts.support.batches.statuses.${status}`)}
    </Badge>
  );
}

/** An amount typed in euros (two decimals, French separators); the form keeps a number or ''. */
export function EuroInput(props: NumberInputProps) {
  return (
    <NumberInput
      min={0}
      clampBehavior="none"
      decimalScale={2}
      fixedDecimalScale
      decimalSeparator={decimalSeparator()}
      thousandSeparator={thousandSeparator()}
      allowNegative={false}
      suffix={'\u00a0€'}
      hideControls
      {...props}
    />
  );
}

/** Euros typed (a number or '') to integer cents; NaN when empty. */
export const toCents = (value: number | string): number => (value === '' ? NaN : Math.round(Number(value) * 100));

/** "2026-11" → « nov. 2026 » (fr), "Nov 2026" (en). */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(currentLanguage() === 'en' ? 'en-GB' : 'fr-FR', {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, 1)));
}

/** Where each missing condition is fixed, and the words of the link. */
const fixes: Partial<Record<MissingCode, { to: string; label: string }>> = {
  profile_missing: { to: '/editeur/profil', label: 'fixProfile' },
  siret_missing: { to: '/editeur/profil', label: 'fixProfile' },
  vat_number_missing: { to: '/editeur/profil', label: 'fixProfile' },
  vat_regime_missing: { to: '/editeur/profil', label: 'fixProfile' },
  tax_number_missing: { to: '/editeur/profil', label: 'fixProfile' },
  birth_date_missing: { to: '/editeur/profil', label: 'fixProfile' },
  iban_missing: { to: '/editeur/profil', label: 'fixProfile' },
  business_only: { to: '/editeur/profil', label: 'fixProfile' },
  mandate_missing: { to: '/editeur/profil#mandat', label: 'fixMandate' },
  proof_missing: { to: '/editeur/profil#justificatifs', label: 'fixProofs' },
  proof_expired: { to: '/editeur/profil#justificatifs', label: 'fixProofs' },
  proof_kind_insufficient: { to: '/editeur/profil#justificatifs', label: 'fixProofs' },
  withdrawal_open: { to: '/editeur/paiements#virements', label: 'fixWithdrawals' },
  buyer_link_missing: { to: '/editeur/paiements#conversion', label: 'fixLink' },
};

export function missingSentence(t: TFunction, code: string, minimumCents: number): string {
  if (!(MISSING_CODES as readonly string[]).includes(code)) return t('payouts.blockers.unknown', { code });
  return t(`payouts.blockers.${code as MissingCode}`, { minimum: formatEuros(minimumCents) });
}

/** What blocks a withdrawal (or a conversion), one sentence each, with a link to where it is fixed. */
export function BlockerList({
  missing,
  minimumCents,
  links = true,
}: {
  missing: string[];
  minimumCents: number;
  links?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <List size="sm" spacing={6} data-testid="blockers">
      {missing.map((code) => {
        const fix = links ? fixes[code as MissingCode] : undefined;
        return (
          <List.Item key={code} data-testid="blocker" data-code={code}>
            {missingSentence(t, code, minimumCents)}
            {fix && (
              <>
                {' '}
                <Anchor component={Link} to={fix.to} size="sm" data-testid="blocker-fix">
                  {t(`payouts.blockers.${fix.label}` as 'payouts.blockers.fixProfile')}
                </Anchor>
              </>
            )}
          </List.Item>
        );
      })}
    </List>
  );
}

/** Years 2020..this one, newest first (the server's range). */
export function yearOptions(): { value: string; label: string }[] {
  const current = new Date().getFullYear();
  const years: { value: string; label: string }[] = [];
  for (let y = current; y >= 2020; y--) years.push({ value: String(y), label: String(y) });
  return years;
}

/** A card that downloads a yearly document (the art. 242 bis statement, the DAC7 export). */
export function YearDownloadCard(props: {
  title: string;
  help: string;
  yearLabel: string;
  action: string;
  href: (year: number) => string;
  /** a file name: downloaded; none: opened in a new tab */
  download?: (year: number) => string;
  testId: string;
}) {
  const [year, setYear] = useState(String(new Date().getFullYear()));
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={4}>{props.title}</Title>
      <Text size="sm" c="dimmed" mb="md" maw={820}>
        {props.help}
      </Text>
      <Group align="flex-end" gap="sm">
        <Select
          label={props.yearLabel}
          data={yearOptions()}
          value={year}
          onChange={(v) => v && setYear(v)}
          allowDeselect={false}
          w={140}
          data-testid={`${props.testId}-year`}
        />
        <Button
          component="a"
          href={props.href(Number(year))}
          {...(props.download ? { download: props.download(Number(year)) } : { target: '_blank', rel: 'noopener' })}
          variant="light"
          data-testid={props.testId}
        >
          {props.action}
        </Button>
      </Group>
    </Card>
  );
}
