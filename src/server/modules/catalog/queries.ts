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
  /** only the buying account's favourites */
  favourites?: boolean;
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
  matchedKeywords: { keyword: string; position: number; volume: number }[];
  matchedCount: number;
  favourite: boolean;
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
 * Searches the approved catalog: one row per article. With a keyword, the article's keywords that
 * match it (French stemming over the folded keyword, each word a prefix; and `minVolume` /
 * `maxPosition` when given) are its matched keywords; the best of them (position, then volume) is
 * the row's keyword, position and volume, and what the relevance and volume sorts read. Without a
 * keyword, the row shows the article's best keyword and those two filters apply to it. Price,
 * theme, kind, language and favourites are the article's. `total` counts every article found
 * (exact, whatever the cursor). Never a domain or URL.
 */
export async function searchOfferRows(
  db: Tx,
  f: OfferFilters,
  defaultGuaranteeMonths: number | null,
  buyerId: string | null = null,
  matchedShown = 5,
): Promise<{ items: Offer[]; nextCursor: string | null; total: number }> {
  const query = f.keyword ? toPrefixQuery(f.keyword) : null;
  if (f.keyword && !query) return { items: [], nextCursor: null, total: 0 };
  if (f.favourites && !buyerId) return { items: [], nextCursor: null, total: 0 };
  const byKeyword = query !== null;
  // `found` is one row per article: (article_id, keyword, position, volume, price), read from the
  // keywords (the best matching one of each article) or from the articles (their best keyword).
  // Both tables carry the site's kind, theme and language and the offer's price.
  const t = byKeyword
    ? { offered: sql`k.offer_price_cents is not null`, price: sql`k.offer_price_cents`, position: sql`k.position`, volume: sql`k.volume`, site: 'k', article: sql`k.article_id` }
    : { offered: sql`a.offered`, price: sql`a.price_cents`, position: sql`a.best_position`, volume: sql`a.best_volume`, site: 'a', article: sql`a.id` };
  const col = (name: string) => sql.ref(`${t.site}.${name}`);
  const conditions = [
    t.offered,
    ...(byKeyword ? [matchesSearch(query)] : []),
    ...(f.theme ? [sql`${col('theme')} = ${f.theme}`] : []),
    ...(f.language ? [sql`${col('language')} = ${f.language}`] : []),
    ...(f.siteKind ? [sql`${col('site_kind')} = ${f.siteKind}`] : []),
    ...(f.minVolume !== undefined ? [sql`${t.volume} >= ${f.minVolume}`] : []),
    ...(f.maxPosition !== undefined ? [sql`${t.position} <= ${f.maxPosition}`] : []),
    ...(f.maxPriceCents !== undefined ? [sql`${t.price} <= ${f.maxPriceCents}`] : []),
    ...(f.favourites ? [sql`${t.article} in (select fav.article_id from catalog_favourites fav where fav.account_id = ${buyerId}::uuid)`] : []),
  ];
  const where = sql.join(conditions, sql` and `);
  // The best matching keyword of each article is the least (position, -volume, id): a hash
  // aggregate over the matching keywords, about three times cheaper than sorting them all for a
  // DISTINCT ON on a broad word (docs/ARCHITECTURE.md, "The catalog: one row per article"); its
  // text is read for the page's rows only, by id.
  const found = byKeyword
    ? sql`select g.article_id, g.best[1]::int as position, (-g.best[2])::int as volume, g.best[3] as keyword_id, g.price, null::text as keyword
          from (select k.article_id, min(array[k.position::bigint, -k.volume::bigint, k.id]) as best, min(k.offer_price_cents) as price
                from article_keywords k where ${where} group by k.article_id) g`
    : sql`select a.id as article_id, a.best_position as position, a.best_volume as volume, null::bigint as keyword_id, a.price_cents as price,
                 a.best_keyword as keyword
          from articles a where ${where}`;
  // Each sort is a list of (column of `found`, direction), the article id last: a unique order.
  type Sort = [RawBuilder<unknown>, 'asc' | 'desc'][];
  const sortKey: Sort = (
    {
      relevance: [[sql`b.position`, 'asc'], [sql`b.volume`, 'desc']],
      price_asc: [[sql`b.price`, 'asc'], [sql`b.position`, 'asc']],
      price_desc: [[sql`b.price`, 'desc'], [sql`b.position`, 'asc']],
      volume_desc: [[sql`b.volume`, 'desc'], [sql`b.position`, 'asc']],
    } as Record<OfferFilters['sort'], Sort>
  )[f.sort];
  const after = decodeCursor(f.cursor, [cursorPart.int, cursorPart.int, cursorPart.uuid]);
  const cursorCondition = after && after.length === 3 ? afterCursor(sortKey, sql`b.article_id`, sql`uuid`, after) : sql`true`;
  const outerOrder = sql.join(sortKey.map(([, d], i) => sql`${sql.ref(`p.s${i + 1}`)} ${sql.raw(d)}`));
  // With a keyword, the articles found are read once (materialized) for the page and the count;
  // without, the page walks an index of articles in order and the count is its own scan.
  const rows = await sql<
    {
      total: number | string;
      offer_id: string | null;
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
      favourite: boolean;
    } & ReliabilityColumns
  >`
    with found as ${byKeyword ? sql`materialized` : sql`not materialized`} (${found}),
    page as (
      select b.article_id, b.keyword_id, b.keyword, b.position, b.volume, b.price, ${sortKey[0][0]} as s1, ${sortKey[1][0]} as s2
      from found b
      where ${cursorCondition}
      order by ${sql.join(sortKey.map(([e, d]) => sql`${e} ${sql.raw(d)}`))}, b.article_id asc
      limit ${f.limit + 1}
    )
    select t.total, p.article_id as offer_id,
           coalesce(p.keyword, (select kk.keyword from article_keywords kk where kk.id = p.keyword_id)) as keyword, p.position, p.volume, p.price as price_cents, p.s1, p.s2,
           a2.top10_count, a2.site_kind, a2.theme, a2.language, si.guarantee_months, a2.best_keyword, a2.best_position, a2.best_volume,
           exists (select 1 from catalog_favourites fav where fav.account_id = ${buyerId}::uuid and fav.article_id = p.article_id) as favourite,
           r.links_placed, r.links_lost, r.avg_lifetime_days, r.acceptance_rate, r.median_days_to_placement
    from (select count(*)::int as total from found) t
    left join page p on true
    left join articles a2 on a2.id = p.article_id
    left join sites si on si.id = a2.site_id
    left join publisher_reliability r on r.publisher_id = si.publisher_id
    order by ${outerOrder}, p.article_id`.execute(db);
  const total = Number(rows.rows[0]?.total ?? 0);
  const hits = rows.rows.filter((r) => r.offer_id !== null);
  const page = hits.slice(0, f.limit);
  const last = hits.length > f.limit ? page[page.length - 1] : null;
  const matched = byKeyword ? await matchedKeywordsOf(db, page.map((r) => r.offer_id!), query, f, matchedShown) : new Map();
  return {
    items: page.map((r) => ({
      offerId: r.offer_id!,
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
      matchedKeywords: matched.get(r.offer_id!)?.keywords ?? [],
      matchedCount: matched.get(r.offer_id!)?.count ?? 0,
      favourite: Boolean(r.favourite),
    })),
    nextCursor: last ? encodeCursor([Number(last.s1), Number(last.s2), last.offer_id]) : null,
    total,
  };
}

/** SQL: the keyword `k` matches the search (the GIN index article_keywords_search_fr, migration 0015). */
function matchesSearch(query: string) {
  return sql`to_tsvector('french', k.keyword_norm) @@ to_tsquery('french', ${query})`;
}

/**
 * The matched keywords of a page's articles, best first (`limit` of each), and how many each has:
 * one query over those articles' keywords (their unique index), whatever the breadth of the search.
 */
async function matchedKeywordsOf(db: Tx, articleIds: string[], query: string, f: OfferFilters, limit: number) {
  const byArticle = new Map<string, { keywords: { keyword: string; position: number; volume: number }[]; count: number }>();
  if (articleIds.length === 0) return byArticle;
  const rows = await sql<{ article_id: string; keyword: string; position: number; volume: number; n: number | string }>`
    select x.article_id, x.keyword, x.position, x.volume, x.n from (
      select k.article_id, k.keyword, k.position, k.volume,
             row_number() over (partition by k.article_id order by k.position, k.volume desc, k.id) as rn,
             count(*) over (partition by k.article_id) as n
      from article_keywords k
      where k.article_id = any(${articleIds}::uuid[]) and k.offer_price_cents is not null and ${matchesSearch(query)}
        ${f.minVolume !== undefined ? sql`and k.volume >= ${f.minVolume}` : sql``}
        ${f.maxPosition !== undefined ? sql`and k.position <= ${f.maxPosition}` : sql``}
    ) x where x.rn <= ${limit}
    order by x.article_id, x.rn`.execute(db);
  for (const r of rows.rows) {
    const entry = byArticle.get(r.article_id) ?? { keywords: [], count: Number(r.n) };
    entry.keywords.push({ keyword: r.keyword, position: Number(r.position), volume: Number(r.volume) });
    byArticle.set(r.article_id, entry);
  }
  return byArticle;
}

/** "After the cursor" in a sort of mixed directions: (a > x) or (a = x and (b < y or (b = y and id > z))). */
function afterCursor(sortKey: [RawBuilder<unknown>, 'asc' | 'desc'][], rowId: RawBuilder<unknown>, rowIdType: RawBuilder<unknown>, after: unknown[]) {
  const [[e1, d1], [e2, d2]] = sortKey;
  const [v1, v2, id] = [Number(after[0]), Number(after[1]), String(after[2])];
  const beyond = (e: RawBuilder<unknown>, d: 'asc' | 'desc', v: number) => (d === 'asc' ? sql`${e} > ${v}` : sql`${e} < ${v}`);
  return sql`(${beyond(e1, d1, v1)} or (${e1} = ${v1} and (${beyond(e2, d2, v2)} or (${e2} = ${v2} and ${rowId} > ${id}::${rowIdType}))))`;
}

/** Puts an article in an account's favourites (nothing when it is already there). */
export async function addFavourite(db: Tx, accountId: string, articleId: string): Promise<void> {
  await db
    .insertInto('catalog_favourites')
    .values({ account_id: accountId, article_id: articleId })
    .onConflict((oc) => oc.columns(['account_id', 'article_id']).doNothing())
    .execute();
}

export async function removeFavourite(db: Tx, accountId: string, articleId: string): Promise<void> {
  await db.deleteFrom('catalog_favourites').where('account_id', '=', accountId).where('article_id', '=', articleId).execute();
}

export async function isFavourite(db: Tx, accountId: string, articleId: string): Promise<boolean> {
  const row = await db.selectFrom('catalog_favourites').select('article_id').where('account_id', '=', accountId).where('article_id', '=', articleId).executeTakeFirst();
  return row !== undefined;
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
