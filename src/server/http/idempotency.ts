import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { Actor, Ctx, Tx } from './actor.js';
import { AppError, invalidInput } from './errors.js';
import { isStorableText } from './validation.js';

/** The idempotency key a money-moving request came with, and a fingerprint of what it asked. */
export type Idempotency = { key: string; hash: string } | null;

export function idempotencyOf(request: FastifyRequest): Idempotency {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return null;
  const key = String(header).trim();
  if (key.length < 8 || key.length > 200 || !isStorableText(key)) throw invalidInput('idempotency_key_invalid', 'idempotency-key');
  const hash = createHash('sha256')
    .update(
      `${request.method} ${request.routeOptions.url} ${JSON.stringify(request.params)} ${JSON.stringify(request.body ?? null)}`,
    )
    .digest('hex');
  return { key, hash };
}

/**
 * Runs a money-moving use case in one transaction with its idempotency key: the first request
 * with a key does the work and stores its answer in that same transaction; the same key and body
 * get the stored answer back; the same key with another body is 409. A concurrent duplicate waits
 * on the key's row until the first commits, then replays. A failed attempt stores nothing.
 */
export async function runIdempotent<T>(ctx: Ctx, actor: Actor, idem: Idempotency, work: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute(async (tx) => {
    if (idem) {
      // The database functions idempotency_claim and idempotency_store (migration 0027), which
      // allocate_credits calls too.
      const { rows } = await sql<{ stored: T | null }>`
        select idempotency_claim(${actor.person.id}::uuid, ${idem.key}::text, ${idem.hash}::text) as stored`
        .execute(tx)
        .catch((e: unknown) => {
          throw e instanceof Error && e.message.startsWith('maillon:idempotency_conflict')
            ? new AppError('idempotency_conflict', 409, 'idempotency_conflict', {}, 'idempotency-key')
            : e;
        });
      if (rows[0].stored !== null) return rows[0].stored;
    }
    const outcome = await work(tx);
    if (idem) {
      await sql`select idempotency_store(${actor.person.id}::uuid, ${idem.key}::text, ${JSON.stringify(outcome)}::jsonb)`.execute(tx);
    }
    return outcome;
  });
}

/** How long a stored answer stays replayable; housekeeping never goes below 24 hours. */
export const IDEMPOTENCY_KEEP_MS = 48 * 3_600_000;

/**
 * Housekeeping (run by the background worker): deletes idempotency keys older than `keepMs`
 * (at least 24 h), `batch` rows per statement, at most `maxBatches` statements. Returns how many went.
 */
export async function purgeOldIdempotencyKeys(
  ctx: Ctx,
  options: { now?: Date; keepMs?: number; batch?: number; maxBatches?: number } = {},
): Promise<number> {
  const keepMs = Math.max(options.keepMs ?? IDEMPOTENCY_KEEP_MS, 24 * 3_600_000);
  const before = new Date((options.now ?? new Date()).getTime() - keepMs);
  const batch = options.batch ?? 1_000;
  let deleted = 0;
  for (let i = 0; i < (options.maxBatches ?? 20); i++) {
    const result = await sql`
      delete from idempotency_keys where ctid in (
        select ctid from idempotency_keys where created_at < ${before} limit ${batch})`.execute(ctx.db);
    const n = Number(result.numAffectedRows ?? 0);
    deleted += n;
    if (n < batch) break;
  }
  return deleted;
}
