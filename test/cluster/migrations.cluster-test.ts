import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { expect, inject, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/server/db/database.js';

// What a rolling upgrade does: several processes start at once and each runs the migrations, through
// PgBouncer in transaction pooling mode, while others keep the pool busy. A server connection is a
// client's for one transaction only, so a lock taken outside a transaction may stay on a connection
// nobody holds, and the next start waits on it forever.

const cluster = inject('cluster');

it('runs the migrations from five processes at once through PgBouncer under load, and leaves no lock behind', async () => {
  const starts = await Promise.all(Array.from({ length: 5 }, () => openDatabase({ databaseUrl: cluster.pooledUrl, poolSize: 4 })));
  const load = await openDatabase({ databaseUrl: cluster.pooledUrl, poolSize: 20 });
  let loading = true;
  const busy = Promise.all(
    Array.from({ length: 20 }, async () => {
      while (loading) await sql`select pg_sleep(0.01)`.execute(load.db);
    }),
  );
  try {
    for (let round = 0; round < 3; round++) {
      const done = await Promise.race([
        Promise.all(starts.map((s) => migrateToLatest(s.db))).then(() => 'migrated'),
        new Promise((resolve) => setTimeout(() => resolve('still waiting after 30 s'), 30_000)),
      ]);
      expect(done).toBe('migrated');
    }
  } finally {
    loading = false;
    await busy;
    // a start still waiting on a lock would keep its pool from closing: not waited for
    await Promise.race([Promise.all([...starts, load].map((s) => s.close())), new Promise((r) => setTimeout(r, 5_000))]);
  }
  const direct = new pg.Client({ connectionString: cluster.directUrl });
  await direct.connect();
  try {
    const locks = await direct.query(`select count(*)::int as n from pg_locks where locktype = 'advisory'`);
    expect(locks.rows[0].n).toBe(0);
  } finally {
    await direct.end();
  }
});

it('migrates an empty database from three processes started at once through PgBouncer', async () => {
  const name = `maillon_cluster_fresh_${process.pid}`;
  const admin = new pg.Client({ connectionString: cluster.directUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  const pooled = new URL(cluster.pooledUrl);
  pooled.pathname = `/${name}`;
  const starts = await Promise.all(Array.from({ length: 3 }, () => openDatabase({ databaseUrl: pooled.toString(), poolSize: 2 })));
  try {
    const outcomes = await Promise.allSettled(starts.map((s) => migrateToLatest(s.db)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const applied = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(starts[0].db);
    const files = readdirSync(join(import.meta.dirname, '../../src/server/db/migrations')).filter((f) => f.endsWith('.ts'));
    expect(applied.rows[0].n).toBe(files.length);
  } finally {
    await Promise.all(starts.map((s) => s.close()));
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
});
