import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { invalidInput } from './errors.js';

/**
 * Shared validation for every route: what PostgreSQL would refuse must be refused here first, as a
 * 400 naming the field, never reach SQL as a 500.
 *
 * - Text: PostgreSQL text cannot hold U+0000, and UTF-8 cannot encode a lone UTF-16 surrogate. One
 *   preValidation hook (`registerInputGuard`) refuses either anywhere in the params, the query and
 *   the JSON body (keys included), so no schema can forget it.
 * - Integers: bounded to what their column holds (`zInt`, `zQueryInt`; int4 unless told otherwise).
 * - Days: `ZDay` accepts only dates that exist (no 2026-02-30) in the range PostgreSQL's `date` holds.
 * - Cursors: see `decodeCursor` in pagination.ts (each part checked against its type).
 */

export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;

/** U+0000 or a UTF-16 surrogate without its other half. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** `value` with what PostgreSQL text cannot hold replaced by U+FFFD (for text the user does not type: headers). */
export function toStorableText(value: string | undefined): string | undefined {
  return value?.replace(new RegExp(UNSTORABLE.source, 'g'), '\uFFFD');
}

/** The path (`company.legalName`, `keywords.0.keyword`) of the first string that PostgreSQL could not store, if any. */
export function findUnstorableText(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path.join('.') || 'body';
  if (value === null || typeof value !== 'object' || depth > 64 || Buffer.isBuffer(value)) return null;
  for (const [key, child] of Object.entries(value)) {
    if (!isStorableText(key)) return [...path, key.replace(UNSTORABLE, '?')].join('.');
    const found = findUnstorableText(child, [...path, key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** Refuses NUL bytes and lone surrogates in the params, query and body of every request (400 naming the field). */
export function registerInputGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    for (const part of [request.params, request.query, request.body]) {
      const field = findUnstorableText(part);
      if (field !== null) throw invalidInput('text_invalid_characters', field, { field });
    }
  });
}

/** An integer its column can hold (int4 by default), with optional tighter bounds. */
export const zInt = (bounds: { min?: number; max?: number } = {}) =>
  z
    .number()
    .int()
    .min(Math.max(bounds.min ?? INT4_MIN, INT4_MIN))
    .max(Math.min(bounds.max ?? INT4_MAX, INT4_MAX));

/** The same, from a query string (`?minVolume=10`). */
export const zQueryInt = (bounds: { min?: number; max?: number } = {}) =>
  z.coerce
    .number()
    .int()
    .min(Math.max(bounds.min ?? INT4_MIN, INT4_MIN))
    .max(Math.min(bounds.max ?? INT4_MAX, INT4_MAX));

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** A calendar day that exists, YYYY-MM-DD, years 1 to 9999. */
export function isCalendarDay(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** A day picked by a user: YYYY-MM-DD, and a date that exists (no 2026-02-30). */
export const ZDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Date au format AAAA-MM-JJ / date as YYYY-MM-DD' })
  .refine(isCalendarDay, { error: "Cette date n'existe pas / no such date" });

/**
 * A timestamp as PostgreSQL writes `timestamptz::text` (or ISO 8601): a day that exists, a time of
 * day that exists, an optional fraction of at most 6 digits and an optional offset.
 */
export function isTimestampText(value: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2})(?::?(\d{2}))?)?$/.exec(value);
  if (!m || !isCalendarDay(m[1])) return false;
  const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const [oh, om] = [Number(m[7] ?? 0), Number(m[8] ?? 0)];
  return h < 24 && min < 60 && s < 60 && oh <= 15 && om < 60;
}
