import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  fundWallet,
  makeAgency,
  makeOffer,
  signUp,
  supportClient,
  type AgencyFixture,
  type TestEnv,
  startTestEnv,
} from '../../testing/harness.js';
import { recordVerification } from '../orders/checks.js';
import { capturedFrom } from '../ledger/service.js';
import { sql } from 'kysely';
import { todayInParis } from '../../http/dates.js';
import { fillSeries, rangeOf } from './service.js';

// The dashboards through the API, on a small agency whose orders are placed, accepted and placed
// by the publisher through the API, then verified on chosen days (the verification's own code,
// with a check that found the link): spend, groups, orders in progress, alerts, scope, bad input.

let env: TestEnv;
let fx: AgencyFixture;
let other: AgencyFixture;
let offer: Awaited<ReturnType<typeof makeOffer>>;
const projects: Record<string, string> = {};
const DAY = 86_400_000;

const ctx = () => ({ db: env.database.db, config: env.config });
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

async function order(buyer: Client, client: string, verifiedDaysAgo: number | null, stage: 'placed' | 'verified' = 'verified') {
  const placed = await buyer.post('/api/orders', {
    projectId: projects[client],
    offerId: offer.offerId,
    targetUrl: `https://${client.toLowerCase()}.fr/page`,
    anchor: 'une ancre',
  });
  if (placed.status !== 201) throw new Error(`order failed: ${JSON.stringify(placed.body)}`);
  const id = placed.body.id as string;
  if (stage === 'placed') return { id, priceCents: placed.body.priceCents as number };
  expect((await offer.publisher.post(`/api/publisher/orders/${id}/accept`)).status).toBe(200);
  expect((await offer.publisher.post(`/api/publisher/orders/${id}/placed`, { liveUrl: offer.url })).status).toBe(200);
  const at = daysAgo(verifiedDaysAgo ?? 0);
  await env.database.db.transaction().execute((tx) =>
    recordVerification(tx, ctx(), id, offer.url, {
      ok: true,
      rule: null,
      messages: { fr: 'Lien trouvé', en: 'Link found' },
      at,
    }),
  );
  return { id, priceCents: placed.body.priceCents as number };
}

async function project(agency: Client, clientId: string, name: string) {
  const res = await agency.post('/api/projects', { clientId, name: `Site ${name}`, url: `https://${name.toLowerCase()}.fr/` });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  projects[name] = res.body.id;
}

async function fund(agency: AgencyFixture, names: string[]) {
  await fundWallet(env, agency.agency, agency.agencyId, 200_000_00);
  for (const n of names)
    await agency.agency.post('/api/transfers', {
      fromAccountId: agency.agencyId,
      toAccountId: agency.ids[n],
      amountCents: 30_000_00,
    });
}

async function dashboardAs(client: Client, accountId: string | null, query = '') {
  if (accountId) expect((await client.post('/api/act-as', { accountId })).status).toBe(200);
  const res = await client.get(`/api/dashboard${query}`);
  if (accountId) expect((await client.post('/api/act-as/stop')).status).toBe(200);
  return res;
}

const prices: Record<string, number> = {};

beforeAll(async () => {
  env = await startTestEnv();
  offer = await makeOffer(env);
  fx = await makeAgency(env, 'complete', [
    ['Marc', 'manager', 'agency'],
    ['Julie', 'consultant', 'Marc'],
    ['Alpha', 'client', 'Julie'],
    ['Beta', 'client', 'Marc'],
    ['Nadia', 'manager', 'agency'],
    ['Delta', 'client', 'Nadia'],
    ['Gamma', 'client', 'agency'],
  ]);
  other = await makeAgency(env, 'simple', [['Omega', 'client', 'agency']]);
  await fund(fx, ['Alpha', 'Beta', 'Delta', 'Gamma']);
  await fund(other, ['Omega']);
  for (const n of ['Alpha', 'Beta', 'Delta', 'Gamma']) await project(fx.agency, fx.ids[n], n);
  await project(other.agency, other.ids.Omega, 'Omega');
  // Alpha: two verified orders this month, one a year and a half ago (outside every range); Beta and
  // Delta one each; Gamma one placed only (in progress, waiting for the publisher); Omega, the other tenant, two.
  for (const [name, days] of [
    ['Alpha', 2],
    ['Alpha', 10],
    ['Alpha', 540],
    ['Beta', 5],
    ['Delta', 40],
  ] as const) {
    const o = await order(fx.agency, name, days);
    prices[name] = (prices[name] ?? 0) + (days < 400 ? o.priceCents : 0);
  }
  await order(fx.agency, 'Gamma', null, 'placed');
  await order(other.agency, 'Omega', 3);
  await order(other.agency, 'Omega', 4);
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const price = () => offer.priceCents;

describe('GET /api/dashboard', () => {
  it('shows the agency its spend over the last 30 days by default, by day, per client', async () => {
    const res = await fx.agency.get('/api/dashboard');
    expect(res.status).toBe(200);
    const d = res.body;
    expect(d).toMatchObject({ kind: 'buyer', role: 'agency', groupBy: 'client', range: { to: todayInParis(), bucket: 'day' } });
    expect(d.range.from).toBe(new Date(Date.parse(`${todayInParis()}T00:00:00Z`) - 29 * DAY).toISOString().slice(0, 10));
    // Alpha ×2 and Beta in the 30 days; Delta's is 40 days old.
    expect(d.buyer.spend.totalCents).toBe(3 * price());
    expect(d.buyer.spend.orderCount).toBe(3);
    expect(d.buyer.spend.series).toHaveLength(30);
    expect(d.buyer.spend.series.reduce((s: number, p: { cents: number }) => s + p.cents, 0)).toBe(3 * price());
    expect(d.buyer.spend.groups).toEqual([
      { id: fx.ids.Alpha, name: 'Alpha', kind: 'client', cents: 2 * price(), count: 2 },
      { id: fx.ids.Beta, name: 'Beta', kind: 'client', cents: price(), count: 1 },
    ]);
    // Gamma's order waits for the publisher; the verified ones are in their control period.
    const placed = d.buyer.orders.inProgress.find((s: { status: string }) => s.status === 'placed');
    expect(placed).toEqual({ status: 'placed', count: 1, cents: price() });
    expect(d.buyer.orders.waitingOn).toEqual({ publisher: 1, verification: 0, controlPeriod: 5 });
    // The order of a year and a half ago is past its 12-month guarantee: no longer followed as live.
    expect(d.buyer.links).toMatchObject({ live: 4, lost: 0, atRisk: 0 });
    expect(d.buyer.wallet.availableCents).toBeGreaterThan(0);
    // The team's activity, in the audit trail's shape.
    expect(d.activity.length).toBeGreaterThan(0);
    expect(d.activity[0]).toHaveProperty('action');
    expect(d.activity[0]).toHaveProperty('person');
  });

  it('groups by collaborator: each manager, and the clients right under the agency', async () => {
    const d = (await fx.agency.get('/api/dashboard?from=2000-01-01&to=2000-01-01')).body;
    expect(d.buyer.spend.totalCents).toBe(0);
    const now = todayInParis();
    const from = new Date(Date.parse(`${now}T00:00:00Z`) - 90 * DAY).toISOString().slice(0, 10);
    const res = await fx.agency.get(`/api/dashboard?from=${from}&to=${now}&groupBy=collaborator`);
    expect(res.status).toBe(200);
    expect(res.body.range.bucket).toBe('week');
    expect(res.body.buyer.spend.groups).toEqual([
      { id: fx.ids.Marc, name: 'Marc', kind: 'collaborator', cents: 3 * price(), count: 3 },
      { id: fx.ids.Nadia, name: 'Nadia', kind: 'collaborator', cents: price(), count: 1 },
    ]);
  });

  it('gives each role below the agency its own subtree only', async () => {
    const q = '?from=2026-01-01&to=2026-12-31';
    const of = async (name: string) => (await dashboardAs(fx.agency, fx.ids[name], `${q}&groupBy=collaborator`)).body;
    const inYear = async (name: string) => (await fx.agency.get(`/api/dashboard${q}`)).body && (await of(name));
    const marc = await inYear('Marc');
    expect(marc).toMatchObject({ role: 'manager', account: { id: fx.ids.Marc } });
    const julie = await of('Julie');
    const alpha = await of('Alpha');
    const nadia = await of('Nadia');
    const gamma = await of('Gamma');
    const agency = (await fx.agency.get(`/api/dashboard${q}&groupBy=collaborator`)).body;
    expect(julie.role).toBe('consultant');
    expect(alpha.role).toBe('client');
    // A client sees itself; a consultant its clients; a manager its consultants' and its own.
    expect(alpha.buyer.spend.groups.map((g: { id: string }) => g.id)).toEqual([fx.ids.Alpha]);
    expect(julie.buyer.spend.totalCents).toBe(alpha.buyer.spend.totalCents);
    expect(marc.buyer.spend.groups.map((g: { name: string; kind: string }) => [g.name, g.kind])).toEqual([
      ['Julie', 'collaborator'],
      ['Marc', 'direct'],
    ]);
    // The agency's total is the sum of its managers' and of its direct clients'.
    expect(agency.buyer.spend.totalCents).toBe(
      marc.buyer.spend.totalCents + nadia.buyer.spend.totalCents + gamma.buyer.spend.totalCents,
    );
    expect(gamma.buyer.orders.waitingOn.publisher).toBe(1);
    expect(marc.buyer.orders.waitingOn.publisher).toBe(0);
    // Nothing of the other tenant, either way.
    const omega = (await other.agency.get(`/api/dashboard${q}`)).body;
    expect(omega.buyer.spend.groups.map((g: { name: string }) => g.name)).toEqual(['Omega']);
    expect(agency.buyer.spend.groups.map((g: { name: string }) => g.name)).not.toContain('Omega');
    expect(omega.activity.every((e: { account: { id: string } | null }) => e.account?.id !== fx.agencyId)).toBe(true);
  });

  it('answers for the last days a date accepts (the day after 9999-12-31 closes the last month)', async () => {
    // (a series that compared days as text never reached 9999-12-31 and filled memory until the process died)
    for (const [q, periods] of [
      ['?from=9999-11-15&to=9999-12-31', 47],
      ['?from=0001-01-15&to=0001-03-02', 47],
      ['?from=0050-01-01&to=0050-12-31', 12],
      ['?from=9999-06-01&to=9999-12-31&groupBy=collaborator', 7],
    ] as const) {
      const res = await fx.agency.get(`/api/dashboard${q}`);
      expect(res.status, `${q}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.buyer.spend.totalCents).toBe(0);
      expect(res.body.buyer.spend.series).toHaveLength(periods);
    }
    const year50 = (await fx.agency.get('/api/dashboard?from=0050-01-01&to=0050-12-31')).body.buyer.spend.series;
    expect([year50[0].period, year50[11].period]).toEqual(['0050-01-01', '0050-12-01']);
  });

  it('refuses impossible dates, a reversed or too long period, an unknown grouping (400 naming the field)', async () => {
    for (const [query, field] of [
      ['?from=2026-02-30', 'from'],
      ['?to=2026-13-01', 'to'],
      ['?from=hier', 'from'],
      ['?from=2026-03-10&to=2026-03-01', 'to'],
      ['?from=2024-01-01&to=2026-01-01', 'from'],
      ['?groupBy=day', 'groupBy'],
    ] as const) {
      const res = await fx.agency.get(`/api/dashboard${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.field, query).toBe(field);
      expect(res.body.error.message).toMatch(/[a-zé]/);
    }
    const en = new Client(env.app, undefined, 'en');
    en.cookie = fx.agency.cookie;
    const res = await en.get('/api/dashboard?from=2026-03-10&to=2026-03-01');
    expect(res.body.error.message).toBe('The end date must be on or after the start date.');
    expect((await new Client(env.app).get('/api/dashboard')).status).toBe(401);
  });

  it('shows a publisher its orders to act on and its payouts, and support its queues', async () => {
    const pub = (await offer.publisher.get('/api/dashboard')).body;
    expect(pub).toMatchObject({ kind: 'publisher', role: 'publisher', buyer: null, support: null });
    expect(pub.publisher.queue.toAccept).toBe(1);
    expect(pub.publisher.queue.items[0]).toMatchObject({ status: 'placed', priceCents: price() });
    expect(pub.publisher.payouts.pendingCents).toBeGreaterThan(0);
    const support = await supportClient(env);
    const s = (await support.get('/api/dashboard')).body;
    expect(s).toMatchObject({ kind: 'support', role: 'support', buyer: null, publisher: null, activity: [] });
    expect(s.support.queues.siteReviews).toBeGreaterThanOrEqual(0);
    // A new site to review and a new top-up to confirm show in the queues.
    const { client: seller } = await signUp(env, 'publisher', 'Éditeur en attente');
    await seller.post('/api/publisher/sites', {
      domain: `attente-${Date.now()}.fr`,
      theme: 'cuisine',
      siteKind: 'thematic',
      language: 'fr',
    });
    const s2 = (await support.get('/api/dashboard')).body;
    expect(s2.support.queues.siteReviews).toBe(s.support.queues.siteReviews + 1);
  });
});

describe('rangeOf and fillSeries', () => {
  it('picks days, weeks or months from the length, and fills every period', () => {
    expect(rangeOf({ from: '2026-01-01', to: '2026-01-31' }).bucket).toBe('day');
    expect(rangeOf({ from: '2026-01-01', to: '2026-05-31' }).bucket).toBe('week');
    expect(rangeOf({ from: '2025-01-01', to: '2025-12-31' }).bucket).toBe('month');
    const weeks = fillSeries({ from: '2026-03-04', to: '2026-03-20', bucket: 'week' }, [{ period: '2026-03-09', cents: 5 }]);
    expect(weeks).toEqual([
      { period: '2026-03-02', cents: 0 },
      { period: '2026-03-09', cents: 5 },
      { period: '2026-03-16', cents: 0 },
    ]);
    expect(fillSeries({ from: '2025-11-15', to: '2026-02-01', bucket: 'month' }, []).map((p) => p.period)).toEqual([
      '2025-11-01',
      '2025-12-01',
      '2026-01-01',
      '2026-02-01',
    ]);
  });
});

describe('spend, as a property', () => {
  it('per client sums to what the ledger captured, and the agency total to its branches', async () => {
    const fy = await makeAgency(env, 'intermediate', [
      ['Paul', 'manager', 'agency'],
      ['P1', 'client', 'Paul'],
      ['P2', 'client', 'Paul'],
      ['Q1', 'client', 'agency'],
    ]);
    await fund(fy, ['P1', 'P2', 'Q1']);
    for (const n of ['P1', 'P2', 'Q1']) await project(fy.agency, fy.ids[n], n);
    const clients = ['P1', 'P2', 'Q1'];
    const q = `?from=${new Date(Date.now() - 399 * DAY).toISOString().slice(0, 10)}&to=${todayInParis()}`;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ client: fc.constantFrom(...clients), days: fc.integer({ min: 0, max: 300 }), verified: fc.boolean() }),
          { minLength: 1, maxLength: 4 },
        ),
        async (orders) => {
          for (const o of orders) await order(fy.agency, o.client, o.days, o.verified ? 'verified' : 'placed');
          const all = (await fy.agency.get(`${'/api/dashboard'}${q}`)).body;
          const byCollaborator = (await fy.agency.get(`/api/dashboard${q}&groupBy=collaborator`)).body;
          const captured = await capturedFrom(
            env.database.db,
            clients.map((c) => fy.ids[c]),
          );
          const sum = (gs: { cents: number }[]) => gs.reduce((s, g) => s + g.cents, 0);
          expect(sum(all.buyer.spend.groups)).toBe(captured);
          expect(all.buyer.spend.totalCents).toBe(captured);
          expect(sum(all.buyer.spend.series)).toBe(captured);
          expect(sum(byCollaborator.buyer.spend.groups)).toBe(captured);
          const paul = (await dashboardAs(fy.agency, fy.ids.Paul, q)).body;
          const paulGroup = byCollaborator.buyer.spend.groups.find((g: { id: string }) => g.id === fy.ids.Paul);
          expect(paul.buyer.spend.totalCents).toBe(paulGroup?.cents ?? 0);
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);
});

describe('the figures the orders keep (migration 0022), under concurrency', () => {
  it("counts every one of an agency's verifications landing at once on the same day", async () => {
    const fz = await makeAgency(env, 'simple', [
      ['C1', 'client', 'agency'],
      ['C2', 'client', 'agency'],
      ['C3', 'client', 'agency'],
      ['C4', 'client', 'agency'],
    ]);
    const names = ['C1', 'C2', 'C3', 'C4'];
    await fund(fz, names);
    for (const n of names) await project(fz.agency, fz.ids[n], n);
    // Two orders per client, placed by the publisher, then all eight verified at once: each
    // verification writes the agency's row of the day in its commit.
    const placed: string[] = [];
    for (const n of [...names, ...names]) {
      const o = await order(fz.agency, n, null, 'placed');
      expect((await offer.publisher.post(`/api/publisher/orders/${o.id}/accept`)).status).toBe(200);
      expect((await offer.publisher.post(`/api/publisher/orders/${o.id}/placed`, { liveUrl: offer.url })).status).toBe(200);
      placed.push(o.id);
    }
    const at = new Date();
    await Promise.all(
      placed.map((id) =>
        env.database.db.transaction().execute((tx) =>
          recordVerification(tx, ctx(), id, offer.url, { ok: true, rule: null, messages: { fr: 'Lien trouvé', en: 'Link found' }, at }),
        ),
      ),
    );
    const res = await fz.agency.get('/api/dashboard');
    expect(res.body.buyer.spend.totalCents).toBe(8 * price());
    expect(res.body.buyer.spend.orderCount).toBe(8);
    expect(res.body.buyer.spend.series.at(-1).cents).toBe(8 * price());
    expect(await capturedFrom(env.database.db, names.map((n) => fz.ids[n]))).toBe(8 * price());
  }, 120_000);
});

describe('the figures the orders keep (migration 0022), as a property', () => {
  // The dashboards and the team table read whole months from summaries a trigger keeps, and the
  // days around them from the orders: for any period, after orders are moved in time (by SQL, as a
  // repair would), each client's figures equal a recount of its orders.
  it('match a recount of the orders for any period, dashboard and team table alike', async () => {
    const db = env.database.db;
    const ids = (await sql<{ id: string }>`select id from orders where agency_id = ${fx.agencyId} order by id`.execute(db)).rows.map((r) => r.id);
    const dayAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);
    const inParis = (from: string, to: string, column: 'verified_at' | 'created_at') =>
      sql`${sql.ref(column)} >= (${from}::date)::timestamp at time zone 'Europe/Paris' and ${sql.ref(column)} < (${to}::date + 1)::timestamp at time zone 'Europe/Paris'`;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ i: fc.nat(), created: fc.integer({ min: 0, max: 700 }), verified: fc.integer({ min: 0, max: 700 }) }), { maxLength: 3 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 399 }),
        async (moves, end, length) => {
          for (const m of moves) {
            await sql`update orders set created_at = now() - ${`${Math.max(m.created, m.verified)} days`}::interval,
                verified_at = case when verified_at is null then null else now() - ${`${m.verified} days`}::interval end
              where id = ${ids[m.i % ids.length]}`.execute(db);
          }
          const from = dayAgo(end + length);
          const to = dayAgo(end);
          const spent = await sql<{ client_id: string; cents: number }>`
            select client_id, sum(price_cents - refunded_cents)::int as cents from orders
            where agency_id = ${fx.agencyId} and ${inParis(from, to, 'verified_at')} group by client_id`.execute(db);
          const res = await fx.agency.get(`/api/dashboard?from=${from}&to=${to}`);
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          const groups = Object.fromEntries(res.body.buyer.spend.groups.map((g: { id: string; cents: number }) => [g.id, g.cents]));
          expect(groups).toEqual(Object.fromEntries(spent.rows.filter((r) => r.cents !== 0).map((r) => [r.client_id, r.cents])));
          expect(res.body.buyer.spend.series.reduce((s: number, p: { cents: number }) => s + p.cents, 0)).toBe(res.body.buyer.spend.totalCents);

          const placed = await sql<{ client_id: string; cents: number; n: number }>`
            select client_id, sum(case when status in ('refused', 'cancelled', 'expired') then 0 else price_cents end)::int as cents, count(*)::int as n
            from orders where agency_id = ${fx.agencyId} and ${inParis(from, to, 'created_at')} group by client_id`.execute(db);
          const team = await fx.agency.get(`/api/agency/team?from=${from}&to=${to}&role=client&limit=500`);
          expect(team.status, JSON.stringify(team.body)).toBe(200);
          const rows = Object.fromEntries(
            team.body.items.filter((r: { ordersCount: number }) => r.ordersCount > 0).map((r: { id: string; spendCents: number; ordersCount: number }) => [r.id, { cents: r.spendCents, n: r.ordersCount }]),
          );
          expect(rows).toEqual(Object.fromEntries(placed.rows.map((r) => [r.client_id, { cents: r.cents, n: r.n }])));
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
