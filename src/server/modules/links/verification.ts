import type { Ctx } from '../../http/actor.js';
import { enqueueJob } from '../../jobs/queue.js';
import { findOrderToCheck, recordVerification, VERIFY_JOB } from '../orders/service.js';
import { recordCheck } from './checks.js';
import { startMonitoring } from './monitoring.js';
import { verifyLink } from './verify.js';

/**
 * The verification job: fetch the live URL, check the link against the article bought, keep the
 * check and its evidence, hand the outcome to the order, and start monitoring a verified link: one
 * transaction for all of it. A site that did not answer (after the verifier's own retries) is
 * tried again later by itself, `LATER_MS` apart, before the publisher has to submit again.
 */
const LATER_MS = [3_600_000, 6 * 3_600_000, 24 * 3_600_000];

export async function verifyOrderLink(payload: { orderId: string; liveUrl: string; later?: number }, ctx: Ctx): Promise<void> {
  const order = await findOrderToCheck(ctx.db, payload.orderId);
  if (!order || order.status !== 'link_placed' || order.liveUrl !== payload.liveUrl) return;
  const result = await verifyLink(
    { liveUrl: payload.liveUrl, articleUrl: order.articleUrl, siteDomain: order.siteDomain, targetUrl: order.targetUrl, anchor: order.anchor },
    { allowPrivate: ctx.config.crawlerAllowPrivate, retryDelaysMs: ctx.config.crawlerRetryDelaysMs },
  );
  await ctx.db.transaction().execute(async (tx) => {
    const at = new Date(result.checkedAt);
    const outcome = await recordVerification(tx, ctx, payload.orderId, payload.liveUrl, { ok: result.ok, rule: result.rule, messages: result.messages, at });
    if (!outcome) return;
    await recordCheck(tx, payload.orderId, 'verification', result);
    const later = payload.later ?? 0;
    if (!result.ok && result.transient && later < LATER_MS.length) {
      await enqueueJob(tx, VERIFY_JOB, { orderId: payload.orderId, liveUrl: payload.liveUrl, later: later + 1 }, new Date(Date.now() + LATER_MS[later]));
    }
    if (outcome.verified) {
      await startMonitoring(tx, ctx, { orderId: payload.orderId, liveUrl: result.finalUrl ?? payload.liveUrl, guaranteeEndsAt: outcome.guaranteeEndsAt!, now: at });
    }
  });
}
