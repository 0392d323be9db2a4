/**
 * "May X reach Y" as the app asks it, on hierarchies of 1,000 and 100,000 accounts.
 *
 * For each size, one agency is built in bulk with set-based SQL (managers, ten consultants per
 * manager, clients mostly under consultants, some under managers, a few straight under the
 * agency; closure rows generated level by level, wallets too), then analysed; then random pairs
 * (half "Y is below X", half not) go through the app's own functions:
 *   - isDescendant (accounts/queries.ts): the one closure-table lookup;
 *   - findReachableAccount (accounts/service.ts): what every "/api/accounts/:id" route does
 *     (load the account, then the lookup).
 * Prints median and p95 latency per call and the ratio p50(100k) / p50(1k). Asserts nothing.
 *
 * Run: npm run bench:reach (or npx tsx bench/reach.ts). PostgreSQL from DATABASE_URL (default
 * the local server), in its own database maillon_bench_reach, never the test schema.
 * BENCH_ENGINES=postgres,pglite also measures embedded PGlite; BENCH_ITERATIONS (default 5000).
 */
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../src/server/db/types.js';
import { migrateToLatest, openDatabase, type Database } from '../src/server/db/database.js';
import type { Actor, ActorAccount } from '../src/server/http/actor.js';
import { isDescendant } from '../src/server/modules/accounts/queries.js';
import { findReachableAccount } from '../src/server/modules/accounts/service.js';
import { openBenchDatabase, percentile } from './bench-db.js';
import { buildAgency } from './hierarchy-data.js';

const SIZES = [1_000, 100_000];
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5_000);
const WARMUP = 500;
const ENGINES = (process.env.BENCH_ENGINES ?? 'postgres').split(',').map((e) => e.trim());

/** Random pairs, half of them "descendant below ancestor", half unrelated (different branches). */
async function samplePairs(db: Kysely<DB>, agencyId: string, n: number) {
  const rows = await db.selectFrom('accounts').select(['id', 'role', 'parent_id']).where('agency_id', '=', agencyId).execute();
  const parent = new Map(rows.map((r) => [r.id, r.parent_id]));
  const role = new Map(rows.map((r) => [r.id, r.role]));
  const ancestors = (id: string) => {
    const out: string[] = [];
    for (let p = parent.get(id); p; p = parent.get(p)) out.push(p);
    return out;
  };
  const nonRoot = rows.filter((r) => r.parent_id !== null).map((r) => r.id);
  const holders = rows.filter((r) => r.role === 'manager' || r.role === 'consultant').map((r) => r.id);
  const any = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
  const pairs: { ancestor: string; descendant: string; below: boolean }[] = [];
  while (pairs.length < n) {
    const d = any(nonRoot);
    if (pairs.length % 2 === 0) {
      pairs.push({ ancestor: any(ancestors(d)), descendant: d, below: true });
    } else {
      const x = any(holders);
      if (x !== d && !ancestors(d).includes(x)) pairs.push({ ancestor: x, descendant: d, below: false });
    }
  }
  return {
    pairs,
    role,
    closureRows: Number(
      (await sql<{ n: number }>`select count(*)::int as n from account_tree where agency_id = ${agencyId}::uuid`.execute(db))
        .rows[0].n,
    ),
  };
}

function actorFor(id: string, role: string): Actor {
  const account: ActorAccount = {
    id,
    role: role as ActorAccount['role'],
    name: 'bench',
    email: null,
    parentId: null,
    agencyId: null,
    agencyMode: null,
    active: true,
  };
  return { person: account, account, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
}

/** Calls `once` for every pair in turn, timing each call; returns the sorted latencies in ms. */
async function measure(
  pairs: { ancestor: string; descendant: string; below: boolean }[],
  once: (p: (typeof pairs)[number]) => Promise<boolean>,
) {
  for (let i = 0; i < WARMUP; i++) await once(pairs[i % pairs.length]);
  const times: number[] = [];
  let wrong = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const p = pairs[i % pairs.length];
    const t = performance.now();
    const answer = await once(p);
    times.push(performance.now() - t);
    if (answer !== p.below) wrong++;
  }
  if (wrong) console.warn(`  ! ${wrong} answers disagreed with the generated tree`);
  return times.sort((a, b) => a - b);
}

async function openEngine(engine: string): Promise<Database> {
  if (engine === 'postgres') return (await openBenchDatabase('maillon_bench_reach', 4)).database;
  if (engine === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(database.db);
    return database;
  }
  throw new Error(`unknown engine ${engine} (postgres or pglite)`);
}

const fmt = (ms: number) => ms.toFixed(3).padStart(8);
console.log(
  `reach check latency, ${ITERATIONS} calls per figure after ${WARMUP} warm-up calls, one caller at a time (Node ${process.version})`,
);

for (const engine of ENGINES) {
  const p50s: Record<string, number[]> = { isDescendant: [], findReachableAccount: [] };
  for (const size of SIZES) {
    // A fresh database per size, so that each figure is that size's table and index alone.
    const database = await openEngine(engine);
    const db = database.db;
    const { agencyId, shape, ms } = await buildAgency(db, size);
    const { pairs, role, closureRows } = await samplePairs(db, agencyId, 2_000);
    console.log(
      `\n${engine}, ${size.toLocaleString('en')} accounts (1 agency, ${shape.managers} managers, ${shape.consultants} consultants, ${shape.clients.toLocaleString('en')} clients; ${closureRows.toLocaleString('en')} closure rows), built in ${(ms / 1000).toFixed(1)} s`,
    );
    console.log(`  ${'call'.padEnd(22)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    const figures = {
      isDescendant: await measure(pairs, (p) => isDescendant(db, p.ancestor, p.descendant, true)),
      findReachableAccount: await measure(pairs, (p) =>
        findReachableAccount(db, actorFor(p.ancestor, role.get(p.ancestor)!), p.descendant).then(
          () => true,
          () => false,
        ),
      ),
    };
    for (const [name, times] of Object.entries(figures)) {
      console.log(
        `  ${name.padEnd(22)} ${fmt(percentile(times, 50))} ${fmt(percentile(times, 95))} ${fmt(percentile(times, 99))}`,
      );
      p50s[name].push(percentile(times, 50));
    }
    await database.close();
  }
  for (const [name, [small, large]] of Object.entries(p50s)) {
    console.log(`${engine}: p50(100k) / p50(1k) for ${name}: ${(large / small).toFixed(2)}`);
  }
}
