import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../http/actor.js';
import { composeImmediateEmails } from '../notifications/service.js';
import { acceptInvitation, Client, fundWallet, makeAgency, supportClient, startTestEnv, uniqueEmail, type TestEnv } from '../../testing/harness.js';

/**
 * POST /api/transfers is one database statement (allocate_credits, migration 0027). Random
 * allocations, by every kind of person (the agency, a manager, a consultant, the agency acting as
 * that consultant, support, another agency), between any two accounts of two agencies (a closed
 * one among them), with amounts that fit or not, idempotency keys replayed or reused for another body, must answer what
 * the rules say and change exactly that: on a refusal nothing at all (balances, transfers, audit
 * lines, notifications); on success the amount moved once, one audit line, one notification per
 * open account from the receiver up, and once the sweeps have run, one e-mail to each of them the
 * event concerns at once (the receiver, a client's person in charge) who has a login.
 */

let env: TestEnv;
let ctx: Ctx;
const ids: Record<string, string> = {};
/** name → parent name, for the model of reach and of who is told */
const parentOf: Record<string, string | null> = {};
const roleOf: Record<string, string> = {};
const emailOf: Record<string, string> = {};
const closed = new Set<string>();
const actors: Record<string, { client: Client; account: string | null }> = {};

beforeAll(async () => {
  env = await startTestEnv();
  ctx = { db: env.database.db, config: env.config };
  const manon = uniqueEmail('manon');
  const claire = uniqueEmail('claire');
  const a = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency', manon],
    ['Claire', 'consultant', 'Manon', claire],
    ['Hugo', 'consultant', 'agency'],
    ['K1', 'client', 'Claire'],
    ['K2', 'client', 'Claire'],
    ['K3', 'client', 'Hugo'],
  ]);
  const b = await makeAgency(env, 'simple', [['KB', 'client', 'agency']]);
  Object.assign(ids, a.ids, { agencyB: b.agencyId, KB: b.ids.KB });
  Object.assign(parentOf, { agency: null, Manon: 'agency', Claire: 'Manon', Hugo: 'agency', K1: 'Claire', K2: 'Claire', K3: 'Hugo', agencyB: null, KB: 'agencyB' });
  Object.assign(roleOf, { agency: 'agency', Manon: 'manager', Claire: 'consultant', Hugo: 'consultant', K1: 'client', K2: 'client', K3: 'client', agencyB: 'agency', KB: 'client' });
  Object.assign(emailOf, { agency: a.email, Manon: manon, Claire: claire, agencyB: b.email });
  await fundWallet(env, a.agency, a.agencyId, 5_000_00);
  await fundWallet(env, b.agency, b.agencyId, 1_000_00);
  // Budgets down the trees, so that most wallets can pay some of what is asked of them.
  for (const [to, amountCents] of [['Manon', 1_000_00], ['Claire', 800_00], ['Hugo', 500_00], ['K1', 300_00], ['K2', 100_00], ['K3', 300_00]] as const) {
    expect((await a.agency.post('/api/transfers', { fromAccountId: a.agencyId, toAccountId: a.ids[to], amountCents })).status).toBe(201);
  }
  expect((await b.agency.post('/api/transfers', { fromAccountId: b.agencyId, toAccountId: b.ids.KB, amountCents: 200_00 })).status).toBe(201);
  const deactivated = await a.agency.post(`/api/accounts/${ids.K2}/deactivate`, {});
  expect(deactivated.status).toBe(200);
  closed.add('K2');
  const owner = new Client(env.app);
  await owner.login(a.email);
  expect((await owner.post('/api/act-as', { accountId: ids.Claire })).status).toBe(200);
  Object.assign(actors, {
    agency: { client: a.agency, account: 'agency' },
    manon: { client: await acceptInvitation(env, manon), account: 'Manon' },
    claire: { client: await acceptInvitation(env, claire), account: 'Claire' },
    agencyAsClaire: { client: owner, account: 'Claire' },
    support: { client: await supportClient(env), account: null },
    agencyB: { client: b.agency, account: 'agencyB' },
  });
});
afterAll(async () => env?.close());

const names = () => Object.keys(parentOf);
const ancestorsOf = (name: string): string[] => (parentOf[name] ? [parentOf[name]!, ...ancestorsOf(parentOf[name]!)] : []);
const reaches = (actor: string, name: string) => actor === name || ancestorsOf(name).includes(actor);
/** Who is e-mailed at once of an allocation to `name`: the receiver and a client's person in charge, if they can sign in. */
const toldAtOnce = (name: string) => [name, ...(roleOf[name] === 'client' ? [parentOf[name]!] : [])].filter((n) => emailOf[n] && !closed.has(n));

async function state() {
  const db = env.database.db;
  const wallets = await db.selectFrom('wallets').select(['account_id', 'posted_cents', 'pending_cents']).where('account_id', 'in', Object.values(ids)).execute();
  const count = async (q: Promise<{ n: number }[]>) => Number((await q)[0].n);
  return {
    available: Object.fromEntries(names().map((n) => {
      const w = wallets.find((r) => r.account_id === ids[n])!;
      return [n, Number(w.posted_cents) - Number(w.pending_cents)];
    })) as Record<string, number>,
    transfers: await count(sql<{ n: number }>`select count(*)::int as n from ledger_transfers where kind = 'allocation'`.execute(db).then((r) => r.rows)),
    audits: await count(sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'credits.allocate'`.execute(db).then((r) => r.rows)),
    notifications: await count(sql<{ n: number }>`select count(*)::int as n from notifications where kind = 'credits_allocated'`.execute(db).then((r) => r.rows)),
  };
}

async function mailsByName(): Promise<Record<string, number>> {
  const rows = await sql<{ to_address: string; n: number }>`
    select to_address, count(*)::int as n from outbox_emails where subject like '% de crédits pour %' group by to_address`.execute(env.database.db);
  return Object.fromEntries(Object.entries(emailOf).map(([n, e]) => [n, Number(rows.rows.find((r) => r.to_address === e)?.n ?? 0)]));
}

const op = fc.record({
  actor: fc.constantFrom('agency', 'manon', 'claire', 'agencyAsClaire', 'support', 'agencyB'),
  from: fc.constantFrom(...['agency', 'Manon', 'Claire', 'Hugo', 'K1', 'K2', 'K3', 'agencyB', 'KB']),
  // Clients more often: a client's person in charge is e-mailed too.
  to: fc.oneof(
    { arbitrary: fc.constantFrom('K1', 'K3', 'KB'), weight: 1 },
    { arbitrary: fc.constantFrom('agency', 'Manon', 'Claire', 'Hugo', 'K1', 'K2', 'K3', 'agencyB', 'KB'), weight: 2 },
  ),
  amountCents: fc.oneof(fc.integer({ min: 1, max: 300_00 }), fc.integer({ min: 5_000_00, max: 2_000_000_00 })),
  key: fc.constantFrom('none', 'fresh', 'replay', 'conflict'),
});

describe('allocations as one statement', () => {
  it('answer and change what the rules say, and e-mail the right people once', async () => {
    let keys = 0;
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 15, maxLength: 30 }), async (ops) => {
        await composeImmediateEmails(ctx);
        const mailsBefore = await mailsByName();
        const expectedMails: Record<string, number> = { ...mailsBefore };
        let last: { actor: string; body: object; key: string; id: string } | null = null;
        for (const o of ops) {
          const before = await state();
          const { client, account } = actors[o.actor];
          if (o.key === 'replay' && last) {
            const replay = await actors[last.actor].client.post('/api/transfers', last.body, { 'idempotency-key': last.key });
            expect(replay.status, 'a replayed key').toBe(201);
            expect(replay.body.id).toBe(last.id);
            expect(await state(), 'a replay moves nothing').toEqual(before);
            continue;
          }
          if (o.key === 'conflict' && last) {
            const other = { ...last.body, amountCents: (last.body as { amountCents: number }).amountCents + 1 };
            const refused = await actors[last.actor].client.post('/api/transfers', other, { 'idempotency-key': last.key });
            expect(refused.status, 'a key used for another body').toBe(409);
            expect(refused.body.error).toMatchObject({ code: 'idempotency_conflict', field: 'idempotency-key' });
            expect(await state(), 'a refused key moves nothing').toEqual(before);
            continue;
          }
          const body = { fromAccountId: ids[o.from], toAccountId: ids[o.to], amountCents: o.amountCents };
          const key = o.key === 'none' ? null : `alloc-prop-${++keys}-${Date.now()}`;
          const res = await client.post('/api/transfers', body, key ? { 'idempotency-key': key } : {});
          const expected =
            account === null ? 403
            : o.from === o.to ? 422
            : !reaches(account, o.from) || !reaches(account, o.to) ? 404
            : closed.has(o.from) || closed.has(o.to) ? 422
            : before.available[o.from] < o.amountCents ? 409
            : 201;
          const label = `${o.actor}: ${o.from} → ${o.to}, ${o.amountCents}`;
          expect(res.status, label).toBe(expected);
          seen.add(expected);
          const after = await state();
          if (expected !== 201) {
            expect(after, `${label}: a refusal changes nothing`).toEqual(before);
            if (expected === 422 && o.from !== o.to) expect(res.body.error.field).toBe(closed.has(o.from) ? 'fromAccountId' : 'toAccountId');
            if (expected === 409) expect(res.body.error.code).toBe('insufficient_funds');
            continue;
          }
          expect(res.body).toMatchObject({ kind: 'allocation', fromAccountId: ids[o.from], toAccountId: ids[o.to], amountCents: o.amountCents });
          const moved = { ...before.available, [o.from]: before.available[o.from] - o.amountCents, [o.to]: before.available[o.to] + o.amountCents };
          const told = [o.to, ...ancestorsOf(o.to)].filter((n) => !closed.has(n)).length;
          expect(after, label).toEqual({ available: moved, transfers: before.transfers + 1, audits: before.audits + 1, notifications: before.notifications + told });
          for (const n of toldAtOnce(o.to)) expectedMails[n]++;
          if (key) last = { actor: o.actor, body, key, id: res.body.id };
        }
        // Two sweeps at once, then a third: each e-mail is written once.
        await Promise.all([composeImmediateEmails(ctx), composeImmediateEmails(ctx)]);
        await composeImmediateEmails(ctx);
        expect(await mailsByName()).toEqual(expectedMails);
      }),
      { numRuns: Number(process.env.ALLOCATION_PROPERTY_RUNS ?? 8) },
    );
    expect([...seen].sort(), 'every answer was tried').toEqual([201, 403, 404, 409, 422]);
  });
});
