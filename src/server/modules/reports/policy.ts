import type { Actor } from '../../http/actor.js';
import type { ClaimStatus, OrderStatus } from '../../db/types.js';

/**
 * What a bought link is now, as a report and an inventory say it: derived from the order's status,
 * its latest claim, its refunds and its last check.
 */
export type LinkState = 'ordered' | 'awaiting_verification' | 'live' | 'at_risk' | 'claimed' | 'lost' | 'refunded' | 'cancelled';

export function linkStateOf(
  o: { status: OrderStatus; refundedCents: number; lastCheck: { ok: boolean } | null },
  claim: ClaimStatus | undefined,
): LinkState {
  switch (o.status) {
    case 'refused':
    case 'cancelled':
    case 'expired':
      return 'cancelled';
    case 'placed':
    case 'accepted':
      return 'ordered';
    case 'link_placed':
      return 'awaiting_verification';
    case 'lost':
      return o.refundedCents > 0 || claim === 'refunded' ? 'refunded' : 'lost';
    default:
      if (claim === 'open') return 'claimed';
      if (o.lastCheck && !o.lastCheck.ok) return 'at_risk';
      return 'live';
  }
}

/** Whether a link counts in a client report (what was bought: not a refused, cancelled or expired order). */
export const inReport = (state: LinkState) => state !== 'cancelled';

export const reportPolicy = {
  /** Who may read an inventory or a report: the buyer side (a publisher's own account has no links bought). */
  mayRead: (actor: Actor) => ['agency', 'manager', 'consultant', 'client', 'support'].includes(actor.account.role),
  /** Agency members name the client of a report; a client's report is its own. */
  needsClientId: (actor: Actor) => actor.account.role !== 'client',
  /** The agency sets the branding; a manager may override it for its portfolio. */
  mayBrand: (actor: Actor) => actor.account.agencyId !== null && ['agency', 'manager'].includes(actor.account.role),
  /** Who may share a report with a client: everyone on the agency side above the client. */
  mayShare: (actor: Actor) => ['agency', 'manager', 'consultant'].includes(actor.account.role),
};

/** Branding colours: #rrggbb, stored in lower case. */
export const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
export const MAX_LOGO_BYTES = 512 * 1024;
export const LOGO_TYPES = ['image/png', 'image/jpeg'] as const;
export const MAX_SHARE_DAYS = 365;
