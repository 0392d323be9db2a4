import { sql } from 'kysely';
import type { Ctx, Tx } from '../http/actor.js';

/**
 * Background work lives in the database (`jobs`): enqueued in the transaction of the change that
 * asks for it, claimed with FOR UPDATE SKIP LOCKED so any number of app processes share the load,
 * retried with a growing delay, given up after `MAX_ATTEMPTS`.
 */
export type JobHandler = (payload: any, ctx: Ctx, run: JobRun) => Promise<void>;
/** Told, in the transaction that gives the job up, why it will not run again. */
export type JobGiveUp = (payload: any, reason: JobGiveUpReason, ctx: Ctx) => Promise<void>;
export type JobGiveUpReason = { attempts: number; lastError: string | null };
/** A kind of job: its handler, or its handler and what to do when it is given up. */
export type JobHandlers = Record<string, JobHandler | { run: JobHandler; giveUp: JobGiveUp }>;
/** The run of a claimed job: a long handler renews its lease so that no other process claims it meanwhile. */
export type JobRun = { id: string; attempt: number; renewLease: () => Promise<void> };

export const MAX_ATTEMPTS = 5;
const LEASE_MS = 5 * 60_000;

export async function enqueueJob(tx: Tx, kind: string, payload: Record<string, unknown>, runAt: Date = new Date()): Promise<void> {
  await tx.insertInto('jobs').values({ kind, payload: JSON.stringify(payload), run_at: runAt }).execute();
}

/**
 * Claims the next due job. A job whose attempts are spent but which is due again never finished
 * its last attempt (the process died or hung past its lease): it is given up here, so a job that
 * kills the server is not run again after every restart.
 */
async function claimJob(ctx: Ctx, handlers: JobHandlers) {
  for (;;) {
    const claimed = await claimOrGiveUp(ctx, handlers);
    if (claimed !== 'gave_up') return claimed;
  }
}

async function claimOrGiveUp(ctx: Ctx, handlers: JobHandlers) {
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
    if (job.attempts >= MAX_ATTEMPTS) {
      const lastError = job.last_error ?? `interrupted: no attempt of ${job.attempts} finished`;
      await tx.updateTable('jobs').set({ done_at: new Date(), locked_until: null, last_error: lastError }).where('id', '=', job.id).execute();
      await giveUpSafely(tx, ctx, handlers, job, { attempts: job.attempts, lastError });
      return 'gave_up' as const;
    }
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
    const job = await claimJob(ctx, handlers);
    if (!job) break;
    ran++;
    const entry = handlers[job.kind];
    const handler = typeof entry === 'function' ? entry : entry?.run;
    const run: JobRun = {
      id: job.id,
      attempt: job.attempts,
      renewLease: async () => {
        await ctx.db.updateTable('jobs').set({ locked_until: new Date(Date.now() + LEASE_MS) }).where('id', '=', job.id).execute();
      },
    };
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job.payload, ctx, run);
      await ctx.db.updateTable('jobs').set({ done_at: new Date(), locked_until: null, last_error: null }).where('id', '=', job.id).execute();
    } catch (e) {
      const giveUp = job.attempts >= MAX_ATTEMPTS;
      const lastError = String(e instanceof Error ? e.stack ?? e.message : e).slice(0, 2000);
      await ctx.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('jobs')
          .set({
            last_error: lastError,
            locked_until: null,
            run_at: new Date(Date.now() + 2 ** job.attempts * 1000),
            ...(giveUp ? { done_at: new Date() } : {}),
          })
          .where('id', '=', job.id)
          .execute();
        if (giveUp) await giveUpSafely(tx, ctx, handlers, job, { attempts: job.attempts, lastError });
      });
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

function giveUpHandler(handlers: JobHandlers, kind: string): JobGiveUp | undefined {
  const entry = handlers[kind];
  return entry && typeof entry !== 'function' ? entry.giveUp : undefined;
}

/**
 * Runs the kind's give-up handler in the transaction that gives the job up, behind a savepoint:
 * should the handler fail (a payload it cannot read), the job is given up all the same.
 */
async function giveUpSafely(tx: Tx, ctx: Ctx, handlers: JobHandlers, job: { id: string; kind: string; payload: unknown }, reason: JobGiveUpReason) {
  const handler = giveUpHandler(handlers, job.kind);
  if (!handler) return;
  await sql`savepoint job_give_up`.execute(tx);
  try {
    await handler(job.payload, reason, { ...ctx, db: tx });
    await sql`release savepoint job_give_up`.execute(tx);
  } catch (e) {
    await sql`rollback to savepoint job_give_up`.execute(tx);
    const note = `\ngive-up handler failed: ${String(e instanceof Error ? e.message : e)}`;
    await tx.updateTable('jobs').set({ last_error: `${reason.lastError ?? ''}${note}`.slice(0, 4000) }).where('id', '=', job.id).execute();
  }
}
