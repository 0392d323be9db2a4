/**
 * A keyword import while the server answers: one 400,000-keyword file on one URL (the file that
 * froze the server), then 80,000 keywords over 8,000 URLs, each run through the app's own import
 * job (catalog/service.ts runImport, via the job queue) with the HTTP server listening. Prints the
 * import's rows/s, the worst event-loop delay seen during it (perf_hooks.monitorEventLoopDelay),
 * and the latency of GET /api/health polled over HTTP meanwhile (aim: worst under 100 ms). Also
 * prints how long parsing and grouping the same file takes on one thread: what would stall the
 * event loop were it not in a worker thread. Asserts nothing.
 *
 * Run: npx tsx bench/import.ts [keywords on one URL, default 400000]. Uses its own database
 * maillon_bench_import next to DATABASE_URL (default the local server).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import type { Ctx } from '../src/server/http/actor.js';
import { jobHandlers } from '../src/server/jobs/handlers.js';
import { enqueueJob, runDueJobs } from '../src/server/jobs/queue.js';
import { planImport } from '../src/server/modules/catalog/import-plan.js';
import { IMPORT_JOB } from '../src/server/modules/catalog/service.js';
import { openBenchDatabase, percentile } from './bench-db.js';

const ONE_URL = Number(process.argv[2] ?? 400_000);
const RESOLUTION_MS = 5;
const { database } = await openBenchDatabase('maillon_bench_import', 8);
const db = database.db;
const config = loadConfig({
  NODE_ENV: 'test',
  MAILLON_SEED: 'none',
  MAILLON_IMPORT_MAX_MB: '64',
  MAILLON_IMPORT_MAX_LINES: String(Math.max(ONE_URL, 100_000)),
  MAILLON_IMPORT_MAX_KEYWORDS_PER_URL: String(ONE_URL),
});
const ctx: Ctx = { db, config };
const app = await buildApp({ config, database, webRoot: null });
const address = await app.listen({ port: 0, host: '127.0.0.1' });

const publisher = await sql<{ id: string }>`
  insert into accounts (role, name, search_text) values ('publisher', 'Bench publisher', 'bench publisher') returning id`.execute(db);
const publisherId = publisher.rows[0].id;

async function run(label: string, urls: number, perUrl: number) {
  // Fresh statistics, as autovacuum keeps them in production (the local test server runs without it).
  await sql`analyze`.execute(db);
  const domain = `bench-${urls}x${perUrl}.fr`;
  const site = await sql<{ id: string }>`
    insert into sites (publisher_id, domain, theme, site_kind, language, status)
    values (${publisherId}, ${domain}, 'finance', 'thematic', 'fr', 'approved') returning id`.execute(db);
  // The file is built by the database, as an upload stores it: its making leaves no garbage in this
  // process's heap for the collector to pause on during the measure.
  const row = await sql<{ id: string; bytes: number }>`
    insert into keyword_imports (site_id, publisher_id, content)
    select ${site.rows[0].id}, ${publisherId}, (${fileSql(domain, urls, perUrl)})
    returning id, octet_length(content) as bytes`.execute(db);
  const { id: importId, bytes } = row.rows[0];
  await db.transaction().execute((tx) => enqueueJob(tx, IMPORT_JOB, { importId }));

  // Poll the health route over HTTP, one request after the other, for as long as the import runs.
  const latencies: number[] = [];
  let importing = true;
  const poller = (async () => {
    while (importing) {
      const t = performance.now();
      const res = await fetch(`${address}/api/health`);
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  const started = performance.now();
  await runDueJobs(ctx, jobHandlers);
  const seconds = (performance.now() - started) / 1000;
  loop.disable();
  importing = false;
  await poller;

  const state = await db.selectFrom('keyword_imports').selectAll().where('id', '=', importId).executeTakeFirstOrThrow();
  latencies.sort((a, b) => a - b);
  const rows = urls * perUrl;
  console.log(`\n${label}: ${rows.toLocaleString('en-GB')} keywords, ${urls.toLocaleString('en-GB')} URL(s), ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
  console.log(`  import: ${state.status}, ${state.created_keywords.toLocaleString('en-GB')} keywords created in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds).toLocaleString('en-GB')} rows/s`);
  // The histogram records the time between samples: minus the sampling interval, that is the delay.
  const delay = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS).toFixed(1);
  console.log(`  event-loop delay during the import: worst ${delay(loop.max)} ms, p99 ${delay(loop.percentile(99))} ms, mean ${delay(loop.mean)} ms`);
  console.log(
    `  GET /api/health meanwhile: ${latencies.length} requests, median ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, worst ${latencies[latencies.length - 1].toFixed(1)} ms (aim: under 100 ms)`,
  );
}

/** A keyword export of `perUrl` keywords on each of `urls` URLs, as bytes, made by the database. */
function fileSql(domain: string, urls: number, perUrl: number) {
  return sql<Buffer>`
    select convert_to('Keyword,Position,Search Volume,URL' || chr(10) || string_agg(
      'mot cle ' || u || ' ' || k || ',' || (1 + k % 100) || ',' || (10 + (k * 7) % 5000) || ',https://' || ${domain}::text || '/article-' || u || chr(10),
      '' order by u, k), 'UTF8')
    from generate_series(0, ${urls - 1}::int) u, generate_series(0, ${perUrl - 1}::int) k`;
}

const runs: [string, number, number][] = [
  ['one URL', 1, ONE_URL],
  ['many URLs', 8_000, 10],
];
for (const [label, urls, perUrl] of runs) await run(label, urls, perUrl);

// What the worker thread keeps off the event loop: the same parse and grouping on this thread.
console.log('');
for (const [label, urls, perUrl] of runs) {
  const file = await sql<{ content: Buffer }>`select (${fileSql('bench.fr', urls, perUrl)}) as content`.execute(db);
  const started = performance.now();
  planImport(file.rows[0].content, 'bench.fr', { maxLines: Infinity, maxKeywordsPerUrl: Infinity }, config.importChunkRows);
  console.log(`${label}: parsing and grouping the file on one thread would block it ${(performance.now() - started).toFixed(0)} ms`);
}
await app.close();
await database.close();
