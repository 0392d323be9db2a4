import type { Language } from '../../db/types.js';

/**
 * What people are told about, and in which category they choose how (preferences are per
 * category). Each kind lists the params its messages use; amounts are cents, dates ISO strings.
 */
export const notificationCategories = ['publisher_orders', 'orders', 'money', 'team', 'support'] as const;
export type NotificationCategory = (typeof notificationCategories)[number];

export const notificationKinds = {
  // The publisher's side
  order_new: { category: 'publisher_orders', params: ['site', 'anchor', 'priceCents', 'acceptBy'] },
  order_reminder: { category: 'publisher_orders', params: ['site', 'anchor', 'acceptBy'] },
  order_cancelled: { category: 'publisher_orders', params: ['site', 'anchor'] },
  publisher_claim_opened: { category: 'publisher_orders', params: ['site', 'anchor', 'reason', 'reinstateBy'] },
  publisher_claim_reinstated: { category: 'publisher_orders', params: ['site', 'anchor'] },
  publisher_claim_refunded: { category: 'publisher_orders', params: ['site', 'anchor', 'amountCents', 'debtCents'] },
  publisher_claim_dismissed: { category: 'publisher_orders', params: ['site', 'anchor', 'reason'] },
  // The buyer's side: the client, its person in charge and those above
  order_accepted: { category: 'orders', params: ['client', 'anchor'] },
  order_refused: { category: 'orders', params: ['client', 'anchor', 'reason'] },
  order_expired: { category: 'orders', params: ['client', 'anchor'] },
  link_placed: { category: 'orders', params: ['client', 'anchor', 'liveUrl'] },
  order_verified: { category: 'orders', params: ['client', 'anchor'] },
  check_failed: { category: 'orders', params: ['client', 'anchor', 'reason'] },
  claim_opened: { category: 'orders', params: ['client', 'anchor', 'reason', 'reinstateBy'] },
  claim_reinstated: { category: 'orders', params: ['client', 'anchor'] },
  claim_refunded: { category: 'orders', params: ['client', 'anchor', 'amountCents'] },
  claim_dismissed: { category: 'orders', params: ['client', 'anchor', 'reason'] },
  // Money
  topup_awaiting: { category: 'money', params: ['account', 'amountCents', 'reference'] },
  topup_confirmed: { category: 'money', params: ['account', 'amountCents', 'invoiceNumber'] },
  credits_allocated: { category: 'money', params: ['account', 'amountCents', 'from'] },
  low_balance: { category: 'money', params: ['account', 'availableCents', 'thresholdCents'] },
  proof_accepted: { category: 'money', params: ['document', 'validUntil'] },
  proof_refused: { category: 'money', params: ['document', 'reason'] },
  proof_expiring: { category: 'money', params: ['document', 'validUntil'] },
  withdrawal_paid: { category: 'money', params: ['amountCents', 'invoiceNumber'] },
  withdrawal_refused: { category: 'money', params: ['amountCents', 'reason'] },
  // The agency
  agency_request_decided: { category: 'team', params: ['decision'] },
  invitation_accepted: { category: 'team', params: ['member', 'role'] },
  // Support's queue
  agency_request_new: { category: 'support', params: ['account'] },
  site_to_review: { category: 'support', params: ['site', 'publisher'] },
  transfer_to_confirm: { category: 'support', params: ['account', 'amountCents', 'reference'] },
  proof_to_review: { category: 'support', params: ['publisher', 'document'] },
  withdrawal_to_pay: { category: 'support', params: ['publisher', 'amountCents'] },
} as const satisfies Record<string, { category: NotificationCategory; params: readonly string[] }>;

export type NotificationKind = keyof typeof notificationKinds;
export type NotificationParams = Record<string, string | number | null>;

/**
 * How a recipient stands to the event, which sets its default for e-mail:
 * - `concerned`: the account the event is about (the publisher of the order, the wallet's account,
 *   a support person for its queue): immediate;
 * - `in_charge`: the person in charge of the client concerned (its parent): immediate;
 * - `above`: those above the person in charge (managers, the agency): a daily digest.
 * A recipient without a login or an e-mail is told in the app only.
 */
export type Relation = 'concerned' | 'in_charge' | 'above';

/** One recipient, as the emitting feature found it (notifications knows no other feature). */
export type Recipient = {
  accountId: string;
  name: string;
  relation: Relation;
  email: string | null;
  language: Language;
  hasLogin: boolean;
  agencyId: string | null;
};

export type NotificationEvent = {
  kind: NotificationKind;
  params: NotificationParams;
  /** the app page of its object, e.g. `/commandes/<id>` */
  link: string | null;
  object?: { type: string; id: string } | null;
  recipients: Recipient[];
};

