import { Badge, type BadgeProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Role } from '../api/types';

const colors: Record<Role, string> = {
  agency: 'indigo',
  manager: 'violet',
  consultant: 'cyan',
  client: 'teal',
  publisher: 'orange',
  support: 'red',
};

export function RoleBadge({ role, ...props }: { role: Role } & BadgeProps) {
  const { t } = useTranslation();
  return (
    <Badge color={colors[role]} variant="light" radius="sm" {...props}>
      {t(`roles.${role}`)}
    </Badge>
  );
}
