import { List, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Plan } from '../api/types';
import { formatEuros } from './format';

/** A re-homing plan as the server computed it: exactly what "Appliquer" will do. */
export function PlanView({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const empty = plan.deactivated.length === 0 && plan.moved.length === 0 && plan.returnedCents.length === 0;
  if (empty) {
    return (
      <Text c="dimmed" data-testid="plan-empty">
        {t('plan.empty')}
      </Text>
    );
  }
  return (
    <Stack gap="md" data-testid="plan">
      {plan.deactivated.length > 0 && (
        <div>
          <Title order={5} mb={4}>
            {t('plan.deactivated', { count: plan.deactivated.length })}
          </Title>
          <List size="sm" spacing={2} data-testid="plan-deactivated">
            {plan.deactivated.map((d) => (
              <List.Item key={d.accountId}>
                <Text span fw={500} size="sm">
                  {d.name}
                </Text>{' '}
                <Text span c="dimmed" size="sm">
                  ({t(`roles.${d.role}` as 'roles.client', { defaultValue: d.role })})
                </Text>
              </List.Item>
            ))}
          </List>
        </div>
      )}
      {plan.moved.length > 0 && (
        <div>
          <Title order={5} mb={4}>
            {t('plan.moved', { count: plan.moved.length })}
          </Title>
          <List size="sm" spacing={2} data-testid="plan-moved">
            {plan.moved.map((m) => (
              <List.Item key={m.accountId}>
                {t('plan.movedLine', { name: m.name, from: m.fromParentName ?? '—', to: m.toParentName })}
              </List.Item>
            ))}
          </List>
        </div>
      )}
      {plan.returnedCents.length > 0 && (
        <div>
          <Title order={5} mb={4}>
            {t('plan.returned')}
          </Title>
          <List size="sm" spacing={2} data-testid="plan-returned">
            {plan.returnedCents.map((r) => (
              <List.Item key={r.fromAccountId}>
                {t('plan.returnedLine', { from: r.fromName, to: r.toName, amount: formatEuros(r.amountCents) })}
              </List.Item>
            ))}
          </List>
        </div>
      )}
    </Stack>
  );
}
