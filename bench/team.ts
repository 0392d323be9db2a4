/**
 * The team table (Agence tab) on PostgreSQL: latency (median, p95) of GET /api/agency/team's work,
 * through the app's own listTeam (agency/team.ts, with the orders figures registered as app.ts
 * does), for an agency of 2,000 clients and 100,000 orders by default, seen by the agency, a
 * manager and a consultant, sorted by name and by spend, searched. Prints figures; asserts nothing.
 *
 * Run: npx tsx bench/team.ts [orders, default 100000] [clients, default 2000]. Uses its own
 * database maillon_bench_team next to DATABASE_URL (default the local server).
 * bench/dashboard.ts can call the same `listTeam(actor, query, ctx)` (or the route) for its figures.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadConfig } from '../src/server/config.js';
import type { Actor, Ctx } from '../src/server/http/actor.js';
import { toActorAccount } from '../src/server/modules/accounts/service.js';
import { listTeam, useTeamOrderFigures } from '../src/server/modules/agency/service.js';
import { teamOrderFigures } from '../src/server/modules/orders/service.js';
import { openBenchDatabase, percentile } from './bench-db.js';

const ORDERS = Number(process.argv[2] ?? 100_000);
const CLIENTS = Number(process.argv[3] ?? 2_000);
const MANAGERS = 10;
const CONSULTANTS = 60;

useTeamOrderFigures(teamOrderFigures);
const { database } = await openBenchDatabase('maillon_bench_team', 4);
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
const actorOf = async (role: string): Promise<Actor> => {
  const row = await db.selectFrom('accounts').selectAll().where('role', '=', role as never).orderBy('id').limit(1).executeTakeFirstOrThrow();
  const account = toActorAccount(row);
  return { person: account, account, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
};
const count = await sql<{ n: number }>`select count(*)::int as n from orders`.execute(db);
console.log(`agency: ${CLIENTS} clients, ${MANAGERS} managers, ${CONSULTANTS} consultants; ${count.rows[0].n} orders (built in ${((performance.now() - started) / 1000).toFixed(0)} s)`);

const today = new Date().toISOString().slice(0, 10);
const year = `${today.slice(0, 4)}-01-01`;
const views: [string, string, Record<string, string>][] = [
  ['agency, by name', 'agency', {}],
  ['agency, by spend, this year', 'agency', { sort: 'spend', order: 'desc', from: year, to: today }],
  ['agency, clients, search', 'agency', { role: 'client', q: 'client 1' }],
  ['manager, by spend', 'manager', { sort: 'spend', order: 'desc' }],
  ['consultant, by name', 'consultant', {}],
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
console.log(`\n${'team table'.padEnd(30)} ${'rows'.padStart(6)} ${'median'.padStart(9)} ${'p95'.padStart(9)}`);
for (const [label, role, filters] of views) {
  const actor = await actorOf(role);
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < ROUNDS + 3; i++) {
    const t = performance.now();
    const res = await listTeam(actor, { status: 'active', sort: 'name', order: 'asc', limit: 50, ...filters } as never, ctx);
    const ms = performance.now() - t;
    total = res.total;
    if (i >= 3) times.push(ms);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(30)} ${String(total).padStart(6)} ${percentile(times, 50).toFixed(1).padStart(7)}ms ${percentile(times, 95).toFixed(1).padStart(7)}ms`);
}
await database.close();
