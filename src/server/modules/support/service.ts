import type { Actor, Ctx } from '../../http/actor.js';
import { forbidden } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { listOutbox } from '../notifications/service.js';

/**
 * Support reads the e-mails the app sent (or, without SMTP, would have sent). Live invitation and
 * reset links show only in development without SMTP; everywhere else support sees the redacted
 * copy. Every reading is written to the audit trail (who, from where, which messages).
 */
export async function readOutbox(actor: Actor, query: { to?: string; limit: number }, ctx: Ctx) {
  if (actor.account.role !== 'support') throw forbidden('support_only');
  const showLinks = ctx.config.outboxShowsLinks;
  return ctx.db.transaction().execute(async (tx) => {
    const items = await listOutbox(tx, { ...query, showLinks });
    await recordAudit(tx, actor, 'support.outbox_read', null, {
      to: query.to ?? null,
      emails: items.map((i) => i.id),
      linksShown: showLinks,
    });
    return items;
  });
}
