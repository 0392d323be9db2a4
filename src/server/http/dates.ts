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
