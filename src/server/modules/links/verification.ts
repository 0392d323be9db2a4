import type { Ctx } from '../../http/actor.js';
import { findOrderToCheck, recordVerification } from '../orders/service.js';
import { recordCheck } from './checks.js';
import { startMonitoring } from './monitoring.js';
import { verifyLink } from './verify.js';

/**
 * The verification job: fetch the live URL, check the link against the article bought, keep the
 * check and its evidence, hand the outcome to the order, and start monitoring a verified link: one
 * transaction for all of it.
 */
export async function verifyOrderLink(payload: { orderId: string; liveUrl: string }, ctx: Ctx): Promise<void> {
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
    if (outcome.verified) {
      await startMonitoring(tx, ctx, { orderId: payload.orderId, liveUrl: result.finalUrl ?? payload.liveUrl, guaranteeEndsAt: outcome.guaranteeEndsAt!, now: at });
    }
  });
}
