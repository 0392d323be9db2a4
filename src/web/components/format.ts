import i18n, { currentLanguage } from '../i18n';
import { frenchDate } from '../i18n/french';

const locale = () => (currentLanguage() === 'en' ? 'en-GB' : 'fr-FR');

const euros = {
  'fr-FR': new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }),
  'en-GB': new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }),
};

/** Credits are integer cents of euro, shown in the interface's language: « 1 234,56 € » (fr), "€1,234.56" (en). */
export function formatEuros(cents: number): string {
  return euros[locale()].format(cents / 100);
}

/** A count or a volume: « 96 350 » (fr), "96,350" (en). */
export function formatNumber(n: number): string {
  return n.toLocaleString(locale());
}

/** A date in the interface's language, with « 1er » for the first of the month in French. */
function longDate(options: Intl.DateTimeFormatOptions, iso: string): string {
  const format = new Intl.DateTimeFormat(locale(), options);
  return locale() === 'fr-FR' ? frenchDate(format, new Date(iso)) : format.format(new Date(iso));
}

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
  return longDate({ dateStyle: 'long' }, iso);
}

/** A day, short: « 3 nov. 2026 », « 1er nov. 2026 » (fr), "3 Nov 2026" (en). */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  return longDate({ dateStyle: 'medium' }, iso);
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

/** What number inputs use to separate decimals and thousands: « 1 234,5 » (fr), "1,234.5" (en). */
export const decimalSeparator = () => (currentLanguage() === 'en' ? '.' : ',');
export const thousandSeparator = () => (currentLanguage() === 'en' ? ',' : '\u202f');

/**
 * A chart period (its first day, YYYY-MM-DD) as short words: a day « 1er nov. », a week « sem. du
 * 3 nov. », a month « nov. 2026 » (fr); "1 Nov", "w/c 3 Nov", "Nov 2026" (en).
 */
export function formatPeriod(day: string, bucket: 'day' | 'week' | 'month'): string {
  const iso = `${day}T12:00:00Z`;
  if (bucket === 'month') return new Intl.DateTimeFormat(locale(), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso));
  const short = longDate({ day: 'numeric', month: 'short', timeZone: 'UTC' }, iso);
  return bucket === 'week' ? i18n.t('cockpit.range.week', { day: short }) : short;
}
