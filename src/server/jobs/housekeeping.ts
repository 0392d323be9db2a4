import type { Ctx } from '../http/actor.js';
import { purgeOldIdempotencyKeys } from '../http/idempotency.js';
import { purgeExpiredAuthState } from '../modules/auth/service.js';
import { forwardStrandedCredits } from '../modules/ledger/service.js';
import { purgeOldUnsubscribeTokens } from '../modules/notifications/service.js';
import { PLATFORM_ACTOR } from '../modules/ledger/system.js';
import { purgeFinishedJobs } from './queue.js';

/** How often one process sweeps (every process runs the worker; the deletes are idempotent). */
export const HOUSEKEEPING_EVERY_MS = 10 * 60_000;

const lastSweep = new WeakMap<Ctx['db'], number>();

/**
 * Clears what nothing else ever would: expired sessions and ended sign-in failure windows (auth),
 * idempotency keys past their replay time (kept at least 24 h), finished jobs past a few days;
 * and forwards credits still resting on closed wallets to the account that took over (the ledger's
 * safety net: releases and payments already forward them in their own transaction).
 * Each owner deletes its own rows, in bounded batches. Runs at most every `HOUSEKEEPING_EVERY_MS`
 * per database handle unless `force` (tests, or a one-off from a script).
 */
export async function runHousekeeping(ctx: Ctx, options: { now?: Date; force?: boolean } = {}) {
  const now = options.now ?? new Date();
  const last = lastSweep.get(ctx.db);
  if (!options.force && last !== undefined && now.getTime() - last < HOUSEKEEPING_EVERY_MS) return null;
  lastSweep.set(ctx.db, now.getTime());
  const auth = await purgeExpiredAuthState(ctx, { now });
  const idempotencyKeys = await purgeOldIdempotencyKeys(ctx, { now });
  const jobs = await purgeFinishedJobs(ctx, { now });
  const strandedCredits = await forwardStrandedCredits(ctx, PLATFORM_ACTOR);
  const unsubscribeTokens = await purgeOldUnsubscribeTokens(ctx.db, now);
  return { ...auth, idempotencyKeys, jobs, strandedCredits, unsubscribeTokens };
}
