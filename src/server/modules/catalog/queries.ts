import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Tx } from '../../http/actor.js';
import type { SiteKind } from '../../db/types.js';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import { normalizeKeyword, toPrefixQuery } from './domain.js';

export type KeywordInput = { keyword: string; position: number; volume: number };

/**
 * Inserts an article's keywords, or updates the position and volume of those it already has
 * (same keyword without accents, case or extra spaces): re-importing a file creates nothing twice.
 */
export async function upsertKeywords(tx: Tx, articleId: string, keywords: KeywordInput[]): Promise<{ created: number; updated: number }> {
  if (keywords.length === 0) return { created: 0, updated: 0 };
  const rows = new Map<string, KeywordInput & { norm: string }>();
  for (const k of keywords) {
    const norm = normalizeKeyword(k.keyword);
    const seen = rows.get(norm);
    if (!seen || k.position < seen.position) rows.set(norm, { ...k, keyword: k.keyword.trim().replace(/\s+/g, ' '), norm });
  }
  const result = await tx
    .insertInto('article_keywords')
    .values([...rows.values()].map((k) => ({ article_id: articleId, keyword: k.keyword, keyword_norm: k.norm, position: k.position, volume: k.volume })))
    .onConflict((oc) =>
      oc.columns(['article_id', 'keyword_norm']).doUpdateSet((eb) => ({
        position: eb.ref('excluded.position'),
        volume: eb.ref('excluded.volume'),
        keyword: eb.ref('excluded.keyword'),
      })),
    )
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .execute();
  const created = result.filter((r) => r.inserted).length;
  return { created, updated: result.length - created };
}

/**
 * The articles of `urls` on a site, created when missing: one INSERT and at most one SELECT,
 * whatever the number of URLs. Returns each URL's article id and whether it was created.
 */
export async function ensureArticles(tx: Tx, siteId: string, urls: string[]): Promise<Map<string, { id: string; created: boolean }>> {
  const found = new Map<string, { id: string; created: boolean }>();
  if (urls.length === 0) return found;
  const inserted = await sql<{ id: string; url: string }>`
    insert into articles (site_id, url) select ${siteId}::uuid, u from unnest(${urls}::text[]) as u
    on conflict (site_id, url) do nothing returning id, url`.execute(tx);
  for (const r of inserted.rows) found.set(r.url, { id: r.id, created: true });
  const missing = urls.filter((u) => !found.has(u));
  if (missing.length > 0) {
    const existing = await sql<{ id: string; url: string }>`
      select id, url from articles where site_id = ${siteId} and url = any(${missing}::text[])`.execute(tx);
    for (const r of existing.rows) found.set(r.url, { id: r.id, created: false });
  }
  return found;
}

/**
 * Upserts positioned keywords of several articles in one statement of five array parameters
 * (unnest), so no number of rows can reach PostgreSQL's bind-parameter limit. The rows must hold
 * each (article, keyword_norm) once.
 */
export async function upsertKeywordRows(
  tx: Tx,
  rows: { articleId: string; keyword: string; norm: string; position: number; volume: number }[],
): Promise<{ created: number; updated: number }> {
  if (rows.length === 0) return { created: 0, updated: 0 };
  const result = await sql<{ created: number; total: number }>`
    with up as (
      insert into article_keywords (article_id, keyword, keyword_norm, position, volume)
      select * from unnest(${rows.map((r) => r.articleId)}::uuid[], ${rows.map((r) => r.keyword)}::text[],
        ${rows.map((r) => r.norm)}::text[], ${rows.map((r) => r.position)}::int[], ${rows.map((r) => r.volume)}::int[])
      on conflict (article_id, keyword_norm) do update
        set position = excluded.position, volume = excluded.volume, keyword = excluded.keyword
      returning (xmax = 0) as inserted
    )
    select (count(*) filter (where inserted))::int as created, count(*)::int as total from up`.execute(tx);
  const { created, total } = result.rows[0];
  return { created: Number(created), updated: Number(total) - Number(created) };
}

export type ArticleScope = string[] | { siteId: string } | 'all';

/**
 * Recomputes what the catalog shows of articles from their keywords, their site and the price
 * grid: the best keyword (best position, then volume), the number of top-10 keywords, the price
 * (the grid cell of the best keyword's position and volume for the site's kind, plus a bonus per
 * extra top-10 keyword up to a cap; no cell means no offer), whether the article is offered (site
 * approved and a price), and the copies the search reads from the keywords' rows. One pass over
 * the keywords (DISTINCT ON, a grouped count), whatever the table statistics; only rows whose
 * values change are written.
 */
export async function refreshArticles(tx: Tx, scope: ArticleScope): Promise<void> {
  if (Array.isArray(scope) && scope.length === 0) return;
  const onKeywords =
    scope === 'all'
      ? sql``
      : Array.isArray(scope)
        ? sql`where k.article_id in (${sql.join(scope)})`
        : sql`where k.article_id in (select id from articles where site_id = ${scope.siteId})`;
  const onArticles =
    scope === 'all' ? sql`` : Array.isArray(scope) ? sql`and a.id in (${sql.join(scope)})` : sql`and a.site_id = ${scope.siteId}`;
  // Said of the keywords too: PostgreSQL does not carry `a.id in (…)` over the join to
  // `k.article_id`, and would read the whole keywords table to update a few articles' rows.
  const onTheirKeywords =
    scope === 'all'
      ? sql``
      : Array.isArray(scope)
        ? sql`and k.article_id in (${sql.join(scope)})`
        : sql`and k.article_id in (select id from articles where site_id = ${scope.siteId})`;
  await sql`
    with best as (
      select distinct on (k.article_id) k.article_id, k.keyword, k.position, k.volume
      from article_keywords k ${onKeywords}
      order by k.article_id, k.position, k.volume desc, k.id
    ), top10 as (
      select k.article_id, (count(*) filter (where k.position <= 10))::int as n
      from article_keywords k ${onKeywords}
      group by k.article_id
    ), stats as (
      select b.article_id as id, s.site_kind, b.keyword, b.position, b.volume, t.n
      from best b
      join top10 t on t.article_id = b.article_id
      join articles a on a.id = b.article_id
      join sites s on s.id = a.site_id
    )
    update articles a set
      best_keyword = st.keyword,
      best_position = st.position,
      best_volume = st.volume,
      top10_count = st.n,
      price_cents = (
        select g.price_cents + least(greatest(st.n - 1, 0), ps.top10_bonus_max) * ps.top10_bonus_cents
        from price_grid g cross join price_settings ps
        where g.site_kind = st.site_kind and g.max_position >= st.position and g.min_volume <= st.volume
        order by g.max_position, g.min_volume desc
        limit 1)
    from stats st
    where st.id = a.id`.execute(tx);
  await sql`
    update articles a set offered = (s.status = 'approved' and a.price_cents is not null),
      site_kind = s.site_kind, theme = s.theme, language = s.language
    from sites s
    where s.id = a.site_id ${onArticles}
      and (a.offered, a.site_kind, a.theme, a.language) is distinct from
          (s.status = 'approved' and a.price_cents is not null, s.site_kind, s.theme, s.language)`.execute(tx);
  await sql`
    update article_keywords k set offer_price_cents = case when a.offered then a.price_cents end,
      site_kind = a.site_kind, theme = a.theme, language = a.language
    from articles a
    where a.id = k.article_id ${onArticles} ${onTheirKeywords}
      and (k.offer_price_cents, k.site_kind, k.theme, k.language) is distinct from
          (case when a.offered then a.price_cents end, a.site_kind, a.theme, a.language)`.execute(tx);
}

export type OfferFilters = {
  keyword?: string;
  theme?: string;
  language?: string;
  minVolume?: number;
  maxPosition?: number;
  maxPriceCents?: number;
  siteKind?: SiteKind;
  sort: 'relevance' | 'price_asc' | 'price_desc' | 'volume_desc';
  limit: number;
  cursor?: string;
};

export type Offer = {
  offerId: string;
  keyword: string;
  position: number;
  volume: number;
  top10Count: number;
  siteKind: SiteKind;
  theme: string;
  language: string;
  priceCents: number;
  guaranteeMonths: number | null;
  reliability: Reliability | null;
  /** the article's keyword that sets the price (best position, then volume) */
  bestKeyword: { keyword: string; position: number; volume: number };
};

export type Reliability = {
  linksPlaced: number;
  linksLost: number;
  lostRate: number | null;
  avgLifetimeDays: number | null;
  acceptanceRate: number | null;
  medianDaysToPlacement: number | null;
};

/** One publisher's figures as computed from its orders (orders/reliability.ts computes them, catalog stores them). */
export type ReliabilityRow = {
  publisherId: string;
  linksPlaced: number;
  linksLost: number;
  avgLifetimeDays: number | null;
  acceptanceRate: number | null;
  medianDaysToPlacement: number | null;
};

type ReliabilityColumns = {
  links_placed: number | string | null;
  links_lost: number | string | null;
  avg_lifetime_days: number | string | null;
  acceptance_rate: number | string | null;
  median_days_to_placement: number | string | null;
};

const rounded = (v: number | string | null, digits: number) => (v === null ? null : Math.round(Number(v) * 10 ** digits) / 10 ** digits);

/** The figures shown of a publisher (null when it has no row: no order yet). */
export function toReliability(r: ReliabilityColumns): Reliability | null {
  if (r.links_placed === null || r.links_lost === null) return null;
  const placed = Number(r.links_placed);
  const lost = Number(r.links_lost);
  return {
    linksPlaced: placed,
    linksLost: lost,
    lostRate: placed === 0 ? null : rounded(lost / placed, 4),
    avgLifetimeDays: rounded(r.avg_lifetime_days, 2),
    acceptanceRate: rounded(r.acceptance_rate, 4),
    medianDaysToPlacement: rounded(r.median_days_to_placement, 2),
  };
}

/**
 * Stores the publishers' figures: one upsert of array parameters (unnest) whatever their number.
 * Publishers absent from `rows` keep their row.
 */
export async function upsertReliability(db: Tx, rows: ReliabilityRow[], now: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await sql`
    insert into publisher_reliability (publisher_id, links_placed, links_lost, avg_lifetime_days, acceptance_rate, median_days_to_placement, refreshed_at)
    select p, placed, lost, lifetime, acceptance, median, ${now}::timestamptz
    from unnest(${rows.map((r) => r.publisherId)}::uuid[], ${rows.map((r) => r.linksPlaced)}::int[], ${rows.map((r) => r.linksLost)}::int[],
      ${rows.map((r) => r.avgLifetimeDays)}::real[], ${rows.map((r) => r.acceptanceRate)}::real[], ${rows.map((r) => r.medianDaysToPlacement)}::real[])
      as t(p, placed, lost, lifetime, acceptance, median)
    on conflict (publisher_id) do update set
      links_placed = excluded.links_placed, links_lost = excluded.links_lost, avg_lifetime_days = excluded.avg_lifetime_days,
      acceptance_rate = excluded.acceptance_rate, median_days_to_placement = excluded.median_days_to_placement,
      refreshed_at = excluded.refreshed_at`.execute(db);
  return Number(result.numAffectedRows ?? rows.length);
}

/** A publisher's stored figures, or null. */
export async function reliabilityOf(db: Tx, publisherId: string): Promise<Reliability | null> {
  const row = await db.selectFrom('publisher_reliability').selectAll().where('publisher_id', '=', publisherId).executeTakeFirst();
  return row ? toReliability(row) : null;
}

/**
 * Searches the approved catalog. With a keyword, one row per matching positioned keyword (its own
 * position and volume); without, one row per article with its best keyword. Never a domain or URL.
 */
export async function searchOfferRows(
  db: Tx,
  f: OfferFilters,
  defaultGuaranteeMonths: number | null,
): Promise<{ items: Offer[]; nextCursor: string | null }> {
  const query = f.keyword ? toPrefixQuery(f.keyword) : null;
  if (f.keyword && !query) return { items: [], nextCursor: null };
  const byKeyword = query !== null;
  // Keyword mode reads positioned keywords, the other mode articles (with their best keyword);
  // both tables carry the site's kind, theme and language and the offer's price.
  const t = byKeyword
    ? { from: sql`article_keywords k`, offered: sql`k.offer_price_cents is not null`, price: sql`k.offer_price_cents`, position: sql`k.position`, volume: sql`k.volume`, keyword: sql`k.keyword`, id: sql`k.id`, idType: sql`bigint`, site: 'k', article: sql`k.article_id` }
    : { from: sql`articles a`, offered: sql`a.offered`, price: sql`a.price_cents`, position: sql`a.best_position`, volume: sql`a.best_volume`, keyword: sql`a.best_keyword`, id: sql`a.id`, idType: sql`uuid`, site: 'a', article: sql`a.id` };
  const col = (name: string) => sql.ref(`${t.site}.${name}`);
  // Each sort is a list of (expression, direction), the row id last, in the order of an index:
  // on a broad keyword PostgreSQL walks the index in order and stops after one page.
  type Sort = [RawBuilder<unknown>, 'asc' | 'desc'][];
  const sortKey: Sort = (
    {
      relevance: [[t.position, 'asc'], [t.volume, 'desc']],
      price_asc: [[t.price, 'asc'], [t.position, 'asc']],
      price_desc: [[t.price, 'desc'], [t.position, 'asc']],
      volume_desc: [[t.volume, 'desc'], [t.position, 'asc']],
    } as Record<OfferFilters['sort'], Sort>
  )[f.sort];
  const after = decodeCursor(f.cursor, [cursorPart.int, cursorPart.int, byKeyword ? cursorPart.bigint : cursorPart.uuid]);
  const conditions = [
    t.offered,
    ...(byKeyword ? [sql`to_tsvector('simple', k.keyword_norm) @@ to_tsquery('simple', ${query})`] : []),
    ...(f.theme ? [sql`${col('theme')} = ${f.theme}`] : []),
    ...(f.language ? [sql`${col('language')} = ${f.language}`] : []),
    ...(f.siteKind ? [sql`${col('site_kind')} = ${f.siteKind}`] : []),
    ...(f.minVolume !== undefined ? [sql`${t.volume} >= ${f.minVolume}`] : []),
    ...(f.maxPosition !== undefined ? [sql`${t.position} <= ${f.maxPosition}`] : []),
    ...(f.maxPriceCents !== undefined ? [sql`${t.price} <= ${f.maxPriceCents}`] : []),
    ...(after && after.length === 3 ? [afterCursor(sortKey, t.id, t.idType, after)] : []),
  ];
  const order = sql`${sql.join(sortKey.map(([e, d]) => sql`${e} ${sql.raw(d)}`))}, ${t.id} asc`;
  const rows = await sql<{
    row_id: string;
    offer_id: string;
    keyword: string;
    position: number;
    volume: number;
    top10_count: number;
    site_kind: SiteKind;
    theme: string;
    language: string;
    price_cents: number | string;
    s1: number | string;
    s2: number | string;
    guarantee_months: number | null;
    best_keyword: string;
    best_position: number;
    best_volume: number;
  } & ReliabilityColumns>`
    select m.*, a2.top10_count, si.guarantee_months, a2.best_keyword, a2.best_position, a2.best_volume,
           r.links_placed, r.links_lost, r.avg_lifetime_days, r.acceptance_rate, r.median_days_to_placement
    from (
      select ${t.id}::text as row_id, ${t.id} as rid, ${t.article} as offer_id, ${t.keyword} as keyword, ${t.position} as position,
             ${t.volume} as volume, ${col('site_kind')} as site_kind, ${col('theme')} as theme, ${col('language')} as language,
             ${t.price} as price_cents, ${sortKey[0][0]} as s1, ${sortKey[1][0]} as s2
      from ${t.from}
      where ${sql.join(conditions, sql` and `)}
      order by ${order}
      limit ${f.limit + 1}
    ) m join articles a2 on a2.id = m.offer_id
    join sites si on si.id = a2.site_id
    left join publisher_reliability r on r.publisher_id = si.publisher_id
    order by ${sql.join(sortKey.map(([, d], i) => sql`${sql.ref(`m.s${i + 1}`)} ${sql.raw(d)}`))}, m.rid`.execute(db);
  const page = rows.rows.slice(0, f.limit);
  const last = rows.rows.length > f.limit ? page[page.length - 1] : null;
  return {
    items: page.map((r) => ({
      offerId: r.offer_id,
      keyword: r.keyword,
      position: Number(r.position),
      volume: Number(r.volume),
      top10Count: Number(r.top10_count),
      siteKind: r.site_kind,
      theme: r.theme,
      language: r.language,
      priceCents: Number(r.price_cents),
      guaranteeMonths: r.guarantee_months ?? defaultGuaranteeMonths,
      reliability: toReliability(r),
      bestKeyword: { keyword: r.best_keyword, position: Number(r.best_position), volume: Number(r.best_volume) },
    })),
    nextCursor: last ? encodeCursor([Number(last.s1), Number(last.s2), last.row_id]) : null,
  };
}

/** "After the cursor" in a sort of mixed directions: (a > x) or (a = x and (b < y or (b = y and id > z))). */
function afterCursor(sortKey: [RawBuilder<unknown>, 'asc' | 'desc'][], rowId: RawBuilder<unknown>, rowIdType: RawBuilder<unknown>, after: unknown[]) {
  const [[e1, d1], [e2, d2]] = sortKey;
  const [v1, v2, id] = [Number(after[0]), Number(after[1]), String(after[2])];
  const beyond = (e: RawBuilder<unknown>, d: 'asc' | 'desc', v: number) => (d === 'asc' ? sql`${e} > ${v}` : sql`${e} < ${v}`);
  return sql`(${beyond(e1, d1, v1)} or (${e1} = ${v1} and (${beyond(e2, d2, v2)} or (${e2} = ${v2} and ${rowId} > ${id}::${rowIdType}))))`;
}

/** A site's domain, theme and kind (orders show them). */
export async function siteOf(db: Tx, siteId: string) {
  return db.selectFrom('sites').select(['domain', 'theme', 'site_kind']).where('id', '=', siteId).executeTakeFirstOrThrow();
}

/** SQL: the domain of the site `ref`, for another feature's select list. */
export function siteDomain(ref: Expression<unknown> | RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(select domain from sites where id = ${ref})`;
}

/** SQL: the URL of the article `ref`, for another feature's select list. */
export function articleUrl(ref: Expression<unknown> | RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(select url from articles where id = ${ref})`;
}

/** The offer an order is placed on: the article, its site, its price and publisher. */
export async function findOffer(db: Tx, offerId: string) {
  return db
    .selectFrom('articles as a')
    .innerJoin('sites as s', 's.id', 'a.site_id')
    .select([
      'a.id',
      'a.url',
      'a.site_id',
      'a.best_keyword',
      'a.best_position',
      'a.best_volume',
      'a.top10_count',
      'a.price_cents',
      's.publisher_id',
      's.status as site_status',
      's.theme',
      's.site_kind',
      's.language',
      's.domain',
      's.guarantee_months',
    ])
    .where('a.id', '=', offerId)
    .executeTakeFirst();
}

/** How many sites wait for support's review (the support dashboard's queue). */
export async function countSitesToReview(db: Tx): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::int as n from sites where status = 'pending_review'`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}
