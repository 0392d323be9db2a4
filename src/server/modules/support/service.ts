import type { Actor, Ctx } from '../../http/actor.js';
import { AppError, forbidden, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { findEmailStatus, requeueEmail } from '../notifications/service.js';

function assertSupport(actor: Actor) {
  if (actor.account.role !== 'support') throw forbidden('support_only');
}

/**
 * Support puts an outbox message (dead after its last attempt, or waiting for a retry) back in the
 * queue for a fresh series of attempts, due at once. Audited. A sent message cannot be retried.
 */
export async function retryOutboxEmail(actor: Actor, id: string, ctx: Ctx) {
  assertSupport(actor);
  return ctx.db.transaction().execute(async (tx) => {
    const status = await findEmailStatus(tx, id);
    if (!status) throw notFound();
    const requeued = await requeueEmail(tx, id);
    if (!requeued) throw new AppError('invalid_state', 409, status === 'sent' ? 'email_already_sent' : 'email_being_sent');
    await recordAudit(tx, actor, 'support.email_retry', { type: 'email', id }, { previousStatus: status, to: requeued.to });
    return { id, status: 'pending' as const };
  });
}

