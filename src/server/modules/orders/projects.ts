import { sql } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { OrderStatus } from '../../db/types.js';
import { AppError, forbidden, notFound, ruleViolation } from '../../http/errors.js';
import { todayInParis } from '../../http/dates.js';
import { cursorPart, decodeCursor, pageOf } from '../../http/pagination.js';
import { recordAudit } from '../audit/service.js';
import { accountName, accountParentId, findReachableAccount, inSubtree } from '../accounts/service.js';
import { formatEuros as euros } from '../../http/money.js';
import { normalizeDomain } from '../catalog/domain.js';
import { committedStatuses, heldStatuses, orderPolicy, spentStatuses } from './policy.js';

// Projects and campaigns: a client's target sites, and the budgets orders are placed under.

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
export async function findReachableProject(db: Tx, actor: Actor, id: string) {
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
export async function committedOf(tx: Tx, campaignId: string): Promise<number> {
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
export async function lockCampaign(tx: Tx, id: string) {
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
