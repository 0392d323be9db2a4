import type { Actor } from '../../http/actor.js';

/**
 * | action                 | who                                                        |
 * |------------------------|------------------------------------------------------------|
 * | see a wallet / entries | the account itself and everyone above it; support          |
 * | allocate               | any hierarchy member, between two wallets it reaches       |
 * |                        | (itself included); not support, which holds no budget      |
 */
export const ledgerPolicy = {
  mayAllocate: (actor: Actor) => ['agency', 'manager', 'consultant', 'client'].includes(actor.account.role),
};
