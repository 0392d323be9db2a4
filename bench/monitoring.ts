/**
 * Monitoring throughput: N verified links on H hosts (distinct loopback addresses 127.0.x.y, one
 * local HTTP server listening on all of them), all due at once, checked by the app's own
 * `runMonitoring` (links/monitoring.ts) as the background worker runs it: one check per host at a
 * time, the host pause between two, `MAILLON_MONITOR_CONCURRENCY` hosts side by side, each check
 * recorded with its evidence in one transaction. Prints checks per second and how long one process
 * would need for 1,000,000 links (aim: under 24 h, i.e. at least 12 checks/s). Asserts nothing.
 *
 * Run: npx tsx bench/monitoring.ts [links, default 2000] [hosts, default 500]. PostgreSQL from
 * DATABASE_URL (default the local server), in its own database maillon_bench_monitoring.
 * MAILLON_MONITOR_CONCURRENCY (default here 8) and MAILLON_MONITOR_HOST_PAUSE (default 2s) apply.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadConfig } from '../src/server/config.js';
import type { Ctx } from '../src/server/http/actor.js';
import { runMonitoring } from '../src/server/modules/links/service.js';
import { openBenchDatabase } from './bench-db.js';

const LINKS = Number(process.argv[2] ?? 2_000);
const HOSTS = Math.min(Number(process.argv[3] ?? 500), LINKS, 65_000);
const CONCURRENCY = process.env.MAILLON_MONITOR_CONCURRENCY ?? '8';

// A typical article page: some text, a few links, the one bought in the middle.
const filler = '<p>' + 'Le pain au levain demande du temps, de la farine et un bon four. '.repeat(40) + '</p>';
const page = `<!doctype html><html lang="fr"><head><title>Article</title></head><body><article>${filler}
<p>Adresse : <a href="https://boulangerie-test.fr/pain">pain au levain bio</a>.</p>${filler}
<p><a href="https://autre.fr/">Autre</a> <a href="/categorie/pain">Catégorie</a></p></article></body></html>`;
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
const port = (server.address() as AddressInfo).port;

const { database } = await openBenchDatabase('maillon_bench_monitoring', 12);
const db = database.db;
const config = loadConfig({ NODE_ENV: 'test', MAILLON_SEED: 'none', MAILLON_CRAWLER_ALLOW_PRIVATE: '1', MAILLON_MONITOR_CONCURRENCY: CONCURRENCY, ...process.env });
const ctx: Ctx = { db, config };

const built = performance.now();
await db.connection().execute(async (conn) => {
  const run = (q: ReturnType<typeof sql>) => q.execute(conn);
  await run(sql`insert into accounts (id, role, name, search_text) values
    ('00000000-0000-4000-8000-0000000000a1', 'client', 'Bench client', 'bench client'),
    ('00000000-0000-4000-8000-0000000000a2', 'publisher', 'Bench publisher', 'bench publisher')`);
  await run(sql`insert into projects (id, client_id, name, url, domain)
    values ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000a1', 'Bench', 'https://boulangerie-test.fr', 'boulangerie-test.fr')`);
  // One site per host: 127.0.x.y:port.
  await run(sql`create temp table hosts as
    select h, gen_random_uuid() as site_id, '127.0.' || (1 + h / 250) || '.' || (1 + h % 250) || ':' || ${port}::int as host
    from generate_series(0, ${HOSTS - 1}::int) h`);
  await run(sql`insert into sites (id, publisher_id, domain, theme, site_kind, language, status)
    select site_id, '00000000-0000-4000-8000-0000000000a2', host, 'cuisine', 'thematic', 'fr', 'approved' from hosts`);
  await run(sql`create temp table links as
    select g, gen_random_uuid() as article_id, gen_random_uuid() as order_id, h.site_id, h.host,
           'http://' || h.host || '/article-' || g as url
    from generate_series(0, ${LINKS - 1}::int) g join hosts h on h.h = g % ${HOSTS}::int`);
  await run(sql`insert into articles (id, site_id, url) select article_id, site_id, url from links`);
  await run(sql`insert into orders (id, client_id, project_id, article_id, site_id, publisher_id, price_cents, commission_bp, target_url, anchor,
      status, accept_by, live_url, verified_at, payable_at, guarantee_ends_at)
    select order_id, '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000b1', article_id, site_id,
      '00000000-0000-4000-8000-0000000000a2', 10000, 2500, 'https://boulangerie-test.fr/pain', 'pain au levain bio',
      'completed', now(), url, now() - interval '30 days', now(), now() + interval '300 days'
    from links`);
  await run(sql`insert into link_monitors (order_id, host, next_check_at, guarantee_ends_at)
    select order_id, host, now() - interval '1 second', now() + interval '300 days' from links`);
  await run(sql`insert into monitor_hosts (host, available_at) select host, now() - interval '1 second' from hosts`);
});
await sql`vacuum analyze`.execute(db);
console.log(`${LINKS} links on ${HOSTS} hosts (built in ${((performance.now() - built) / 1000).toFixed(1)} s); concurrency ${config.monitorConcurrency}, host pause ${config.monitorHostPauseMs} ms`);

const started = performance.now();
let checked = 0;
while (checked < LINKS) {
  const n = await runMonitoring(ctx, { maxChecks: LINKS - checked });
  checked += n;
  // Every due link waits for its host's pause: wait for the next host to come free.
  if (n === 0) await new Promise((r) => setTimeout(r, 50));
}
const seconds = (performance.now() - started) / 1000;
const perSecond = checked / seconds;
const failed = await sql<{ n: number }>`select count(*)::int as n from link_checks where outcome <> 'ok'`.execute(db);
console.log(`checked ${checked} links in ${seconds.toFixed(1)} s: ${perSecond.toFixed(1)} checks/s (${failed.rows[0].n} not ok)`);
const hours = 1_000_000 / perSecond / 3600;
console.log(`1,000,000 links would take one process ${hours.toFixed(1)} h (aim: under 24 h, at least 12 checks/s)`);
console.log(`with the host pause, a host is checked at most ${(86_400_000 / Math.max(config.monitorHostPauseMs, 1)).toFixed(0)} times a day`);

server.closeAllConnections();
server.close();
await database.close();
