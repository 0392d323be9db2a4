import { sql } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { Language, SiteKind } from '../../db/types.js';
import { AppError, forbidden, invalidState, notFound, ruleViolation } from '../../http/errors.js';
import { enqueueJob, type JobGiveUpReason, type JobRun } from '../../jobs/queue.js';
import { cursorPart, decodeCursor, pageOf } from '../../http/pagination.js';
import { translate } from '../../http/messages.js';
import { recordAudit } from '../audit/service.js';
import { accountName, supportAudience } from '../accounts/service.js';
import { notify } from '../notifications/service.js';
import { explainPrice, isUrlOnDomain, normalizeDomain, type PriceRules } from './domain.js';
import type { LocalizedText } from './keyword-csv.js';
import type { GUARANTEE_MONTHS } from './schema.js';
import { ImportRefused, openPlanWorker, type PlanHandle } from './plan-worker.js';
import { catalogPolicy } from './policy.js';
import type { Config } from '../../config.js';
export { articleUrl, countSitesToReview, findOffer as offerForOrder, refreshArticles, siteDomain, siteOf, type Reliability, type ReliabilityRow } from './queries.js';
import { MATCHED_SHOWN } from './schema.js';
import {
  addFavourite,
  ensureArticles,
  isFavourite,
  removeFavourite,
  findOffer,
  refreshArticles,
  reliabilityOf,
  searchOfferRows,
  upsertReliability,
  type ReliabilityRow,
  upsertKeywordRows,
  upsertKeywords,
  type KeywordInput,
  type OfferFilters,
} from './queries.js';

export const IMPORT_JOB = 'catalog.keyword_import';

export type GuaranteeMonths = (typeof GUARANTEE_MONTHS)[number];

/** 413 naming the stated limit (the route's body limit is the same number, so this is the fallback for a body already read). */
export function importTooLarge(ctx: Ctx) {
  return new AppError('rule_violation', 413, 'import_too_large', { mb: Math.round((ctx.config.importMaxBytes / 1024 / 1024) * 10) / 10 }, 'file');
}

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
  guarantee_months: number | null;
};

/** The platform's default guarantee in months, or null when the setting is not in months (a short one for tests). */
export function defaultGuaranteeMonths(config: Pick<Config, 'defaultGuarantee'>): number | null {
  return 'months' in config.defaultGuarantee ? config.defaultGuarantee.months : null;
}

function toSite(
  row: SiteRow & { article_count?: number | string; keyword_count?: number | string; publisher_name?: string },
  config: Pick<Config, 'defaultGuarantee'>,
) {
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
    guaranteeMonths: row.guarantee_months,
    effectiveGuaranteeMonths: row.guarantee_months ?? defaultGuaranteeMonths(config),
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

/**
 * The site `id` if it belongs to the actor, else 404: for what only its publisher changes (support
 * sees every site but edits none, so it gets the 404 of anyone else).
 */
async function findSiteToEdit(db: Tx, actor: Actor, id: string) {
  const site = await db.selectFrom('sites').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!site || site.publisher_id !== actor.account.id) throw notFound();
  return site;
}

export async function createSite(
  actor: Actor,
  input: { domain: string; theme: string; siteKind: SiteKind; language: string; guaranteeMonths?: GuaranteeMonths },
  ctx: Ctx,
) {
  if (!catalogPolicy.maySell(actor)) throw forbidden();
  const domain = normalizeDomain(input.domain, ctx.config.crawlerAllowPrivate);
  if (!domain) throw ruleViolation('domain_invalid', {}, 'domain');
  return ctx.db.transaction().execute(async (tx) => {
    const taken = await tx.selectFrom('sites').select('id').where('domain', '=', domain).where('status', '!=', 'refused').executeTakeFirst();
    if (taken) throw new AppError('rule_violation', 409, 'domain_taken', { domain }, 'domain');
    const row = await tx
      .insertInto('sites')
      .values({
        publisher_id: actor.account.id,
        domain,
        theme: input.theme,
        site_kind: input.siteKind,
        language: input.language,
        guarantee_months: input.guaranteeMonths ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, 'site.create', { type: 'site', id: row.id }, { domain, guaranteeMonths: row.guarantee_months });
    await notify(tx, ctx, {
      kind: 'site_to_review',
      params: { site: domain, publisher: actor.account.name },
      link: '/support/sites',
      object: { type: 'site', id: row.id },
      recipients: await supportAudience(tx),
    });
    return toSite(row, ctx.config);
  });
}

/**
 * The publisher changes its site's guarantee (null: back to the platform default). Orders already
 * placed keep the guarantee they were bought with (orders.guarantee_months); the next ones get this.
 */
export async function updateSite(actor: Actor, id: string, input: { guaranteeMonths: GuaranteeMonths | null }, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const site = await findSiteToEdit(tx, actor, id);
    if (site.guarantee_months !== input.guaranteeMonths) {
      await tx.updateTable('sites').set({ guarantee_months: input.guaranteeMonths }).where('id', '=', id).execute();
      await recordAudit(tx, actor, 'site.guarantee', { type: 'site', id }, { from: site.guarantee_months, to: input.guaranteeMonths });
    }
    return toSite(await siteList(tx).where('s.id', '=', id).executeTakeFirstOrThrow(), ctx.config);
  });
}

type SiteStatus = 'pending_review' | 'approved' | 'refused';

/** A page of sites on (created_at, id), newest first (the publisher) or oldest first (support's queue). */
async function pageOfSites(db: Tx, config: Config, f: { publisherId?: string; status?: SiteStatus; newestFirst: boolean; limit: number; cursor?: string }) {
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
  return { items: page.items.map((r) => toSite(r, config)), nextCursor: page.nextCursor };
}

export async function listOwnSites(actor: Actor, page: { limit: number; cursor?: string }, ctx: Ctx) {
  return pageOfSites(ctx.db, ctx.config, { ...page, publisherId: actor.account.id, newestFirst: true });
}

/** One of the publisher's sites (support sees every site), else 404. */
export async function getOwnSite(actor: Actor, id: string, ctx: Ctx) {
  await findOwnSite(ctx.db, actor, id);
  return toSite(await siteList(ctx.db).where('s.id', '=', id).executeTakeFirstOrThrow(), ctx.config);
}

export async function listSitesForReview(actor: Actor, f: { status?: SiteStatus; limit: number; cursor?: string }, ctx: Ctx) {
  if (!catalogPolicy.mayReview(actor)) throw forbidden('support_only');
  return pageOfSites(ctx.db, ctx.config, { ...f, newestFirst: false });
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
    return toSite(row, ctx.config);
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

type ArticleRow = {
  id: string;
  site_id: string;
  url: string;
  best_keyword: string | null;
  best_position: number | null;
  best_volume: number | null;
  top10_count: number;
  price_cents: number | string | null;
};

function toArticle(a: ArticleRow, keywords: { keyword: string; position: number; volume: number }[]) {
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

/** Articles with their keywords, in two queries whatever their number (the keywords of all of them at once). */
async function withKeywords(db: Tx, articles: ArticleRow[]) {
  if (articles.length === 0) return [];
  const keywords = await db
    .selectFrom('article_keywords')
    .select(['article_id', 'keyword', 'position', 'volume'])
    .where(
      'article_id',
      'in',
      articles.map((a) => a.id),
    )
    .orderBy('article_id')
    .orderBy('position')
    .orderBy('volume', 'desc')
    .orderBy('id')
    .execute();
  const byArticle = new Map<string, { keyword: string; position: number; volume: number }[]>(articles.map((a) => [a.id, []]));
  for (const k of keywords) byArticle.get(k.article_id)!.push({ keyword: k.keyword, position: k.position, volume: k.volume });
  return articles.map((a) => toArticle(a, byArticle.get(a.id)!));
}

async function getArticleRow(db: Tx, id: string) {
  const a = await db.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return (await withKeywords(db, [a]))[0];
}

export async function listArticles(actor: Actor, siteId: string, page: { limit: number; cursor?: string }, ctx: Ctx) {
  const site = await findOwnSite(ctx.db, actor, siteId);
  const rows = await ctx.db
    .selectFrom('articles')
    .selectAll()
    .where('site_id', '=', site.id)
    .$if(Boolean(page.cursor), (q) => q.where('url', '>', page.cursor!))
    .orderBy('url')
    .limit(page.limit + 1)
    .execute();
  const items = await withKeywords(ctx.db, rows.slice(0, page.limit));
  return { items, nextCursor: rows.length > page.limit ? items[items.length - 1].url : null };
}

/** Stores the uploaded file and queues its import; the answer comes at once, progress is polled. */
export async function startImport(actor: Actor, siteId: string, content: unknown, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const site = await findOwnSite(tx, actor, siteId);
    if (site.publisher_id !== actor.account.id) throw forbidden();
    if (!Buffer.isBuffer(content) || content.length === 0) throw ruleViolation('import_empty', {}, 'file');
    if (content.length > ctx.config.importMaxBytes) throw importTooLarge(ctx);
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
  // Never the file itself: the page polls this while the import runs.
  const row = await ctx.db
    .selectFrom('keyword_imports')
    .select([
      'id',
      'site_id',
      'publisher_id',
      'status',
      'format',
      'total_lines',
      'processed_lines',
      'created_keywords',
      'updated_keywords',
      'created_articles',
      'errors',
      'failure',
      'created_at',
      'finished_at',
    ])
    .where('id', '=', importId)
    .executeTakeFirst();
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

const LEASE_RENEW_MS = 30_000;

async function failImport(db: Tx, importId: string, reason: LocalizedText): Promise<void> {
  await db
    .updateTable('keyword_imports')
    .set({ status: 'failed', failure: JSON.stringify(reason), finished_at: new Date(), content: null })
    .where('id', '=', importId)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

/**
 * The import job. The file is parsed and grouped per URL in a worker thread; its chunks are then
 * written one transaction each, with the progress and the checkpoint (`written_chunks`) in the same
 * transaction, so an interrupted import resumes where it stopped. An unusable file (format, a stated
 * limit) ends the import `failed` with its reason at once; any other error is retried by the queue,
 * and `giveUpImport` marks it failed when the attempts are spent.
 */
export async function runImport(payload: { importId: string }, ctx: Ctx, run?: JobRun): Promise<void> {
  const job = await ctx.db
    .selectFrom('keyword_imports')
    .select(['id', 'site_id', 'status', 'written_chunks', sql<number | null>`octet_length(content)`.as('bytes')])
    .where('id', '=', payload.importId)
    .executeTakeFirst();
  if (!job || job.status === 'done' || job.status === 'failed') return;
  const site = await ctx.db.selectFrom('sites').select(['id', 'domain']).where('id', '=', job.site_id).executeTakeFirstOrThrow();
  if (!job.bytes) {
    await failImport(ctx.db, job.id, { fr: translate('fr', 'import_empty'), en: translate('en', 'import_empty') });
    return;
  }
  let plan: PlanHandle;
  try {
    plan = await openPlanWorker({
      content: await readContent(ctx.db, job.id, job.bytes),
      siteDomain: site.domain,
      limits: { maxLines: ctx.config.importMaxLines, maxKeywordsPerUrl: ctx.config.importMaxKeywordsPerUrl },
      // one INSERT statement and one transaction a chunk (array parameters, so no bind-parameter limit)
      chunkRows: ctx.config.importChunkRows,
      skipChunks: job.written_chunks,
    });
  } catch (e) {
    if (!(e instanceof ImportRefused)) throw e;
    await failImport(ctx.db, job.id, e.text);
    return;
  }
  try {
    const { summary } = plan;
    await ctx.db
      .updateTable('keyword_imports')
      .set((eb) => ({
        status: 'running',
        format: summary.format,
        total_lines: summary.totalLines,
        errors: JSON.stringify(summary.errors),
        processed_lines: job.written_chunks === 0 ? summary.errorCount : eb.ref('processed_lines'),
      }))
      .where('id', '=', job.id)
      .execute();
    let written = job.written_chunks;
    let leaseRenewedAt = Date.now();
    for (let chunk = await plan.next(); chunk; chunk = await plan.next()) {
      const current = chunk;
      await ctx.db.transaction().execute(async (tx) => {
        const articles = await ensureArticles(tx, site.id, current.urls);
        const rows = current.urls.flatMap((url, i) => {
          const articleId = articles.get(url)!.id;
          return current.rows[i].map(([keyword, norm, position, volume]) => ({ articleId, keyword, norm, position, volume }));
        });
        const counts = await upsertKeywordRows(tx, rows);
        // An article is priced once all its keywords are in (a URL with many keywords spans chunks).
        await refreshArticles(
          tx,
          current.complete.map((url) => articles.get(url)!.id),
        );
        const createdArticles = [...articles.values()].filter((a) => a.created).length;
        const progressed = await tx
          .updateTable('keyword_imports')
          .set((eb) => ({
            processed_lines: eb('processed_lines', '+', current.lines),
            created_keywords: eb('created_keywords', '+', counts.created),
            updated_keywords: eb('updated_keywords', '+', counts.updated),
            created_articles: eb('created_articles', '+', createdArticles),
            written_chunks: written + 1,
          }))
          .where('id', '=', job.id)
          .where('written_chunks', '=', written)
          .where('status', '=', 'running')
          .executeTakeFirst();
        // Another run got ahead of this one (a lease that ran out): leave the import to it.
        if (Number(progressed.numUpdatedRows) !== 1) throw new Error(`keyword import ${job.id} progressed elsewhere`);
      });
      written++;
      if (run && Date.now() - leaseRenewedAt > LEASE_RENEW_MS) {
        await run.renewLease();
        leaseRenewedAt = Date.now();
      }
    }
    await ctx.db
      .updateTable('keyword_imports')
      .set({ status: 'done', processed_lines: summary.totalLines, finished_at: new Date(), content: null })
      .where('id', '=', job.id)
      .where('status', '=', 'running')
      .execute();
  } finally {
    await plan.close();
  }
}

const CONTENT_PIECE = 1024 * 1024;

/**
 * The stored file, read a mebibyte at a time into one buffer the worker thread then owns: a
 * 30 MiB bytea read in one go costs the event loop a long parse of its hex text at once.
 */
async function readContent(db: Tx, importId: string, bytes: number): Promise<Uint8Array> {
  const content = new Uint8Array(bytes);
  for (let offset = 0; offset < bytes; offset += CONTENT_PIECE) {
    const piece = await sql<{ piece: Buffer }>`
      select substring(content from ${offset + 1}::int for ${CONTENT_PIECE}::int) as piece from keyword_imports where id = ${importId}`.execute(db);
    content.set(piece.rows[0].piece, offset);
  }
  return content;
}

/** The queue gave the import job up (its attempts spent, or it never finished one): the import ends failed with why. */
export async function giveUpImport(payload: { importId: string }, reason: JobGiveUpReason, ctx: Ctx): Promise<void> {
  const params = { attempts: reason.attempts };
  await failImport(ctx.db, payload.importId, { fr: translate('fr', 'import_gave_up', params), en: translate('en', 'import_gave_up', params) });
}

/**
 * The catalog, one row per article. The buyer whose favourites the rows show (and `favourites`
 * filters on) is the account the person acts as, when it buys (catalogPolicy.mayKeepFavourites);
 * for anyone else no row is a favourite and the favourites filter finds nothing.
 */
export async function searchOffers(actor: Actor, filters: OfferFilters, ctx: Ctx) {
  const buyerId = catalogPolicy.mayKeepFavourites(actor) ? actor.account.id : null;
  const page = await searchOfferRows(ctx.db, filters, defaultGuaranteeMonths(ctx.config), buyerId, MATCHED_SHOWN);
  const rules = page.items.length ? await getPriceGrid(ctx) : null;
  return { ...page, items: page.items.map((o) => ({ ...o, priceExplanation: rules && explained(rules, o) })) };
}

/**
 * Adds (`true`) or removes (`false`) an offer from the buying account's favourites; idempotent.
 * Only buyers keep favourites (403 for a publisher or support, before anything is read); an offer
 * unknown or not in the catalog is 404.
 */
export async function setFavourite(actor: Actor, offerId: string, favourite: boolean, ctx: Ctx) {
  if (!catalogPolicy.mayKeepFavourites(actor)) throw forbidden();
  const offer = await findOffer(ctx.db, offerId);
  if (!offer || offer.site_status !== 'approved' || offer.price_cents === null) throw notFound();
  if (favourite) await addFavourite(ctx.db, actor.account.id, offerId);
  else await removeFavourite(ctx.db, actor.account.id, offerId);
  return { offerId, favourite };
}

/** The explanation of an offer's price, or null when it does not sum to the stored price (grid being recomputed). */
function explained(rules: PriceRules, o: { siteKind: string; bestKeyword: { position: number; volume: number }; top10Count: number; priceCents: number }) {
  const e = explainPrice(rules, o.siteKind, o.bestKeyword.position, o.bestKeyword.volume, o.top10Count);
  return e && e.totalCents === o.priceCents ? e : null;
}

/** What a buyer may know of an offer before ordering: everything but the domain and the URL. */
export async function getOffer(actor: Actor, offerId: string, ctx: Ctx) {
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
    guaranteeMonths: offer.guarantee_months ?? defaultGuaranteeMonths(ctx.config),
    reliability: await reliabilityOf(ctx.db, offer.publisher_id),
    bestKeyword: { keyword: offer.best_keyword!, position: offer.best_position!, volume: offer.best_volume! },
    matchedKeywords: [],
    matchedCount: 0,
    favourite: catalogPolicy.mayKeepFavourites(actor) && (await isFavourite(ctx.db, actor.account.id, offer.id)),
    priceExplanation: explained(await getPriceGrid(ctx), {
      siteKind: offer.site_kind,
      bestKeyword: { position: offer.best_position!, volume: offer.best_volume! },
      top10Count: offer.top10_count,
      priceCents: Number(offer.price_cents),
    }),
  };
}

/**
 * Stores publishers' reliability figures (computed from the orders' history by orders'
 * refreshPublisherReliability): one upsert whatever their number. Returns how many rows were written.
 */
export async function recordPublisherReliability(db: Tx, rows: ReliabilityRow[], now = new Date()): Promise<number> {
  return upsertReliability(db, rows, now);
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
