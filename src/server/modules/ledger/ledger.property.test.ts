import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Ctx } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import { findAccountByEmail, findAccountById } from '../accounts/queries.js';
import { toActorAccount } from '../accounts/service.js';
import { makeAgency, makeOffer, startTestEnv, type TestEnv } from '../../testing/harness.js';
import { acceptOrder, cancelOrder, completePayableOrders, placeOrder, recordVerification, refundOrder, refuseOrder, submitLiveUrl } from '../orders/service.js';
import { allocateCredits, availableOf, captureHold, holdCredits, releaseHold, totalDebts, transferCredits } from './service.js';
import { PLATFORM_ACTOR, SYSTEM_ACCOUNTS } from './system.js';
import { acceptMandate, cancelWithdrawal, createBatch, getMandate, markBatchPaid, refuseWithdrawal, requestWithdrawal, reviewDocument, saveProfile, uploadDocument } from '../payouts/service.js';
import { BUSINESS_PROFILE, samplePdf, todayDay } from '../../testing/payout-fixture.js';
import type { ProfileInput } from '../payouts/schema.js';

/**
 * Random concurrent money movements, orders included, must keep the books: the sum of every wallet (system ones
 * included) stays zero, no user wallet's `available` goes negative, every wallet's posted balance
 * equals the sum of its entries and its pending equals its open holds, and an idempotency key
 * moves money at most once. Claims are in the mix: refunds in full or in part of verified orders
 * (from the captured price) and of completed ones (from the commission and the publisher, with a
 * debt when its wallet is short, the publisher having withdrawn its earnings), and the debts are
 * repaid by the next earnings: what publishers owe always equals what the debts account fronted,
 * and the orders account holds exactly what verified orders captured and did not refund. Payouts
 * too (issue 11): the publisher asks for withdrawals (its debts repaid first), cancels them,
 * support batches, refuses and pays them; each request's hold matches its status, at most one is
 * open, each paid one has one self-billed invoice, numbered without a gap, and the bank received
 * exactly what was paid. On
 * PostgreSQL the workers really run in parallel (8 connections), in a schema of their own.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
const WORKERS = 8;
const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? (onPostgres ? 4 : 2));
const OPS = Number(process.env.LEDGER_PROPERTY_OPS ?? (onPostgres ? 800 : 480));

let env: TestEnv;
let ctx: Ctx;
let actor: Actor;
let wallets: string[];
let publisher: Actor;
let support: Actor;
let offerId: string;
let articleUrl: string;
/** a project per client wallet (index in `wallets`), for orders */
const projects = new Map<number, { id: string; domain: string }>();
const orders: string[] = [];

beforeAll(async () => {
  // A low withdrawal minimum, so that small earnings are withdrawn often.
  env = await startTestEnv({ MAILLON_WITHDRAWAL_MINIMUM_EUROS: '1' }, { ownSchema: true });
  ctx = { db: env.database.db, config: env.config };
  const fx = await makeAgency(env, 'complete', [
    ['M1', 'manager', 'agency'],
    ['M2', 'manager', 'agency'],
    ['C1', 'consultant', 'M1'],
    ['C2', 'consultant', 'M2'],
    ['K1', 'client', 'C1'],
    ['K2', 'client', 'C1'],
    ['K3', 'client', 'C2'],
    ['K4', 'client', 'M2'],
    ['K5', 'client', 'agency'],
  ]);
  const agency = toActorAccount((await findAccountById(env.database.db, fx.agencyId))!);
  actor = { person: agency, account: agency, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
  wallets = Object.values(fx.ids);
  const offer = await makeOffer(env);
  offerId = offer.offerId;
  articleUrl = offer.url;
  const publisherRow = toActorAccount((await findAccountById(env.database.db, offer.publisherId))!);
  publisher = { person: publisherRow, account: publisherRow, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
  const supportRow = toActorAccount((await findAccountByEmail(env.database.db, env.support.email))!);
  support = { person: supportRow, account: supportRow, actingAs: false, sessionId: null, ip: null, lang: 'fr' };
  // The publisher is a business that may be paid: profile, an accepted proof, the mandate.
  await saveProfile(publisher, BUSINESS_PROFILE as unknown as ProfileInput, ctx);
  const proof = await uploadDocument(publisher, { kind: 'urssaf_vigilance', issuedOn: todayDay(), fileName: 'urssaf.pdf', contentType: 'application/pdf', content: await samplePdf() }, ctx);
  await reviewDocument(support, proof.id, { decision: 'accept' }, ctx);
  await acceptMandate(publisher, { version: (await getMandate(publisher, ctx)).version }, ctx);
  for (const [i, name] of ['K1', 'K2', 'K3', 'K4', 'K5'].entries()) {
    const res = await fx.agency.post('/api/projects', { clientId: fx.ids[name], name: `Projet ${name}`, url: `projet-${i}-${fx.agencyId.slice(0, 8)}.fr` });
    projects.set(wallets.indexOf(fx.ids[name]), { id: res.body.id, domain: res.body.domain });
  }
}, 120_000);
afterAll(async () => env?.close());

type Op =
  | { t: 'topup'; to: number; amount: number }
  | { t: 'allocate'; from: number; to: number; amount: number; key: number | null }
  | { t: 'hold'; on: number; amount: number }
  | { t: 'capture'; hold: number; part: number }
  | { t: 'release'; hold: number }
  | { t: 'order'; client: number }
  | { t: 'orderStep'; order: number; step: 'cancel' | 'accept' | 'refuse' | 'verify' | 'complete' }
  | { t: 'refund'; order: number; part: number | null }
  | { t: 'withdraw'; share: number; thenCancel: boolean }
  | { t: 'cancelWithdrawal' }
  | { t: 'batch' }
  | { t: 'refuseWithdrawal' }
  | { t: 'payBatch'; batchFirst: boolean };

const idx = fc.nat({ max: 9 });
const amount = fc.integer({ min: 1, max: 5_000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('topup' as const), to: idx, amount: fc.integer({ min: 10_000, max: 200_000 }) }) },
  {
    weight: 6,
    arbitrary: fc.record({ t: fc.constant('allocate' as const), from: idx, to: idx, amount, key: fc.option(fc.nat({ max: 40 }), { nil: null }) }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('hold' as const), on: idx, amount }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('capture' as const), hold: fc.nat(), part: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('release' as const), hold: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('order' as const), client: fc.nat({ max: 4 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('orderStep' as const),
      order: fc.nat(),
      step: fc.constantFrom('cancel' as const, 'accept' as const, 'refuse' as const, 'verify' as const, 'complete' as const),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('refund' as const), order: fc.nat(), part: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }) }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('withdraw' as const), share: fc.double({ min: 0.3, max: 1, noNaN: true }), thenCancel: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ t: 'cancelWithdrawal' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'batch' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'refuseWithdrawal' as const }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('payBatch' as const), batchFirst: fc.boolean() }) },
);

/** The publisher's open withdrawal (requested or approved), and the batch of an approved one. */
async function openWithdrawal(status: 'requested' | 'approved' | 'open') {
  let q = env.database.db.selectFrom('withdrawals').select(['id', 'batch_id']).where('account_id', '=', publisher.account.id);
  q = status === 'open' ? q.where('status', 'in', ['requested', 'approved']) : q.where('status', '=', status);
  return q.executeTakeFirst();
}

/** Outcomes a random operation may legitimately meet; anything else fails the property. */
function expected(e: unknown): boolean {
  return e instanceof AppError && ['insufficient_funds', 'invalid_state', 'idempotency_conflict', 'rule_violation'].includes(e.code);
}

/** From any open status: accepted if needed, the link placed, and found by the crawler. */
async function verifyOrder(id: string) {
  await acceptOrder(publisher, id, ctx).catch((e) => {
    if (!(e instanceof AppError && e.code === 'invalid_state')) throw e;
  });
  await submitLiveUrl(publisher, id, articleUrl, ctx);
  const check = { ok: true, rule: null, messages: { fr: 'ok', en: 'ok' }, at: new Date() };
  await ctx.db.transaction().execute((tx) => recordVerification(tx, ctx, id, articleUrl, check));
}

async function run(o: Op, holds: string[], runId: number) {
  const w = (i: number) => wallets[i % wallets.length];
  switch (o.t) {
    case 'topup':
      return ctx.db.transaction().execute((tx) =>
        transferCredits(tx, actor, { fromAccountId: SYSTEM_ACCOUNTS.bank, toAccountId: w(o.to), amountCents: o.amount, kind: 'top_up' }),
      );
    case 'allocate': {
      const body = { fromAccountId: w(o.from), toAccountId: w(o.to), amountCents: o.amount };
      // A key is reused with the same body only: the replay must not move money again.
      const idem = o.key === null ? null : { key: `prop-${runId}-${o.key}-${o.from}-${o.to}-${o.amount}`, hash: `${o.from}:${o.to}:${o.amount}` };
      return allocateCredits(actor, body, idem, ctx);
    }
    case 'hold': {
      const { holdId } = await ctx.db.transaction().execute((tx) => holdCredits(tx, actor, { accountId: w(o.on), amountCents: o.amount }));
      holds.push(holdId);
      return;
    }
    case 'capture': {
      if (holds.length === 0) return;
      const holdId = holds[o.hold % holds.length];
      return ctx.db.transaction().execute(async (tx) => {
        const hold = await tx.selectFrom('ledger_holds').select('amount_cents').where('id', '=', holdId).executeTakeFirstOrThrow();
        return captureHold(tx, actor, { holdId, amountCents: Math.floor(Number(hold.amount_cents) * o.part) });
      });
    }
    case 'release':
      if (holds.length === 0) return;
      return ctx.db.transaction().execute((tx) => releaseHold(tx, actor, { holdId: holds[o.hold % holds.length] }));
    case 'order': {
      const project = [...projects.values()][o.client % projects.size];
      const placed = await placeOrder(actor, { projectId: project.id, offerId, targetUrl: `https://${project.domain}/page`, anchor: 'ancre' }, null, ctx);
      orders.push(placed.id);
      return;
    }
    case 'orderStep': {
      if (orders.length === 0) return;
      const id = orders[o.order % orders.length];
      switch (o.step) {
        case 'cancel':
          return cancelOrder(actor, id, null, ctx);
        case 'accept':
          return acceptOrder(publisher, id, ctx);
        case 'refuse':
          return refuseOrder(publisher, id, 'hors ligne éditoriale', ctx);
        case 'verify':
          return verifyOrder(id);
        case 'complete':
          // from any open status: through verification, then past the control period
          await verifyOrder(id);
          await env.database.db.updateTable('orders').set({ payable_at: new Date(Date.now() - 1000) }).where('id', '=', id).where('status', '=', 'verified').execute();
          return completePayableOrders(ctx);
      }
    }
    case 'refund': {
      // A claim's refund (in full: the order is lost; or in part), whatever the order's status:
      // only a verified or completed order may be refunded, the others answer invalid_state.
      // Aimed at the orders a claim can concern (verified or completed), when there are some.
      const refundable = orders.length
        ? await ctx.db.selectFrom('orders').select('id').where('id', 'in', orders).where('status', 'in', ['verified', 'completed']).orderBy('id').execute()
        : [];
      const pool = refundable.length ? refundable.map((r) => r.id) : orders;
      if (pool.length === 0) return;
      const id = pool[o.order % pool.length];
      return ctx.db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom('orders').select(['price_cents', 'refunded_cents']).where('id', '=', id).executeTakeFirstOrThrow();
        const left = Number(row.price_cents) - Number(row.refunded_cents);
        const amount = o.part === null ? null : Math.floor(left * o.part);
        return refundOrder(tx, PLATFORM_ACTOR, id, amount, 'propriété');
      });
    }
    case 'withdraw': {
      // The publisher asks for part of its earnings (below the minimum: refused); once paid, later
      // refunds may leave a debt, repaid first by the next earnings or the next withdrawal.
      const amount = Math.floor((await availableOf(ctx.db, publisher.account.id)) * o.share);
      if (amount <= 0) return;
      const w = await requestWithdrawal(publisher, { amountCents: amount }, null, ctx);
      // Taken back at once, unless support batched it in between (then invalid_state).
      if (o.thenCancel) await cancelWithdrawal(publisher, w.id, ctx);
      return;
    }
    case 'cancelWithdrawal': {
      const w = await openWithdrawal('requested');
      return w && cancelWithdrawal(publisher, w.id, ctx);
    }
    case 'batch': {
      const w = await openWithdrawal('requested');
      return w && createBatch(support, { withdrawalIds: [w.id] }, ctx);
    }
    case 'refuseWithdrawal': {
      const w = await openWithdrawal('open');
      return w && refuseWithdrawal(support, w.id, { reason: 'IBAN refusé' }, ctx);
    }
    case 'payBatch': {
      // The approved request's batch, or (batchFirst) a waiting one batched first.
      const approved = await openWithdrawal('approved');
      const requested = approved || !o.batchFirst ? null : await openWithdrawal('requested');
      const batchId = approved?.batch_id ?? (requested ? (await createBatch(support, { withdrawalIds: [requested.id] }, ctx)).id : null);
      return batchId && markBatchPaid(support, batchId, ctx);
    }
  }
}

/**
 * After the random mix, each way a request ends, one after the other (which ones the random mix
 * reached depends on how the workers interleaved): one cancelled, one refused once approved, one
 * batched and paid. The publisher gets 3 € by a bank top-up first when its balance is short.
 */
async function payoutTour() {
  const open = await openWithdrawal('open');
  if (open) await refuseWithdrawal(support, open.id, { reason: 'fin de la série' }, ctx);
  const id = publisher.account.id;
  const owed = await totalDebts(ctx.db);
  const short = 3_00 + owed - (await availableOf(ctx.db, id));
  if (short > 0) {
    await ctx.db.transaction().execute((tx) => transferCredits(tx, actor, { fromAccountId: SYSTEM_ACCOUNTS.bank, toAccountId: id, amountCents: short, kind: 'top_up' }));
  }
  const cancelled = await requestWithdrawal(publisher, { amountCents: 1_00 }, null, ctx);
  await cancelWithdrawal(publisher, cancelled.id, ctx);
  const refused = await requestWithdrawal(publisher, { amountCents: 1_00 }, null, ctx);
  await createBatch(support, { withdrawalIds: [refused.id] }, ctx);
  await refuseWithdrawal(support, refused.id, { reason: 'IBAN refusé' }, ctx);
  const paid = await requestWithdrawal(publisher, { amountCents: 1_00 }, null, ctx);
  const batch = await createBatch(support, { withdrawalIds: [paid.id] }, ctx);
  await markBatchPaid(support, batch.id, ctx);
  const ended = await ctx.db.selectFrom('withdrawals').select(['id', 'status']).where('id', 'in', [cancelled.id, refused.id, paid.id]).execute();
  expect(Object.fromEntries(ended.map((w) => [w.id, w.status]))).toEqual({ [cancelled.id]: 'cancelled', [refused.id]: 'refused', [paid.id]: 'paid' });
}

async function checkBooks() {
  const db = env.database.db;
  const total = await sql<{ total: number }>`select coalesce(sum(posted_cents), 0)::int8 as total from wallets`.execute(db);
  expect(Number(total.rows[0].total)).toBe(0);
  const negative = await sql<{ n: number }>`select count(*)::int as n from wallets where kind = 'user' and posted_cents - pending_cents < 0`.execute(db);
  expect(Number(negative.rows[0].n)).toBe(0);
  const drift = await sql<{ account_id: string }>`
    select w.account_id from wallets w
    left join (select account_id, sum(amount_cents) as s from ledger_entries group by account_id) e on e.account_id = w.account_id
    where w.posted_cents <> coalesce(e.s, 0)`.execute(db);
  expect(drift.rows).toEqual([]);
  const pending = await sql<{ account_id: string }>`
    select w.account_id from wallets w
    left join (select account_id, sum(amount_cents) as s from ledger_holds where status = 'held' group by account_id) h on h.account_id = w.account_id
    where w.pending_cents <> coalesce(h.s, 0)`.execute(db);
  expect(pending.rows).toEqual([]);
  const balanced = await sql<{ transfer_id: string }>`
    select transfer_id from ledger_entries group by transfer_id having sum(amount_cents) <> 0`.execute(db);
  expect(balanced.rows).toEqual([]);
  const afterBalance = await sql<{ id: string }>`
    select id from (
      select id, balance_after_cents, sum(amount_cents) over (partition by account_id order by id) as running from ledger_entries
    ) x where balance_after_cents <> running`.execute(db);
  expect(afterBalance.rows).toEqual([]);
  const twice = await sql<{ k: string }>`
    select idempotency_key as k from ledger_transfers where idempotency_key is not null
    group by person_id, idempotency_key having count(*) > 1`.execute(db);
  expect(twice.rows).toEqual([]);
  // Each order's hold matches its status: still held while open, released when it ended without a
  // link, captured in full once verified.
  if (orders.length > 0) {
    const mismatched = await sql<{ id: string }>`
      select o.id from orders o join ledger_holds h on h.id = o.hold_id
      where o.id in (${sql.join(orders)}) and not (
        (o.status in ('placed', 'accepted', 'link_placed') and h.status = 'held' and h.amount_cents = o.price_cents) or
        (o.status in ('cancelled', 'refused', 'expired') and h.status = 'released') or
        (o.status in ('verified', 'completed', 'lost') and h.status = 'captured' and h.captured_cents = o.price_cents))`.execute(db);
    expect(mismatched.rows).toEqual([]);
  }
  // Claims: what publishers owe is what the debts account fronted; the orders account holds the
  // captures of the bare holds (a paid withdrawal's hold went to the bank) and, for each verified order, its price less what was refunded.
  const debts = await sql<{ posted: string }>`select posted_cents as posted from wallets where account_id = ${SYSTEM_ACCOUNTS.debts}`.execute(db);
  expect(0 - Number(debts.rows[0].posted)).toBe(await totalDebts(db));
  const held = await sql<{ expected: string; posted: string }>`
    select
      (select coalesce(sum(h.captured_cents), 0) from ledger_holds h
        where h.status = 'captured' and not exists (select 1 from orders o where o.hold_id = h.id)
          and not exists (select 1 from withdrawals w where w.hold_id = h.id))
      + (select coalesce(sum(price_cents - refunded_cents), 0) from orders where status = 'verified') as expected,
      (select posted_cents from wallets where account_id = ${SYSTEM_ACCOUNTS.orders}) as posted`.execute(db);
  expect(Number(held.rows[0].posted)).toBe(Number(held.rows[0].expected));
  const overRefunded = await sql<{ id: string }>`select id from orders where refunded_cents > price_cents or (status = 'lost' and refunded_cents <> price_cents)`.execute(db);
  expect(overRefunded.rows).toEqual([]);
  // Payouts: each request's hold matches its status; at most one open; one invoice per paid
  // request, numbered 1..n; the bank received exactly the paid requests; a batch's total is the sum
  // of what it still holds.
  const withdrawalHolds = await sql<{ id: string }>`
    select w.id from withdrawals w join ledger_holds h on h.id = w.hold_id
    where not (
      (w.status in ('requested', 'approved') and h.status = 'held' and h.amount_cents = w.amount_cents) or
      (w.status in ('refused', 'cancelled') and h.status = 'released') or
      (w.status = 'paid' and h.status = 'captured' and h.captured_cents = w.amount_cents))`.execute(db);
  expect(withdrawalHolds.rows).toEqual([]);
  const open = await sql<{ n: number }>`select count(*)::int as n from withdrawals where status in ('requested', 'approved') group by account_id having count(*) > 1`.execute(db);
  expect(open.rows).toEqual([]);
  const invoices = await sql<{ paid: number; invoices: number; max: number | null }>`
    select (select count(*)::int from withdrawals where status = 'paid') as paid,
           (select count(*)::int from self_billed_invoices) as invoices,
           (select max(sequence) from self_billed_invoices) as max`.execute(db);
  expect(invoices.rows[0].invoices).toBe(invoices.rows[0].paid);
  expect(Number(invoices.rows[0].max ?? 0)).toBe(invoices.rows[0].paid);
  const payouts = await sql<{ paid: string; moved: string }>`
    select (select coalesce(sum(amount_cents), 0) from withdrawals where status = 'paid') as paid,
           (select coalesce(sum(amount_cents), 0) from ledger_transfers where kind = 'payout') as moved`.execute(db);
  expect(Number(payouts.rows[0].moved)).toBe(Number(payouts.rows[0].paid));
  const batches = await sql<{ id: string }>`
    select b.id from payout_batches b
    where b.total_cents <> coalesce((select sum(amount_cents + vat_cents) from withdrawals w where w.batch_id = b.id and w.status in ('approved', 'paid')), 0)`.execute(db);
  expect(batches.rows).toEqual([]);
}

describe('ledger invariants under random concurrent operations', () => {
  it(`hold for ${RUNS} runs of ${OPS} operations over ${WORKERS} workers`, async () => {
    let runId = 0;
    const statuses: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: OPS, maxLength: OPS }), async (ops) => {
        runId++;
        const holds: string[] = [];
        // The client wallets are among the random ones; some orders will find them short.
        const queues = Array.from({ length: WORKERS }, (_, i) => ops.filter((_, j) => j % WORKERS === i));
        const unexpected: unknown[] = [];
        await Promise.all(
          queues.map(async (queue) => {
            for (const o of queue) {
              try {
                await run(o, holds, runId);
              } catch (e) {
                if (!expected(e)) unexpected.push(e);
              }
            }
          }),
        );
        expect(unexpected.map((e) => String(e instanceof Error ? e.message : e))).toEqual([]);
        await checkBooks();
        await payoutTour();
        await checkBooks();
        // Every status an order of this run went through (its history), not only where it ended:
        // which orders are still open at the end depends on how the workers interleaved.
        const reached = await env.database.db
          .selectFrom('order_events')
          .select('status')
          .distinct()
          .where('order_id', 'in', orders.length ? orders : ['00000000-0000-0000-0000-000000000000'])
          .execute();
        statuses.push(...reached.map((r) => r.status));
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    // The mix really exercised the order lifecycle, not only plain transfers.
    for (const status of ['placed', 'cancelled', 'verified', 'completed', 'lost', 'partially_refunded']) expect(statuses).toContain(status);
  });
});
