import type { Ctx } from '../http/actor.js';
import { giveUpImport, IMPORT_JOB, runImport } from '../modules/catalog/service.js';
import { verifyOrderLink } from '../modules/links/service.js';
import { completePayableOrders, expireOverdueOrders, refreshReliabilityIfDue, remindPendingOrders, VERIFY_JOB } from '../modules/orders/service.js';
import { runDueJobs, type JobHandlers } from './queue.js';
import { runHousekeeping } from './housekeeping.js';
import { deliverQueuedEmails, runDigests, smtpTransport } from '../modules/notifications/service.js';

/** Which feature runs which kind of job. */
export const jobHandlers: JobHandlers = {
  [IMPORT_JOB]: { run: runImport, giveUp: giveUpImport },
  [VERIFY_JOB]: verifyOrderLink,
};

/**
 * One pass of everything the platform does by itself: queued jobs, then the time-based sweeps.
 * `force` runs the throttled ones (housekeeping, the publishers' reliability) even if they ran
 * less than ten minutes ago in this process (tests).
 */
export async function runBackgroundWork(ctx: Ctx, options: { force?: boolean } = {}): Promise<void> {
  await runDueJobs(ctx, jobHandlers);
  await remindPendingOrders(ctx);
  await expireOverdueOrders(ctx);
  await completePayableOrders(ctx);
  await runDigests(ctx);
  if (ctx.config.smtpUrl) await deliverQueuedEmails(ctx.db, smtpTransport(ctx.config.smtpUrl), ctx.config.mailFrom);
  await refreshReliabilityIfDue(ctx, { force: options.force });
  await runHousekeeping(ctx, { force: options.force });
}

/** Polls for background work until stopped; several app processes can run it side by side. */
export function startBackgroundWorker(ctx: Ctx, onError: (e: unknown) => void, everyMs = 1_000): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(() => runBackgroundWork(ctx).catch(onError));
  }, everyMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
