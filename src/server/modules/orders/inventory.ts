import { sql, type RawBuilder } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { OrderStatus } from '../../db/types.js';
import { notFound } from '../../http/errors.js';
import { endOfDay, startOfDay } from '../../http/dates.js';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import { accountName, findReachableAccount, inSubtree } from '../accounts/service.js';
import { articleUrl, siteDomain } from '../catalog/service.js';

/**
 * The link inventory: every order a client bought, with the facts a portability export and a
 * client report need (site, article, dates, guarantee, last check). Read a page at a time (newest
 * first), so that the exports stream and their caller can batch-load what other features add
 * (the links feature's check history) per page.
 */

export type InventoryFilters = { clientId?: string; projectId?: string; campaignId?: string; from?: string; to?: string };

export type InventoryItem = {
  id: string;
  status: OrderStatus;
  clientId: string;
  clientName: string;
  projectId: string;
  projectName: string;
  campaignId: string | null;
  campaignName: string | null;
  domain: string;
  articleUrl: string;
  liveUrl: string | null;
  anchor: string;
  targetUrl: string;
  keyword: string | null;
  priceCents: number;
  refundedCents: number;
  orderedAt: string;
  placedAt: string | null;
  verifiedAt: string | null;
  guaranteeEndsAt: string | null;
  lostAt: string | null;
  lastCheck: { ok: boolean; rule: string | null; message: string; at: string } | null;
};

type Row = {
  id: string;
  status: OrderStatus;
  client_id: string;
  client_name: string;
  project_id: string;
  project_name: string;
  campaign_id: string | null;
  campaign_name: string | null;
  domain: string;
  article_url: string;
  live_url: string | null;
  anchor: string;
  target_url: string;
  keyword: string | null;
  price_cents: string | number;
  refunded_cents: string | number;
  created_at: Date;
  placed_at: Date | null;
  verified_at: Date | null;
  guarantee_ends_at: Date | null;
  lost_at: Date | null;
  last_check: { ok: boolean; rule: string | null; message: string; messages?: Record<string, string>; at: string } | null;
  sort_key: string;
};

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Checks that the filters' ids are in the actor's reach (404 otherwise, before anything is read). */
export async function checkInventoryFilters(actor: Actor, f: InventoryFilters, ctx: Ctx): Promise<void> {
  if (f.clientId) await findReachableAccount(ctx.db, actor, f.clientId);
  if (f.projectId) {
    const project = await ctx.db.selectFrom('projects').select('client_id').where('id', '=', f.projectId).executeTakeFirst();
    if (!project || (f.clientId && project.client_id !== f.clientId)) throw notFound();
    await findReachableAccount(ctx.db, actor, project.client_id);
  }
  if (f.campaignId) {
    const campaign = await ctx.db
      .selectFrom('campaigns')
      .select(['client_id', 'project_id'])
      .where('id', '=', f.campaignId)
      .executeTakeFirst();
    if (!campaign || (f.clientId && campaign.client_id !== f.clientId) || (f.projectId && campaign.project_id !== f.projectId))
      throw notFound();
    await findReachableAccount(ctx.db, actor, campaign.client_id);
  }
}

function clauses(actor: Actor, f: InventoryFilters): RawBuilder<unknown>[] {
  const root = actor.account;
  return [
    ...(root.role === 'support'
      ? []
      : root.role === 'agency' && root.agencyId === root.id
        ? [sql`o.agency_id = ${root.id}`]
        : [inSubtree(root.id, sql.ref('o.client_id'))]),
    ...(f.clientId ? [sql`o.client_id = ${f.clientId}`] : []),
    ...(f.projectId ? [sql`o.project_id = ${f.projectId}`] : []),
    ...(f.campaignId ? [sql`o.campaign_id = ${f.campaignId}`] : []),
    ...(f.from ? [sql`o.created_at >= ${startOfDay(f.from)}`] : []),
    ...(f.to ? [sql`o.created_at < ${endOfDay(f.to)}`] : []),
  ];
}

async function inventoryPage(db: Tx, actor: Actor, f: InventoryFilters, limit: number, cursor: string | undefined) {
  const after = decodeCursor(cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const where = clauses(actor, f);
  if (after && after.length === 2)
    where.push(sql`(o.created_at, o.id) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)`);
  const rows = await sql<Row>`
    select o.id, o.status, o.client_id, ${accountName(sql.ref('o.client_id'))} as client_name,
      o.project_id, pr.name as project_name, o.campaign_id, ca.name as campaign_name,
      ${siteDomain(sql.ref('o.site_id'))} as domain, ${articleUrl(sql.ref('o.article_id'))} as article_url,
      o.live_url, o.anchor, o.target_url, o.keyword, o.price_cents::int8 as price_cents, o.refunded_cents::int8 as refunded_cents,
      o.created_at, (select max(e.at) from order_events e where e.order_id = o.id and e.status = 'link_placed') as placed_at,
      o.verified_at, o.guarantee_ends_at, o.lost_at, o.last_check, o.created_at::text as sort_key
    from orders o
    join projects pr on pr.id = o.project_id
    left join campaigns ca on ca.id = o.campaign_id
    where ${sql.join(where.length ? where : [sql`true`], sql` and `)}
    order by o.created_at desc, o.id desc
    limit ${limit + 1}`.execute(db);
  const page = rows.rows.slice(0, limit);
  const last = rows.rows.length > limit ? page[page.length - 1] : null;
  return { rows: page, nextCursor: last ? encodeCursor([last.sort_key, last.id]) : null };
}

function toItem(r: Row, actor: Actor): InventoryItem {
  const shown = ['link_placed', 'verified', 'completed', 'lost'].includes(r.status);
  const check = r.last_check;
  return {
    id: r.id,
    status: r.status,
    clientId: r.client_id,
    clientName: r.client_name,
    projectId: r.project_id,
    projectName: r.project_name,
    campaignId: r.campaign_id,
    campaignName: r.campaign_name,
    // the site and article stay hidden until the link is placed, as everywhere else
    domain: shown ? r.domain : '',
    articleUrl: shown ? r.article_url : '',
    liveUrl: shown ? r.live_url : null,
    anchor: r.anchor,
    targetUrl: r.target_url,
    keyword: r.keyword,
    priceCents: Number(r.price_cents),
    refundedCents: Number(r.refunded_cents),
    orderedAt: new Date(r.created_at).toISOString(),
    placedAt: iso(r.placed_at),
    verifiedAt: iso(r.verified_at),
    guaranteeEndsAt: iso(r.guarantee_ends_at),
    lostAt: iso(r.lost_at),
    lastCheck: check
      ? { ok: check.ok, rule: check.rule, message: check.messages?.[actor.lang] ?? check.message, at: check.at }
      : null,
  };
}

/**
 * The inventory of the filters in the actor's reach, one page (at most `pageSize` orders) at a
 * time, newest first. The filters' ids are checked first (404 outside reach).
 */
export async function* iterateInventory(
  actor: Actor,
  f: InventoryFilters,
  ctx: Ctx,
  pageSize = 500,
): AsyncGenerator<InventoryItem[]> {
  await checkInventoryFilters(actor, f, ctx);
  let cursor: string | undefined;
  do {
    const page = await inventoryPage(ctx.db, actor, f, pageSize, cursor);
    if (page.rows.length) yield page.rows.map((r) => toItem(r, actor));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
