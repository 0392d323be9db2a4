import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRoutes, type RegisteredRoute } from '../app.js';
import {
  Client,
  FRENCH_COMPANY,
  fundWallet,
  makeAgency,
  makeOffer,
  signUp,
  startTestEnv,
  supportClient,
  uniqueEmail,
  type TestEnv,
} from '../testing/harness.js';
import { encodeCursor } from './pagination.js';

/**
 * The fuzz test of every route, derived from the route table (`listRoutes`), so that a route added
 * tomorrow is fuzzed without anyone editing this file. For each route: a valid-looking request
 * built from its zod schemas, sent by a role that may call it with real ids of a fixture hierarchy;
 * then mutated requests (wrong types, NUL bytes, lone surrogates, huge and negative numbers,
 * impossible dates, garbage and crafted cursors, missing and extra fields, whole bodies that are not
 * objects or not JSON, encoded paths). Every answer must be below 500, carry no stack trace, and,
 * when it is an error, have the shape `{error: {code, message}}`, with `field` on a 400
 * `validation_failed`.
 *
 * The seed is fixed (FUZZ_SEED, default 20261201) so that a failure replays; FUZZ_RUNS (default 24
 * mutations per route) asks for more: `FUZZ_RUNS=400 npx vitest run --project server src/server/http/routes.fuzz.test.ts`.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 24);

let env: TestEnv;
let routes: RegisteredRoute[];
beforeAll(async () => {
  env = await startTestEnv();
  routes = listRoutes(env.app);
});
afterAll(async () => env?.close());

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Pages served by @fastify/swagger-ui: not ours to fuzz (their own plugin, no schema). */
const isDocs = (url: string) => url.startsWith('/api/docs');

// ---------------------------------------------------------------------------------------------
// Valid-looking requests from zod schemas

type ZodLike = { _zod: { def: Record<string, any> } };
type Parseable = { safeParse: (v: unknown) => { success: boolean } };
const parses = (schema: ZodLike, v: unknown) => (schema as unknown as Parseable).safeParse(v).success;

type Fixture = {
  ids: Record<string, string>;
  token: string;
};

/** The id a field or path segment names, from the fixture (a random one when it names nothing we know). */
function idFor(name: string, fx: Fixture): string {
  return fx.ids[name] ?? fx.ids.default;
}

/** Values for string fields a plain word does not satisfy. */
const KNOWN_STRINGS: Record<string, string> = {
  country: 'FR',
  siret: FRENCH_COMPANY.siret,
  vatNumber: FRENCH_COMPANY.vatNumber,
  postalCode: '69002',
  url: 'https://client-fuzz.fr/page',
  targetUrl: 'https://client-fuzz.fr/produits',
  liveUrl: 'https://fuzz-editeur.fr/article',
  domain: 'fuzz-domaine.fr',
  reason: 'Motif du test de fuzz',
  password: 'correct horse battery',
  newPassword: 'un autre mot de passe 1',
  currentPassword: 'pas le mot de passe 1',
  language: 'fr',
  from: '2026-01-01',
  to: '2026-12-31',
  startsOn: '2026-01-01',
  endsOn: '2026-12-31',
  q: 'client',
  keyword: 'recette',
  theme: 'cuisine',
  anchor: 'ancre du test',
  name: 'Nom du test',
};

/** A value that passes `schema` (optional fields included, so that mutations reach them), or undefined. */
function sample(schema: ZodLike, key: string, fx: Fixture, asQuery: boolean): unknown {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(def.shape as Record<string, ZodLike>)) {
        if (k === 'cursor') continue; // a real cursor comes from a list; mutations try forged ones
        const value = sample(v, k, fx, asQuery);
        if (value !== undefined) out[k] = value;
      }
      return out;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return sample(def.innerType, key, fx, asQuery);
    case 'pipe':
      return sample(def.in, key, fx, asQuery);
    case 'string': {
      if (def.format === 'uuid' || def.format === 'guid') return idFor(key, fx);
      if (def.format === 'email') return uniqueEmail('fuzz');
      const options = [KNOWN_STRINGS[key], 'Valeur du test', 'abc', 'x'.repeat(20)].filter((v) => v !== undefined);
      return options.find((v) => parses(schema, v));
    }
    case 'enum': {
      const values = Object.values(def.entries as Record<string, string>);
      return values[values.length - 1];
    }
    case 'literal':
      return def.values[0];
    case 'boolean':
      // dry runs on: the fuzz explores validation and paths without dismantling its own fixture
      return asQuery ? 'true' : true;
    case 'number': {
      const found = [key === 'limit' ? 20 : 10_000, 1_000, 100, 1, 0].find((n) => parses(schema, n));
      return found === undefined ? undefined : asQuery ? String(found) : found;
    }
    case 'array': {
      const item = sample(def.element, key, fx, asQuery);
      return item === undefined ? [] : [item];
    }
    case 'union':
      for (const option of def.options as ZodLike[]) {
        const v = sample(option, key, fx, asQuery);
        if (v !== undefined) return v;
      }
      return undefined;
    default:
      return undefined;
  }
}

type Req = {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** appended to the query string as written (bytes URLSearchParams would not send: `%ED%A0%80`) */
  rawQuery?: string;
  /** a JSON value, or a raw text with its content type */
  body: { json: unknown } | { raw: string; type: string } | null;
  headers: Record<string, string>;
};

const RAW_BODIES: Record<string, string> = {
  'text/csv': 'url,keyword,position,volume\nhttps://fuzz-editeur.fr/x,fuzz,1,10\n',
};

/** The path segment before a param names its resource: `/api/orders/:id` takes an order id. */
function fillPath(url: string, fx: Fixture): string {
  return url
    .replace(/\/([\w.-]+)\/:(\w+)/g, (_, segment: string, name: string) => `/${segment}/${name === 'token' ? fx.token : idFor(segment, fx)}`)
    .replace(/\*$/, 'x');
}

function baseRequest(route: RegisteredRoute, fx: Fixture): Req {
  const schema = (route.schema ?? {}) as Record<string, ZodLike | undefined>;
  const query = schema.querystring?._zod ? ((sample(schema.querystring, '', fx, true) ?? {}) as Record<string, string>) : {};
  const raw = ((route.schema?.consumes as string[] | undefined) ?? []).find((t) => t in RAW_BODIES);
  const body = raw
    ? { raw: RAW_BODIES[raw], type: raw }
    : schema.body?._zod
      ? { json: sample(schema.body, '', fx, false) ?? {} }
      : UNSAFE.has(route.method)
        ? { json: {} }
        : null;
  return {
    method: route.method,
    path: fillPath(route.url, fx),
    query,
    body,
    headers: UNSAFE.has(route.method) ? { 'idempotency-key': randomUUID() } : {},
  };
}

// ---------------------------------------------------------------------------------------------
// Mutations

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

const NASTY_STRINGS = [
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '𝄞 ok',
  '2026-02-30',
  '2026-13-01',
  '0000-01-01',
  '99999-01-01',
  '2147483648',
  '-2147483649',
  '9223372036854775808',
  '1e400',
  '-1',
  '1.5',
  'NaN',
  'Infinity',
  '00000000-0000-0000-0000-000000000000',
  'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
  "' or 1=1 --",
  '%00',
  '<script>alert(1)</script>',
  'x'.repeat(5000),
  'true',
  'null',
  '[]',
];

/** Cursors a client could forge: not ours at all, or ours with parts of the wrong type. */
const NASTY_CURSORS = [
  'garbage',
  '!!!!',
  '%%%',
  b64('{}'),
  b64('[]'),
  b64('"text"'),
  b64('[1'),
  encodeCursor(['x']),
  encodeCursor(['x', 'not-a-uuid']),
  encodeCursor(['2026-02-30 00:00:00+00', randomUUID()]),
  encodeCursor(['not a time', randomUUID()]),
  encodeCursor(['2026-01-01 00:00:00+00', 'zzz']),
  encodeCursor([1e20, 1e20, 'x']),
  encodeCursor([2 ** 31, -(2 ** 31) - 1, randomUUID()]),
  encodeCursor(['a', 'b', 'c']),
  encodeCursor([null, null]),
  encodeCursor([{}, []]),
  encodeCursor(['9'.repeat(40)]),
  encodeCursor([-1]),
  encodeCursor(['\u0000', randomUUID()]),
  encodeCursor(['a\ud800', randomUUID()]),
  encodeCursor(['2026-01-01 00:00:00+00', randomUUID(), 'extra']),
  Buffer.from([0xff, 0xfe, 0x5b]).toString('base64url'),
  '9'.repeat(30),
  '-5',
  '2026-02-30 10:00:00+00',
];

const NASTY_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0.5,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  1e308,
  -1e308,
  [],
  {},
  [null],
  { nested: '\u0000' },
  ['\ud800'],
  ...NASTY_STRINGS,
];

/** Every path of a JSON value (nested objects and arrays), as key lists. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return prefix.length ? [prefix] : [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  const own = prefix.length ? [prefix] : [];
  return [...own, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown, remove = false): unknown {
  if (path.length === 0) return replacement;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if (remove) {
      if (Array.isArray(copy)) copy.splice(Number(head), 1);
      else delete copy[head];
    } else copy[head] = replacement;
    return copy;
  }
  copy[head] = setAt(copy[head], rest, replacement, remove);
  return copy;
}

/** Query keys the schema declares (optional ones and `cursor` included) and the ones the base request sent. */
function queryKeysOf(route: RegisteredRoute, base: Req): string[] {
  const schema = (route.schema as Record<string, ZodLike | undefined> | undefined)?.querystring;
  const declared = schema?._zod?.def.shape ? Object.keys(schema._zod.def.shape) : [];
  return [...new Set([...declared, ...Object.keys(base.query)])];
}

/** A percent-encoded form of one character of the path (`/%61pi/me`), or other odd spellings of it. */
function pathVariants(path: string): string[] {
  const at = (i: number) => path.slice(0, i) + '%' + path.charCodeAt(i).toString(16).padStart(2, '0') + path.slice(i + 1);
  const letters = [...path].map((c, i) => (/[a-z]/.test(c) ? i : -1)).filter((i) => i >= 0);
  return [
    ...letters.slice(0, 4).map(at),
    at(letters[letters.length - 1]),
    at(1).replace(/%(..)/, (_, h: string) => `%${h.toUpperCase()}`),
    path.replace('/api/', '/API/'),
    path.replace('/api/', '/api//'),
    `${path}/`,
    `${path}%00`,
    `${path}%ED%A0%80`,
    `${path}%C0%80`,
    `${path}%FF`,
    `${path}%zz`,
    `${path}%2F..%2F..%2Fme`,
    path.replace('/api/', '/api/./'),
    path.replace(/\/[^/]+$/, '/%2e%2e/me'),
  ];
}

type Mutation = { label: string; apply: (req: Req) => Req };

function mutationsFor(route: RegisteredRoute, base: Req): fc.Arbitrary<Mutation> {
  const bodyPaths = base.body && 'json' in base.body ? pathsOf(base.body.json) : [];
  const queryKeys = queryKeysOf(route, base);
  const paramSegments = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const arbs: fc.Arbitrary<Mutation>[] = [];
  const json = (req: Req) => (req.body && 'json' in req.body ? req.body.json : {});

  if (bodyPaths.length) {
    arbs.push(
      fc.tuple(fc.constantFrom(...bodyPaths), fc.constantFrom(...NASTY_VALUES)).map(([p, v]) => ({
        label: `body.${p.join('.')} = ${JSON.stringify(v)?.slice(0, 60)}`,
        apply: (req: Req) => ({ ...req, body: { json: setAt(json(req), p, v) } }),
      })),
      fc.constantFrom(...bodyPaths).map((p) => ({
        label: `body.${p.join('.')} removed`,
        apply: (req: Req) => ({ ...req, body: { json: setAt(json(req), p, undefined, true) } }),
      })),
    );
  }
  if (base.body) {
    arbs.push(
      fc.tuple(fc.constantFrom('extra', 'cursor', '__proto__', 'constructor', 'dryRun', 'role', 'agencyId'), fc.constantFrom(...NASTY_VALUES)).map(
        ([k, v]) => ({
          label: `body.${k} added = ${JSON.stringify(v)?.slice(0, 60)}`,
          apply: (req: Req) => {
            const j = json(req);
            return { ...req, body: { json: j && typeof j === 'object' && !Array.isArray(j) ? { ...j, [k]: v } : { [k]: v } } };
          },
        }),
      ),
      fc
        .constantFrom<[string, string]>(
          ['application/json', 'not json'],
          ['application/json', '{"a":'],
          ['application/json', '[]'],
          ['application/json', 'null'],
          ['application/json', '"texte"'],
          ['application/json', '123'],
          ['application/json', '{"__proto__":{"admin":true}}'],
          ['application/json', '{"constructor":{"prototype":{"admin":true}}}'],
          ['application/json', '{"a":"\\u0000"}'],
          ['application/json', '{"a":"\\ud800"}'],
          ['application/json', ''],
          ['text/plain', 'bonjour'],
          ['application/x-www-form-urlencoded', 'a=1&b=2'],
          ['text/csv', 'url,keyword\n\u0000,\ud800\n'],
          ['application/octet-stream', '\u0000\u0001\u0002'],
        )
        .map(([type, raw]) => ({ label: `body raw ${type} ${JSON.stringify(raw)}`, apply: (req: Req) => ({ ...req, body: { raw, type } }) })),
    );
  }
  if (queryKeys.length || route.method === 'GET') {
    const keys = [...queryKeys, 'extra'];
    arbs.push(
      fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...NASTY_STRINGS)).map(([k, v]) => ({
        label: `query.${k} = ${JSON.stringify(v).slice(0, 60)}`,
        apply: (req: Req) => ({ ...req, query: { ...req.query, [k]: v } }),
      })),
      fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...NASTY_STRINGS)).map(([k, v]) => ({
        label: `query.${k} twice`,
        apply: (req: Req) => ({ ...req, query: { ...req.query, [k]: [String(req.query[k] ?? 'a'), v] } }),
      })),
    );
    arbs.push(
      fc.tuple(fc.constantFrom(...keys), fc.constantFrom('%00', 'a%00b', '%ED%A0%80', '%ED%B0%80x', '%C0%80', '%FF', '%zz', '%', '%2', 'a%26b%3Dc')).map(([k, v]) => ({
        label: `query.${k} raw ${v}`,
        apply: (req: Req) => ({ ...req, rawQuery: `${encodeURIComponent(k)}=${v}` }),
      })),
    );
    if (queryKeys.length) {
      arbs.push(
        fc.constantFrom(...queryKeys).map((k) => ({
          label: `query.${k} removed`,
          apply: (req: Req) => {
            const q = { ...req.query };
            delete q[k];
            return { ...req, query: q };
          },
        })),
      );
    }
    if (queryKeys.includes('cursor')) {
      arbs.push(
        fc.constantFrom(...NASTY_CURSORS).map((c) => ({
          label: `query.cursor = ${JSON.stringify(c).slice(0, 80)}`,
          apply: (req: Req) => ({ ...req, query: { ...req.query, cursor: c } }),
        })),
      );
    }
  }
  if (paramSegments.length) {
    arbs.push(
      fc.tuple(fc.constantFrom(...paramSegments), fc.constantFrom(...NASTY_STRINGS, '%ED%A0%80', '%C0%80', '%FF', '%zz', '..', '%2e%2e')).map(
        ([name, v]) => ({
          label: `param ${name} = ${JSON.stringify(v).slice(0, 60)}`,
          apply: (req: Req) => {
            const segments = route.url.split('/');
            const index = segments.indexOf(`:${name}`);
            const parts = req.path.split('/');
            const encoded = /^%|^\.\.$/.test(v) ? v : encodeURIComponentLoose(v);
            parts[index] = encoded;
            return { ...req, path: parts.join('/') };
          },
        }),
      ),
    );
  }
  arbs.push(
    fc.constantFrom(...pathVariants(base.path)).map((p) => ({ label: `path ${p.slice(0, 100)}`, apply: (req: Req) => ({ ...req, path: p }) })),
    fc.constantFrom<[string, string]>(
      ['idempotency-key', 'court'],
      ['idempotency-key', 'clé\u0000nulle-123456'],
      ['idempotency-key', 'x'.repeat(300)],
      ['accept-language', 'xx-\u00e9'],
      ['user-agent', 'agent\u0000nul \ud800'],
      ['content-length', '5'],
      ['x-csrf-token', 'forged'],
    ).map(([h, v]) => ({ label: `header ${h}: ${JSON.stringify(v).slice(0, 40)}`, apply: (req: Req) => ({ ...req, headers: { ...req.headers, [h]: v } }) })),
  );
  return fc.oneof(...arbs);
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) is sent as its CESU-8 bytes. */
function encodeURIComponentLoose(v: string): string {
  return [...v]
    .map((c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        const code = c.charCodeAt(0);
        return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      }
    })
    .join('');
}

// ---------------------------------------------------------------------------------------------
// Sending and judging

function queryString(query: Record<string, string | string[]>, raw?: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of [v].flat()) params.append(k, one);
  const s = [params.toString(), raw].filter(Boolean).join('&');
  return s ? `?${s}` : '';
}

async function send(client: Client, req: Req) {
  const headers: Record<string, string> = {
    'accept-language': client.lang,
    ...(client.cookie ? { cookie: `maillon_session=${client.cookie}` } : {}),
    ...(client.csrf && UNSAFE.has(req.method) ? { 'x-csrf-token': client.csrf } : {}),
  };
  let payload: string | undefined;
  if (req.body && 'json' in req.body) {
    payload = JSON.stringify(req.body.json);
    if (payload !== undefined) headers['content-type'] = 'application/json';
  } else if (req.body) {
    payload = req.body.raw;
    headers['content-type'] = req.body.type;
  }
  const res = await env.app.inject({
    method: req.method as 'GET',
    url: req.path + queryString(req.query, req.rawQuery),
    payload,
    remoteAddress: client.address,
    headers: { ...headers, ...req.headers },
  });
  const set = res.cookies.find((c) => c.name === 'maillon_session');
  if (set) client.cookie = set.value || null;
  return res;
}

const STACK = /\n\s+at [^\n]+:\d+:\d+|node_modules\/|\.ts:\d+:\d+|TypeError|ReferenceError|SyntaxError: /;

/** What is wrong with an answer, or null. */
function judge(method: string, res: Awaited<ReturnType<typeof send>>): string | null {
  if (res.statusCode >= 500) return `server error ${res.statusCode}: ${res.body.slice(0, 300)}`;
  const type = String(res.headers['content-type'] ?? '');
  if (!type.includes('pdf') && STACK.test(res.body)) return `stack trace in the answer: ${res.body.slice(0, 300)}`;
  if (res.statusCode < 400 || method === 'HEAD') return null;
  let body: any;
  try {
    body = JSON.parse(res.body);
  } catch {
    return `error answer is not JSON: ${res.body.slice(0, 200)}`;
  }
  const error = body?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || !error.message) {
    return `error answer without {error: {code, message}}: ${res.body.slice(0, 200)}`;
  }
  if (res.statusCode === 400 && error.code === 'validation_failed' && (typeof error.field !== 'string' || !error.field)) {
    return `400 validation_failed without field: ${res.body.slice(0, 200)}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

type Caller = { client: Client; email: string; password?: string };

describe('fuzzing every route from its schemas', () => {
  let fx: Fixture;
  let agency: Caller;
  let publisher: Caller;
  let support: Caller;

  beforeAll(async () => {
    // A hierarchy with every role, money, a marketplace offer, a project, a campaign and a placed order.
    const a = await makeAgency(env, 'complete', [
      ['Manager F', 'manager', 'agency', uniqueEmail('f-manager')],
      ['Consultant F', 'consultant', 'Manager F', uniqueEmail('f-consultant')],
      ['Client F', 'client', 'Consultant F', uniqueEmail('f-client')],
    ]);
    agency = { client: a.agency, email: a.email };
    const supportC = await supportClient(env);
    support = { client: supportC, email: env.support.email, password: env.support.password };
    expect((await a.agency.patch(`/api/accounts/${a.ids['Client F']}`, { company: FRENCH_COMPANY })).status).toBe(200);
    const funded = await fundWallet(env, a.agency, a.agencyId, 1_000_00);
    const awaiting = await a.agency.post(`/api/accounts/${a.agencyId}/top-ups`, { amountCents: 100_00, method: 'bank_transfer' });
    expect(awaiting.status).toBe(201);
    const offer = await makeOffer(env, { domain: `fuzz-editeur-${randomUUID().slice(0, 8)}.fr` });
    publisher = { client: offer.publisher, email: (await offer.publisher.get('/api/me')).body.person.email };
    const imported = await offer.publisher.request('POST', `/api/publisher/sites/${offer.siteId}/imports`, RAW_BODIES['text/csv'], {
      'content-type': 'text/csv',
    });
    expect(imported.status).toBe(202);
    const domain = `client-fuzz-${randomUUID().slice(0, 8)}.fr`;
    KNOWN_STRINGS.url = `https://${domain}`;
    KNOWN_STRINGS.targetUrl = `https://${domain}/produits`;
    KNOWN_STRINGS.liveUrl = `${offer.url}#lien`;
    const project = await a.agency.post('/api/projects', { clientId: a.ids['Client F'], name: 'Projet fuzz', url: `https://${domain}` });
    expect(project.status, JSON.stringify(project.body)).toBe(201);
    const campaign = await a.agency.post('/api/campaigns', { projectId: project.body.id, name: 'Campagne fuzz' });
    expect(campaign.status).toBe(201);
    const order = await a.agency.post('/api/orders', {
      projectId: project.body.id,
      campaignId: campaign.body.id,
      offerId: offer.offerId,
      targetUrl: `https://${domain}/produits`,
      anchor: 'ancre fuzz',
      fundFromAccountId: a.agencyId,
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    const future = await signUp(env, 'customer', 'Future agence fuzz');
    const request = await future.client.post('/api/agency/activation-request', { message: 'bientôt' });
    expect(request.status).toBe(201);
    const invitation = await env.database.db
      .selectFrom('outbox_emails')
      .select('text_body')
      .where('to_address', '=', (await env.database.db.selectFrom('accounts').select('email').where('id', '=', a.ids['Client F']).executeTakeFirstOrThrow()).email!)
      .executeTakeFirstOrThrow();
    fx = {
      token: /token=([\w-]+)/.exec(invitation.text_body)?.[1] ?? 'not-a-token',
      ids: {
        default: a.ids['Client F'],
        accounts: a.ids['Client F'],
        clientId: a.ids['Client F'],
        accountId: a.ids['Client F'],
        toAccountId: a.ids['Client F'],
        fromAccountId: a.agencyId,
        fundFromAccountId: a.agencyId,
        parentId: a.ids['Manager F'],
        childrenTo: a.agencyId,
        personInChargeId: a.ids['Consultant F'],
        'agency-requests': request.body.id,
        'top-ups': awaiting.body.id,
        invoices: funded.invoiceId,
        sites: offer.siteId,
        imports: imported.body.importId,
        offers: offer.offerId,
        offerId: offer.offerId,
        projects: project.body.id,
        projectId: project.body.id,
        campaigns: campaign.body.id,
        campaignId: campaign.body.id,
        orders: order.body.id,
      },
    };
  });

  /** Who may call a route: support for the back office, the publisher for its side, else the agency. */
  const callerFor = (url: string): Caller =>
    url.startsWith('/api/support/') ? support : url.startsWith('/api/publisher/') ? publisher : agency;

  /** After an unsafe success the caller may have signed out or started acting as someone: undo it. */
  async function restore(caller: Caller) {
    const me = await caller.client.get('/api/me');
    if (me.status === 401) await caller.client.login(caller.email, caller.password);
    else if (me.body?.actingAs) await caller.client.post('/api/act-as/stop');
  }

  it(`never answers 5xx, a stack trace or a shapeless error (seed ${SEED}, ${RUNS} mutations per route)`, async () => {
    const failures: string[] = [];
    const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.url));
    let sent = 0;
    for (const route of routes) {
      if (isDocs(route.url) || route.url === '/*' || (route.method === 'HEAD' && gets.has(route.url))) continue;
      const caller = callerFor(route.url);
      const base = baseRequest(route, fx);
      const tries: [string, Req][] = [['valid-looking request', base]];
      for (const m of fc.sample(mutationsFor(route, base), { seed: SEED + sent, numRuns: RUNS })) {
        tries.push([m.label, m.apply({ ...base, headers: { ...base.headers, 'idempotency-key': randomUUID() } })]);
      }
      for (const [label, req] of tries) {
        const res = await send(caller.client, req);
        sent++;
        const wrong = judge(req.method, res);
        if (wrong) failures.push(`${route.method} ${route.url} [${label}] ${req.path}${queryString(req.query, req.rawQuery)} -> ${wrong}`);
        if (UNSAFE.has(req.method) && res.statusCode < 400) await restore(caller);
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(routes.length * 5);
  }, 60_000 + RUNS * 3_000);

  it('an encoded path is the same route: the session and CSRF checks still apply (401 without a session, 403 without the token)', async () => {
    const anonymous = new Client(env.app);
    const { client: signedIn } = await signUp(env);
    const csrf = signedIn.csrf;
    for (const route of routes) {
      if (route.config.public || isDocs(route.url) || route.url === '/*') continue;
      const base = baseRequest(route, fx);
      // `/api/me` spelled `/%61pi/me`, and one letter further in encoded too
      const encoded = base.path.replace(/^\/a/, '/%61').replace(/\/([a-z])([a-z]*)$/, (_, c: string, rest: string) => `/%${c.charCodeAt(0).toString(16)}${rest}`);
      const res = await send(anonymous, { ...base, path: encoded });
      expect([401, 404], `${route.method} ${encoded} without a session answered ${res.statusCode}`).toContain(res.statusCode);
      if (UNSAFE.has(route.method)) {
        signedIn.csrf = null;
        const refused = await send(signedIn, { ...base, path: encoded });
        signedIn.csrf = csrf;
        expect([403, 404], `${route.method} ${encoded} without its CSRF token answered ${refused.statusCode}`).toContain(refused.statusCode);
        if (refused.statusCode === 403) expect(JSON.parse(refused.body).error.code).toBe('csrf_failed');
      }
    }
    const me = await send(signedIn, { method: 'GET', path: '/%61pi/me', query: {}, body: null, headers: {} });
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.body).person.id).toBeTruthy();
  });
});

describe('encoded paths with the web app served', () => {
  it('an encoded unknown API path is a JSON 404, not the web page; an encoded known one keeps its checks', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { buildApp } = await import('../app.js');
    const webRoot = mkdtempSync(join(tmpdir(), 'maillon-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Maillon</title>');
    const app = await buildApp({ config: env.config, database: env.database, webRoot });
    try {
      const page = await app.inject({ method: 'GET', url: '/campagnes/123' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>Maillon</title>');
      for (const url of ['/%61pi/nothing-here', '/api/nothing-here', '/%61%70%69/nothing-here']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(404);
        expect(res.json().error.code, url).toBe('not_found');
      }
      const me = await app.inject({ method: 'GET', url: '/%61pi/me' });
      expect(me.statusCode).toBe(401);
      expect(me.json().error.code).toBe('unauthenticated');
    } finally {
      await app.close();
    }
  });
});

describe('what PostgreSQL refuses is a 400 naming the field', () => {
  it('NUL bytes and lone surrogates in a body, a query and a path param', async () => {
    const { client, account } = await signUp(env);
    for (const [value, what] of [
      ['Nom\u0000nul', 'NUL'],
      ['Nom \ud800', 'lone high surrogate'],
      ['\udc00 Nom', 'lone low surrogate'],
    ]) {
      const res = await client.patch(`/api/accounts/${account.id}`, { name: value });
      expect(res.status, what).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', field: 'name' });
      const nested = await client.patch(`/api/accounts/${account.id}`, { company: { ...FRENCH_COMPANY, city: value } });
      expect(nested.body.error).toMatchObject({ code: 'validation_failed', field: 'company.city' });
    }
    const query = await client.get(`/api/accounts?q=${encodeURIComponent('a\u0000b')}`);
    expect(query.status).toBe(400);
    expect(query.body.error).toMatchObject({ code: 'validation_failed', field: 'q' });
    const param = await client.get('/api/accounts/%00');
    expect(param.status).toBe(400);
    expect(param.body.error.field).toBe('id');
    // a valid pair of surrogates (an emoji, a musical symbol) is ordinary text
    expect((await client.patch(`/api/accounts/${account.id}`, { name: 'Nom 𝄞 😀' })).status).toBe(200);
    expect((await client.get(`/api/accounts/${account.id}`)).body.name).toBe('Nom 𝄞 😀');
  });

  it('garbage and crafted cursors on every list are 400 on cursor', async () => {
    const fx = await makeAgency(env, 'simple', [['Client C', 'client', 'agency']]);
    const lists = ['/api/accounts', '/api/orders', '/api/top-ups', '/api/invoices', '/api/audit', `/api/accounts/${fx.agencyId}/ledger`, '/api/catalog/offers', '/api/catalog/offers?keyword=recette', '/api/agency/clients'];
    const crafted = (list: string) =>
      ['/api/orders', '/api/top-ups', '/api/invoices'].includes(list) ? [encodeCursor(['2026-02-30 00:00:00+00', randomUUID()])] : [];
    for (const list of lists) {
      for (const cursor of ['garbage', encodeCursor(['x', 'not-a-uuid']), encodeCursor([1e20, 2, 'x']), ...crafted(list)]) {
        const res = await fx.agency.get(`${list}${list.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`);
        expect(res.status, `${list} ${cursor}`).toBe(400);
        expect(res.body.error, `${list} ${cursor}`).toMatchObject({ code: 'validation_failed', field: 'cursor' });
      }
    }
    const { client: seller } = await signUp(env, 'publisher', 'Éditeur curseur');
    const res = await seller.get('/api/publisher/orders?cursor=2026-02-30');
    expect(res.body.error).toMatchObject({ code: 'validation_failed', field: 'cursor' });
  });

  it('impossible dates and integers past what the column holds are 400 naming the field', async () => {
    const fx = await makeAgency(env, 'simple', [['Client D', 'client', 'agency']]);
    for (const day of ['2026-02-30', '2025-02-29', '2026-04-31', '2026-13-01', '0000-01-01']) {
      const res = await fx.agency.get(`/api/orders?from=${day}`);
      expect(res.status, day).toBe(400);
      expect(res.body.error.field).toBe('from');
      const ledger = await fx.agency.get(`/api/accounts/${fx.agencyId}/ledger?to=${day}`);
      expect(ledger.body.error.field).toBe('to');
    }
    expect((await fx.agency.get('/api/orders?from=2024-02-29')).status).toBe(200);
    for (const n of [2 ** 31, 2 ** 40, 9_007_199_254_740_991]) {
      const res = await fx.agency.get(`/api/catalog/offers?minVolume=${n}`);
      expect(res.status, String(n)).toBe(400);
      expect(res.body.error.field).toBe('minVolume');
      const price = await fx.agency.get(`/api/catalog/offers?maxPriceCents=${n}`);
      expect(price.body.error.field).toBe('maxPriceCents');
    }
    expect((await fx.agency.get(`/api/catalog/offers?minVolume=${2 ** 31 - 1}`)).status).toBe(200);
    const project = await fx.agency.post('/api/projects', { clientId: fx.ids['Client D'], name: 'P', url: `https://dates-${randomUUID().slice(0, 8)}.fr` });
    const campaign = await fx.agency.post('/api/campaigns', { projectId: project.body.id, name: 'C', startsOn: '2026-02-30' });
    expect(campaign.status).toBe(400);
    expect(campaign.body.error.field).toBe('startsOn');
  });

  it('an unreadable body names the body', async () => {
    const { client, account } = await signUp(env);
    for (const [type, raw] of [
      ['application/json', '{"name":'],
      ['text/plain', 'bonjour'],
    ]) {
      const res = await client.request('PATCH', `/api/accounts/${account.id}`, raw, { 'content-type': type });
      expect(res.status, type).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', field: 'body' });
    }
  });
});
