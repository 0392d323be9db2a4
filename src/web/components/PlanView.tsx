import type { ReactNode } from 'react';
import { Alert, Badge, List, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Plan } from '../api/types';
import { formatEuros } from './format';

function Section({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <div>
      <Title order={5} mb={4}>
        {title}
      </Title>
      <List size="sm" spacing={2} data-testid={testId}>
        {children}
      </List>
    </div>
  );
}

/**
 * A re-homing plan as the server computed it: exactly what "Appliquer" will do. `closing` names
 * what happens to the accounts it closes: deactivated (by a person) or suspended (by a mode switch).
 */
export function PlanView({ plan, closing = 'deactivated' }: { plan: Plan; closing?: 'deactivated' | 'suspended' }) {
  const { t } = useTranslation();
  const roleLabel = (role: string) => t(`roles.${role}` as 'roles.client', { defaultValue: role });
  // inside a sentence, lower case: « Léa Petit (manager) revient sous … »
  const roleInText = (role: string) => t(`rolesInText.${role}` as 'rolesInText.client', { defaultValue: role });
  const empty =
    plan.deactivated.length === 0 &&
    plan.restored.length === 0 &&
    plan.moved.length === 0 &&
    plan.returnedCents.length === 0 &&
    plan.heldCents.length === 0;
  return (
    <Stack gap="md" data-testid="plan">
      {empty && (
        <Text c="dimmed" data-testid="plan-empty">
          {t('plan.empty')}
        </Text>
      )}
      {plan.deactivated.length > 0 && (
        <Section title={t(`plan.${closing}`, { count: plan.deactivated.length })} testId="plan-deactivated">
          {plan.deactivated.map((d) => (
            <List.Item key={d.accountId}>
              <Text span fw={500} size="sm">
                {d.name}
              </Text>{' '}
              <Text span c="dimmed" size="sm">
                ({roleLabel(d.role)})
              </Text>
            </List.Item>
          ))}
        </Section>
      )}
      {plan.restored.length > 0 && (
        <Section title={t('plan.restored', { count: plan.restored.length })} testId="plan-restored">
          {plan.restored.map((r) => (
            <List.Item key={r.accountId} data-testid="plan-restored-line">
              {r.toParentName
                ? t('plan.restoredLine', { name: r.name, role: roleInText(r.role), to: r.toParentName })
                : t('plan.restoredAlone', { name: r.name, role: roleInText(r.role) })}
              {r.formerParentName && r.formerParentId !== r.toParentId && (
                <Text span c="dimmed" size="sm">
                  {' '}
                  ({t('plan.restoredFormer', { name: r.formerParentName })})
                </Text>
              )}
              {r.invited && ' '}
              {r.invited && (
                <Badge size="sm" variant="light" color="blue" data-testid="plan-invited">
                  {t('plan.invited')}
                </Badge>
              )}
            </List.Item>
          ))}
        </Section>
      )}
      {plan.moved.length > 0 && (
        <Section title={t('plan.moved', { count: plan.moved.length })} testId="plan-moved">
          {plan.moved.map((m) => (
            <List.Item key={m.accountId}>
              {t('plan.movedLine', { name: m.name, from: m.fromParentName ?? '—', to: m.toParentName })}
            </List.Item>
          ))}
        </Section>
      )}
      {plan.returnedCents.length > 0 && (
        <Section title={t('plan.returned')} testId="plan-returned">
          {plan.returnedCents.map((r) => (
            <List.Item key={r.fromAccountId}>
              {t('plan.returnedLine', { from: r.fromName, to: r.toName, amount: formatEuros(r.amountCents) })}
            </List.Item>
          ))}
        </Section>
      )}
      {plan.heldCents.length > 0 && (
        <Section title={t('plan.held')} testId="plan-held">
          {plan.heldCents.map((h) => (
            <List.Item key={h.accountId}>
              {t('plan.heldLine', { from: h.name, to: h.toName, amount: formatEuros(h.amountCents) })}
            </List.Item>
          ))}
        </Section>
      )}
      {plan.notes.length > 0 && (
        <Alert variant="light" color="blue" title={t('plan.notes')} data-testid="plan-notes">
          <Stack gap={4}>
            {plan.notes.map((n) => (
              <Text key={n.code} size="sm" data-testid="plan-note" data-code={n.code}>
                {n.message}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
