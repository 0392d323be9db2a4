import i18n, { currentLanguage } from '../i18n';

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

/**
 * How long ago, in words: « à l’instant », « il y a 5 minutes », « il y a 3 heures », « hier »,
 * « il y a 4 jours », then the day itself (« 3 nov. 2026 ») past a week.
 */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const ago = -seconds;
  if (ago < 60) return i18n.t('notifications.time.now');
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  if (ago < 3600) return rtf.format(-Math.floor(ago / 60), 'minute');
  if (ago < 86_400) return rtf.format(-Math.floor(ago / 3600), 'hour');
  // Past a day, days as the calendar counts them: « hier », « avant-hier », « il y a 3 jours ».
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(new Date(now)) - day(new Date(iso))) / 86_400_000);
  if (days < 7) return rtf.format(-Math.max(days, 1), 'day');
  return formatDay(iso);
}
