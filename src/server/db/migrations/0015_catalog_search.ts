import { sql, type Kysely } from 'kysely';

/**
 * The catalog's keyword search stems French (issue 12): "recettes" finds what "recette" finds.
 * The GIN index is on `to_tsvector('french', keyword_norm)`: `keyword_norm` is already folded in
 * the application (lower case, accents removed, catalog/domain.ts normalizeKeyword), because the
 * `unaccent` extension exists on PostgreSQL but not on PGlite; the search folds the query the same
 * way, so "pâtisserie" and "patisserie" meet. Same partial predicate as the index it replaces (the
 * search reads offered keywords only), so the planner uses it for any search.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index article_keywords_search_fr on article_keywords using gin (to_tsvector('french', keyword_norm)) where offer_price_cents is not null`.execute(db);
  await sql`drop index article_keywords_search`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index article_keywords_search on article_keywords using gin (to_tsvector('simple', keyword_norm)) where offer_price_cents is not null`.execute(db);
  await sql`drop index article_keywords_search_fr`.execute(db);
}
