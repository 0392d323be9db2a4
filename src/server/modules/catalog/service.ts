import { sql } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { Language, SiteKind } from '../../db/types.js';
import { AppError, forbidden, invalidState, notFound, ruleViolation } from '../../http/errors.js';
import { enqueueJob } from '../../jobs/queue.js';
import { cursorPart, decodeCursor, pageOf } from '../../http/pagination.js';
import { recordAudit } from '../audit/service.js';
import { accountName } from '../accounts/service.js';
import { isUrlOnDomain, normalizeDomain } from './domain.js';
import { CsvFormatError, parseKeywordCsv } from './keyword-csv.js';
import { catalogPolicy } from './policy.js';
export { articleUrl, findOffer as offerForOrder, refreshArticles, siteDomain, siteOf } from './queries.js';
import { findOffer, refreshArticles, searchOfferRows, upsertKeywords, type KeywordInput, type OfferFilters } from './queries.js';

export const IMPORT_JOB = 'catalog.keyword_import';
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

type SiteRow = {
  id: string;
  publisher_id: string;
  domain: string;
  theme: string;
  site_kind: SiteKind;
  language: string;
  status: 'pending_review' | 'approved' | 'refused';
  review_reason: string | null;
  created_at: Date;
};

function toSite(row: SiteRow & { article_count?: number | string; keyword_count?: number | string; publisher_name?: string }) {
  return {
    id: row.id,
    publisherId: row.publisher_id,
    ...(row.publisher_name ? { publisherName: row.publisher_name } : {}),
    domain: row.domain,
    theme: row.theme,
    siteKind: row.site_kind,
    language: row.language,
    status: row.status,
    reviewReason: row.review_reason,
    createdAt: new Date(row.created_at).toISOString(),
    articleCount: Number(row.article_count ?? 0),
    keywordCount: Number(row.keyword_count ?? 0),
  };
}

function siteList(db: Tx) {
  return db
    .selectFrom('sites as s')
    .selectAll('s')
    .select([
      accountName(sql.ref('s.publisher_id')).as('publisher_name'),
      sql<number>`(select count(*) from articles a where a.site_id = s.id)::int`.as('article_count'),
      sql<number>`(select count(*) from article_keywords k join articles a on a.id = k.article_id where a.site_id = s.id)::int`.as('keyword_count'),
    ]);
}

/** The site `id` if it belongs to the actor (support sees every site), else 404. */
async function findOwnSite(db: Tx, actor: Actor, id: string, lock = false) {
  const site = await db
    .selectFrom('sites')
    .selectAll()
    .where('id', '=', id)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!site || (site.publisher_id !== actor.account.id && !catalogPolicy.mayReview(actor))) throw notFound();
  return site;
}

export async function createSite(actor: Actor, input: { domain: string; theme: string; siteKind: SiteKind; language: string }, ctx: Ctx) {
  if (!catalogPolicy.maySell(actor)) throw forbidden();
  const domain = normalizeDomain(input.domain, ctx.config.crawlerAllowPrivate);
  if (!domain) throw ruleViolation('domain_invalid', {}, 'domain');
  return ctx.db.transaction().execute(async (tx) => {
    const taken = await tx.selectFrom('sites').select('id').where('domain', '=', domain).where('status', '!=', 'refused').executeTakeFirst();
    if (taken) throw new AppError('rule_violation', 409, 'domain_taken', { domain }, 'domain');
    const row = await tx
      .insertInto('sites')
      .values({ publisher_id: actor.account.id, domain, theme: input.theme, site_kind: input.siteKind, language: input.language })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, 'site.create', { type: 'site', id: row.id }, { domain });
    return toSite(row);
  });
}

type SiteStatus = 'pending_review' | 'approved' | 'refused';

/** A page of sites on (created_at, id), newest first (the publisher) or oldest first (support's queue). */
async function pageOfSites(db: Tx, f: { publisherId?: string; status?: SiteStatus; newestFirst: boolean; limit: number; cursor?: string }) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const dir = f.newestFirst ? 'desc' : 'asc';
  const rows = await siteList(db)
    .select(sql<string>`s.created_at::text`.as('sort_key'))
    .$if(f.publisherId !== undefined, (q) => q.where('s.publisher_id', '=', f.publisherId!))
    .$if(f.status !== undefined, (q) => q.where('s.status', '=', f.status!))
    .$if(after !== null, (q) =>
      q.where(
        f.newestFirst
          ? sql<boolean>`(s.created_at, s.id) < (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`
          : sql<boolean>`(s.created_at, s.id) > (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`,
      ),
    )
    .orderBy('s.created_at', dir)
    .orderBy('s.id', dir)
    .limit(f.limit + 1)
    .execute();
  const page = pageOf(rows, f.limit, (r) => [r.sort_key, r.id]);
  return { items: page.items.map(toSite), nextCursor: page.nextCursor };
}

export async function listOwnSites(actor: Actor, page: { limit: number; cursor?: string }, ctx: Ctx) {
  return pageOfSites(ctx.db, { ...page, publisherId: actor.account.id, newestFirst: true });
}

/** One of the publisher's sites (support sees every site), else 404. */
export async function getOwnSite(actor: Actor, id: string, ctx: Ctx) {
  await findOwnSite(ctx.db, actor, id);
  return toSite((await siteList(ctx.db).where('s.id', '=', id).executeTakeFirstOrThrow()));
}

export async function listSitesForReview(actor: Actor, f: { status?: SiteStatus; limit: number; cursor?: string }, ctx: Ctx) {
  if (!catalogPolicy.mayReview(actor)) throw forbidden('support_only');
  return pageOfSites(ctx.db, { ...f, newestFirst: false });
}

/** Support validates or refuses a site by hand; a refusal says why. Approval puts its articles in the catalog. */
export async function reviewSite(actor: Actor, id: string, decision: 'approve' | 'refuse', reason: string | undefined, ctx: Ctx) {
  if (!catalogPolicy.mayReview(actor)) throw forbidden('support_only');
  return ctx.db.transaction().execute(async (tx) => {
    const site = await tx.selectFrom('sites').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!site) throw notFound();
    if (decision === 'refuse' && !reason) throw ruleViolation('refusal_reason_required', {}, 'reason');
    if (site.status !== 'pending_review') throw invalidState();
    const row = await tx
      .updateTable('sites')
      .set({
        status: decision === 'approve' ? 'approved' : 'refused',
        review_reason: reason ?? null,
        reviewed_by: actor.person.id,
        reviewed_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await refreshArticles(tx, { siteId: id });
    await recordAudit(tx, actor, `site.${decision}`, { type: 'site', id }, { reason: reason ?? null });
    return toSite(row);
  });
}

async function findOrCreateArticle(tx: Tx, siteId: string, url: string): Promise<{ id: string; created: boolean }> {
  const inserted = await tx
    .insertInto('articles')
    .values({ site_id: siteId, url })
    .onConflict((oc) => oc.columns(['site_id', 'url']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await tx.selectFrom('articles').select('id').where('site_id', '=', siteId).where('url', '=', url).executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/** Article URLs are kept without fragment, so that the same page typed twice is one article. */
function canonicalArticleUrl(url: string): string {
  const u = new URL(url);
  u.hash = '';
  return u.toString();
}

export async function addArticle(actor: Actor, siteId: string, input: { url: string; keywords: KeywordInput[] }, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const site = await findOwnSite(tx, actor, siteId, true);
    if (site.publisher_id !== actor.account.id) throw forbidden();
    if (!isUrlOnDomain(input.url, site.domain)) throw ruleViolation('url_off_domain', { domain: site.domain }, 'url');
    const article = await findOrCreateArticle(tx, site.id, canonicalArticleUrl(input.url));
    await upsertKeywords(tx, article.id, input.keywords);
    await refreshArticles(tx, [article.id]);
    await recordAudit(tx, actor, 'article.upsert', { type: 'article', id: article.id }, { keywords: input.keywords.length });
    return getArticleRow(tx, article.id);
  });
}

async function getArticleRow(db: Tx, id: string) {
  const a = await db.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const keywords = await db
    .selectFrom('article_keywords')
    .select(['keyword', 'position', 'volume'])
    .where('article_id', '=', id)
    .orderBy('position')
    .orderBy('volume', 'desc')
    .execute();
  return {
    id: a.id,
    siteId: a.site_id,
    url: a.url,
    bestKeyword: a.best_keyword,
    bestPosition: a.best_position,
    bestVolume: a.best_volume,
    top10Count: a.top10_count,
    priceCents: a.price_cents === null ? null : Number(a.price_cents),
    keywords,
  };
}

export async function listArticles(actor: Actor, siteId: string, page: { limit: number; cursor?: string }, ctx: Ctx) {
  const site = await findOwnSite(ctx.db, actor, siteId);
  const rows = await ctx.db
    .selectFrom('articles')
    .select('id')
    .where('site_id', '=', site.id)
    .$if(Boolean(page.cursor), (q) => q.where('url', '>', page.cursor!))
    .orderBy('url')
    .limit(page.limit + 1)
    .execute();
  const items = await Promise.all(rows.slice(0, page.limit).map((r) => getArticleRow(ctx.db, r.id)));
  return { items, nextCursor: rows.length > page.limit ? items[items.length - 1].url : null };
}

/** Stores the uploaded file and queues its import; the answer comes at once, progress is polled. */
export async function startImport(actor: Actor, siteId: string, content: unknown, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const site = await findOwnSite(tx, actor, siteId);
    if (site.publisher_id !== actor.account.id) throw forbidden();
    if (!Buffer.isBuffer(content) || content.length === 0) throw ruleViolation('import_empty', {}, 'file');
    if (content.length > MAX_IMPORT_BYTES) throw ruleViolation('import_too_large', { mb: MAX_IMPORT_BYTES / 1024 / 1024 }, 'file');
    const row = await tx
      .insertInto('keyword_imports')
      .values({ site_id: site.id, publisher_id: actor.account.id, content })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueueJob(tx, IMPORT_JOB, { importId: row.id });
    await recordAudit(tx, actor, 'import.start', { type: 'keyword_import', id: row.id }, { bytes: content.length });
    return { importId: row.id };
  });
}

export async function getImport(actor: Actor, importId: string, lang: Language, ctx: Ctx) {
  const row = await ctx.db.selectFrom('keyword_imports').selectAll().where('id', '=', importId).executeTakeFirst();
  if (!row || (row.publisher_id !== actor.account.id && !catalogPolicy.mayReview(actor))) throw notFound();
  const errors = (row.errors as { line: number; reason: Record<Language, string>; raw: string }[]).map((e) => ({
    line: e.line,
    reason: e.reason[lang],
    raw: e.raw,
  }));
  const failure = row.failure as Record<Language, string> | null;
  return {
    id: row.id,
    siteId: row.site_id,
    status: row.status,
    format: row.format,
    totalLines: row.total_lines,
    processedLines: row.processed_lines,
    createdKeywords: row.created_keywords,
    updatedKeywords: row.updated_keywords,
    createdArticles: row.created_articles,
    errors,
    failure: failure ? failure[lang] : null,
    createdAt: new Date(row.created_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}

const URLS_PER_BATCH = 200;

/** The import job: parse, then write article by article in batches, recording progress as it goes. */
export async function runImport(payload: { importId: string }, ctx: Ctx): Promise<void> {
  const job = await ctx.db.selectFrom('keyword_imports').selectAll().where('id', '=', payload.importId).executeTakeFirst();
  if (!job || job.status === 'done' || job.status === 'failed') return;
  const site = await ctx.db.selectFrom('sites').selectAll().where('id', '=', job.site_id).executeTakeFirstOrThrow();
  let parsed: ReturnType<typeof parseKeywordCsv>;
  try {
    parsed = parseKeywordCsv(job.content ?? Buffer.alloc(0));
  } catch (e) {
    if (!(e instanceof CsvFormatError)) throw e;
    await ctx.db
      .updateTable('keyword_imports')
      .set({ status: 'failed', failure: JSON.stringify({ fr: e.fr, en: e.en }), finished_at: new Date() })
      .where('id', '=', job.id)
      .execute();
    return;
  }
  const errors = [...parsed.errors];
  const byUrl = new Map<string, { line: number; keyword: string; position: number; volume: number }[]>();
  for (const row of parsed.rows) {
    if (!isUrlOnDomain(row.url, site.domain)) {
      errors.push({
        line: row.line,
        reason: { fr: `URL hors du domaine ${site.domain} : ${row.url}`, en: `URL not on ${site.domain}: ${row.url}` },
        raw: row.url,
      });
      continue;
    }
    const url = canonicalArticleUrl(row.url);
    byUrl.set(url, [...(byUrl.get(url) ?? []), row]);
  }
  errors.sort((a, b) => a.line - b.line);
  await ctx.db
    .updateTable('keyword_imports')
    .set({ status: 'running', format: parsed.format, total_lines: parsed.totalLines, errors: JSON.stringify(errors.slice(0, 1000)) })
    .where('id', '=', job.id)
    .execute();
  const urls = [...byUrl.keys()];
  let processed = errors.length;
  for (let i = 0; i < urls.length; i += URLS_PER_BATCH) {
    const batch = urls.slice(i, i + URLS_PER_BATCH);
    await ctx.db.transaction().execute(async (tx) => {
      let created = 0;
      let updated = 0;
      let createdArticles = 0;
      const touched: string[] = [];
      for (const url of batch) {
        const article = await findOrCreateArticle(tx, site.id, url);
        if (article.created) createdArticles++;
        const counts = await upsertKeywords(tx, article.id, byUrl.get(url)!);
        created += counts.created;
        updated += counts.updated;
        processed += byUrl.get(url)!.length;
        touched.push(article.id);
      }
      await refreshArticles(tx, touched);
      await tx
        .updateTable('keyword_imports')
        .set((eb) => ({
          processed_lines: processed,
          created_keywords: eb('created_keywords', '+', created),
          updated_keywords: eb('updated_keywords', '+', updated),
          created_articles: eb('created_articles', '+', createdArticles),
        }))
        .where('id', '=', job.id)
        .execute();
    });
  }
  await ctx.db
    .updateTable('keyword_imports')
    .set({ status: 'done', processed_lines: parsed.rows.length + parsed.errors.length, finished_at: new Date(), content: null })
    .where('id', '=', job.id)
    .execute();
}

export async function searchOffers(_actor: Actor, filters: OfferFilters, ctx: Ctx) {
  return searchOfferRows(ctx.db, filters);
}

/** What a buyer may know of an offer before ordering: everything but the domain and the URL. */
export async function getOffer(_actor: Actor, offerId: string, ctx: Ctx) {
  const offer = await findOffer(ctx.db, offerId);
  if (!offer || offer.site_status !== 'approved' || offer.price_cents === null) throw notFound();
  return {
    offerId: offer.id,
    keyword: offer.best_keyword!,
    position: offer.best_position!,
    volume: offer.best_volume!,
    top10Count: offer.top10_count,
    siteKind: offer.site_kind,
    theme: offer.theme,
    language: offer.language,
    priceCents: Number(offer.price_cents),
  };
}

export async function getPriceGrid(ctx: Ctx) {
  const cells = await ctx.db.selectFrom('price_grid').selectAll().orderBy('site_kind').orderBy('max_position').orderBy('min_volume', 'desc').execute();
  const settings = await ctx.db.selectFrom('price_settings').selectAll().executeTakeFirstOrThrow();
  return {
    cells: cells.map((c) => ({ siteKind: c.site_kind, maxPosition: c.max_position, minVolume: c.min_volume, priceCents: Number(c.price_cents) })),
    top10BonusCents: Number(settings.top10_bonus_cents),
    top10BonusMax: settings.top10_bonus_max,
  };
}

/** Support replaces the grid; every article's price is recomputed in the same transaction. */
export async function updatePriceGrid(
  actor: Actor,
  input: { cells: { siteKind: SiteKind; maxPosition: number; minVolume: number; priceCents: number }[]; top10BonusCents: number; top10BonusMax: number },
  ctx: Ctx,
) {
  if (!catalogPolicy.mayReview(actor)) throw forbidden('support_only');
  const keys = new Set(input.cells.map((c) => `${c.siteKind}:${c.maxPosition}:${c.minVolume}`));
  if (keys.size !== input.cells.length) throw ruleViolation('grid_duplicate_cell', {}, 'cells');
  for (const kind of ['generalist', 'thematic'] as const) {
    if (!input.cells.some((c) => c.siteKind === kind && c.minVolume === 0)) throw ruleViolation('grid_incomplete', { kind }, 'cells');
  }
  await ctx.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('price_grid').execute();
    await tx
      .insertInto('price_grid')
      .values(input.cells.map((c) => ({ site_kind: c.siteKind, max_position: c.maxPosition, min_volume: c.minVolume, price_cents: c.priceCents })))
      .execute();
    await tx
      .updateTable('price_settings')
      .set({ top10_bonus_cents: input.top10BonusCents, top10_bonus_max: input.top10BonusMax, updated_at: new Date(), updated_by: actor.person.id })
      .where('id', '=', 1)
      .execute();
    await refreshArticles(tx, 'all');
    await recordAudit(tx, actor, 'price_grid.update', null, { cells: input.cells.length });
  });
  return getPriceGrid(ctx);
}
