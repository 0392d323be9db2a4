import pg from 'pg';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type Database } from '../src/server/db/database.js';

/**
 * The URL of a benchmark's own database, next to the one in DATABASE_URL (default: the local
 * server), and named after DATABASE_URL's database too, so benchmarks run against different
 * databases never share one. BENCH_DATABASE names it outright instead.
 */
export function benchDatabaseUrl(name: string): string {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const own = base.pathname.slice(1);
  base.pathname = `/${process.env.BENCH_DATABASE ?? (own && own !== 'test' ? `${name}_${own}` : name)}`;
  return base.toString();
}

/**
 * A throw-away PostgreSQL database for one benchmark (benchDatabaseUrl): created when missing,
 * emptied and migrated. It never touches the test schema.
 */
export async function openBenchDatabase(name: string, poolSize: number): Promise<{ database: Database; url: string }> {
  const url = new URL(benchDatabaseUrl(name));
  name = url.pathname.slice(1);
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`create database "${name}"`);
  await admin.end();
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
