import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  Client,
  makeAgency,
  signUp,
  startTestEnv,
  supportClient,
  uniqueEmail,
  type TestEnv,
} from '../../testing/harness.js';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv({ MAILLON_ACT_AS_MINUTES: '30' });
});
afterAll(async () => env?.close());

const hierarchy = async () => {
  const emails = { manon: uniqueEmail('manon'), claire: uniqueEmail('claire'), client: uniqueEmail('client') };
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency', emails.manon],
    ['Hugo', 'manager', 'agency'],
    ['Claire', 'consultant', 'Manon', emails.claire],
    ['Client', 'client', 'Claire', emails.client],
    ['HugoClient', 'client', 'Hugo'],
  ]);
  return { fx, emails };
};

describe('acting-as', () => {
  it('lets the agency act as an account below it, with a new session id, and come back', async () => {
    const { fx } = await hierarchy();
    const before = fx.agency.cookie;
    const res = await fx.agency.post('/api/act-as', { accountId: fx.ids.Client });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ actingAs: true, person: { id: fx.agencyId }, account: { id: fx.ids.Client, role: 'client' } });
    expect(fx.agency.cookie).not.toBe(before);
    const stale = new Client(env.app);
    stale.cookie = before;
    expect((await stale.get('/api/me')).status).toBe(401);

    // The screens are the client's: its own reach, not the agency's.
    expect((await fx.agency.get('/api/accounts')).body.items).toEqual([]);
    expect((await fx.agency.get(`/api/accounts/${fx.ids.Manon}`)).status).toBe(404);
    expect((await fx.agency.get('/api/me')).body).toMatchObject({ actingAs: true, account: { id: fx.ids.Client } });

    const mid = fx.agency.cookie;
    const back = await fx.agency.post('/api/act-as/stop');
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ actingAs: false, account: { id: fx.agencyId }, person: { id: fx.agencyId } });
    expect(fx.agency.cookie).not.toBe(mid);
    expect((await fx.agency.get('/api/accounts')).body.items.length).toBe(5);
  });

  it('never reaches upward or sideways (404), nor oneself', async () => {
    const { fx, emails } = await hierarchy();
    const claire = await acceptInvitation(env, emails.claire);
    expect((await claire.post('/api/act-as', { accountId: fx.ids.Manon })).status).toBe(404);
    expect((await claire.post('/api/act-as', { accountId: fx.agencyId })).status).toBe(404);
    expect((await claire.post('/api/act-as', { accountId: fx.ids.HugoClient })).status).toBe(404);
    expect((await claire.post('/api/act-as', { accountId: fx.ids.Claire })).status).toBe(404);
    const other = await makeAgency(env, 'simple');
    expect((await other.agency.post('/api/act-as', { accountId: fx.ids.Client })).status).toBe(404);
    expect((await claire.post('/api/act-as', { accountId: fx.ids.Client })).status).toBe(200);
  });

  it('switches in one step while acting: reach is the person’s, new session id and CSRF token, stop + start in the trail', async () => {
    const { fx } = await hierarchy();
    await fx.agency.post('/api/act-as', { accountId: fx.ids.Client });
    const [cookie, csrf] = [fx.agency.cookie, fx.agency.csrf];
    // HugoClient is not below Client (the account acted as), but it is below the agency (the person).
    const switched = await fx.agency.post('/api/act-as', { accountId: fx.ids.HugoClient });
    expect(switched.status).toBe(200);
    expect(switched.body).toMatchObject({ actingAs: true, person: { id: fx.agencyId }, account: { id: fx.ids.HugoClient } });
    expect(fx.agency.cookie).not.toBe(cookie);
    expect(fx.agency.csrf).not.toBe(csrf);
    const stale = new Client(env.app);
    stale.cookie = cookie;
    expect((await stale.get('/api/me')).status).toBe(401);
    expect((await fx.agency.get('/api/me')).body).toMatchObject({ actingAs: true, account: { id: fx.ids.HugoClient } });
    // The old token no longer passes.
    const fresh = fx.agency.csrf;
    fx.agency.csrf = csrf;
    expect((await fx.agency.post('/api/act-as', { accountId: fx.ids.Client })).status).toBe(403);
    fx.agency.csrf = fresh;

    await fx.agency.post('/api/act-as/stop');
    const trail = (await fx.agency.get('/api/audit?category=account&limit=10')).body.items as { action: string; targetId: string; account: { id: string } }[];
    expect(trail.slice(0, 4).map((e) => [e.action, e.targetId])).toEqual([
      ['act_as.stop', fx.ids.HugoClient],
      ['act_as.start', fx.ids.HugoClient],
      ['act_as.stop', fx.ids.Client],
      ['act_as.start', fx.ids.Client],
    ]);
    expect(trail[2].account.id).toBe(fx.ids.Client);
  });

  it('refuses a switch to an account outside the person’s reach with a 404 and keeps the current acting', async () => {
    const { fx, emails } = await hierarchy();
    const claire = await acceptInvitation(env, emails.claire);
    expect((await claire.post('/api/act-as', { accountId: fx.ids.Client })).status).toBe(200);
    const [cookie, csrf] = [claire.cookie, claire.csrf];
    const other = await makeAgency(env, 'simple');
    for (const target of [fx.ids.HugoClient, fx.ids.Manon, fx.agencyId, fx.ids.Claire, other.agencyId, '00000000-0000-4000-8000-000000000000']) {
      const res = await claire.post('/api/act-as', { accountId: target });
      expect(res.status, target).toBe(404);
    }
    expect([claire.cookie, claire.csrf]).toEqual([cookie, csrf]);
    expect((await claire.get('/api/me')).body).toMatchObject({ actingAs: true, account: { id: fx.ids.Client }, person: { id: fx.ids.Claire } });
    expect((await claire.post('/api/act-as/stop')).status).toBe(200);
    const starts = (await claire.get('/api/audit?action=act_as.start,act_as.stop')).body.items;
    expect(starts.map((e: { action: string }) => e.action)).toEqual(['act_as.stop', 'act_as.start']);
  });

  it('needs the CSRF token to start and to stop', async () => {
    const { fx } = await hierarchy();
    const token = fx.agency.csrf;
    fx.agency.csrf = null;
    expect((await fx.agency.post('/api/act-as', { accountId: fx.ids.Client })).status).toBe(403);
    fx.agency.csrf = token;
    await fx.agency.post('/api/act-as', { accountId: fx.ids.Client });
    const csrf = fx.agency.csrf;
    fx.agency.csrf = null;
    expect((await fx.agency.post('/api/act-as/stop')).status).toBe(403);
    fx.agency.csrf = csrf;
    expect((await fx.agency.post('/api/act-as/stop')).status).toBe(200);
  });

  it('forbids password and e-mail changes while acting (403 forbidden_while_acting)', async () => {
    const { fx } = await hierarchy();
    await fx.agency.post('/api/act-as', { accountId: fx.ids.Client });
    const pw = await fx.agency.post('/api/auth/password', { currentPassword: 'whatever long', newPassword: 'new password long' });
    expect(pw.status).toBe(403);
    expect(pw.body.error.code).toBe('forbidden_while_acting');
    const mail = await fx.agency.post('/api/auth/email', { currentPassword: 'whatever long', email: uniqueEmail() });
    expect(mail.body.error.code).toBe('forbidden_while_acting');
  });

  it('records both ids in the audit trail for every write made while acting', async () => {
    const { fx } = await hierarchy();
    await fx.agency.post('/api/act-as', { accountId: fx.ids.Claire });
    const created = await fx.agency.post('/api/accounts', { role: 'client', name: 'Créé en agissant', parentId: fx.ids.Claire });
    expect(created.status).toBe(201);
    await fx.agency.post('/api/act-as/stop');
    const trail = await fx.agency.get('/api/audit?limit=20');
    const create = trail.body.items.find((e: { action: string; targetId: string }) => e.action === 'account.create' && e.targetId === created.body.id);
    expect(create).toMatchObject({ person: { id: fx.agencyId }, account: { id: fx.ids.Claire }, ip: fx.agency.address });
    const actions = trail.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['act_as.start', 'act_as.stop', 'account.create']));
  });

  it('ends at once when the acted account moves out of reach', async () => {
    const { fx, emails } = await hierarchy();
    const manon = await acceptInvitation(env, emails.manon);
    expect((await manon.post('/api/act-as', { accountId: fx.ids.Client })).status).toBe(200);
    // The agency hands the client to Hugo: Manon no longer reaches it.
    expect((await fx.agency.patch(`/api/accounts/${fx.ids.Client}`, { parentId: fx.ids.Hugo })).status).toBe(200);
    const next = await manon.get('/api/accounts');
    expect(next.status).toBe(403);
    expect(next.body.error.code).toBe('acting_ended');
    const me = await manon.get('/api/me');
    expect(me.body).toMatchObject({ actingAs: false, account: { id: fx.ids.Manon } });
  });

  it('ends at once when the acted account is deactivated', async () => {
    const { fx } = await hierarchy();
    await fx.agency.post('/api/act-as', { accountId: fx.ids.Claire });
    const agencyAgain = new Client(env.app);
    await agencyAgain.login(fx.email);
    await agencyAgain.post(`/api/accounts/${fx.ids.Claire}/deactivate`);
    const res = await fx.agency.get('/api/me');
    expect(res.body).toMatchObject({ actingAs: false, actingEnded: 'Claire' });
  });

  it('refuses a deactivated account', async () => {
    const { fx } = await hierarchy();
    await fx.agency.post(`/api/accounts/${fx.ids.HugoClient}/deactivate`);
    expect((await fx.agency.post('/api/act-as', { accountId: fx.ids.HugoClient })).status).toBe(403);
  });

  it('expires', async () => {
    const { fx } = await hierarchy();
    await fx.agency.post('/api/act-as', { accountId: fx.ids.Client });
    await env.database.db
      .updateTable('sessions')
      .set({ acting_expires_at: new Date(Date.now() - 1000) })
      .where('acting_account_id', '=', fx.ids.Client)
      .execute();
    const me = await fx.agency.get('/api/me');
    expect(me.body).toMatchObject({ actingAs: false, account: { id: fx.agencyId }, actingEnded: 'Client' });
  });

  it('lets support act as anyone with a stated reason, recorded in the trail', async () => {
    const { fx } = await hierarchy();
    const support = await supportClient(env);
    const noReason = await support.post('/api/act-as', { accountId: fx.ids.Client });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.field).toBe('reason');
    const ok = await support.post('/api/act-as', { accountId: fx.ids.Client, reason: 'Ticket #4521 : commande bloquée' });
    expect(ok.status).toBe(200);
    expect(ok.body.actingReason).toBe('Ticket #4521 : commande bloquée');
    const trail = await fx.agency.get(`/api/audit?accountId=${fx.ids.Client}`);
    const start = trail.body.items.find((e: { action: string }) => e.action === 'act_as.start');
    expect(start.details).toEqual({ reason: 'Ticket #4521 : commande bloquée' });
    expect(start.person.name).toBe('Support Maillon');
  });

  it('a standalone customer reaches nobody', async () => {
    const { client } = await signUp(env);
    const { account } = await signUp(env);
    expect((await client.post('/api/act-as', { accountId: account.id })).status).toBe(404);
  });
});

describe('audit trail', () => {
  it('shows the agency its subtree only', async () => {
    const a = await hierarchy();
    const b = await makeAgency(env, 'simple', [['Autre', 'client', 'agency']]);
    const trail = await a.fx.agency.get('/api/audit?limit=100');
    const ids = new Set(trail.body.items.map((e: { account: { id: string } }) => e.account.id));
    expect(ids.has(b.agencyId)).toBe(false);
    expect(ids.has(a.fx.agencyId)).toBe(true);
    expect((await a.fx.agency.get(`/api/audit?accountId=${b.ids.Autre}`)).status).toBe(404);
  });
});
