import { Badge, Button, SegmentedControl, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AccountStatus, Closed } from '../../api/types';
import { formatDay } from '../../components/format';

const STATUSES: AccountStatus[] = ['active', 'inactive', 'all'];

/** "Actifs" / "Désactivés" / "Tous": which accounts a list of the agency shows. */
export function StatusFilter({ value, onChange }: { value: AccountStatus; onChange: (status: AccountStatus) => void }) {
  const { t } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      value={value}
      onChange={(v) => onChange(v as AccountStatus)}
      data={STATUSES.map((s) => ({ value: s, label: t(`agency.status.${s}`) }))}
      aria-label={t('agency.statusFilter')}
      data-testid="status-filter"
    />
  );
}

/** Why an account is closed, in a sentence: « Désactivé par Léa Petit le 3 nov. 2026 ». */
export function useClosedText() {
  const { t } = useTranslation();
  return (closed: Closed): string => {
    // a date never breaks across lines
    const date = closed.at ? formatDay(closed.at).replace(/ /g, '\u00a0') : null;
    if (closed.reason === 'suspended_by_mode') {
      return date ? t('agency.closed.suspendedOn', { date }) : t('agency.closed.suspended');
    }
    if (date && closed.byPersonName) return t('agency.closed.deactivatedBy', { name: closed.byPersonName, date });
    return date ? t('agency.closed.deactivatedOn', { date }) : t('agency.closed.deactivated');
  };
}

/** The line under a closed account's name that says why it is closed. */
export function ClosedNote({ closed }: { closed: Closed }) {
  const text = useClosedText();
  return (
    <Text size="xs" c={closed.reason === 'suspended_by_mode' ? 'orange.8' : 'red.8'} data-testid="closed-note">
      {text(closed)}
    </Text>
  );
}

export function ClosedBadge({ closed }: { closed: Closed }) {
  const { t } = useTranslation();
  return (
    <Badge size="sm" variant="light" color={closed.reason === 'suspended_by_mode' ? 'orange' : 'gray'} data-testid="closed-badge">
      {t(`agency.closed.badge.${closed.reason}`)}
    </Badge>
  );
}

/** The one action on a closed account's row: "Réactiver" (the dialog shows the plan first). */
export function ReactivateButton({ name, onClick }: { name: string; onClick: () => void }) {
  const { t } = useTranslation();
  return (
    <Button
      size="xs"
      variant="light"
      onClick={onClick}
      aria-label={t('agency.reactivateOf', { name })}
      data-testid="action-reactivate"
    >
      {t('agency.reactivate')}
    </Button>
  );
}
