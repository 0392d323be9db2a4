/**
 * The dashboards (issue 12) on PostgreSQL for an agency of 10,000 clients and 1,000,000 orders:
 * latency (median, p95) of each dashboard request through the whole HTTP app (`inject`, session
 * cookie, validation, serialization), for the agency, a manager, a consultant and a client. The
 * data are generated in SQL (generate_series), not through the API. Prints figures; asserts
 * nothing. Aim: p95 under 200 ms.
 *
 * Run: npm run bench:dashboard [-- orders clients] (defaults 1000000 10000). Uses its own database
 * maillon_bench_dashboard next to DATABASE_URL (default the local server). BENCH_ROUNDS (30)
 * requests per line; BENCH_EXPLAIN=1 prints the plans of the agency's heaviest statements.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { hashPassword } from '../src/server/modules/auth/password.js';
import { openDatabase } from '../src/server/db/database.js';
import { generateAgency } from './agency-data.js';
import { benchDatabaseUrl, openBenchDatabase, percentile } from './bench-db.js';

const ORDERS = Number(process.argv[2] ?? 1_000_000);
const CLIENTS = Number(process.argv[3] ?? 10_000);
const MANAGERS = 20;
const CONSULTANTS = 200;
const PASSWORD = 'bench dashboard password';

// BENCH_REUSE=1 measures again on the data of the previous run (same DATABASE_URL), without generating them.
const reuse = Boolean(process.env.BENCH_REUSE);
const database = reuse
  ? await openDatabase({ databaseUrl: benchDatabaseUrl('maillon_bench_dashboard'), poolSize: 8 })
  : (await openBenchDatabase('maillon_bench_dashboard', 8)).database;
const db = database.db;
const started = performance.now();

// The wallets hold 1,000 € each, a low-balance threshold on one client in fifty (half of them under it).
if (!reuse)
  await generateAgency(db, {
    clients: CLIENTS,
    orders: ORDERS,
    managers: MANAGERS,
    consultants: CONSULTANTS,
    clientsUnderAgency: true,
    history: 'lifecycle',
    wallets: { postedCents: 100000, lowBalance: true },
  });

// The four readers sign in (a manager, a consultant and a client with a login, as in a real agency).
const pick = async (where: ReturnType<typeof sql>) =>
  (await sql<{ id: string }>`select id from accounts a where ${where} order by id limit 1`.execute(db)).rows[0].id;
const readers: Record<string, string> = {
  agency: await pick(sql`role = 'agency'`),
  manager: await pick(sql`role = 'manager'`),
  consultant: await pick(sql`role = 'consultant' and exists (select 1 from accounts c where c.parent_id = a.id)`),
  client: await pick(sql`role = 'client'`),
};
const hash = await hashPassword(PASSWORD);
for (const [role, id] of Object.entries(readers)) {
  await db
    .updateTable('accounts')
    .set({ email: `${role}@bench.maillon`, password_hash: hash })
    .where('id', '=', id)
    .execute();
}
const counts = await sql<{ orders: number; clients: number }>`
  select (select count(*)::int from orders) as orders, (select count(*)::int from accounts where role = 'client') as clients`.execute(
  db,
);
console.log(
  `agency: ${counts.rows[0].clients} clients, ${MANAGERS} managers, ${CONSULTANTS} consultants; ${counts.rows[0].orders} orders (built in ${((performance.now() - started) / 1000).toFixed(0)} s)`,
);
const reach = await sql<{ role: string; clients: number; orders: number }>`
  select r.role, (select count(*)::int from account_tree t join accounts c on c.id = t.descendant_id and c.role = 'client' where t.ancestor_id = r.id) as clients,
    (select count(*)::int from orders o where exists (select 1 from account_tree t where t.ancestor_id = r.id and t.descendant_id = o.client_id)) as orders
  from (values ('agency', ${readers.agency}::uuid), ('manager', ${readers.manager}::uuid), ('consultant', ${readers.consultant}::uuid), ('client', ${readers.client}::uuid)) as r(role, id)`.execute(
  db,
);
for (const r of reach.rows)
  console.log(`  ${r.role.padEnd(10)} reaches ${String(r.clients).padStart(6)} clients, ${String(r.orders).padStart(8)} orders`);

const config = loadConfig({ NODE_ENV: 'test', MAILLON_SEED: 'none' });
const app = await buildApp({ config, database, webRoot: null });
const cookies: Record<string, string> = {};
for (const role of Object.keys(readers)) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: `${role}@bench.maillon`, password: PASSWORD },
    remoteAddress: `10.88.0.${Object.keys(cookies).length + 1}`,
  });
  if (res.statusCode !== 200) throw new Error(`login ${role}: ${res.statusCode} ${res.body}`);
  cookies[role] = res.cookies.find((c) => c.name === 'maillon_session')!.value;
}

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
// One line per request: [label, url]. Another feature's request (the team table, say) is one more line.
const REQUESTS: [string, string, string[]?][] = [
  ['30 days (default), by client', '/api/dashboard'],
  ['3 months, by collaborator', `/api/dashboard?from=${day(91)}&to=${day(0)}&groupBy=collaborator`],
  ['12 months, by client', `/api/dashboard?from=${day(364)}&to=${day(0)}`],
  // the team table (Agence tab), first page, this month and 12 months; a client has none
  ['team table, this month', '/api/agency/team', ['agency', 'manager', 'consultant']],
  ['team table, 12 months', `/api/agency/team?from=${day(364)}&to=${day(0)}`, ['agency', 'manager', 'consultant']],
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const all: number[] = [];
console.log(`\n${'request'.padEnd(32)} ${'reader'.padEnd(11)} ${'median'.padStart(9)} ${'p95'.padStart(9)}`);
for (const [label, url, roles] of REQUESTS) {
  for (const role of roles ?? Object.keys(readers)) {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS + 3; i++) {
      const t = performance.now();
      const res = await app.inject({ method: 'GET', url, headers: { cookie: `maillon_session=${cookies[role]}` } });
      const ms = performance.now() - t;
      if (res.statusCode !== 200) throw new Error(`${label} as ${role}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      if (i >= 3) times.push(ms);
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    console.log(
      `${label.padEnd(32)} ${role.padEnd(11)} ${percentile(times, 50).toFixed(1).padStart(7)}ms ${percentile(times, 95).toFixed(1).padStart(7)}ms`,
    );
  }
}
all.sort((a, b) => a - b);
console.log(
  `\nall dashboard requests: median ${percentile(all, 50).toFixed(1)} ms, p95 ${percentile(all, 95).toFixed(1)} ms (aim: p95 < 200 ms)`,
);

if (process.env.BENCH_EXPLAIN) {
  const agency = readers.agency;
  const explain = async (label: string, q: ReturnType<typeof sql>) => {
    const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) ${q}`.execute(db);
    console.log(`\n-- ${label}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  };
  await explain(
    'spend by client, 12 months',
    sql`select o.client_id, sum(o.price_cents - o.refunded_cents) from orders o
    where o.agency_id = ${agency} and o.verified_at >= now() - interval '365 days' group by o.client_id`,
  );
  await explain(
    'live links',
    sql`select count(*) from orders o where o.agency_id = ${agency} and o.status in ('verified', 'completed') and o.guarantee_ends_at > now()`,
  );
  await explain(
    'in progress',
    sql`select o.status, count(*) from orders o where o.agency_id = ${agency} and o.status in ('placed', 'accepted', 'link_placed', 'verified') group by o.status`,
  );
}
await app.close();
await database.close();
