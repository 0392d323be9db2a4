import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitByMonths } from './dates.js';

const DAY = 86_400_000;
const dayOf = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);
const numberOf = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY;

/** Every day a split covers, in order, from its whole months and its runs of days. */
function daysCovered(split: ReturnType<typeof splitByMonths>): string[] {
  const runs = [...split.days, ...(split.months ? [split.months] : [])];
  const days: string[] = [];
  for (const r of runs) for (let n = numberOf(r.from); n < numberOf(r.toExcl); n++) days.push(dayOf(n));
  return days.sort();
}

describe('splitByMonths (the dashboards and the team table read whole months from summaries)', () => {
  it('keeps the whole months and the days around them', () => {
    expect(splitByMonths({ from: '2025-12-04', to: '2026-12-03' })).toEqual({
      months: { from: '2026-01-01', toExcl: '2026-12-01' },
      days: [
        { from: '2025-12-04', toExcl: '2026-01-01' },
        { from: '2026-12-01', toExcl: '2026-12-04' },
      ],
    });
    expect(splitByMonths({ from: '2026-02-01', to: '2026-02-28' })).toEqual({ months: { from: '2026-02-01', toExcl: '2026-03-01' }, days: [] });
    expect(splitByMonths({ from: '2024-02-01', to: '2024-03-31' })).toEqual({ months: { from: '2024-02-01', toExcl: '2024-04-01' }, days: [] });
    expect(splitByMonths({ from: '2026-11-04', to: '2026-12-03' })).toEqual({ months: null, days: [{ from: '2026-11-04', toExcl: '2026-12-04' }] });
    expect(splitByMonths({ from: '2026-12-31', to: '2026-12-31' })).toEqual({ months: null, days: [{ from: '2026-12-31', toExcl: '2027-01-01' }] });
    expect(splitByMonths({ from: '2026-12-01', to: '2027-01-31' })).toEqual({ months: { from: '2026-12-01', toExcl: '2027-02-01' }, days: [] });
    // the first and the last days a date field accepts
    expect(splitByMonths({ from: '0001-01-15', to: '0001-03-02' })).toEqual({
      months: { from: '0001-02-01', toExcl: '0001-03-01' },
      days: [
        { from: '0001-01-15', toExcl: '0001-02-01' },
        { from: '0001-03-01', toExcl: '0001-03-03' },
      ],
    });
    expect(splitByMonths({ from: '9999-11-15', to: '9999-12-31' })).toEqual({
      months: { from: '9999-12-01', toExcl: '10000-01-01' },
      days: [{ from: '9999-11-15', toExcl: '9999-12-01' }],
    });
  });

  it('covers every day of any period exactly once, whole months starting on the 1st', () => {
    fc.assert(
      fc.property(fc.integer({ min: numberOf('2023-01-01'), max: numberOf('2028-12-31') }), fc.integer({ min: 0, max: 800 }), (start, length) => {
        const from = dayOf(start);
        const to = dayOf(start + length);
        const split = splitByMonths({ from, to });
        const expected = Array.from({ length: length + 1 }, (_, i) => dayOf(start + i));
        expect(daysCovered(split)).toEqual(expected);
        if (split.months) {
          expect(split.months.from.endsWith('-01') && split.months.toExcl.endsWith('-01')).toBe(true);
          for (const d of split.days) expect(numberOf(d.toExcl) - numberOf(d.from)).toBeLessThan(31);
        }
      }),
      { numRuns: 300 },
    );
  });
});
