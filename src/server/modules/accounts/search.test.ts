import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  makeAgency,
  signUp,
  startTestEnv,
  supportClient,
  uniqueEmail,
  type TestEnv,
} from '../../testing/harness.js';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

type Item = { id: string; name: string; role: string; email: string | null; parentName: string | null; hasChildren: boolean };

describe('GET /api/accounts/search (the quick switcher)', () => {
  const setup = async () => {
    const claireEmail = uniqueEmail('claire');
    const fx = await makeAgency(env, 'complete', [
      ['Manon', 'manager', 'agency'],
      ['Hugo', 'manager', 'agency'],
      ['Claire', 'consultant', 'Manon', claireEmail],
      ['Pâtisserie Élise', 'client', 'Claire', uniqueEmail('contact')],
      ['Boulangerie Élodie', 'client', 'Claire'],
      ['Les délices d’Élodie', 'client', 'Claire'],
      ['Élodie chez Hugo', 'client', 'Hugo'],
    ]);
    return { fx, claire: await acceptInvitation(env, claireEmail) };
  };
  const names = (res: { body: { items: Item[] } }) => res.body.items.map((i) => i.name);

  it('folds accents and case, ranks prefix matches first, and names role, e-mail and parent', async () => {
    const { fx } = await setup();
    const res = await fx.agency.get('/api/accounts/search?q=ELODIE');
    expect(res.status).toBe(200);
    // « Élodie chez Hugo » starts with it; the two others have a word starting with it.
    expect(names(res)).toEqual(['Élodie chez Hugo', 'Boulangerie Élodie', 'Les délices d’Élodie']);
    const item = (await fx.agency.get('/api/accounts/search?q=patis')).body.items[0] as Item;
    expect(item).toMatchObject({ name: 'Pâtisserie Élise', role: 'client', parentName: 'Claire', hasChildren: false });
    expect(item.email).toMatch(/^contact-/);
    // By e-mail too.
    expect(names(await fx.agency.get(`/api/accounts/search?q=${encodeURIComponent(item.email!.slice(0, 14))}`))).toEqual([
      'Pâtisserie Élise',
    ]);
    expect((await fx.agency.get('/api/accounts/search?q=Manon')).body.items[0]).toMatchObject({
      role: 'manager',
      hasChildren: true,
    });
    // LIKE's wildcards are plain characters.
    expect(names(await fx.agency.get('/api/accounts/search?q=%25'))).toEqual([]);
    expect(names(await fx.agency.get('/api/accounts/search?q=_'))).toEqual([]);
  });

  it('searches the signed-in person’s reach, even while acting as an account below it', async () => {
    const { fx, claire } = await setup();
    expect(names(await claire.get('/api/accounts/search?q=elodie'))).toEqual(['Boulangerie Élodie', 'Les délices d’Élodie']);
    expect((await claire.post('/api/act-as', { accountId: fx.ids['Pâtisserie Élise'] })).status).toBe(200);
    // Acting as one client, Claire still finds her other clients — never Hugo's, nor herself.
    expect(names(await claire.get('/api/accounts/search?q=elodie'))).toEqual(['Boulangerie Élodie', 'Les délices d’Élodie']);
    expect(names(await claire.get('/api/accounts/search?q=claire'))).toEqual([]);
    expect(names(await claire.get('/api/accounts/search?q=manon'))).toEqual([]);
    // The screens stay the client's.
    expect((await claire.get('/api/accounts')).body.items).toEqual([]);
    // Another agency finds none of them.
    const other = await makeAgency(env, 'simple');
    expect(names(await other.agency.get('/api/accounts/search?q=elodie'))).toEqual([]);
    // A standalone customer finds nothing; support finds customers, not support people.
    const solo = await signUp(env, 'customer', 'Solo Élodie');
    expect(names(await solo.client.get('/api/accounts/search?q=elodie'))).toEqual([]);
    const support = await supportClient(env);
    const found = names(await support.get(`/api/accounts/search?q=${encodeURIComponent('Pâtisserie Élise')}&limit=50`));
    expect(found).toContain('Pâtisserie Élise');
  });

  it('needs a query (400 on q) and a sane limit', async () => {
    const { fx } = await setup();
    for (const query of ['', '?q=', '?q=%20%20', '?q=a&limit=0', '?q=a&limit=51']) {
      const res = await fx.agency.get(`/api/accounts/search${query}`);
      expect(res.status, query).toBe(400);
      expect(['q', 'limit']).toContain(res.body.error.field);
    }
    expect((await fx.agency.get('/api/accounts/search?q=a&limit=2')).body.items).toHaveLength(2);
  });
});
