/**
 * Calendar days in Europe/Paris as instants, for the activity log's date filters: a day runs from
 * its Paris midnight to the next one, 23 or 25 hours on the days the clocks change.
 */
const PARIS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The offset of Paris from UTC at an instant, in milliseconds (+1 h in winter, +2 h in summer). */
function parisOffsetMs(at: number): number {
  const p = Object.fromEntries(PARIS.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** A YYYY-MM-DD that names a real day (2026-02-30 does not), as [year, month, day], else null. */
export function parseDay(text: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  return [y, mo, d];
}

/** The instant a Paris day begins (its midnight in Paris; never in a DST gap, which falls at 2:00). */
export function parisDayStart(day: [number, number, number]): Date {
  const utcMidnight = Date.UTC(day[0], day[1] - 1, day[2]);
  let guess = utcMidnight - parisOffsetMs(utcMidnight);
  guess = utcMidnight - parisOffsetMs(guess);
  return new Date(guess);
}

/** The instant the Paris day after `day` begins: the exclusive end of `day`. */
export function parisDayEnd(day: [number, number, number]): Date {
  const next = new Date(Date.UTC(day[0], day[1] - 1, day[2] + 1));
  return parisDayStart([next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()]);
}
