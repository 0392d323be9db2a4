/**
 * How long a password-reset request takes for a known e-mail and for an unknown one (they must
 * not differ: the answer would tell whether an address has an account), and the same for a wrong
 * password at sign-in. Through the whole HTTP app (`inject`), alternating known and unknown.
 * Prints figures; asserts nothing.
 * Run: npx tsx bench/auth.ts [requests per kind, default 300]
 * On an in-memory PGlite by default; with BENCH_DATABASE_URL, on that PostgreSQL database, whose
 * public schema it drops and recreates.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { migrateToLatest, openDatabase } from '../src/server/db/database.js';
import { percentile } from './bench-db.js';

const N = Number(process.argv[2] ?? 300);
const url = process.env.BENCH_DATABASE_URL;
const database = url ? await openDatabase({ databaseUrl: url, poolSize: 4 }) : await openDatabase({ dataDir: 'memory://' });
if (url) {
  await sql`drop schema if exists public cascade`.execute(database.db);
  await sql`create schema public`.execute(database.db);
}
await migrateToLatest(database.db);
// Limits far away, so that every request does its whole work.
const config = loadConfig({
  NODE_ENV: 'test',
  MAILLON_SEED: 'none',
  MAILLON_LOGIN_MAX_FAILURES_PAIR: '1000000',
  MAILLON_LOGIN_MAX_FAILURES_ADDRESS: '1000000',
  MAILLON_LOGIN_MAX_FAILURES_ACCOUNT: '1000000',
});
const app = await buildApp({ config, database, webRoot: null });

const known = `known-${randomUUID().slice(0, 8)}@bench.maillon`;
const signup = await app.inject({ method: 'POST', url: '/api/auth/signup', payload: { email: known, password: 'bench password 1', name: 'Bench', kind: 'customer' } });
if (signup.statusCode !== 201) throw new Error(`signup: ${signup.body}`);

async function timed(path: string, payload: object, i: number): Promise<{ ms: number; status: number; body: string }> {
  const start = process.hrtime.bigint();
  const res = await app.inject({ method: 'POST', url: path, payload, remoteAddress: `10.77.${(i >> 8) & 255}.${i & 255}` });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: res.statusCode, body: res.body };
}

async function compare(label: string, path: string, payloadFor: (email: string) => object) {
  const times = { known: [] as number[], unknown: [] as number[] };
  const answers = new Set<string>();
  // warm-up
  for (let i = 0; i < 20; i++) await timed(path, payloadFor(i % 2 ? known : `nobody-${i}@bench.maillon`), i);
  for (let i = 0; i < N; i++) {
    for (const kind of i % 2 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const)) {
      const email = kind === 'known' ? known : `nobody-${randomUUID().slice(0, 8)}@bench.maillon`;
      const r = await timed(path, payloadFor(email), 2 * i + (kind === 'known' ? 0 : 1));
      times[kind].push(r.ms);
      answers.add(`${r.status} ${r.body}`);
    }
  }
  const fmt = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${percentile(s, 50).toFixed(2)} ms, p90 ${percentile(s, 90).toFixed(2)} ms`;
  };
  console.log(`${label} (${N} each, ${database.engine}):`);
  console.log(`  known e-mail    ${fmt(times.known)}`);
  console.log(`  unknown e-mail  ${fmt(times.unknown)}`);
  console.log(`  distinct answers: ${answers.size} (${[...answers].map((a) => a.slice(0, 60)).join(' | ')})`);
}

await compare('POST /api/auth/password-reset', '/api/auth/password-reset', (email) => ({ email }));
await compare('POST /api/auth/login, wrong password', '/api/auth/login', (email) => ({ email, password: 'not the password' }));

await app.close();
await database.close();
