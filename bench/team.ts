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
import { generateAgency } from './agency-data.js';
import { openBenchDatabase, percentile } from './bench-db.js';

const ORDERS = Number(process.argv[2] ?? 100_000);
const CLIENTS = Number(process.argv[3] ?? 2_000);
const MANAGERS = 10;
const CONSULTANTS = 60;

useTeamOrderFigures(teamOrderFigures);
const { database } = await openBenchDatabase('maillon_bench_team', 4);
const db = database.db;
const ctx: Ctx = { db, config: loadConfig({ NODE_ENV: 'test', MAILLON_SEED: 'none' }) };
const { ms: builtMs } = await generateAgency(db, { clients: CLIENTS, orders: ORDERS, managers: MANAGERS, consultants: CONSULTANTS, campaigns: true, history: 'year' });
const actorOf = async (role: string): Promise<Actor> => {
  const row = await db.selectFrom('accounts').selectAll().where('role', '=', role as never).orderBy('id').limit(1).executeTakeFirstOrThrow();
  const account = toActorAccount(row);
  return { person: account, account, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
};
const count = await sql<{ n: number }>`select count(*)::int as n from orders`.execute(db);
console.log(`agency: ${CLIENTS} clients, ${MANAGERS} managers, ${CONSULTANTS} consultants; ${count.rows[0].n} orders (built in ${(builtMs / 1000).toFixed(0)} s)`);

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
