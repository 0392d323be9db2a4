import { sql } from 'kysely';
import type { Ctx, Tx } from '../http/actor.js';

/**
 * Background work lives in the database (`jobs`): enqueued in the transaction of the change that
 * asks for it, claimed with FOR UPDATE SKIP LOCKED so any number of app processes share the load,
 * retried with a growing delay, given up after `MAX_ATTEMPTS`.
 */
export type JobHandler = (payload: any, ctx: Ctx) => Promise<void>;
export type JobHandlers = Record<string, JobHandler>;

const MAX_ATTEMPTS = 5;
const LEASE_MS = 5 * 60_000;

export async function enqueueJob(tx: Tx, kind: string, payload: Record<string, unknown>, runAt: Date = new Date()): Promise<void> {
  await tx.insertInto('jobs').values({ kind, payload: JSON.stringify(payload), run_at: runAt }).execute();
}

async function claimJob(ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const job = await tx
      .selectFrom('jobs')
      .selectAll()
      .where('done_at', 'is', null)
      .where('run_at', '<=', new Date())
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', new Date())]))
      .orderBy('run_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!job) return null;
    await tx
      .updateTable('jobs')
      .set({ locked_until: new Date(Date.now() + LEASE_MS), attempts: sql`attempts + 1` })
      .where('id', '=', job.id)
      .execute();
    return { ...job, attempts: job.attempts + 1 };
  });
}

/** Runs the jobs that are due, one after the other, until none is left (or `max` ran). Returns how many ran. */
export async function runDueJobs(ctx: Ctx, handlers: JobHandlers, max = 100): Promise<number> {
  let ran = 0;
  while (ran < max) {
    const job = await claimJob(ctx);
    if (!job) break;
    ran++;
    const handler = handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job.payload, ctx);
      await ctx.db.updateTable('jobs').set({ done_at: new Date(), locked_until: null, last_error: null }).where('id', '=', job.id).execute();
    } catch (e) {
      const giveUp = job.attempts >= MAX_ATTEMPTS;
      await ctx.db
        .updateTable('jobs')
        .set({
          last_error: String(e instanceof Error ? e.stack ?? e.message : e).slice(0, 2000),
          locked_until: null,
          run_at: new Date(Date.now() + 2 ** job.attempts * 1000),
          ...(giveUp ? { done_at: new Date() } : {}),
        })
        .where('id', '=', job.id)
        .execute();
    }
  }
  return ran;
}

/** How long finished jobs stay readable: done ones a week, given-up ones (with their error) a month. */
export const FINISHED_JOBS_KEEP = { doneMs: 7 * 86_400_000, givenUpMs: 30 * 86_400_000 };

/** Housekeeping: deletes finished jobs past their keeping time, `batch` rows per statement. Returns how many went. */
export async function purgeFinishedJobs(ctx: Ctx, options: { now?: Date; batch?: number; maxBatches?: number } = {}): Promise<number> {
  const now = (options.now ?? new Date()).getTime();
  const doneBefore = new Date(now - FINISHED_JOBS_KEEP.doneMs);
  const givenUpBefore = new Date(now - FINISHED_JOBS_KEEP.givenUpMs);
  const batch = options.batch ?? 1_000;
  let deleted = 0;
  for (let i = 0; i < (options.maxBatches ?? 20); i++) {
    const result = await ctx.db
      .deleteFrom('jobs')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('done_at', 'is not', null)
          .where((w) =>
            w.or([
              w.and([w('last_error', 'is', null), w('done_at', '<', doneBefore)]),
              w('done_at', '<', givenUpBefore),
            ]),
          )
          .limit(batch),
      )
      .executeTakeFirst();
    const n = Number(result.numDeletedRows);
    deleted += n;
    if (n < batch) break;
  }
  return deleted;
}
