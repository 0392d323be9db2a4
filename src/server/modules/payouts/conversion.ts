import type { Actor, Ctx } from '../../http/actor.js';
import { ruleViolation } from '../../http/errors.js';
import { runIdempotent, type Idempotency } from '../../http/idempotency.js';
import { formatEuros } from '../../http/money.js';
import { recordAudit } from '../audit/service.js';
import { findAccountById } from '../accounts/service.js';
import { verifyCredentials, type RequestMeta } from '../auth/service.js';
import { forwardFromClosedWallet, lockWallets, repayDebtsFromWallet, transferCredits } from '../ledger/service.js';
import { conversionBlockers } from './policy.js';
import { buyerLinkOf, saveBuyerLink } from './queries.js';
import { requirePublisher } from './profile.js';
import { blocked, payoutFactsOf } from './withdrawals.js';

const BUYER_ROLES = new Set(['agency', 'manager', 'consultant', 'client']);

export async function getBuyerLink(actor: Actor, ctx: Ctx) {
  const id = requirePublisher(actor);
  const link = await buyerLinkOf(ctx.db, id);
  return link ? { buyerAccountId: link.buyer_id, buyerName: link.buyer_name } : null;
}

/**
 * The publisher proves it owns a buyer account by its e-mail and password (under the sign-in
 * limits; no session is opened): its earnings can then turn into credits there.
 */
export async function linkBuyerAccount(actor: Actor, input: { email: string; password: string }, meta: RequestMeta, ctx: Ctx) {
  const id = requirePublisher(actor, true);
  const found = await verifyCredentials(input, meta, ctx);
  if (!found) throw ruleViolation('invalid_credentials', {}, 'password');
  const buyer = await findAccountById(ctx.db, found.id);
  if (!buyer || !buyer.active || !BUYER_ROLES.has(buyer.role)) throw ruleViolation('buyer_account_invalid', {}, 'email');
  return ctx.db.transaction().execute(async (tx) => {
    await saveBuyerLink(tx, { publisher_id: id, buyer_id: buyer.id, linked_by: actor.person.id });
    await recordAudit(tx, actor, 'buyer_link.save', { type: 'account', id }, { buyerAccountId: buyer.id });
    return { buyerAccountId: buyer.id, buyerName: buyer.name };
  });
}

/** Earnings become credits on the linked buyer account (what is owed is repaid first). */
export async function convertEarnings(actor: Actor, input: { amountCents: number }, idem: Idempotency, ctx: Ctx) {
  const id = requirePublisher(actor, true);
  return runIdempotent(ctx, actor, idem, async (tx) => {
    const link = await buyerLinkOf(tx, id);
    await lockWallets(tx, link ? [id, link.buyer_id] : [id]);
    const facts = await payoutFactsOf(tx, id, ctx);
    const blockers = conversionBlockers(facts);
    if (blockers.length > 0) throw blocked(blockers[0], facts.minimumCents);
    const convertible = facts.availableCents - facts.debtCents;
    if (input.amountCents > convertible) throw ruleViolation('conversion_exceeds', { available: formatEuros(convertible) }, 'amountCents');
    const buyer = await findAccountById(tx, link!.buyer_id);
    if (!buyer?.active) throw ruleViolation('buyer_account_invalid', {}, 'amountCents');
    if (facts.debtCents > 0) await repayDebtsFromWallet(tx, actor, id);
    const transfer = await transferCredits(tx, actor, {
      fromAccountId: id,
      toAccountId: buyer.id,
      amountCents: input.amountCents,
      kind: 'earnings_conversion',
      memo: null,
      idempotencyKey: idem?.key ?? null,
    });
    await forwardFromClosedWallet(tx, actor, buyer.id);
    await recordAudit(tx, actor, 'earnings.convert', { type: 'transfer', id: transfer.transferId }, { amountCents: input.amountCents, buyerAccountId: buyer.id });
    return { transferId: transfer.transferId, amountCents: input.amountCents, buyerAccountId: buyer.id };
  });
}
