import type { ReactNode } from 'react';
import { notifications } from '@mantine/notifications';
import { ApiError } from '../api/client';
import i18n from '../i18n';

type FormLike = { values: object; setFieldError: (path: never, error: ReactNode) => void };

function hasPath(values: object, path: string): boolean {
  let current: unknown = values;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !(part in current)) return false;
    current = (current as Record<string, unknown>)[part];
  }
  return true;
}

/** Validation messages arrive as "field : message"; next to the field, the field name is redundant. */
function withoutFieldPrefix(message: string, field: string): string {
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message.replace(new RegExp(`^${escaped}\\s?:\\s*`), '');
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return i18n.t('errors.unexpected', { status: '?' });
}

/**
 * Puts a server error next to the field it names (`error.field`, e.g. `email`, `company.siret`)
 * when the form has that field; otherwise returns the message for the form's alert. `aliases`
 * maps a server field to the form's own (or to null when the form does not show it).
 */
export function applyServerError(error: unknown, form?: FormLike, aliases: Record<string, string | null> = {}): string | null {
  if (error instanceof ApiError && error.field && form) {
    const path = error.field in aliases ? aliases[error.field] : error.field;
    if (path !== null && hasPath(form.values, path)) {
      (form.setFieldError as unknown as (p: string, e: ReactNode) => void)(path, withoutFieldPrefix(error.message, error.field));
      return null;
    }
  }
  return messageOf(error);
}

/** The message of a server error about `field` (for that field's own error), or null for any other error. */
export function fieldErrorOf(error: unknown, field: string): string | null {
  return error instanceof ApiError && error.field === field ? withoutFieldPrefix(error.message, field) : null;
}

export function notifyError(error: unknown) {
  notifications.show({ color: 'red', title: i18n.t('errors.title'), message: messageOf(error), autoClose: 8000 });
}

export function notifySuccess(message: string) {
  notifications.show({ color: 'teal', message, autoClose: 4000 });
}
