import type { Actor } from '../../http/actor.js';

/**
 * | action                                   | who                                                        |
 * |------------------------------------------|------------------------------------------------------------|
 * | read an order's checks and claims        | its buyer side (client and above), its publisher, support  |
 * | ask for a re-check now                   | the publisher of the order's site                          |
 * | settle a claim (refund, partial, dismiss)| support, in its own name (not while acting as someone)     |
 */
export const claimPolicy = {
  maySettle: (actor: Actor) => actor.account.role === 'support' && actor.person.role === 'support' && !actor.actingAs,
};
