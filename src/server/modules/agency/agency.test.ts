import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSupportAccount } from '../../db/seed.js';
import { Client, makeAgency, signUp, startTestEnv, supportClient, uniqueEmail, type TestEnv } from '../../testing/harness.js';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

const parentOf = async (id: string) =>
  (await env.database.db.selectFrom('accounts').select('parent_id').where('id', '=', id).executeTakeFirstOrThrow()).parent_id;
const isActive = async (id: string) =>
  (await env.database.db.selectFrom('accounts').select('active').where('id', '=', id).executeTakeFirstOrThrow()).active;

describe('agency-mode activation', () => {
  it('turns a customer into an agency in simple mode once support approves', async () => {
    const { client, account } = await signUp(env, 'customer', 'Agence Soleil');
    const req = await client.post('/api/agency/activation-request', { message: 'Merci' });
    expect(req.status).toBe(201);
    expect(req.body).toMatchObject({ accountId: account.id, status: 'pending' });
    expect((await client.post('/api/agency/activation-request', {})).body.error.code).toBe('invalid_state');
    expect((await client.get('/api/agency')).status).toBe(404);

    const support = await supportClient(env);
    const list = await support.get('/api/support/agency-requests?status=pending');
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain(req.body.id);
    const approved = await support.post(`/api/support/agency-requests/${req.body.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');

    const me = await client.get('/api/me');
    expect(me.body.account).toMatchObject({ role: 'agency', agencyId: account.id, agencyMode: 'simple' });
    const agency = await client.get('/api/agency');
    expect(agency.body).toEqual({
      id: account.id,
      name: 'Agence Soleil',
      mode: 'simple',
      counts: { managers: 0, consultants: 0, clients: 0 },
    });
    expect((await support.post(`/api/support/agency-requests/${req.body.id}/approve`)).status).toBe(409);
    // The agency's trail says who turned it on.
    const trail = await client.get('/api/audit');
    expect(trail.body.items.find((e: any) => e.action === 'agency.request_approve')).toMatchObject({
      person: { name: 'Support Maillon' },
      targetId: account.id,
    });
  });

  it('keeps the approval for support', async () => {
    const { client } = await signUp(env);
    const req = await client.post('/api/agency/activation-request', {});
    const other = (await signUp(env)).client;
    const res = await other.post(`/api/support/agency-requests/${req.body.id}/approve`);
    expect(res.status).toBe(403);
    expect((await other.get('/api/support/agency-requests')).status).toBe(403);
  });

  it('refuses a request from a publisher or an agency member', async () => {
    const { client } = await signUp(env, 'publisher');
    expect((await client.post('/api/agency/activation-request', {})).status).toBe(403);
  });

  it('lets support reject a request', async () => {
    const { client } = await signUp(env);
    const req = await client.post('/api/agency/activation-request', {});
    const support = await supportClient(env);
    const res = await support.post(`/api/support/agency-requests/${req.body.id}/reject`, { note: 'SIRET manquant' });
    expect(res.body.status).toBe('rejected');
    expect((await client.get('/api/me')).body.account.role).toBe('client');
  });
});

describe('members', () => {
  it('creates managers, consultants and clients where the parent outranks them', async () => {
    const fx = await makeAgency(env, 'complete', [
      ['Manon', 'manager', 'agency'],
      ['Claire', 'consultant', 'Manon'],
      ['Boulangerie', 'client', 'Claire'],
      ['Fleuriste', 'client', 'agency'],
    ]);
    const list = await fx.agency.get('/api/accounts?limit=500');
    expect(list.body.items.map((a: { name: string }) => a.name).sort()).toEqual(['Boulangerie', 'Claire', 'Fleuriste', 'Manon']);
    const boulangerie = list.body.items.find((a: { name: string }) => a.name === 'Boulangerie');
    expect(boulangerie).toMatchObject({ parentId: fx.ids.Claire, parentName: 'Claire', depth: 3, balanceCents: 0, hasLogin: false });
    expect((await fx.agency.get('/api/agency')).body.counts).toEqual({ managers: 1, consultants: 1, clients: 2 });
  });

  it('refuses a parent that does not outrank the child (422 on parentId)', async () => {
    const fx = await makeAgency(env, 'complete', [['Manon', 'manager', 'agency'], ['Claire', 'consultant', 'Manon']]);
    const res = await fx.agency.post('/api/accounts', { role: 'manager', name: 'Bis', parentId: fx.ids.Manon });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'rule_violation', field: 'parentId' });
    const peer = await fx.agency.post('/api/accounts', { role: 'consultant', name: 'Bis', parentId: fx.ids.Claire });
    expect(peer.status).toBe(422);
    expect((await fx.agency.get('/api/accounts?limit=500')).body.items).toHaveLength(2);
  });

  it('refuses a role the mode does not use (422 on role)', async () => {
    const fx = await makeAgency(env, 'simple');
    const res = await fx.agency.post('/api/accounts', { role: 'manager', name: 'Manon', parentId: fx.agencyId });
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe('role');
    expect(res.body.error.message).toContain('simple');
    const inter = await makeAgency(env, 'intermediate');
    const consultant = await inter.agency.post('/api/accounts', { role: 'consultant', name: 'C', parentId: inter.agencyId });
    expect(consultant.status).toBe(422);
  });

  it('answers 404 for a parent from another agency, and creates nothing', async () => {
    const a = await makeAgency(env, 'complete', [['Manon', 'manager', 'agency']]);
    const b = await makeAgency(env, 'complete');
    const res = await b.agency.post('/api/accounts', { role: 'client', name: 'Intrus', parentId: a.ids.Manon });
    expect(res.status).toBe(404);
    expect((await a.agency.get('/api/accounts')).body.items).toHaveLength(1);
  });

  it('refuses an e-mail already in use (409 on email)', async () => {
    const fx = await makeAgency(env, 'simple');
    const email = uniqueEmail();
    expect((await fx.agency.post('/api/accounts', { role: 'client', name: 'A', parentId: fx.agencyId, email })).status).toBe(201);
    const dup = await fx.agency.post('/api/accounts', { role: 'client', name: 'B', parentId: fx.agencyId, email });
    expect(dup.status).toBe(409);
    expect(dup.body.error.field).toBe('email');
  });

  it('validates the company of a client, naming the field', async () => {
    const fx = await makeAgency(env, 'simple');
    const res = await fx.agency.post('/api/accounts', {
      role: 'client',
      name: 'A',
      parentId: fx.agencyId,
      company: { legalName: 'A SARL', address: '1 rue', postalCode: '75001', city: 'Paris', country: 'FR', siret: '123' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('company.siret');
    expect(res.body.error.message).toContain('SIRET');
  });

  it('lets a consultant create clients under itself only', async () => {
    const email = uniqueEmail('consultant');
    const fx = await makeAgency(env, 'complete', [['Manon', 'manager', 'agency'], ['Claire', 'consultant', 'Manon', email]]);
    const { acceptInvitation } = await import('../../testing/harness.js');
    const claire = await acceptInvitation(env, email);
    expect((await claire.post('/api/accounts', { role: 'client', name: 'Mon client', parentId: fx.ids.Claire })).status).toBe(201);
    expect((await claire.post('/api/accounts', { role: 'consultant', name: 'X', parentId: fx.ids.Claire })).status).toBe(422);
    expect((await claire.post('/api/accounts', { role: 'client', name: 'X', parentId: fx.ids.Manon })).status).toBe(404);
    const mine = await claire.get('/api/accounts');
    expect(mine.body.items.map((a: { name: string }) => a.name)).toEqual(['Mon client']);
  });

  it('edits the name and company of an account in reach and of oneself', async () => {
    const fx = await makeAgency(env, 'simple', [['Client', 'client', 'agency']]);
    const company = { legalName: 'Client SAS', address: '3 quai', postalCode: '69002', city: 'Lyon', country: 'fr', siret: '12345678900012' };
    const res = await fx.agency.patch(`/api/accounts/${fx.ids.Client}`, { name: 'Client renommé', company });
    expect(res.status).toBe(200);
    const detail = await fx.agency.get(`/api/accounts/${fx.ids.Client}`);
    expect(detail.body).toMatchObject({ name: 'Client renommé', company: { ...company, country: 'FR' } });
    expect((await fx.agency.patch(`/api/accounts/${fx.agencyId}`, { name: 'Agence renommée' })).status).toBe(200);
    expect((await fx.agency.get(`/api/accounts/${fx.agencyId}`)).body.name).toBe('Agence renommée');
  });
});

describe('moves and role changes', () => {
  it('moves a client under another consultant (its person in charge)', async () => {
    const fx = await makeAgency(env, 'complete', [
      ['Manon', 'manager', 'agency'],
      ['Claire', 'consultant', 'Manon'],
      ['Paul', 'consultant', 'agency'],
      ['Client', 'client', 'Claire'],
    ]);
    const res = await fx.agency.patch(`/api/accounts/${fx.ids.Client}`, { parentId: fx.ids.Paul });
    expect(res.status).toBe(200);
    expect(res.body.plan.moved).toEqual([
      expect.objectContaining({ accountId: fx.ids.Client, fromParentId: fx.ids.Claire, toParentId: fx.ids.Paul }),
    ]);
    expect(await parentOf(fx.ids.Client)).toBe(fx.ids.Paul);
    const manonView = await fx.agency.get(`/api/accounts?parentId=${fx.ids.Paul}`);
    expect(manonView.body.items.map((a: { id: string }) => a.id)).toEqual([fx.ids.Client]);
  });

  it('refuses to move an account under its own descendant', async () => {
    const fx = await makeAgency(env, 'complete', [['Manon', 'manager', 'agency'], ['Claire', 'consultant', 'Manon']]);
    const res = await fx.agency.patch(`/api/accounts/${fx.ids.Manon}`, { parentId: fx.ids.Claire });
    expect(res.status).toBe(422);
    expect(await parentOf(fx.ids.Manon)).toBe(fx.agencyId);
  });

  it('demotes a manager: its consultants go to its parent, its clients stay', async () => {
    const fx = await makeAgency(env, 'complete', [
      ['Manon', 'manager', 'agency'],
      ['Claire', 'consultant', 'Manon'],
      ['Direct', 'client', 'Manon'],
    ]);
    const dry = await fx.agency.patch(`/api/accounts/${fx.ids.Manon}`, { role: 'consultant', dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ role: 'manager', applied: false });
    expect(dry.body.plan.moved).toEqual([expect.objectContaining({ accountId: fx.ids.Claire, toParentId: fx.agencyId })]);
    expect(await parentOf(fx.ids.Claire)).toBe(fx.ids.Manon);

    const res = await fx.agency.patch(`/api/accounts/${fx.ids.Manon}`, { role: 'consultant' });
    expect(res.body).toMatchObject({ role: 'consultant', applied: true });
    expect(await parentOf(fx.ids.Claire)).toBe(fx.agencyId);
    expect(await parentOf(fx.ids.Direct)).toBe(fx.ids.Manon);
  });

  it('demotes a manager handing its consultants to a manager chosen in the request', async () => {
    const fx = await makeAgency(env, 'complete', [
      ['Manon', 'manager', 'agency'],
      ['Hugo', 'manager', 'agency'],
      ['Claire', 'consultant', 'Manon'],
    ]);
    const res = await fx.agency.patch(`/api/accounts/${fx.ids.Manon}`, { role: 'consultant', childrenTo: fx.ids.Hugo });
    expect(res.status).toBe(200);
    expect(await parentOf(fx.ids.Claire)).toBe(fx.ids.Hugo);
  });

  it('refuses an heir that cannot take the children over (422 on childrenTo), changing nothing', async () => {
    const fx = await makeAgency(env, 'complete', [
      ['Manon', 'manager', 'agency'],
      ['Claire', 'consultant', 'Manon'],
      ['Paul', 'consultant', 'agency'],
    ]);
    const res = await fx.agency.patch(`/api/accounts/${fx.ids.Manon}`, { role: 'consultant', childrenTo: fx.ids.Paul });
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe('childrenTo');
    expect((await fx.agency.get(`/api/accounts/${fx.ids.Manon}`)).body.role).toBe('manager');
    expect(await parentOf(fx.ids.Claire)).toBe(fx.ids.Manon);
  });

  it('promotes a consultant to manager: it climbs to the agency', async () => {
    const fx = await makeAgency(env, 'complete', [['Manon', 'manager', 'agency'], ['Claire', 'consultant', 'Manon'], ['C', 'client', 'Claire']]);
    const res = await fx.agency.patch(`/api/accounts/${fx.ids.Claire}`, { role: 'manager' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'manager', parentId: fx.agencyId });
    expect(await parentOf(fx.ids.C)).toBe(fx.ids.Claire);
  });

  it('refuses to turn a client into a collaborator', async () => {
    const fx = await makeAgency(env, 'complete', [['C', 'client', 'agency']]);
    const res = await fx.agency.patch(`/api/accounts/${fx.ids.C}`, { role: 'consultant' });
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe('role');
  });
});

describe('deactivation', () => {
  it('hands the children to the parent', async () => {
    const fx = await makeAgency(env, 'complete', [
      ['Manon', 'manager', 'agency'],
      ['Claire', 'consultant', 'Manon'],
      ['C1', 'client', 'Claire'],
      ['C2', 'client', 'Claire'],
    ]);
    const dry = await fx.agency.post(`/api/accounts/${fx.ids.Claire}/deactivate`, { dryRun: true });
    expect(dry.body.plan.moved.map((m: { toParentId: string }) => m.toParentId)).toEqual([fx.ids.Manon, fx.ids.Manon]);
    expect(await isActive(fx.ids.Claire)).toBe(true);
    const res = await fx.agency.post(`/api/accounts/${fx.ids.Claire}/deactivate`);
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect(await parentOf(fx.ids.C1)).toBe(fx.ids.Manon);
    expect(await parentOf(fx.ids.C2)).toBe(fx.ids.Manon);
    const list = await fx.agency.get('/api/accounts?limit=500');
    expect(list.body.items.map((a: { name: string }) => a.name).sort()).toEqual(['C1', 'C2', 'Manon']);
    const withInactive = await fx.agency.get('/api/accounts?status=all');
    expect(withInactive.body.items).toHaveLength(4);
    expect((await fx.agency.post(`/api/accounts/${fx.ids.Claire}/deactivate`)).status).toBe(409);
  });

  it('refuses to deactivate oneself', async () => {
    const fx = await makeAgency(env, 'simple');
    expect((await fx.agency.post(`/api/accounts/${fx.agencyId}/deactivate`)).status).toBe(422);
  });

  it('answers 404 for an account of another agency', async () => {
    const a = await makeAgency(env, 'simple', [['C', 'client', 'agency']]);
    const b = await makeAgency(env, 'simple');
    expect((await b.agency.post(`/api/accounts/${a.ids.C}/deactivate`)).status).toBe(404);
    expect(await isActive(a.ids.C)).toBe(true);
  });
});

describe('mode switch', () => {
  const build = () =>
    makeAgency(env, 'complete', [
      ['Manon', 'manager', 'agency'],
      ['Claire', 'consultant', 'Manon'],
      ['Paul', 'consultant', 'agency'],
      ['C1', 'client', 'Claire'],
      ['C2', 'client', 'Manon'],
      ['C3', 'client', 'Paul'],
    ]);

  it('shows the plan on a dry run and changes nothing', async () => {
    const fx = await build();
    const res = await fx.agency.put('/api/agency/mode', { mode: 'simple', dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.applied).toBe(false);
    expect(res.body.mode).toBe('complete');
    expect(res.body.plan.deactivated.map((d: { name: string }) => d.name).sort()).toEqual(['Claire', 'Manon', 'Paul']);
    const moves = Object.fromEntries(res.body.plan.moved.map((m: { name: string; toParentId: string }) => [m.name, m.toParentId]));
    expect(moves).toEqual({ C1: fx.agencyId, C2: fx.agencyId, C3: fx.agencyId });
    expect(res.body.plan.returnedCents).toEqual([]);
    expect((await fx.agency.get('/api/agency')).body.mode).toBe('complete');
    expect(await parentOf(fx.ids.C1)).toBe(fx.ids.Claire);
  });

  it('complete → intermediate: consultants go, their clients move up to their manager or the agency', async () => {
    const fx = await build();
    const res = await fx.agency.put('/api/agency/mode', { mode: 'intermediate' });
    expect(res.body).toMatchObject({ mode: 'intermediate', applied: true });
    expect(await parentOf(fx.ids.C1)).toBe(fx.ids.Manon);
    expect(await parentOf(fx.ids.C3)).toBe(fx.agencyId);
    expect(await isActive(fx.ids.Claire)).toBe(false);
    expect(await isActive(fx.ids.Manon)).toBe(true);
    expect((await fx.agency.get('/api/agency')).body).toMatchObject({
      mode: 'intermediate',
      counts: { managers: 1, consultants: 0, clients: 3 },
    });
  });

  it('complete → simple applies the plan: every client under the agency', async () => {
    const fx = await build();
    await fx.agency.put('/api/agency/mode', { mode: 'simple' });
    for (const c of ['C1', 'C2', 'C3']) expect(await parentOf(fx.ids[c])).toBe(fx.agencyId);
    expect((await fx.agency.get('/api/agency')).body.counts).toEqual({ managers: 0, consultants: 0, clients: 3 });
    // Without restore, the way back up changes nobody and says who could come back.
    const back = await fx.agency.put('/api/agency/mode', { mode: 'complete', restore: false });
    expect(back.body.plan).toMatchObject({ deactivated: [], restored: [], moved: [], returnedCents: [] });
    expect(back.body.plan.notes).toEqual([{ code: 'restorable', message: '3 collaborateurs suspendus par un changement de mode peuvent être restaurés.' }]);
    for (const c of ['C1', 'C2', 'C3']) expect(await parentOf(fx.ids[c])).toBe(fx.agencyId);
    expect(await isActive(fx.ids.Manon)).toBe(false);
  });

  it('is for the agency account only, and refuses the current mode', async () => {
    const email = uniqueEmail('manager');
    const fx = await makeAgency(env, 'complete', [['Manon', 'manager', 'agency', email]]);
    const { acceptInvitation } = await import('../../testing/harness.js');
    const manon = await acceptInvitation(env, email);
    expect((await manon.put('/api/agency/mode', { mode: 'simple' })).status).toBe(403);
    const same = await fx.agency.put('/api/agency/mode', { mode: 'complete' });
    expect(same.status).toBe(409);
    expect(same.body.error.code).toBe('mode_conflict');
  });
});

describe('scoping', () => {
  it('lists only the caller subtree, and answers 404 outside it', async () => {
    const email = uniqueEmail('manager');
    const fx = await makeAgency(env, 'complete', [
      ['Manon', 'manager', 'agency', email],
      ['Hugo', 'manager', 'agency'],
      ['Claire', 'consultant', 'Manon'],
      ['HugoClient', 'client', 'Hugo'],
    ]);
    const { acceptInvitation } = await import('../../testing/harness.js');
    const manon = await acceptInvitation(env, email);
    const list = await manon.get('/api/accounts');
    expect(list.body.items.map((a: { name: string }) => a.name)).toEqual(['Claire']);
    expect((await manon.get(`/api/accounts/${fx.ids.HugoClient}`)).status).toBe(404);
    expect((await manon.get(`/api/accounts/${fx.ids.Hugo}`)).status).toBe(404);
    expect((await manon.get(`/api/accounts/${fx.agencyId}`)).status).toBe(404);
    expect((await manon.get(`/api/accounts/${fx.ids.Manon}`)).status).toBe(200);
  });

  it('searches by name without accents or case, and paginates', async () => {
    const fx = await makeAgency(env, 'simple', [
      ['Élodie Fleurs', 'client', 'agency'],
      ['Boulangerie', 'client', 'agency'],
      ['Cave', 'client', 'agency'],
    ]);
    const found = await fx.agency.get('/api/accounts?q=ELODIE');
    expect(found.body.items.map((a: { name: string }) => a.name)).toEqual(['Élodie Fleurs']);
    const page1 = await fx.agency.get('/api/accounts?limit=2');
    expect(page1.body.items).toHaveLength(2);
    const page2 = await fx.agency.get(`/api/accounts?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const names = [...page1.body.items, ...page2.body.items].map((a: { name: string }) => a.name);
    expect(names).toEqual(['Boulangerie', 'Cave', 'Élodie Fleurs']);
  });

  it('checks reach before anything else on PATCH /api/accounts/:id, dry run included (404, nothing of the account)', async () => {
    const victim = await makeAgency(env, 'complete', [['Client victime', 'client', 'agency', uniqueEmail('victim')]]);
    const caller = await signUp(env, 'customer', 'Curieux');
    const support = await supportClient(env);
    // Another support person: their account is private to them, even for support.
    const otherSupportEmail = uniqueEmail('support-other');
    await ensureSupportAccount(env.database.db, otherSupportEmail, 'another support password');
    const otherSupport = await env.database.db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', otherSupportEmail)
      .executeTakeFirstOrThrow();
    const targets = [victim.ids['Client victime'], victim.agencyId, randomUUID(), otherSupport.id];
    for (const id of targets) {
      for (const body of [{ dryRun: true }, { dryRun: true, name: 'Renommé' }, { dryRun: false }, {}]) {
        const res = await caller.client.patch(`/api/accounts/${id}`, body);
        expect(res.status, `${id} ${JSON.stringify(body)}`).toBe(404);
        expect(res.body.error.code).toBe('not_found');
        expect(JSON.stringify(res.body)).not.toContain('victim');
      }
    }
    // Support reaches the agency's accounts, but not another support person's account.
    expect((await support.patch(`/api/accounts/${victim.ids['Client victime']}`, { dryRun: true })).status).toBe(200);
    expect((await support.patch(`/api/accounts/${otherSupport.id}`, { dryRun: true })).status).toBe(404);
    expect((await support.get(`/api/accounts/${otherSupport.id}`)).status).toBe(404);
    // The owner's own account still answers its dry run.
    expect((await caller.client.patch(`/api/accounts/${caller.account.id}`, { dryRun: true })).status).toBe(200);
    expect((await victim.agency.get(`/api/accounts/${victim.ids['Client victime']}`)).body.name).toBe('Client victime');
  });

  it('shows support every account', async () => {
    const fx = await makeAgency(env, 'simple', [['Client support', 'client', 'agency']]);
    const support = await supportClient(env);
    const res = await support.get(`/api/accounts?q=${encodeURIComponent('client support')}`);
    expect(res.body.items.map((a: { id: string }) => a.id)).toContain(fx.ids['Client support']);
    expect((await new Client(env.app).get('/api/accounts')).status).toBe(401);
  });
});
