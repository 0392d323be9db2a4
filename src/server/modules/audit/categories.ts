/**
 * The families of audit actions the activity log filters by (`GET /api/audit?category=`), shared by
 * the server (which expands a category to its actions) and the web (the category select). Every
 * action the server writes belongs to exactly one category (src/web/i18n/activity.test.ts).
 * Pure data: no import, so the web bundle can take it as it is.
 */
export const AUDIT_CATEGORIES = {
  orders: [
    'order.place',
    'order.accept',
    'order.refuse',
    'order.cancel',
    'order.link_placed',
    'buyer_link.save',
    'campaign.create',
    'campaign.update',
    'campaign.close',
    'campaign.reopen',
    'project.create',
    'claim.settle',
  ],
  credits: [
    'top_up.request',
    'top_up.confirm',
    'top_up.cancel',
    'top_up.refund',
    'credits.allocate',
    'wallet.low_balance_threshold',
    'earnings.convert',
    'withdrawal.request',
    'withdrawal.cancel',
    'withdrawal.refuse',
  ],
  team: [
    'account.create',
    'account.update',
    'account.deactivate',
    'account.reactivate',
    'account.rehome',
    'agency.mode_switch',
    'agency.request',
    'agency.request_approve',
    'agency.request_reject',
  ],
  account: [
    'auth.signup',
    'auth.login',
    'auth.logout',
    'auth.invitation_accept',
    'auth.password_change',
    'auth.password_reset',
    'auth.password_reset_request',
    'auth.email_change',
    'auth.email_change_request',
    'act_as.start',
    'act_as.stop',
  ],
  publisher: [
    'site.create',
    'site.approve',
    'site.refuse',
    'site.guarantee',
    'article.upsert',
    'price_grid.update',
    'import.start',
    'self_billing_mandate.accept',
    'self_billing_mandate.revoke',
    'payout_profile.save',
    'payout_document.upload',
    'payout_document.accept',
    'payout_document.refuse',
    'payout_document.read',
  ],
  support: [
    'payout_batch.create',
    'payout_batch.export',
    'payout_batch.paid',
    'dac7.export',
    'support.email_retry',
    'support.outbox_read',
  ],
  reports: [
    'report.branding_update',
    'report.branding_reset',
    'report.logo_update',
    'report.logo_remove',
    'report.share_create',
    'report.share_revoke',
    'report.monthly_email_enable',
    'report.monthly_email_disable',
  ],
} as const satisfies Record<string, readonly string[]>;

export type AuditCategory = keyof typeof AUDIT_CATEGORIES;
export const AUDIT_CATEGORY_NAMES = Object.keys(AUDIT_CATEGORIES) as AuditCategory[];

/** The category of an action, or null for an action no category lists. */
export function categoryOf(action: string): AuditCategory | null {
  for (const c of AUDIT_CATEGORY_NAMES) if ((AUDIT_CATEGORIES[c] as readonly string[]).includes(action)) return c;
  return null;
}
