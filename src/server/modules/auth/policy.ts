import type { Actor, ActorAccount } from '../../http/actor.js';
import { AppError, forbidden } from '../../http/errors.js';

/**
 * Acting-as rules (DESIGN rule 4), in one place:
 * - anyone may act as an account strictly below them (checked in the closure table by the caller);
 * - support may act as anyone but itself, and must state a reason;
 * - no nesting, but a switch: acting as Y while acting as X stops X and starts Y in one step (the
 *   target is checked against the PERSON's reach, never X's), recorded as a stop then a start;
 * - while acting, the acted account's credentials, e-mail, second factor, API tokens and
 *   deletion are out of bounds.
 */
export const actAsRules = {
  supportNeedsReason: (person: ActorAccount, reason: string | undefined) =>
    person.role !== 'support' || (reason !== undefined && reason.trim().length >= 5),
  /** a fresh start, or a switch from the account acted as now (never acting from an acted account's reach) */
  mayStartFrom: (actor: Actor) => actor.sessionId !== null,
  /** starting while acting is a switch: the current acting ends in the same step */
  isSwitch: (actor: Actor) => actor.actingAs,
};

/** Credentials-like changes refuse an acting session outright. */
export function assertNotActing(actor: Actor): void {
  if (actor.actingAs) throw new AppError('forbidden_while_acting', 403, 'forbidden_while_acting');
}

export function assertCanStartActing(actor: Actor): void {
  if (!actAsRules.mayStartFrom(actor)) throw forbidden();
}
