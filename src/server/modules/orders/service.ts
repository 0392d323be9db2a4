import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { OrderStatus } from '../../db/types.js';
import { AppError, forbidden, notFound, ruleViolation } from '../../http/errors.js';
import { runIdempotent, type Idempotency } from '../../http/idempotency.js';
import { enqueueJob } from '../../jobs/queue.js';
import { todayInParis } from '../../http/dates.js';
import { cursorPart, decodeCursor, encodeCursor, pageOf } from '../../http/pagination.js';
import { recordAudit } from '../audit/service.js';
import { accountName, accountParentId, clientIdsOf, findAccountById, findReachableAccount, inSubtree } from '../accounts/service.js';
import { tellBuyer, tellPublisher } from './notices.js';
import { formatEuros as euros } from '../../http/money.js';
import { isUrlOnDomain, normalizeDomain } from '../catalog/domain.js';
import { articleUrl, defaultGuaranteeMonths, offerForOrder, siteDomain, siteOf } from '../catalog/service.js';
import { availableOf, holdCredits, payPublisherEarning, lowBalanceAfterDebit, notifyLowBalance, releaseHold, transferCredits } from '../ledger/service.js';
import { PLATFORM_ACTOR, SYSTEM_ACCOUNTS } from '../ledger/system.js';
import { committedStatuses, heldStatuses, mayMove, orderPolicy, spentStatuses } from './policy.js';
import {
  addOrderEvent,
  findOrderRow,
  listClientRows,
  listOrderEvents,
  listOrderRows,
  orderFiguresByClient,
  orderFiguresDrift,
  orderTotals,
  toOrderSummary,
  type OrderFilters,
  type OrderScope,
} from './queries.js';

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

/** The job kind the links feature runs to check a live URL (it owns verification; orders only ask). */
export const VERIFY_JOB = 'links.verify_order';

const who = (actor: Actor) => ({ personId: actor.person.id, actingAccountId: actor.account.id });

// ---------------------------------------------------------------------------------------------
// Projects and campaigns

export async function createProject(actor: Actor, input: { clientId: string; name: string; url: string }, ctx: Ctx) {
  if (!orderPolicy.mayBuy(actor)) throw forbidden();
  const domain = normalizeDomain(input.url, ctx.config.crawlerAllowPrivate);
  if (!domain) throw ruleViolation('domain_invalid', {}, 'url');
  return ctx.db.transaction().execute(async (tx) => {
    const client = await findReachableAccount(tx, actor, input.clientId);
    if (client.role !== 'client') throw ruleViolation('not_a_client', {}, 'clientId');
    if (!client.active) throw ruleViolation('wallet_inactive', {}, 'clientId');
    const taken = await tx.selectFrom('projects').select('id').where('client_id', '=', client.id).where('domain', '=', domain).executeTakeFirst();
    if (taken) throw new AppError('rule_violation', 409, 'project_domain_taken', {}, 'url');
    const url = /^https?:\/\//i.test(input.url.trim()) ? input.url.trim() : `https://${input.url.trim()}`;
    const row = await tx
      .insertInto('projects')
      .values({ client_id: client.id, agency_id: client.agency_id, name: input.name, url, domain })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, 'project.create', { type: 'project', id: row.id }, { domain });
    return (await listProjectRows(tx, { projectId: row.id, limit: 1 })).items[0];
  });
}

type Page = { limit: number; cursor?: string };

/** `q` as a pattern for `ilike`: contained anywhere, its own % and _ taken literally. */
const containing = (q: string) => `%${q.replace(/[\\%_]/g, '\\$&')}%`;

/** Projects sorted by client name, project name and id (the tie-breaker), a page at a time. */
async function listProjectRows(db: Tx, f: { rootId?: string | null; clientId?: string; projectId?: string; q?: string } & Page) {
  const after = decodeCursor(f.cursor, [cursorPart.text, cursorPart.text, cursorPart.uuid]);
  const rows = await db
    .selectFrom('projects as p')
    .select([
      'p.id',
      'p.client_id',
      accountName(sql.ref('p.client_id')).as('client_name'),
      'p.name',
      'p.url',
      'p.domain',
      'p.created_at',
      sql<number>`(select count(*)::int from campaigns ca where ca.project_id = p.id)`.as('campaigns'),
      sql<number>`(select count(*)::int from orders o where o.project_id = p.id)`.as('orders'),
      sql<number>`(select coalesce(sum(o.price_cents), 0)::int8 from orders o where o.project_id = p.id
        and o.status in (${statusList(heldStatuses)}))`.as('held'),
      sql<number>`(select coalesce(sum(o.price_cents), 0)::int8 from orders o where o.project_id = p.id
        and o.status in (${statusList(spentStatuses)}))`.as('spent'),
      sql<Record<string, number> | null>`(select jsonb_object_agg(s.status, s.n) from
        (select o.status, count(*)::int as n from orders o where o.project_id = p.id group by o.status) s)`.as('statuses'),
    ])
    .$if(Boolean(f.rootId), (q) => q.where(inSubtree(f.rootId!, sql.ref('p.client_id'))))
    .$if(Boolean(f.clientId), (q) => q.where('p.client_id', '=', f.clientId!))
    .$if(Boolean(f.projectId), (q) => q.where('p.id', '=', f.projectId!))
    .$if(Boolean(f.q), (q) => q.where((w) => w.or([w('p.name', 'ilike', containing(f.q!)), w('p.domain', 'ilike', containing(f.q!))])))
    .$if(after !== null, (q) =>
      q.where(
        sql<boolean>`(${accountName(sql.ref('p.client_id'))}, p.name, p.id) > (${String(after![0])}, ${String(after![1])}, ${String(after![2])}::uuid)`,
      ),
    )
    .orderBy('client_name')
    .orderBy('p.name')
    .orderBy('p.id')
    .limit(f.limit + 1)
    .execute();
  const page = pageOf(rows, f.limit, (r) => [r.client_name, r.name, r.id]);
  const items = page.items.map((r) => ({
    id: r.id,
    clientId: r.client_id,
    clientName: r.client_name,
    name: r.name,
    url: r.url,
    domain: r.domain,
    createdAt: new Date(r.created_at).toISOString(),
    campaignCount: Number(r.campaigns),
    orderCount: Number(r.orders),
    ordersByStatus: r.statuses ?? {},
    heldCents: Number(r.held),
    spentCents: Number(r.spent),
    committedCents: Number(r.held) + Number(r.spent),
  }));
  return { items, nextCursor: page.nextCursor };
}

export async function listProjects(actor: Actor, f: { clientId?: string; q?: string } & Page, ctx: Ctx) {
  if (f.clientId) await findReachableAccount(ctx.db, actor, f.clientId);
  return listProjectRows(ctx.db, { ...f, rootId: actor.account.role === 'support' ? null : actor.account.id });
}

/** One project with its figures; 404 unless its client is in the actor's reach. */
export async function getProject(actor: Actor, id: string, ctx: Ctx) {
  await findReachableProject(ctx.db, actor, id);
  return (await listProjectRows(ctx.db, { projectId: id, limit: 1 })).items[0];
}

/** The project `id` if its client is the actor or below it, else 404. */
async function findReachableProject(db: Tx, actor: Actor, id: string) {
  const project = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  if (!project) throw notFound();
  await findReachableAccount(db, actor, project.client_id);
  return project;
}

export async function createCampaign(
  actor: Actor,
  input: { projectId: string; name: string; goal?: string; budgetCents?: number; startsOn?: string; endsOn?: string },
  ctx: Ctx,
) {
  if (!orderPolicy.mayBuy(actor)) throw forbidden();
  if (input.startsOn && input.endsOn && input.startsOn > input.endsOn) throw ruleViolation('campaign_dates', {}, 'endsOn');
  return ctx.db.transaction().execute(async (tx) => {
    const project = await findReachableProject(tx, actor, input.projectId);
    const row = await tx
      .insertInto('campaigns')
      .values({
        project_id: project.id,
        client_id: project.client_id,
        agency_id: project.agency_id,
        name: input.name,
        goal: input.goal ?? null,
        budget_cents: input.budgetCents ?? null,
        starts_on: input.startsOn ?? null,
        ends_on: input.endsOn ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, 'campaign.create', { type: 'campaign', id: row.id });
    return (await listCampaignRows(tx, { campaignId: row.id, limit: 1 })).items[0];
  });
}

const statusList = (statuses: readonly OrderStatus[]) => sql.join(statuses.map((s) => sql.lit(s)));

/**
 * What a campaign has used of its budget: `committedCents` is held plus spent (what the cap is
 * checked against), `remainingCents` what is left under the cap (null without a cap).
 */
function consumption(budget: number | null, held: number, spent: number) {
  const committed = held + spent;
  return { heldCents: held, spentCents: spent, committedCents: committed, remainingCents: budget === null ? null : Math.max(budget - committed, 0) };
}

/** `closed` when someone closed it, `ended` once its end date is past (Paris time), else `open`. */
function campaignStatus(closedAt: Date | null, endsOn: string | null): 'open' | 'closed' | 'ended' {
  if (closedAt) return 'closed';
  if (endsOn && endsOn < todayInParis()) return 'ended';
  return 'open';
}

type CampaignFilters = { projectId?: string; clientId?: string; personInChargeId?: string; q?: string };

/** Campaigns newest first on (created_at, id), a page at a time. */
async function listCampaignRows(db: Tx, f: CampaignFilters & Page & { rootId?: string | null; campaignId?: string }) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const rows = await db
    .selectFrom('campaigns as ca')
    .innerJoin('projects as p', 'p.id', 'ca.project_id')
    .select([
      'ca.id',
      'ca.project_id',
      'p.name as project_name',
      'ca.client_id',
      accountName(sql.ref('ca.client_id')).as('client_name'),
      accountParentId(sql.ref('ca.client_id')).as('parent_id'),
      accountName(accountParentId(sql.ref('ca.client_id'))).as('pic_name'),
      'ca.name',
      'ca.goal',
      'ca.budget_cents',
      sql<string | null>`ca.starts_on::text`.as('starts_on'),
      sql<string | null>`ca.ends_on::text`.as('ends_on'),
      'ca.created_at',
      sql<string>`ca.created_at::text`.as('sort_key'),
      'ca.closed_at',
      sql<number>`(select count(*)::int from orders o where o.campaign_id = ca.id)`.as('orders'),
      sql<number>`(select coalesce(sum(o.price_cents), 0)::int8 from orders o where o.campaign_id = ca.id
        and o.status in (${statusList(heldStatuses)}))`.as('held'),
      sql<number>`(select coalesce(sum(o.price_cents), 0)::int8 from orders o where o.campaign_id = ca.id
        and o.status in (${statusList(spentStatuses)}))`.as('spent'),
      sql<Record<string, number> | null>`(select jsonb_object_agg(s.status, s.n) from
        (select o.status, count(*)::int as n from orders o where o.campaign_id = ca.id group by o.status) s)`.as('statuses'),
    ])
    .$if(Boolean(f.rootId), (q) => q.where(inSubtree(f.rootId!, sql.ref('ca.client_id'))))
    .$if(Boolean(f.projectId), (q) => q.where('ca.project_id', '=', f.projectId!))
    .$if(Boolean(f.clientId), (q) => q.where('ca.client_id', '=', f.clientId!))
    .$if(Boolean(f.personInChargeId), (q) => q.where(accountParentId(sql.ref('ca.client_id')), '=', f.personInChargeId!))
    .$if(Boolean(f.campaignId), (q) => q.where('ca.id', '=', f.campaignId!))
    .$if(Boolean(f.q), (q) => q.where('ca.name', 'ilike', containing(f.q!)))
    .$if(after !== null, (q) =>
      q.where(sql<boolean>`(ca.created_at, ca.id) < (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`),
    )
    .orderBy('ca.created_at', 'desc')
    .orderBy('ca.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = pageOf(rows, f.limit, (r) => [r.sort_key, r.id]);
  const items = page.items.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    projectName: r.project_name,
    clientId: r.client_id,
    clientName: r.client_name,
    personInChargeId: r.parent_id,
    personInChargeName: r.pic_name,
    name: r.name,
    goal: r.goal,
    budgetCents: r.budget_cents === null ? null : Number(r.budget_cents),
    ...consumption(r.budget_cents === null ? null : Number(r.budget_cents), Number(r.held), Number(r.spent)),
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    orderCount: Number(r.orders),
    ordersByStatus: r.statuses ?? {},
    status: campaignStatus(r.closed_at, r.ends_on),
    closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
  }));
  return { items, nextCursor: page.nextCursor };
}

export async function listCampaigns(actor: Actor, f: CampaignFilters & Page, ctx: Ctx) {
  if (f.projectId) await findReachableProject(ctx.db, actor, f.projectId);
  if (f.clientId) await findReachableAccount(ctx.db, actor, f.clientId);
  if (f.personInChargeId) await findReachableAccount(ctx.db, actor, f.personInChargeId);
  return listCampaignRows(ctx.db, { rootId: actor.account.role === 'support' ? null : actor.account.id, ...f });
}

/** The campaign `id` if its client is in the actor's reach, else 404. */
export async function getCampaign(actor: Actor, id: string, ctx: Ctx) {
  const campaign = await ctx.db.selectFrom('campaigns').select(['id', 'client_id']).where('id', '=', id).executeTakeFirst();
  if (!campaign) throw notFound();
  await findReachableAccount(ctx.db, actor, campaign.client_id);
  return (await listCampaignRows(ctx.db, { campaignId: id, limit: 1 })).items[0];
}

/** What the campaign's orders hold or have spent: the amount its cap is checked against. */
async function committedOf(tx: Tx, campaignId: string): Promise<number> {
  const row = await tx
    .selectFrom('orders')
    .select(sql<number>`coalesce(sum(price_cents), 0)::int8`.as('cents'))
    .where('campaign_id', '=', campaignId)
    .where('status', 'in', committedStatuses)
    .executeTakeFirstOrThrow();
  return Number(row.cents);
}

/**
 * The campaign `id`, locked (`FOR UPDATE`) like order placement locks it, so an edit and an order
 * on the same campaign run one after the other; 404 unless its client is in the actor's reach.
 */
async function lockReachableCampaign(tx: Tx, actor: Actor, id: string) {
  if (!orderPolicy.mayManageCampaign(actor)) throw forbidden();
  const campaign = await lockCampaign(tx, id);
  if (!campaign) throw notFound();
  await findReachableAccount(tx, actor, campaign.client_id);
  return campaign;
}

/** The campaign row locked `FOR UPDATE`, its days as `YYYY-MM-DD` text (the drivers would give Dates at local midnight). */
async function lockCampaign(tx: Tx, id: string) {
  return tx
    .selectFrom('campaigns')
    .select([
      'id',
      'project_id',
      'client_id',
      'name',
      'budget_cents',
      'closed_at',
      sql<string | null>`starts_on::text`.as('starts_on'),
      sql<string | null>`ends_on::text`.as('ends_on'),
    ])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export type CampaignPatch = { name?: string; budgetCents?: number | null; startsOn?: string | null; endsOn?: string | null };

/**
 * Renames a campaign, changes or removes its cap, moves its dates. A cap below what its orders
 * already hold or spent is refused (422 on `budgetCents`, naming the amount); the dates must stay
 * in order (422 on the date sent). Nothing changes on a refusal.
 */
export async function updateCampaign(actor: Actor, id: string, patch: CampaignPatch, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const campaign = await lockReachableCampaign(tx, actor, id);
    const startsOn = patch.startsOn === undefined ? campaign.starts_on : patch.startsOn;
    const endsOn = patch.endsOn === undefined ? campaign.ends_on : patch.endsOn;
    if (startsOn && endsOn && startsOn > endsOn) {
      throw ruleViolation('campaign_dates', {}, patch.endsOn !== undefined ? 'endsOn' : 'startsOn');
    }
    if (patch.budgetCents !== undefined && patch.budgetCents !== null) {
      const committed = await committedOf(tx, id);
      if (patch.budgetCents < committed) throw ruleViolation('campaign_cap_below_committed', { committed: euros(committed) }, 'budgetCents');
    }
    const before = {
      name: campaign.name,
      budgetCents: campaign.budget_cents === null ? null : Number(campaign.budget_cents),
      startsOn: campaign.starts_on,
      endsOn: campaign.ends_on,
    };
    const after = {
      name: patch.name ?? before.name,
      budgetCents: patch.budgetCents === undefined ? before.budgetCents : patch.budgetCents,
      startsOn,
      endsOn,
    };
    const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
    if (changed.length > 0) {
      await tx
        .updateTable('campaigns')
        .set({ name: after.name, budget_cents: after.budgetCents, starts_on: after.startsOn, ends_on: after.endsOn })
        .where('id', '=', id)
        .execute();
      await recordAudit(
        tx,
        actor,
        'campaign.update',
        { type: 'campaign', id },
        Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }])),
      );
    }
    return (await listCampaignRows(tx, { campaignId: id, limit: 1 })).items[0];
  });
}

/**
 * Closes (`closed: true`) or reopens a campaign. A closed campaign refuses new orders; those
 * already placed go on. Closing a closed campaign (or reopening an open one) changes nothing and
 * records nothing.
 */
export async function setCampaignClosed(actor: Actor, id: string, closed: boolean, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const campaign = await lockReachableCampaign(tx, actor, id);
    if ((campaign.closed_at !== null) !== closed) {
      await tx
        .updateTable('campaigns')
        .set(closed ? { closed_at: new Date(), closed_by: actor.person.id } : { closed_at: null, closed_by: null })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, actor, closed ? 'campaign.close' : 'campaign.reopen', { type: 'campaign', id });
    }
    return (await listCampaignRows(tx, { campaignId: id, limit: 1 })).items[0];
  });
}

// ---------------------------------------------------------------------------------------------
// Ordering

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

type CheckRecord = { ok: boolean; rule: string | null; message: string; at: string };

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

async function extrasOf(db: Tx, actor: Actor, orderIds: string[]): Promise<Map<string, Record<string, unknown>>> {
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

async function lockOrder(tx: Tx, id: string) {
  return tx.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

function assertMove(from: OrderStatus, to: OrderStatus) {
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

// ---------------------------------------------------------------------------------------------
// The publisher's side

/** The order `id` if it is for one of the actor's sites, else 404. */
async function lockPublisherOrder(tx: Tx, actor: Actor, id: string) {
  const order = await lockOrder(tx, id);
  if (!order || order.publisher_id !== actor.account.id) throw notFound();
  return order;
}

/** The publisher's incoming orders, newest first on (created_at, id): equal times never lose a row. */
export async function listPublisherOrders(actor: Actor, f: { status?: OrderStatus; limit: number; cursor?: string }, ctx: Ctx) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const rows = await ctx.db
    .selectFrom('orders as o')
    .select([
      'o.id',
      'o.status',
      'o.site_id',
      siteDomain(sql.ref('o.site_id')).as('domain'),
      articleUrl(sql.ref('o.article_id')).as('article_url'),
      'o.keyword',
      'o.target_url',
      'o.anchor',
      'o.brief',
      'o.price_cents',
      'o.commission_bp',
      'o.live_url',
      'o.accept_by',
      'o.created_at',
      'o.last_check',
      'o.guarantee_ends_at',
      sql<string>`o.created_at::text`.as('sort_key'),
    ])
    .where('o.publisher_id', '=', actor.account.id)
    .$if(Boolean(f.status), (q) => q.where('o.status', '=', f.status!))
    .$if(after !== null, (q) =>
      q.where(sql<boolean>`(o.created_at, o.id) < (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`),
    )
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = rows.slice(0, f.limit);
  const extras = await extrasOf(ctx.db, actor, page.map((r) => r.id));
  return {
    items: page.map((r) => {
      const price = Number(r.price_cents);
      const check = r.last_check as (CheckRecord & { messages?: Record<string, string> }) | null;
      return {
        id: r.id,
        status: r.status,
        siteId: r.site_id,
        domain: r.domain,
        articleUrl: r.article_url,
        keyword: r.keyword,
        targetUrl: r.target_url,
        anchor: r.anchor,
        brief: r.brief,
        priceCents: price,
        earningCents: price - Math.round((price * r.commission_bp) / 10_000),
        liveUrl: r.live_url,
        acceptBy: new Date(r.accept_by).toISOString(),
        createdAt: new Date(r.created_at).toISOString(),
        lastCheck: check ? { ok: check.ok, rule: check.rule, message: check.messages?.[actor.lang] ?? check.message, at: check.at } : null,
        guaranteeEndsAt: r.guarantee_ends_at ? new Date(r.guarantee_ends_at).toISOString() : null,
        claim: null,
        ...extras.get(r.id),
      };
    }),
    nextCursor: rows.length > f.limit ? encodeCursor([page[page.length - 1].sort_key, page[page.length - 1].id]) : null,
  };
}

export async function acceptOrder(actor: Actor, id: string, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const order = await lockPublisherOrder(tx, actor, id);
    assertMove(order.status, 'accepted');
    if (new Date(order.accept_by).getTime() <= Date.now()) throw new AppError('invalid_state', 409, 'order_state', { status: 'expired' });
    await tx.updateTable('orders').set({ status: 'accepted' }).where('id', '=', id).execute();
    await addOrderEvent(tx, id, 'accepted', who(actor));
    await recordAudit(tx, actor, 'order.accept', { type: 'order', id });
    await tellBuyer(tx, ctx, order, 'order_accepted');
    return { id, status: 'accepted' as const };
  });
}

export async function refuseOrder(actor: Actor, id: string, reason: string, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const order = await lockPublisherOrder(tx, actor, id);
    assertMove(order.status, 'refused');
    await releaseHold(tx, actor, { holdId: order.hold_id! });
    await tx.updateTable('orders').set({ status: 'refused' }).where('id', '=', id).execute();
    await addOrderEvent(tx, id, 'refused', who(actor), reason);
    await recordAudit(tx, actor, 'order.refuse', { type: 'order', id }, { reason });
    await tellBuyer(tx, ctx, order, 'order_refused', { reason });
    return { id, status: 'refused' as const };
  });
}

/** `https://user:pass@site/…`: the crawler would send them as Basic auth, so such a live URL is refused. */
function hasCredentials(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  return parsed.username !== '' || parsed.password !== '';
}

/** The publisher gives the live URL (again, after a failed check): the verification is queued. */
export async function submitLiveUrl(actor: Actor, id: string, liveUrl: string, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const order = await lockPublisherOrder(tx, actor, id);
    assertMove(order.status, 'link_placed');
    const site = await siteOf(tx, order.site_id);
    if (hasCredentials(liveUrl)) throw ruleViolation('live_url_credentials', {}, 'liveUrl');
    if (!isUrlOnDomain(liveUrl, site.domain)) throw ruleViolation('live_url_off_domain', { domain: site.domain }, 'liveUrl');
    await tx.updateTable('orders').set({ status: 'link_placed', live_url: liveUrl, last_check: null }).where('id', '=', id).execute();
    await addOrderEvent(tx, id, 'link_placed', who(actor), liveUrl);
    await enqueueJob(tx, VERIFY_JOB, { orderId: id, liveUrl });
    await recordAudit(tx, actor, 'order.link_placed', { type: 'order', id }, { liveUrl });
    await tellBuyer(tx, ctx, order, 'link_placed', { liveUrl });
    return { id, status: 'link_placed' as const };
  });
}

/**
 * While a claim is open the publisher is not paid: the payout waits at least until the claim's
 * deadline (the claims sweep runs before the payouts, see jobs/handlers.ts).
 */
export async function deferPayout(tx: Tx, orderId: string, until: Date): Promise<void> {
  await tx
    .updateTable('orders')
    .set({ payable_at: sql`greatest(payable_at, ${until}::timestamptz)` })
    .where('id', '=', orderId)
    .where('status', '=', 'verified')
    .execute();
}

/** Orders the publisher let wait past the acceptance delay expire, and their holds go back. */
export async function expireOverdueOrders(ctx: Ctx, now = new Date()): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom('orders')
      .select(['id', 'hold_id', 'site_id', 'client_id', 'publisher_id', 'anchor'])
      .where('status', '=', 'placed')
      .where('accept_by', '<=', now)
      .limit(500)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const order of due) {
      await releaseHold(tx, PLATFORM_ACTOR, { holdId: order.hold_id! });
      await tx.updateTable('orders').set({ status: 'expired' }).where('id', '=', order.id).execute();
      await addOrderEvent(tx, order.id, 'expired', { personId: PLATFORM_ACTOR.person.id, actingAccountId: null });
      await tellBuyer(tx, ctx, order, 'order_expired');
    }
    return due.length;
  });
}

/** How long before its acceptance deadline the publisher is reminded of an order it has not accepted. */
export const REMINDER_BEFORE_MS = 48 * 3_600_000;

/**
 * Reminds the publisher of each order still waiting for it 48 h before its deadline, once: the
 * order is marked `reminded_at` by a conditional update in the transaction that tells it, and rows
 * another process is reminding are skipped (several processes run this sweep). An order placed
 * less than 48 h before its deadline (a short acceptance delay) is not reminded: the new-order
 * notice already gave the deadline.
 */
export async function remindPendingOrders(ctx: Ctx, now = new Date()): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const reminded = await tx
      .updateTable('orders')
      .set({ reminded_at: now })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('orders')
          .select('id')
          .where('status', '=', 'placed')
          .where('reminded_at', 'is', null)
          .where('accept_by', '>', now)
          .where('accept_by', '<=', new Date(now.getTime() + REMINDER_BEFORE_MS))
          .where(sql<boolean>`created_at < accept_by - ${REMINDER_BEFORE_MS} * interval '1 millisecond'`)
          .limit(500)
          .forUpdate()
          .skipLocked(),
      )
      .where('status', '=', 'placed')
      .where('reminded_at', 'is', null)
      .returning(['id', 'site_id', 'client_id', 'publisher_id', 'anchor', 'accept_by'])
      .execute();
    for (const order of reminded) {
      await tellPublisher(tx, ctx, order, 'order_reminder', { acceptBy: new Date(order.accept_by).toISOString() });
    }
    return reminded.length;
  });
}

/**
 * After the control period the publisher is paid (what is left of the price after any partial
 * refund, minus the commission on it; its debts from earlier refunds are repaid first) and the
 * order completes.
 */
export async function completePayableOrders(ctx: Ctx, now = new Date()): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom('orders')
      .select(['id', 'price_cents', 'refunded_cents', 'commission_bp', 'publisher_id'])
      .where('status', '=', 'verified')
      .where('payable_at', '<=', now)
      .limit(500)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const order of due) {
      const price = Number(order.price_cents) - Number(order.refunded_cents);
      const commission = Math.round((price * order.commission_bp) / 10_000);
      if (price - commission > 0) {
        await payPublisherEarning(tx, PLATFORM_ACTOR, { publisherId: order.publisher_id, amountCents: price - commission, memo: `order:${order.id}` });
      }
      if (commission > 0) {
        await transferCredits(tx, PLATFORM_ACTOR, {
          fromAccountId: SYSTEM_ACCOUNTS.orders,
          toAccountId: SYSTEM_ACCOUNTS.commissions,
          amountCents: commission,
          kind: 'commission',
          memo: `order:${order.id}`,
        });
      }
      await tx.updateTable('orders').set({ status: 'completed', completed_at: now }).where('id', '=', order.id).execute();
      await addOrderEvent(tx, order.id, 'completed', { personId: PLATFORM_ACTOR.person.id, actingAccountId: null });
    }
    return due.length;
  });
}

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
