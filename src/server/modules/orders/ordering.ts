import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { OrderStatus } from '../../db/types.js';
import { AppError, forbidden, notFound, ruleViolation } from '../../http/errors.js';
import { runIdempotent, type Idempotency } from '../../http/idempotency.js';
import { todayInParis } from '../../http/dates.js';
import { recordAudit } from '../audit/service.js';
import { clientIdsOf, findAccountById, findReachableAccount } from '../accounts/service.js';
import { tellPublisher } from './notices.js';
import { formatEuros as euros } from '../../http/money.js';
import { isUrlOnDomain } from '../catalog/domain.js';
import { defaultGuaranteeMonths, offerForOrder, siteDomain, siteOf } from '../catalog/service.js';
import { availableOf, holdCredits, lowBalanceAfterDebit, notifyLowBalance, releaseHold, transferCredits } from '../ledger/service.js';
import { mayMove, orderPolicy } from './policy.js';
import {
  addOrderEvent,
  findOrderRow,
  listOrderEvents,
  listOrderRows,
  orderTotals,
  toOrderSummary,
  type OrderFilters,
  type OrderScope,
} from './queries.js';
import { who } from './trail.js';
import { committedOf, findReachableProject, lockCampaign } from './projects.js';

// Ordering: placing an order (its price held on the client's wallet), reading and cancelling it.

export type PlaceOrderInput = {
  projectId: string;
  campaignId?: string;
  offerId: string;
  targetUrl: string;
  anchor: string;
  brief?: string;
  fundFromAccountId?: string;
};

/**
 * Orders a link for a client, from the caller's own view or while acting as the client: the price
 * is held on the client's wallet in the transaction that creates the order; a campaign's budget cap
 * is enforced; when the wallet is short, `fundFromAccountId` tops up the difference in the same
 * transaction.
 */
export async function placeOrder(actor: Actor, input: PlaceOrderInput, idem: Idempotency, ctx: Ctx) {
  if (!orderPolicy.mayBuy(actor)) throw forbidden();
  return runIdempotent(ctx, actor, idem, async (tx) => {
    const project = await findReachableProject(tx, actor, input.projectId);
    const client = (await findAccountById(tx, project.client_id))!;
    if (!client.active) throw ruleViolation('wallet_inactive', {}, 'projectId');
    if (!isUrlOnDomain(input.targetUrl, project.domain)) throw ruleViolation('target_off_domain', { domain: project.domain }, 'targetUrl');
    const offer = await offerForOrder(tx, input.offerId);
    if (!offer || offer.site_status !== 'approved' || offer.price_cents === null) throw notFound();
    const price = Number(offer.price_cents);
    if (input.campaignId) {
      const campaign = await lockCampaign(tx, input.campaignId);
      if (!campaign || campaign.project_id !== project.id) throw ruleViolation('campaign_not_of_project', {}, 'campaignId');
      if (campaign.closed_at) throw ruleViolation('campaign_is_closed', {}, 'campaignId');
      if (campaign.ends_on && campaign.ends_on < todayInParis()) {
        throw ruleViolation('campaign_closed', { date: new Date(`${campaign.ends_on}T12:00:00Z`).toLocaleDateString('fr-FR') }, 'campaignId');
      }
      if (campaign.budget_cents !== null) {
        const remaining = Number(campaign.budget_cents) - (await committedOf(tx, campaign.id));
        if (price > remaining) {
          throw ruleViolation('campaign_cap_exceeded', { remaining: euros(Math.max(remaining, 0)), price: euros(price) }, 'campaignId');
        }
      }
    }
    const missing = price - (await availableOf(tx, client.id));
    if (missing > 0) {
      if (!input.fundFromAccountId) {
        throw new AppError('insufficient_funds', 409, 'order_insufficient_funds', { name: client.name, missing: euros(missing) });
      }
      const source = await findReachableAccount(tx, actor, input.fundFromAccountId);
      if (source.id === client.id) throw ruleViolation('same_wallet', {}, 'fundFromAccountId');
      await transferCredits(tx, actor, {
        fromAccountId: source.id,
        toAccountId: client.id,
        amountCents: missing,
        kind: 'allocation',
        memo: 'Complément pour une commande',
      });
      const sourceLow = await lowBalanceAfterDebit(tx, source.id, missing);
      if (sourceLow) await notifyLowBalance(tx, ctx, sourceLow);
    }
    const orderId = randomUUID();
    const { holdId, lowBalance } = await holdCredits(tx, actor, { accountId: client.id, amountCents: price, reference: `order:${orderId}` });
    if (lowBalance) await notifyLowBalance(tx, ctx, lowBalance);
    const order = await tx
      .insertInto('orders')
      .values({
        id: orderId,
        client_id: client.id,
        agency_id: client.agency_id,
        project_id: project.id,
        campaign_id: input.campaignId ?? null,
        article_id: offer.id,
        site_id: offer.site_id,
        publisher_id: offer.publisher_id,
        keyword: offer.best_keyword,
        price_cents: price,
        commission_bp: ctx.config.commissionBp,
        target_url: input.targetUrl,
        anchor: input.anchor,
        brief: input.brief ?? null,
        status: 'placed',
        hold_id: holdId,
        accept_by: new Date(Date.now() + ctx.config.acceptanceMs),
        placed_by: actor.person.id,
        placed_as: actor.account.id,
        // the terms it is bought with: a later change of the site's guarantee does not reach it
        guarantee_months: offer.guarantee_months,
      })
      .returning(['id', 'accept_by'])
      .executeTakeFirstOrThrow();
    await addOrderEvent(tx, order.id, 'placed', who(actor), missing > 0 ? `+${euros(missing)} attribués depuis un autre portefeuille` : null);
    await recordAudit(tx, actor, 'order.place', { type: 'order', id: order.id }, { priceCents: price, clientId: client.id });
    await tellPublisher(
      tx,
      ctx,
      { id: order.id, site_id: offer.site_id, client_id: client.id, publisher_id: offer.publisher_id, anchor: input.anchor },
      'order_new',
      { priceCents: price, acceptBy: new Date(order.accept_by).toISOString() },
    );
    return toOrderSummary((await findOrderRow(tx, order.id))!);
  });
}

function scopeOf(actor: Actor): OrderScope {
  if (actor.account.role === 'support') return { rootId: null, rootIsAgency: false };
  return { rootId: actor.account.id, rootIsAgency: actor.account.role === 'agency' && actor.account.agencyId === actor.account.id };
}

export type OrderViewFilters = Omit<OrderFilters, 'clientIds'> & { personInChargeId?: string };

/**
 * Checks the filters' ids are in reach and turns "person in charge" into the list of its clients
 * (a few, by the parent index): the orders are then read through the client index, and a person
 * with no client answers at once instead of scanning the agency's orders.
 */
async function resolveFilters(actor: Actor, f: OrderViewFilters, ctx: Ctx): Promise<OrderFilters> {
  if (f.accountId) await findReachableAccount(ctx.db, actor, f.accountId);
  if (!f.personInChargeId) return f;
  await findReachableAccount(ctx.db, actor, f.personInChargeId);
  return { ...f, clientIds: await clientIdsOf(ctx.db, f.personInChargeId) };
}

export async function listOrders(actor: Actor, view: OrderViewFilters & { limit: number; cursor?: string }, ctx: Ctx) {
  const f = { ...(await resolveFilters(actor, view, ctx)), limit: view.limit, cursor: view.cursor };
  const scope = scopeOf(actor);
  const [page, totals] = await Promise.all([listOrderRows(ctx.db, scope, f), orderTotals(ctx.db, scope, f)]);
  return { ...page, totals };
}

/** Every order of the filters, for the CSV export. */
export async function* iterateOrders(actor: Actor, view: OrderViewFilters, ctx: Ctx) {
  const f = await resolveFilters(actor, view, ctx);
  let cursor: string | undefined;
  do {
    const page = await listOrderRows(ctx.db, scopeOf(actor), { ...f, limit: 500, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

export type CheckRecord = { ok: boolean; rule: string | null; message: string; at: string };

/**
 * What features below orders add to an order's page and to the publisher's list (links: the
 * monitoring state and the claim). They register when the app is built (app.ts), as orders cannot
 * call them.
 */
export type OrderDetailExtra = (db: Tx, actor: Actor, orderIds: string[]) => Promise<Map<string, Record<string, unknown>>>;
const detailExtras = new Set<OrderDetailExtra>();
export function extendOrderDetail(extra: OrderDetailExtra): void {
  detailExtras.add(extra);
}

export async function extrasOf(db: Tx, actor: Actor, orderIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  const merged = new Map<string, Record<string, unknown>>(orderIds.map((id) => [id, {}]));
  if (orderIds.length === 0) return merged;
  for (const extra of detailExtras) {
    for (const [id, fields] of await extra(db, actor, orderIds)) Object.assign(merged.get(id) ?? {}, fields);
  }
  return merged;
}

/** The facts of some orders another feature shows beside its own rows (a claims list). */
export async function orderFactsOf(db: Tx, ids: string[]) {
  type Facts = { priceCents: number; refundedCents: number; anchor: string; targetUrl: string; liveUrl: string | null; domain: string; siteId: string; status: OrderStatus };
  if (ids.length === 0) return new Map<string, Facts>();
  const rows = await db
    .selectFrom('orders as o')
    .select([
      'o.id',
      'o.status',
      'o.site_id',
      sql<string>`o.price_cents::int8`.as('price_cents'),
      sql<string>`o.refunded_cents::int8`.as('refunded_cents'),
      'o.anchor',
      'o.target_url',
      'o.live_url',
      siteDomain(sql.ref('o.site_id')).as('domain'),
    ])
    .where('o.id', 'in', ids)
    .execute();
  return new Map<string, Facts>(
    rows.map((r) => [
      r.id,
      {
        priceCents: Number(r.price_cents),
        refundedCents: Number(r.refunded_cents),
        anchor: r.anchor,
        targetUrl: r.target_url,
        liveUrl: r.live_url,
        domain: r.domain,
        siteId: r.site_id,
        status: r.status,
      },
    ]),
  );
}

/** An order as the buyer side sees it (the client and everyone above it, or support), with its history. */
export async function getOrder(actor: Actor, id: string, ctx: Ctx) {
  const order = await ctx.db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
  if (!order) throw notFound();
  await findReachableAccount(ctx.db, actor, order.client_id);
  const row = (await findOrderRow(ctx.db, id))!;
  const site = await siteOf(ctx.db, order.site_id);
  const check = order.last_check as (CheckRecord & { messages?: Record<string, string> }) | null;
  return {
    ...toOrderSummary(row),
    brief: order.brief,
    theme: site.theme,
    siteKind: site.site_kind,
    verifiedAt: order.verified_at ? new Date(order.verified_at).toISOString() : null,
    payableAt: order.payable_at ? new Date(order.payable_at).toISOString() : null,
    // The months bought with, or the platform default's (null only when the default is not in months).
    guaranteeMonths: order.guarantee_months ?? defaultGuaranteeMonths(ctx.config),
    guaranteeEndsAt: order.guarantee_ends_at ? new Date(order.guarantee_ends_at).toISOString() : null,
    lostAt: order.lost_at ? new Date(order.lost_at).toISOString() : null,
    refundedCents: Number(order.refunded_cents),
    lastCheck: check ? { ok: check.ok, rule: check.rule, message: check.messages?.[actor.lang] ?? check.message, at: check.at } : null,
    history: await listOrderEvents(ctx.db, id),
    monitoring: null,
    claim: null,
    ...(await extrasOf(ctx.db, actor, [id])).get(id),
  };
}

export async function lockOrder(tx: Tx, id: string) {
  return tx.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function assertMove(from: OrderStatus, to: OrderStatus) {
  if (!mayMove(from, to)) throw new AppError('invalid_state', 409, 'order_state', { status: from });
}

/** The buyer cancels before the publisher accepts: the hold goes back to the client's wallet. */
export async function cancelOrder(actor: Actor, id: string, idem: Idempotency, ctx: Ctx) {
  return runIdempotent(ctx, actor, idem, async (tx) => {
    const order = await lockOrder(tx, id);
    if (!order) throw notFound();
    await findReachableAccount(tx, actor, order.client_id);
    assertMove(order.status, 'cancelled');
    await releaseHold(tx, actor, { holdId: order.hold_id! });
    await tx.updateTable('orders').set({ status: 'cancelled' }).where('id', '=', id).execute();
    await addOrderEvent(tx, id, 'cancelled', who(actor));
    await recordAudit(tx, actor, 'order.cancel', { type: 'order', id });
    await tellPublisher(tx, ctx, order, 'order_cancelled');
    return toOrderSummary((await findOrderRow(tx, id))!);
  });
}
