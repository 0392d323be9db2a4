/**
 * Mode switches of a large agency, down and back up, through the agency service (what
 * `PUT /api/agency/mode` runs): complete → simple (every collaborator suspended, every client moved
 * to the agency, the hierarchy remembered), then simple → complete with restore (every
 * collaborator and client back where it was). For each size: the dry run and the applied switch,
 * in ms, and how many accounts did not come back under their former parent (0 expected).
 * Asserts nothing.
 *
 * Run: npx tsx bench/modes.ts. PostgreSQL from DATABASE_URL (default the local server), in its own
 * database maillon_bench_modes; BENCH_ENGINES=postgres,pglite also measures embedded PGlite;
 * BENCH_SIZES (default 2000,10000) the number of accounts of the agency.
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/server/config.js';
import { migrateToLatest, openDatabase, type Database } from '../src/server/db/database.js';
import type { Actor, ActorAccount, Ctx } from '../src/server/http/actor.js';
import { switchMode } from '../src/server/modules/agency/service.js';
import { openBenchDatabase } from './bench-db.js';
import { buildAgency } from './hierarchy-data.js';

const ENGINES = (process.env.BENCH_ENGINES ?? 'postgres').split(',').map((e) => e.trim());
const SIZES = (process.env.BENCH_SIZES ?? '2000,10000').split(',').map(Number);

async function openEngine(engine: string): Promise<Database> {
  if (engine === 'postgres') return (await openBenchDatabase('maillon_bench_modes', 4)).database;
  if (engine === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(database.db);
    return database;
  }
  throw new Error(`unknown engine ${engine} (postgres or pglite)`);
}

function agencyActor(agencyId: string): Actor {
  const account = { id: agencyId, role: 'agency', name: 'bench', email: null, parentId: null, agencyId, agencyMode: 'complete', active: true } as unknown as ActorAccount;
  return { person: account, account, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

const ms = (v: number) => `${v.toFixed(0).padStart(7)} ms`;
console.log(`mode switches of one agency, down and back up with restore (Node ${process.version})`);
for (const engine of ENGINES) {
  for (const size of SIZES) {
    const database = await openEngine(engine);
    const ctx: Ctx = { db: database.db, config: loadConfig({ NODE_ENV: 'test', MAILLON_SEED: 'none' }) };
    const { agencyId, shape } = await buildAgency(database.db, size);
    const parentsOf = async () =>
      new Map(
        (await database.db.selectFrom('accounts').select(['id', 'parent_id', 'active']).where('agency_id', '=', agencyId).execute()).map((r) => [
          r.id,
          `${r.parent_id}:${r.active}`,
        ]),
      );
    const before = await parentsOf();
    const actor = agencyActor(agencyId);
    const [downPlan, downDry] = await timed(() => switchMode(actor, { mode: 'simple', dryRun: true }, ctx));
    const [, down] = await timed(() => switchMode(actor, { mode: 'simple', dryRun: false }, ctx));
    const [upPlan, upDry] = await timed(() => switchMode(actor, { mode: 'complete', dryRun: true, restore: true }, ctx));
    const [, up] = await timed(() => switchMode(actor, { mode: 'complete', dryRun: false, restore: true }, ctx));
    const after = await parentsOf();
    const differ = [...before].filter(([id, where]) => after.get(id) !== where).length;
    console.log(
      `\n${engine}, ${size.toLocaleString('en')} accounts (${shape.managers} managers, ${shape.consultants} consultants, ${shape.clients.toLocaleString('en')} clients)`,
    );
    console.log(`  complete → simple   dry run ${ms(downDry)}   applied ${ms(down)}   (${downPlan.plan.deactivated.length} suspended, ${downPlan.plan.moved.length} moved)`);
    console.log(`  simple → complete   dry run ${ms(upDry)}   applied ${ms(up)}   (${upPlan.plan.restored.length} restored, ${upPlan.plan.moved.length} moved)`);
    console.log(`  accounts not back where they were: ${differ}`);
    await database.close();
  }
}
