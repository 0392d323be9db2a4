import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundWallet, makeAgency, makeOffer, startTestEnv, type Client, type TestEnv } from '../../testing/harness.js';

/**
 * The agency's exports (orders.csv, ledger.csv): streamed from batched reads, every row once even
 * past a batch with equal times, and no cell a spreadsheet would run as a formula.
 */

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

const EVIL = '=HYPERLINK("http://x","y")';

async function download(client: Client, url: string) {
  const res = await env.app.inject({ method: 'GET', url, headers: { cookie: `maillon_session=${client.cookie}` } });
  return {
    status: res.statusCode,
    type: String(res.headers['content-type']),
    rows: res.statusCode === 200 ? (parse(res.body.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][]) : [],
  };
}

/** An agency whose client (renamed to a formula by itself) has an order and some credits moved. */
async function setup() {
  const fx = await makeAgency(env, 'simple', [['Client', 'client', 'agency']]);
  const offer = await makeOffer(env);
  await fundWallet(env, fx.agency, fx.agencyId, 10 * offer.priceCents);
  await fx.agency.post('/api/transfers', {
    fromAccountId: fx.agencyId,
    toAccountId: fx.ids.Client,
    amountCents: 2 * offer.priceCents,
    memo: '@SUM(A1:A9)',
  });
  const project = await fx.agency.post('/api/projects', {
    clientId: fx.ids.Client,
    name: '+Projet',
    url: 'https://export-test.fr',
  });
  const order = await fx.agency.post('/api/orders', {
    projectId: project.body.id,
    offerId: offer.offerId,
    targetUrl: 'https://export-test.fr/',
    anchor: '-ancre',
  });
  expect(order.status).toBe(201);
  const renamed = await fx.agency.patch(`/api/accounts/${fx.ids.Client}`, { name: EVIL });
  expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
  return { fx, offer, orderId: order.body.id as string };
}

describe('CSV exports', () => {
  it('an account named =HYPERLINK(...) reaches orders.csv and ledger.csv as text, amounts stay numbers', async () => {
    const { fx } = await setup();
    const orders = await download(fx.agency, '/api/orders.csv');
    expect(orders.type).toContain('text/csv');
    expect(orders.rows).toHaveLength(2);
    const [header, row] = orders.rows;
    expect(row[header.indexOf('Client')]).toBe(`'${EVIL}`);
    expect(row[header.indexOf('Projet')]).toBe("'+Projet");
    expect(row[header.indexOf('Ancre')]).toBe("'-ancre");

    const ledger = await download(fx.agency, `/api/accounts/${fx.agencyId}/ledger.csv`);
    const allocation = ledger.rows.find((r) => r[1] === 'Attribution')!;
    expect(allocation[4]).toBe(`'${EVIL}`);
    expect(allocation[6]).toBe("'@SUM(A1:A9)");
    expect(allocation[2]).toMatch(/^-\d+,\d\d$/);
  });

  it('exports more rows than a batch, with equal times, each once', async () => {
    const { fx, orderId } = await setup();
    // 1,200 more orders, all at the same instant as the first.
    await sql`
      insert into orders (client_id, agency_id, project_id, article_id, site_id, publisher_id, keyword, price_cents, commission_bp,
                          target_url, anchor, status, created_at, accept_by)
      select client_id, agency_id, project_id, article_id, site_id, publisher_id, keyword, price_cents, commission_bp,
             target_url, 'ancre ' || g, 'cancelled', created_at, accept_by
      from orders, generate_series(1, 1200) g where id = ${orderId}`.execute(env.database.db);
    const orders = await download(fx.agency, '/api/orders.csv');
    const anchors = orders.rows.slice(1).map((r) => r[orders.rows[0].indexOf('Ancre')]);
    expect(anchors).toHaveLength(1201);
    expect(new Set(anchors).size).toBe(1201);

    // 1,100 more ledger entries on the agency's wallet.
    const support = await sql<{ id: string }>`select id from accounts where role = 'support' limit 1`.execute(env.database.db);
    await sql`
      select ledger_transfer(${fx.agencyId}::uuid, ${fx.ids.Client}::uuid, 1::bigint, 0::bigint, 'allocation', 'lot ' || g, null::uuid,
                             ${support.rows[0].id}::uuid, ${fx.agencyId}::uuid, null::text)
      from generate_series(1, 1100) g`.execute(env.database.db);
    const ledger = await download(fx.agency, `/api/accounts/${fx.agencyId}/ledger.csv`);
    const memos = ledger.rows
      .slice(1)
      .map((r) => r[6])
      .filter((m) => m.startsWith('lot '));
    expect(memos).toHaveLength(1100);
    expect(new Set(memos).size).toBe(1100);
    expect(memos[0]).toBe('lot 1100');
  });

  it('an export out of reach is a 404, not a broken download', async () => {
    const { fx } = await setup();
    const other = await makeAgency(env, 'simple');
    const res = await download(other.agency, `/api/accounts/${fx.agencyId}/ledger.csv`);
    expect(res.status).toBe(404);
  });
});
