import type { Actor, Ctx, Tx } from '../../http/actor.js';
import { invalidState, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { notify } from '../notifications/service.js';
import { audienceOf, findAccountById, supportAudience } from '../accounts/service.js';
import { agencyIdOf } from './apply.js';
import { agencyPolicy, assertPolicy } from './policy.js';
import { countMembersBelow, findAgencyRequest, listAgencyRequests as queryAgencyRequests, promoteToAgency } from './queries.js';

export { switchMode } from './modes.js';
export { createMember, deactivateMember, moveMembers, reactivateMember, updateMember } from './members.js';
export { listTeam, teamForExport, teamPeriod, useTeamOrderFigures, type TeamOrderFigures, type TeamOrderReader } from './team.js';

// ---------------------------------------------------------------------------------------------
// Promotion: what a customer had before it became an agency stays in its agency's views

/**
 * A step run in the promoting transaction, by a feature below agency that keeps tenant rows of the
 * promoted account (its orders, its top-ups): they join the new agency's tenant (`agency_id`), so
 * the agency's views and totals keep them. The features register themselves when the app is built
 * (app.ts), as they sit below agency and cannot be called from here.
 */
export type PromotionStep = (tx: Tx, accountId: string, agencyId: string) => Promise<void>;
const promotionSteps = new Set<PromotionStep>();
export function onAgencyPromotion(step: PromotionStep): void {
  promotionSteps.add(step);
}

// ---------------------------------------------------------------------------------------------
// Activation

export async function requestAgencyMode(actor: Actor, input: { message?: string }, ctx: Ctx) {
  assertPolicy(agencyPolicy.mayRequestAgencyMode(actor), 'agency_request_not_customer');
  return ctx.db.transaction().execute(async (tx) => {
    const pending = await tx
      .selectFrom('agency_requests')
      .select('id')
      .where('account_id', '=', actor.account.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (pending) throw invalidState('agency_request_exists');
    const row = await tx
      .insertInto('agency_requests')
      .values({ account_id: actor.account.id, message: input.message || null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, 'agency.request', { type: 'agency_request', id: row.id });
    await notify(tx, ctx, {
      kind: 'agency_request_new',
      params: { account: actor.account.name },
      link: '/support',
      object: { type: 'agency_request', id: row.id },
      recipients: await supportAudience(tx),
    });
    return (await findAgencyRequest(tx, row.id, false))!;
  });
}

export async function listAgencyRequests(
  actor: Actor,
  input: { status?: 'pending' | 'approved' | 'rejected'; limit: number; cursor?: string },
  ctx: Ctx,
) {
  assertPolicy(agencyPolicy.mayDecideAgencyRequests(actor), 'support_only');
  return queryAgencyRequests(ctx.db, input);
}

/** Latest request of the caller's own account, so its page can say "pending". */
export async function findOwnAgencyRequest(actor: Actor, ctx: Ctx) {
  const row = await ctx.db
    .selectFrom('agency_requests')
    .select('id')
    .where('account_id', '=', actor.account.id)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row ? (await findAgencyRequest(ctx.db, row.id, false))! : null;
}

export async function decideAgencyRequest(actor: Actor, id: string, decision: 'approve' | 'reject', note: string | undefined, ctx: Ctx) {
  assertPolicy(agencyPolicy.mayDecideAgencyRequests(actor), 'support_only');
  return ctx.db.transaction().execute(async (tx) => {
    const request = await findAgencyRequest(tx, id, true);
    if (!request) throw notFound();
    if (request.status !== 'pending') throw invalidState();
    const account = await findAccountById(tx, request.accountId);
    if (decision === 'approve') {
      if (!account || !account.active || account.role !== 'client' || account.agency_id !== null) {
        throw invalidState('agency_request_not_customer');
      }
      await promoteToAgency(tx, account.id);
      for (const step of promotionSteps) await step(tx, account.id, account.id);
    }
    await tx
      .updateTable('agency_requests')
      .set({
        status: decision === 'approve' ? 'approved' : 'rejected',
        decided_at: new Date(),
        decided_by: actor.person.id,
        decision_note: note ?? null,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, actor, `agency.request_${decision}`, { type: 'account', id: request.accountId }, { requestId: id });
    // The requester is told (by e-mail too: it is the account concerned); approved, its new menu.
    await notify(tx, ctx, {
      kind: 'agency_request_decided',
      params: { decision },
      link: decision === 'approve' ? '/agence' : '/mode-agence',
      object: { type: 'agency_request', id },
      recipients: await audienceOf(tx, request.accountId),
    });
    return (await findAgencyRequest(tx, id, false))!;
  });
}

// ---------------------------------------------------------------------------------------------
// The agency and its mode

export async function getAgency(actor: Actor, ctx: Ctx) {
  const agencyId = agencyIdOf(actor);
  const agency = await findAccountById(ctx.db, agencyId);
  if (!agency || agency.role !== 'agency') throw notFound();
  return {
    id: agency.id,
    name: agency.name,
    mode: agency.agency_mode!,
    counts: await countMembersBelow(ctx.db, actor.account.id),
  };
}

export { countPendingAgencyRequests } from './queries.js';
