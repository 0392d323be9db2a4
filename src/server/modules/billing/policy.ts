import type { Actor } from '../../http/actor.js';

/**
 * | action                                   | who                                                   |
 * |------------------------------------------|-------------------------------------------------------|
 * | request a top-up for a wallet            | a hierarchy member over that wallet (its own included) |
 * | see top-ups, pro-formas, invoices        | the account and everyone above it; support            |
 * | cancel a top-up awaiting payment         | whoever reaches its wallet; support                   |
 * | confirm a payment, cancel a paid top-up  | support                                               |
 */
export const billingPolicy = {
  mayRequestTopUp: (actor: Actor) => ['agency', 'manager', 'consultant', 'client'].includes(actor.account.role),
  mayConfirmPayments: (actor: Actor) => actor.account.role === 'support',
};
