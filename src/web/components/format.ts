import { currentLanguage } from '../i18n';

const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });

/** Credits are integer cents of euro; always shown the French way: 1 234,56 €. */
export function formatEuros(cents: number): string {
  return euros.format(cents / 100);
}

const locale = () => (currentLanguage() === 'en' ? 'en-GB' : 'fr-FR');

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(), { timeStyle: 'short' }).format(new Date(iso));
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long' }).format(new Date(iso));
}

/** A day, short: « 3 nov. 2026 » (fr), "3 Nov 2026" (en). */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(new Date(iso));
}
