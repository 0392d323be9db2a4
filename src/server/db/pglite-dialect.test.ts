import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database } from './database.js';

/**
 * PGlite is one PostgreSQL session: without a dialect that lends it to one transaction at a time,
 * overlapping transactions would share one transaction (STACK-NOTES.md: money was destroyed).
 * These tests overlap transactions on purpose and check what PostgreSQL guarantees: no dirty
 * read, a rollback takes back exactly its own writes, no lost update. They run unchanged on
 * PostgreSQL, where the isolation is the server's; on PGlite it is the dialect's.
 */

let database: Database;
let db: Kysely<any>;
const table = `dialect_probe_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

beforeAll(async () => {
  const template = inject('pgliteTemplate');
  database = process.env.DATABASE_URL
    ? await openDatabase({ databaseUrl: process.env.DATABASE_URL, poolSize: 8 })
    : await openDatabase({ dataDir: 'memory://', loadDataDir: new Blob([readFileSync(template!)]) });
  db = database.db as unknown as Kysely<any>;
  await sql`create table ${sql.table(table)} (id text primary key, n integer not null default 0)`.execute(db);
});

beforeEach(async () => {
  await db.deleteFrom(table).execute();
});

afterAll(async () => {
  if (!database) return;
  await sql`drop table if exists ${sql.table(table)}`.execute(db);
  await database.close();
});

/** A promise with its resolver, to make one transaction wait for a step of another. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

class Rollback extends Error {}

/**
 * Keeps a transaction open until the other one has finished (PostgreSQL runs them side by side).
 * On PGlite the other one cannot run before this one ends (that is the isolation under test), so
 * this gives it a hundred turns of the event loop to slip in, which a dialect sharing its session
 * between transactions would let it do; then it carries on. Nothing is asserted on time.
 */
async function holdOpenUntil(done: { settled: boolean }, engine: string) {
  for (let turn = 0; !done.settled && (engine === 'postgres' || turn < 100); turn++) {
    await new Promise((r) => setImmediate(r));
  }
}

const ids = async () => (await db.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id as string);

describe(`two overlapping transactions (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('a reader started while a writer is open does not see its uncommitted row, and the rollback leaves nothing', async () => {
    const inserted = signal();
    const readerDone = { settled: false };
    const writer = db
      .transaction()
      .execute(async (tx) => {
        await tx.insertInto(table).values({ id: 'uncommitted' }).execute();
        expect((await tx.selectFrom(table).select('id').execute()).map((r) => r.id)).toEqual(['uncommitted']);
        inserted.resolve();
        await holdOpenUntil(readerDone, database.engine);
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    await inserted.promise;
    const seen = await db
      .transaction()
      .execute(async (tx) => tx.selectFrom(table).select('id').execute())
      .finally(() => (readerDone.settled = true));
    await writer;
    expect(seen).toEqual([]);
    expect(await ids()).toEqual([]);
  });

  it('a transaction committed while another is open keeps its row when the other rolls back', async () => {
    const inserted = signal();
    const otherDone = { settled: false };
    const rolledBack = db
      .transaction()
      .execute(async (tx) => {
        await tx.insertInto(table).values({ id: 'rolled-back' }).execute();
        inserted.resolve();
        await holdOpenUntil(otherDone, database.engine);
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    await inserted.promise;
    const seenByCommitted = await db
      .transaction()
      .execute(async (tx) => {
        await tx.insertInto(table).values({ id: 'committed' }).execute();
        return (await tx.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);
      })
      .finally(() => (otherDone.settled = true));
    await rolledBack;
    expect(seenByCommitted).toEqual(['committed']);
    expect(await ids()).toEqual(['committed']);
  });

  it('concurrent read-modify-write increments under FOR UPDATE all land (no lost update)', async () => {
    await db.insertInto(table).values({ id: 'counter', n: 0 }).execute();
    const writers = 20;
    const increment = () =>
      db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom(table).select('n').where('id', '=', 'counter').forUpdate().executeTakeFirstOrThrow();
        // Give every other transaction the chance to interleave between the read and the write.
        await new Promise((r) => setImmediate(r));
        await tx
          .updateTable(table)
          .set({ n: Number(row.n) + 1 })
          .where('id', '=', 'counter')
          .execute();
      });
    await Promise.all(Array.from({ length: writers }, increment));
    const row = await db.selectFrom(table).select('n').where('id', '=', 'counter').executeTakeFirstOrThrow();
    expect(Number(row.n)).toBe(writers);
  });

  it('a transaction that fails on a constraint rolls back all its writes and does not block the next ones', async () => {
    await db.insertInto(table).values({ id: 'existing' }).execute();
    const failing = db.transaction().execute(async (tx) => {
      await tx.insertInto(table).values({ id: 'first-write' }).execute();
      await tx.insertInto(table).values({ id: 'existing' }).execute(); // duplicate key
    });
    const concurrent = db.transaction().execute(async (tx) => {
      await tx.insertInto(table).values({ id: 'concurrent' }).execute();
    });
    await expect(failing).rejects.toThrow(/duplicate key|unique/i);
    await concurrent;
    await db.transaction().execute(async (tx) => {
      await tx.insertInto(table).values({ id: 'after' }).execute();
    });
    expect(await ids()).toEqual(['after', 'concurrent', 'existing']);
  });

  it('lone queries issued while a transaction is open run outside it', async () => {
    const inserted = signal();
    const outsideDone = { settled: false };
    const tx1 = db
      .transaction()
      .execute(async (tx) => {
        await tx.insertInto(table).values({ id: 'inside' }).execute();
        inserted.resolve();
        await holdOpenUntil(outsideDone, database.engine);
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    await inserted.promise;
    // A write outside any transaction (autocommit), issued while tx1 is open, must survive its rollback.
    await db
      .insertInto(table)
      .values({ id: 'outside' })
      .execute()
      .finally(() => (outsideDone.settled = true));
    await tx1;
    expect(await ids()).toEqual(['outside']);
  });
});
