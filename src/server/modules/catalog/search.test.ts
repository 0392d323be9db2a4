import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency, makeOffer, signUp, startTestEnv, supportClient, type TestEnv } from '../../testing/harness.js';

/** Issue 12: the catalog lists one row per article with its matched keywords, counts them, stems French, keeps favourites. */
let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

const tagOf = (p: string) => `${p}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const ids = (res: { body: { items: { offerId: string }[] } }) => res.body.items.map((o) => o.offerId);

describe('one row per article', () => {
  it('lists an article once with the keywords that match, best first, the best of them as its keyword, and the count of articles', async () => {
    const tag = tagOf('ua');
    const many = await makeOffer(env, {
      keywords: [
        { keyword: `${tag} credit auto`, position: 12, volume: 900 },
        { keyword: `${tag} credit immobilier`, position: 3, volume: 5000 },
        { keyword: `${tag} credit conso`, position: 3, volume: 8000 },
        { keyword: `${tag} pret travaux`, position: 1, volume: 100 },
        ...Array.from({ length: 6 }, (_, i) => ({ keyword: `${tag} credit ville ${i}`, position: 40 + i, volume: 10 })),
      ],
    });
    const one = await makeOffer(env, { keywords: [{ keyword: `${tag} credit bail`, position: 2, volume: 50 }] });
    const { client } = await signUp(env);
    const res = await client.get(`/api/catalog/offers?keyword=${tag}%20credit`);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([one.offerId, many.offerId]);
    expect(res.body.total).toBe(2);
    const row = res.body.items[1];
    // the best matching keyword is the row's; "pret travaux" (the article's best) does not match
    expect(row).toMatchObject({ keyword: `${tag} credit conso`, position: 3, volume: 8000, matchedCount: 9 });
    expect(row.bestKeyword).toEqual({ keyword: `${tag} pret travaux`, position: 1, volume: 100 });
    expect(row.matchedKeywords).toEqual([
      { keyword: `${tag} credit conso`, position: 3, volume: 8000 },
      { keyword: `${tag} credit immobilier`, position: 3, volume: 5000 },
      { keyword: `${tag} credit auto`, position: 12, volume: 900 },
      { keyword: `${tag} credit ville 0`, position: 40, volume: 10 },
      { keyword: `${tag} credit ville 1`, position: 41, volume: 10 },
    ]);
    // without a search: one row per article, its best keyword, no matched keywords
    const all = await client.get(`/api/catalog/offers?limit=500&maxPosition=1`);
    const mine = all.body.items.find((o: any) => o.offerId === many.offerId);
    expect(mine).toMatchObject({ keyword: `${tag} pret travaux`, position: 1, matchedKeywords: [], matchedCount: 0 });
    expect(all.body.items.filter((o: any) => o.offerId === many.offerId)).toHaveLength(1);
    expect(all.body.total).toBeGreaterThanOrEqual(all.body.items.length);
  });

  it('applies minVolume and maxPosition to the matched keywords (the row shows the best one that meets them), price, theme and kind to the article', async () => {
    const tag = tagOf('ub');
    const offer = await makeOffer(env, {
      theme: 'cuisine',
      keywords: [
        { keyword: `${tag} tarte`, position: 2, volume: 40 },
        { keyword: `${tag} tarte citron`, position: 25, volume: 6000 },
        { keyword: `${tag} tarte pommes`, position: 8, volume: 1200 },
      ],
    });
    const { client } = await signUp(env);
    const big = await client.get(`/api/catalog/offers?keyword=${tag}&minVolume=1000`);
    expect(big.body.items).toHaveLength(1);
    expect(big.body.items[0]).toMatchObject({ keyword: `${tag} tarte pommes`, matchedCount: 2 });
    expect(big.body.items[0].matchedKeywords.map((k: any) => k.keyword)).toEqual([`${tag} tarte pommes`, `${tag} tarte citron`]);
    const near = await client.get(`/api/catalog/offers?keyword=${tag}&minVolume=1000&maxPosition=10`);
    expect(near.body.items[0]).toMatchObject({ keyword: `${tag} tarte pommes`, matchedCount: 1 });
    expect((await client.get(`/api/catalog/offers?keyword=${tag}&minVolume=7000`)).body).toEqual({ items: [], nextCursor: null, total: 0 });
    expect(ids(await client.get(`/api/catalog/offers?keyword=${tag}&theme=cuisine&maxPriceCents=${offer.priceCents}`))).toEqual([offer.offerId]);
    expect((await client.get(`/api/catalog/offers?keyword=${tag}&theme=finance`)).body.total).toBe(0);
    expect((await client.get(`/api/catalog/offers?keyword=${tag}&maxPriceCents=${offer.priceCents - 1}`)).body.total).toBe(0);
  });

  it('pages through articles of equal price and position without losing or repeating one, the total the same on every page', async () => {
    const tag = tagOf('uc');
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const o = await makeOffer(env, { keywords: [{ keyword: `${tag} jardin`, position: 5, volume: 700 }, { keyword: `${tag} jardin potager ${i}`, position: 9, volume: 300 }] });
      made.push(o.offerId);
    }
    const { client } = await signUp(env);
    for (const sort of ['price_asc', 'relevance', 'volume_desc', 'price_desc']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: any = await client.get(`/api/catalog/offers?keyword=${tag}%20jardin&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(7);
        expect(new Set(res.body.items.map((o: any) => o.priceCents)).size).toBe(1);
        seen.push(...ids(res));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages, sort).toBe(4);
      expect([...seen].sort(), sort).toEqual([...made].sort());
    }
  });
});

describe('French search', () => {
  it('finds "recette" with "recettes" and the other way round, and accents are not needed', async () => {
    const tag = tagOf('fr');
    const recette = await makeOffer(env, { theme: 'cuisine', keywords: [{ keyword: `${tag} recette gâteau`, position: 4, volume: 300 }] });
    const patisserie = await makeOffer(env, { theme: 'cuisine', keywords: [{ keyword: `${tag} pâtisseries maison`, position: 6, volume: 200 }] });
    const { client } = await signUp(env);
    const q = async (words: string) => ids(await client.get(`/api/catalog/offers?keyword=${encodeURIComponent(`${tag} ${words}`)}`));
    expect(await q('recettes')).toEqual([recette.offerId]);
    expect(await q('recette')).toEqual([recette.offerId]);
    expect(await q('Recettes gateaux')).toEqual([recette.offerId]);
    expect(await q('patisserie')).toEqual([patisserie.offerId]);
    expect(await q('pâtisserie')).toEqual([patisserie.offerId]);
    // each word is still a prefix while it is typed
    expect(await q('pâtis')).toEqual([patisserie.offerId]);
    expect(await q('voyage')).toEqual([]);
  });
});

describe('favourites', () => {
  it('are added and removed idempotently, flagged on rows and the detail, and filter the list', async () => {
    const tag = tagOf('fa');
    const a = await makeOffer(env, { keywords: [{ keyword: `${tag} velo`, position: 3, volume: 900 }] });
    const b = await makeOffer(env, { keywords: [{ keyword: `${tag} velo electrique`, position: 5, volume: 400 }] });
    const { client } = await signUp(env);
    for (let i = 0; i < 2; i++) {
      const added = await client.post(`/api/catalog/favourites/${a.offerId}`);
      expect(added.status).toBe(200);
      expect(added.body).toEqual({ offerId: a.offerId, favourite: true });
    }
    const list = await client.get(`/api/catalog/offers?keyword=${tag}`);
    expect(list.body.items.map((o: any) => [o.offerId, o.favourite])).toEqual([
      [a.offerId, true],
      [b.offerId, false],
    ]);
    expect((await client.get(`/api/catalog/offers/${a.offerId}`)).body.favourite).toBe(true);
    expect((await client.get(`/api/catalog/offers/${b.offerId}`)).body.favourite).toBe(false);
    const only = await client.get(`/api/catalog/offers?keyword=${tag}&favourites=1`);
    expect(ids(only)).toEqual([a.offerId]);
    expect(only.body.total).toBe(1);
    expect(ids(await client.get(`/api/catalog/offers?favourites=1`))).toEqual([a.offerId]);
    expect(ids(await client.get(`/api/catalog/offers?keyword=${tag}&favourites=0`))).toEqual([a.offerId, b.offerId]);
    for (let i = 0; i < 2; i++) {
      const removed = await client.request('DELETE', `/api/catalog/favourites/${a.offerId}`);
      expect(removed.status).toBe(200);
      expect(removed.body).toEqual({ offerId: a.offerId, favourite: false });
    }
    expect((await client.get(`/api/catalog/offers?favourites=1`)).body).toEqual({ items: [], nextCursor: null, total: 0 });
  });

  it("belong to the buying account: another customer does not see them, an agency acting as its client keeps the client's", async () => {
    const tag = tagOf('fb');
    const offer = await makeOffer(env, { keywords: [{ keyword: `${tag} mutuelle`, position: 2, volume: 900 }] });
    const fx = await makeAgency(env, 'complete', [['Client F', 'client', 'agency']]);
    expect((await fx.agency.post(`/api/catalog/favourites/${offer.offerId}`)).status).toBe(200);
    const other = await signUp(env);
    expect((await other.client.get(`/api/catalog/offers?keyword=${tag}`)).body.items[0].favourite).toBe(false);
    expect((await other.client.get(`/api/catalog/offers?favourites=1`)).body.total).toBe(0);
    expect((await other.client.get(`/api/catalog/offers/${offer.offerId}`)).body.favourite).toBe(false);
    // acting as its client, the agency sees the client's favourites (none yet), then adds one for it
    expect((await fx.agency.post('/api/act-as', { accountId: fx.ids['Client F'] })).status).toBe(200);
    expect((await fx.agency.get(`/api/catalog/offers?keyword=${tag}`)).body.items[0].favourite).toBe(false);
    expect((await fx.agency.post(`/api/catalog/favourites/${offer.offerId}`)).status).toBe(200);
    expect((await fx.agency.request('DELETE', `/api/catalog/favourites/${offer.offerId}`)).status).toBe(200);
    expect((await fx.agency.post('/api/act-as/stop')).status).toBe(200);
    // the agency's own favourite is still there
    expect(ids(await fx.agency.get(`/api/catalog/offers?keyword=${tag}&favourites=1`))).toEqual([offer.offerId]);
  });

  it('are 404 for an unknown or unlisted offer, 403 for publishers and support, 400 on a malformed id or filter, 403 without the CSRF token', async () => {
    const { client } = await signUp(env);
    expect((await client.post(`/api/catalog/favourites/${randomUUID()}`)).status).toBe(404);
    const publisher = await signUp(env, 'publisher');
    const site = await publisher.client.post('/api/publisher/sites', { domain: `${tagOf('pend')}.fr`, theme: 'sport', siteKind: 'thematic', language: 'fr' });
    const pending = await publisher.client.post(`/api/publisher/sites/${site.body.id}/articles`, {
      url: `https://${site.body.domain}/a`,
      keywords: [{ keyword: 'course', position: 1, volume: 10 }],
    });
    expect((await client.post(`/api/catalog/favourites/${pending.body.id}`)).status).toBe(404);
    const offer = await makeOffer(env);
    expect((await publisher.client.post(`/api/catalog/favourites/${offer.offerId}`)).status).toBe(403);
    expect((await publisher.client.get(`/api/catalog/offers?favourites=1`)).body.total).toBe(0);
    const support = await supportClient(env);
    expect((await support.request('DELETE', `/api/catalog/favourites/${offer.offerId}`)).status).toBe(403);
    const bad = await client.post('/api/catalog/favourites/pas-un-id');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'offerId' });
    const badFilter = await client.get('/api/catalog/offers?favourites=peut-etre');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.field).toBe('favourites');
    client.lang = 'en';
    expect((await client.get('/api/catalog/offers?favourites=maybe')).body.error.field).toBe('favourites');
    client.lang = 'fr';
    const csrf = client.csrf;
    client.csrf = null;
    expect((await client.post(`/api/catalog/favourites/${offer.offerId}`)).status).toBe(403);
    client.csrf = csrf;
    expect((await client.get('/api/catalog/offers?favourites=1')).body.total).toBe(0);
  });
});
