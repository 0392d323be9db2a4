import type { Actor } from '../../http/actor.js';
import type { OrderStatus } from '../../db/types.js';

/**
 * | action                                   | who                                                      |
 * |------------------------------------------|----------------------------------------------------------|
 * | projects, campaigns, orders of a client  | the client itself and every account above it             |
 * | edit, close, reopen a campaign           | whoever may create one for its client (mayManageCampaign)|
 * | cancel an order                          | same, while the order is `placed`                        |
 * | accept / refuse / give the live URL      | the publisher of the order's site                        |
 * | see an order                             | the buyer side (client and above), its publisher, support|
 *
 * The lifecycle, as a table of the moves each status allows:
 */
export const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  placed: ['accepted', 'refused', 'cancelled', 'expired'],
  accepted: ['link_placed'],
  link_placed: ['link_placed', 'verified'],
  verified: ['completed', 'lost'],
  completed: ['lost'],
  refused: [],
  cancelled: [],
  expired: [],
  lost: [],
};

export function mayMove(from: OrderStatus, to: OrderStatus): boolean {
  return transitions[from].includes(to);
}

export const orderPolicy = {
  mayBuy: (actor: Actor) => ['agency', 'manager', 'consultant', 'client'].includes(actor.account.role),
  /** Edit, close or reopen a campaign: the buyer side that may create one (its client's reach is checked by the service). */
  mayManageCampaign: (actor: Actor) => orderPolicy.mayBuy(actor),
};

/** Statuses whose price is still held on the client's wallet (not yet captured). */
export const heldStatuses: readonly OrderStatus[] = ['placed', 'accepted', 'link_placed'];
/** Statuses whose price was captured (the link was verified). */
export const spentStatuses: readonly OrderStatus[] = ['verified', 'completed'];

/** Statuses whose price still counts against a campaign budget. */
export const committedStatuses: readonly OrderStatus[] = ['placed', 'accepted', 'link_placed', 'verified', 'completed'];
