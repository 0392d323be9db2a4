import type { Actor, Ctx } from '../../http/actor.js';
import { AppError, forbidden, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { findEmailStatus, listOutbox, requeueEmail, type OutboxFilter } from '../notifications/service.js';

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

/**
 * Support reads the e-mails the app sent (or, without SMTP, would have sent), a page at a time. Live
 * invitation and reset links show only in development without SMTP; everywhere else support sees
 * the redacted copy. Every reading is written to the audit trail (who, from where, which messages).
 */
export async function readOutbox(actor: Actor, query: Omit<OutboxFilter, 'showLinks'>, ctx: Ctx) {
  assertSupport(actor);
  const showLinks = ctx.config.outboxShowsLinks;
  return ctx.db.transaction().execute(async (tx) => {
    const page = await listOutbox(tx, { ...query, showLinks });
    await recordAudit(tx, actor, 'support.outbox_read', null, {
      to: query.to ?? null,
      status: query.status ?? null,
      emails: page.items.map((i) => i.id),
      linksShown: showLinks,
    });
    return page;
  });
}
