import { parse } from 'csv-parse/sync';
import { PDFParse } from 'pdf-parse';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMonthlyReports } from './service.js';
import {
  acceptInvitation,
  fundWallet,
  makeAgency,
  makeOffer,
  startTestEnv,
  uniqueEmail,
  type AgencyFixture,
  type Client,
  type TestEnv,
} from '../../testing/harness.js';

/**
 * Reports and portability: the link inventory (CSV, JSON), the white-label client report (PDF,
 * CSV, figures), its branding inherited down the hierarchy, and its share links.
 */

let env: TestEnv;
beforeAll(async () => {
  // Its own schema on PostgreSQL: the monthly sweep acts on every due subscription.
  env = await startTestEnv({}, { ownSchema: true });
});
afterAll(async () => env?.close());

const db = () => env.database.db;

async function download(client: Client | null, url: string, accept?: string) {
  const res = await env.app.inject({
    method: 'GET',
    url,
    headers: { ...(client?.cookie ? { cookie: `maillon_session=${client.cookie}` } : {}), ...(accept ? { accept } : {}) },
  });
  return {
    status: res.statusCode,
    type: String(res.headers['content-type']),
    body: res.body,
    raw: res.rawPayload,
    json: () => res.json(),
  };
}
const csvRows = (body: string) => parse(body.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
async function pdfText(buffer: Buffer) {
  const parser = new PDFParse({ data: new Uint8Array(buffer) });
  return (await parser.getText()).text.replace(/\s+/g, ' ');
}

type World = {
  fx: AgencyFixture;
  manager: Client;
  consultant: Client;
  client1: Client;
  price: number;
  project1: string;
  project2: string;
  campaign1: string;
  orders: Record<'live' | 'refunded' | 'risk' | 'pending' | 'cancelled' | 'other', string>;
  other: AgencyFixture;
  clientEmail: string;
};

const LIVE_URL = 'https://media-partenaire.fr/blog/immobilier-2026';

/**
 * Agency A (complete mode): Manager → Consultant → Client 1 (who signs in), and Client 2 under the
 * agency. Client 1 bought five links in different states, Client 2 one. Agency B is another tenant.
 */
async function world(): Promise<World> {
  const emails = { m: uniqueEmail('manager'), c: uniqueEmail('consultant'), k: uniqueEmail('client') };
  const fx = await makeAgency(env, 'complete', [
    ['Manager', 'manager', 'agency', emails.m],
    ['Consultant', 'consultant', 'Manager', emails.c],
    ['Boulangerie Dupont', 'client', 'Consultant', emails.k],
    ['Client 2', 'client', 'agency'],
  ]);
  const [manager, consultant, client1] = [
    await acceptInvitation(env, emails.m),
    await acceptInvitation(env, emails.c),
    await acceptInvitation(env, emails.k),
  ];
  const offer = await makeOffer(env);
  const price = offer.priceCents;
  await fundWallet(env, fx.agency, fx.agencyId, 20 * price);
  for (const id of [fx.ids['Boulangerie Dupont'], fx.ids['Client 2']]) {
    await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: id, amountCents: 8 * price });
  }
  const project1 = (
    await fx.agency.post('/api/projects', {
      clientId: fx.ids['Boulangerie Dupont'],
      name: 'Site vitrine',
      url: 'https://boulangerie-dupont.fr',
    })
  ).body.id;
  const project2 = (
    await fx.agency.post('/api/projects', { clientId: fx.ids['Client 2'], name: 'Autre', url: 'https://client-deux.fr' })
  ).body.id;
  const campaign1 = (await fx.agency.post('/api/campaigns', { projectId: project1, name: 'Printemps' })).body.id;
  const order = async (projectId: string, anchor: string, campaignId?: string) => {
    const res = await fx.agency.post('/api/orders', {
      projectId,
      offerId: offer.offerId,
      targetUrl: `${projectId === project1 ? 'https://boulangerie-dupont.fr' : 'https://client-deux.fr'}/pain`,
      anchor,
      ...(campaignId ? { campaignId } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const orders = {
    live: await order(project1, 'pain au levain', campaign1),
    refunded: await order(project1, '=HYPERLINK("http://x","y")', campaign1),
    risk: await order(project1, 'boulangerie bio'),
    pending: await order(project1, 'croissant'),
    cancelled: await order(project1, 'annulée'),
    other: await order(project2, 'autre client'),
  };
  // The states links reach through verification, monitoring and claims, set directly.
  const day = (d: string) => new Date(`${d}T10:00:00Z`);
  const placed = async (id: string, status: 'verified' | 'lost', lastOk: boolean, extra: Record<string, unknown> = {}) => {
    await db()
      .updateTable('orders')
      .set({
        status,
        live_url: LIVE_URL,
        verified_at: day('2026-01-10'),
        guarantee_ends_at: day('2027-01-10'),
        last_check: JSON.stringify({
          ok: lastOk,
          rule: lastOk ? null : 'link_missing',
          message: lastOk ? 'Lien présent.' : 'Le lien a disparu.',
          at: '2026-11-20T08:00:00.000Z',
        }),
        ...extra,
      })
      .where('id', '=', id)
      .execute();
    await db()
      .insertInto('order_events')
      .values({
        order_id: id,
        status: 'link_placed',
        at: day('2026-01-09'),
        person_id: null,
        acting_account_id: null,
        note: null,
      })
      .execute();
    const check = (at: string, ok: boolean, kind: 'verification' | 'monitoring') => ({
      order_id: id,
      kind,
      at: new Date(at),
      outcome: ok ? 'ok' : 'link_missing',
      rule: ok ? null : 'link_missing',
      http_status: 200,
      final_url: LIVE_URL,
      content_hash: null,
      messages: JSON.stringify(
        ok ? { fr: 'Lien présent.', en: 'Link present.' } : { fr: 'Le lien a disparu.', en: 'The link is gone.' },
      ),
      evidence: JSON.stringify({}),
    });
    await db()
      .insertInto('link_checks')
      .values([check('2026-01-10T10:00:00Z', true, 'verification'), check('2026-11-20T08:00:00Z', lastOk, 'monitoring')])
      .execute();
  };
  await placed(orders.live, 'verified', true);
  await placed(orders.refunded, 'lost', false, { lost_at: day('2026-11-21'), refunded_cents: price });
  await placed(orders.risk, 'verified', false);
  await db().updateTable('orders').set({ status: 'cancelled' }).where('id', '=', orders.cancelled).execute();
  const other = await makeAgency(env, 'simple', [['Client B', 'client', 'agency']]);
  return { fx, manager, consultant, client1, price, project1, project2, campaign1, orders, other, clientEmail: emails.k };
}

let w: World;
beforeAll(async () => {
  w = await world();
}, 120_000);

describe('link inventory (portability)', () => {
  it('the agency exports every link of its clients as JSON, lost and cancelled ones and their check history included', async () => {
    const res = await download(w.fx.agency, '/api/links/inventory.json');
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/json');
    const items = res.json().items as {
      id: string;
      state: string;
      checks: { ok: boolean }[];
      clientName: string;
      domain: string;
      liveUrl: string | null;
      guaranteeEndsAt: string | null;
      placedAt: string | null;
    }[];
    expect(items).toHaveLength(6);
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get(w.orders.live)!.state).toBe('live');
    expect(byId.get(w.orders.refunded)!.state).toBe('refunded');
    expect(byId.get(w.orders.risk)!.state).toBe('at_risk');
    expect(byId.get(w.orders.pending)!.state).toBe('ordered');
    expect(byId.get(w.orders.cancelled)!.state).toBe('cancelled');
    expect(byId.get(w.orders.refunded)!.checks.map((c) => c.ok)).toEqual([true, false]);
    expect(byId.get(w.orders.live)!.liveUrl).toBe(LIVE_URL);
    expect(byId.get(w.orders.live)!.placedAt).toBe('2026-01-09T10:00:00.000Z');
    expect(byId.get(w.orders.live)!.guaranteeEndsAt).toBe('2027-01-10T10:00:00.000Z');
    // the site stays hidden until the link is placed
    expect(byId.get(w.orders.pending)!.domain).toBe('');
    expect(byId.get(w.orders.pending)!.liveUrl).toBeNull();

    const narrowed = (await download(w.fx.agency, `/api/links/inventory.json?clientId=${w.fx.ids['Client 2']}`)).json().items;
    expect(narrowed.map((i: { id: string }) => i.id)).toEqual([w.orders.other]);
  });

  it('the CSV opens in a French Excel: amounts with a comma, checks counted with the last, no live formula', async () => {
    const res = await download(w.fx.agency, `/api/links/inventory.csv?clientId=${w.fx.ids['Boulangerie Dupont']}`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/csv');
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = csvRows(res.body);
    expect(rows).toHaveLength(5);
    const col = (name: string) => header.indexOf(name);
    const lost = rows.find((r) => r[col('N° de commande')] === w.orders.refunded)!;
    expect(lost[col('Ancre')]).toBe(`'=HYPERLINK("http://x","y")`);
    expect(lost[col('Statut')]).toBe('Remboursé');
    expect(lost[col('Nombre de contrôles')]).toBe('2');
    expect(lost[col('Résultat du dernier contrôle')]).toBe('Le lien a disparu.');
    expect(lost[col('Perdu le')]).toBe('2026-11-21');
    expect(lost[col('Prix (€ HT)')]).toBe((w.price / 100).toFixed(2).replace('.', ','));
    expect(lost[col('Remboursé (€ HT)')]).toBe(lost[col('Prix (€ HT)')]);
  });

  it('a client exports its own links; another client, another tenant: 404; an empty inventory is a header alone', async () => {
    const own = (await download(w.client1, '/api/links/inventory.json')).json().items;
    expect(own).toHaveLength(5);
    expect((await download(w.client1, `/api/links/inventory.json?clientId=${w.fx.ids['Client 2']}`)).status).toBe(404);
    expect((await download(w.other.agency, `/api/links/inventory.csv?clientId=${w.fx.ids['Boulangerie Dupont']}`)).status).toBe(
      404,
    );
    expect((await download(w.other.agency, '/api/links/inventory.json')).json().items).toEqual([]);
    const empty = await download(w.other.agency, '/api/links/inventory.csv');
    expect(csvRows(empty.body)).toHaveLength(1);
    // the manager reaches its consultant's client, not the agency's own client
    expect((await download(w.manager, '/api/links/inventory.json')).json().items).toHaveLength(5);
    expect((await download(w.manager, `/api/links/inventory.json?clientId=${w.fx.ids['Client 2']}`)).status).toBe(404);
    expect((await download(null, '/api/links/inventory.json')).status).toBe(401);
  });
});

describe('client report', () => {
  const q = () => `clientId=${w.fx.ids['Boulangerie Dupont']}`;

  it('sums up the links bought: live, lost, at risk, pending and what they cost', async () => {
    const res = await w.fx.agency.get(`/api/reports/summary?${q()}`);
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual({ links: 4, live: 1, lost: 1, atRisk: 1, pending: 1, spentCents: 3 * w.price });
    expect(res.body.client.name).toBe('Boulangerie Dupont');
    // a client gets its own without naming itself
    expect((await w.client1.get('/api/reports/summary')).body.summary.links).toBe(4);
  });

  it('the PDF reads as a report: figures, every link bought, and no platform name', async () => {
    const res = await download(w.fx.agency, `/api/reports/links.pdf?${q()}`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/pdf');
    const text = await pdfText(res.raw);
    expect(text).toContain('Rapport de liens');
    expect(text).toContain('Boulangerie Dupont');
    expect(text).toContain('Liens en ligne');
    expect(text).toContain('pain au levain');
    expect(text).toContain('En ligne');
    expect(text).toContain('À risque');
    expect(text).toContain('Remboursé');
    expect(text).not.toContain('annulée');
    expect(text.toLowerCase()).not.toContain('maillon');
    expect(res.raw.toString('latin1').toLowerCase()).not.toContain('maillon');
  });

  it('the CSV lists the same links, narrowed by project, campaign and period', async () => {
    const all = csvRows((await download(w.fx.agency, `/api/reports/links.csv?${q()}`)).body);
    expect(all).toHaveLength(5);
    const [header] = all;
    expect(header).toEqual(
      expect.arrayContaining([
        'URL du lien',
        'Ancre',
        'URL cible',
        'Statut',
        'Dernier contrôle',
        'Prix (€ HT)',
        'Fin de garantie',
      ]),
    );
    const campaign = csvRows((await download(w.fx.agency, `/api/reports/links.csv?${q()}&campaignId=${w.campaign1}`)).body);
    expect(campaign).toHaveLength(3);
    const huge = await download(w.fx.agency, `/api/reports/links.csv?${q()}&from=0001-01-01&to=9999-12-31`);
    expect(csvRows(huge.body)).toHaveLength(5);
    const past = await download(w.fx.agency, `/api/reports/links.pdf?${q()}&from=2001-01-01&to=2001-12-31`);
    expect(past.status).toBe(200);
    expect(await pdfText(past.raw)).toContain('Aucun lien sur cette période');
  });

  it('bad input is a 400 naming the field; out of reach is a 404', async () => {
    const field = async (url: string) => {
      const res = await w.fx.agency.get(url);
      return [res.status, res.body?.error?.field];
    };
    expect(await field('/api/reports/summary')).toEqual([400, 'clientId']);
    expect(await field(`/api/reports/links.csv?${q()}&from=2026-03-01&to=2026-02-01`)).toEqual([400, 'to']);
    expect(await field(`/api/reports/links.csv?${q()}&from=2026-02-30`)).toEqual([400, 'from']);
    expect(await field(`/api/reports/links.pdf?${q()}&projectId=${w.project2}`)).toEqual([404, undefined]);
    expect((await w.other.agency.get(`/api/reports/summary?${q()}`)).status).toBe(404);
    expect((await w.client1.get(`/api/reports/summary?clientId=${w.fx.ids['Client 2']}`)).status).toBe(404);
    expect((await w.fx.agency.get(`/api/reports/summary?clientId=${w.fx.ids.Manager}`)).status).toBe(404);
  });
});

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('branding', () => {
  it('set by the agency, inherited down; a manager overrides it for its portfolio; others read it', async () => {
    const body = {
      primaryColor: '#AA3300',
      accentColor: '#005577',
      footerText: 'Agence Lumière — 12 rue du Port, Nantes',
      showPlatformName: false,
    };
    const set = await w.fx.agency.put('/api/reports/branding', body);
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ primaryColor: '#aa3300', source: 'agency', own: true, editable: true });
    expect((await w.consultant.get('/api/reports/branding')).body).toMatchObject({
      primaryColor: '#aa3300',
      source: 'agency',
      editable: false,
    });
    expect((await w.consultant.put('/api/reports/branding', body)).status).toBe(403);
    expect((await w.client1.put('/api/reports/branding', body)).status).toBe(403);

    const pdf = await pdfText((await download(w.fx.agency, `/api/reports/links.pdf?clientId=${w.fx.ids['Client 2']}`)).raw);
    expect(pdf).toContain('Agence Lumière');

    const override = await w.manager.put('/api/reports/branding', {
      ...body,
      primaryColor: '#112233',
      footerText: 'Pôle Ouest',
      showPlatformName: true,
    });
    expect(override.body).toMatchObject({ primaryColor: '#112233', source: 'manager', own: true });
    expect((await w.client1.get('/api/reports/branding')).body).toMatchObject({ primaryColor: '#112233', source: 'manager' });
    expect((await w.fx.agency.get('/api/reports/branding')).body.primaryColor).toBe('#aa3300');
    const ownPdf = await pdfText((await download(w.client1, '/api/reports/links.pdf')).raw);
    expect(ownPdf).toContain('Pôle Ouest');
    expect(ownPdf).toContain('Maillon');
    // the agency's own client keeps the agency's
    const other = await pdfText((await download(w.fx.agency, `/api/reports/links.pdf?clientId=${w.fx.ids['Client 2']}`)).raw);
    expect(other).not.toContain('Pôle Ouest');
    expect(other).not.toContain('Maillon');
    // dropping the override brings the agency's back
    expect((await w.manager.request('DELETE', '/api/reports/branding')).body).toMatchObject({ source: 'agency', own: false });
  });

  it('refuses a colour that is not #RRGGBB and a footer too long, naming the field, changing nothing', async () => {
    const bad = await w.fx.agency.put('/api/reports/branding', { primaryColor: 'red', accentColor: '#005577' });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'primaryColor']);
    const long = await w.fx.agency.put('/api/reports/branding', {
      primaryColor: '#000000',
      accentColor: '#005577',
      footerText: 'x'.repeat(301),
    });
    expect([long.status, long.body.error.field]).toEqual([400, 'footerText']);
    expect((await w.fx.agency.get('/api/reports/branding')).body.primaryColor).toBe('#aa3300');
  });

  it('takes a PNG logo checked by its content and size; the report shows it to the clients below', async () => {
    const up = (body: Buffer, type: string) =>
      env.app.inject({
        method: 'PUT',
        url: '/api/reports/branding/logo',
        payload: body,
        headers: { 'content-type': type, cookie: `maillon_session=${w.fx.agency.cookie}`, 'x-csrf-token': w.fx.agency.csrf! },
      });
    const ok = await up(PNG, 'image/png');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().hasLogo).toBe(true);
    const fake = await up(Buffer.from('<svg onload="alert(1)"></svg>'), 'image/png');
    expect([fake.statusCode, fake.json().error.field]).toEqual([400, 'file']);
    const big = await up(Buffer.concat([PNG, Buffer.alloc(600 * 1024)]), 'image/png');
    expect([big.statusCode, big.json().error.field]).toEqual([413, 'file']);
    const svg = await up(Buffer.from('<svg/>'), 'image/svg+xml');
    expect(svg.statusCode).toBe(400);
    const logo = await download(w.consultant, '/api/reports/branding/logo');
    expect([logo.status, logo.type]).toEqual([200, 'image/png']);
    expect(Buffer.compare(logo.raw, PNG)).toBe(0);
    expect((await download(w.other.agency, '/api/reports/branding/logo')).status).toBe(404);
    const pdf = await download(w.fx.agency, `/api/reports/links.pdf?clientId=${w.fx.ids['Client 2']}`);
    expect(pdf.raw.toString('latin1')).toContain('/Subtype /Image');
  });
});

describe('share links', () => {
  const tokenOf = (url: string) => /\/api\/reports\/shared\/([^/]+)$/.exec(url)![1];

  it('opens the report without an account until revoked, then a French page says it is gone', async () => {
    const created = await w.consultant.post('/api/reports/shares', {
      clientId: w.fx.ids['Boulangerie Dupont'],
      campaignId: w.campaign1,
      expiresInDays: 30,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.url).toMatch(/^http.*\/api\/reports\/shared\/[A-Za-z0-9_-]{43}\.pdf$/);
    const path = new URL(created.body.url).pathname;
    const opened = await download(null, path);
    expect([opened.status, opened.type]).toEqual([200, 'application/pdf']);
    const text = await pdfText(opened.raw);
    expect(text).toContain('Boulangerie Dupont');
    expect(text).toContain('Campagne Printemps');
    expect(text).not.toContain('croissant');
    // only the hash is stored
    const stored = await db()
      .selectFrom('report_shares')
      .select('token_hash')
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(tokenOf(path).replace('.pdf', ''));

    const list = await w.fx.agency.get(`/api/reports/shares?clientId=${w.fx.ids['Boulangerie Dupont']}`);
    expect(list.body.items[0]).toMatchObject({ id: created.body.id, status: 'active', campaignId: w.campaign1 });
    expect((await w.other.agency.post(`/api/reports/shares/${created.body.id}/revoke`)).status).toBe(404);
    expect((await w.other.agency.get(`/api/reports/shares?clientId=${w.fx.ids['Boulangerie Dupont']}`)).status).toBe(404);

    const revoked = await w.manager.post(`/api/reports/shares/${created.body.id}/revoke`);
    expect(revoked.body.status).toBe('revoked');
    const refused = await download(null, path, 'text/html,application/xhtml+xml');
    expect(refused.status).toBe(410);
    expect(refused.type).toContain('text/html');
    expect(refused.body).toContain('Ce rapport n’est plus disponible');

    const audit = await db()
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'report.share_%')
      .where('target_id', '=', w.fx.ids['Boulangerie Dupont'])
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['report.share_create', 'report.share_revoke']);
  });

  it('is refused once expired; an unknown token is a 404; bad input names the field', async () => {
    const created = await w.fx.agency.post('/api/reports/shares', { clientId: w.fx.ids['Client 2'], expiresInDays: 1 });
    const path = new URL(created.body.url).pathname;
    expect((await download(null, path)).status).toBe(200);
    await db()
      .updateTable('report_shares')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', created.body.id)
      .execute();
    expect((await download(null, path)).status).toBe(410);
    expect((await download(null, path)).json().error.code).toBe('gone');
    expect((await w.fx.agency.get(`/api/reports/shares?clientId=${w.fx.ids['Client 2']}`)).body.items[0].status).toBe('expired');
    expect((await download(null, `/api/reports/shared/${'a'.repeat(43)}.pdf`)).status).toBe(404);
    expect((await download(null, '/api/reports/shared/nope')).status).toBe(404);
    const tooLong = await w.fx.agency.post('/api/reports/shares', { clientId: w.fx.ids['Client 2'], expiresInDays: 400 });
    expect([tooLong.status, tooLong.body.error.field]).toEqual([400, 'expiresInDays']);
    const period = await w.fx.agency.post('/api/reports/shares', {
      clientId: w.fx.ids['Client 2'],
      expiresInDays: 3,
      from: '2026-05-01',
      to: '2026-04-01',
    });
    expect([period.status, period.body.error.field]).toEqual([400, 'to']);
    expect((await w.other.agency.post('/api/reports/shares', { clientId: w.fx.ids['Client 2'], expiresInDays: 3 })).status).toBe(
      404,
    );
    expect(
      (await w.client1.post('/api/reports/shares', { clientId: w.fx.ids['Boulangerie Dupont'], expiresInDays: 3 })).status,
    ).toBe(403);
  });
});

describe('monthly e-mail', () => {
  it('sends the past month’s report to the client once a month, whatever the number of processes', async () => {
    const ctx = { db: env.database.db, config: env.config };
    const clientId = w.fx.ids['Boulangerie Dupont'];
    const on = await w.consultant.put('/api/reports/monthly-email', { clientId, enabled: true });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body).toMatchObject({ enabled: true, email: w.clientEmail });
    expect((await w.fx.agency.get(`/api/reports/monthly-email?clientId=${clientId}`)).body.enabled).toBe(true);
    const noEmail = await w.fx.agency.put('/api/reports/monthly-email', { clientId: w.fx.ids['Client 2'], enabled: true });
    expect([noEmail.status, noEmail.body.error.field]).toEqual([422, 'clientId']);
    expect((await w.other.agency.put('/api/reports/monthly-email', { clientId, enabled: true })).status).toBe(404);
    expect((await w.client1.put('/api/reports/monthly-email', { clientId, enabled: false })).status).toBe(403);

    const mails = async () =>
      db()
        .selectFrom('outbox_emails')
        .select(['subject', 'text_body'])
        .where('to_address', '=', w.clientEmail)
        .where('subject', 'like', 'Votre rapport de liens%')
        .execute();
    // subscribed this month: the first one is next month's
    expect(await sendMonthlyReports(ctx)).toBe(0);
    const next = new Date(Date.now() + 32 * 86_400_000);
    const sent = await Promise.all([sendMonthlyReports(ctx, next), sendMonthlyReports(ctx, next), sendMonthlyReports(ctx, next)]);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await sendMonthlyReports(ctx, next)).toBe(0);
    const [mail] = await mails();
    expect(await mails()).toHaveLength(1);
    expect(mail.subject).toMatch(/^Votre rapport de liens — \p{L}+ \d{4}$/u);
    const url = /https?:\/\/\S+\.pdf/.exec(mail.text_body)![0];
    const opened = await download(null, new URL(url).pathname);
    expect([opened.status, opened.type]).toEqual([200, 'application/pdf']);

    const off = await w.fx.agency.put('/api/reports/monthly-email', { clientId, enabled: false });
    expect(off.body.enabled).toBe(false);
    expect(await sendMonthlyReports(ctx, new Date(Date.now() + 64 * 86_400_000))).toBe(0);
  });
});

describe('large inventories', () => {
  it('exports more orders than a page, with equal times, each once; the PDF runs over several pages', async () => {
    const clientB = w.other.ids['Client B'];
    const project = (
      await w.other.agency.post('/api/projects', { clientId: clientB, name: 'Gros projet', url: 'https://gros-client.fr' })
    ).body.id;
    await sql`
      insert into orders (client_id, agency_id, project_id, article_id, site_id, publisher_id, keyword, price_cents, commission_bp,
                          target_url, anchor, status, created_at, accept_by, live_url, verified_at, guarantee_ends_at)
      select ${clientB}, ${w.other.agencyId}, ${project}, o.article_id, o.site_id, o.publisher_id, o.keyword, o.price_cents, o.commission_bp,
             'https://gros-client.fr/page-' || g, 'ancre ' || g, 'verified', '2026-06-01T10:00:00Z', o.accept_by,
             'https://media.fr/article-' || g, '2026-06-02T10:00:00Z', '2027-06-02T10:00:00Z'
      from orders o cross join generate_series(1, 1100) g where o.id = ${w.orders.other}`.execute(db());
    const items = (await download(w.other.agency, '/api/links/inventory.json')).json().items as { id: string }[];
    expect(items).toHaveLength(1100);
    expect(new Set(items.map((i) => i.id)).size).toBe(1100);
    expect(csvRows((await download(w.other.agency, '/api/links/inventory.csv')).body)).toHaveLength(1101);
    const summary = (await w.other.agency.get(`/api/reports/summary?clientId=${clientB}`)).body.summary;
    expect(summary).toMatchObject({ links: 1100, live: 1100 });
    const pdf = await download(w.other.agency, `/api/reports/links.pdf?clientId=${clientB}`);
    const parser = new PDFParse({ data: new Uint8Array(pdf.raw) });
    const result = await parser.getText();
    expect(result.pages.length).toBeGreaterThan(20);
    expect(result.text).toContain('ancre 1100');
    expect(result.text).toMatch(/ancre 1(?!\d)/);
  }, 120_000);
});
