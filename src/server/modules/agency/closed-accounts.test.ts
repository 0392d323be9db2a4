import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { runBackgroundWork } from '../../jobs/handlers.js';
import { runHousekeeping } from '../../jobs/housekeeping.js';
import {
  acceptInvitation,
  Client,
  fundWallet,
  makeAgency,
  makeOffer,
  PASSWORD,
  signUp,
  startTestEnv,
  supportClient,
  totalOfAllWallets,
  uniqueEmail,
  type TestEnv,
} from '../../testing/harness.js';

/**
 * Issue 8: modes switch freely both ways, closed accounts come back, and no cent rests on a
 * closed wallet. Everything through the HTTP API, as an agency owner and its team would.
 */

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

const ctx = () => ({ db: env.database.db, config: env.config });

async function signIn(email: string, password = PASSWORD) {
  const client = new Client(env.app);
  const res = await client.post('/api/auth/login', { email, password });
  return { client, status: res.status, body: res.body };
}

/** parent name of each account of the agency, as the agency lists them (closed ones included) */
async function structure(agency: Client): Promise<Record<string, string>> {
  const list = await agency.get('/api/accounts?status=all&limit=500');
  expect(list.status).toBe(200);
  return Object.fromEntries(
    (list.body.items as { name: string; parentName: string; active: boolean }[]).map((a) => [a.name, `${a.parentName}${a.active ? '' : ' (fermé)'}`]),
  );
}

const wallet = async (client: Client, id: string) => (await client.get(`/api/accounts/${id}/wallet`)).body;

/** An agency in complete mode: two managers, consultants under them, clients everywhere, and people who can sign in. */
async function team() {
  const emails = { Manon: uniqueEmail('manon'), Claire: uniqueEmail('claire'), Hugo: uniqueEmail('hugo') };
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency', emails.Manon],
    ['Marc', 'manager', 'agency'],
    ['Claire', 'consultant', 'Manon', emails.Claire],
    ['Hugo', 'consultant', 'agency', emails.Hugo],
    ['Boulangerie', 'client', 'Claire'],
    ['Fleuriste', 'client', 'Claire'],
    ['Garage', 'client', 'Manon'],
    ['Hôtel', 'client', 'Hugo'],
    ['Librairie', 'client', 'agency'],
  ]);
  const manon = await acceptInvitation(env, emails.Manon);
  const claire = await acceptInvitation(env, emails.Claire);
  return { ...fx, emails, manon, claire };
}

describe('switching modes down and back up', () => {
  it('complete → simple suspends the collaborators, complete again restores the team as it was', async () => {
    const fx = await team();
    await fundWallet(env, fx.agency, fx.agencyId, 500_00);
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Claire, amountCents: 120_00 });
    const before = await structure(fx.agency);

    const dry = await fx.agency.put('/api/agency/mode', { mode: 'simple', dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.applied).toBe(false);
    expect(await structure(fx.agency)).toEqual(before);
    const down = await fx.agency.put('/api/agency/mode', { mode: 'simple' });
    expect(down.body.plan).toEqual(dry.body.plan);
    expect(down.body.plan.deactivated.map((d: any) => d.name).sort()).toEqual(['Claire', 'Hugo', 'Manon', 'Marc']);
    expect(down.body.plan.returnedCents).toEqual([expect.objectContaining({ fromName: 'Claire', toName: 'Agence Test', amountCents: 120_00 })]);

    // Suspended: signed out now, refused at sign-in, listed as suspended by whoever switched.
    expect((await fx.claire.get('/api/me')).status).toBe(401);
    expect((await signIn(fx.emails.Claire)).status).toBe(403);
    const closed = await fx.agency.get('/api/accounts?status=inactive');
    expect(closed.body.items.map((a: any) => a.name).sort()).toEqual(['Claire', 'Hugo', 'Manon', 'Marc']);
    expect(closed.body.items[0].closed).toMatchObject({ reason: 'suspended_by_mode', byPersonId: fx.agencyId, byPersonName: 'Agence Test' });
    expect((await fx.agency.get('/api/accounts')).body.items.map((a: any) => a.name).sort()).toEqual([
      'Boulangerie',
      'Fleuriste',
      'Garage',
      'Hôtel',
      'Librairie',
    ]);

    const dryUp = await fx.agency.put('/api/agency/mode', { mode: 'complete', dryRun: true });
    expect(dryUp.body.plan.restored.map((r: any) => `${r.name}→${r.toParentName}`).sort()).toEqual([
      'Claire→Manon',
      'Hugo→Agence Test',
      'Manon→Agence Test',
      'Marc→Agence Test',
    ]);
    expect(dryUp.body.plan.notes.map((n: any) => n.code)).toContain('credits_not_returned');
    const up = await fx.agency.put('/api/agency/mode', { mode: 'complete' });
    expect(up.body.plan).toEqual(dryUp.body.plan);
    expect(await structure(fx.agency)).toEqual(before);
    // The credits stayed where the switch down put them.
    expect((await wallet(fx.agency, fx.ids.Claire)).availableCents).toBe(0);
    // Claire signs in again with her own password and sees her clients.
    const again = await signIn(fx.emails.Claire);
    expect(again.status).toBe(200);
    expect((await again.client.get('/api/accounts')).body.items.map((a: any) => a.name).sort()).toEqual(['Boulangerie', 'Fleuriste']);
    expect((await fx.agency.get('/api/agency')).body.counts).toEqual({ managers: 2, consultants: 2, clients: 5 });
  });

  it('undoes two switches down in one switch up: complete → intermediate → simple → complete', async () => {
    const fx = await team();
    const before = await structure(fx.agency);
    await fx.agency.put('/api/agency/mode', { mode: 'intermediate' });
    expect((await structure(fx.agency)).Boulangerie).toBe('Manon');
    await fx.agency.put('/api/agency/mode', { mode: 'simple' });
    expect((await structure(fx.agency)).Boulangerie).toBe('Agence Test');
    await fx.agency.put('/api/agency/mode', { mode: 'complete' });
    expect(await structure(fx.agency)).toEqual(before);
  });

  it('restores step by step: intermediate brings the managers back, complete the consultants', async () => {
    const fx = await team();
    const before = await structure(fx.agency);
    await fx.agency.put('/api/agency/mode', { mode: 'simple' });
    const mid = await fx.agency.put('/api/agency/mode', { mode: 'intermediate' });
    expect(mid.body.plan.restored.map((r: any) => r.name).sort()).toEqual(['Manon', 'Marc']);
    const s = await structure(fx.agency);
    expect([s.Manon, s.Claire, s.Boulangerie, s.Garage]).toEqual(['Agence Test', 'Manon (fermé)', 'Manon', 'Manon']);
    await fx.agency.put('/api/agency/mode', { mode: 'complete' });
    expect(await structure(fx.agency)).toEqual(before);
  });

  it('leaves a client where someone put it in between, and brings the others back', async () => {
    const fx = await team();
    await fx.agency.put('/api/agency/mode', { mode: 'intermediate' });
    // Fleuriste (Claire's, now Manon's) gets another person in charge while Claire is suspended.
    expect((await fx.agency.patch(`/api/accounts/${fx.ids.Fleuriste}`, { parentId: fx.ids.Marc })).status).toBe(200);
    const up = await fx.agency.put('/api/agency/mode', { mode: 'complete' });
    // Hôtel was Hugo's, a consultant directly under the agency: it comes back to Hugo too.
    expect(up.body.plan.moved.map((m: any) => m.name).sort()).toEqual(['Boulangerie', 'Hôtel']);
    const s = await structure(fx.agency);
    expect([s.Claire, s.Boulangerie, s.Fleuriste]).toEqual(['Manon', 'Claire', 'Marc']);
  });

  it('restore: false switches without restoring; a later switch up still can', async () => {
    const fx = await team();
    const before = await structure(fx.agency);
    await fx.agency.put('/api/agency/mode', { mode: 'intermediate' });
    const plain = await fx.agency.put('/api/agency/mode', { mode: 'complete', restore: false });
    expect(plain.body.plan.restored).toEqual([]);
    expect(plain.body.plan.notes).toEqual([expect.objectContaining({ code: 'restorable' })]);
    expect((await structure(fx.agency)).Claire).toBe('Manon (fermé)');
    await fx.agency.put('/api/agency/mode', { mode: 'intermediate' });
    await fx.agency.put('/api/agency/mode', { mode: 'complete' });
    expect(await structure(fx.agency)).toEqual(before);
  });

  it('a restore-less switch up, then down and up again with restore, brings back the team of before the first switch', async () => {
    // The counterexample of modes.property.test.ts (MODES_SEED=-545261693), step by step: a refused
    // order, then intermediate, intermediate again, complete without restore, intermediate without
    // restore, intermediate again, complete with restore.
    const offer = await makeOffer(env, { keywords: [{ keyword: 'assurance emprunteur', position: 12, volume: 300 }] });
    const fx = await makeAgency(env, 'complete', [
      ['M1', 'manager', 'agency'],
      ['M2', 'manager', 'agency'],
      ['C1', 'consultant', 'M1'],
      ['C2', 'consultant', 'M1'],
      ['C3', 'consultant', 'agency'],
      ['K1', 'client', 'C1'],
      ['K2', 'client', 'C1'],
      ['K3', 'client', 'C2'],
      ['K4', 'client', 'M2'],
      ['K5', 'client', 'C3'],
      ['K6', 'client', 'agency'],
    ]);
    await fundWallet(env, fx.agency, fx.agencyId, 5_000_00);
    expect((await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.K1, amountCents: 1_500_00 })).status).toBe(201);
    const project = await fx.agency.post('/api/projects', { clientId: fx.ids.K1, name: 'Site', url: 'https://k1-regression.fr/' });
    const order = await fx.agency.post('/api/orders', { projectId: project.body.id, offerId: offer.offerId, targetUrl: 'https://k1-regression.fr/a', anchor: 'ancre' });
    expect(order.status).toBe(201);
    expect((await offer.publisher.post(`/api/publisher/orders/${order.body.id}/refuse`, { reason: 'Hors ligne éditoriale' })).status).toBe(200);
    const before = await structure(fx.agency);
    const team = { C1: 'M1', C2: 'M1', C3: 'Agence Test', K1: 'C1', K2: 'C1', K3: 'C2', K5: 'C3' };
    expect(before).toMatchObject(team);
    const suspended = {
      C1: 'M1 (fermé)',
      C2: 'M1 (fermé)',
      C3: 'Agence Test (fermé)',
      K1: 'M1',
      K2: 'M1',
      K3: 'M1',
      K5: 'Agence Test',
    };

    const down = await fx.agency.put('/api/agency/mode', { mode: 'intermediate', restore: true });
    expect(down.status).toBe(200);
    expect(down.body.plan.deactivated.map((d: any) => d.name).sort()).toEqual(['C1', 'C2', 'C3']);
    const afterDown = await structure(fx.agency);
    expect(afterDown).toMatchObject(suspended);
    // The same mode again: refused, nothing changes.
    const same = await fx.agency.put('/api/agency/mode', { mode: 'intermediate', restore: true });
    expect([same.status, same.body.error.code]).toEqual([409, 'mode_conflict']);
    expect(await structure(fx.agency)).toEqual(afterDown);

    // Up without restore: nobody comes back, the plan says who could.
    const plain = await fx.agency.put('/api/agency/mode', { mode: 'complete', restore: false });
    expect(plain.body.plan).toMatchObject({ restored: [], moved: [], deactivated: [] });
    expect(plain.body.plan.notes).toEqual([
      { code: 'restorable', message: '3 collaborateurs suspendus par un changement de mode peuvent être restaurés.' },
    ]);
    expect(await structure(fx.agency)).toEqual(afterDown);

    // Down again: the consultants are suspended already, so this switch suspends and moves nobody.
    const again = await fx.agency.put('/api/agency/mode', { mode: 'intermediate', restore: false });
    expect(again.body.plan).toMatchObject({ restored: [], moved: [], deactivated: [] });
    expect(await structure(fx.agency)).toEqual(afterDown);
    expect((await fx.agency.put('/api/agency/mode', { mode: 'intermediate', restore: false })).status).toBe(409);

    // Up with restore: the suspensions of the first switch were neither consumed nor outdated, so the
    // team comes back exactly as it stood before it, and the plan shown is the one applied.
    const dryUp = await fx.agency.put('/api/agency/mode', { mode: 'complete', restore: true, dryRun: true });
    expect(dryUp.body.plan.restored.map((r: any) => `${r.name}→${r.toParentName}`).sort()).toEqual(['C1→M1', 'C2→M1', 'C3→Agence Test']);
    expect(dryUp.body.plan.moved.map((m: any) => `${m.name}: ${m.fromParentName}→${m.toParentName}`).sort()).toEqual([
      'K1: M1→C1',
      'K2: M1→C1',
      'K3: M1→C2',
      'K5: Agence Test→C3',
    ]);
    const up = await fx.agency.put('/api/agency/mode', { mode: 'complete', restore: true });
    expect(up.body.plan).toEqual(dryUp.body.plan);
    expect(await structure(fx.agency)).toEqual(before);
    expect((await fx.agency.get('/api/accounts?status=inactive')).body.items).toEqual([]);
    // Every suspension is over: a further round trip comes back the same way, and moves nothing twice.
    await fx.agency.put('/api/agency/mode', { mode: 'intermediate' });
    expect(await structure(fx.agency)).toEqual(afterDown);
    await fx.agency.put('/api/agency/mode', { mode: 'complete' });
    expect(await structure(fx.agency)).toEqual(before);
  });

  it('restores under the nearest open ancestor when the former parent is gone', async () => {
    const fx = await team();
    await fx.agency.put('/api/agency/mode', { mode: 'intermediate' });
    expect((await fx.agency.post(`/api/accounts/${fx.ids.Manon}/deactivate`, {})).status).toBe(200);
    const up = await fx.agency.put('/api/agency/mode', { mode: 'complete' });
    expect(up.body.plan.restored.map((r: any) => `${r.name}: ${r.formerParentName}→${r.toParentName}`).sort()).toEqual([
      'Claire: Manon→Agence Test',
      'Hugo: Agence Test→Agence Test',
    ]);
    const s = await structure(fx.agency);
    expect([s.Manon, s.Claire]).toEqual(['Agence Test (fermé)', 'Agence Test']);
  });

  it('sends a new invitation to a restored collaborator who never chose a password', async () => {
    const fx = await team();
    await fx.agency.put('/api/agency/mode', { mode: 'intermediate' });
    const up = await fx.agency.put('/api/agency/mode', { mode: 'complete' });
    expect(up.body.plan.restored.find((r: any) => r.name === 'Hugo').invited).toBe(true);
    expect(up.body.plan.restored.find((r: any) => r.name === 'Claire').invited).toBe(false);
    const hugo = await acceptInvitation(env, fx.emails.Hugo);
    expect((await hugo.get('/api/me')).body.account.name).toBe('Hugo');
  });
});

describe('POST /api/accounts/:id/reactivate', () => {
  it('brings a deactivated consultant back under its parent; it signs in again', async () => {
    const fx = await team();
    await fx.manon.post(`/api/accounts/${fx.ids.Claire}/deactivate`, {});
    expect((await signIn(fx.emails.Claire)).status).toBe(403);
    const listed = (await fx.manon.get('/api/accounts?status=inactive')).body.items;
    expect(listed).toEqual([
      expect.objectContaining({ name: 'Claire', closed: expect.objectContaining({ reason: 'deactivated', byPersonName: 'Manon' }) }),
    ]);

    const dry = await fx.manon.post(`/api/accounts/${fx.ids.Claire}/reactivate`, { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ active: false, applied: false });
    expect(dry.body.plan.restored).toEqual([expect.objectContaining({ name: 'Claire', toParentName: 'Manon', invited: false })]);
    // Its clients went to Manon at deactivation; they stay there (only a suspension brings them back).
    expect(dry.body.plan.moved).toEqual([]);
    const done = await fx.manon.post(`/api/accounts/${fx.ids.Claire}/reactivate`, {});
    expect(done.body).toMatchObject({ active: true, closed: null, applied: true, parentId: fx.ids.Manon });
    expect((await signIn(fx.emails.Claire)).status).toBe(200);
    expect((await fx.manon.get('/api/accounts?status=inactive')).body.items).toEqual([]);
    const trail = (await fx.agency.get('/api/audit')).body.items;
    expect(trail.find((e: any) => e.action === 'account.reactivate')).toMatchObject({ targetId: fx.ids.Claire, person: { name: 'Manon' } });
  });

  it('answers 404 to the account itself, a sibling, another agency, and an unknown id', async () => {
    const fx = await team();
    await fx.agency.post(`/api/accounts/${fx.ids.Hugo}/deactivate`, {});
    const other = await makeAgency(env, 'complete');
    expect((await fx.claire.post(`/api/accounts/${fx.ids.Hugo}/reactivate`, {})).status).toBe(404);
    expect((await fx.manon.post(`/api/accounts/${fx.ids.Hugo}/reactivate`, {})).status).toBe(404);
    expect((await other.agency.post(`/api/accounts/${fx.ids.Hugo}/reactivate`, { dryRun: true })).status).toBe(404);
    const unknown = await fx.agency.post('/api/accounts/00000000-0000-4000-8000-00000000abcd/reactivate', {});
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).not.toContain('Hugo');
    expect((await fx.agency.get('/api/accounts?status=inactive')).body.items.map((a: any) => a.name)).toEqual(['Hugo']);
  });

  it('refuses what the placement rules refuse, naming the field, and changes nothing', async () => {
    const fx = await team();
    await fx.agency.post(`/api/accounts/${fx.ids.Claire}/deactivate`, {});
    const underClient = await fx.agency.post(`/api/accounts/${fx.ids.Claire}/reactivate`, { parentId: fx.ids.Garage });
    expect(underClient.status).toBe(422);
    expect(underClient.body.error).toMatchObject({ code: 'rule_violation', field: 'parentId' });
    const underPeer = await fx.agency.post(`/api/accounts/${fx.ids.Claire}/reactivate`, { parentId: fx.ids.Hugo });
    expect(underPeer.body.error.field).toBe('parentId');
    const other = await makeAgency(env, 'complete', [['Zoé', 'manager', 'agency']]);
    expect((await fx.agency.post(`/api/accounts/${fx.ids.Claire}/reactivate`, { parentId: other.ids['Zoé'] })).status).toBe(404);
    expect((await fx.agency.post(`/api/accounts/${fx.ids.Manon}/reactivate`, {})).body.error).toMatchObject({ code: 'invalid_state' });
    expect((await structure(fx.agency)).Claire).toBe('Manon (fermé)');

    // A suspended manager cannot come back while the mode has no managers.
    await fx.agency.put('/api/agency/mode', { mode: 'simple' });
    const lacking = await fx.agency.post(`/api/accounts/${fx.ids.Marc}/reactivate`, {});
    expect(lacking.status).toBe(422);
    expect(lacking.body.error).toMatchObject({ field: 'role', message: expect.stringContaining('simple') });
  });

  it('moves it under another parent on request, and climbs past a closed parent by default', async () => {
    const fx = await team();
    await fx.agency.post(`/api/accounts/${fx.ids.Boulangerie}/deactivate`, {});
    await fx.agency.post(`/api/accounts/${fx.ids.Claire}/deactivate`, {});
    const dry = await fx.agency.post(`/api/accounts/${fx.ids.Boulangerie}/reactivate`, { dryRun: true });
    expect(dry.body.plan.restored[0]).toMatchObject({ formerParentName: 'Claire', toParentName: 'Manon' });
    const moved = await fx.agency.post(`/api/accounts/${fx.ids.Boulangerie}/reactivate`, { parentId: fx.ids.Hugo });
    expect(moved.body).toMatchObject({ active: true, parentId: fx.ids.Hugo });
    expect((await structure(fx.agency)).Boulangerie).toBe('Hugo');
  });

  it('gives back a suspended collaborator its former clients', async () => {
    const fx = await team();
    await fx.agency.put('/api/agency/mode', { mode: 'intermediate', });
    await fx.agency.put('/api/agency/mode', { mode: 'complete', restore: false });
    const res = await fx.agency.post(`/api/accounts/${fx.ids.Claire}/reactivate`, {});
    expect(res.body.plan.moved.map((m: any) => `${m.name}: ${m.fromParentName}→${m.toParentName}`).sort()).toEqual([
      'Boulangerie: Manon→Claire',
      'Fleuriste: Manon→Claire',
    ]);
    // Reactivated by hand, its suspension is over: a later restore does not move anything twice.
    const s = await structure(fx.agency);
    expect([s.Claire, s.Boulangerie, s.Hugo]).toEqual(['Manon', 'Claire', 'Agence Test (fermé)']);
  });

  it('sends a new invitation to a person who never chose a password', async () => {
    const email = uniqueEmail('nadia');
    const fx = await makeAgency(env, 'simple', [['Nadia SARL', 'client', 'agency', email]]);
    await fx.agency.post(`/api/accounts/${fx.ids['Nadia SARL']}/deactivate`, {});
    const res = await fx.agency.post(`/api/accounts/${fx.ids['Nadia SARL']}/reactivate`, {});
    expect(res.body.plan.restored[0].invited).toBe(true);
    expect(res.body.plan.notes.map((n: any) => n.code)).toContain('invitation_sent');
    const client = await acceptInvitation(env, email);
    expect((await client.get('/api/me')).body.account.name).toBe('Nadia SARL');
  });

  it('lets support bring an agency member back, under the parent it names or by default', async () => {
    const fx = await team();
    const support = await supportClient(env);
    await fx.agency.post(`/api/accounts/${fx.ids.Claire}/deactivate`, {});
    await fx.agency.post(`/api/accounts/${fx.ids.Hugo}/deactivate`, {});
    const named = await support.post(`/api/accounts/${fx.ids.Claire}/reactivate`, { parentId: fx.ids.Marc });
    expect(named.body).toMatchObject({ active: true, parentId: fx.ids.Marc });
    const byDefault = await support.post(`/api/accounts/${fx.ids.Hugo}/reactivate`, {});
    expect(byDefault.body).toMatchObject({ active: true, parentId: fx.agencyId });
    const other = await makeAgency(env, 'complete', [['Zoé', 'manager', 'agency']]);
    await fx.agency.post(`/api/accounts/${fx.ids.Hugo}/deactivate`, {});
    expect((await support.post(`/api/accounts/${fx.ids.Hugo}/reactivate`, { parentId: other.ids['Zoé'] })).status).toBe(404);
  });

  it('lets support bring back a customer it deactivated', async () => {
    const customer = await signUp(env, 'customer', 'Client Seul');
    const support = await supportClient(env);
    await support.post(`/api/accounts/${customer.account.id}/deactivate`, {});
    expect((await signIn(customer.email)).status).toBe(403);
    const res = await support.post(`/api/accounts/${customer.account.id}/reactivate`, {});
    expect(res.body).toMatchObject({ active: true, applied: true });
    const back = await signIn(customer.email);
    expect(back.status).toBe(200);
    expect((await back.client.post(`/api/accounts/${customer.account.id}/reactivate`, {})).status).toBe(404);
  });
});

describe('concurrent changes', () => {
  it('reactivates once when asked ten times at once, and a switch racing it restores nobody twice', async () => {
    const fx = await team();
    await fx.agency.put('/api/agency/mode', { mode: 'intermediate' });
    const answers = await Promise.all([
      ...Array.from({ length: 10 }, () => fx.agency.post(`/api/accounts/${fx.ids.Claire}/reactivate`, {})),
      fx.agency.put('/api/agency/mode', { mode: 'complete' }),
    ]);
    const reactivations = answers.slice(0, 10).map((a) => a.status);
    const switched = answers[10];
    expect(switched.status).toBe(200);
    // Either the switch restored Claire first (every reactivation 409), or one reactivation won and the switch restored only Hugo.
    const won = reactivations.filter((s) => s === 200).length;
    expect(won).toBeLessThanOrEqual(1);
    expect(reactivations.filter((s) => s !== 200).every((s) => s === 409 || s === 422)).toBe(true);
    const restoredByTheSwitch = switched.body.plan.restored.map((r: any) => r.name).sort();
    expect(restoredByTheSwitch).toEqual(won === 1 ? ['Hugo'] : ['Claire', 'Hugo']);
    const s = await structure(fx.agency);
    expect([s.Claire, s.Boulangerie, s.Fleuriste, s.Hugo, s['Hôtel']]).toEqual(['Manon', 'Claire', 'Claire', 'Agence Test', 'Hugo']);
  });
});

describe('GET /api/accounts?status=', () => {
  it('lists active by default, closed ones with why, or all, each within reach only', async () => {
    const fx = await team();
    await fx.agency.post(`/api/accounts/${fx.ids.Hugo}/deactivate`, {});
    await fx.manon.post(`/api/accounts/${fx.ids.Garage}/deactivate`, {});
    const names = async (c: Client, q: string) => ((await c.get(`/api/accounts${q}`)).body.items as any[]).map((a) => a.name).sort();
    expect(await names(fx.agency, '?status=inactive')).toEqual(['Garage', 'Hugo']);
    expect(await names(fx.manon, '?status=inactive')).toEqual(['Garage']);
    expect(await names(fx.manon, '')).toEqual(['Boulangerie', 'Claire', 'Fleuriste']);
    expect(await names(fx.manon, '?status=all')).toEqual(['Boulangerie', 'Claire', 'Fleuriste', 'Garage']);
    const active = (await fx.agency.get('/api/accounts?status=active')).body.items;
    expect(active.every((a: any) => a.active && a.closed === null)).toBe(true);
    const detail = await fx.agency.get(`/api/accounts/${fx.ids.Garage}`);
    expect(detail.body.closed).toMatchObject({ reason: 'deactivated', byPersonId: expect.any(String), byPersonName: 'Manon' });
    const bad = await fx.agency.get('/api/accounts?status=ferme');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('status');
  });
});

describe('no credits stranded on a closed wallet', () => {
  /** Boulangerie (under Claire, under Manon) has 1,000 € and one order placed. */
  async function withOpenOrder() {
    const fx = await team();
    await fundWallet(env, fx.agency, fx.agencyId, 1_500_00);
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: 1_000_00 });
    const project = await fx.agency.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'Vitrine', url: 'https://boulangerie-ferme.fr/' });
    const offer = await makeOffer(env);
    const order = await fx.agency.post('/api/orders', {
      projectId: project.body.id,
      offerId: offer.offerId,
      targetUrl: 'https://boulangerie-ferme.fr/pain',
      anchor: 'pain au levain',
    });
    expect(order.status).toBe(201);
    return { fx, offer, orderId: order.body.id as string, price: order.body.priceCents as number };
  }

  it('says the held credits will follow, then sends a cancelled order’s hold to the heir at once', async () => {
    const { fx, orderId, price } = await withOpenOrder();
    const total = await totalOfAllWallets(env);
    const plan = (await fx.agency.post(`/api/accounts/${fx.ids.Boulangerie}/deactivate`, { dryRun: true })).body.plan;
    expect(plan.heldCents).toEqual([expect.objectContaining({ name: 'Boulangerie', toName: 'Claire', amountCents: price })]);
    expect(plan.notes.map((n: any) => n.code)).toContain('held_credits_follow');
    expect(plan.notes[0].message).toContain('suivront');
    await fx.agency.post(`/api/accounts/${fx.ids.Boulangerie}/deactivate`, {});
    expect(await wallet(fx.agency, fx.ids.Boulangerie)).toEqual({ postedCents: price, pendingCents: price, availableCents: 0 });
    const claireBefore = (await wallet(fx.agency, fx.ids.Claire)).availableCents;

    expect((await fx.agency.post(`/api/orders/${orderId}/cancel`)).status).toBe(200);
    expect(await wallet(fx.agency, fx.ids.Boulangerie)).toEqual({ postedCents: 0, pendingCents: 0, availableCents: 0 });
    expect((await wallet(fx.agency, fx.ids.Claire)).availableCents).toBe(claireBefore + price);
    expect(await totalOfAllWallets(env)).toBe(total);
    const ledger = (await fx.agency.get(`/api/accounts/${fx.ids.Claire}/ledger`)).body.items;
    expect(ledger[0]).toMatchObject({ kind: 'return', amountCents: price, counterpartyAccountId: fx.ids.Boulangerie });
  });

  it('follows a refusal and an expiry too, up to the nearest open account when the heir closed as well', async () => {
    const refused = await withOpenOrder();
    await refused.fx.agency.post(`/api/accounts/${refused.fx.ids.Boulangerie}/deactivate`, {});
    await refused.fx.agency.post(`/api/accounts/${refused.fx.ids.Claire}/deactivate`, {});
    const manonBefore = (await wallet(refused.fx.agency, refused.fx.ids.Manon)).availableCents;
    expect((await refused.offer.publisher.post(`/api/publisher/orders/${refused.orderId}/refuse`, { reason: 'Hors ligne éditoriale' })).status).toBe(200);
    expect((await wallet(refused.fx.agency, refused.fx.ids.Boulangerie)).postedCents).toBe(0);
    expect((await wallet(refused.fx.agency, refused.fx.ids.Manon)).availableCents).toBe(manonBefore + refused.price);

    const expired = await withOpenOrder();
    await expired.fx.agency.put('/api/agency/mode', { mode: 'simple' });
    await expired.fx.agency.post(`/api/accounts/${expired.fx.ids.Boulangerie}/deactivate`, {});
    const agencyBefore = (await wallet(expired.fx.agency, expired.fx.agencyId)).availableCents;
    await env.database.db.updateTable('orders').set({ accept_by: new Date(Date.now() - 1000) }).where('id', '=', expired.orderId).execute();
    await runBackgroundWork(ctx());
    expect((await expired.fx.agency.get(`/api/orders/${expired.orderId}`)).body.status).toBe('expired');
    expect((await wallet(expired.fx.agency, expired.fx.ids.Boulangerie)).postedCents).toBe(0);
    expect((await wallet(expired.fx.agency, expired.fx.agencyId)).availableCents).toBe(agencyBefore + expired.price);
  });

  it('credits a bank transfer confirmed after the client closed to whoever took over, invoiced to the client', async () => {
    const fx = await team();
    await fx.agency.patch(`/api/accounts/${fx.ids.Garage}`, {
      company: { legalName: 'Garage SARL', address: '1 rue du Port', postalCode: '44000', city: 'Nantes', country: 'FR' },
    });
    const topUp = await fx.agency.post(`/api/accounts/${fx.ids.Garage}/top-ups`, { amountCents: 80_00, method: 'bank_transfer' });
    await fx.agency.post(`/api/accounts/${fx.ids.Garage}/deactivate`, {});
    const support = await supportClient(env);
    const confirmed = await support.post(`/api/support/top-ups/${topUp.body.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect((await wallet(fx.agency, fx.ids.Garage)).postedCents).toBe(0);
    expect((await wallet(fx.agency, fx.ids.Manon)).availableCents).toBe(80_00);
    const invoices = (await fx.agency.get(`/api/invoices?accountId=${fx.ids.Garage}`)).body.items;
    expect(invoices[0]).toMatchObject({ accountId: fx.ids.Garage });
  });

  it('housekeeping forwards what an older release left on a closed wallet', async () => {
    const fx = await team();
    await fundWallet(env, fx.agency, fx.agencyId, 100_00);
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Garage, amountCents: 40_00 });
    // As a database from before this change holds it: a closed account that kept its credits.
    await sql`update accounts set active = false, closed_reason = 'deactivated' where id = ${fx.ids.Garage}`.execute(env.database.db);
    const reclaim = await fx.agency.post('/api/transfers', { fromAccountId: fx.ids.Garage, toAccountId: fx.agencyId, amountCents: 40_00 });
    expect(reclaim.status).toBe(422);
    const report = await runHousekeeping(ctx(), { force: true });
    expect(report!.strandedCredits.cents).toBeGreaterThanOrEqual(40_00);
    expect((await wallet(fx.agency, fx.ids.Garage)).postedCents).toBe(0);
    expect((await wallet(fx.agency, fx.ids.Manon)).availableCents).toBe(40_00);
  });
});

describe('promotion keeps the history', () => {
  it('a customer that becomes an agency keeps its projects, campaigns, orders, top-ups and invoices in its views and totals', async () => {
    const { client, account } = await signUp(env, 'customer', 'Studio Bleu');
    await fundWallet(env, client, account.id, 400_00);
    const project = await client.post('/api/projects', { clientId: account.id, name: 'Site', url: 'https://studio-bleu.fr/' });
    const campaign = await client.post('/api/campaigns', { projectId: project.body.id, name: 'Printemps' });
    expect(campaign.status).toBe(201);
    const offer = await makeOffer(env);
    const order = await client.post('/api/orders', {
      projectId: project.body.id,
      campaignId: campaign.body.id,
      offerId: offer.offerId,
      targetUrl: 'https://studio-bleu.fr/offre',
      anchor: 'studio de design',
    });
    expect(order.status).toBe(201);
    const views = async () => ({
      orders: (await client.get('/api/orders')).body,
      projects: (await client.get('/api/projects')).body.items.length,
      campaigns: (await client.get('/api/campaigns')).body.items.length,
      topUps: (await client.get('/api/top-ups')).body.items.length,
      invoices: (await client.get('/api/invoices')).body.items.length,
    });
    const before = await views();
    expect(before.orders.items).toHaveLength(1);

    const req = await client.post('/api/agency/activation-request', {});
    const support = await supportClient(env);
    expect((await support.post(`/api/support/agency-requests/${req.body.id}/approve`)).status).toBe(200);
    expect((await client.get('/api/me')).body.account.role).toBe('agency');
    const after = await views();
    expect(after.orders.items.map((o: any) => o.id)).toEqual([order.body.id]);
    expect(after.orders.totals).toEqual(before.orders.totals);
    expect({ ...after, orders: null }).toEqual({ ...before, orders: null });
    expect((await client.get(`/api/orders?campaignId=${campaign.body.id}`)).body.items).toHaveLength(1);
  });
});
