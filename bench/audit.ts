/**
 * The audit trail of a subtree (`GET /api/audit`, audit/service.ts listAuditForSubtree) on
 * PostgreSQL, over 1,000,000 audit lines of 100 agencies (one of 10,000 accounts, 99 of 100):
 * latency (median, p95) of the first page and of a page deep in the trail, for an agency, a
 * consultant and a client, and the plan's index use. Prints figures; asserts nothing.
 *
 * Run: npx tsx bench/audit.ts [lines, default 1000000]. Uses its own database
 * maillon_bench_audit next to DATABASE_URL, or exactly BENCH_DATABASE_URL when set (emptied).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase } from '../src/server/db/database.js';
import { auditFiltersOf, listAuditForSubtree } from '../src/server/modules/audit/service.js';
import { accountLabels, subtreeIds } from '../src/server/modules/accounts/service.js';
import { openBenchDatabase, percentile } from './bench-db.js';

const LINES = Number(process.argv[2] ?? 1_000_000);

async function open() {
  if (!process.env.BENCH_DATABASE_URL) return (await openBenchDatabase('maillon_bench_audit', 4)).database;
  const database = await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL, poolSize: 4 });
  await sql`drop schema if exists public cascade`.execute(database.db);
  await sql`create schema public`.execute(database.db);
  await migrateToLatest(database.db);
  return database;
}

const database = await open();
const db = database.db;
const started = performance.now();

await db.connection().execute(async (conn) => {
  const run = (q: ReturnType<typeof sql>) => q.execute(conn);
  // Agency 0 has 20 managers, 200 consultants and 9,779 clients; agencies 1..99 have 99 clients each.
  await run(
    sql`create temp table nodes (seq int primary key, id uuid not null default gen_random_uuid(), role text not null, parent_seq int, agency_seq int not null)`,
  );
  await run(
    sql`insert into nodes (seq, role, parent_seq, agency_seq) select g * 100000, 'agency', null, g * 100000 from generate_series(0, 99) g`,
  );
  await run(sql`insert into nodes (seq, role, parent_seq, agency_seq) select g, 'manager', 0, 0 from generate_series(1, 20) g`);
  await run(
    sql`insert into nodes (seq, role, parent_seq, agency_seq) select 20 + g, 'consultant', 1 + (g - 1) % 20, 0 from generate_series(1, 200) g`,
  );
  await run(
    sql`insert into nodes (seq, role, parent_seq, agency_seq) select 220 + g, 'client', 21 + g % 200, 0 from generate_series(1, 9779) g`,
  );
  await run(sql`insert into nodes (seq, role, parent_seq, agency_seq)
    select a * 100000 + g, 'client', a * 100000, a * 100000 from generate_series(1, 99) a cross join generate_series(1, 99) g`);
  await run(sql`insert into nodes (seq, role, parent_seq, agency_seq) values (-1, 'support', null, -1)`);
  await run(sql`insert into accounts (id, role, name, search_text, parent_id, agency_id, agency_mode)
    select n.id, n.role, initcap(n.role) || ' ' || n.seq, n.role || ' ' || n.seq, p.id, ag.id, case when n.role = 'agency' then 'complete' end
    from nodes n left join nodes p on p.seq = n.parent_seq left join nodes ag on ag.seq = n.agency_seq order by n.seq`);
  await run(sql`insert into account_tree (ancestor_id, descendant_id, depth, agency_id)
    with recursive up as (
      select seq, seq as anc, 0 as depth from nodes where role <> 'support'
      union all
      select up.seq, n.parent_seq, up.depth + 1 from up join nodes n on n.seq = up.anc where n.parent_seq is not null)
    select a.id, d.id, up.depth, ag.id from up join nodes d on d.seq = up.seq join nodes a on a.seq = up.anc join nodes ag on ag.seq = d.agency_seq`);
  await run(
    sql`create temp table actors as select row_number() over (order by seq) - 1 as n, id, agency_seq from nodes where role <> 'support'`,
  );
  await run(sql`create unique index on actors (n)`);
  await run(sql`analyze actors`);
  // Lines by random members (half of them on an account of their agency), and 1 % by support on any account.
  await run(sql`insert into audit_log (at, person_id, account_id, agency_id, action, target_type, target_id)
    select now() - make_interval(secs => ${LINES}::int - g), a.id, a.id, ag.id,
      case when g % 2 = 0 then 'account.update' else 'order.place' end,
      case when g % 2 = 0 then 'account' else 'order' end,
      case when g % 2 = 0 then a.id::text else gen_random_uuid()::text end
    from generate_series(1, ${LINES}::int) g
    join actors a on a.n = (hashint4(g) & 2147483647) % (select count(*) from actors)
    join nodes ag on ag.seq = a.agency_seq
    where g % 100 <> 0`);
  await run(sql`insert into audit_log (at, person_id, account_id, agency_id, action, target_type, target_id)
    select now() - make_interval(secs => ${LINES}::int - g), s.id, s.id, null, 'support.note', 'account', a.id::text
    from generate_series(1, ${LINES}::int) g
    cross join (select id from nodes where seq = -1) s
    join actors a on a.n = (hashint4(g) & 2147483647) % (select count(*) from actors)
    where g % 100 = 0`);
  await run(sql`analyze`);
});
console.log(
  `data: ${LINES.toLocaleString('en')} audit lines, ${(await sql<{ n: number }>`select count(*)::int as n from accounts`.execute(db)).rows[0].n} accounts, built in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

const idOf = async (seq: number) =>
  (
    await sql<{
      id: string;
    }>`select a.id from accounts a where a.search_text = ${`${seq === 0 ? 'agency' : seq <= 20 ? 'manager' : seq <= 220 ? 'consultant' : 'client'} ${seq}`}`.execute(
      db,
    )
  ).rows[0].id;
const roots = [
  { label: 'agency of 10,000 accounts', id: await idOf(0) },
  { label: 'manager (~490 clients)', id: await idOf(1) },
  { label: 'consultant (~49 clients)', id: await idOf(21) },
  { label: 'client', id: await idOf(5000) },
];

const scopeOf = (id: string) => ({ accountIds: subtreeIds(db, id), namesOf: (ids: string[]) => accountLabels(db, ids), reachable: async (ids: string[]) => new Set(ids) });

for (const root of roots) {
  const first = await listAuditForSubtree(db, { person: { role: "agency" } } as never, scopeOf(root.id), { limit: 50, cursor: null });
  // A page deep in the trail: after walking 10 pages.
  let cursor: string | null = first.nextCursor;
  for (let i = 0; i < 9 && cursor; i++) cursor = (await listAuditForSubtree(db, { person: { role: "agency" } } as never, scopeOf(root.id), { limit: 50, cursor })).nextCursor;
  for (const [label, at] of [
    ['first page', null],
    ['11th page', cursor],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await listAuditForSubtree(db, { person: { role: "agency" } } as never, scopeOf(root.id), { limit: 50, cursor: at });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${root.label.padEnd(28)} ${label.padEnd(10)}  median ${percentile(times, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(times, 95).toFixed(1).padStart(7)} ms`,
    );
  }
}

// The filters (issue 12): who did it, a past Paris day, a category; with the indexes of migration
// 0017, then without it (dropped here), each with the plan of the query's larger half.
const agencyRoot = roots[0].id;
const someone = (
  await sql<{ person_id: string }>`select person_id from audit_log where agency_id = ${agencyRoot} and person_id <> ${agencyRoot} order by id desc offset 500 limit 1`.execute(db)
).rows[0].person_id;
const oldest = (await sql<{ at: Date }>`select min(at) as at from audit_log`.execute(db)).rows[0].at;
const pastDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date(new Date(oldest).getTime() + 36 * 3_600_000));
const cases = [
  { label: 'person', query: { personId: someone } },
  { label: `day ${pastDay}`, query: { from: pastDay, to: pastDay } },
  { label: 'category orders', query: { category: 'orders' as const } },
  { label: 'person + day', query: { personId: someone, from: pastDay, to: pastDay } },
];
const explainOf = async (f: ReturnType<typeof auditFiltersOf>) => {
  const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, costs off, timing off, summary off)
    select l.id from audit_log l where l.account_id in (select descendant_id from account_tree where ancestor_id = ${agencyRoot})
    ${f.personId ? sql`and l.person_id = ${f.personId}` : sql``}
    ${f.actions ? sql`and l.action = any(${[...f.actions]}::text[])` : sql``}
    ${f.from ? sql`and l.at >= ${f.from}` : sql``} ${f.before ? sql`and l.at < ${f.before}` : sql``}
    order by l.id desc limit 51`.execute(db);
  return plan.rows.map((r) => '    ' + r['QUERY PLAN']).join('\n');
};
for (const variant of ['with 0017', 'without 0017']) {
  if (variant === 'without 0017') {
    await sql`drop index audit_log_person_idx`.execute(db);
    await sql`analyze audit_log`.execute(db);
  }
  for (const c of cases) {
    const filters = auditFiltersOf(c.query);
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      count = (await listAuditForSubtree(db, { person: { role: 'agency' } } as never, scopeOf(agencyRoot), { limit: 50, cursor: null }, filters)).items.length;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${variant.padEnd(13)} agency, ${c.label.padEnd(24)} ${String(count).padStart(3)} lines  median ${percentile(times, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(times, 95).toFixed(1).padStart(7)} ms`,
    );
    if (process.env.BENCH_EXPLAIN) console.log(await explainOf(filters));
  }
}
await database.close();
