/** The links feature: verification, monitoring during the guarantee, claims. */
export { checkHistoryOf, listChecks, recordCheck, type CheckHistoryItem } from './checks.js';
export { adoptIntoAgency, claimStatusesOf, countOpenClaims, latestClaimsOf, listClaims, refundOverdueClaims, settleClaim, type ClaimFilters, type SettleInput } from './claims.js';
export { monitoringOf, requestRecheck, runMonitoring, startMonitoring, type MonitoringOptions } from './monitoring.js';
export { verifyOrderLink } from './verification.js';
export type { VerificationResult } from './verify.js';

import type { Actor, Tx } from '../../http/actor.js';
import { latestClaimsOf } from './claims.js';
import { monitoringOf } from './monitoring.js';

/** What an order's page and the publisher's list show of its monitoring and claim (registered with orders in app.ts). */
export async function orderMonitoringDetail(db: Tx, actor: Actor, orderIds: string[]) {
  const [monitors, claims] = await Promise.all([monitoringOf(db, orderIds), latestClaimsOf(db, orderIds, actor.lang)]);
  return new Map(orderIds.map((id) => [id, { monitoring: monitors.get(id) ?? null, claim: claims.get(id) ?? null }]));
}
