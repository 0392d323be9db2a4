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
import { generateAgency } from './agency-data.js';
import { openBenchDatabase, percentile } from './bench-db.js';

const ORDERS = Number(process.argv[2] ?? 1_000_000);
const CLIENTS = Number(process.argv[3] ?? 10_000);
const MANAGERS = 20;
const CONSULTANTS = 200;

const { database } = await openBenchDatabase('maillon_bench_orders', 4);
const db = database.db;
const ctx: Ctx = { db, config: loadConfig({ NODE_ENV: 'test', MAILLON_SEED: 'none' }) };
const { ms: builtMs } = await generateAgency(db, { clients: CLIENTS, orders: ORDERS, managers: MANAGERS, consultants: CONSULTANTS, campaigns: true, history: 'year' });
const agencyRow = await db.selectFrom('accounts').selectAll().where('role', '=', 'agency').executeTakeFirstOrThrow();
const agency = toActorAccount(agencyRow);
const actor: Actor = { person: agency, account: agency, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
const count = await sql<{ n: number }>`select count(*)::int as n from orders`.execute(db);
console.log(`agency: ${CLIENTS} clients, ${MANAGERS} managers, ${CONSULTANTS} consultants; ${count.rows[0].n} orders (built in ${(builtMs / 1000).toFixed(0)} s)`);

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
