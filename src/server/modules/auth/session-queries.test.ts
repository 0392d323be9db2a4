import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { Client, makeAgency, signUp, startTestEnv, supportClient, type TestEnv } from '../../testing/harness.js';

// The session lookup on every authenticated request is one query (the session, its person, the
// acted account and the reach together); the touch of last_seen_at adds one, at most once a minute.

let env: TestEnv;
let counted: FastifyInstance;
const statements: string[] = [];
const counter: KyselyPlugin = {
  transformQuery: (args) => args.node,
  transformResult: async (args) => {
    statements.push(args.queryId.queryId);
    return args.result;
  },
};

beforeAll(async () => {
  env = await startTestEnv();
  // the same database, seen through a Kysely that counts every statement it runs
  counted = await buildApp({ config: env.config, database: { ...env.database, db: env.database.db.withPlugin(counter) }, webRoot: null });
});
afterAll(async () => {
  await counted?.close();
  await env?.close();
});

/** The client's session on the counting app, and the number of statements one GET ran. */
async function queriesOf(client: Client, url: string) {
  const twin = new Client(counted, client.address);
  twin.cookie = client.cookie;
  statements.length = 0;
  const res = await twin.get(url);
  return { status: res.status, body: res.body, queries: statements.length };
}

const backdateLastSeen = (minutes: number) =>
  env.database.db
    .updateTable('sessions')
    .set({ last_seen_at: new Date(Date.now() - minutes * 60_000) })
    .execute();

describe('the session lookup', () => {
  it('costs one query per authenticated request, and one more when the last use is over a minute old', async () => {
    const { client, account } = await signUp(env);
    const me = await queriesOf(client, '/api/me');
    expect(me).toMatchObject({ status: 200, queries: 1, body: { actingAs: false, account: { id: account.id } } });
    expect((await queriesOf(client, '/api/me')).queries).toBe(1);

    await backdateLastSeen(2);
    expect((await queriesOf(client, '/api/me')).queries).toBe(2);
    // touched: the next one is back to one query
    expect((await queriesOf(client, '/api/me')).queries).toBe(1);
  });

  it('costs one query while acting, for an agency and for support', async () => {
    const fx = await makeAgency(env, 'complete', [['Client', 'client', 'agency']]);
    expect((await fx.agency.post('/api/act-as', { accountId: fx.ids.Client })).status).toBe(200);
    const acting = await queriesOf(fx.agency, '/api/me');
    expect(acting).toMatchObject({ status: 200, queries: 1, body: { actingAs: true, person: { id: fx.agencyId }, account: { id: fx.ids.Client } } });

    const support = await supportClient(env);
    expect((await support.post('/api/act-as', { accountId: fx.ids.Client, reason: 'ticket 42' })).status).toBe(200);
    expect(await queriesOf(support, '/api/me')).toMatchObject({ status: 200, queries: 1, body: { actingAs: true, account: { id: fx.ids.Client } } });
  });

  it('still ends the acting of an account that left the reach, naming it, in the same request', async () => {
    const fx = await makeAgency(env, 'complete', [['Client', 'client', 'agency']]);
    expect((await fx.agency.post('/api/act-as', { accountId: fx.ids.Client })).status).toBe(200);
    await env.database.db.updateTable('accounts').set({ active: false }).where('id', '=', fx.ids.Client).execute();
    const ended = await queriesOf(fx.agency, '/api/me');
    expect(ended).toMatchObject({ status: 200, body: { actingAs: false, actingEnded: 'Client', account: { id: fx.agencyId } } });
    expect((await queriesOf(fx.agency, '/api/me')).body).toMatchObject({ actingAs: false, actingEnded: null });
  });
});
