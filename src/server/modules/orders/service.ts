import type { Actor, Ctx, Tx } from '../../http/actor.js';
import { findReachableAccount } from '../accounts/service.js';
import { listClientRows, orderFiguresByClient, orderFiguresDrift } from './queries.js';

export { orderFiguresDrift };
export {
  findOrderToCheck,
  findPublisherOrderToCheck,
  findReadableOrder,
  guaranteeEnd,
  recordVerification,
  refundOrder,
  setLastCheck,
  type CheckSummary,
  type OrderToCheck,
  type Refund,
} from './checks.js';
export { PUBLISHER_ORDERS_PAGE, tellBuyer, tellPublisher } from './notices.js';
export * from './earnings.js';
export { checkInventoryFilters, iterateInventory, type InventoryFilters, type InventoryItem } from './inventory.js';
export * as dashboardFigures from './dashboard.js';
export { refreshPublisherReliability, refreshReliabilityIfDue, RELIABILITY_EVERY_MS } from './reliability.js';

export { createCampaign, createProject, getCampaign, getProject, listCampaigns, listProjects, setCampaignClosed, updateCampaign, type CampaignPatch } from './projects.js';
export { cancelOrder, extendOrderDetail, getOrder, iterateOrders, listOrders, orderFactsOf, placeOrder, type OrderDetailExtra, type OrderViewFilters, type PlaceOrderInput } from './ordering.js';
export { REMINDER_BEFORE_MS, VERIFY_JOB, acceptOrder, completePayableOrders, deferPayout, expireOverdueOrders, listPublisherOrders, refuseOrder, remindPendingOrders, submitLiveUrl } from './publishing.js';

// ---------------------------------------------------------------------------------------------
// Following everything from the top

export async function listClientsOverview(actor: Actor, f: { q?: string; personInChargeId?: string; limit: number; cursor?: string }, ctx: Ctx) {
  if (f.personInChargeId) await findReachableAccount(ctx.db, actor, f.personInChargeId);
  const q = f.q
    ? f.q
        .normalize('NFD')
        .replace(/\p{Diacritic}/gu, '')
        .toLowerCase()
        .replace(/[\\%_]/g, '')
    : undefined;
  return listClientRows(ctx.db, actor.account.role === 'support' ? null : actor.account.id, { ...f, q });
}

/**
 * A customer promoted to an agency keeps its projects, campaigns and orders in its agency's views
 * and totals: they join the agency's tenant (run by agency's promotion, see app.ts).
 */
export async function adoptIntoAgency(tx: Tx, accountId: string, agencyId: string): Promise<void> {
  await tx.updateTable('projects').set({ agency_id: agencyId }).where('client_id', '=', accountId).execute();
  await tx.updateTable('campaigns').set({ agency_id: agencyId }).where('client_id', '=', accountId).execute();
  await tx.updateTable('orders').set({ agency_id: agencyId }).where('client_id', '=', accountId).execute();
}

/**
 * The team table's order figures (registered into agency by app.ts, as orders sits below agency):
 * per buyer account below `rootId`, spend and orders by status over the period, live links now.
 * The caller (agency's team service) has checked that `rootId` is the actor's own account.
 */
export async function teamOrderFigures(db: Tx, root: { id: string; isAgency: boolean }, period: { from: string; to: string }) {
  return orderFiguresByClient(db, root, period);
}
