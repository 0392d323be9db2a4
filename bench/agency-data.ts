import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../src/server/db/types.js';
import { generateCatalog } from '../src/server/db/demo-catalog.js';
import { normalizeKeyword } from '../src/server/modules/catalog/domain.js';
import { refreshArticles } from '../src/server/modules/catalog/queries.js';

/**
 * Bulk data for the benchmarks that need an agency with its orders (orders, team, dashboard, http)
 * and a large catalog (catalog, http), written in set-based SQL (generate_series, unnest), not
 * through the services. Same options, same data (the ids aside).
 */

/** The publisher, site and article every generated order is bought from. */
export const BENCH_PUBLISHER_ID = '00000000-0000-4000-8000-0000000000aa';
export const BENCH_SITE_ID = '00000000-0000-4000-8000-0000000000bb';
export const BENCH_ARTICLE_ID = '00000000-0000-4000-8000-0000000000cc';

export type AgencyOptions = {
  clients: number;
  orders: number;
  managers: number;
  consultants: number;
  /** One client in a hundred straight under the agency (left over from simple mode); otherwise none. */
  clientsUnderAgency?: boolean;
  /** A campaign per project, and two orders in three in it. */
  campaigns?: boolean;
  /**
   * 'year': a year of orders, statuses in turn, no lifecycle dates (the orders and team views);
   * 'lifecycle': two years, most verified and completed with their dates, guarantees, losses,
   * failed checks, 300 open claims and an audit trail (the dashboards).
   */
  history: 'year' | 'lifecycle';
  /**
   * Money on every wallet of the agency (posted_cents, written straight: there is no entry behind
   * it), and `lowBalance`: a low-balance threshold on one client in fifty (half of them under it).
   */
  wallets?: { postedCents: number; lowBalance?: boolean };
};

export type Agency = { agencyId: string; ms: number };

/** Builds one agency and its orders on one connection (its temp tables die with it), then VACUUM ANALYZE. */
export async function generateAgency(db: Kysely<DB>, o: AgencyOptions): Promise<Agency> {
  const started = performance.now();
  const { managers: M, consultants: C, clients: K, orders: N } = o;
  const agencyId = await db.connection().execute(async (conn) => {
    const run = (q: ReturnType<typeof sql>) => q.execute(conn);
    await run(
      sql`create temp table nodes (seq int primary key, id uuid not null default gen_random_uuid(), role text not null, parent_seq int)`,
    );
    await run(sql`insert into nodes (seq, role, parent_seq) values (0, 'agency', null)`);
    await run(sql`insert into nodes (seq, role, parent_seq) select g, 'manager', 0 from generate_series(1, ${M}::int) g`);
    await run(
      sql`insert into nodes (seq, role, parent_seq) select ${M}::int + g, 'consultant', 1 + (g - 1) % ${M}::int from generate_series(1, ${C}::int) g`,
    );
    // One client in ten hangs under a manager (one in a hundred under the agency itself, when asked), the rest under consultants.
    const underAgency = o.clientsUnderAgency ? sql`when g % 100 = 0 then 0` : sql``;
    await run(sql`insert into nodes (seq, role, parent_seq)
      select ${M + C}::int + g, 'client',
        case ${underAgency} when g % 10 = 0 then 1 + g % ${M}::int else ${M}::int + 1 + g % ${C}::int end
      from generate_series(1, ${K}::int) g`);
    const agency = (await sql<{ id: string }>`select id from nodes where seq = 0`.execute(conn)).rows[0].id;
    await run(sql`insert into accounts (id, role, name, search_text, parent_id, agency_id, agency_mode)
      select n.id, n.role, initcap(n.role) || ' ' || n.seq, n.role || ' ' || n.seq, p.id,
             ${agency}::uuid, case when n.role = 'agency' then 'complete' end
      from nodes n left join nodes p on p.seq = n.parent_seq order by n.seq`);
    await run(sql`insert into account_tree (ancestor_id, descendant_id, depth, agency_id)
      with recursive up as (
        select seq, seq as anc, 0 as depth from nodes
        union all
        select up.seq, n.parent_seq, up.depth + 1 from up join nodes n on n.seq = up.anc where n.parent_seq is not null)
      select a.id, d.id, up.depth, ${agency}::uuid from up join nodes d on d.seq = up.seq join nodes a on a.seq = up.anc`);
    // The wallets were opened by the database with the accounts (migration 0010).
    if (o.wallets) {
      const low = o.wallets.lowBalance
        ? sql`case when n.seq % 50 = 0 then (case when n.seq % 100 = 0 then 200000 else 50000 end) end`
        : sql`null`;
      await run(sql`update wallets w set posted_cents = ${o.wallets.postedCents}::bigint, low_balance_cents = ${low}
        from nodes n where n.id = w.account_id`);
    }
    await run(sql`insert into projects (id, client_id, agency_id, name, url, domain)
      select gen_random_uuid(), n.id, ${agency}::uuid, 'Projet ' || n.seq, 'https://client-' || n.seq || '.fr', 'client-' || n.seq || '.fr'
      from nodes n where n.role = 'client'`);
    if (o.campaigns) {
      await run(sql`insert into campaigns (project_id, client_id, agency_id, name)
        select p.id, p.client_id, p.agency_id, 'Campagne ' || p.name from projects p where p.agency_id = ${agency}::uuid`);
    }
    await run(
      sql`insert into accounts (id, role, name, search_text) values (${BENCH_PUBLISHER_ID}, 'publisher', 'Bench publisher', 'bench')`,
    );
    await run(sql`insert into sites (id, publisher_id, domain, theme, site_kind, language, status)
      values (${BENCH_SITE_ID}, ${BENCH_PUBLISHER_ID}, 'bench-site.fr', 'immobilier', 'thematic', 'fr', 'approved')`);
    await run(
      sql`insert into articles (id, site_id, url) values (${BENCH_ARTICLE_ID}, ${BENCH_SITE_ID}, 'https://bench-site.fr/a')`,
    );
    const campaign = o.campaigns ? sql`c.id` : sql`null::uuid`;
    const withCampaign = o.campaigns ? sql`join campaigns c on c.project_id = p.id` : sql``;
    await run(sql`create temp table client_list as
      select row_number() over (order by p.client_id) - 1 as n, p.client_id, p.id as project_id, ${campaign} as campaign_id
      from projects p ${withCampaign} where p.agency_id = ${agency}::uuid`);
    await run(sql`create unique index on client_list (n)`);
    if (o.history === 'year') {
      // A year of orders, most finished, a few in flight.
      await run(sql`insert into orders (client_id, agency_id, project_id, campaign_id, article_id, site_id, publisher_id, keyword, price_cents,
          commission_bp, target_url, anchor, status, created_at, accept_by)
        select cl.client_id, ${agency}::uuid, cl.project_id, case when g % 3 = 0 then null else cl.campaign_id end,
          ${BENCH_ARTICLE_ID}::uuid, ${BENCH_SITE_ID}::uuid, ${BENCH_PUBLISHER_ID}::uuid,
          'mot clé ' || (g % 97), 5000 + (g % 40) * 1000, 2500, 'https://client.fr/page', 'ancre ' || (g % 13),
          (array['completed','completed','completed','completed','verified','link_placed','accepted','placed','cancelled','refused','expired'])[1 + g % 11],
          now() - ((g % 365) || ' days')::interval - ((g % 1440) || ' minutes')::interval,
          now() + interval '7 days'
        from generate_series(1, ${N}::int) g join client_list cl on cl.n = g % ${K}::int`);
    } else {
      // Two years of orders, most verified and completed (a few lost), some in flight; verified three
      // days after being placed, completed a month later, guaranteed 12 months.
      await run(sql`insert into orders (client_id, agency_id, project_id, campaign_id, article_id, site_id, publisher_id, keyword, price_cents,
          commission_bp, target_url, anchor, status, created_at, accept_by, verified_at, completed_at, guarantee_ends_at, lost_at, last_check)
        select cl.client_id, ${agency}::uuid, cl.project_id, case when g % 3 = 0 then null else cl.campaign_id end,
          ${BENCH_ARTICLE_ID}::uuid, ${BENCH_SITE_ID}::uuid, ${BENCH_PUBLISHER_ID}::uuid,
          'mot clé ' || (g % 97), 5000 + (g % 40) * 1000, 2500, 'https://client.fr/page', 'ancre ' || (g % 13),
          s.status, s.created, s.created + interval '3 days',
          case when s.status in ('verified', 'completed', 'lost') then s.created + interval '3 days' end,
          case when s.status in ('completed', 'lost') then s.created + interval '33 days' end,
          case when s.status in ('verified', 'completed', 'lost') then s.created + interval '3 days' + interval '12 months' end,
          case when s.status = 'lost' then s.created + interval '60 days' end,
          case when s.status = 'link_placed' and g % 4 = 0 then '{"ok": false, "rule": "link_missing"}'::jsonb end
        from generate_series(1, ${N}::int) g
        join client_list cl on cl.n = g % ${K}::int
        cross join lateral (select
          case when g % 1000 < 12 then 'placed' when g % 1000 < 20 then 'accepted' when g % 1000 < 26 then 'link_placed'
               when g % 1000 < 60 then 'cancelled' when g % 1000 < 80 then 'lost'
               when (g % 730) < 33 then 'verified' else 'completed' end as status,
          now() - ((g % 730) || ' days')::interval - ((g % 1440) || ' minutes')::interval as created) s`);
      await run(
        sql`update orders set verified_at = null, completed_at = null, guarantee_ends_at = null where status not in ('verified', 'completed', 'lost')`,
      );
      await run(sql`insert into claims (order_id, client_id, publisher_id, agency_id, status, outcome, messages, check_id, reinstate_by)
        select o.id, o.client_id, o.publisher_id, o.agency_id, 'open', 'link_missing', '{}'::jsonb, 0, now() + interval '7 days'
        from orders o where o.status = 'verified' and o.price_cents = 5000 limit 300`);
      // A trail: a few audit lines per collaborator and client.
      await run(sql`insert into audit_log (person_id, account_id, agency_id, action, target_type, target_id, details, at)
        select n.id, n.id, ${agency}::uuid, 'order.place', 'order', gen_random_uuid()::text, '{"priceCents": 7000}'::jsonb, now() - (g || ' hours')::interval
        from nodes n cross join generate_series(1, 3) g where n.role <> 'agency'`);
    }
    await run(sql`drop table nodes`);
    await run(sql`drop table client_list`);
    return agency;
  });
  // What autovacuum does on a live database: statistics, and the visibility map for index-only scans.
  await sql`vacuum analyze`.execute(db);
  return { agencyId, ms: performance.now() - started };
}

export type CatalogOptions = {
  /** At least this many positioned keywords (whole sites are generated). */
  keywords: number;
  keywordsPerArticle?: number;
  articlesPerSite?: number;
  seed?: number;
  /** A word of its own on the first `count` articles (one more keyword each): a rare search that finds them. */
  rare?: { keyword: string; count: number };
};

export type Catalog = { publisherId: string; sites: number; articles: number; keywords: number; ms: number; refreshMs: number };

/**
 * A French catalog (src/server/db/demo-catalog.ts) of approved sites, one publisher, priced from the
 * grid (refreshArticles, as a grid edit does), the French GIN index rebuilt after the load as
 * migration 0015 makes it, then ANALYZE.
 */
export async function generateCatalogData(db: Kysely<DB>, o: CatalogOptions): Promise<Catalog> {
  const keywordsPerArticle = o.keywordsPerArticle ?? 10;
  const articlesPerSite = o.articlesPerSite ?? 20;
  const siteCount = Math.ceil(o.keywords / keywordsPerArticle / articlesPerSite);
  const started = performance.now();
  const publisher = await sql<{ id: string }>`
    insert into accounts (role, name, search_text) values ('publisher', 'Bench publisher', 'bench publisher') returning id`.execute(
    db,
  );
  const publisherId = publisher.rows[0].id;
  await sql`drop index article_keywords_search_fr`.execute(db);

  let batch: { sites: unknown[][]; articles: unknown[][]; keywords: unknown[][] } = { sites: [], articles: [], keywords: [] };
  const flush = async () => {
    if (batch.sites.length === 0 && batch.keywords.length === 0) return;
    const col = (rows: unknown[][], i: number) => rows.map((r) => r[i]);
    await sql`insert into sites (id, publisher_id, domain, theme, site_kind, language, status)
      select * from unnest(${col(batch.sites, 0)}::uuid[], ${col(batch.sites, 1)}::uuid[], ${col(batch.sites, 2)}::text[],
        ${col(batch.sites, 3)}::text[], ${col(batch.sites, 4)}::text[], ${col(batch.sites, 5)}::text[], ${col(batch.sites, 6)}::text[])`.execute(
      db,
    );
    await sql`insert into articles (id, site_id, url)
      select * from unnest(${col(batch.articles, 0)}::uuid[], ${col(batch.articles, 1)}::uuid[], ${col(batch.articles, 2)}::text[])`.execute(
      db,
    );
    await sql`insert into article_keywords (article_id, keyword, keyword_norm, position, volume)
      select * from unnest(${col(batch.keywords, 0)}::uuid[], ${col(batch.keywords, 1)}::text[], ${col(batch.keywords, 2)}::text[],
        ${col(batch.keywords, 3)}::int[], ${col(batch.keywords, 4)}::int[])`.execute(db);
    batch = { sites: [], articles: [], keywords: [] };
  };
  let rareLeft = o.rare?.count ?? 0;
  for (const site of generateCatalog({ sites: siteCount, articlesPerSite, keywordsPerArticle, seed: o.seed ?? 7 })) {
    const siteId = crypto.randomUUID();
    batch.sites.push([siteId, publisherId, site.domain, site.theme, site.siteKind, 'fr', 'approved']);
    for (const a of site.articles) {
      const articleId = crypto.randomUUID();
      batch.articles.push([articleId, siteId, `https://${site.domain}${a.path}`]);
      for (const k of a.keywords) batch.keywords.push([articleId, k.keyword, normalizeKeyword(k.keyword), k.position, k.volume]);
      if (o.rare && rareLeft > 0) {
        rareLeft--;
        batch.keywords.push([articleId, o.rare.keyword, normalizeKeyword(o.rare.keyword), 3 + (rareLeft % 20), 90]);
      }
    }
    if (batch.keywords.length >= 20_000) await flush();
  }
  await flush();
  await sql`analyze`.execute(db);
  const refreshStarted = performance.now();
  await refreshArticles(db, 'all');
  const refreshMs = performance.now() - refreshStarted;
  // as migration 0015 makes it (created after the bulk load: faster than kept up row by row)
  await sql`create index article_keywords_search_fr on article_keywords using gin (to_tsvector('french', keyword_norm)) where offer_price_cents is not null`.execute(
    db,
  );
  await sql`analyze`.execute(db);
  const counts = await sql<{ sites: number; articles: number; keywords: number }>`
    select (select count(*) from sites where publisher_id = ${publisherId})::int as sites,
           (select count(*) from articles a join sites s on s.id = a.site_id where s.publisher_id = ${publisherId})::int as articles,
           (select count(*) from article_keywords k join articles a on a.id = k.article_id join sites s on s.id = a.site_id
             where s.publisher_id = ${publisherId})::int as keywords`.execute(db);
  return { publisherId, ...counts.rows[0], ms: performance.now() - started, refreshMs };
}
