import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestEnv, type TestEnv } from '../testing/harness.js';
import { runHousekeeping } from './housekeeping.js';
import { purgeFinishedJobs } from './queue.js';

let env: TestEnv;
beforeAll(async () => {
  // its own schema on PostgreSQL: the sweep acts on whole tables, other files' rows stay out of it
  env = await startTestEnv({}, { ownSchema: true });
});
afterAll(async () => env?.close());

const ctx = () => ({ db: env.database.db, config: env.config });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(Date.now() - ms);

async function sessionsOf(personId: string) {
  return env.database.db.selectFrom('sessions').select('id').where('person_id', '=', personId).execute();
}

describe('housekeeping', () => {
  it('clears expired and idle sessions, and keeps the live one working', async () => {
    const live = await signUp(env);
    const expired = await signUp(env);
    const idle = await signUp(env);
    const justExpired = await signUp(env);
    await env.database.db.updateTable('sessions').set({ expires_at: ago(2 * HOUR) }).where('person_id', '=', expired.account.id).execute();
    await env.database.db
      .updateTable('sessions')
      .set({ last_seen_at: ago(env.config.sessionIdleMs + 2 * HOUR) })
      .where('person_id', '=', idle.account.id)
      .execute();
    // expired a minute ago: kept a while, so that its owner is told the session expired
    await env.database.db.updateTable('sessions').set({ expires_at: ago(60_000) }).where('person_id', '=', justExpired.account.id).execute();

    const report = await runHousekeeping(ctx(), { force: true });
    expect(report!.sessions).toBeGreaterThanOrEqual(2);
    expect(await sessionsOf(expired.account.id)).toHaveLength(0);
    expect(await sessionsOf(idle.account.id)).toHaveLength(0);
    expect(await sessionsOf(live.account.id)).toHaveLength(1);
    expect((await live.client.get('/api/me')).status).toBe(200);
    expect(await sessionsOf(justExpired.account.id)).toHaveLength(1);
    const told = await justExpired.client.get('/api/me');
    expect(told.status).toBe(401);
    expect(told.body.error.message).toContain('expiré');
  });

  it('clears sign-in failure counters whose window has ended, keeps the current ones', async () => {
    const [old, recent] = [`test:old:${randomUUID()}`, `test:recent:${randomUUID()}`];
    await env.database.db
      .insertInto('login_failures')
      .values([
        { key: old, window_started_at: ago(env.config.loginWindowMs + 60_000), failures: 3 },
        { key: recent, window_started_at: new Date(), failures: 3 },
      ])
      .execute();
    await runHousekeeping(ctx(), { force: true });
    const left = await env.database.db.selectFrom('login_failures').select('key').where('key', 'in', [old, recent]).execute();
    expect(left.map((r) => r.key)).toEqual([recent]);
  });

  it('keeps idempotency keys at least a day, clears the old ones', async () => {
    const { account } = await signUp(env);
    const rows = [
      { key: `old-${randomUUID()}`, created_at: ago(3 * DAY) },
      { key: `day-${randomUUID()}`, created_at: ago(25 * HOUR) },
      { key: `new-${randomUUID()}`, created_at: new Date() },
    ];
    await env.database.db
      .insertInto('idempotency_keys')
      .values(rows.map((r) => ({ person_id: account.id, key: r.key, request_hash: 'h', status_code: 200, response: '{}', created_at: r.created_at })))
      .execute();
    await runHousekeeping(ctx(), { force: true });
    const left = await env.database.db.selectFrom('idempotency_keys').select('key').where('person_id', '=', account.id).orderBy('created_at').execute();
    expect(left.map((r) => r.key)).toEqual([rows[1].key, rows[2].key]);
  });

  it('clears finished jobs after some days (given-up ones later), never a pending one', async () => {
    const kind = `test.housekeeping.${randomUUID()}`;
    const far = new Date(Date.now() + 365 * DAY); // never due: no worker of another test runs it
    const insert = async (label: string, doneAt: Date | null, lastError: string | null, createdAt = new Date()) => {
      const row = await env.database.db
        .insertInto('jobs')
        .values({ kind, payload: JSON.stringify({ label }), run_at: far, done_at: doneAt, last_error: lastError, created_at: createdAt })
        .returning('id')
        .executeTakeFirstOrThrow();
      return [label, row.id] as const;
    };
    const jobs = Object.fromEntries([
      await insert('doneOld', ago(8 * DAY), null),
      await insert('doneRecent', ago(DAY), null),
      await insert('givenUpWeek', ago(8 * DAY), 'boom'),
      await insert('givenUpOld', ago(31 * DAY), 'boom'),
      await insert('pendingOld', null, null, ago(60 * DAY)),
    ]);
    await runHousekeeping(ctx(), { force: true });
    const left = await env.database.db.selectFrom('jobs').select('id').where('kind', '=', kind).execute();
    const leftIds = new Set(left.map((r) => String(r.id)));
    expect(Object.keys(jobs).filter((label) => leftIds.has(String(jobs[label])))).toEqual(['doneRecent', 'givenUpWeek', 'pendingOld']);
  });

  it('deletes in bounded batches', async () => {
    const kind = `test.batches.${randomUUID()}`;
    await env.database.db
      .insertInto('jobs')
      .values(Array.from({ length: 5 }, () => ({ kind, payload: '{}', run_at: new Date(), done_at: ago(10 * DAY) })))
      .execute();
    const count = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from jobs where kind = ${kind}`.execute(env.database.db)).rows[0].n;
    expect(await purgeFinishedJobs(ctx(), { batch: 2, maxBatches: 1 })).toBe(2);
    expect(await count()).toBe(3);
    await purgeFinishedJobs(ctx(), { batch: 2, maxBatches: 10 });
    expect(await count()).toBe(0);
  });

  it('runs at most every few minutes unless forced', async () => {
    const now = new Date();
    await runHousekeeping(ctx(), { now, force: true });
    expect(await runHousekeeping(ctx(), { now: new Date(now.getTime() + 1_000) })).toBeNull();
    expect(await runHousekeeping(ctx(), { now: new Date(now.getTime() + 11 * 60_000) })).not.toBeNull();
  });
});
