import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, readCacheOf } from '../app.js';
import { acceptInvitation, Client, fundWallet, makeAgency, makeOffer, startTestEnv, supportClient, uniqueEmail, type TestEnv } from '../testing/harness.js';
import { acceptsGzip, KEEP_MS, ReadCache } from './read-cache.js';

/**
 * The read cache (issue 13) never gives an answer that a read without it would not give: two app
 * processes on one database, one writing, the other answering from what it kept, compared with a
 * third that keeps nothing.
 */

let env: TestEnv;
let other: FastifyInstance; // another process: where the writes go
let fresh: FastifyInstance; // a process that keeps nothing: the truth
beforeAll(async () => {
  env = await startTestEnv();
  other = await buildApp({ config: env.config, database: env.database, webRoot: null });
  fresh = await buildApp({ config: { ...env.config, readCacheBytes: 0 }, database: env.database, webRoot: null });
});
afterAll(async () => {
  await other?.close();
  await fresh?.close();
  await env?.close();
});

/** The same signed-in person on another app process (the session lives in the database). */
function on(app: FastifyInstance, client: Client): Client {
  const twin = new Client(app, client.address, client.lang);
  twin.cookie = client.cookie;
  twin.csrf = client.csrf;
  return twin;
}

async function setup() {
  const consultantEmail = uniqueEmail('consultant');
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency'],
    ['Claire', 'consultant', 'Manon', consultantEmail],
    ['Boulangerie', 'client', 'Claire'],
    ['Fleuriste', 'client', 'Claire'],
  ]);
  await fundWallet(env, fx.agency, fx.agencyId, 5_000_00);
  expect((await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: 3_000_00 })).status).toBe(201);
  const project = (await fx.agency.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'Site vitrine', url: 'https://boulangerie-test.fr/' })).body;
  const offer = await makeOffer(env, { keywords: [{ keyword: 'pain au levain artisanal', position: 2, volume: 900 }] });
  const consultant = await acceptInvitation(env, consultantEmail);
  return { fx, project, offer, consultant };
}

const READS = [
  '/api/accounts?limit=50',
  '/api/accounts?role=client&status=active&limit=25',
  '/api/orders?limit=50',
  '/api/dashboard',
  '/api/agency/team',
  '/api/catalog/offers?keyword=levain',
];

describe('the read cache', () => {
  it('keeps an answer, gives it again while nothing changed, and gives it gzipped to a client that accepts gzip', async () => {
    const { fx } = await setup();
    for (const url of READS) {
      const first = await fx.agency.get(url);
      expect(first.status, url).toBe(200);
      expect(first.headers['x-read-cache'], url).toBe('miss');
      const again = await fx.agency.get(url);
      expect(again.headers['x-read-cache'], url).toBe('hit');
      expect(again.body, url).toEqual(first.body);
      expect(again.body, url).toEqual((await on(fresh, fx.agency).get(url)).body);
    }
    const res = await env.app.inject({ method: 'GET', url: '/api/agency/team', headers: { cookie: `maillon_session=${fx.agency.cookie}`, 'accept-encoding': 'br;q=1, gzip;q=0.8' } });
    expect(res.headers['x-read-cache']).toBe('hit');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toContain('accept-encoding');
    expect(JSON.parse(gunzipSync(res.rawPayload).toString())).toEqual((await fx.agency.get('/api/agency/team')).body);
  });

  it('gives every change made elsewhere at once: another process, the publisher, support, a script in SQL', async () => {
    const { fx, project, offer, consultant } = await setup();
    const writer = on(other, fx.agency);
    const publisher = on(other, offer.publisher);
    let renamed = 0;
    let guarantee = 12;
    const ops: Record<string, () => Promise<unknown>> = {
      transfer: () => writer.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Fleuriste, amountCents: 1_00 }),
      rename: () => writer.patch(`/api/accounts/${fx.ids.Fleuriste}`, { name: `Fleuriste ${++renamed}` }),
      order: () =>
        writer.post('/api/orders', { projectId: project.id, offerId: offer.offerId, targetUrl: 'https://boulangerie-test.fr/pain', anchor: 'pain au levain' }),
      accept: async () => {
        const items: { id: string; status: string }[] = (await publisher.get('/api/publisher/orders')).body?.items ?? [];
        const placed = items.find((o) => o.status === 'placed');
        if (placed) expect((await publisher.post(`/api/publisher/orders/${placed.id}/accept`)).status).toBe(200);
      },
      guarantee: () => publisher.patch(`/api/publisher/sites/${offer.siteId}`, { guaranteeMonths: (guarantee = 18 - guarantee) }),
      article: () =>
        publisher.post(`/api/publisher/sites/${offer.siteId}/articles`, {
          url: `https://${offer.domain}/levain-${++renamed}`,
          keywords: [{ keyword: `levain au four ${renamed}`, position: 4, volume: 300 }],
        }),
      topUp: () => fundWallet(env, writer, fx.agencyId, 10_00), // confirmed by support
      script: () => sql`update accounts set name = ${`Boulangerie ${++renamed}`} where id = ${fx.ids.Boulangerie}`.execute(env.database.db),
      newClient: () => writer.post('/api/accounts', { role: 'client', name: `Client ${++renamed}`, parentId: fx.ids.Claire }),
    };
    const readers = [fx.agency, consultant];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...Object.keys(ops)), { minLength: 1, maxLength: 4 }), async (steps) => {
        for (const reader of readers) for (const url of READS) await reader.get(url); // kept before the changes
        for (const step of steps) await ops[step]();
        for (const reader of readers) {
          for (const url of READS) {
            const kept = await reader.get(url);
            const truth = await on(fresh, reader).get(url);
            expect(kept.status, `${url} after ${steps}`).toBe(truth.status);
            expect(kept.body, `${url} after ${steps}`).toEqual(truth.body);
          }
        }
      }),
      // each change alone first: a kept answer that one of them leaves stale is found without luck
      { numRuns: 20, examples: Object.keys(ops).map((op) => [[op]]) },
    );
  });

  it('keeps answers per person: another tenant, a consultant, and support acting for the agency get their own', async () => {
    const a = await setup();
    const b = await setup();
    const team = (await a.fx.agency.get('/api/agency/team')).body;
    expect((await a.fx.agency.get('/api/agency/team')).headers['x-read-cache']).toBe('hit');
    const theirs = await b.fx.agency.get('/api/agency/team');
    expect(theirs.headers['x-read-cache']).toBe('miss');
    expect(theirs.body).not.toEqual(team);
    expect(theirs.body).toEqual((await on(fresh, b.fx.agency).get('/api/agency/team')).body);
    const mine = await a.consultant.get('/api/accounts?limit=50');
    expect(mine.body.items.map((i: { name: string }) => i.name).sort()).toEqual(['Boulangerie', 'Fleuriste']);
    // support reads every tenant: never kept; acting for the agency, it gets the agency's answer under its own key
    const support = await supportClient(env);
    expect((await support.get('/api/accounts?limit=50')).headers['x-read-cache']).toBeUndefined();
    expect((await support.post('/api/act-as', { accountId: a.fx.agencyId, reason: 'ticket 42' })).status).toBe(200);
    const acting = await support.get('/api/agency/team');
    expect(acting.headers['x-read-cache']).toBe('miss');
    expect(acting.body).toEqual(team);
  });

  it('answers a request in another language with the answer in that language', async () => {
    const { fx } = await setup();
    await fx.agency.get('/api/dashboard');
    const english = on(env.app, fx.agency);
    english.lang = 'en';
    const res = await english.get('/api/dashboard');
    expect(res.headers['x-read-cache']).toBe('miss');
    expect(res.body).toEqual((await on(fresh, english).get('/api/dashboard')).body);
  });

  it('keeps nothing that is not a 200 answer, and nothing with MAILLON_READ_CACHE_MB=0', async () => {
    const { fx } = await setup();
    const bad = await fx.agency.get('/api/orders?limit=abc');
    expect(bad.status).toBe(400);
    const again = await fx.agency.get('/api/orders?limit=abc');
    expect(again.status).toBe(400);
    expect(again.headers['x-read-cache']).not.toBe('hit');
    const before = readCacheOf(fresh).size;
    await on(fresh, fx.agency).get('/api/agency/team');
    expect((await on(fresh, fx.agency).get('/api/agency/team')).headers['x-read-cache']).toBeUndefined();
    expect(readCacheOf(fresh).size).toEqual(before);
  });
});

describe('ReadCache', () => {
  const body = (n: number) => Buffer.from('x'.repeat(n));

  it('forgets an answer after KEEP_MS', () => {
    const cache = new ReadCache(1_000_000);
    cache.set('k', body(10), 'application/json', 0);
    expect(cache.get('k', KEEP_MS - 1)?.body.toString()).toBe('x'.repeat(10));
    expect(cache.get('k', KEEP_MS)).toBeUndefined();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });

  it('stays under its memory, dropping the answers used least recently', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 5_000 }), fc.boolean())), (steps) => {
        const cache = new ReadCache(40_000);
        let last: string | null = null; // the last answer kept: the most recently used, never the one dropped
        for (const [k, size, read] of steps) {
          if (read && last !== null) expect(cache.get(last)).toBeDefined();
          else if (cache.set(`key ${k}`, body(size), 'application/json')) last = `key ${k}`;
          else expect(size).toBeGreaterThan(40_000 / 8 - 200 - 2 * `key ${k}`.length); // only an answer too big for its share is refused
          expect(cache.size.bytes).toBeLessThanOrEqual(40_000);
        }
      }),
    );
  });

  it('reads Accept-Encoding as HTTP says', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('br, deflate')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip(['deflate', 'gzip'])).toBe(true);
  });
});
