import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { listRoutes, type RegisteredRoute } from '../app.js';
import { acceptInvitation, Client, makeAgency, signUp, startTestEnv, supportClient, uniqueEmail, type TestEnv } from '../testing/harness.js';

/**
 * The "unauthorized access" test of every route, derived from the route table the app registered
 * (`listRoutes`), so that a route added tomorrow is walked without anyone editing this file:
 *
 * (a) without a session, every /api route answers 401, except an explicit allow-list of public
 *     routes; and with a session but without the CSRF token, every unsafe route answers 403;
 * (b) signed in to another tenant (a plain customer, a manager and the root of agency B, with a
 *     valid CSRF token), every route called with agency A's ids (in the path, and in the id fields
 *     of the body and query) answers 403/404 (path ids) and never returns one of A's ids; after the
 *     walk, A's accounts, tree, wallets, mode, requests, tokens and audit trail are unchanged.
 *
 * Bodies and queries are derived from each route's zod schema so that they pass validation: a 400
 * proves nothing about the id check, so it fails this test (teach `sampleString` the new field).
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

const WIDENING_QUERY_KEYS = new Set(['includeInactive', 'limit']);
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
    password: 'not the password 1',
    newPassword: 'not the password 2',
    currentPassword: 'not the password 3',
    token: 'not-a-real-token-0123456789',
    includeInactive: 'true',
  };
  if (key in known) return known[key];
  if (def.format === 'email') return uniqueEmail('guard');
  if (def.format || (def.checks ?? []).some((c: ZodLike) => c._zod.def.format === 'regex')) return undefined;
  return 'Garde';
}

/**
 * A value that passes `schema`, with every uuid field taken from `slot` (so the request carries the
 * victim's ids where ids go), enums at their last value (the least privileged choice that still
 * reaches the id check, e.g. role "client"), booleans false (dry runs off: real attempts), lists at
 * their largest page. `undefined` when it cannot build one (only acceptable for optional fields).
 */
function sample(schema: ZodLike, key: string, path: string, slot: Slot, asQuery: boolean): unknown {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(def.shape as Record<string, ZodLike>)) {
        // An optional query filter (q=, role=, status=…) would only hide rows: leave it out, unless it
        // is an id (a slot) or widens the answer.
        if (asQuery && isOptional(v) && !WIDENING_QUERY_KEYS.has(k) && baseOf(v).format !== 'uuid') continue;
        const value = sample(v, k, path ? `${path}.${k}` : k, slot, asQuery);
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
      return sample(def.innerType, key, path, slot, asQuery);
    case 'pipe':
      return sample(def.in, key, path, slot, asQuery);
    case 'string':
      if (def.format === 'uuid' || def.format === 'guid') return slot(path);
      return sampleString(key, def);
    case 'enum': {
      const values = Object.values(def.entries as Record<string, string>);
      return key === 'includeInactive' ? 'true' : values[values.length - 1];
    }
    case 'literal':
      return def.values[0];
    case 'boolean':
      return asQuery ? 'false' : false;
    case 'number': {
      // the largest page; else a round amount (100 €) or the smallest value the schema accepts
      const candidates = [key === 'limit' ? 500 : 10_000, 1_000, 100, 1, 0].map((n) => (asQuery ? String(n) : n));
      return candidates.find((c) => (schema as unknown as Parseable).safeParse(asQuery ? Number(c) : c).success);
    }
    case 'array': {
      const item = sample(def.element, key, `${path}[]`, slot, asQuery);
      return item === undefined ? [] : [item];
    }
    case 'union':
      for (const option of def.options as ZodLike[]) {
        const v = sample(option, key, path, slot, asQuery);
        if (v !== undefined) return v;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The uuid fields of a schema, found by sampling it once with a recording slot. */
function uuidFields(schema: ZodLike | undefined, asQuery: boolean): string[] {
  if (!schema?._zod) return [];
  const seen: string[] = [];
  sample(schema, '', '', (p) => (seen.push(p), randomUUID()), asQuery);
  return seen;
}

type Built = { url: string; payload?: unknown; headers: Record<string, string>; carriesVictimId: boolean; inPath: boolean };

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
  const make = (valueOf: (slot: string) => string): Built => {
    const url = fillPath(route.url, (p) => valueOf(`param:${p}`));
    const query = schema.querystring?._zod
      ? (sample(schema.querystring, '', '', (p) => valueOf(`query:${p}`), true) as Record<string, string> | undefined)
      : undefined;
    const payload = schema.body?._zod ? sample(schema.body, '', '', (p) => valueOf(`body:${p}`), false) : undefined;
    const qs = query && Object.keys(query).length ? `?${new URLSearchParams(query)}` : '';
    const used = slots.map(valueOf);
    return {
      url: url + qs,
      payload: payload ?? (UNSAFE.has(route.method) ? {} : undefined),
      // money-moving routes take an idempotency key: a fresh one, so that no answer is replayed
      headers: UNSAFE.has(route.method) ? { 'idempotency-key': randomUUID() } : {},
      carriesVictimId: used.some((v) => victimIds.includes(v)),
      inPath: params.some((p) => victimIds.includes(valueOf(`param:${p}`))),
    };
  };
  if (slots.length === 0) return [make(ownId)];
  const out: Built[] = [];
  victimIds.forEach((victim, k) => {
    // every slot a victim id (distinct ones, so that "from" and "to" differ)…
    out.push(make((s) => victimIds[(k + slots.indexOf(s)) % victimIds.length]));
    // …then each slot alone
    if (slots.length > 1) for (const alone of slots) out.push(make((s) => (s === alone ? victim : ownId(s))));
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
    for (const k of ['GET /api/accounts/:id', 'PATCH /api/accounts/:id', 'PUT /api/agency/mode', 'POST /api/act-as', 'GET /api/support/outbox']) {
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
    for (const key of ['GET /api/health', 'GET /api/openapi.json', 'GET /api/docs/json', 'GET /api/docs/static/swagger-initializer.js']) {
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
  it('no route reaches agency A: 403/404 on A ids in the path, no A id in any answer, A unchanged', async () => {
    // Agency A: every role, a member with a login, one without, one deactivated, a pending invitation.
    const a = await makeAgency(env, 'complete', [
      ['Manager A', 'manager', 'agency', uniqueEmail('a-manager')],
      ['Consultant A', 'consultant', 'Manager A', uniqueEmail('a-consultant')],
      ['Client A', 'client', 'Consultant A'],
      ['Client A2', 'client', 'agency', uniqueEmail('a-client')],
      ['Client A3', 'client', 'Manager A'],
    ]);
    const aManagerEmail = (await env.database.db.selectFrom('accounts').select('email').where('id', '=', a.ids['Manager A']).executeTakeFirstOrThrow()).email!;
    const aManager = await acceptInvitation(env, aManagerEmail);
    expect((await a.agency.post(`/api/accounts/${a.ids['Client A3']}/deactivate`, { dryRun: false })).status).toBe(200);
    // A standalone customer with a pending agency request: its request id is another kind of A-side id.
    const { client: pendingCustomer, account: pendingAccount } = await signUp(env, 'customer', 'Futur A');
    const pendingRequest = await pendingCustomer.post('/api/agency/activation-request', { message: 'bientôt une agence' });
    expect(pendingRequest.status).toBe(201);
    const approvedRequest = await env.database.db
      .selectFrom('agency_requests')
      .select('id')
      .where('account_id', '=', a.agencyId)
      .executeTakeFirstOrThrow();

    // A's money: a paid top-up with its invoice, credits allocated down, a top-up awaiting payment.
    const company = { legalName: 'Agence A SAS', address: '1 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' };
    expect((await a.agency.patch(`/api/accounts/${a.agencyId}`, { company })).status).toBe(200);
    const paid = await a.agency.post(`/api/accounts/${a.agencyId}/top-ups`, { amountCents: 500_00, method: 'bank_transfer' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const confirmed = await (await supportClient(env)).post(`/api/support/top-ups/${paid.body.id}/confirm`);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const allocated = await a.agency.post('/api/transfers', { fromAccountId: a.agencyId, toAccountId: a.ids['Client A'], amountCents: 100_00 });
    expect(allocated.status, JSON.stringify(allocated.body)).toBe(201);
    const awaiting = await a.agency.post(`/api/accounts/${a.agencyId}/top-ups`, { amountCents: 200_00, method: 'bank_transfer' });
    expect(awaiting.status, JSON.stringify(awaiting.body)).toBe(201);

    const victimIds = [
      ...Object.values(a.ids),
      approvedRequest.id,
      pendingRequest.body.id,
      pendingAccount.id,
      paid.body.id,
      confirmed.body.invoiceId,
      awaiting.body.id,
    ];
    const victimAccounts = [...Object.values(a.ids), pendingAccount.id];
    const snapshot = () => snapshotOf(env, a.agencyId, victimAccounts);
    const before = await snapshot();

    // The callers: agency B's root and one of its managers, and a customer outside any agency. B's
    // consultant is the account of their own that they name in paths, to get past the path check.
    const b = await makeAgency(env, 'complete', [
      ['Manager B', 'manager', 'agency', uniqueEmail('b-manager')],
      ['Consultant B', 'consultant', 'Manager B'],
    ]);
    const bManagerEmail = (await env.database.db.selectFrom('accounts').select('email').where('id', '=', b.ids['Manager B']).executeTakeFirstOrThrow()).email!;
    const outsider = await signUp(env, 'customer', 'Sans agence');
    const personas = [
      { name: 'customer outside any agency', client: outsider.client, self: outsider.account.id, below: outsider.account.id, email: outsider.email },
      { name: 'manager of agency B', client: await acceptInvitation(env, bManagerEmail), self: b.ids['Manager B'], below: b.ids['Consultant B'], email: bManagerEmail },
      { name: 'root of agency B', client: b.agency, self: b.agencyId, below: b.ids['Consultant B'], email: b.email },
    ];

    const failures: string[] = [];
    let walked = 0;
    for (const persona of personas) {
      for (const route of routes) {
        if (PUBLIC_ROUTES.has(keyOf(route))) continue;
        for (const built of buildRequests(route, victimIds, persona)) {
          const res = await persona.client.request(route.method as 'GET', built.url, built.payload, built.headers);
          walked++;
          const what = `${persona.name}: ${route.method} ${built.url} ${built.payload ? JSON.stringify(built.payload) : ''} -> ${res.status}`;
          const text = JSON.stringify(res.body ?? '');
          const leaked = victimIds.filter((id) => text.includes(id));
          if (leaked.length) failures.push(`${what} returned A ids ${leaked.join(', ')}`);
          if (built.inPath && res.status !== 403 && res.status !== 404) failures.push(`${what}: expected 403 or 404`);
          // A victim id in the body or query must reach the id check: a validation error proves nothing.
          if (built.carriesVictimId && !built.inPath && (res.status === 400 || res.status === 422)) {
            failures.push(`${what} ${text}: a ${res.status} does not prove the id check`);
          }
          if (res.status >= 500) failures.push(`${what}: server error`);
          // Some routes end the caller's own session (logout); sign back in to keep walking.
          if ((await persona.client.get('/api/me')).status === 401) await persona.client.login(persona.email);
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
  });
});

/** Everything of agency A a foreign caller could change. */
async function snapshotOf(env: TestEnv, agencyId: string, accountIds: string[]) {
  const db = env.database.db;
  const accounts = await db
    .selectFrom('accounts')
    .select(['id', 'role', 'name', 'email', 'password_hash', 'parent_id', 'agency_id', 'agency_mode', 'active', 'company', 'deactivated_at'])
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
      eb.or([eb('agency_id', '=', agencyId), eb('account_id', 'in', ids), eb('person_id', 'in', ids), eb('target_id', 'in', ids)]),
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
  const topUps = await db.selectFrom('top_ups').select(['id', 'status', 'amount_cents']).where('account_id', 'in', ids).orderBy('id').execute();
  const invoices = await db.selectFrom('invoices').select(['id', 'kind', 'number']).where('account_id', 'in', ids).orderBy('id').execute();
  return { accounts, tree, wallets, requests, tokens, audit: audit.n, transfers: transfers.n, entries: entries.n, topUps, invoices };
}
