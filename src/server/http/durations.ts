import { addMonths } from 'date-fns';

/**
 * A duration as settings write it: `30s`, `15m`, `24h`, `7d` or `12mo` (a whole number and its
 * unit). Months stay months (a guarantee of 12 months ends on the same day a year later), the
 * others are a number of milliseconds.
 */
export type Duration = { months: number } | { ms: number };

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `30s`, `15m`, `24h`, `7d`, `12mo`; null for anything else (zero included). */
export function parseDuration(text: string): Duration | null {
  const match = /^\s*(\d{1,6})\s*(s|m|h|d|mo)\s*$/i.exec(text);
  if (!match) return null;
  const amount = Number(match[1]);
  if (amount <= 0) return null;
  const unit = match[2].toLowerCase();
  return unit === 'mo' ? { months: amount } : { ms: amount * UNIT_MS[unit] };
}

/** `from` plus the duration: calendar months for months. */
export function addDuration(from: Date, duration: Duration): Date {
  return 'months' in duration ? addMonths(from, duration.months) : new Date(from.getTime() + duration.ms);
}

/** An approximate length in milliseconds (a month counts 30 days), for intervals and pauses. */
export function durationMs(duration: Duration): number {
  return 'months' in duration ? duration.months * 30 * 86_400_000 : duration.ms;
}
