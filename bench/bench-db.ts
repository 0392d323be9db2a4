import pg from 'pg';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type Database } from '../src/server/db/database.js';

/**
 * A throw-away PostgreSQL database for one benchmark, next to the one in DATABASE_URL (default:
 * the local server): created when missing, emptied and migrated. It never touches the test schema.
 */
export async function openBenchDatabase(name: string, poolSize: number): Promise<{ database: Database; url: string }> {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  // Named after DATABASE_URL's database too, so benchmarks run against different databases never share one.
  const own = base.pathname.slice(1);
  if (own && own !== 'test') name = `${name}_${own}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize });
  await sql`drop schema if exists public cascade`.execute(database.db);
  await sql`create schema public`.execute(database.db);
  await migrateToLatest(database.db);
  return { database, url: url.toString() };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
