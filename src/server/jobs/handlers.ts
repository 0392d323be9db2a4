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

type SweepOptions = { force?: boolean };
export type Sweep = [name: string, run: (ctx: Ctx, options: SweepOptions) => Promise<unknown>];

/**
 * The time-based sweeps, in order. Each step runs even when an earlier one failed (an allocation's
 * e-mails must not wait on a failing reminder); what must not run after a failure shares its step.
 */
export const SWEEPS: Sweep[] = [
  // First: the data versions' counts never grow for long.
  ['fold data changes', (ctx) => foldChanges(ctx.db)],
  ['queued jobs', (ctx) => runDueJobs(ctx, jobHandlers)],
  ['order reminders', (ctx) => remindPendingOrders(ctx)],
  ['expired orders', (ctx) => expireOverdueOrders(ctx)],
  // One step: an order whose claim ran out is refunded from the captured price, never paid first.
  [
    'overdue claims, then payable orders',
    async (ctx) => {
      await refundOverdueClaims(ctx);
      await completePayableOrders(ctx);
    },
  ],
  ['expiring proofs', (ctx) => remindExpiringProofs(ctx)],
  ['immediate e-mails', (ctx) => composeImmediateEmails(ctx)],
  ['digests', (ctx) => runDigests(ctx)],
  ['monthly reports', (ctx) => sendMonthlyReports(ctx)],
  ['e-mail delivery', (ctx) => (ctx.config.smtpUrl ? deliverQueuedEmails(ctx.db, smtpTransport(ctx.config.smtpUrl), ctx.config.mailFrom) : Promise.resolve())],
  ['publisher reliability', (ctx, options) => refreshReliabilityIfDue(ctx, { force: options.force })],
  ['housekeeping', (ctx, options) => runHousekeeping(ctx, { force: options.force })],
];

/**
 * One pass of the queued jobs and the time-based sweeps (not the monitoring checks). `force` runs
 * the throttled ones (housekeeping, the publishers' reliability) even if they ran less than ten
 * minutes ago in this process (tests). A failed step is reported after the others have run, all
 * failures in one AggregateError naming their steps.
 */
export async function runSweeps(ctx: Ctx, options: SweepOptions = {}, sweeps: Sweep[] = SWEEPS): Promise<void> {
  const failures: { name: string; error: unknown }[] = [];
  for (const [name, run] of sweeps) {
    try {
      await run(ctx, options);
    } catch (error) {
      failures.push({ name, error });
    }
  }
  if (failures.length > 0) {
    const said = failures.map((f) => `${f.name}: ${f.error instanceof Error ? f.error.message : String(f.error)}`).join('; ');
    throw new AggregateError(failures.map((f) => f.error), `background sweeps failed (${said})`);
  }
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
