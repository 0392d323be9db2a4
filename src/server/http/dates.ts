import { sql } from 'kysely';

/** Dates the users pick are days in France: a day starts at midnight in Paris, not in UTC. */
export const BUSINESS_TIME_ZONE = 'Europe/Paris';

/** The first instant of `day` (YYYY-MM-DD) in Paris, as SQL. */
export function startOfDay(day: string) {
  return sql<Date>`(${day}::date)::timestamp at time zone ${BUSINESS_TIME_ZONE}`;
}

/** The first instant of the day after `day` in Paris, as SQL: filters are "< end of the day". */
export function endOfDay(day: string) {
  return sql<Date>`(${day}::date + 1)::timestamp at time zone ${BUSINESS_TIME_ZONE}`;
}

/** Today's date in Paris, YYYY-MM-DD. */
export function todayInParis(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: BUSINESS_TIME_ZONE }).format(now);
}

/**
 * A period of days split for monthly summaries: its whole months (`from` inclusive, `toExcl`
 * exclusive, first days of months) and the days of its partial first and last months (`from`
 * inclusive, `toExcl` exclusive). Without a whole month, the period itself is the only run of days.
 */
export function splitByMonths(range: { from: string; to: string }) {
  // Days as YYYY-MM-DD with the year on four digits at least: the day after 9999-12-31 is
  // 10000-01-01 (PostgreSQL reads it), so days compare by length first, then as text.
  const day = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const parts = (d: string) => d.split('-').map(Number);
  const before = (a: string, b: string) => (a.length !== b.length ? a.length < b.length : a < b);
  const nextMonth = (d: string) => {
    const [y, m] = parts(d);
    return m === 12 ? day(y + 1, 1, 1) : day(y, m + 1, 1);
  };
  const [ty, tm, td] = parts(range.to);
  const lastOfMonth = new Date(0);
  lastOfMonth.setUTCFullYear(ty, tm, 0); // (Date.UTC would read years 0–99 as 1900–1999)
  const afterTo = td === lastOfMonth.getUTCDate() ? nextMonth(range.to) : day(ty, tm, td + 1);
  const firstWhole = range.from.endsWith('-01') ? range.from : nextMonth(range.from);
  const endWhole = afterTo.endsWith('-01') ? afterTo : day(ty, tm, 1);
  if (!before(firstWhole, endWhole)) return { months: null, days: [{ from: range.from, toExcl: afterTo }] };
  const days = [];
  if (before(range.from, firstWhole)) days.push({ from: range.from, toExcl: firstWhole });
  if (before(endWhole, afterTo)) days.push({ from: endWhole, toExcl: afterTo });
  return { months: { from: firstWhole, toExcl: endWhole }, days };
}
