import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundWallet, makeAgency, startTestEnv, totalOfAllWallets, type AgencyFixture, type TestEnv } from '../../testing/harness.js';

/**
 * Bulk allocation (POST /api/transfers/bulk) against a tiny model: for random batches (targets in
 * reach, out of reach or repeated, amounts that sometimes exceed what the source holds, the
 * source's own budget sometimes drawn by a manager), either every line posts and each wallet moves
 * by exactly its line, or nothing moves at all; the sum of every wallet stays zero, and the answer
 * is the one the model predicts (201, 404, 400 or 409).
 */

let env: TestEnv;
let fx: AgencyFixture;
let foreignId: string;
const TARGETS = ['M', 'K1', 'K2', 'K3', 'K4'];

beforeAll(async () => {
  env = await startTestEnv();
  fx = await makeAgency(env, 'intermediate', [
    ['M', 'manager', 'agency'],
    ['K1', 'client', 'M'],
    ['K2', 'client', 'M'],
    ['K3', 'client', 'agency'],
    ['K4', 'client', 'agency'],
  ]);
  await fundWallet(env, fx.agency, fx.agencyId, 5_000_00);
  foreignId = (await makeAgency(env, 'simple', [['X', 'client', 'agency']])).ids.X;
});
afterAll(async () => env?.close());

async function balances(): Promise<Map<string, number>> {
  const ids = [fx.agencyId, ...TARGETS.map((t) => fx.ids[t])];
  const rows = await sql<{ account_id: string; a: number }>`
    select account_id, (posted_cents - pending_cents)::int8 as a from wallets where account_id = any(${ids}::uuid[])`.execute(env.database.db);
  return new Map(rows.rows.map((r) => [r.account_id, Number(r.a)]));
}

const line = fc.record({
  target: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TARGETS) }, { weight: 1, arbitrary: fc.constant('foreign') }),
  amountCents: fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 300_000 })),
});

describe('bulk allocation', () => {
  it('posts every line or none, conserving money, as the model says', async () => {
    let key = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 6 }), fc.boolean(), async (lines, withKey) => {
        const before = await balances();
        const toId = (t: string) => (t === 'foreign' ? foreignId : fx.ids[t]);
        const allocations = lines.map((l) => ({ toAccountId: toId(l.target), amountCents: l.amountCents }));
        const idem = withKey ? { 'idempotency-key': `prop-${process.pid}-${++key}` } : undefined;
        const res = await fx.agency.post('/api/transfers/bulk', { fromAccountId: fx.agencyId, allocations }, idem);
        const ids = allocations.map((a) => a.toAccountId);
        const total = allocations.reduce((s, a) => s + a.amountCents, 0);
        const expected =
          ids.includes(foreignId) ? 404 : new Set(ids).size !== ids.length ? 400 : total > before.get(fx.agencyId)! ? 409 : 201;
        expect(res.status, JSON.stringify(res.body)).toBe(expected);
        const after = await balances();
        for (const [id, cents] of before) {
          const moved = expected === 201 ? (id === fx.agencyId ? -total : allocations.filter((a) => a.toAccountId === id).reduce((s, a) => s + a.amountCents, 0)) : 0;
          expect(after.get(id)).toBe(cents + moved);
        }
        expect(await totalOfAllWallets(env)).toBe(0);
        // The same key again moves nothing more.
        if (idem && expected === 201) {
          const again = await fx.agency.post('/api/transfers/bulk', { fromAccountId: fx.agencyId, allocations }, idem);
          expect(again.body).toEqual(res.body);
          expect(await balances()).toEqual(after);
        }
        // Money goes back up now and then, so that later batches have something to spread.
        if (after.get(fx.agencyId)! < 500_00) {
          for (const t of TARGETS) {
            const cents = after.get(fx.ids[t])!;
            if (cents > 0) await fx.agency.post('/api/transfers', { fromAccountId: fx.ids[t], toAccountId: fx.agencyId, amountCents: cents });
          }
        }
      }),
      { numRuns: Number(process.env.BULK_PROPERTY_RUNS ?? 40), seed: Number(process.env.BULK_PROPERTY_SEED ?? 12) },
    );
  });
});
