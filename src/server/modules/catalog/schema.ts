import { z } from 'zod';
import { zInt, zQueryInt } from '../../http/validation.js';

export const ZSiteKind = z.enum(['generalist', 'thematic']);
export const THEMES = [
  'immobilier', 'finance', 'assurance', 'sante', 'bien-etre', 'voyage', 'cuisine', 'auto-moto', 'mode', 'beaute', 'sport',
  'high-tech', 'maison-jardin', 'animaux', 'famille', 'emploi', 'education', 'juridique', 'business', 'loisirs', 'culture', 'generaliste',
] as const;
export const ZTheme = z.enum(THEMES);
export const ZLanguage = z.enum(['fr', 'en', 'es', 'de', 'it', 'nl', 'pt']);

/** The guarantees a publisher may give on its links, in months. */
export const GUARANTEE_MONTHS = [3, 6, 12, 24, 36] as const;
export const ZGuaranteeMonths = z.literal(GUARANTEE_MONTHS, {
  error: 'La garantie est de 3, 6, 12, 24 ou 36 mois / The guarantee is 3, 6, 12, 24 or 36 months',
});

export const ZCreateSiteBody = z.object({
  domain: z.string().trim().min(3).max(253),
  theme: ZTheme,
  siteKind: ZSiteKind,
  language: ZLanguage,
  /** absent: the platform default */
  guaranteeMonths: ZGuaranteeMonths.optional(),
});

/** What a publisher changes of its site: the guarantee (null: back to the platform default). */
export const ZUpdateSiteBody = z.object({ guaranteeMonths: ZGuaranteeMonths.nullable() });

export const ZSite = z.object({
  id: z.string(),
  publisherId: z.string(),
  publisherName: z.string().optional(),
  domain: z.string(),
  theme: z.string(),
  siteKind: ZSiteKind,
  language: z.string(),
  status: z.enum(['pending_review', 'approved', 'refused']),
  reviewReason: z.string().nullable(),
  createdAt: z.string(),
  articleCount: z.number().int(),
  keywordCount: z.number().int(),
  /** the publisher's choice; null: the platform default */
  guaranteeMonths: z.number().int().nullable(),
  /** the guarantee the site's next orders get, in months (null when the platform default is not in months) */
  effectiveGuaranteeMonths: z.number().int().nullable(),
});

export const ZKeyword = z.object({
  keyword: z.string().trim().min(1).max(200),
  position: z.number().int().min(1).max(1000),
  volume: z.number().int().min(0).max(100_000_000),
});

export const ZArticleBody = z.object({
  url: z.string().trim().min(1).max(2000),
  keywords: z.array(ZKeyword).min(1).max(1000),
});

export const ZArticle = z.object({
  id: z.string(),
  siteId: z.string(),
  url: z.string(),
  bestKeyword: z.string().nullable(),
  bestPosition: z.number().int().nullable(),
  bestVolume: z.number().int().nullable(),
  top10Count: z.number().int(),
  priceCents: z.number().int().nullable(),
  keywords: z.array(ZKeyword),
});

export const ZReviewBody = z.object({ reason: z.string().trim().min(3).max(2000).optional() });

export const ZImport = z.object({
  id: z.string(),
  siteId: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  format: z.string().nullable(),
  totalLines: z.number().int(),
  processedLines: z.number().int(),
  createdKeywords: z.number().int(),
  updatedKeywords: z.number().int(),
  createdArticles: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), reason: z.string(), raw: z.string() })),
  failure: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const ZOfferQuery = z.object({
  keyword: z.string().trim().max(100).optional(),
  theme: ZTheme.optional(),
  language: ZLanguage.optional(),
  minVolume: zQueryInt({ min: 0 }).optional(),
  maxPosition: z.coerce.number().int().min(1).max(1000).optional(),
  maxPriceCents: zQueryInt({ min: 0 }).optional(),
  siteKind: ZSiteKind.optional(),
  /** `1` (or `true`): only the buying account's favourites */
  favourites: z
    .enum(['1', '0', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true'),
  sort: z.enum(['relevance', 'price_asc', 'price_desc', 'volume_desc']).default('relevance'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

/** The publisher's record, refreshed from its orders' history every few minutes. */
export const ZReliability = z.object({
  /** orders that reached verified */
  linksPlaced: z.number().int(),
  /** of those, links lost during their guarantee */
  linksLost: z.number().int(),
  /** lost over placed; null when none was placed */
  lostRate: z.number().nullable(),
  /** average days a placed link stayed up (until lost, or until now) */
  avgLifetimeDays: z.number().nullable(),
  /** orders accepted over orders the publisher decided or let expire */
  acceptanceRate: z.number().nullable(),
  /** median days from the order to the verified link */
  medianDaysToPlacement: z.number().nullable(),
});

export const ZKeywordFigures = z.object({ keyword: z.string(), position: z.number().int(), volume: z.number().int() });

export const ZPriceExplanation = z.object({
  /** the grid's position band of the best keyword (inclusive) */
  positionBand: z.object({ min: z.number().int(), max: z.number().int() }),
  /** the grid's volume band of the best keyword (inclusive; max null: no upper bound) */
  volumeBand: z.object({ min: z.number().int(), max: z.number().int().nullable() }),
  /** the grid cell's price */
  basePriceCents: z.number().int(),
  /** top-10 keywords beyond the first that earn the bonus (capped at top10BonusMax) */
  extraTop10Count: z.number().int(),
  top10BonusCents: z.number().int(),
  top10BonusMax: z.number().int(),
  /** extraTop10Count × top10BonusCents */
  bonusCents: z.number().int(),
  /** basePriceCents + bonusCents */
  totalCents: z.number().int(),
});

export const ZOffer = z.object({
  offerId: z.string(),
  keyword: z.string(),
  position: z.number().int(),
  volume: z.number().int(),
  top10Count: z.number().int(),
  siteKind: ZSiteKind,
  theme: z.string(),
  language: z.string(),
  priceCents: z.number().int(),
  /** the guarantee an order placed now gets, in months (null: the platform default, not in months) */
  guaranteeMonths: z.number().int().nullable(),
  /** null: the publisher has no history yet */
  reliability: ZReliability.nullable(),
  /** the article's keyword that sets the price (best position, then volume) */
  bestKeyword: ZKeywordFigures,
  /** how priceCents is made: basePriceCents + bonusCents = totalCents = priceCents (null: the grid changed and the price is being recomputed) */
  priceExplanation: ZPriceExplanation.nullable(),
  /** with a search: the article's keywords that match it (and minVolume/maxPosition), best first, at most MATCHED_SHOWN; else empty */
  matchedKeywords: z.array(ZKeywordFigures),
  /** how many of the article's keywords match the search (0 without a search) */
  matchedCount: z.number().int(),
  /** in the favourites of the buying account (the account the person acts as) */
  favourite: z.boolean(),
});

/** The list of offers: one row per article, and how many articles the search finds in all. */
export const ZOfferPage = z.object({ items: z.array(ZOffer), nextCursor: z.string().nullable(), total: z.number().int() });

/** How many matched keywords a row of the list carries (matchedCount says how many there are). */
export const MATCHED_SHOWN = 5;

export const ZGridCell = z.object({
  siteKind: ZSiteKind,
  maxPosition: z.number().int().min(1).max(1000),
  minVolume: zInt({ min: 0 }),
  priceCents: z.number().int().min(100).max(10_000_000),
});

export const ZPriceGrid = z.object({
  cells: z.array(ZGridCell).min(1).max(200),
  top10BonusCents: z.number().int().min(0).max(1_000_000),
  top10BonusMax: z.number().int().min(0).max(100),
});
