/**
 * Keyword-search latency over a catalog of at least 1,000,000 positioned keywords on PostgreSQL,
 * through the app's own search (catalog/queries.ts searchOfferRows): median and p95 per kind of
 * query, one row per article with the exact count of articles found (`total`), then the plans
 * (EXPLAIN ANALYZE) of a broad search: that it reads the French GIN index (migration 0015), and
 * what its count costs. Prints figures; asserts nothing. Aim: under 50 ms at p95.
 *
 * Run: npx tsx bench/catalog.ts [keywords, default 1000000]. Uses its own database
 * maillon_bench_catalog next to DATABASE_URL (default the local server).
 */
import { performance } from 'node:perf_hooks';
import { sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { searchOfferRows, type OfferFilters } from '../src/server/modules/catalog/queries.js';
import { generateCatalogData } from './agency-data.js';
import { openBenchDatabase, percentile } from './bench-db.js';

const TARGET = Number(process.argv[2] ?? 1_000_000);

const { database } = await openBenchDatabase('maillon_bench_catalog', 4);
const db = database.db;

const catalog = await generateCatalogData(db, { keywords: TARGET, keywordsPerArticle: 10, articlesPerSite: 20, seed: 7 });
console.log(
  `catalog: ${catalog.sites} sites, ${catalog.articles} articles, ${catalog.keywords} positioned keywords (built in ${(catalog.ms / 1000).toFixed(0)} s)`,
);
console.log(`pricing every article from the grid (what a grid edit costs): ${(catalog.refreshMs / 1000).toFixed(1)} s`);

const searches: [string, Partial<OfferFilters>][] = [
  ['broad word', { keyword: 'assurance' }],
  ['two words', { keyword: 'credit immobilier' }],
  ['long tail', { keyword: 'pompe a chaleur avis' }],
  ['prefix', { keyword: 'velo elec' }],
  ['with city', { keyword: 'plombier lyon' }],
  ['word + filters', { keyword: 'recette', minVolume: 500, maxPosition: 10 }],
  ['word + price sort', { keyword: 'voiture', sort: 'price_asc' }],
  ['word + theme + kind', { keyword: 'mutuelle', theme: 'assurance', siteKind: 'thematic' }],
  ['no keyword, filters', { theme: 'immobilier', maxPosition: 5, sort: 'volume_desc' }],
  ['no keyword, price cap', { maxPriceCents: 100_00, sort: 'price_desc' }],
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const all: number[] = [];
console.log(`\n${'query'.padEnd(24)} ${'rows'.padStart(5)} ${'total'.padStart(7)} ${'median'.padStart(9)} ${'p95'.padStart(9)}`);
for (const [label, filters] of searches) {
  const times: number[] = [];
  let rows = 0;
  let total = 0;
  for (let i = 0; i < ROUNDS + 3; i++) {
    const t = performance.now();
    const page = await searchOfferRows(db, { sort: 'relevance', limit: 50, ...filters }, 12);
    const ms = performance.now() - t;
    rows = page.items.length;
    total = page.total;
    if (i >= 3) times.push(ms);
  }
  times.sort((a, b) => a - b);
  all.push(...times);
  console.log(`${label.padEnd(24)} ${String(rows).padStart(5)} ${String(total).padStart(7)} ${percentile(times, 50).toFixed(1).padStart(7)}ms ${percentile(times, 95).toFixed(1).padStart(7)}ms`);
}
all.sort((a, b) => a - b);
console.log(`\nall searches: median ${percentile(all, 50).toFixed(1)} ms, p95 ${percentile(all, 95).toFixed(1)} ms (aim: p95 < 50 ms)`);

// The plans of the search's statements, caught as the app sends them (a plugin compiles each
// query it sees), then run again under EXPLAIN ANALYZE.
const seen: RootOperationNode[] = [];
const catcher: KyselyPlugin = {
  transformQuery: (args) => {
    seen.push(args.node);
    return args.node;
  },
  transformResult: async (args) => args.result,
};
const traced = db.withPlugin(catcher);
for (const [label, filters] of [
  ['broad word', { keyword: 'assurance' }],
  ['no keyword, filters', { theme: 'immobilier', maxPosition: 5, sort: 'volume_desc' }],
] as [string, Partial<OfferFilters>][]) {
  seen.length = 0;
  await searchOfferRows(traced, { sort: 'relevance', limit: 50, ...filters }, 12);
  for (const node of seen) {
    const compiled = traced.getExecutor().compileQuery(node, { queryId: 'bench' } as never);
    const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) ${sql.raw(inline(compiled.sql, compiled.parameters))}`.execute(db);
    console.log(`\n--- ${label}: EXPLAIN ANALYZE\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  }
}

/** The statement with its parameters written in (numbers, text, arrays of uuids): for EXPLAIN only. */
function inline(text: string, parameters: readonly unknown[]): string {
  const literal = (v: unknown): string =>
    v === null || v === undefined
      ? 'null'
      : typeof v === 'number'
        ? String(v)
        : Array.isArray(v)
          ? `array[${v.map(literal).join(',')}]`
          : `'${String(v).replace(/'/g, "''")}'`;
  return text.replace(/\$(\d+)/g, (_, i) => literal(parameters[Number(i) - 1]));
}
await database.close();
