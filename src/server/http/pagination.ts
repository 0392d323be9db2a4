import { z } from 'zod';
import { invalidInput } from './errors.js';
import { INT4_MAX, INT4_MIN, isStorableText, isTimestampText } from './validation.js';

export const ZPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

export const ZPageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Keyset cursors are opaque to clients: the sort key of the last row, encoded. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The parts a cursor may carry: each is checked, so that no crafted cursor reaches SQL as a value it cannot cast. */
export const cursorPart = {
  text: z.string().max(1000).refine(isStorableText),
  uuid: z.uuid(),
  /** `timestamptz::text` as PostgreSQL wrote it */
  timestamp: z.string().refine(isTimestampText),
  /** an int4 sort value (position, volume, price in cents) */
  int: z.number().int().min(INT4_MIN).max(INT4_MAX),
  /** a bigint id, as a number or its digits */
  bigint: z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,18}$/)]),
};

const invalidCursor = () => invalidInput('cursor_invalid', 'cursor');

/**
 * The sort key a cursor carries, or null without a cursor. A cursor that is not one of ours (not
 * base64url JSON, not an array, or not exactly the given parts) is a 400
 * `validation_failed` on `cursor`, never a query error.
 */
export function decodeCursor<const P extends readonly z.ZodType[]>(
  cursor: string | undefined | null,
  parts: P,
): { -readonly [K in keyof P]: z.infer<P[K]> } | null;
export function decodeCursor(cursor: string | undefined | null, parts: readonly z.ZodType[]): unknown[] | null {
  if (!cursor) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed)) throw invalidCursor();
  if (parsed.length !== parts.length) throw invalidCursor();
  return parsed.map((value, i) => {
    const checked = parts[i].safeParse(value);
    if (!checked.success) throw invalidCursor();
    return checked.data;
  });
}

export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]) {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null;
  return { items, nextCursor };
}
