import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation, fundWallet, makeAgency, makeOffer, signUp, startTestEnv, totalOfAllWallets, uniqueEmail, type AgencyFixture, type Client, type TestEnv } from '../../testing/harness.js';
import { todayInParis } from '../../http/dates.js';

/**
 * The team table (GET /api/agency/team and its CSV) and its bulk actions (POST /api/transfers/bulk,
 * POST /api/agency/moves), on a small agency whose figures are known:
 *
 *   Agence ─ Manon (manager) ─ Léa (consultant) ─ Élodie Dupain, Éric Martin (clients)
 *          │                 └ Zoé Roux (client of Manon)
 *          └ Hugo (consultant) ─ Bruno (client)
 */

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

type Row = { id: string; name: string; role: string; spendCents: number; ordersCount: number; ordersByStatus: Record<string, number>; liveLinks: number; clientsCount: number; balanceCents: number; lastSignInAt: string | null; parentName: string | null; status: string };

async function fixture() {
  const leaEmail = uniqueEmail('lea');
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency'],
    ['Léa', 'consultant', 'Manon', leaEmail],
    ['Élodie Dupain', 'client', 'Léa'],
    ['Éric Martin', 'client', 'Léa'],
    ['Zoé Roux', 'client', 'Manon'],
    ['Hugo', 'consultant', 'agency'],
    ['Bruno', 'client', 'Hugo'],
  ]);
  const offer = await makeOffer(env);
  await fundWallet(env, fx.agency, fx.agencyId, 100 * offer.priceCents);
  const order = async (client: string, n: number) => {
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids[client], amountCents: n * offer.priceCents });
    const project = await fx.agency.post('/api/projects', { clientId: fx.ids[client], name: `Site ${client}`, url: `https://${client.length}-${n}.example.fr` });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const o = await fx.agency.post('/api/orders', { projectId: project.body.id, offerId: offer.offerId, targetUrl: `https://${client.length}-${n}.example.fr/`, anchor: 'ancre' });
      expect(o.status, JSON.stringify(o.body)).toBe(201);
      ids.push(o.body.id);
    }
    return ids;
  };
  const elodie = await order('Élodie Dupain', 3);
  await order('Zoé Roux', 1);
  await order('Bruno', 2);
  // Élodie: one link live (verified), one cancelled (no spend); Bruno: one order of last year (outside the period).
  await sql`update orders set status = 'verified' where id = ${elodie[0]}`.execute(env.database.db);
  await sql`update orders set status = 'cancelled' where id = ${elodie[1]}`.execute(env.database.db);
  const bruno = await sql<{ id: string }>`select id from orders where client_id = ${fx.ids.Bruno} order by id limit 1`.execute(env.database.db);
  await sql`update orders set created_at = now() - interval '400 days' where id = ${bruno.rows[0].id}`.execute(env.database.db);
  return { fx, offer, leaEmail };
}

let F: Awaited<ReturnType<typeof fixture>>;
const byName = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.name, r]));
const team = async (c: Client, qs = '') => c.get(`/api/agency/team${qs ? `?${qs}` : ''}`);

describe('the team table', () => {
  beforeAll(async () => {
    F = await fixture();
  });

  it('rolls spend, orders by status, live links and clients up the hierarchy over the period', async () => {
    const price = F.offer.priceCents;
    const res = await team(F.fx.agency, 'limit=500');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.period.to).toBe(todayInParis());
    const rows = byName(res.body.items);
    expect(Object.keys(rows).sort()).toEqual(['Bruno', 'Éric Martin', 'Élodie Dupain', 'Hugo', 'Léa', 'Manon', 'Zoé Roux'].sort());
    expect(rows['Élodie Dupain']).toMatchObject({ spendCents: 2 * price, ordersCount: 3, liveLinks: 1, ordersByStatus: { placed: 1, verified: 1, cancelled: 1 }, clientsCount: 0 });
    expect(rows['Léa']).toMatchObject({ spendCents: 2 * price, ordersCount: 3, liveLinks: 1, clientsCount: 2, parentName: 'Manon' });
    expect(rows['Manon']).toMatchObject({ spendCents: 3 * price, ordersCount: 4, liveLinks: 1, clientsCount: 3 });
    // Bruno's order of last year is outside this month: not in the spend nor the counts.
    expect(rows['Hugo']).toMatchObject({ spendCents: price, ordersCount: 1, clientsCount: 1 });
    expect(rows['Bruno'].balanceCents).toBe(0);
    // A person's branch balance is its wallet and every wallet below it.
    const items = res.body.items as (Row & { parentId: string | null; subtreeBalanceCents: number })[];
    const below = (id: string): number =>
      items.filter((r) => r.parentId === id).reduce((s, r) => s + r.balanceCents + below(r.id), 0);
    for (const name of ['Manon', 'Léa', 'Hugo']) {
      const r = items.find((i) => i.name === name)!;
      expect(r.subtreeBalanceCents, name).toBe(r.balanceCents + below(r.id));
    }
    const more = await F.fx.agency.post('/api/transfers', { fromAccountId: F.fx.agencyId, toAccountId: F.fx.ids['Zoé Roux'], amountCents: 1234 });
    expect(more.status).toBe(201);
    const after = byName((await team(F.fx.agency, 'limit=500')).body.items) as Record<string, Row & { subtreeBalanceCents: number }>;
    expect(after['Manon'].subtreeBalanceCents).toBe(items.find((i) => i.name === 'Manon')!.subtreeBalanceCents + 1234);
    expect(after['Hugo'].subtreeBalanceCents).toBe(items.find((i) => i.name === 'Hugo')!.subtreeBalanceCents);
    // A period that holds last year's order too.
    const year = Number(todayInParis().slice(0, 4));
    const wide = byName((await team(F.fx.agency, `from=${year - 2}-01-01&limit=500`)).body.items);
    expect(wide['Hugo']).toMatchObject({ spendCents: 2 * price, ordersCount: 2 });
  });

  it('searches without accents or case, filters on role and person in charge, and refuses what is not in reach', async () => {
    const names = async (qs: string) => (await team(F.fx.agency, qs)).body.items.map((r: Row) => r.name).sort();
    expect(await names('q=ELODIE')).toEqual(['Élodie Dupain']);
    expect(await names('q=éri')).toEqual(['Éric Martin']);
    expect(await names('role=consultant')).toEqual(['Hugo', 'Léa']);
    expect(await names(`parentId=${F.fx.ids['Léa']}`)).toEqual(['Éric Martin', 'Élodie Dupain'].sort());
    const other = await makeAgency(env, 'simple', [['Intrus', 'client', 'agency']]);
    expect((await team(F.fx.agency, `parentId=${other.ids.Intrus}`)).status).toBe(404);
    // The other agency sees only its own.
    expect((await team(other.agency)).body.items.map((r: Row) => r.name)).toEqual(['Intrus']);
    // A consultant sees its own clients only.
    const lea = await acceptInvitation(env, F.leaEmail);
    expect((await team(lea)).body.items.map((r: Row) => r.name).sort()).toEqual(['Éric Martin', 'Élodie Dupain'].sort());
    // After signing in, Léa's last sign-in is shown to the agency.
    expect(byName((await team(F.fx.agency)).body.items)['Léa'].lastSignInAt).not.toBeNull();
    // A client or a standalone customer has no team table.
    const { client: customer } = await signUp(env);
    expect((await team(customer)).status).toBe(403);
  });

  it('sorts on every column with ties broken by id, and pages without loss or repeat', async () => {
    for (const sort of ['name', 'email', 'role', 'parent', 'status', 'clients', 'spend', 'orders', 'inProgress', 'live', 'balance', 'lastSignIn']) {
      for (const order of ['asc', 'desc']) {
        const all = (await team(F.fx.agency, `sort=${sort}&order=${order}&limit=500`)).body.items.map((r: Row) => r.id);
        const paged: string[] = [];
        let cursor: string | null = null;
        do {
          const res = await team(F.fx.agency, `sort=${sort}&order=${order}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.status).toBe(200);
          paged.push(...res.body.items.map((r: Row) => r.id));
          cursor = res.body.nextCursor;
        } while (cursor);
        expect(paged, `${sort} ${order}`).toEqual(all);
        expect(new Set(paged).size).toBe(7);
      }
    }
    const bySpend = (await team(F.fx.agency, 'sort=spend&order=desc')).body.items.map((r: Row) => r.name);
    expect(bySpend.slice(0, 2)).toEqual(['Manon', bySpend[1]]);
    expect(['Léa', 'Élodie Dupain']).toContain(bySpend[1]);
    // Ties (the clients with no clients below them) come in id order.
    const byClients = (await team(F.fx.agency, 'sort=clients&order=asc')).body.items as Row[];
    const zeros = byClients.filter((r) => r.clientsCount === 0).map((r) => r.id);
    expect(zeros).toEqual([...zeros].sort());
  });

  it('answers for the first and last days a date accepts, which split into months at the edges', async () => {
    for (const qs of ['from=0001-01-01&to=9999-12-31', 'from=9999-11-15&to=9999-12-31', 'from=0001-01-15&to=0001-03-02']) {
      const res = await team(F.fx.agency, qs);
      expect(res.status, `${qs}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    const all = byName((await team(F.fx.agency, 'from=0001-01-01&to=9999-12-31&limit=500')).body.items);
    expect(all['Hugo'].ordersCount).toBe(2);
  });

  it('answers 400 naming the field for a bad period, sort or cursor', async () => {
    for (const [qs, field] of [
      ['from=2026-02-30', 'from'],
      ['to=2026-13-01', 'to'],
      ['from=2026-05-02&to=2026-05-01', 'from'],
      ['sort=colour', 'sort'],
      ['order=up', 'order'],
      ['cursor=nonsense', 'cursor'],
      ['limit=0', 'limit'],
    ]) {
      const res = await team(F.fx.agency, qs);
      expect(res.status, qs).toBe(400);
      expect(res.body.error.field, qs).toBe(field);
    }
    // A cursor of another sort is refused rather than misread.
    const page = await team(F.fx.agency, 'sort=spend&limit=2');
    expect((await team(F.fx.agency, `sort=name&limit=2&cursor=${page.body.nextCursor}`)).status).toBe(400);
  });

  it('exports the same table as CSV: French columns, decimal euros, no live formula', async () => {
    await F.fx.agency.patch(`/api/accounts/${F.fx.ids['Éric Martin']}`, { name: '=HYPERLINK("http://x","y")' });
    const res = await env.app.inject({ method: 'GET', url: '/api/agency/team.csv?role=client&sort=spend&order=desc', headers: { cookie: `maillon_session=${F.fx.agency.cookie}` } });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/csv');
    const rows = parse(res.body.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
    expect(rows[0].slice(0, 8)).toEqual(['Nom', 'E-mail', 'Rôle', 'Responsable', 'Statut', 'Clients', 'Dépenses (€)', 'Commandes']);
    expect(rows).toHaveLength(1 + 4);
    expect(rows[1][0]).toBe('Élodie Dupain');
    expect(rows[1][6]).toBe((2 * F.offer.priceCents / 100).toFixed(2).replace('.', ','));
    expect(rows.find((r) => r[0].includes('HYPERLINK'))![0]).toBe(`'=HYPERLINK("http://x","y")`);
    const bad = await env.app.inject({ method: 'GET', url: '/api/agency/team.csv?from=2026-02-30', headers: { cookie: `maillon_session=${F.fx.agency.cookie}` } });
    expect(bad.statusCode).toBe(400);
  });
});

describe('bulk allocation', () => {
  let fx: AgencyFixture;
  beforeAll(async () => {
    fx = await makeAgency(env, 'simple', [
      ['A', 'client', 'agency'],
      ['B', 'client', 'agency'],
      ['C', 'client', 'agency'],
    ]);
    await fundWallet(env, fx.agency, fx.agencyId, 100_00);
  });
  const wallet = async (id: string) => (await fx.agency.get(`/api/accounts/${id}/wallet`)).body.availableCents as number;

  it('moves every line in one go, replays the same key, refuses the same key with another body', async () => {
    const body = { fromAccountId: fx.agencyId, allocations: [{ toAccountId: fx.ids.A, amountCents: 10_01 }, { toAccountId: fx.ids.B, amountCents: 20_00 }], memo: 'Budget de décembre' };
    const first = await fx.agency.post('/api/transfers/bulk', body, { 'idempotency-key': 'bulk-key-0001' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.totalCents).toBe(30_01);
    expect(first.body.items).toHaveLength(2);
    const replay = await fx.agency.post('/api/transfers/bulk', body, { 'idempotency-key': 'bulk-key-0001' });
    expect(replay.body).toEqual(first.body);
    expect(await wallet(fx.agencyId)).toBe(100_00 - 30_01);
    expect(await wallet(fx.ids.A)).toBe(10_01);
    const other = await fx.agency.post('/api/transfers/bulk', { ...body, memo: 'autre' }, { 'idempotency-key': 'bulk-key-0001' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_conflict');
  });

  it('moves nothing when the total is short, a target is out of reach, twice or closed', async () => {
    const before = [await wallet(fx.agencyId), await wallet(fx.ids.A), await wallet(fx.ids.B), await wallet(fx.ids.C)];
    const short = await fx.agency.post('/api/transfers/bulk', {
      fromAccountId: fx.agencyId,
      allocations: [{ toAccountId: fx.ids.A, amountCents: 60_00 }, { toAccountId: fx.ids.C, amountCents: 60_00 }],
    });
    expect(short.status).toBe(409);
    expect(short.body.error.code).toBe('insufficient_funds');
    const stranger = await makeAgency(env, 'simple', [['X', 'client', 'agency']]);
    const foreign = await fx.agency.post('/api/transfers/bulk', {
      fromAccountId: fx.agencyId,
      allocations: [{ toAccountId: fx.ids.A, amountCents: 1 }, { toAccountId: stranger.ids.X, amountCents: 1 }],
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.field).toBe('allocations.1.toAccountId');
    const twice = await fx.agency.post('/api/transfers/bulk', {
      fromAccountId: fx.agencyId,
      allocations: [{ toAccountId: fx.ids.A, amountCents: 1 }, { toAccountId: fx.ids.A, amountCents: 1 }],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.field).toBe('allocations.1.toAccountId');
    for (const allocations of [[], [{ toAccountId: fx.ids.A, amountCents: 0 }], [{ toAccountId: fx.ids.A, amountCents: 1.5 }], Array.from({ length: 201 }, () => ({ toAccountId: fx.ids.A, amountCents: 1 }))]) {
      expect((await fx.agency.post('/api/transfers/bulk', { fromAccountId: fx.agencyId, allocations })).status).toBe(400);
    }
    expect([await wallet(fx.agencyId), await wallet(fx.ids.A), await wallet(fx.ids.B), await wallet(fx.ids.C)]).toEqual(before);
    expect(await totalOfAllWallets(env)).toBe(0);
  });
});

describe('bulk change of the person in charge', () => {
  it('moves several clients at once, audited each; a dry run changes nothing; one line out of reach moves none', async () => {
    const fx = await makeAgency(env, 'complete', [
      ['Manon', 'manager', 'agency'],
      ['Léa', 'consultant', 'Manon'],
      ['Théo', 'consultant', 'Manon'],
      ['K1', 'client', 'Léa'],
      ['K2', 'client', 'Léa'],
      ['K3', 'client', 'Léa'],
    ]);
    const parents = async () => byName((await team(fx.agency, 'role=client')).body.items);
    const dry = await fx.agency.post('/api/agency/moves', { accountIds: [fx.ids.K1, fx.ids.K2], parentId: fx.ids['Théo'], dryRun: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.applied).toBe(false);
    expect(dry.body.items.map((i: { changed: boolean }) => i.changed)).toEqual([true, true]);
    expect((await parents()).K1.parentName).toBe('Léa');

    const other = await makeAgency(env, 'simple', [['X', 'client', 'agency']]);
    const foreign = await fx.agency.post('/api/agency/moves', { accountIds: [fx.ids.K1, other.ids.X], parentId: fx.ids['Théo'] });
    expect(foreign.status).toBe(404);
    // A line against a rule (a consultant under a consultant) stops them all, naming the line.
    const rule = await fx.agency.post('/api/agency/moves', { accountIds: [fx.ids.K1, fx.ids['Léa']], parentId: fx.ids['Théo'] });
    expect(rule.status).toBe(422);
    expect(rule.body.error.field).toBe('accountIds.1');
    expect((await parents()).K1.parentName).toBe('Léa');
    const dup = await fx.agency.post('/api/agency/moves', { accountIds: [fx.ids.K1, fx.ids.K1], parentId: fx.ids['Théo'] });
    expect(dup.status).toBe(400);

    const moved = await fx.agency.post('/api/agency/moves', { accountIds: [fx.ids.K1, fx.ids.K2], parentId: fx.ids['Théo'] });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.applied).toBe(true);
    const after = await parents();
    expect([after.K1.parentName, after.K2.parentName, after.K3.parentName]).toEqual(['Théo', 'Théo', 'Léa']);
    const audit = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'account.rehome' and target_id = any(${[fx.ids.K1, fx.ids.K2]}::text[])`.execute(env.database.db);
    expect(Number(audit.rows[0].n)).toBe(2);
  });
});
