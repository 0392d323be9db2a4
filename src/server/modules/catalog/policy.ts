import type { Actor } from '../../http/actor.js';

/**
 * | action                                  | who                                                          |
 * |-----------------------------------------|--------------------------------------------------------------|
 * | register sites, add articles, import    | publishers, and customers who also sell (a standalone client |
 * |                                         | or an agency account); only on their own sites               |
 * | review sites, edit the price grid       | support                                                      |
 * | search the catalog                      | every signed-in account; never sees a domain or article URL  |
 * | keep favourite offers                   | the accounts that buy (agency, manager, consultant, client), |
 * |                                         | as the account the person acts as; not publishers or support |
 */
export const catalogPolicy = {
  maySell: (actor: Actor) =>
    actor.account.role === 'publisher' ||
    actor.account.role === 'agency' ||
    (actor.account.role === 'client' && actor.account.agencyId === null),
  mayReview: (actor: Actor) => actor.account.role === 'support',
  /** the same roles as orders' mayBuy: favourites are a buyer's shortlist */
  mayKeepFavourites: (actor: Actor) => ['agency', 'manager', 'consultant', 'client'].includes(actor.account.role),
};
