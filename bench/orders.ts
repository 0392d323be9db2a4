/**
 * The agency orders view on PostgreSQL for an agency of 10,000 clients and 1,000,000 orders:
 * latency (median, p95) of a filtered first page with its totals, through the app's own
 * listOrders (orders/service.ts), for the filters the view offers. Prints figures; asserts
 * nothing. Aim: under 100 ms at p95.
 *
 * Run: npx tsx bench/orders.ts [orders, default 1000000] [clients, default 10000]. Uses its own
 * database maillon_bench_orders next to DATABASE_URL (default the local server).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadConfig } from '../src/server/config.js';
import type { Actor, Ctx } from '../src/server/http/actor.js';
import { toActorAccount } from '../src/server/modules/accounts/service.js';
import { listOrders } from '../src/server/modules/orders/service.js';
import { openBenchDatabase, percentile } from './bench-db.js';

const ORDERS = Number(process.argv[2] ?? 1_000_000);
const CLIENTS = Number(process.argv[3] ?? 10_000);
const MANAGERS = 20;
const CONSULTANTS = 200;

const { database } = await openBenchDatabase('maillon_bench_orders', 4);
const db = database.db;
const ctx: Ctx = { db, config: loadConfig({ NODE_ENV: 'test', MAILLON_SEED: 'none' }) };
const started = performance.now();

await db.connection().execute(async (conn) => {
  const run = (q: ReturnType<typeof sql>) => q.execute(conn);
  await run(sql`create temp table nodes (seq int primary key, id uuid not null default gen_random_uuid(), role text not null, parent_seq int)`);
  await run(sql`insert into nodes (seq, role, parent_seq) values (0, 'agency', null)`);
  await run(sql`insert into nodes (seq, role, parent_seq) select g, 'manager', 0 from generate_series(1, ${MANAGERS}::int) g`);
  await run(sql`insert into nodes (seq, role, parent_seq) select ${MANAGERS}::int + g, 'consultant', 1 + (g - 1) % ${MANAGERS}::int from generate_series(1, ${CONSULTANTS}::int) g`);
  await run(sql`insert into nodes (seq, role, parent_seq)
    select ${MANAGERS + CONSULTANTS}::int + g, 'client', case when g % 10 = 0 then 1 + g % ${MANAGERS}::int else ${MANAGERS}::int + 1 + g % ${CONSULTANTS}::int end
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
  // The wallets were opened by the database with the accounts (migration 0010).
  await run(sql`insert into projects (id, client_id, agency_id, name, url, domain)
    select gen_random_uuid(), n.id, (select id from nodes where seq = 0), 'Projet ' || n.seq, 'https://client-' || n.seq || '.fr', 'client-' || n.seq || '.fr'
    from nodes n where n.role = 'client'`);
  await run(sql`insert into campaigns (project_id, client_id, agency_id, name)
    select p.id, p.client_id, p.agency_id, 'Campagne ' || p.name from projects p`);
  await run(sql`insert into accounts (id, role, name, search_text) values ('00000000-0000-4000-8000-0000000000aa', 'publisher', 'Bench publisher', 'bench')`);
  await run(sql`insert into sites (id, publisher_id, domain, theme, site_kind, language, status)
    values ('00000000-0000-4000-8000-0000000000bb', '00000000-0000-4000-8000-0000000000aa', 'bench-site.fr', 'immobilier', 'thematic', 'fr', 'approved')`);
  await run(sql`insert into articles (id, site_id, url) values ('00000000-0000-4000-8000-0000000000cc', '00000000-0000-4000-8000-0000000000bb', 'https://bench-site.fr/a')`);
  await run(sql`create temp table client_list as
    select row_number() over (order by p.client_id) - 1 as n, p.client_id, p.id as project_id, c.id as campaign_id
    from projects p join campaigns c on c.project_id = p.id`);
  await run(sql`create unique index on client_list (n)`);
  // A year of orders, most finished, a few in flight.
  await run(sql`insert into orders (client_id, agency_id, project_id, campaign_id, article_id, site_id, publisher_id, keyword, price_cents,
      commission_bp, target_url, anchor, status, created_at, accept_by)
    select cl.client_id, (select id from nodes where seq = 0), cl.project_id, case when g % 3 = 0 then null else cl.campaign_id end,
      '00000000-0000-4000-8000-0000000000cc', '00000000-0000-4000-8000-0000000000bb', '00000000-0000-4000-8000-0000000000aa',
      'mot clé ' || (g % 97), 5000 + (g % 40) * 1000, 2500, 'https://client.fr/page', 'ancre ' || (g % 13),
      (array['completed','completed','completed','completed','verified','link_placed','accepted','placed','cancelled','refused','expired'])[1 + g % 11],
      now() - ((g % 365) || ' days')::interval - ((g % 1440) || ' minutes')::interval,
      now() + interval '7 days'
    from generate_series(1, ${ORDERS}::int) g join client_list cl on cl.n = g % ${CLIENTS}::int`);
});
// What autovacuum does on a live database: statistics, and the visibility map for index-only scans.
await sql`vacuum analyze`.execute(db);
const agencyRow = await db.selectFrom('accounts').selectAll().where('role', '=', 'agency').executeTakeFirstOrThrow();
const agency = toActorAccount(agencyRow);
const actor: Actor = { person: agency, account: agency, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
const count = await sql<{ n: number }>`select count(*)::int as n from orders`.execute(db);
console.log(`agency: ${CLIENTS} clients, ${MANAGERS} managers, ${CONSULTANTS} consultants; ${count.rows[0].n} orders (built in ${((performance.now() - started) / 1000).toFixed(0)} s)`);

const pick = async (role: 'client') => (await db.selectFrom('accounts').select('id').where('role', '=', role).orderBy('id').limit(1).offset(7).executeTakeFirstOrThrow()).id;
// a consultant with clients, and one without (a newcomer: the view must answer at once)
const consultant = (
  await db.selectFrom('accounts as c').innerJoin('accounts as m', 'm.id', 'c.parent_id').select('m.id').where('c.role', '=', 'client').where('m.role', '=', 'consultant').limit(1).executeTakeFirstOrThrow()
).id;
const newcomer = (
  await db.selectFrom('accounts as m').select('m.id').where('m.role', '=', 'consultant')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('accounts as c').select('c.id').whereRef('c.parent_id', '=', 'm.id'))))
    .limit(1).executeTakeFirst()
)?.id;
// a manager that has clients of its own (one in ten clients hangs under a manager)
const manager = (
  await db.selectFrom('accounts as c').innerJoin('accounts as m', 'm.id', 'c.parent_id').select('m.id').where('c.role', '=', 'client').where('m.role', '=', 'manager').limit(1).executeTakeFirstOrThrow()
).id;
const client = await pick('client');
const project = (await db.selectFrom('projects').select('id').where('client_id', '=', client).executeTakeFirstOrThrow()).id;
const month = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 8);

const views: [string, Record<string, string>][] = [
  ['status in flight', { status: 'placed' }],
  ['one month', { from: `${month}01`, to: `${month}28` }],
  ['status + month', { status: 'completed', from: `${month}01`, to: `${month}28` }],
  ['person in charge', { personInChargeId: consultant }],
  ...(newcomer ? [['consultant without clients', { personInChargeId: newcomer }] as [string, Record<string, string>]] : []),
  ['manager (direct clients)', { personInChargeId: manager }],
  ['one client', { accountId: client }],
  ['one project', { projectId: project }],
  ['no filter (whole agency)', {}],
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const filtered: number[] = [];
console.log(`\n${'orders view'.padEnd(26)} ${'rows'.padStart(5)} ${'total'.padStart(8)} ${'median'.padStart(9)} ${'p95'.padStart(9)}`);
for (const [label, filters] of views) {
  const times: number[] = [];
  let rows = 0;
  let total = 0;
  for (let i = 0; i < ROUNDS + 3; i++) {
    const t = performance.now();
    const res = await listOrders(actor, { ...filters, limit: 50 } as never, ctx);
    const ms = performance.now() - t;
    rows = res.items.length;
    total = res.totals.count;
    if (i >= 3) times.push(ms);
  }
  times.sort((a, b) => a - b);
  if (Object.keys(filters).length > 0) filtered.push(...times);
  console.log(`${label.padEnd(26)} ${String(rows).padStart(5)} ${String(total).padStart(8)} ${percentile(times, 50).toFixed(1).padStart(7)}ms ${percentile(times, 95).toFixed(1).padStart(7)}ms`);
}
filtered.sort((a, b) => a - b);
console.log(`\nfiltered views: median ${percentile(filtered, 50).toFixed(1)} ms, p95 ${percentile(filtered, 95).toFixed(1)} ms (aim: p95 < 100 ms)`);
await database.close();
