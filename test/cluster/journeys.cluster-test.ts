import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

// The main journeys through HAProxy in front of three app processes over PgBouncer in transaction
// pooling mode (test/cluster/global-setup.ts starts them). HAProxy balances round-robin and names the
// process that answered (`x-maillon-backend`): each journey proves it crossed every process.

const cluster = inject('cluster');
const PASSWORD = 'maillon-demo-2026';
const PROCESSES = cluster.backends.length;

type Answer = { status: number; data: any; backend: string; cache: string | null };

/** A browser: its session cookie, its CSRF token, the processes that answered it. */
class Visitor {
  cookie = '';
  csrf = '';
  readonly backends: string[] = [];

  async send(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; csrf?: boolean } = {}): Promise<Answer> {
    const response = await fetch(cluster.url + path, {
      method,
      headers: {
        'accept-language': 'fr',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' && options.csrf !== false ? { 'x-csrf-token': this.csrf } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    const data = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    if (data && typeof data.csrfToken === 'string') this.csrf = data.csrfToken;
    const backend = response.headers.get('x-maillon-backend') ?? '?';
    this.backends.push(backend);
    return { status: response.status, data, backend, cache: response.headers.get('x-read-cache') };
  }

  /** The answer's body, failing the test on any status but `expected`. */
  async ok(method: string, path: string, body?: unknown, expected = [200, 201, 204]): Promise<any> {
    const answer = await this.send(method, path, { body });
    if (!expected.includes(answer.status)) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.data)}`);
    return answer.data;
  }

  static async signIn(email: string, password = PASSWORD) {
    const visitor = new Visitor();
    await visitor.ok('POST', '/api/auth/login', { email, password });
    return visitor;
  }
}

const processesOf = (answers: Answer[]) => new Set(answers.map((a) => a.backend));

let agency: Visitor;
let support: Visitor;
let agencyId: string;
let boulangerieId: string;

beforeAll(async () => {
  [agency, support] = await Promise.all([Visitor.signIn('agence@maillon.test'), Visitor.signIn('support@maillon.test')]);
  agencyId = (await agency.ok('GET', '/api/me')).account.id;
  const clients = await agency.ok('GET', `/api/accounts?role=client&q=${encodeURIComponent('Boulangerie')}`);
  boulangerieId = clients.items.find((a: { name: string }) => a.name === 'Boulangerie Dupain').id;
});

describe('the layout under test', () => {
  it('runs every process over PgBouncer in transaction pooling mode, and three processes answer', async () => {
    const admin = new pg.Client({ connectionString: cluster.bouncerAdminUrl });
    await admin.connect();
    try {
      const pools = (await admin.query('SHOW POOLS')).rows.filter((p: { database: string }) => p.database === cluster.database);
      expect(pools.map((p: { pool_mode: string }) => p.pool_mode)).toEqual(['transaction']);
      const stats = (await admin.query('SHOW STATS')).rows.find((s: { database: string }) => s.database === cluster.database);
      expect(Number(stats.total_xact_count)).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    const answers = await Promise.all(Array.from({ length: PROCESSES * 2 }, () => new Visitor().send('GET', '/api/health')));
    expect(answers.map((a) => [a.status, a.data.database])).toEqual(answers.map(() => [200, 'postgres']));
    expect(processesOf(answers).size).toBe(PROCESSES);
  });
});

describe('sessions, CSRF and acting-as across processes', () => {
  it('a session opened on one process is honoured by every other', async () => {
    const visitor = await Visitor.signIn('camille@maillon.test');
    const answers = await Promise.all(Array.from({ length: PROCESSES * 2 }, () => visitor.send('GET', '/api/me')));
    expect(answers.map((a) => [a.status, a.data.person.email])).toEqual(answers.map(() => [200, 'camille@maillon.test']));
    expect(processesOf(answers).size).toBe(PROCESSES);

    // signed out on one process: refused by every process
    await visitor.ok('POST', '/api/auth/logout');
    const after = await Promise.all(Array.from({ length: PROCESSES * 2 }, () => visitor.send('GET', '/api/me')));
    expect(after.map((a) => a.status)).toEqual(after.map(() => 401));
    expect(processesOf(after).size).toBe(PROCESSES);
  });

  it('every process refuses an unsafe request without the CSRF token, and takes it with the token', async () => {
    const visitor = await Visitor.signIn('hugo@maillon.test');
    const refused = await Promise.all(
      Array.from({ length: PROCESSES * 2 }, () => visitor.send('POST', '/api/notifications/read', { body: {}, csrf: false })),
    );
    expect(refused.map((a) => a.status)).toEqual(refused.map(() => 403));
    expect(processesOf(refused).size).toBe(PROCESSES);
    const accepted = await Promise.all(Array.from({ length: PROCESSES * 2 }, () => visitor.send('POST', '/api/notifications/read', { body: {} })));
    expect(accepted.map((a) => a.status)).toEqual(accepted.map(() => 204));
    expect(processesOf(accepted).size).toBe(PROCESSES);
  });

  it('acting as a client, started on one process, holds on the others until stopped on another', async () => {
    const owner = await Visitor.signIn('agence@maillon.test');
    const oldCsrf = owner.csrf;
    const started = await owner.ok('POST', '/api/act-as', { accountId: boulangerieId });
    expect(started).toMatchObject({ actingAs: true, account: { id: boulangerieId } });
    expect(owner.csrf).not.toBe(oldCsrf);

    const acting = await Promise.all(Array.from({ length: PROCESSES * 2 }, () => owner.send('GET', '/api/me')));
    expect(acting.map((a) => [a.status, a.data.actingAs, a.data.account.name, a.data.person.email])).toEqual(
      acting.map(() => [200, true, 'Boulangerie Dupain', 'agence@maillon.test']),
    );
    expect(processesOf(acting).size).toBe(PROCESSES);

    // the token of the session before act-as is refused everywhere
    const stale = await Promise.all(
      Array.from({ length: PROCESSES }, () => owner.send('POST', '/api/notifications/read', { body: {}, headers: { 'x-csrf-token': oldCsrf } })),
    );
    expect(stale.map((a) => a.status)).toEqual(stale.map(() => 403));

    await owner.ok('POST', '/api/act-as/stop');
    const back = await Promise.all(Array.from({ length: PROCESSES * 2 }, () => owner.send('GET', '/api/me')));
    expect(back.map((a) => [a.data.actingAs, a.data.account.id])).toEqual(back.map(() => [false, agencyId]));
    expect(processesOf(back).size).toBe(PROCESSES);
  });
});

describe('money across processes', () => {
  it('one idempotency key sent to every process at once moves the money once, and every answer is the same transfer', async () => {
    const topUp = await agency.ok('POST', `/api/accounts/${agencyId}/top-ups`, { amountCents: 5_000_00, method: 'bank_transfer' });
    await support.ok('POST', `/api/support/top-ups/${topUp.id}/confirm`);
    const before = await agency.ok('GET', `/api/accounts/${boulangerieId}/wallet`);

    const key = randomUUID();
    const body = { fromAccountId: agencyId, toAccountId: boulangerieId, amountCents: 1_500_00, memo: 'Budget cluster' };
    const answers = await Promise.all(
      Array.from({ length: PROCESSES * 4 }, () => agency.send('POST', '/api/transfers', { body, headers: { 'idempotency-key': key } })),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    expect(new Set(answers.map((a) => JSON.stringify(a.data))).size).toBe(1);
    expect(processesOf(answers).size).toBe(PROCESSES);

    const after = await agency.ok('GET', `/api/accounts/${boulangerieId}/wallet`);
    expect(after.postedCents - before.postedCents).toBe(1_500_00);
    const entries = (await agency.ok('GET', `/api/accounts/${boulangerieId}/ledger`)).items.filter(
      (e: { memo: string | null }) => e.memo === 'Budget cluster',
    );
    expect(entries).toHaveLength(1);

    // the same key with another body: refused by any process, nothing moved
    const conflict = await agency.send('POST', '/api/transfers', { body: { ...body, amountCents: 1 }, headers: { 'idempotency-key': key } });
    expect(conflict.status).toBe(409);
    expect((await agency.ok('GET', `/api/accounts/${boulangerieId}/wallet`)).postedCents).toBe(after.postedCents);
  });
});

describe('answers kept by each process (the read cache)', () => {
  it('a change made through one process is in the next answer of every other, kept or not', async () => {
    const team = async () => Promise.all(Array.from({ length: PROCESSES * 2 }, () => agency.send('GET', '/api/agency/team?limit=200')));
    const nameIn = (answers: Answer[]) =>
      answers.map((a) => a.data.items.find((m: { id: string; name: string }) => m.id === boulangerieId)?.name ?? null);
    const first = await team();
    expect(processesOf(first).size).toBe(PROCESSES);
    const kept = await team();
    expect(kept.map((a) => a.status)).toEqual(kept.map(() => 200));
    // kept by the processes (a background sweep writing to the agency in between would start them again)
    expect(kept.some((a) => a.cache === 'hit')).toBe(true);
    const name = `Boulangerie Dupain ${randomUUID().slice(0, 6)}`;
    await agency.ok('PATCH', `/api/accounts/${boulangerieId}`, { name });
    const after = await team();
    expect(nameIn(after)).toEqual(after.map(() => name));
    expect(after.some((a) => a.cache === 'miss')).toBe(true);
    expect(processesOf(after).size).toBe(PROCESSES);
    await agency.ok('PATCH', `/api/accounts/${boulangerieId}`, { name: 'Boulangerie Dupain' });
    expect(nameIn(await team())).toEqual(after.map(() => 'Boulangerie Dupain'));
  });
});

describe('orders and background verification across processes', () => {
  let site: Server;
  let origin: string;
  const fetches = new Map<string, number>();
  const ANCHOR = 'pain au levain artisanal';
  const TARGET = 'https://cluster.boulangerie-dupain.fr/pain-au-levain';

  beforeAll(async () => {
    site = createServer((request, response) => {
      const path = request.url ?? '/';
      fetches.set(path, (fetches.get(path) ?? 0) + 1);
      if (path.startsWith('/article-')) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(
          `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Article</title></head><body><article><p>Lisez <a href="${TARGET}">${ANCHOR}</a>.</p></article></body></html>`,
        );
      } else response.writeHead(404, { 'content-type': 'text/plain' }).end('introuvable');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('orders placed through the balancer are verified once each, by one process, whichever takes the job', async () => {
    const ARTICLES = 6;
    const publisher = new Visitor();
    await publisher.ok('POST', '/api/auth/signup', {
      email: `editeur-cluster-${randomUUID().slice(0, 8)}@maillon.test`,
      password: 'un-mot-de-passe-solide',
      name: 'Éditeur du cluster',
      kind: 'publisher',
    });
    const created = await publisher.ok('POST', '/api/publisher/sites', { domain: origin, theme: 'cuisine', siteKind: 'thematic', language: 'fr' });
    await support.ok('POST', `/api/support/sites/${created.id}/approve`);
    const keyword = `levain cluster ${randomUUID().slice(0, 6)}`;
    for (let i = 0; i < ARTICLES; i++) {
      await publisher.ok('POST', `/api/publisher/sites/${created.id}/articles`, {
        url: `${origin}/article-${i}`,
        keywords: [{ keyword: `${keyword} ${i}`, position: 5, volume: 500 }],
      });
    }

    const project = await agency.ok('POST', '/api/projects', { clientId: boulangerieId, name: 'Cluster', url: 'https://cluster.boulangerie-dupain.fr/' });
    const offers = await agency.ok('GET', `/api/catalog/offers?keyword=${encodeURIComponent(keyword)}&limit=50`);
    const offerIds = [...new Set<string>(offers.items.map((o: { offerId: string }) => o.offerId))];
    expect(offerIds).toHaveLength(ARTICLES);

    const walletBefore = await agency.ok('GET', `/api/accounts/${boulangerieId}/wallet`);
    const placed = await Promise.all(
      offerIds.map((offerId) =>
        agency.send('POST', '/api/orders', {
          body: { projectId: project.id, offerId, targetUrl: TARGET, anchor: ANCHOR },
          headers: { 'idempotency-key': randomUUID() },
        }),
      ),
    );
    expect(placed.map((a) => a.status)).toEqual(placed.map(() => 201));
    const orderIds = placed.map((a) => a.data.id as string);

    const spent = placed.reduce((sum, a) => sum + (a.data.priceCents as number), 0);
    expect((await agency.ok('GET', `/api/accounts/${boulangerieId}/wallet`)).availableCents).toBe(walletBefore.availableCents - spent);

    const incoming = (await publisher.ok('GET', '/api/publisher/orders?limit=50')).items as { id: string; articleUrl: string }[];
    expect(incoming.map((o) => o.id).sort()).toEqual([...orderIds].sort());
    await Promise.all(incoming.map((o) => publisher.ok('POST', `/api/publisher/orders/${o.id}/accept`)));
    await Promise.all(incoming.map((o) => publisher.ok('POST', `/api/publisher/orders/${o.id}/placed`, { liveUrl: o.articleUrl })));

    // the background workers of the three processes compete for the checks
    const deadline = Date.now() + 90_000;
    let statuses: string[] = [];
    while (Date.now() < deadline) {
      statuses = (await Promise.all(orderIds.map((id) => agency.ok('GET', `/api/orders/${id}`)))).map((o) => o.status);
      if (statuses.every((s) => s === 'verified')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(statuses).toEqual(orderIds.map(() => 'verified'));

    for (const id of orderIds) {
      const checks = await agency.ok('GET', `/api/orders/${id}/checks`);
      expect(checks.items ?? checks).toHaveLength(1);
    }
    // each article fetched once: no two processes ran the same check
    expect(Array.from({ length: ARTICLES }, (_, i) => fetches.get(`/article-${i}`) ?? 0)).toEqual(Array.from({ length: ARTICLES }, () => 1));
  });
});

describe('the sign-in limit is one for every process', () => {
  it('five wrong passwords spread over the processes lock the pair, whatever X-Forwarded-For a client forges', async () => {
    const visitor = new Visitor();
    const wrong = [];
    for (let i = 0; i < 5; i++) {
      wrong.push(
        await visitor.send('POST', '/api/auth/login', {
          body: { email: 'nathan@maillon.test', password: `pas-le-bon-${i}` },
          headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
        }),
      );
    }
    expect(wrong.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(processesOf(wrong).size).toBe(PROCESSES);
    const locked = await Promise.all(
      Array.from({ length: PROCESSES }, (_, i) =>
        visitor.send('POST', '/api/auth/login', {
          body: { email: 'nathan@maillon.test', password: PASSWORD },
          headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
        }),
      ),
    );
    expect(locked.map((a) => a.status)).toEqual(locked.map(() => 429));
    expect(processesOf(locked).size).toBe(PROCESSES);
  });

  it('twenty wrong passwords at once on all processes: no more than the limit are even checked', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => new Visitor().send('POST', '/api/auth/login', { body: { email: 'theo@maillon.test', password: `faux-${i}` } })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(processesOf(answers).size).toBe(PROCESSES);
  });
});

describe('a process that dies', () => {
  it('killed -9 mid-journey: the balancer sends its users to the others, signed in still, the money whole', async () => {
    const visitor = await Visitor.signIn('lea@maillon.test');
    const victim = cluster.backends[cluster.backends.length - 1];
    const before = await agency.ok('GET', `/api/accounts/${boulangerieId}/wallet`);
    process.kill(victim.pid!, 'SIGKILL');

    const answers: Answer[] = [];
    for (let i = 0; i < PROCESSES * 4; i++) answers.push(await visitor.send('GET', '/api/me'));
    expect(answers.map((a) => [a.status, a.data.person?.email])).toEqual(answers.map(() => [200, 'lea@maillon.test']));
    expect([...processesOf(answers)].sort()).toEqual(cluster.backends.filter((b) => b !== victim).map((b) => b.name));

    const key = randomUUID();
    const body = { fromAccountId: agencyId, toAccountId: boulangerieId, amountCents: 10_00, memo: 'Après la panne' };
    const transfers = await Promise.all(Array.from({ length: 4 }, () => agency.send('POST', '/api/transfers', { body, headers: { 'idempotency-key': key } })));
    expect(transfers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect((await agency.ok('GET', `/api/accounts/${boulangerieId}/wallet`)).postedCents - before.postedCents).toBe(10_00);
  });
});
