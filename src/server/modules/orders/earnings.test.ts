import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../../testing/harness.js';
import { EarningsFixture, type Buyer, type PlacedOrder } from '../../testing/earnings-fixture.js';
import {
  earningOf,
  lastTwelveMonths,
  listPublisherEarningOrders,
  publisherActivityByQuarter,
  publisherEarningsSummary,
  type EarningState,
} from './service.js';

// What publishers earn, read from real orders (placed, accepted, verified through the API, completed
// by the completion sweep at forced dates, refunded through a claim settled by support).

let env: TestEnv;
let fixture: EarningsFixture;
let buyer: Buyer;

beforeAll(async () => {
  env = await startTestEnv({ MAILLON_CRAWLER_ALLOW_PRIVATE: '1', MAILLON_CRAWLER_RETRY_DELAYS: '' });
  fixture = new EarningsFixture(env);
  await fixture.start();
  buyer = await fixture.buyer(20_000_00);
});
afterAll(async () => {
  await fixture?.stop();
  await env?.close();
});

const db = () => env.database.db;
const bp = () => env.config.commissionBp;
const earning = (price: number, refunded = 0) =>
  earningOf({ priceCents: price, refundedCents: refunded, commissionBp: bp() }).earningCents;

async function walk(publisherId: string, state: EarningState, limit: number) {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const page = await listPublisherEarningOrders(db(), publisherId, { state, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((i) => i.orderId));
    if (!page.nextCursor) return seen;
    cursor = page.nextCursor;
  }
  throw new Error('the walk does not end');
}

describe('earningOf', () => {
  it('takes the commission on what is left after refunds, rounded half up, as the completion does', () => {
    expect(earningOf({ priceCents: 100_00, refundedCents: 0, commissionBp: 2500 })).toEqual({
      commissionCents: 25_00,
      earningCents: 75_00,
    });
    // 40 € refunded: 25 % of 60 € is 15 €.
    expect(earningOf({ priceCents: 100_00, refundedCents: 40_00, commissionBp: 2500 })).toEqual({
      commissionCents: 15_00,
      earningCents: 45_00,
    });
    // 25 % of 0,02 € is 0,005 €: rounded to 0,01 €.
    expect(earningOf({ priceCents: 2, refundedCents: 0, commissionBp: 2500 })).toEqual({ commissionCents: 1, earningCents: 1 });
    expect(earningOf({ priceCents: 100_00, refundedCents: 100_00, commissionBp: 2500 })).toEqual({
      commissionCents: 0,
      earningCents: 0,
    });
  });

  it('names the last twelve months in Paris, oldest first', () => {
    // 31 December 2026 23:30 UTC is already January 2027 in Paris.
    expect(lastTwelveMonths(new Date('2026-12-31T23:30:00Z'))).toEqual([
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
      '2026-12',
      '2027-01',
    ]);
    expect(lastTwelveMonths(new Date('2026-03-15T12:00:00Z'))[0]).toBe('2025-04');
  });
});

describe('a publisher’s earnings', () => {
  let seller: Awaited<ReturnType<EarningsFixture['seller']>>;
  let pending: PlacedOrder;
  let sameTime: PlacedOrder[];
  let older: PlacedOrder;
  let partial: PlacedOrder;
  let lostAfter: PlacedOrder;
  const now = new Date();
  const month0 = lastTwelveMonths(now)[11];
  const lastMonth = lastTwelveMonths(now)[10];

  beforeAll(async () => {
    seller = await fixture.seller();
    pending = await fixture.verifiedOrder(buyer, seller);
    sameTime = [
      await fixture.verifiedOrder(buyer, seller),
      await fixture.verifiedOrder(buyer, seller),
      await fixture.verifiedOrder(buyer, seller),
    ];
    older = await fixture.verifiedOrder(buyer, seller);
    partial = await fixture.verifiedOrder(buyer, seller);
    lostAfter = await fixture.verifiedOrder(buyer, seller);
    // 40 € refunded during the control period: the completion pays on the rest.
    await fixture.refund(partial, 40_00);
    await fixture.complete([...sameTime.map((o) => o.id), partial.id, lostAfter.id], now);
    // Midnight in Paris on the 1st of this month is 22:00 UTC (summer time, April to October) or
    // 23:00 UTC the day before: 30 minutes before it is still last month in Paris.
    const m = Number(month0.slice(5));
    const parisMidnight = new Date(Date.parse(`${month0}-01T00:00:00Z`) - (m >= 4 && m <= 10 ? 2 : 1) * 3_600_000);
    await fixture.complete([older.id], new Date(parisMidnight.getTime() - 30 * 60_000));
    // Refunded in full after it was paid: the publisher keeps nothing of it.
    await fixture.refund(lostAfter, null, 'Lien supprimé');
  });

  it('sums pending and lifetime earnings by the completion’s rule, refunds deducted', async () => {
    const summary = await publisherEarningsSummary(db(), seller.publisherId, now);
    expect(summary.pendingCents).toBe(earning(pending.priceCents));
    const lifetime =
      sameTime.reduce((s, o) => s + earning(o.priceCents), 0) + earning(older.priceCents) + earning(partial.priceCents, 40_00);
    expect(summary.lifetimeEarningsCents).toBe(lifetime);
    // What the publisher's wallet received: its earnings, less what the refund after payout took back.
    const wallet = (await seller.publisher.get(`/api/accounts/${seller.publisherId}/wallet`)).body;
    expect(wallet.availableCents).toBe(lifetime);
  });

  it('gives the last 12 months in Paris, oldest first, earned by completion and pending by verification', async () => {
    const { byMonth } = await publisherEarningsSummary(db(), seller.publisherId, now);
    expect(byMonth).toHaveLength(12);
    expect(byMonth.map((m) => m.month)).toEqual(lastTwelveMonths(now));
    const current = byMonth.find((m) => m.month === month0)!;
    expect(current.earnedCents).toBe(
      sameTime.reduce((s, o) => s + earning(o.priceCents), 0) + earning(partial.priceCents, 40_00),
    );
    expect(current.pendingCents).toBe(earning(pending.priceCents));
    expect(byMonth.find((m) => m.month === lastMonth)!.earnedCents).toBe(earning(older.priceCents));
    expect(byMonth.slice(0, 10).every((m) => m.earnedCents === 0 && m.pendingCents === 0)).toBe(true);
    // Another publisher's summary is empty.
    const other = await fixture.seller();
    const empty = await publisherEarningsSummary(db(), other.publisherId, now);
    expect(empty).toMatchObject({ pendingCents: 0, lifetimeEarningsCents: 0 });
    expect(empty.byMonth.every((m) => m.earnedCents === 0 && m.pendingCents === 0)).toBe(true);
  });

  it('lists the orders of each state with their figures', async () => {
    const pendingPage = await listPublisherEarningOrders(db(), seller.publisherId, { state: 'pending', limit: 50 });
    expect(pendingPage.items).toHaveLength(1);
    expect(pendingPage.items[0]).toMatchObject({
      orderId: pending.id,
      status: 'verified',
      priceCents: pending.priceCents,
      refundedCents: 0,
      commissionCents: pending.priceCents - earning(pending.priceCents),
      earningCents: earning(pending.priceCents),
      completedAt: null,
      anchor: 'pain au levain bio',
    });
    expect(pendingPage.items[0].siteDomain).toBe(seller.origin.replace('http://', ''));
    expect(Date.parse(pendingPage.items[0].payableAt!)).toBeGreaterThan(Date.now());
    expect(pendingPage.nextCursor).toBeNull();

    const credited = await listPublisherEarningOrders(db(), seller.publisherId, { state: 'credited', limit: 50 });
    expect(credited.items.map((i) => i.orderId).sort()).toEqual(
      [...sameTime.map((o) => o.id), partial.id, lostAfter.id, older.id].sort(),
    );
    // Newest completion first: the one of last month comes last.
    expect(credited.items.at(-1)!.orderId).toBe(older.id);
    const partialItem = credited.items.find((i) => i.orderId === partial.id)!;
    expect(partialItem).toMatchObject({
      status: 'completed',
      refundedCents: 40_00,
      earningCents: earning(partial.priceCents, 40_00),
    });
    expect(partialItem.commissionCents).toBe(partial.priceCents - 40_00 - earning(partial.priceCents, 40_00));
    expect(credited.items.find((i) => i.orderId === lostAfter.id)).toMatchObject({
      status: 'lost',
      refundedCents: lostAfter.priceCents,
      earningCents: 0,
      commissionCents: 0,
    });

    const refunded = await listPublisherEarningOrders(db(), seller.publisherId, { state: 'refunded', limit: 50 });
    expect(refunded.items.map((i) => i.orderId).sort()).toEqual([partial.id, lostAfter.id].sort());
  });

  it('pages by (time, id): orders completed at the same instant are never skipped nor repeated', async () => {
    for (const state of ['pending', 'credited', 'refunded'] as const) {
      const all = (await listPublisherEarningOrders(db(), seller.publisherId, { state, limit: 500 })).items.map((i) => i.orderId);
      for (const limit of [1, 2, 3]) {
        const walked = await walk(seller.publisherId, state, limit);
        expect(walked).toEqual(all);
        expect(new Set(walked).size).toBe(walked.length);
      }
    }
    await expect(
      listPublisherEarningOrders(db(), seller.publisherId, { state: 'credited', limit: 1, cursor: 'bogus' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });
});

describe('activity by quarter (DAC7)', () => {
  it('counts each paid order in the quarter of its completion in Paris, with its consideration and fees', async () => {
    const seller = await fixture.seller();
    const orders: PlacedOrder[] = [];
    for (let i = 0; i < 6; i++) orders.push(await fixture.verifiedOrder(buyer, seller));
    const [newYear, q1End, q2Start, q4, nextYear, refundedPart] = orders;
    await fixture.refund(refundedPart, 15_00);
    // 31 Dec 2024 23:30 UTC is 1 January 2025 in Paris: Q1 2025.
    await fixture.complete([newYear.id], new Date('2024-12-31T23:30:00Z'));
    // 31 March 2025 21:30 UTC is 23:30 in Paris (summer time): still Q1; 22:30 UTC is 1 April: Q2.
    await fixture.complete([q1End.id], new Date('2025-03-31T21:30:00Z'));
    await fixture.complete([q2Start.id, refundedPart.id], new Date('2025-03-31T22:30:00Z'));
    await fixture.complete([q4.id], new Date('2025-12-31T22:30:00Z'));
    // 31 Dec 2025 23:30 UTC is 2026 in Paris: not in 2025.
    await fixture.complete([nextYear.id], new Date('2025-12-31T23:30:00Z'));

    const activity = await publisherActivityByQuarter(db(), 2025, seller.publisherId);
    expect([...activity.keys()]).toEqual([seller.publisherId]);
    const fees = (o: PlacedOrder, refunded = 0) => o.priceCents - refunded - earning(o.priceCents, refunded);
    expect(activity.get(seller.publisherId)!.quarters).toEqual([
      {
        considerationCents: earning(newYear.priceCents) + earning(q1End.priceCents),
        feesCents: fees(newYear) + fees(q1End),
        activities: 2,
      },
      {
        considerationCents: earning(q2Start.priceCents) + earning(refundedPart.priceCents, 15_00),
        feesCents: fees(q2Start) + fees(refundedPart, 15_00),
        activities: 2,
      },
      { considerationCents: 0, feesCents: 0, activities: 0 },
      { considerationCents: earning(q4.priceCents), feesCents: fees(q4), activities: 1 },
    ]);
    const next = await publisherActivityByQuarter(db(), 2026, seller.publisherId);
    expect(next.get(seller.publisherId)!.quarters[0]).toEqual({
      considerationCents: earning(nextYear.priceCents),
      feesCents: fees(nextYear),
      activities: 1,
    });
    // Every publisher of the year, this one with the same figures.
    const everyone = await publisherActivityByQuarter(db(), 2025);
    expect(everyone.get(seller.publisherId)).toEqual(activity.get(seller.publisherId));
    expect((await publisherActivityByQuarter(db(), 2023, seller.publisherId)).size).toBe(0);

    // Refunded in full after payout: nothing was paid for it, it is no activity any more.
    await fixture.refund(q4, null, 'Lien supprimé');
    const after = await publisherActivityByQuarter(db(), 2025, seller.publisherId);
    expect(after.get(seller.publisherId)!.quarters[3]).toEqual({ considerationCents: 0, feesCents: 0, activities: 0 });
  });
});
