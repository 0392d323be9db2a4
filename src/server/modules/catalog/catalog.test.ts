import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackgroundWork } from '../../jobs/handlers.js';
import { makeAgency, makeOffer, signUp, startTestEnv, supportClient, type TestEnv } from '../../testing/harness.js';
import { PLATFORM_ACTOR } from '../ledger/system.js';
import { searchOffers } from './service.js';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

const ctx = () => ({ db: env.database.db, config: env.config });

describe('sites', () => {
  it('are registered by a publisher, pending until support validates them', async () => {
    const { client } = await signUp(env, 'publisher');
    const res = await client.post('/api/publisher/sites', { domain: 'https://www.Jardin-Facile-Test.fr/', theme: 'maison-jardin', siteKind: 'thematic', language: 'fr' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ domain: 'jardin-facile-test.fr', status: 'pending_review' });
    const support = await supportClient(env);
    const pending = await support.get('/api/support/sites?status=pending_review');
    expect(pending.body.items.map((s: any) => s.id)).toContain(res.body.id);
    const refused = await support.post(`/api/support/sites/${res.body.id}/refuse`, {});
    expect(refused.status).toBe(422);
    expect(refused.body.error.field).toBe('reason');
    const ok = await support.post(`/api/support/sites/${res.body.id}/refuse`, { reason: 'Contenu dupliqué' });
    expect(ok.body).toMatchObject({ status: 'refused', reviewReason: 'Contenu dupliqué' });
    expect((await client.get('/api/publisher/sites')).body.items[0]).toMatchObject({ status: 'refused', reviewReason: 'Contenu dupliqué' });
  });

  it('refuses an invalid or already listed domain', async () => {
    const { client } = await signUp(env, 'publisher');
    const bad = await client.post('/api/publisher/sites', { domain: 'pas un domaine', theme: 'finance', siteKind: 'generalist', language: 'fr' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe('domain');
    const { domain } = await makeOffer(env);
    const dup = await client.post('/api/publisher/sites', { domain: `www.${domain}`, theme: 'finance', siteKind: 'generalist', language: 'fr' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.field).toBe('domain');
  });

  it('are only for sellers; a site of another publisher is 404', async () => {
    const fx = await makeAgency(env, 'complete', [['Manon', 'manager', 'agency']]);
    const offer = await makeOffer(env);
    const other = await signUp(env, 'publisher');
    expect((await other.client.get(`/api/publisher/sites/${offer.siteId}/articles`)).status).toBe(404);
    expect((await other.client.post(`/api/publisher/sites/${offer.siteId}/articles`, { url: `${offer.url}-2`, keywords: [{ keyword: 'x', position: 1, volume: 1 }] })).status).toBe(404);
    await fx.agency.post('/api/act-as', { accountId: fx.ids.Manon });
    expect((await fx.agency.post('/api/publisher/sites', { domain: 'manager-site.fr', theme: 'finance', siteKind: 'generalist', language: 'fr' })).status).toBe(403);
  });
});

describe('the guarantee of a site', () => {
  const site = (tag: string, extra: Record<string, unknown> = {}) => ({ domain: `${tag}.fr`, theme: 'finance', siteKind: 'thematic', language: 'fr', ...extra });

  it('is chosen by the publisher among 3, 6, 12, 24 or 36 months; anything else is refused naming the field, in French and in English', async () => {
    const { client } = await signUp(env, 'publisher');
    const tag = `garantie-${Date.now().toString(36)}`;
    for (const bad of [7, 0, -12, 12.5, '12', 'douze', true]) {
      const res = await client.post('/api/publisher/sites', site(`${tag}-bad`, { guaranteeMonths: bad }));
      expect(res.status, String(bad)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', field: 'guaranteeMonths' });
      expect(res.body.error.message).toBe('guaranteeMonths : La garantie est de 3, 6, 12, 24 ou 36 mois');
    }
    client.lang = 'en';
    const en = await client.post('/api/publisher/sites', site(`${tag}-bad`, { guaranteeMonths: 48 }));
    expect(en.body.error.message).toBe('guaranteeMonths: The guarantee is 3, 6, 12, 24 or 36 months');
    client.lang = 'fr';
    expect((await client.get('/api/publisher/sites')).body.items).toEqual([]);

    const chosen = await client.post('/api/publisher/sites', site(`${tag}-24`, { guaranteeMonths: 24 }));
    expect(chosen.status).toBe(201);
    expect(chosen.body).toMatchObject({ guaranteeMonths: 24, effectiveGuaranteeMonths: 24 });
    const byDefault = await client.post('/api/publisher/sites', site(`${tag}-defaut`));
    expect(byDefault.body).toMatchObject({ guaranteeMonths: null, effectiveGuaranteeMonths: 12 });
    const list = (await client.get('/api/publisher/sites')).body.items;
    expect(list.map((s: any) => [s.domain, s.guaranteeMonths, s.effectiveGuaranteeMonths])).toEqual([
      [`${tag}-defaut.fr`, null, 12],
      [`${tag}-24.fr`, 24, 24],
    ]);
    expect((await client.get(`/api/publisher/sites/${chosen.body.id}`)).body).toMatchObject({ guaranteeMonths: 24, effectiveGuaranteeMonths: 24 });
  });

  it('is changed by its publisher only (404 for another publisher and for support), audited, and back to the default with null', async () => {
    const { client, account } = await signUp(env, 'publisher');
    const created = await client.post('/api/publisher/sites', site(`modif-${Date.now().toString(36)}`));
    const id = created.body.id;
    const changed = await client.patch(`/api/publisher/sites/${id}`, { guaranteeMonths: 36 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id, guaranteeMonths: 36, effectiveGuaranteeMonths: 36, status: 'pending_review' });
    const bad = await client.patch(`/api/publisher/sites/${id}`, { guaranteeMonths: 18 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'guaranteeMonths', message: 'guaranteeMonths : La garantie est de 3, 6, 12, 24 ou 36 mois' });
    const missing = await client.patch(`/api/publisher/sites/${id}`, {});
    expect(missing.body.error.field).toBe('guaranteeMonths');

    const other = await signUp(env, 'publisher');
    expect((await other.client.patch(`/api/publisher/sites/${id}`, { guaranteeMonths: 3 })).status).toBe(404);
    const support = await supportClient(env);
    expect((await support.get(`/api/publisher/sites/${id}`)).status).toBe(200);
    expect((await support.patch(`/api/publisher/sites/${id}`, { guaranteeMonths: 3 })).status).toBe(404);
    expect((await client.patch(`/api/publisher/sites/${randomUUID()}`, { guaranteeMonths: 3 })).status).toBe(404);
    expect((await client.get(`/api/publisher/sites/${id}`)).body.guaranteeMonths).toBe(36);

    const reset = await client.patch(`/api/publisher/sites/${id}`, { guaranteeMonths: null });
    expect(reset.body).toMatchObject({ guaranteeMonths: null, effectiveGuaranteeMonths: 12 });
    // the same value again changes nothing and records nothing
    await client.patch(`/api/publisher/sites/${id}`, { guaranteeMonths: null });
    const audit = await env.database.db
      .selectFrom('audit_log')
      .select(['action', 'person_id', 'details'])
      .where('target_id', '=', id)
      .where('action', '=', 'site.guarantee')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'site.guarantee', person_id: account.id, details: { from: null, to: 36 } },
      { action: 'site.guarantee', person_id: account.id, details: { from: 36, to: null } },
    ]);
  });

  it('shows in the catalog: the site’s own, else the platform default when it is in months', async () => {
    const tag = `garcat${Date.now().toString(36)}`;
    const own = await makeOffer(env, { keywords: [{ keyword: `${tag} propre`, position: 2, volume: 500 }] });
    expect((await own.publisher.patch(`/api/publisher/sites/${own.siteId}`, { guaranteeMonths: 6 })).status).toBe(200);
    const byDefault = await makeOffer(env, { keywords: [{ keyword: `${tag} defaut`, position: 3, volume: 400 }] });
    const { client } = await signUp(env);
    const offers = (await client.get(`/api/catalog/offers?keyword=${tag}`)).body.items;
    expect(offers.map((o: any) => [o.offerId, o.guaranteeMonths])).toEqual([
      [own.offerId, 6],
      [byDefault.offerId, 12],
    ]);
    expect((await client.get(`/api/catalog/offers/${own.offerId}`)).body.guaranteeMonths).toBe(6);
    expect((await client.get(`/api/catalog/offers/${byDefault.offerId}`)).body.guaranteeMonths).toBe(12);
    // A default written in seconds or days (MAILLON_DEFAULT_GUARANTEE=30s in a test) is no number of months.
    const shortDefault = { db: env.database.db, config: { ...env.config, defaultGuarantee: { ms: 30_000 } } };
    const search = await searchOffers(PLATFORM_ACTOR, { keyword: tag, sort: 'relevance', limit: 50 }, shortDefault);
    expect(search.items.map((o) => [o.offerId, o.guaranteeMonths])).toEqual([
      [own.offerId, 6],
      [byDefault.offerId, null],
    ]);
  });
});

describe('articles and prices', () => {
  it('refuses an article URL off the site domain (422 on url)', async () => {
    const offer = await makeOffer(env);
    const res = await offer.publisher.post(`/api/publisher/sites/${offer.siteId}/articles`, {
      url: 'https://ailleurs.fr/page',
      keywords: [{ keyword: 'test', position: 1, volume: 10 }],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe('url');
  });

  it('prices an article from the grid: best position, its volume, top-10 count, site kind', async () => {
    const thematic = await makeOffer(env, {
      siteKind: 'thematic',
      keywords: [
        { keyword: 'prêt immobilier', position: 2, volume: 6000 },
        { keyword: 'taux prêt', position: 8, volume: 900 },
        { keyword: 'simulation prêt', position: 15, volume: 300 },
      ],
    });
    // thematic, position ≤ 3 with ≥ 5000 searches: 520 €, plus 5 € for the second top-10 keyword
    expect(thematic.priceCents).toBe(525_00);
    const generalist = await makeOffer(env, { siteKind: 'generalist', keywords: [{ keyword: 'recette crêpes', position: 40, volume: 50 }] });
    expect(generalist.priceCents).toBe(40_00);
    const beyond = await makeOffer(env, { keywords: [{ keyword: 'mot rare', position: 150, volume: 10 }] });
    expect(beyond.priceCents).toBeNull();
  });

  it('follows the grid support edits, at once for every article', async () => {
    const offer = await makeOffer(env, { siteKind: 'generalist', keywords: [{ keyword: 'assurance habitation', position: 5, volume: 1500 }] });
    expect(offer.priceCents).toBe(210_00);
    const support = await supportClient(env);
    const grid = (await support.get('/api/catalog/price-grid')).body;
    const cells = grid.cells.map((c: any) => (c.siteKind === 'generalist' && c.maxPosition === 10 && c.minVolume === 1000 ? { ...c, priceCents: 230_00 } : c));
    const saved = await support.put('/api/support/price-grid', { ...grid, cells });
    expect(saved.status).toBe(200);
    const search = await support.get('/api/catalog/offers?keyword=assurance%20habitation&limit=500');
    expect(search.body.items.find((o: any) => o.offerId === offer.offerId).priceCents).toBe(230_00);
    expect((await offer.publisher.put('/api/support/price-grid', grid)).status).toBe(403);
    const broken = await support.put('/api/support/price-grid', { ...grid, cells: grid.cells.filter((c: any) => c.minVolume !== 0) });
    expect(broken.status).toBe(422);
    await support.put('/api/support/price-grid', grid);
  });
});

describe('catalog search', () => {
  it('finds by keyword without accents or case, never showing a domain or URL', async () => {
    const offer = await makeOffer(env, { theme: 'voyage', keywords: [{ keyword: 'Séjour Épinal pas cher', position: 4, volume: 320 }] });
    const { client } = await signUp(env);
    const res = await client.get('/api/catalog/offers?keyword=SEJOUR%20epinal');
    expect(res.status).toBe(200);
    const found = res.body.items.find((o: any) => o.offerId === offer.offerId);
    expect(found).toEqual({
      offerId: offer.offerId,
      keyword: 'Séjour Épinal pas cher',
      position: 4,
      volume: 320,
      top10Count: 1,
      siteKind: 'thematic',
      theme: 'voyage',
      language: 'fr',
      priceCents: offer.priceCents,
      guaranteeMonths: 12,
      reliability: null,
      bestKeyword: { keyword: 'Séjour Épinal pas cher', position: 4, volume: 320 },
      priceExplanation: expect.objectContaining({ totalCents: offer.priceCents }),
      matchedKeywords: [{ keyword: 'Séjour Épinal pas cher', position: 4, volume: 320 }],
      matchedCount: 1,
      favourite: false,
    });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(offer.domain);
    expect(text).not.toContain('https://');
    expect(JSON.stringify((await client.get(`/api/catalog/offers/${offer.offerId}`)).body)).not.toContain(offer.domain);
  });

  it('explains each price: the grid cell of the best keyword plus the bonus per extra top-10 keyword, summing to the price', async () => {
    const tag = `px${Date.now().toString(36)}`;
    const offer = await makeOffer(env, {
      siteKind: 'generalist',
      keywords: [
        { keyword: `${tag} assurance`, position: 5, volume: 1500 },
        { keyword: `${tag} mutuelle`, position: 8, volume: 90 },
        { keyword: `${tag} credit`, position: 9, volume: 40 },
        { keyword: `${tag} loin`, position: 40, volume: 9000 },
      ],
    });
    const { client } = await signUp(env);
    const grid = (await client.get('/api/catalog/price-grid')).body;
    const found = (await client.get(`/api/catalog/offers?keyword=${tag}%20mutuelle`)).body.items.find((o: any) => o.offerId === offer.offerId);
    // the matching keyword is shown, and beside it the keyword that sets the price
    expect(found).toMatchObject({ keyword: `${tag} mutuelle`, position: 8, bestKeyword: { keyword: `${tag} assurance`, position: 5, volume: 1500 }, top10Count: 3 });
    const e = found.priceExplanation;
    const extra = Math.min(2, grid.top10BonusMax);
    expect(e).toMatchObject({ extraTop10Count: extra, top10BonusCents: grid.top10BonusCents, bonusCents: extra * grid.top10BonusCents });
    expect(e.positionBand.min).toBeLessThanOrEqual(5);
    expect(e.positionBand.max).toBeGreaterThanOrEqual(5);
    expect(e.volumeBand.min).toBeLessThanOrEqual(1500);
    expect(e.volumeBand.max === null || e.volumeBand.max >= 1500).toBe(true);
    expect(grid.cells).toContainEqual({ siteKind: 'generalist', maxPosition: e.positionBand.max, minVolume: e.volumeBand.min, priceCents: e.basePriceCents });
    expect(e.basePriceCents + e.bonusCents).toBe(found.priceCents);
    expect(e.totalCents).toBe(found.priceCents);
    expect((await client.get(`/api/catalog/offers/${offer.offerId}`)).body).toMatchObject({ bestKeyword: found.bestKeyword, priceExplanation: e });
  });

  it('filters by theme, volume, position, price, site kind and sorts, with pages', async () => {
    const tag = `zq${Date.now().toString(36)}`;
    const made = [];
    for (const [i, kind] of (['thematic', 'generalist', 'thematic', 'generalist'] as const).entries()) {
      made.push(await makeOffer(env, { siteKind: kind, theme: i < 2 ? 'sante' : 'finance', keywords: [{ keyword: `${tag} mutuelle ${i}`, position: 1 + i * 5, volume: 100 * (i + 1) }] }));
    }
    const { client } = await signUp(env);
    const q = (params: string) => client.get(`/api/catalog/offers?keyword=${tag}&${params}`).then((r) => r.body.items.map((o: any) => o.offerId));
    expect(await q('theme=sante')).toEqual([made[0].offerId, made[1].offerId]);
    expect((await q('siteKind=generalist')).sort()).toEqual([made[1].offerId, made[3].offerId].sort());
    expect(await q('minVolume=300')).toEqual([made[2].offerId, made[3].offerId]);
    expect(await q('maxPosition=6')).toEqual([made[0].offerId, made[1].offerId]);
    const cheapest = Math.min(...made.map((m) => m.priceCents));
    expect(await q(`maxPriceCents=${cheapest}`)).toEqual(made.filter((m) => m.priceCents === cheapest).map((m) => m.offerId));
    expect(await q('sort=volume_desc')).toEqual([made[3], made[2], made[1], made[0]].map((m) => m.offerId));
    const byPrice = await client.get(`/api/catalog/offers?keyword=${tag}&sort=price_desc`);
    const prices = byPrice.body.items.map((o: any) => o.priceCents);
    expect(prices).toEqual([...prices].sort((a: number, b: number) => b - a));
    const page1 = await client.get(`/api/catalog/offers?keyword=${tag}&limit=3`);
    const page2 = await client.get(`/api/catalog/offers?keyword=${tag}&limit=3&cursor=${page1.body.nextCursor}`);
    expect([...page1.body.items, ...page2.body.items].map((o: any) => o.offerId)).toEqual(made.map((m) => m.offerId));
    expect(page2.body.nextCursor).toBeNull();
  });

  it('shows no offer of a site not yet validated', async () => {
    const { client } = await signUp(env, 'publisher');
    const tag = `pending${Date.now().toString(36)}`;
    const site = await client.post('/api/publisher/sites', { domain: `${tag}.fr`, theme: 'sport', siteKind: 'thematic', language: 'fr' });
    await client.post(`/api/publisher/sites/${site.body.id}/articles`, { url: `https://${tag}.fr/a`, keywords: [{ keyword: `${tag} running`, position: 1, volume: 1000 }] });
    expect((await client.get(`/api/catalog/offers?keyword=${tag}`)).body.items).toEqual([]);
  });
});

describe('keyword imports', () => {
  const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

  async function upload(client: any, siteId: string, body: Buffer) {
    const res = await env.app.inject({
      method: 'POST',
      url: `/api/publisher/sites/${siteId}/imports`,
      payload: body,
      headers: { 'content-type': 'text/csv', cookie: `maillon_session=${client.cookie}`, 'x-csrf-token': client.csrf },
    });
    return { status: res.statusCode, body: res.json() };
  }

  it('imports a Semrush export in the background with progress, reporting bad lines, and creates nothing twice when re-run', async () => {
    const { client } = await signUp(env, 'publisher');
    const site = await client.post('/api/publisher/sites', { domain: `import-${Date.now().toString(36)}.fr`, theme: 'immobilier', siteKind: 'thematic', language: 'fr' });
    const domain = site.body.domain;
    const csv = Buffer.from(
      '\ufeffKeyword,Position,Search Volume,URL\n' +
        `credit immobilier,3,2400,https://${domain}/credit\n` +
        `"taux, immobilier",7,"1,300",https://${domain}/credit\n` +
        `pret relais,>100,500,https://${domain}/relais\n` +
        `simulation,12,800,https://ailleurs.fr/x\n` +
        `assurance emprunteur,2,900,https://${domain}/assurance\n`,
    );
    const started = await upload(client, site.body.id, csv);
    expect(started.status).toBe(202);
    const queued = await client.get(`/api/publisher/imports/${started.body.importId}`);
    expect(queued.body.status).toBe('queued');
    await runBackgroundWork(ctx());
    const done = await client.get(`/api/publisher/imports/${started.body.importId}`);
    expect(done.body).toMatchObject({ status: 'done', format: 'semrush', totalLines: 5, processedLines: 5, createdKeywords: 3, createdArticles: 2 });
    expect(done.body.errors.map((e: any) => e.line)).toEqual([4, 5]);
    expect(done.body.errors[0].reason).toContain('Position');
    expect(done.body.errors[1].reason).toContain('ailleurs.fr');

    const again = await upload(client, site.body.id, csv);
    await runBackgroundWork(ctx());
    const second = await client.get(`/api/publisher/imports/${again.body.importId}`);
    expect(second.body).toMatchObject({ status: 'done', createdKeywords: 0, updatedKeywords: 3, createdArticles: 0 });
    const articles = await client.get(`/api/publisher/sites/${site.body.id}/articles`);
    expect(articles.body.items).toHaveLength(2);
    expect(articles.body.items.flatMap((a: any) => a.keywords)).toHaveLength(3);
  });

  it('imports the realistic exports of Semrush (French), Ahrefs (French) and Haloscan', async () => {
    const cases = [
      ['semrush-fr-semicolon.csv', 'annuaire-pro.fr', 'semrush'],
      ['ahrefs-fr.csv', 'depannage-express.fr', 'ahrefs'],
      ['haloscan.csv', 'cuisine-facile.fr', 'haloscan'],
    ] as const;
    for (const [file, domain, format] of cases) {
      const { client } = await signUp(env, 'publisher');
      const site = await client.post('/api/publisher/sites', { domain, theme: 'business', siteKind: 'generalist', language: 'fr' });
      expect(site.status).toBe(201);
      const res = await upload(client, site.body.id, fixture(file));
      expect(res.status).toBe(202);
      await runBackgroundWork(ctx());
      const state = await client.get(`/api/publisher/imports/${res.body.importId}`);
      expect(state.body).toMatchObject({ status: 'done', format });
      expect(state.body.createdKeywords).toBeGreaterThan(0);
      expect(state.body.createdKeywords + state.body.errors.length).toBe(state.body.totalLines);
      const articles = await client.get(`/api/publisher/sites/${site.body.id}/articles`);
      expect(articles.body.items.length).toBe(state.body.createdArticles);
      for (const a of articles.body.items) expect(a.url).toContain(domain);
    }
  });

  it('fails an unusable file with a clear message', async () => {
    const { client } = await signUp(env, 'publisher');
    const site = await client.post('/api/publisher/sites', { domain: `bad-${Date.now().toString(36)}.fr`, theme: 'finance', siteKind: 'thematic', language: 'fr' });
    const res = await upload(client, site.body.id, Buffer.from('foo;bar\n1;2\n'));
    await runBackgroundWork(ctx());
    const state = await client.get(`/api/publisher/imports/${res.body.importId}`);
    expect(state.body.status).toBe('failed');
    expect(state.body.failure).toContain('foo');
  });

  it('keeps imports to the site owner', async () => {
    const offer = await makeOffer(env);
    const other = await signUp(env, 'publisher');
    expect((await upload(other.client, offer.siteId, Buffer.from('Keyword,Position,Search Volume,URL\n'))).status).toBe(404);
  });
});
