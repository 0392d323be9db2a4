import type { Ctx } from '../../http/actor.js';
import { findOrderToVerify, recordVerification } from '../orders/service.js';
import { verifyLink } from './verify.js';

/** The verification job: fetch the live URL, check the link, hand the outcome to the order. */
export async function verifyOrderLink(payload: { orderId: string; liveUrl: string }, ctx: Ctx): Promise<void> {
  const order = await findOrderToVerify(payload.orderId, payload.liveUrl, ctx);
  if (!order) return;
  // Until the order carries its article and site: the live URL stands for both.
  const expectation = { ...order, articleUrl: order.liveUrl, siteDomain: new URL(order.liveUrl).host };
  const result = await verifyLink(expectation, { allowPrivate: ctx.config.crawlerAllowPrivate });
  await recordVerification(
    payload.orderId,
    payload.liveUrl,
    { ok: result.ok, rule: result.rule, messages: result.messages },
    ctx,
  );
}
