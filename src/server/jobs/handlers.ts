import type { Ctx } from '../http/actor.js';
import { giveUpImport, IMPORT_JOB, runImport } from '../modules/catalog/service.js';
import { refundOverdueClaims, runMonitoring, verifyOrderLink } from '../modules/links/service.js';
import { completePayableOrders, expireOverdueOrders, refreshReliabilityIfDue, remindPendingOrders, VERIFY_JOB } from '../modules/orders/service.js';
import { remindExpiringProofs } from '../modules/payouts/service.js';
import { runDueJobs, type JobHandlers } from './queue.js';
import { runHousekeeping } from './housekeeping.js';
import { foldChanges } from '../modules/freshness/service.js';
import { sendMonthlyReports } from '../modules/reports/service.js';
import { composeImmediateEmails, deliverQueuedEmails, runDigests, smtpTransport } from '../modules/notifications/service.js';

/** Which feature runs which kind of job. */
export const jobHandlers: JobHandlers = {
  [IMPORT_JOB]: { run: runImport, giveUp: giveUpImport },
  [VERIFY_JOB]: verifyOrderLink,
};

/**
 * One pass of the queued jobs and the time-based sweeps (not the monitoring checks). `force` runs
 * the throttled ones (housekeeping, the publishers' reliability) even if they ran less than ten
 * minutes ago in this process (tests).
 */
export async function runSweeps(ctx: Ctx, options: { force?: boolean } = {}): Promise<void> {
  // First, so that a sweep that fails cannot leave the data versions' counts growing.
  await foldChanges(ctx.db);
  await runDueJobs(ctx, jobHandlers);
  await remindPendingOrders(ctx);
  await expireOverdueOrders(ctx);
  // Before the payouts: an order whose claim ran out is refunded from the captured price, not paid.
  await refundOverdueClaims(ctx);
  await completePayableOrders(ctx);
  await remindExpiringProofs(ctx);
  await composeImmediateEmails(ctx);
  await runDigests(ctx);
  await sendMonthlyReports(ctx);
  if (ctx.config.smtpUrl) await deliverQueuedEmails(ctx.db, smtpTransport(ctx.config.smtpUrl), ctx.config.mailFrom);
  await refreshReliabilityIfDue(ctx, { force: options.force });
  await runHousekeeping(ctx, { force: options.force });
}

/** One pass of everything the platform does by itself, monitoring checks included (tests and scripts call it). */
export async function runBackgroundWork(ctx: Ctx, options: { force?: boolean } = {}): Promise<void> {
  await runMonitoring(ctx);
  await runSweeps(ctx, options);
}

/**
 * Polls for background work until stopped; several app processes can run it side by side. Two
 * loops: the sweeps, and the monitoring checks (which wait on other sites and must not hold back
 * e-mails or payouts). A loop whose pass is still running skips the tick instead of queueing passes.
 */
export function startBackgroundWorker(ctx: Ctx, onError: (e: unknown) => void, everyMs = 1_000): () => Promise<void> {
  let stopped = false;
  const passes = [(c: Ctx) => runSweeps(c), (c: Ctx) => runMonitoring(c).then(() => undefined)];
  const running: (Promise<void> | null)[] = passes.map(() => null);
  const timer = setInterval(() => {
    if (stopped) return;
    passes.forEach((pass, i) => {
      if (running[i]) return;
      running[i] = pass(ctx)
        .catch(onError)
        .finally(() => {
          running[i] = null;
        });
    });
  }, everyMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await Promise.all(running);
  };
}
