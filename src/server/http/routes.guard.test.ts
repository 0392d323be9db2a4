import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { listRoutes, type RegisteredRoute } from '../app.js';
import { ensureSupportAccount } from '../db/seed.js';
import { transferCredits } from '../modules/ledger/service.js';
import { PLATFORM_ACTOR, SYSTEM_ACCOUNTS } from '../modules/ledger/system.js';
import { makePayable } from '../testing/payout-fixture.js';
import {
  acceptInvitation,
  Client,
  makeAgency,
  signUp,
  startTestEnv,
  supportClient,
  uniqueEmail,
  type TestEnv,
} from '../testing/harness.js';

/**
 * The "unauthorized access" test of every route, derived from the route table the app registered
 * (`listRoutes`), so that a route added tomorrow is walked without anyone editing this file:
 *
 * (a) without a session, every /api route answers 401, except an explicit allow-list of public
 *     routes; and with a session but without the CSRF token, every unsafe route answers 403;
 * (b) signed in to another tenant (a plain customer, another publisher, a manager and the root of
 *     agency B, with a valid CSRF token), every route called with the victims' ids (agency A's
 *     accounts, requests, top-ups, invoice, project, campaign, order; publisher P's site and
 *     import) in the path and in the id fields of the body and query answers 403/404 when the id
 *     is in the path, and its raw answer never contains a victim id; after the walk, the victims'
 *     accounts, tree, wallets, mode, requests, tokens, money, marketplace rows and audit trail are
 *     unchanged. A check first proves that every GET route with an id has a victim id its owner
 *     can read, so that a 404 there means "not yours" and not "no such thing". Every boolean flag
 *     of a route's schema is walked both ways (`dryRun` true and false), and each body also
 *     without its optional fields (a dry run changing neither role nor parent took another path);
 * (b) support, who reaches every customer account by design, gets 403/404 and never the id of
 *     another support person's account, which stays unchanged.
 *
 * Bodies and queries are derived from each route's zod schema so that they pass validation: a 400
 * (or 422) proves nothing about the id check, so it fails this test (teach `sampleString` the
 * new field). A new kind of resource needs one victim id in the fixture below.
 */

const PUBLIC_ROUTES = new Set([
  'GET /api/health',
  'HEAD /api/health',
  'GET /api/openapi.json',
  'HEAD /api/openapi.json',
  'POST /api/auth/signup',
  'POST /api/auth/login',
  'POST /api/auth/password-reset',
  'POST /api/auth/password-reset/confirm',
  'GET /api/auth/invitations/:token',
  'HEAD /api/auth/invitations/:token',
  'POST /api/auth/invitations/accept',
  'POST /api/auth/email/confirm',
  // the one-click unsubscribe of an e-mail: a single-use token, no session (RFC 8058)
  'POST /api/notifications/unsubscribe',
  'POST /api/notifications/unsubscribe/:token',
  // a shared client report: the random token (only its hash is stored) is the access, until it expires or is revoked
  'GET /api/reports/shared/:token',
  'HEAD /api/reports/shared/:token',
  // the OpenAPI page and its assets (@fastify/swagger-ui)
  'GET /api/docs',
  'HEAD /api/docs',
  'HEAD /api/docs/',
  'GET /api/docs/static/index.html',
  'HEAD /api/docs/static/index.html',
  'GET /api/docs/static/swagger-initializer.js',
  'HEAD /api/docs/static/swagger-initializer.js',
  'GET /api/docs/json',
  'HEAD /api/docs/json',
  'GET /api/docs/yaml',
  'HEAD /api/docs/yaml',
  'GET /api/docs/static/*',
  'HEAD /api/docs/static/*',
]);

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const keyOf = (r: RegisteredRoute) => `${r.method} ${r.url}`;
const paramNames = (url: string) => [...url.matchAll(/:(\w+)/g)].map((m) => m[1]);
const fillPath = (url: string, value: (name: string) => string) =>
  url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(value(name))).replace(/\*$/, 'x');

// ---------------------------------------------------------------------------------------------
// Plausible requests from zod schemas

type ZodLike = { _zod: { def: Record<string, any> } };
/** A uuid field is a slot: the walk fills it with one of agency A's ids. */
type Slot = (path: string) => string;

/** Optional query keys the walk still sets because they widen a list: `limit`, and a `status` that can say `all`. */
const isWideningQueryKey = (key: string, schema: ZodLike) =>
  key === 'limit' || (key === 'status' && Object.values(baseOf(schema).entries ?? {}).includes('all'));
type Parseable = { safeParse: (v: unknown) => { success: boolean } };
const isOptional = (schema: ZodLike) => (schema as unknown as Parseable).safeParse(undefined).success;
function baseOf(schema: ZodLike): Record<string, any> {
  const def = schema._zod.def;
  if (def.innerType) return baseOf(def.innerType);
  if (def.type === 'pipe') return baseOf(def.in);
  return def;
}

/** Values for string fields a plain word does not satisfy; anything else gets a harmless word. */
function sampleString(key: string, def: Record<string, any>): string | undefined {
  const known: Record<string, string> = {
    country: 'FR',
    url: 'https://garde-exemple.fr/',
    targetUrl: 'https://garde-exemple.fr/page',
    liveUrl: 'https://garde-exemple.fr/article',
    domain: 'garde-exemple.fr',
    reason: 'Garde du test',
    password: 'not the password 1',
    newPassword: 'not the password 2',
    currentPassword: 'not the password 3',
    token: 'not-a-real-token-0123456789',
  };
  if (key in known) return known[key];
  if (def.format === 'email') return uniqueEmail('guard');
  if (def.format || (def.checks ?? []).some((c: ZodLike) => c._zod.def.format === 'regex')) return undefined;
  return 'Garde';
}

/**
 * How to fill a request: each boolean flag as `flag(path)` says (false by default: dry runs off,
 * real attempts), and, when `minimal`, the body without its optional fields (flags kept), so that
 * a path taken only when a field is absent (a dry run that changes neither role nor parent) is walked.
 */
type Shape = { flag: (path: string) => boolean; minimal: boolean };
const PLAIN: Shape = { flag: () => false, minimal: false };

/**
 * A value that passes `schema`, with every uuid field taken from `slot` (so the request carries the
 * victim's ids where ids go), enums at their last value (the least privileged choice that still
 * reaches the id check, e.g. role "client"), booleans as `shape` says, lists at their largest page.
 * `undefined` when it cannot build one (only acceptable for optional fields).
 */
function sample(schema: ZodLike, key: string, path: string, slot: Slot, asQuery: boolean, shape: Shape = PLAIN): unknown {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(def.shape as Record<string, ZodLike>)) {
        // An optional query filter (q=, role=, status=…) would only hide rows: leave it out, unless it
        // is an id (a slot) or widens the answer.
        if (asQuery && isOptional(v) && !isWideningQueryKey(k, v) && baseOf(v).format !== 'uuid') continue;
        if (!asQuery && shape.minimal && isOptional(v) && baseOf(v).type !== 'boolean') continue;
        const value = sample(v, k, path ? `${path}.${k}` : k, slot, asQuery, shape);
        if (value !== undefined) out[k] = value;
        else if (!['optional', 'default'].includes(v._zod.def.type)) return undefined;
      }
      return out;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return sample(def.innerType, key, path, slot, asQuery, shape);
    case 'pipe':
      return sample(def.in, key, path, slot, asQuery, shape);
    case 'string':
      if (def.format === 'uuid' || def.format === 'guid') return slot(path);
      return sampleString(key, def);
    case 'enum': {
      const values = Object.values(def.entries as Record<string, string>);
      // The last value of an enum is the widest where it matters (`status=all` lists closed accounts too).
      return values[values.length - 1];
    }
    case 'literal':
      return def.values[0];
    case 'boolean':
      return asQuery ? String(shape.flag(path)) : shape.flag(path);
    case 'number': {
      // the largest page; else a round amount (100 €) or the smallest value the schema accepts
      const candidates = [key === 'limit' ? 500 : 10_000, 1_000, 100, 1, 0].map((n) => (asQuery ? String(n) : n));
      return candidates.find((c) => (schema as unknown as Parseable).safeParse(asQuery ? Number(c) : c).success);
    }
    case 'array': {
      const item = sample(def.element, key, `${path}[]`, slot, asQuery, shape);
      return item === undefined ? [] : [item];
    }
    case 'union':
      for (const option of def.options as ZodLike[]) {
        const v = sample(option, key, path, slot, asQuery, shape);
        if (v !== undefined) return v;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The boolean flags of a schema (`dryRun`, `restore`…), found by sampling it once with a recording shape. */
function booleanFields(schema: ZodLike | undefined, asQuery: boolean): string[] {
  if (!schema?._zod) return [];
  const seen: string[] = [];
  sample(schema, '', '', () => randomUUID(), asQuery, { flag: (p) => (seen.push(p), false), minimal: false });
  return seen;
}

/**
 * The ways to fill a route's flags and optional fields: everything off and present first, then
 * every flag on, each flag alone on, and the minimal body with its flags off and on. Each boolean
 * is thus walked both ways (`dryRun` true and false).
 */
type Fill = { body: Shape; query: Shape };

function shapesOf(route: RegisteredRoute): Fill[] {
  const schema = (route.schema ?? {}) as Record<string, ZodLike | undefined>;
  const flags = [...booleanFields(schema.body, false).map((f) => `body:${f}`), ...booleanFields(schema.querystring, true).map((f) => `query:${f}`)];
  const on = (names: string[], where: 'body' | 'query') => (p: string) => names.includes(`${where}:${p}`);
  const shapes: Fill[] = [{ body: PLAIN, query: PLAIN }];
  if (flags.length) shapes.push({ body: { flag: on(flags, 'body'), minimal: false }, query: { flag: on(flags, 'query'), minimal: false } });
  if (flags.length > 1) {
    for (const f of flags) shapes.push({ body: { flag: on([f], 'body'), minimal: false }, query: { flag: on([f], 'query'), minimal: false } });
  }
  if (schema.body?._zod) {
    shapes.push({ body: { flag: () => false, minimal: true }, query: PLAIN });
    if (flags.length) shapes.push({ body: { flag: on(flags, 'body'), minimal: true }, query: { flag: on(flags, 'query'), minimal: false } });
  }
  return shapes;
}

/** The uuid fields of a schema, found by sampling it once with a recording slot. */
function uuidFields(schema: ZodLike | undefined, asQuery: boolean): string[] {
  if (!schema?._zod) return [];
  const seen: string[] = [];
  sample(schema, '', '', (p) => (seen.push(p), randomUUID()), asQuery);
  return seen;
}

/** `minimal`: built without the optional body fields, so a 400/422 on a missing one is fair. */
type Built = { url: string; payload?: unknown; headers: Record<string, string>; inPath: boolean; minimal: boolean };

/** Bodies for routes that take a raw file instead of JSON (`consumes` in their schema). */
const RAW_BODIES: Record<string, string> = {
  'text/csv': 'url,keyword,position,volume\nhttps://ailleurs.example/x,garde,1,10\n',
};

/**
 * The requests to try on one route: for each victim id, every path param and uuid field set to
 * it; then, when there are several id fields, each one alone set to it and the others to ids of
 * the caller's own (a path param to an account below the caller, so that the request gets past the
 * path check; a body or query field to the caller's own account, e.g. "move my consultant under
 * their manager", "from my wallet to theirs").
 */
function buildRequests(route: RegisteredRoute, victimIds: string[], own: { self: string; below: string }): Built[] {
  const ownId = (slot: string) => (slot.startsWith('param:') ? own.below : own.self);
  const schema = (route.schema ?? {}) as Record<string, ZodLike | undefined>;
  const params = paramNames(route.url);
  const bodyFields = uuidFields(schema.body, false).map((f) => `body:${f}`);
  const queryFields = uuidFields(schema.querystring, true).map((f) => `query:${f}`);
  const slots = [...params.map((p) => `param:${p}`), ...bodyFields, ...queryFields];
  const make = (valueOf: (slot: string) => string, fill: Fill = { body: PLAIN, query: PLAIN }): Built => {
    const url = fillPath(route.url, (p) => valueOf(`param:${p}`));
    const query = schema.querystring?._zod
      ? (sample(schema.querystring, '', '', (p) => valueOf(`query:${p}`), true, fill.query) as Record<string, string> | undefined)
      : undefined;
    const raw = ((route.schema?.consumes as string[] | undefined) ?? []).find((t) => t in RAW_BODIES);
    const payload = raw
      ? RAW_BODIES[raw]
      : schema.body?._zod
        ? sample(schema.body, '', '', (p) => valueOf(`body:${p}`), false, fill.body)
        : undefined;
    const qs = query && Object.keys(query).length ? `?${new URLSearchParams(query)}` : '';
    return {
      url: url + qs,
      payload: payload ?? (UNSAFE.has(route.method) ? {} : undefined),
      // money-moving routes take an idempotency key: a fresh one, so that no answer is replayed
      headers: {
        ...(UNSAFE.has(route.method) ? { 'idempotency-key': randomUUID() } : {}),
        ...(raw ? { 'content-type': raw } : {}),
      },
      inPath: params.some((p) => victimIds.includes(valueOf(`param:${p}`))),
      minimal: fill.body.minimal,
    };
  };
  if (slots.length === 0) return [make(ownId)];
  const out: Built[] = [];
  const seen = new Set<string>();
  const push = (built: Built) => {
    const key = `${built.url} ${JSON.stringify(built.payload)}`;
    if (!seen.has(key)) out.push(built), seen.add(key);
  };
  const [plain, ...others] = shapesOf(route);
  victimIds.forEach((victim, k) => {
    // every slot a victim id (distinct ones, so that "from" and "to" differ)…
    push(make((s) => victimIds[(k + slots.indexOf(s)) % victimIds.length], plain));
    // …then each path or body slot alone (a query filter alone only narrows a list: nothing to add)
    if (slots.length > 1) {
      for (const alone of slots.filter((s) => !s.startsWith('query:'))) push(make((s) => (s === alone ? victim : ownId(s)), plain));
    }
    // …and the same victim with every flag both ways and with the optional fields left out
    for (const shape of others) {
      push(make((s) => victimIds[(k + slots.indexOf(s)) % victimIds.length], shape));
      if (slots.length > 1) {
        for (const alone of slots.filter((s) => !s.startsWith('query:'))) push(make((s) => (s === alone ? victim : ownId(s)), shape));
      }
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------

let env: TestEnv;
let routes: RegisteredRoute[];

beforeAll(async () => {
  env = await startTestEnv();
  routes = listRoutes(env.app).filter((r) => r.url.startsWith('/api'));
});
afterAll(async () => env?.close());

describe('the route table', () => {
  it('is read from the app and holds the routes of every module', () => {
    const keys = new Set(routes.map(keyOf));
    for (const k of [
      'GET /api/accounts/:id',
      'PATCH /api/accounts/:id',
      'PUT /api/agency/mode',
      'POST /api/act-as',
      'GET /api/support/outbox',
    ]) {
      expect(keys).toContain(k);
    }
  });

  it('marks public exactly the allow-listed routes (a new public route must be added here on purpose)', () => {
    const keys = new Set(routes.map(keyOf));
    const marked = routes.filter((r) => r.config.public === true).map(keyOf);
    for (const k of marked) expect(PUBLIC_ROUTES, `${k} is public but not allow-listed`).toContain(k);
    for (const k of PUBLIC_ROUTES) expect(keys, `allow-listed ${k} no longer exists`).toContain(k);
  });
});

describe('(a) without a session', () => {
  it('every non-public /api route answers 401 unauthenticated, with or without a stale cookie', async () => {
    const anonymous = new Client(env.app);
    const stale = new Client(env.app);
    stale.cookie = 'expired-or-forged-session-token';
    const checked: string[] = [];
    for (const route of routes) {
      if (PUBLIC_ROUTES.has(keyOf(route))) continue;
      const [built] = buildRequests(route, [randomUUID()], { self: randomUUID(), below: randomUUID() });
      for (const client of [anonymous, stale]) {
        const res = await client.request(route.method as 'GET', built.url, built.payload, built.headers);
        expect(res.status, `${keyOf(route)} answered ${res.status} without a valid session`).toBe(401);
        if (route.method !== 'HEAD') expect(res.body.error.code).toBe('unauthenticated');
      }
      checked.push(keyOf(route));
    }
    expect(checked.length).toBeGreaterThan(20);
  });

  it('the allow-listed public routes answer without a session', async () => {
    for (const key of [
      'GET /api/health',
      'GET /api/openapi.json',
      'GET /api/docs/json',
      'GET /api/docs/static/swagger-initializer.js',
    ]) {
      const [method, url] = key.split(' ');
      const res = await new Client(env.app).request(method as 'GET', url);
      expect(res.status, key).toBe(200);
    }
  });
});

describe('(a) CSRF', () => {
  it('every unsafe non-public route refuses a signed-in request without the CSRF token (403 csrf_failed)', async () => {
    const { client } = await signUp(env);
    const csrf = client.csrf;
    for (const route of routes) {
      if (!UNSAFE.has(route.method) || PUBLIC_ROUTES.has(keyOf(route))) continue;
      const [built] = buildRequests(route, [randomUUID()], { self: randomUUID(), below: randomUUID() });
      client.csrf = null;
      const res = await client.request(route.method as 'POST', built.url, built.payload, built.headers);
      expect(res.status, `${keyOf(route)} without CSRF token`).toBe(403);
      expect(res.body.error.code).toBe('csrf_failed');
    }
    client.csrf = csrf;
    expect((await client.get('/api/me')).status).toBe(200);
  });
});

describe('(b) as another tenant, with agency A ids', () => {
  type Persona = { name: string; client: Client; self: string; below: string; email: string };
  let a: Awaited<ReturnType<typeof makeAgency>>;
  let aManager: Client;
  let pendingCustomer: Client;
  let support: Client;
  let publisher: Client;
  /** every kind of id agency A (and a customer about to become an agency, and publisher P) owns */
  let victimIds: string[];
  let sharedIds: string[];
  let victimAccounts: string[];

  beforeAll(async () => {
    // Agency A: every role, members with and without a login, a deactivated one.
    a = await makeAgency(env, 'complete', [
      ['Manager A', 'manager', 'agency', uniqueEmail('a-manager')],
      ['Consultant A', 'consultant', 'Manager A', uniqueEmail('a-consultant')],
      ['Client A', 'client', 'Consultant A'],
      ['Client A2', 'client', 'agency', uniqueEmail('a-client')],
      ['Client A3', 'client', 'Manager A'],
    ]);
    aManager = await acceptInvitation(env, await emailOf(a.ids['Manager A']));
    expect((await a.agency.post(`/api/accounts/${a.ids['Client A3']}/deactivate`, { dryRun: false })).status).toBe(200);
    // A standalone customer with a pending agency request: its request id is another kind of id.
    const pending = await signUp(env, 'customer', 'Futur A');
    pendingCustomer = pending.client;
    const pendingRequest = await pendingCustomer.post('/api/agency/activation-request', { message: 'bientôt une agence' });
    expect(pendingRequest.status).toBe(201);
    const approvedRequest = await env.database.db
      .selectFrom('agency_requests')
      .select('id')
      .where('account_id', '=', a.agencyId)
      .executeTakeFirstOrThrow();

    // A's money: a paid top-up with its invoice, credits allocated down, a top-up awaiting payment.
    support = await supportClient(env);
    const company = { legalName: 'Agence A SAS', address: '1 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' };
    expect((await a.agency.patch(`/api/accounts/${a.agencyId}`, { company })).status).toBe(200);
    const paid = await a.agency.post(`/api/accounts/${a.agencyId}/top-ups`, { amountCents: 500_00, method: 'bank_transfer' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const confirmed = await support.post(`/api/support/top-ups/${paid.body.id}/confirm`);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const allocated = await a.agency.post('/api/transfers', {
      fromAccountId: a.agencyId,
      toAccountId: a.ids['Client A'],
      amountCents: 100_00,
    });
    expect(allocated.status, JSON.stringify(allocated.body)).toBe(201);
    const awaiting = await a.agency.post(`/api/accounts/${a.agencyId}/top-ups`, { amountCents: 200_00, method: 'bank_transfer' });
    expect(awaiting.status, JSON.stringify(awaiting.body)).toBe(201);

    // The marketplace: publisher P's approved site with an article (its id is also a public offer
    // id) and a keyword import; A's client has a project, a campaign and an order on P's offer
    // (cancelled, so that no sweep run by another test file changes it while we walk).
    const p = await signUp(env, 'publisher', 'Éditeur P');
    publisher = p.client;
    const site = await p.client.post('/api/publisher/sites', {
      domain: 'editeur-p-garde.fr',
      theme: 'cuisine',
      siteKind: 'thematic',
      language: 'fr',
    });
    expect(site.status, JSON.stringify(site.body)).toBe(201);
    expect((await support.post(`/api/support/sites/${site.body.id}/approve`)).status).toBe(200);
    const article = await p.client.post(`/api/publisher/sites/${site.body.id}/articles`, {
      url: 'https://editeur-p-garde.fr/recettes/tarte',
      keywords: [{ keyword: 'tarte aux pommes garde', position: 3, volume: 1200 }],
    });
    expect(article.status, JSON.stringify(article.body)).toBe(201);
    const imported = await p.client.request('POST', `/api/publisher/sites/${site.body.id}/imports`, RAW_BODIES['text/csv'], {
      'content-type': 'text/csv',
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(202);
    const project = await a.agency.post('/api/projects', {
      clientId: a.ids['Client A'],
      name: 'Site du client A',
      url: 'https://client-a-garde.fr',
    });
    expect(project.status, JSON.stringify(project.body)).toBe(201);
    const campaign = await a.agency.post('/api/campaigns', { projectId: project.body.id, name: 'Printemps' });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    const order = await a.agency.post('/api/orders', {
      projectId: project.body.id,
      campaignId: campaign.body.id,
      offerId: article.body.id,
      targetUrl: 'https://client-a-garde.fr/produits',
      anchor: 'tarte maison',
      fundFromAccountId: a.agencyId,
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    expect((await a.agency.post(`/api/orders/${order.body.id}/cancel`)).status).toBe(200);

    // P's payouts: a proof accepted by support, an earning, a withdrawal paid in a batch with its
    // self-billed invoice.
    const proofId = await makePayable(p.client, support);
    await env.database.db.transaction().execute((tx) =>
      transferCredits(tx, PLATFORM_ACTOR, { fromAccountId: SYSTEM_ACCOUNTS.orders, toAccountId: p.account.id, amountCents: 80_00, kind: 'publisher_earning' }),
    );
    const withdrawal = await p.client.post('/api/publisher/withdrawals', { amountCents: 60_00 });
    expect(withdrawal.status, JSON.stringify(withdrawal.body)).toBe(201);
    const batch = await support.post('/api/support/payout-batches', { withdrawalIds: [withdrawal.body.id] });
    expect(batch.status, JSON.stringify(batch.body)).toBe(201);
    expect((await support.post(`/api/support/payout-batches/${batch.body.id}/paid`)).status).toBe(200);
    const selfBilled = (await p.client.get('/api/publisher/self-billed-invoices')).body.items[0].id as string;

    // Ids readable by any signed-in buyer (catalog offers): used in paths, never counted as leaks.
    sharedIds = [article.body.id];
    // When a feature adds a resource with ids of its own, give agency A (or P) one here.
    victimIds = [
      ...Object.values(a.ids),
      approvedRequest.id,
      pendingRequest.body.id,
      pending.account.id,
      paid.body.id,
      confirmed.body.invoiceId,
      awaiting.body.id,
      p.account.id,
      site.body.id,
      imported.body.importId,
      project.body.id,
      campaign.body.id,
      order.body.id,
      proofId,
      withdrawal.body.id,
      batch.body.id,
      selfBilled,
    ];
    victimAccounts = [...Object.values(a.ids), pending.account.id, p.account.id];
  });

  it('has, for every GET route with an id in its path, an id of A that its owner (or support) can read', async () => {
    // Otherwise the 404 another tenant gets there would only mean "no such thing" and prove nothing.
    const uncovered: string[] = [];
    for (const route of routes) {
      if (route.method !== 'GET' || PUBLIC_ROUTES.has(keyOf(route)) || paramNames(route.url).length === 0) continue;
      let readable = false;
      for (const built of buildRequests(route, [...victimIds, ...sharedIds], { self: a.agencyId, below: a.agencyId })) {
        if (!built.inPath) continue;
        for (const owner of [a.agency, publisher, support]) {
          if ((await owner.request('GET', built.url)).status === 200) readable = true;
        }
        if (readable) break;
      }
      if (!readable) uncovered.push(`${keyOf(route)}: add an id of agency A for it to victimIds`);
    }
    expect(uncovered).toEqual([]);
  });

  it('no route reaches agency A: 403/404 on A ids in the path, no A id in any answer, A unchanged', async () => {
    const snapshot = () => snapshotOf(env, a.agencyId, victimAccounts);
    const before = await snapshot();

    // The callers: agency B's root and one of its managers, and a customer outside any agency. B's
    // consultant is the account of their own that they name in paths, to get past the path check.
    const b = await makeAgency(env, 'complete', [
      ['Manager B', 'manager', 'agency', uniqueEmail('b-manager')],
      ['Consultant B', 'consultant', 'Manager B'],
    ]);
    const bManagerEmail = await emailOf(b.ids['Manager B']);
    const outsider = await signUp(env, 'customer', 'Sans agence');
    const otherPublisher = await signUp(env, 'publisher', 'Éditeur Q');
    const personas: Persona[] = [
      {
        name: 'another publisher',
        client: otherPublisher.client,
        self: otherPublisher.account.id,
        below: otherPublisher.account.id,
        email: otherPublisher.email,
      },
      {
        name: 'customer outside any agency',
        client: outsider.client,
        self: outsider.account.id,
        below: outsider.account.id,
        email: outsider.email,
      },
      {
        name: 'manager of agency B',
        client: await acceptInvitation(env, bManagerEmail),
        self: b.ids['Manager B'],
        below: b.ids['Consultant B'],
        email: bManagerEmail,
      },
      { name: 'root of agency B', client: b.agency, self: b.agencyId, below: b.ids['Consultant B'], email: b.email },
    ];

    const failures: string[] = [];
    let walked = 0;
    // HEAD twins of GET routes run the GET handler (Fastify's exposeHeadRoutes): walking the GET is enough.
    const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.url));
    for (const persona of personas) {
      for (const route of routes) {
        if (PUBLIC_ROUTES.has(keyOf(route)) || (route.method === 'HEAD' && gets.has(route.url))) continue;
        for (const built of buildRequests(route, [...victimIds, ...sharedIds], persona)) {
          const path = built.url.split('?')[0];
          const tenantInPath = victimIds.some((id) => path.includes(id));
          const tenantElsewhere =
            !tenantInPath && victimIds.some((id) => built.url.includes(id) || JSON.stringify(built.payload ?? '').includes(id));
          const res = await rawRequest(persona.client, route.method, built);
          walked++;
          const what = `${persona.name}: ${route.method} ${built.url} ${built.payload ? JSON.stringify(built.payload) : ''} -> ${res.status}`;
          // The raw answer, whatever its type (JSON, CSV, PDF…), must not carry any of A's ids.
          const leaked = victimIds.filter((id) => res.text.includes(id));
          if (leaked.length) failures.push(`${what} returned A ids ${leaked.join(', ')}`);
          if (tenantInPath && res.status !== 403 && res.status !== 404) failures.push(`${what}: expected 403 or 404`);
          // A victim id in the body or query must reach the id check: a validation error proves nothing.
          if (tenantElsewhere && !built.minimal && (res.status === 400 || res.status === 422)) {
            failures.push(`${what} ${res.text}: a ${res.status} does not prove the id check`);
          }
          if (res.status >= 500) failures.push(`${what}: server error`);
          // Some routes end the caller's own session (logout); sign back in to keep walking.
          if (UNSAFE.has(route.method) && res.status < 400 && (await persona.client.get('/api/me')).status === 401) {
            await persona.client.login(persona.email);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(walked).toBeGreaterThan(100);

    expect(await snapshot()).toEqual(before);
    // A's people still work: their sessions were not touched.
    expect((await a.agency.get('/api/me')).body.person.id).toBe(a.agencyId);
    expect((await aManager.get(`/api/accounts/${a.ids['Client A3']}`)).status).toBe(200);
    expect((await pendingCustomer.get('/api/agency/activation-request')).body.request.status).toBe('pending');
    // thousands of requests (every flag both ways): more than the default minute on a busy machine
  }, 300_000);
});

describe('(b) support as the caller', () => {
  it("support reaches customers by design, but no route reaches another support person's account: 403/404, no id, unchanged", async () => {
    // Another support person is the victim: their account, wallet, sessions and trail are theirs alone.
    const otherEmail = uniqueEmail('support-victim');
    await ensureSupportAccount(env.database.db, otherEmail, 'another support password 1');
    const victim = (await env.database.db.selectFrom('accounts').select('id').where('email', '=', otherEmail).executeTakeFirstOrThrow()).id;
    const victimClient = new Client(env.app);
    await victimClient.login(otherEmail, 'another support password 1');
    const snapshot = () => snapshotOf(env, randomUUID(), [victim]);
    const sessions = async () =>
      (await env.database.db.selectFrom('sessions').select(sql<number>`count(*)::int`.as('n')).where('person_id', '=', victim).executeTakeFirstOrThrow()).n;
    const before = { data: await snapshot(), sessions: await sessions() };

    const support = await supportClient(env);
    const self = (await support.get('/api/me')).body.person.id as string;
    const failures: string[] = [];
    let walked = 0;
    const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.url));
    for (const route of routes) {
      if (PUBLIC_ROUTES.has(keyOf(route)) || (route.method === 'HEAD' && gets.has(route.url))) continue;
      for (const built of buildRequests(route, [victim], { self, below: self })) {
        // A request that names no victim id proves nothing here, and support may really act on it
        // (e.g. replace the price grid): leave it to the feature tests.
        if (!built.url.includes(victim) && !JSON.stringify(built.payload ?? '').includes(victim)) continue;
        const res = await rawRequest(support, route.method, built);
        walked++;
        const what = `support: ${route.method} ${built.url} ${built.payload ? JSON.stringify(built.payload) : ''} -> ${res.status}`;
        if (res.text.includes(victim)) failures.push(`${what} returned the other support person's id`);
        if (built.inPath && res.status !== 403 && res.status !== 404) failures.push(`${what}: expected 403 or 404`);
        if (!built.inPath && !built.minimal && (res.status === 400 || res.status === 422)) failures.push(`${what} ${res.text}: a ${res.status} does not prove the id check`);
        if (res.status >= 500) failures.push(`${what}: server error`);
        if (UNSAFE.has(route.method) && res.status < 400) {
          const me = await support.get('/api/me');
          if (me.status === 401) await support.login(env.support.email, env.support.password);
          else if (me.body.actingAs) await support.post('/api/act-as/stop');
        }
      }
    }
    expect(failures).toEqual([]);
    expect(walked).toBeGreaterThan(20);
    expect({ data: await snapshot(), sessions: await sessions() }).toEqual(before);
    expect((await victimClient.get('/api/me')).body.person.id).toBe(victim);
    // Support's list of accounts holds customers, not the support people.
    const listed = await support.get(`/api/accounts?status=all&limit=500&q=${encodeURIComponent('support maillon')}`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(victim);
    // …while support still reaches a customer, and still may not do what only an agency may.
    const customer = await signUp(env, 'customer', 'Client du support');
    expect((await support.get(`/api/accounts/${customer.account.id}`)).status).toBe(200);
    expect((await support.patch(`/api/accounts/${customer.account.id}`, { dryRun: true })).status).toBe(200);
    expect([403, 404]).toContain((await support.put('/api/agency/mode', { mode: 'complete', dryRun: true })).status);
    expect([403, 404]).toContain((await support.post('/api/publisher/sites', { domain: 'support-site.fr', theme: 'cuisine', siteKind: 'thematic', language: 'fr' })).status);
  }, 300_000);
});

async function emailOf(accountId: string): Promise<string> {
  const row = await env.database.db.selectFrom('accounts').select('email').where('id', '=', accountId).executeTakeFirstOrThrow();
  return row.email!;
}

/** Like Client.request, but keeps the raw answer (CSV and PDF included) to look for leaked ids. */
async function rawRequest(client: Client, method: string, built: Built) {
  const res = await env.app.inject({
    method: method as 'GET',
    url: built.url,
    payload: built.payload as object | undefined,
    remoteAddress: client.address,
    headers: {
      ...(client.cookie ? { cookie: `maillon_session=${client.cookie}` } : {}),
      ...(client.csrf && method !== 'GET' && method !== 'HEAD' ? { 'x-csrf-token': client.csrf } : {}),
      ...built.headers,
    },
  });
  const set = res.cookies.find((c) => c.name === 'maillon_session');
  if (set) client.cookie = set.value || null;
  return { status: res.statusCode, text: res.body };
}

/** Everything of agency A a foreign caller could change. */
async function snapshotOf(env: TestEnv, agencyId: string, accountIds: string[]) {
  const db = env.database.db;
  const accounts = await db
    .selectFrom('accounts')
    .select([
      'id',
      'role',
      'name',
      'email',
      'password_hash',
      'parent_id',
      'agency_id',
      'agency_mode',
      'active',
      'company',
      'deactivated_at',
    ])
    .where((eb) => eb.or([eb('agency_id', '=', agencyId), eb('id', 'in', accountIds)]))
    .orderBy('id')
    .execute();
  const ids = accounts.map((r) => r.id);
  const tree = await db
    .selectFrom('account_tree')
    .selectAll()
    .where((eb) => eb.or([eb('ancestor_id', 'in', ids), eb('descendant_id', 'in', ids)]))
    .orderBy('ancestor_id')
    .orderBy('descendant_id')
    .execute();
  const wallets = await db.selectFrom('wallets').selectAll().where('account_id', 'in', ids).orderBy('account_id').execute();
  const requests = await db
    .selectFrom('agency_requests')
    .select(['id', 'account_id', 'status', 'decided_by'])
    .where('account_id', 'in', ids)
    .orderBy('id')
    .execute();
  const tokens = await db
    .selectFrom('auth_tokens')
    .select(['id', 'kind', 'used_at'])
    .where('account_id', 'in', ids)
    .orderBy('id')
    .execute();
  const audit = await db
    .selectFrom('audit_log')
    .select(sql<number>`count(*)::int`.as('n'))
    .where((eb) =>
      eb.or([
        eb('agency_id', '=', agencyId),
        eb('account_id', 'in', ids),
        eb('person_id', 'in', ids),
        eb('target_id', 'in', ids),
      ]),
    )
    .executeTakeFirstOrThrow();
  const transfers = await db
    .selectFrom('ledger_transfers')
    .select(sql<number>`count(*)::int`.as('n'))
    .where((eb) => eb.or([eb('from_account_id', 'in', ids), eb('to_account_id', 'in', ids)]))
    .executeTakeFirstOrThrow();
  const entries = await db
    .selectFrom('ledger_entries')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('account_id', 'in', ids)
    .executeTakeFirstOrThrow();
  const topUps = await db
    .selectFrom('top_ups')
    .select(['id', 'status', 'amount_cents'])
    .where('account_id', 'in', ids)
    .orderBy('id')
    .execute();
  const invoices = await db
    .selectFrom('invoices')
    .select(['id', 'kind', 'number'])
    .where('account_id', 'in', ids)
    .orderBy('id')
    .execute();
  // The marketplace. Import status is left out: a job runner of another test file may process it
  // (on PostgreSQL the files share the database), and its lines only produce errors anyway.
  const sites = await db
    .selectFrom('sites')
    .select(['id', 'publisher_id', 'domain', 'theme', 'site_kind', 'status', 'reviewed_by', 'guarantee_months'])
    .where('publisher_id', 'in', ids)
    .orderBy('id')
    .execute();
  const siteIds = sites.length ? sites.map((r) => r.id) : [randomUUID()];
  const articles = await db
    .selectFrom('articles')
    .select(['id', 'site_id', 'url'])
    .where('site_id', 'in', siteIds)
    .orderBy('id')
    .execute();
  const imports = await db
    .selectFrom('keyword_imports')
    .select(['id', 'site_id', 'publisher_id'])
    .where('site_id', 'in', siteIds)
    .orderBy('id')
    .execute();
  const projects = await db.selectFrom('projects').selectAll().where('client_id', 'in', ids).orderBy('id').execute();
  const campaigns = await db.selectFrom('campaigns').selectAll().where('client_id', 'in', ids).orderBy('id').execute();
  const orders = await db
    .selectFrom('orders')
    .selectAll()
    .where((eb) => eb.or([eb('client_id', 'in', ids), eb('publisher_id', 'in', ids)]))
    .orderBy('id')
    .execute();
  return {
    accounts,
    tree,
    wallets,
    requests,
    tokens,
    audit: audit.n,
    transfers: transfers.n,
    entries: entries.n,
    topUps,
    invoices,
    sites,
    articles,
    imports,
    projects,
    campaigns,
    orders,
  };
}
