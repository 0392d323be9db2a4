import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type Database } from '../db/database.js';
import { ensureSupportAccount } from '../db/seed.js';
import { orderFiguresDrift } from '../modules/orders/service.js';

export type TestEnv = {
  app: FastifyInstance;
  database: Database;
  config: Config;
  /** a support person created for this test file */
  support: { email: string; password: string };
  close: () => Promise<void>;
};

export const PASSWORD = 'correct horse battery';

/**
 * One app per test file, on PGlite (loaded from the migrated template) or on DATABASE_URL.
 * `ownSchema`: on PostgreSQL, the file gets a freshly migrated schema of its own (dropped at close)
 * instead of sharing `public` with the other files, for tests that act on whole tables (e.g.
 * delivering every queued e-mail). PGlite files are isolated anyway.
 */
export async function startTestEnv(
  env: Record<string, string> = {},
  options: { ownSchema?: boolean; logStream?: NodeJS.WritableStream } = {},
): Promise<TestEnv> {
  const config = loadConfig({ NODE_ENV: 'test', MAILLON_SEED: 'none', ...env });
  const template = inject('pgliteTemplate');
  const own = process.env.DATABASE_URL && options.ownSchema ? await createOwnSchema(process.env.DATABASE_URL) : null;
  const database = own
    ? own.database
    : process.env.DATABASE_URL
      ? await openDatabase({ databaseUrl: process.env.DATABASE_URL, poolSize: 10 })
      : await openDatabase({ dataDir: 'memory://', loadDataDir: new Blob([readFileSync(template!)]) });
  const app = await buildApp({ config, database, webRoot: null, logger: options.logStream ? { stream: options.logStream } : false });
  const support = { email: `support-${randomUUID()}@test.maillon`, password: PASSWORD };
  await ensureSupportAccount(database.db, support.email, support.password);
  return {
    app,
    database,
    config,
    support,
    close: async () => {
      // Whatever the file did to the orders, the figures the dashboards read must still add up.
      // (A file that closed its database itself has nothing left to check.)
      const drift = await orderFiguresDrift(database.db).catch(() => []);
      await app.close();
      await database.close();
      await own?.drop();
      if (drift.length > 0) throw new Error(`order figures differ from the orders: ${JSON.stringify(drift)}`);
    },
  };
}

async function createOwnSchema(databaseUrl: string) {
  const schema = `test_${process.pid}_${randomUUID().slice(0, 8)}`;
  const admin = await openDatabase({ databaseUrl, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 10 });
  await migrateToLatest(database.db, { schema });
  return {
    database,
    drop: async () => {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
      await admin.close();
    },
  };
}

export const uniqueEmail = (label = 'user') => `${label}-${randomUUID().slice(0, 12)}@test.maillon`;

let addressCounter = 0;

/**
 * A browser-like client: keeps its session cookie and CSRF token, sends them like the SPA does.
 * Each client comes from its own address so that rate limits of one test do not touch another.
 */
export class Client {
  cookie: string | null = null;
  csrf: string | null = null;
  readonly address: string;

  constructor(
    private readonly app: FastifyInstance,
    address?: string,
    public lang: 'fr' | 'en' = 'fr',
  ) {
    addressCounter++;
    this.address = address ?? `10.${(process.pid >> 8) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
  }

  async request(method: InjectOptions['method'], url: string, payload?: unknown, headers: Record<string, string> = {}) {
    const res = await this.app.inject({
      method,
      url,
      payload: payload as InjectOptions['payload'],
      remoteAddress: this.address,
      headers: {
        'accept-language': this.lang,
        ...(this.cookie ? { cookie: `maillon_session=${this.cookie}` } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
    });
    const set = res.cookies.find((c) => c.name === 'maillon_session');
    if (set) this.cookie = set.value || null;
    const body = res.body && res.headers['content-type']?.toString().includes('json') ? res.json() : undefined;
    if (body && typeof body === 'object' && 'csrfToken' in body) this.csrf = (body as { csrfToken: string }).csrfToken;
    return { status: res.statusCode, body: body as any, headers: res.headers };
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, payload?: unknown, headers?: Record<string, string>) => this.request('POST', url, payload ?? {}, headers);
  put = (url: string, payload?: unknown) => this.request('PUT', url, payload ?? {});
  patch = (url: string, payload?: unknown) => this.request('PATCH', url, payload ?? {});

  async login(email: string, password = PASSWORD) {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.account as { id: string; role: string };
  }
}

export async function signUp(env: TestEnv, kind: 'customer' | 'publisher' = 'customer', name = 'Client Test') {
  const client = new Client(env.app);
  const email = uniqueEmail(kind);
  const res = await client.post('/api/auth/signup', { email, password: PASSWORD, name, kind });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { client, email, account: res.body.account as { id: string; role: string; name: string } };
}

export async function supportClient(env: TestEnv) {
  const client = new Client(env.app);
  await client.login(env.support.email, env.support.password);
  return client;
}

export type AgencyFixture = {
  agency: Client;
  agencyId: string;
  email: string;
  /** ids by name */
  ids: Record<string, string>;
};

/**
 * An agency in the given mode, built through the API as a user would: sign-up, request, support
 * approval, mode switch. `members` are created in order: [name, role, parentName ('agency' for the root), email?].
 */
export async function makeAgency(
  env: TestEnv,
  mode: 'simple' | 'intermediate' | 'complete' = 'complete',
  members: [string, 'manager' | 'consultant' | 'client', string, string?][] = [],
): Promise<AgencyFixture> {
  const { client: agency, email, account } = await signUp(env, 'customer', 'Agence Test');
  const req = await agency.post('/api/agency/activation-request', { message: 'Nous sommes une agence' });
  if (req.status !== 201) throw new Error(`activation request failed: ${JSON.stringify(req.body)}`);
  const support = await supportClient(env);
  const approved = await support.post(`/api/support/agency-requests/${req.body.id}/approve`);
  if (approved.status !== 200) throw new Error(`approval failed: ${JSON.stringify(approved.body)}`);
  if (mode !== 'simple') {
    const switched = await agency.put('/api/agency/mode', { mode });
    if (switched.status !== 200) throw new Error(`mode switch failed: ${JSON.stringify(switched.body)}`);
  }
  const ids: Record<string, string> = { agency: account.id };
  for (const [name, role, parentName, memberEmail] of members) {
    const res = await agency.post('/api/accounts', { role, name, parentId: ids[parentName], ...(memberEmail ? { email: memberEmail } : {}) });
    if (res.status !== 201) throw new Error(`create ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
    ids[name] = res.body.id;
  }
  return { agency, agencyId: account.id, email, ids };
}

/** Gives an invited member its password through the invitation e-mail, then signs it in. */
export async function acceptInvitation(env: TestEnv, email: string, password = PASSWORD): Promise<Client> {
  const row = await env.database.db
    .selectFrom('outbox_emails')
    .select('text_body')
    .where('to_address', '=', email)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  const token = /token=([\w-]+)/.exec(row.text_body)![1];
  const client = new Client(env.app);
  const res = await client.post('/api/auth/invitations/accept', { token, password });
  if (res.status !== 200) throw new Error(`invitation failed: ${JSON.stringify(res.body)}`);
  return client;
}

export const FRENCH_COMPANY = {
  legalName: 'Agence Test SAS',
  address: '5 place Bellecour',
  postalCode: '69002',
  city: 'Lyon',
  country: 'FR',
  siret: '81234567800012',
  vatNumber: 'FR40812345678',
};

/**
 * Credits a wallet the way a user would: billing details, a bank-transfer top-up requested by
 * `client`, then support confirms the payment. Returns the invoice id.
 */
export async function fundWallet(env: TestEnv, client: Client, accountId: string, amountCents: number) {
  const detail = await client.get(`/api/accounts/${accountId}`);
  if (!detail.body.company) await client.patch(`/api/accounts/${accountId}`, { company: FRENCH_COMPANY });
  const topUp = await client.post(`/api/accounts/${accountId}/top-ups`, { amountCents, method: 'bank_transfer' });
  if (topUp.status !== 201) throw new Error(`top-up failed: ${JSON.stringify(topUp.body)}`);
  const support = await supportClient(env);
  const confirmed = await support.post(`/api/support/top-ups/${topUp.body.id}/confirm`);
  if (confirmed.status !== 200) throw new Error(`confirm failed: ${JSON.stringify(confirmed.body)}`);
  return { topUpId: topUp.body.id as string, invoiceId: confirmed.body.invoiceId as string };
}

/** The sum of every wallet, system ones included: zero whatever happened. */
export async function totalOfAllWallets(env: TestEnv): Promise<number> {
  const { sql } = await import('kysely');
  const row = await sql<{ total: number }>`select coalesce(sum(posted_cents), 0)::int8 as total from wallets`.execute(env.database.db);
  return Number(row.rows[0].total);
}

let domainCounter = 0;

/**
 * A publisher with an approved site and one article: returns the publisher's client, the site,
 * and the offer id (the article). `domain` defaults to a fresh made-up one.
 */
export async function makeOffer(
  env: TestEnv,
  options: { domain?: string; siteKind?: 'generalist' | 'thematic'; theme?: string; url?: string; keywords?: { keyword: string; position: number; volume: number }[] } = {},
) {
  const { client: publisher, account } = await signUp(env, 'publisher', 'Éditeur Test');
  const domain = options.domain ?? `site-${process.pid}-${++domainCounter}-${Date.now().toString(36)}.fr`;
  const site = await publisher.post('/api/publisher/sites', {
    domain,
    theme: options.theme ?? 'immobilier',
    siteKind: options.siteKind ?? 'thematic',
    language: 'fr',
  });
  if (site.status !== 201) throw new Error(`site failed: ${JSON.stringify(site.body)}`);
  const support = await supportClient(env);
  await support.post(`/api/support/sites/${site.body.id}/approve`);
  const url = options.url ?? `https://${domain}/blog/article-${domainCounter}`;
  const article = await publisher.post(`/api/publisher/sites/${site.body.id}/articles`, {
    url,
    keywords: options.keywords ?? [{ keyword: 'crédit immobilier', position: 3, volume: 2400 }],
  });
  if (article.status !== 201) throw new Error(`article failed: ${JSON.stringify(article.body)}`);
  return { publisher, publisherId: account.id, siteId: site.body.id as string, domain: site.body.domain as string, offerId: article.body.id as string, priceCents: article.body.priceCents as number, url };
}
