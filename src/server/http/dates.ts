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
  const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const nextMonth = (d: string) => {
    const [y, m] = d.split('-').map(Number);
    return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  };
  const firstWhole = range.from.endsWith('-01') ? range.from : nextMonth(range.from);
  const afterTo = nextDay(range.to);
  const endWhole = afterTo.endsWith('-01') ? afterTo : `${range.to.slice(0, 7)}-01`;
  if (firstWhole >= endWhole) return { months: null, days: [{ from: range.from, toExcl: afterTo }] };
  const days = [];
  if (range.from < firstWhole) days.push({ from: range.from, toExcl: firstWhole });
  if (endWhole < afterTo) days.push({ from: endWhole, toExcl: afterTo });
  return { months: { from: firstWhole, toExcl: endWhole }, days };
}
