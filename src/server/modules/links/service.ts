import type { Ctx } from '../../http/actor.js';
import { findOrderToVerify, recordVerification } from '../orders/service.js';
import { ruleLabels, verifyLink } from './verify.js';

/** The verification job: fetch the live URL, check the link, hand the outcome to the order. */
export async function verifyOrderLink(payload: { orderId: string; liveUrl: string }, ctx: Ctx): Promise<void> {
  const expectation = await findOrderToVerify(payload.orderId, payload.liveUrl, ctx);
  if (!expectation) return;
  const result = await verifyLink(expectation, { allowPrivate: ctx.config.crawlerAllowPrivate });
  const messages = result.ok
    ? { fr: 'Lien vérifié : dofollow, ancre et page indexable.', en: 'Link verified: dofollow, anchor and indexable page.' }
    : { fr: `${ruleLabels[result.rule].fr} — ${result.detail}`, en: `${ruleLabels[result.rule].en} — ${result.detail}` };
  await recordVerification(payload.orderId, payload.liveUrl, { ok: result.ok, rule: result.ok ? null : result.rule, messages }, ctx);
}
