/**
 * Throughput of the whole HTTP app on PostgreSQL (issue 13): requests per second and p99 latency of
 * the main reads and writes over a real port (autocannon, in this process), for an agency of 10,000
 * clients and 100,000 orders and a catalog of 1,000,000 positioned keywords generated in SQL
 * (bench/agency-data.ts). Each route is printed with its ratio to GET /api/health measured in the
 * same run, beside a bare Fastify route doing one indexed SELECT through kysely and pg (its own
 * instance and port, none of the app's hooks). Then the restart time on the existing database: a
 * second buildApp + listen in this process, and `node --import tsx src/server/main.ts` spawned until
 * /api/health answers. Every answer's status is counted: one that is not 2xx makes the run fail.
 * Prints figures; asserts nothing else.
 *
 * Run: npm run bench:http [-- orders clients keywords] (defaults 100000 10000 1000000).
 * BENCH_CONNECTIONS (32) connections, BENCH_SECONDS (6) seconds per route after a 1 s warm-up, the
 * load generator in BENCH_WORKERS (1) worker threads (0: in the app's own thread). BENCH_REUSE=1
 * measures again on the previous run's data; BENCH_ROUTES=word,word only the routes whose label
 * holds one; BENCH_EXPLAIN=1 then prints, for each read under 0.5× health, its statements' time in
 * the database and the plan of the slowest. Uses its own database maillon_bench_http next to
 * DATABASE_URL (default the local server; BENCH_DATABASE names it outright).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { loadavg, tmpdir, uptime } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { Kysely, PostgresDialect, sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { migrateToLatest, openDatabase, type Database } from '../src/server/db/database.js';
import type { DB } from '../src/server/db/types.js';
import { hashPassword } from '../src/server/modules/auth/password.js';
import { foldDataChanges, vacuumDataChanges } from '../src/server/modules/freshness/queries.js';
import { generateAgency, generateCatalogData } from './agency-data.js';
import { benchDatabaseUrl, openBenchDatabase, percentile } from './bench-db.js';

const ORDERS = Number(process.argv[2] ?? 100_000);
const CLIENTS = Number(process.argv[3] ?? 10_000);
const KEYWORDS = Number(process.argv[4] ?? 1_000_000);
const MANAGERS = 20;
const CONSULTANTS = 200;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const POOL = 10; // the app's default pool (db/database.ts), for the app and for the bare route alike
const PASSWORD = 'bench http password';
const RARE = 'montgolfière';
const root = fileURLToPath(new URL('..', import.meta.url));

const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
console.log(`before: ${load()} (up ${(uptime() / 3600).toFixed(1)} h)`);

// BENCH_REUSE=1 measures again on the data of the previous run (same DATABASE_URL), without generating them.
const reuse = Boolean(process.env.BENCH_REUSE);
const databaseUrl = benchDatabaseUrl('maillon_bench_http');
const plain = reuse
  ? await openDatabase({ databaseUrl, poolSize: POOL })
  : (await openBenchDatabase('maillon_bench_http', POOL)).database;
// Data kept from a run of older code gets the migrations written since.
if (reuse) await migrateToLatest(plain.db);
// BENCH_EXPLAIN=1: the app's statements are caught as it sends them, to be planned after the run.
const seen: RootOperationNode[] = [];
const catcher: KyselyPlugin = {
  transformQuery: (args) => {
    if (catching) seen.push(args.node);
    return args.node;
  },
  transformResult: async (args) => args.result,
};
let catching = false;
const database: Database = process.env.BENCH_EXPLAIN ? { ...plain, db: plain.db.withPlugin(catcher) } : plain;
const db = plain.db;
const agency = reuse
  ? { agencyId: (await db.selectFrom('accounts').select('id').where('role', '=', 'agency').executeTakeFirstOrThrow()).id, ms: 0 }
  : await generateAgency(db, {
      clients: CLIENTS,
      orders: ORDERS,
      managers: MANAGERS,
      consultants: CONSULTANTS,
      clientsUnderAgency: true,
      campaigns: true,
      history: 'lifecycle',
      // 1,000,000 € on every wallet: the writes never run short.
      wallets: { postedCents: 100_000_000 },
    });
const catalog = reuse
  ? {
      publisherId: (
        await db.selectFrom('accounts').select('id').where('search_text', '=', 'bench publisher').executeTakeFirstOrThrow()
      ).id,
      ...(
        await sql<{ sites: number; articles: number; keywords: number }>`select (select count(*) from sites)::int as sites,
          (select count(*) from articles)::int as articles, (select count(*) from article_keywords)::int as keywords`.execute(db)
      ).rows[0],
      ms: 0,
    }
  : await generateCatalogData(db, { keywords: KEYWORDS, rare: { keyword: RARE, count: 12 } });
const counts = await sql<{ orders: number; clients: number }>`
  select (select count(*)::int from orders) as orders, (select count(*)::int from accounts where role = 'client') as clients`.execute(
  db,
);
console.log(
  `agency: ${counts.rows[0].clients} clients, ${MANAGERS} managers, ${CONSULTANTS} consultants, ${counts.rows[0].orders} orders (built in ${(agency.ms / 1000).toFixed(0)} s); ` +
    `catalog: ${catalog.sites} sites, ${catalog.articles} articles, ${catalog.keywords} keywords (built in ${(catalog.ms / 1000).toFixed(0)} s)`,
);

// Who signs in: the agency owner, a consultant with clients, a client.
const pick = async (where: ReturnType<typeof sql>) =>
  (await sql<{ id: string }>`select id from accounts a where ${where} order by id limit 1`.execute(db)).rows[0].id;
const people: Record<string, string> = {
  agency: agency.agencyId,
  consultant: await pick(sql`role = 'consultant' and exists (select 1 from accounts c where c.parent_id = a.id)`),
  client: await pick(sql`role = 'client' and agency_id = ${agency.agencyId}`),
};
const hash = await hashPassword(PASSWORD);
for (const [role, id] of Object.entries(people)) {
  await db
    .updateTable('accounts')
    .set({ email: `${role}@bench.maillon`, password_hash: hash })
    .where('id', '=', id)
    .execute();
}
// What the writes pick from: the agency's clients with their project, and priced offers.
const projects = (
  await sql<{ client_id: string; id: string; domain: string }>`
    select client_id, id, domain from projects where agency_id = ${agency.agencyId} order by random() limit 2000`.execute(db)
).rows;
const offers = (
  await sql<{ id: string }>`
    select a.id from articles a join sites s on s.id = a.site_id
    where s.publisher_id = ${catalog.publisherId} and a.price_cents is not null order by random() limit 2000`.execute(db)
).rows.map((r) => r.id);
if (offers.length === 0) throw new Error('no priced offer in the generated catalog');
const writeData = join(mkdtempSync(join(tmpdir(), 'maillon-bench-http-')), 'writes.json');
writeFileSync(writeData, JSON.stringify({ projects, offers }));
process.env.BENCH_HTTP_WRITE = writeData;
const writeRequest = fileURLToPath(new URL('./http-write.cjs', import.meta.url));
const writes = createRequire(import.meta.url)(writeRequest) as ((r: object) => object) & { bodyOf: (kind: string) => unknown };

const config = loadConfig({ NODE_ENV: 'test', MAILLON_SEED: 'none' });
// What the background worker does every second (it does not run here): the counted data changes,
// those of an earlier run's writes included, folded into the data versions, and vacuumed.
await foldDataChanges(db);
await vacuumDataChanges(db);
const app = await buildApp({ config, database, webRoot: null });
await app.listen({ host: '127.0.0.1', port: 0 });
/**
 * Waits until the app is done with what autocannon left unanswered when its time ran out (a closed
 * connection does not stop a handler), so that it does not weigh on the next route's figures: no
 * statement of this database running, nor a transaction open, three times in a row 30 ms apart.
 */
async function idle(): Promise<void> {
  const until = Date.now() + 120_000;
  for (let quiet = 0; quiet < 3 && Date.now() < until;) {
    const busy = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state in ('active', 'idle in transaction')`.execute(db);
    quiet = busy.rows[0].n === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 30));
  }
}
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

// The bare route: a minimal Fastify of its own, one indexed SELECT through kysely and pg.
const bareDb = new Kysely<DB>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: POOL }) }),
});
const bare = Fastify({ logger: false });
bare.get('/bare', async () => {
  const row = await bareDb
    .selectFrom('accounts')
    .select(['id', 'name'])
    .where('id', '=', agency.agencyId)
    .executeTakeFirstOrThrow();
  return { ok: true, name: row.name };
});
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareBase = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

type Session = { cookie: string; csrf: string };
const sessions: Record<string, Session> = {};
for (const role of Object.keys(people)) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${role}@bench.maillon`, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${role}: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('maillon_session='));
  if (!cookie) throw new Error(`sign-in as ${role}: no session cookie`);
  sessions[role] = { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

type Route = { label: string; path: string; as?: string; origin?: string; write?: 'transfer' | 'order' };
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
const ROUTES: Route[] = [
  { label: 'GET /api/health', path: '/api/health' },
  { label: 'bare Fastify, one SELECT', path: '/bare', origin: bareBase },
  { label: '/api/me', path: '/api/me', as: 'agency' },
  { label: '/api/accounts?limit=50', path: '/api/accounts?limit=50', as: 'agency' },
  // the Agence/Clients tab (ClientsTab.tsx): first page of active clients
  { label: 'clients overview', path: '/api/accounts?role=client&status=active&limit=25', as: 'agency' },
  { label: 'catalog, broad word', path: '/api/catalog/offers?keyword=assurance', as: 'client' },
  { label: 'catalog, rare word', path: `/api/catalog/offers?keyword=${encodeURIComponent(RARE)}`, as: 'client' },
  // the orders view (OrdersPage.tsx): first page of 50 with its totals
  { label: 'orders view, agency', path: '/api/orders?limit=50', as: 'agency' },
  { label: 'orders view, consultant', path: '/api/orders?limit=50', as: 'consultant' },
  { label: 'dashboard, agency', path: '/api/dashboard', as: 'agency' },
  { label: 'dashboard, consultant', path: '/api/dashboard', as: 'consultant' },
  { label: 'dashboard, agency, 12 months', path: `/api/dashboard?from=${day(364)}&to=${day(0)}`, as: 'agency' },
  { label: 'team table, agency', path: '/api/agency/team', as: 'agency' },
  { label: 'POST /api/transfers', path: '/api/transfers', as: 'agency', write: 'transfer' },
  { label: 'POST /api/orders', path: '/api/orders', as: 'agency', write: 'order' },
];

function headersOf(route: Route): Record<string, string> {
  const session = route.as ? sessions[route.as] : null;
  // as a browser asks: it takes gzip (kept answers are given gzipped, http/read-cache.ts)
  const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br' };
  if (session) headers.cookie = session.cookie;
  if (session && route.write) headers['x-csrf-token'] = session.csrf;
  if (route.write) headers['content-type'] = 'application/json';
  return headers;
}

/**
 * Three requests by hand, one after the other, before the load: a route that does not answer 2xx
 * stops the bench before it measures errors. Answers the median of their times (the route alone).
 */
async function preflight(route: Route): Promise<number> {
  await idle();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const headers = headersOf(route);
    if (route.write) headers['idempotency-key'] = randomUUID();
    const started = performance.now();
    const res = await fetch((route.origin ?? base) + route.path, {
      method: route.write ? 'POST' : 'GET',
      headers,
      body: route.write ? JSON.stringify(writes.bodyOf(route.write)) : undefined,
    });
    const body = await res.text();
    times.push(performance.now() - started);
    if (res.status < 200 || res.status >= 300) throw new Error(`${route.label}: ${res.status} ${body.slice(0, 400)}`);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

/** BENCH_EXPLAIN: the statements of one request of `route`, each run again under EXPLAIN ANALYZE; prints the slowest's plan. */
async function explainRoute(route: Route): Promise<void> {
  await idle();
  seen.length = 0;
  catching = true;
  await fetch(base + route.path, { headers: headersOf(route) }).then((r) => r.text());
  catching = false;
  const plans: { ms: number; text: string; plan: string }[] = [];
  const lines: string[] = [];
  for (const node of [...seen]) {
    const compiled = plain.db.getExecutor().compileQuery(node, { queryId: 'bench' } as never);
    const head = compiled.sql.replace(/\s+/g, ' ').trim().slice(0, 110);
    if (!/^\s*(with|select)/i.test(compiled.sql)) {
      lines.push(`      (not planned) ${head}`);
      continue;
    }
    const rows = await sql<{
      'QUERY PLAN': string;
    }>`explain (analyze, buffers) ${sql.raw(inline(compiled.sql, compiled.parameters))}`.execute(db);
    const plan = rows.rows.map((r) => r['QUERY PLAN']).join('\n');
    const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
    const planning = Number(/Planning Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
    lines.push(`${ms.toFixed(1).padStart(7)} ms (+${planning.toFixed(1)} planning) ${head}`);
    plans.push({ ms, text: compiled.sql, plan });
  }
  const total = plans.reduce((t, p) => t + p.ms, 0);
  console.log(
    `\n--- ${route.label}: ${seen.length} statements, the SELECTs take ${total.toFixed(1)} ms in the database\n${lines.join('\n')}`,
  );
  plans.sort((a, b) => b.ms - a.ms);
  if (plans[0]) console.log(`the slowest:\n${plans[0].text.slice(0, 600)}\n${plans[0].plan}`);
}

/** The statement with its parameters written in (numbers, text, arrays, dates): for EXPLAIN only. */
function inline(text: string, parameters: readonly unknown[]): string {
  const literal = (v: unknown): string =>
    v === null || v === undefined
      ? 'null'
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : v instanceof Date
          ? `'${v.toISOString()}'`
          : Array.isArray(v)
            ? `array[${v.map(literal).join(',')}]`
            : `'${String(v).replace(/'/g, "''")}'`;
  return text.replace(/\$(\d+)/g, (_, i) => literal(parameters[Number(i) - 1]));
}

type Figure = { label: string; rps: number; p99: number; requests: number; bad: number; statuses: string; alone: number };

async function measure(route: Route, seconds: number): Promise<Figure> {
  const headers = headersOf(route);
  if (route.write) process.env.BENCH_HTTP_WRITE_KIND = route.write;
  const result = await autocannon({
    url: (route.origin ?? base) + route.path,
    connections: CONNECTIONS,
    duration: seconds,
    method: route.write ? 'POST' : 'GET',
    headers,
    // the load generator in a worker thread of its own (BENCH_WORKERS=0: in this thread, beside the app)
    workers: WORKERS || undefined,
    requests: route.write ? [{ setupRequest: (WORKERS ? writeRequest : writes) as never }] : undefined,
  });
  const codes = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  return {
    label: route.label,
    rps: result.requests.average,
    p99: result.latency.p99,
    requests: result.requests.total,
    bad: result.non2xx + result.errors + result.timeouts,
    statuses: Object.entries(codes)
      .map(([code, { count }]) => `${code}×${count}`)
      .join(' '),
    alone: NaN,
  };
}

console.log(
  `\n${CONNECTIONS} connections, ${SECONDS} s per route (after 1 s of warm-up), load generator ${WORKERS ? `in ${WORKERS} worker thread(s)` : "in the app's thread"}, app pool ${POOL}; ${load()}`,
);
// BENCH_ROUTES=word,word: only the routes whose label holds one of them (health and the bare route always).
const only = process.env.BENCH_ROUTES?.split(',');
const routes = ROUTES.filter((r, i) => i < 2 || !only || only.some((w) => r.label.includes(w)));
const figures: Figure[] = [];
let failures = 0;
for (const route of routes) {
  const alone = await preflight(route);
  await idle();
  const warm = await measure(route, 1);
  await idle();
  const figure = await measure(route, SECONDS);
  await idle();
  figure.bad += warm.bad;
  figure.alone = alone;
  figures.push(figure);
  if (figure.bad > 0) {
    failures += figure.bad;
    console.log(`!!! ${route.label}: ${figure.bad} answers not 2xx or failed (${figure.statuses}) — its figure is worthless`);
  } else if (figure.requests === 0) {
    console.log(`!!! ${route.label}: no answer at all within ${SECONDS} s under ${CONNECTIONS} connections`);
  }
}
// Health and the bare route once more at the end: on a loaded machine the ratios use the mean of both runs.
for (const route of routes.slice(0, 2)) {
  await idle();
  await measure(route, 1);
  const again = await measure(route, SECONDS);
  if (again.bad > 0) failures += again.bad;
  figures.push({ ...again, label: `${route.label} (again)`, alone: NaN });
}
const [healthFirst, bareFirst] = figures;
const [healthAgain, bareAgain] = figures.slice(-2);
const health = (healthFirst.rps + healthAgain.rps) / 2;
const bareRps = (bareFirst.rps + bareAgain.rps) / 2;
console.log(
  `\n${'route'.padEnd(30)} ${'req/s'.padStart(8)} ${'p99 ms'.padStart(7)} ${'× health'.padStart(9)} ${'alone ms'.padStart(9)}  requests`,
);
for (const f of figures) {
  const flag =
    f.bad > 0
      ? `  !!! ${f.bad} NOT 2xx`
      : f.requests === 0
        ? '  !!! none answered'
        : f.rps / health < 0.5 && !f.label.startsWith('bare')
          ? '  (< 0.5× health)'
          : '';
  console.log(
    `${f.label.padEnd(30)} ${f.rps.toFixed(0).padStart(8)} ${String(f.p99).padStart(7)} ${(f.rps / health).toFixed(2).padStart(8)}× ${(Number.isNaN(f.alone) ? '-' : f.alone.toFixed(1)).padStart(9)}  ${f.requests}${flag}`,
  );
}
console.log(
  `\nratios to health's mean of its two runs (${health.toFixed(0)} req/s); health / bare route: ${(health / bareRps).toFixed(2)}× (mean of their two runs; aim: ≥ 0.8×); ${load()}`,
);

if (process.env.BENCH_EXPLAIN) {
  for (const [i, route] of routes.entries())
    if (!route.write && !route.origin && i > 0 && figures[i].rps / health < 0.5) await explainRoute(route);
}
rmSync(dirname(writeData), { recursive: true, force: true });
await app.close();
await bare.close();
await bareDb.destroy();

// Restart on the existing data, in this process: a second buildApp, listening.
const restartStarted = performance.now();
const again = await buildApp({ config, database, webRoot: null });
await again.listen({ host: '127.0.0.1', port: 0 });
const inProcessMs = performance.now() - restartStarted;
await again.close();
await plain.close();

// And as `npm start` does after its web step: a new node process on the same database, until /api/health answers.
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const p = (probe.address() as { port: number }).port;
    probe.close(() => resolve(p));
  });
});
const spawnStarted = performance.now();
const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
  cwd: root,
  env: {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    MAILLON_SEED: 'none',
    NODE_ENV: 'development',
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
child.stderr!.on('data', (d) => (stderr += d));
let processMs = NaN;
while (child.exitCode === null && performance.now() - spawnStarted < 60_000) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    if (res.status === 200) {
      processMs = performance.now() - spawnStarted;
      break;
    }
  } catch {
    // not listening yet
  }
  await new Promise((r) => setTimeout(r, 25));
}
if (child.exitCode === null) {
  child.kill('SIGTERM');
  await once(child, 'exit');
}
if (Number.isNaN(processMs)) {
  console.log(`!!! the spawned server never answered /api/health: ${stderr.slice(0, 600)}`);
  failures++;
}
// npm start first runs scripts/build-web.mjs, which rebuilds dist/web only when its sources changed.
const webState = existsSync(`${root}/dist/web/.build-fingerprint`)
  ? 'dist/web built (npm start adds the fingerprint check of scripts/build-web.mjs)'
  : 'dist/web not built here: npm start would build it first';
console.log(
  `restart on the existing database: buildApp + listen ${inProcessMs.toFixed(0)} ms in process; ` +
    `new node process to /api/health ${processMs.toFixed(0)} ms (aim: < 3 s); ${webState}`,
);
if (failures > 0) {
  console.log(`\n!!! ${failures} requests were not answered 2xx: the figures above are not to be trusted`);
  process.exitCode = 1;
}
