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
import { openBenchDatabase, percentile } from './bench-db.js';

/** The URL openBenchDatabase gives the bench's database (named after DATABASE_URL's too). */
function benchUrl(name: string): string {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const own = base.pathname.slice(1);
  base.pathname = `/${own && own !== 'test' ? `${name}_${own}` : name}`;
  return base.toString();
}

const ORDERS = Number(process.argv[2] ?? 1_000_000);
const CLIENTS = Number(process.argv[3] ?? 10_000);
const MANAGERS = 20;
const CONSULTANTS = 200;
const PASSWORD = 'bench dashboard password';

// BENCH_REUSE=1 measures again on the data of the previous run (same DATABASE_URL), without generating them.
const reuse = Boolean(process.env.BENCH_REUSE);
const database = reuse
  ? await openDatabase({ databaseUrl: benchUrl('maillon_bench_dashboard'), poolSize: 8 })
  : (await openBenchDatabase('maillon_bench_dashboard', 8)).database;
const db = database.db;
const started = performance.now();

if (!reuse)
  await db.connection().execute(async (conn) => {
    const run = (q: ReturnType<typeof sql>) => q.execute(conn);
    await run(
      sql`create temp table nodes (seq int primary key, id uuid not null default gen_random_uuid(), role text not null, parent_seq int)`,
    );
    await run(sql`insert into nodes (seq, role, parent_seq) values (0, 'agency', null)`);
    await run(sql`insert into nodes (seq, role, parent_seq) select g, 'manager', 0 from generate_series(1, ${MANAGERS}::int) g`);
    await run(
      sql`insert into nodes (seq, role, parent_seq) select ${MANAGERS}::int + g, 'consultant', 1 + (g - 1) % ${MANAGERS}::int from generate_series(1, ${CONSULTANTS}::int) g`,
    );
    // One client in ten hangs under a manager, one in a hundred under the agency itself, the rest under consultants.
    await run(sql`insert into nodes (seq, role, parent_seq)
    select ${MANAGERS + CONSULTANTS}::int + g, 'client',
      case when g % 100 = 0 then 0 when g % 10 = 0 then 1 + g % ${MANAGERS}::int else ${MANAGERS}::int + 1 + g % ${CONSULTANTS}::int end
    from generate_series(1, ${CLIENTS}::int) g`);
    await run(sql`insert into accounts (id, role, name, search_text, parent_id, agency_id, agency_mode)
    select n.id, n.role, initcap(n.role) || ' ' || n.seq, n.role || ' ' || n.seq, p.id,
           (select id from nodes where seq = 0), case when n.role = 'agency' then 'complete' end
    from nodes n left join nodes p on p.seq = n.parent_seq order by n.seq`);
    await run(sql`insert into account_tree (ancestor_id, descendant_id, depth, agency_id)
    with recursive up as (
      select seq, seq as anc, 0 as depth from nodes
      union all
      select up.seq, n.parent_seq, up.depth + 1 from up join nodes n on n.seq = up.anc where n.parent_seq is not null)
    select a.id, d.id, up.depth, (select id from nodes where seq = 0) from up join nodes d on d.seq = up.seq join nodes a on a.seq = up.anc`);
    // The wallets were opened by the database with the accounts (migration 0010): give them money, and a
    // low-balance threshold to one client in fifty (half of them under it).
    await run(sql`update wallets w set posted_cents = 100000, low_balance_cents = case when n.seq % 50 = 0 then (case when n.seq % 100 = 0 then 200000 else 50000 end) end
    from nodes n where n.id = w.account_id`);
    await run(sql`insert into projects (id, client_id, agency_id, name, url, domain)
    select gen_random_uuid(), n.id, (select id from nodes where seq = 0), 'Projet ' || n.seq, 'https://client-' || n.seq || '.fr', 'client-' || n.seq || '.fr'
    from nodes n where n.role = 'client'`);
    await run(
      sql`insert into accounts (id, role, name, search_text) values ('00000000-0000-4000-8000-0000000000aa', 'publisher', 'Bench publisher', 'bench')`,
    );
    await run(sql`insert into sites (id, publisher_id, domain, theme, site_kind, language, status)
    values ('00000000-0000-4000-8000-0000000000bb', '00000000-0000-4000-8000-0000000000aa', 'bench-site.fr', 'immobilier', 'thematic', 'fr', 'approved')`);
    await run(
      sql`insert into articles (id, site_id, url) values ('00000000-0000-4000-8000-0000000000cc', '00000000-0000-4000-8000-0000000000bb', 'https://bench-site.fr/a')`,
    );
    await run(sql`create temp table client_list as
    select row_number() over (order by p.client_id) - 1 as n, p.client_id, p.id as project_id from projects p`);
    await run(sql`create unique index on client_list (n)`);
    // Two years of orders, most verified and completed (a few lost), some in flight; verified three
    // days after being placed, completed a month later, guaranteed 12 months.
    await run(sql`insert into orders (client_id, agency_id, project_id, article_id, site_id, publisher_id, keyword, price_cents,
      commission_bp, target_url, anchor, status, created_at, accept_by, verified_at, completed_at, guarantee_ends_at, lost_at, last_check)
    select cl.client_id, (select id from nodes where seq = 0), cl.project_id,
      '00000000-0000-4000-8000-0000000000cc', '00000000-0000-4000-8000-0000000000bb', '00000000-0000-4000-8000-0000000000aa',
      'mot clé ' || (g % 97), 5000 + (g % 40) * 1000, 2500, 'https://client.fr/page', 'ancre ' || (g % 13),
      s.status, s.created, s.created + interval '3 days',
      case when s.status in ('verified', 'completed', 'lost') then s.created + interval '3 days' end,
      case when s.status in ('completed', 'lost') then s.created + interval '33 days' end,
      case when s.status in ('verified', 'completed', 'lost') then s.created + interval '3 days' + interval '12 months' end,
      case when s.status = 'lost' then s.created + interval '60 days' end,
      case when s.status = 'link_placed' and g % 4 = 0 then '{"ok": false, "rule": "link_missing"}'::jsonb end
    from generate_series(1, ${ORDERS}::int) g
    join client_list cl on cl.n = g % ${CLIENTS}::int
    cross join lateral (select
      case when g % 1000 < 12 then 'placed' when g % 1000 < 20 then 'accepted' when g % 1000 < 26 then 'link_placed'
           when g % 1000 < 60 then 'cancelled' when g % 1000 < 80 then 'lost'
           when (g % 730) < 33 then 'verified' else 'completed' end as status,
      now() - ((g % 730) || ' days')::interval - ((g % 1440) || ' minutes')::interval as created) s`);
    await run(
      sql`update orders set verified_at = null, completed_at = null, guarantee_ends_at = null where status not in ('verified', 'completed', 'lost')`,
    );
    await run(sql`insert into claims (order_id, client_id, publisher_id, agency_id, status, outcome, messages, check_id, reinstate_by)
    select o.id, o.client_id, o.publisher_id, o.agency_id, 'open', 'link_missing', '{}'::jsonb, 0, now() + interval '7 days'
    from orders o where o.status = 'verified' and o.price_cents = 5000 limit 300`);
    // A trail: a few audit lines per collaborator and client.
    await run(sql`insert into audit_log (person_id, account_id, agency_id, action, target_type, target_id, details, at)
    select n.id, n.id, (select id from nodes where seq = 0), 'order.place', 'order', gen_random_uuid()::text, '{"priceCents": 7000}'::jsonb, now() - (g || ' hours')::interval
    from nodes n cross join generate_series(1, 3) g where n.role <> 'agency'`);
  });
if (!reuse) await sql`vacuum analyze`.execute(db);

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
