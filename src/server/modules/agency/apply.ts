import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { ClosedReason, Language } from '../../db/types.js';
import { notFound } from '../../http/errors.js';
import { translate } from '../../http/messages.js';
import { findAccountById, setParent, setParentsOfLeaves } from '../accounts/service.js';
import { inviteAccount } from '../auth/service.js';
import { transferCredits } from '../ledger/service.js';
import { closeAccount, followMovedAccounts, forgetSuspensionMovesOf, reopenAccount } from './queries.js';
import type { Plan, TPlan } from './schema.js';

export function agencyIdOf(actor: Actor): string {
  if (!actor.account.agencyId) throw notFound();
  return actor.account.agencyId;
}

/**
 * Applies a plan exactly as shown, inside the caller's transaction: accounts restored (a new
 * invitation to those who never chose a password), moved, credits returned, accounts closed with
 * their reason. An account a switch moved away from a suspended collaborator that a plan moves on
 * is still that collaborator's to get back: its record follows it (`followMovedAccounts`), unless
 * the move is `explicitMoveOf`, someone giving that account another parent on purpose: then no
 * suspended collaborator gets it back any more, and its records are dropped (left behind, a record
 * became true again once a later switch brought the account back where it pointed, and a restore
 * then left the account waiting for a collaborator that was not coming back).
 */
export async function applyPlan(
  tx: Tx,
  actor: Actor,
  plan: Plan,
  ctx: Ctx,
  options: { closeReason?: ClosedReason; explicitMoveOf?: string } = {},
): Promise<void> {
  for (const r of plan.restored) await reopenAccount(tx, r.accountId);
  // Collaborators first (their subtrees move with them), then every client at once.
  for (const move of plan.moved.filter((m) => m.role !== 'client')) await setParent(tx, move.accountId, move.toParentId);
  await setParentsOfLeaves(tx, plan.moved.filter((m) => m.role === 'client'));
  await followMovedAccounts(
    tx,
    plan.moved.filter((m) => m.accountId !== options.explicitMoveOf),
  );
  if (options.explicitMoveOf) await forgetSuspensionMovesOf(tx, options.explicitMoveOf);
  for (const credit of plan.returnedCents) {
    await transferCredits(tx, actor, {
      fromAccountId: credit.fromAccountId,
      toAccountId: credit.toAccountId,
      amountCents: credit.amountCents,
      kind: 'return',
      memo: null,
    });
  }
  for (const d of plan.deactivated) {
    await closeAccount(tx, d.accountId, { reason: options.closeReason ?? 'deactivated', byPersonId: actor.person.id });
  }
  for (const r of plan.restored) {
    if (r.invited) await inviteAccount(tx, actor, (await findAccountById(tx, r.accountId))!, ctx);
  }
}

/** The plan as the API shows it: its notes in the reader's language. */
export function localizePlan(plan: Plan, lang: Language): TPlan {
  return { ...plan, notes: plan.notes.map((n) => ({ code: n.code.replace(/^plan_/, ''), message: translate(lang, n.code, n.params ?? {}) })) };
}
