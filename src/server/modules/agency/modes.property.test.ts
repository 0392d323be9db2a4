import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { runBackgroundWork } from '../../jobs/handlers.js';
import { fundWallet, makeAgency, makeOffer, startTestEnv, type Client, type TestEnv } from '../../testing/harness.js';

/**
 * Modes switch freely both ways; people and credits are never lost (issue 8). Each run builds an
 * agency in complete mode with collaborators, clients, credits spread down and orders placed,
 * then applies a random sequence of: mode switches (with and without restore), deactivations,
 * reactivations, explicit moves of a client, and settlements of the orders placed before
 * (cancelled by the buyer, refused by the publisher, expired). After every step:
 *   - no open account hangs under a closed one; every parent outranks its child; the closure table
 *     is the one recomputed from parent_id;
 *   - no closed wallet holds a spendable cent, and the agency's credits (posted on its wallets) are
 *     exactly what was bought: nothing created, nothing lost;
 *   - the closed accounts the agency lists (`?status=inactive`) are exactly the closed ones, each
 *     saying why as the step that closed it did (deactivated, or suspended by a mode switch);
 *   - a run of switches only that comes back with restore to the mode it started from gives back the
 *     hierarchy exactly as it was. Switches without restore in between do not end the run: they
 *     leave the collaborators suspended, and a later switch restores them (issue 8). Only a run that
 *     restores someone suspended before it began cannot be compared with its start (that someone
 *     comes back to where it stood before its own switch, which the run never saw).
 * MODES_RUNS (default 6) and MODES_SEED make longer or reproducible runs; the counterexamples found
 * so far always run first.
 */

const RUNS = Number(process.env.MODES_RUNS ?? 6);
// A fixed seed by default, as the route fuzz test: CI runs the same sequences every time (the accounts
// are picked by name, not by their random ids). MODES_SEED=random draws new ones.
const SEED = process.env.MODES_SEED === 'random' ? undefined : Number(process.env.MODES_SEED ?? 20261203);
type Mode = 'simple' | 'intermediate' | 'complete';
const RANK: Record<string, number> = { agency: 3, manager: 2, consultant: 1, client: 0 };

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv({ MAILLON_CRAWLER_ALLOW_PRIVATE: '1' });
});
afterAll(async () => env?.close());

const ctx = () => ({ db: env.database.db, config: env.config });

type Op =
  | { kind: 'switch'; mode: Mode; restore: boolean }
  | { kind: 'deactivate'; pick: number }
  | { kind: 'reactivate'; pick: number }
  | { kind: 'move'; pick: number; to: number }
  | { kind: 'settle'; pick: number; how: 'cancel' | 'refuse' | 'expire' };

/**
 * MODES_SEED=-545261693: intermediate, complete without restore, intermediate, complete with restore.
 * The restore brings back the consultants of the first switch (its suspensions were still open and
 * up to date), so the run to compare with began before that first switch, not after the restore-less one.
 */
const counterexamples: Op[][] = [
  // Found by CI (seed 784104358): K3 closed, complete → intermediate (K5 goes up from its consultant
  // C3 to the agency), K5 moved by hand under M2, → simple, → intermediate with restore: K5 stayed at
  // the agency, kept for C3 by the record the move had left behind, instead of going back under M2.
  [
    { kind: 'deactivate', pick: 5 },
    { kind: 'switch', mode: 'intermediate', restore: true },
    { kind: 'move', pick: 3, to: 2 },
    { kind: 'switch', mode: 'simple', restore: false },
    { kind: 'switch', mode: 'intermediate', restore: true },
  ],
  [
    { kind: 'settle', pick: 3, how: 'refuse' },
    { kind: 'switch', mode: 'intermediate', restore: true },
    { kind: 'switch', mode: 'intermediate', restore: true },
    { kind: 'switch', mode: 'complete', restore: false },
    { kind: 'switch', mode: 'intermediate', restore: false },
    { kind: 'switch', mode: 'intermediate', restore: false },
    { kind: 'switch', mode: 'complete', restore: true },
  ],
];

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('switch' as const), mode: fc.constantFrom<Mode>('simple', 'intermediate', 'complete'), restore: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deactivate' as const), pick: fc.nat(50) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reactivate' as const), pick: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), pick: fc.nat(50), to: fc.nat(50) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(50), how: fc.constantFrom('cancel' as const, 'refuse' as const, 'expire' as const) }) },
);

type Row = { id: string; name: string; role: string; parent_id: string | null; active: boolean; closed_reason: string | null };

async function accountsOf(agencyId: string): Promise<Row[]> {
  return env.database.db
    .selectFrom('accounts')
    .select(['id', 'name', 'role', 'parent_id', 'active', 'closed_reason'])
    .where('agency_id', '=', agencyId)
    .orderBy('id')
    .execute();
}

const shape = (rows: Row[]) => rows.map((r) => `${r.name}:${r.parent_id}:${r.active}`).join('|');

async function checkInvariants(agency: Client, agencyId: string, funded: number, reasons: Map<string, string>, label: string) {
  const rows = await accountsOf(agencyId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const r of rows) {
    if (!r.parent_id) continue;
    const parent = byId.get(r.parent_id)!;
    expect(RANK[parent.role] > RANK[r.role], `${label}: ${parent.name} (${parent.role}) must outrank ${r.name} (${r.role})`).toBe(true);
    if (r.active) expect(parent.active, `${label}: open ${r.name} under closed ${parent.name}`).toBe(true);
  }
  // The closure table, recomputed from parent_id.
  const stored = await sql<{ a: string; d: string; depth: number }>`
    select ancestor_id as a, descendant_id as d, depth from account_tree where agency_id = ${agencyId}`.execute(env.database.db);
  const want = new Set<string>();
  for (const r of rows) {
    let depth = 0;
    for (let at: Row | undefined = r; at; at = at.parent_id ? byId.get(at.parent_id) : undefined) want.add(`${at.id}>${r.id}@${depth++}`);
  }
  expect(new Set(stored.rows.map((t) => `${t.a}>${t.d}@${t.depth}`)), `${label}: closure table`).toEqual(want);
  // Money: nothing spendable on a closed wallet; the agency's credits are what it bought.
  const wallets = await sql<{ account_id: string; posted: number; pending: number }>`
    select account_id, posted_cents::int8 as posted, pending_cents::int8 as pending from wallets where agency_id = ${agencyId}`.execute(env.database.db);
  let total = 0;
  for (const w of wallets.rows) {
    total += Number(w.posted);
    if (!byId.get(w.account_id)!.active) expect(Number(w.posted) - Number(w.pending), `${label}: spendable cents on closed ${byId.get(w.account_id)!.name}`).toBe(0);
  }
  expect(total, `${label}: the agency's credits`).toBe(funded);
  // What the agency lists as closed, and why.
  const listed = (await agency.get('/api/accounts?status=inactive&limit=500')).body.items as { id: string; closed: { reason: string } }[];
  expect(new Map(listed.map((a) => [a.id, a.closed.reason])), `${label}: closed accounts listed`).toEqual(
    new Map(rows.filter((r) => !r.active).map((r) => [r.id, reasons.get(r.id) ?? r.closed_reason ?? 'deactivated'])),
  );
}

describe('modes switch freely, both ways (property)', () => {
  it('keeps the hierarchy valid, restores it, and loses no credit', async () => {
    const offer = await makeOffer(env, { keywords: [{ keyword: 'assurance emprunteur', position: 12, volume: 300 }] });
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 10 }), async (ops) => {
        const fx = await makeAgency(env, 'complete', [
          ['M1', 'manager', 'agency'],
          ['M2', 'manager', 'agency'],
          ['C1', 'consultant', 'M1'],
          ['C2', 'consultant', 'M1'],
          ['C3', 'consultant', 'agency'],
          ['K1', 'client', 'C1'],
          ['K2', 'client', 'C1'],
          ['K3', 'client', 'C2'],
          ['K4', 'client', 'M2'],
          ['K5', 'client', 'C3'],
          ['K6', 'client', 'agency'],
        ]);
        const funded = 10_000_00;
        await fundWallet(env, fx.agency, fx.agencyId, funded);
        for (const [name, cents] of [['M1', 900_00], ['C1', 800_00], ['K1', 1_500_00], ['K3', 1_500_00], ['K5', 1_200_00]] as const) {
          expect((await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids[name], amountCents: cents })).status).toBe(201);
        }
        const orders: string[] = [];
        for (const client of ['K1', 'K3', 'K5']) {
          const project = await fx.agency.post('/api/projects', { clientId: fx.ids[client], name: 'Site', url: `https://${client.toLowerCase()}-modes.fr/` });
          const order = await fx.agency.post('/api/orders', { projectId: project.body.id, offerId: offer.offerId, targetUrl: `https://${client.toLowerCase()}-modes.fr/a`, anchor: 'ancre' });
          expect(order.status).toBe(201);
          orders.push(order.body.id);
        }
        const reasons = new Map<string, string>();
        let mode: Mode = 'complete';
        /**
         * The current run of switches only: the mode and hierarchy it began with, who was suspended by
         * a switch already then, and whether a switch of the run restored one of those.
         */
        let run: { mode: Mode; shape: string; suspendedBefore: Set<string>; restoredOlder: boolean } | null = null;
        let step = 0;
        for (const op of ops) {
          step++;
          const label = `step ${step} ${JSON.stringify(op)}`;
          const before = await accountsOf(fx.agencyId);
          const members = before.filter((r) => r.role !== 'agency').sort((a, b) => a.name.localeCompare(b.name));
          const pick = <T>(xs: T[], n: number) => (xs.length ? xs[n % xs.length] : undefined);
          if (op.kind === 'switch') {
            if (op.mode === mode) continue;
            if (!run) {
              const suspendedBefore = new Set(before.filter((r) => !r.active && r.closed_reason === 'suspended_by_mode').map((r) => r.id));
              run = { mode, shape: shape(before), suspendedBefore, restoredOlder: false };
            }
            const res = await fx.agency.put('/api/agency/mode', { mode: op.mode, restore: op.restore });
            expect(res.status, label).toBe(200);
            for (const d of res.body.plan.deactivated) reasons.set(d.accountId, 'suspended_by_mode');
            for (const r of res.body.plan.restored) reasons.delete(r.accountId);
            if (res.body.plan.restored.some((r: { accountId: string }) => run!.suspendedBefore.has(r.accountId))) run.restoredOlder = true;
            mode = op.mode;
            // Back without restore: the run goes on, what it suspended is still to be restored.
            if (mode === run.mode && op.restore) {
              if (!run.restoredOlder) {
                expect(shape(await accountsOf(fx.agencyId)), `${label}: back to ${mode}, the hierarchy as it was`).toBe(run.shape);
              }
              run = null;
            }
          } else {
            run = null;
            if (op.kind === 'deactivate') {
              const target = pick(members.filter((m) => m.active), op.pick);
              if (!target) continue;
              const res = await fx.agency.post(`/api/accounts/${target.id}/deactivate`, {});
              expect(res.status, label).toBe(200);
              reasons.set(target.id, 'deactivated');
            } else if (op.kind === 'reactivate') {
              const target = pick(members.filter((m) => !m.active), op.pick);
              if (!target) continue;
              const res = await fx.agency.post(`/api/accounts/${target.id}/reactivate`, {});
              const modeUses = { simple: ['client'], intermediate: ['manager', 'client'], complete: ['manager', 'consultant', 'client'] }[mode];
              if (modeUses.includes(target.role)) {
                expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(200);
                reasons.delete(target.id);
              } else {
                expect(res.status, label).toBe(422);
                expect(res.body.error.field).toBe('role');
              }
            } else if (op.kind === 'move') {
              const client = pick(members.filter((m) => m.active && m.role === 'client'), op.pick);
              const parents = before.filter((r) => r.active && r.role !== 'client').sort((a, b) => a.name.localeCompare(b.name));
              const to = pick(parents, op.to);
              if (!client || !to || to.id === client.parent_id) continue;
              const res = await fx.agency.patch(`/api/accounts/${client.id}`, { parentId: to.id });
              expect(res.status, label).toBe(200);
            } else if (op.kind === 'settle') {
              const orderId = pick(orders, op.pick);
              if (!orderId) continue;
              orders.splice(orders.indexOf(orderId), 1);
              if (op.how === 'cancel') expect((await fx.agency.post(`/api/orders/${orderId}/cancel`)).status, label).toBe(200);
              else if (op.how === 'refuse') {
                expect((await offer.publisher.post(`/api/publisher/orders/${orderId}/refuse`, { reason: 'Hors ligne éditoriale' })).status, label).toBe(200);
              } else {
                await env.database.db.updateTable('orders').set({ accept_by: new Date(Date.now() - 1000) }).where('id', '=', orderId).execute();
                await runBackgroundWork(ctx());
                expect((await fx.agency.get(`/api/orders/${orderId}`)).body.status, label).toBe('expired');
              }
            }
          }
          await checkInvariants(fx.agency, fx.agencyId, funded, reasons, label);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true, examples: counterexamples.map((ops) => [ops] as [Op[]]) },
    );
  });
});
