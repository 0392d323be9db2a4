import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHandlers, runBackgroundWork } from '../../jobs/handlers.js';
import { runDueJobs } from '../../jobs/queue.js';
import { expireOverdueOrders, remindPendingOrders } from '../orders/service.js';
import {
  acceptInvitation,
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
} from '../../testing/harness.js';
import { composeImmediateEmails, runDigests } from './service.js';

/**
 * Every event, from the action that causes it (through the API, as its users would, or the
 * platform's sweep), to exactly the people it must reach: in the app (the bell), by e-mail at once,
 * or by e-mail only in the next daily digest; nobody in another agency. One agency (its owner, a
 * manager, the consultant in charge of a client with a login), a publisher, support and another
 * agency's owner watch every row. Run on PGlite and on PostgreSQL.
 */

let env: TestEnv;
let server: Server;
let origin: string;
/** what the local "publisher site" serves, by path */
const pages = new Map<string, string>();

beforeAll(async () => {
  // its own schema on PostgreSQL: the sweeps and the digests take every due row
  env = await startTestEnv({ MAILLON_CRAWLER_ALLOW_PRIVATE: '1' }, { ownSchema: true });
  server = createServer((req, res) => {
    const html = pages.get(req.url ?? '');
    if (html === undefined) res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  world = await makeWorld();
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await env?.close();
});

const ctx = () => ({ db: env.database.db, config: env.config });
const euros = (cents: number) => new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);

type Person = { client: Client; email: string; id: string };
/** who watches every row; a row's setup may add someone (e.g. the customer asking for agency mode) */
const watchers = ['agency', 'manon', 'claire', 'client', 'publisher', 'support', 'other'] as const;
type Who = (typeof watchers)[number] | 'requester';

type World = {
  people: Partial<Record<Who, Person>>;
  ids: Record<string, string>;
  projectId: string;
  /** a project of Fleuriste, a client of Claire without a login or credits */
  poorProjectId: string;
  offer: Awaited<ReturnType<typeof makeOffer>>;
};
let world: World;

async function personOf(c: Client): Promise<Person> {
  const me = (await c.get('/api/me')).body;
  expect(me.account.email).toContain('@');
  return { client: c, id: me.account.id, email: me.account.email };
}

async function makeWorld(): Promise<World> {
  const emails = { manon: uniqueEmail('manon'), claire: uniqueEmail('claire'), client: uniqueEmail('boulangerie') };
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency', emails.manon],
    ['Claire', 'consultant', 'Manon', emails.claire],
    ['Boulangerie', 'client', 'Claire', emails.client],
    ['Fleuriste', 'client', 'Claire'],
  ]);
  const manon = await acceptInvitation(env, emails.manon);
  const claire = await acceptInvitation(env, emails.claire);
  const client = await acceptInvitation(env, emails.client);
  await fundWallet(env, fx.agency, fx.agencyId, 20_000_00);
  await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: 10_000_00 });
  await fx.agency.patch(`/api/accounts/${fx.ids.Boulangerie}`, { company: { ...FRENCH_COMPANY, legalName: 'Boulangerie SARL' } });
  const project = await fx.agency.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'Site vitrine', url: 'https://www.boulangerie-test.fr/' });
  const poor = await fx.agency.post('/api/projects', { clientId: fx.ids.Fleuriste, name: 'Fleurs', url: 'https://fleuriste-test.fr/' });
  const offer = await makeOffer(env, { domain: origin, url: `${origin}/blog/pain` });
  const other = await makeAgency(env, 'simple');
  return {
    people: {
      agency: await personOf(fx.agency),
      manon: await personOf(manon),
      claire: await personOf(claire),
      client: await personOf(client),
      publisher: await personOf(offer.publisher),
      support: await personOf(await supportClient(env)),
      other: await personOf(other.agency),
    },
    ids: fx.ids,
    projectId: project.body.id,
    poorProjectId: poor.body.id,
    offer,
  };
}

const p = (who: Who) => world.people[who]!;
const watching = () => Object.keys(world.people) as Who[];

const ANCHOR = 'pain au levain bio';
const orderBody = (extra: Record<string, unknown> = {}) => ({
  projectId: world.projectId,
  offerId: world.offer.offerId,
  targetUrl: 'https://boulangerie-test.fr/pain-au-levain',
  anchor: ANCHOR,
  ...extra,
});

/** The article each order was placed on: the live URL must be the article bought. */
const articleOf = new Map<string, string>();
let articleCounter = 0;

/** A new article of the publisher's site (the same keywords, so the same price), for one order. */
async function freshOffer(): Promise<{ offerId: string; path: string }> {
  const path = `/blog/pain-${++articleCounter}`;
  const res = await p('publisher').client.post(`/api/publisher/sites/${world.offer.siteId}/articles`, {
    url: `${origin}${path}`,
    keywords: [{ keyword: 'crédit immobilier', position: 3, volume: 2400 }],
  });
  expect(res.status).toBe(201);
  return { offerId: res.body.id, path };
}

async function placeOrder(anchor = ANCHOR, extra: Record<string, unknown> = {}): Promise<string> {
  const offer = await freshOffer();
  const res = await p('agency').client.post('/api/orders', orderBody({ anchor, offerId: offer.offerId, ...extra }));
  expect(res.status).toBe(201);
  articleOf.set(res.body.id, offer.path);
  return res.body.id;
}

async function acceptOrder(orderId: string) {
  expect((await p('publisher').client.post(`/api/publisher/orders/${orderId}/accept`)).status).toBe(200);
}

/** The publisher publishes the link on the article bought, serving `html`; returns its URL. */
async function publishLink(orderId: string, html: string): Promise<string> {
  const path = articleOf.get(orderId)!;
  pages.set(path, html);
  const res = await p('publisher').client.post(`/api/publisher/orders/${orderId}/placed`, { liveUrl: `${origin}${path}` });
  expect(res.status).toBe(200);
  return `${origin}${path}`;
}
const goodPage = `<article><p>Notre sélection : <a href="https://www.boulangerie-test.fr/pain-au-levain">${ANCHOR}</a></p></article>`;
const nofollowPage = `<p>Voir <a rel="nofollow" href="https://boulangerie-test.fr/pain-au-levain">${ANCHOR}</a></p>`;

const setOrder = (orderId: string, values: { accept_by?: Date; created_at?: Date }) =>
  env.database.db.updateTable('orders').set(values).where('id', '=', orderId).execute();
const runJobs = () => runDueJobs(ctx(), jobHandlers);

async function requestTopUp(amountCents: number): Promise<string> {
  const res = await p('claire').client.post(`/api/accounts/${world.ids.Boulangerie}/top-ups`, { amountCents, method: 'bank_transfer' });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** A customer of its own, who will ask for agency mode: watched by the row, like everyone. */
async function newRequester(): Promise<string> {
  const { client } = await signUp(env, 'customer', 'Studio Durand');
  world.people.requester = await personOf(client);
  return 'Studio Durand';
}

// ---------------------------------------------------------------------------------------------
// What each person has got so far, to see what one action adds

type Notification = { id: string; kind: string; title: string; body: string; link: string | null; object: { type: string; id: string } | null };
type Seen = { notifications: Set<string>; emails: Set<string> };

async function inbox(who: Who): Promise<Notification[]> {
  const res = await p(who).client.get('/api/notifications?limit=500');
  expect(res.status).toBe(200);
  return res.body.items;
}

const mailsTo = (email: string) =>
  env.database.db.selectFrom('outbox_emails').select(['id', 'subject', 'text_body']).where('to_address', '=', email).execute();

async function snapshot(): Promise<Map<Who, Seen>> {
  const out = new Map<Who, Seen>();
  for (const who of watching()) {
    out.set(who, {
      notifications: new Set((await inbox(who)).map((n) => n.id)),
      emails: new Set((await mailsTo(p(who).email)).map((m) => m.id)),
    });
  }
  return out;
}

async function added(before: Map<Who, Seen>, who: Who) {
  const seen = before.get(who) ?? { notifications: new Set(), emails: new Set() };
  return {
    notifications: (await inbox(who)).filter((n) => !seen.notifications.has(n.id)),
    emails: (await mailsTo(p(who).email)).filter((m) => !seen.emails.has(m.id)),
  };
}

/** Tomorrow in Paris, after the digest hour: every digest of what came before is due. */
function digestTime(): Date {
  const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
  return new Date(new Date(`${parisDay}T00:00:00Z`).getTime() + 86_400_000 + (env.config.digestHour + 1) * 3_600_000);
}
const sendDigests = () => runDigests(ctx(), digestTime());
const isDigest = (subject: string) => subject.startsWith('Maillon :');

// ---------------------------------------------------------------------------------------------
// The table

type State = Record<string, string>;
type Row = {
  kind: string;
  /** when one kind has several rows */
  variant?: string;
  /** what has to exist before the action (what it causes is not what the row checks) */
  setup?: () => Promise<State>;
  /** the action a user takes (or the platform's sweep) */
  act: (s: State) => Promise<void>;
  /** the French title, which is also the subject of the e-mail sent at once */
  title: (s: State) => string;
  /** what the body says, besides */
  body?: (s: State) => string;
  link: (s: State) => string;
  /** told in the app and e-mailed at once */
  immediate: Who[];
  /** told in the app, e-mailed only in the daily digest */
  digest: Who[];
};

/** The buyer side: the client (it has a login) and its person in charge at once, those above in the digest. */
const buyerSide = { immediate: ['client', 'claire'] as Who[], digest: ['manon', 'agency'] as Who[] };
const publisherSide = { immediate: ['publisher'] as Who[], digest: [] as Who[], link: () => '/editeur/commandes' };
const supportSide = { immediate: ['support'] as Who[], digest: [] as Who[] };
const orderLink = (s: State) => `/commandes/${s.orderId}`;

const rows: Row[] = [
  // The publisher's side
  {
    kind: 'order_new',
    act: async (s) => {
      s.orderId = await placeOrder('pain de campagne');
    },
    title: () => `Nouvelle commande sur ${world.offer.domain}`,
    body: () => `Ancre « pain de campagne », ${euros(world.offer.priceCents)}. À accepter avant le`,
    ...publisherSide,
  },
  {
    kind: 'order_cancelled',
    setup: async () => ({ orderId: await placeOrder() }),
    act: async (s) => {
      expect((await p('agency').client.post(`/api/orders/${s.orderId}/cancel`)).status).toBe(200);
    },
    title: () => `Commande annulée sur ${world.offer.domain}`,
    ...publisherSide,
  },
  {
    kind: 'order_reminder',
    variant: 'two sweeps at once',
    setup: async () => {
      const orderId = await placeOrder('pain aux noix');
      // placed five days ago, 47 hours left
      await setOrder(orderId, { created_at: new Date(Date.now() - 5 * 86_400_000), accept_by: new Date(Date.now() + 47 * 3_600_000) });
      return { orderId };
    },
    act: async () => {
      const counts = await Promise.all([remindPendingOrders(ctx()), remindPendingOrders(ctx())]);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    },
    title: () => `Commande à accepter sur ${world.offer.domain}`,
    body: () => 'La commande « pain aux noix » expire le',
    ...publisherSide,
  },
  // The buyer's side
  {
    kind: 'order_accepted',
    setup: async () => ({ orderId: await placeOrder() }),
    act: (s) => acceptOrder(s.orderId),
    title: () => 'Commande acceptée pour Boulangerie',
    link: orderLink,
    ...buyerSide,
  },
  {
    kind: 'order_refused',
    setup: async () => ({ orderId: await placeOrder() }),
    act: async (s) => {
      const res = await p('publisher').client.post(`/api/publisher/orders/${s.orderId}/refuse`, { reason: 'Thématique hors ligne éditoriale' });
      expect(res.status).toBe(200);
    },
    title: () => 'Commande refusée pour Boulangerie',
    body: () => 'Thématique hors ligne éditoriale',
    link: orderLink,
    ...buyerSide,
  },
  {
    kind: 'order_expired',
    setup: async () => {
      const orderId = await placeOrder();
      await setOrder(orderId, { accept_by: new Date(Date.now() - 1000) });
      return { orderId };
    },
    act: async () => {
      expect(await expireOverdueOrders(ctx())).toBe(1);
    },
    title: () => 'Commande expirée pour Boulangerie',
    link: orderLink,
    ...buyerSide,
  },
  {
    kind: 'link_placed',
    setup: async () => {
      const orderId = await placeOrder();
      await acceptOrder(orderId);
      return { orderId };
    },
    act: async (s) => {
      s.liveUrl = await publishLink(s.orderId, goodPage);
    },
    title: () => 'Lien publié pour Boulangerie',
    body: (s) => s.liveUrl,
    link: orderLink,
    ...buyerSide,
  },
  {
    kind: 'order_verified',
    setup: async () => {
      const orderId = await placeOrder();
      await acceptOrder(orderId);
      await publishLink(orderId, goodPage);
      return { orderId };
    },
    act: async () => {
      await runJobs();
    },
    title: () => 'Lien vérifié pour Boulangerie',
    link: orderLink,
    ...buyerSide,
  },
  {
    kind: 'check_failed',
    setup: async () => {
      const orderId = await placeOrder();
      await acceptOrder(orderId);
      await publishLink(orderId, nofollowPage);
      return { orderId };
    },
    act: async () => {
      await runJobs();
    },
    title: () => 'Vérification échouée pour Boulangerie',
    body: () => "n'a pas passé la vérification : Lien en nofollow",
    link: orderLink,
    ...buyerSide,
  },
  // Money
  {
    kind: 'topup_awaiting',
    act: async () => {
      await requestTopUp(500_00);
    },
    title: () => `Recharge de ${euros(500_00)} en attente de paiement`,
    body: () => 'Le pro forma de Boulangerie est prêt.',
    link: () => '/recharger',
    ...buyerSide,
  },
  {
    kind: 'transfer_to_confirm',
    act: async () => {
      await requestTopUp(700_00);
    },
    title: () => `Virement attendu : ${euros(700_00)}`,
    body: () => `Boulangerie va payer ${euros(700_00)} par virement, référence MLN-`,
    link: () => '/support/virements',
    ...supportSide,
  },
  {
    kind: 'topup_confirmed',
    setup: async () => ({ topUpId: await requestTopUp(300_00) }),
    act: async (s) => {
      const res = await (await supportClient(env)).post(`/api/support/top-ups/${s.topUpId}/confirm`);
      expect(res.status).toBe(200);
      s.invoiceNumber = res.body.invoiceNumber;
    },
    title: () => `Recharge de ${euros(300_00)} reçue`,
    body: (s) => `Facture ${s.invoiceNumber}`,
    link: () => '/factures',
    ...buyerSide,
  },
  {
    kind: 'credits_allocated',
    act: async () => {
      const res = await p('agency').client.post('/api/transfers', { fromAccountId: world.ids.agency, toAccountId: world.ids.Boulangerie, amountCents: 250_00 });
      expect(res.status).toBe(201);
    },
    title: () => `${euros(250_00)} de crédits pour Boulangerie`,
    body: () => `Agence Test a attribué ${euros(250_00)} à Boulangerie.`,
    link: () => `/portefeuille/${world.ids.Boulangerie}`,
    ...buyerSide,
  },
  // The agency
  {
    kind: 'invitation_accepted',
    setup: async () => {
      const email = uniqueEmail('hugo');
      const res = await p('agency').client.post('/api/accounts', { role: 'consultant', name: 'Hugo', parentId: world.ids.Manon, email });
      expect(res.status).toBe(201);
      return { email };
    },
    act: async (s) => {
      await acceptInvitation(env, s.email);
    },
    title: () => "Hugo a rejoint l'agence",
    body: () => 'Hugo (consultant) a choisi son mot de passe',
    link: () => '/agence',
    // Manon is the account above the new member: concerned, at once; the agency above her, in the digest.
    immediate: ['manon'],
    digest: ['agency'],
  },
  {
    kind: 'agency_request_decided',
    variant: 'approved',
    setup: async () => {
      await newRequester();
      const req = await p('requester').client.post('/api/agency/activation-request', { message: 'Nous sommes une agence' });
      return { requestId: req.body.id };
    },
    act: async (s) => {
      expect((await (await supportClient(env)).post(`/api/support/agency-requests/${s.requestId}/approve`)).status).toBe(200);
    },
    title: () => 'Mode agence activé',
    link: () => '/agence',
    immediate: ['requester'],
    digest: [],
  },
  {
    kind: 'agency_request_decided',
    variant: 'refused',
    setup: async () => {
      await newRequester();
      const req = await p('requester').client.post('/api/agency/activation-request', {});
      return { requestId: req.body.id };
    },
    act: async (s) => {
      const res = await (await supportClient(env)).post(`/api/support/agency-requests/${s.requestId}/reject`, { note: 'Pas de clients' });
      expect(res.status).toBe(200);
    },
    title: () => 'Demande de mode agence refusée',
    link: () => '/mode-agence',
    immediate: ['requester'],
    digest: [],
  },
  // Support's queue
  {
    kind: 'agency_request_new',
    setup: async () => ({ name: await newRequester() }),
    act: async () => {
      expect((await p('requester').client.post('/api/agency/activation-request', { message: 'Agence de Lyon' })).status).toBe(201);
    },
    title: (s) => `Demande de mode agence : ${s.name}`,
    link: () => '/support',
    ...supportSide,
  },
  {
    kind: 'site_to_review',
    act: async (s) => {
      s.domain = `nouveau-${Date.now().toString(36)}.fr`;
      const res = await p('publisher').client.post('/api/publisher/sites', { domain: s.domain, theme: 'immobilier', siteKind: 'thematic', language: 'fr' });
      expect(res.status).toBe(201);
    },
    title: (s) => `Site à valider : ${s.domain}`,
    body: (s) => `Éditeur Test a proposé le site ${s.domain}.`,
    link: () => '/support/sites',
    ...supportSide,
  },
];

describe('each event reaches exactly its people', () => {
  for (const row of rows) {
    const name = `${row.kind}${row.variant ? ` (${row.variant})` : ''}: at once ${row.immediate.join(', ') || 'nobody'}; in the digest ${row.digest.join(', ') || 'nobody'}; nobody else`;
    it(name, async () => {
      try {
        const s = (await row.setup?.()) ?? {};
        await sendDigests(); // what the setup caused leaves with the digests before the action
        const before = await snapshot();
        await row.act(s);
        // What the sweeps do each second: the e-mails of notifications written without theirs (an allocation).
        await composeImmediateEmails(ctx());
        const title = row.title(s);
        const told = new Set<Who>([...row.immediate, ...row.digest]);
        for (const who of watching()) {
          const got = await added(before, who);
          const ofKind = got.notifications.filter((n) => n.kind === row.kind);
          expect(ofKind.map((n) => n.title), `${who}: in the app`).toEqual(told.has(who) ? [title] : []);
          if (told.has(who)) {
            expect(ofKind[0].link, `${who}: link`).toBe(row.link(s));
            if (row.body) expect(ofKind[0].body).toContain(row.body(s));
          }
          const atOnce = got.emails.filter((m) => m.subject === title);
          expect(atOnce.length, `${who}: e-mails at once`).toBe(row.immediate.includes(who) ? 1 : 0);
          if (atOnce.length && row.body) expect(atOnce[0].text_body).toContain(row.body(s));
          expect(got.emails.filter((m) => isDigest(m.subject)), `${who}: no digest before its hour`).toEqual([]);
        }
        await sendDigests();
        for (const who of watching()) {
          const got = await added(before, who);
          const digests = got.emails.filter((m) => isDigest(m.subject));
          const withTitle = digests.filter((m) => m.text_body.includes(title));
          expect(withTitle.length, `${who}: digests`).toBe(row.digest.includes(who) ? 1 : 0);
          if (row.digest.includes(who)) expect(withTitle[0].text_body).toContain(`${env.config.publicUrl.replace(/\/$/, '')}${row.link(s)}`);
          // still only the one e-mail at once
          expect(got.emails.filter((m) => m.subject === title).length).toBe(row.immediate.includes(who) ? 1 : 0);
        }
      } finally {
        delete world.people.requester;
        await runJobs(); // a link left to check is checked now, not during the next row
      }
    });
  }
});

describe('an action that fails tells nobody', () => {
  const failures: { name: string; setup?: () => Promise<State>; act: (s: State) => Promise<{ status: number; body: any }>; status: number; code?: string }[] = [
    {
      name: 'an order whose target is off the project domain (422)',
      act: () => p('agency').client.post('/api/orders', orderBody({ targetUrl: 'https://concurrent.fr/pain' })),
      status: 422,
    },
    {
      name: 'an order for a client without the credits (409)',
      act: () => p('claire').client.post('/api/orders', { ...orderBody(), projectId: world.poorProjectId, targetUrl: 'https://fleuriste-test.fr/roses' }),
      status: 409,
      code: 'insufficient_funds',
    },
    {
      name: 'an allocation from an empty wallet (409)',
      act: () => p('claire').client.post('/api/transfers', { fromAccountId: world.ids.Fleuriste, toAccountId: world.ids.Boulangerie, amountCents: 10_00 }),
      status: 409,
      code: 'insufficient_funds',
    },
    {
      name: 'refusing an order already accepted (409)',
      setup: async () => {
        const orderId = await placeOrder();
        await acceptOrder(orderId);
        return { orderId };
      },
      act: (s) => p('publisher').client.post(`/api/publisher/orders/${s.orderId}/refuse`, { reason: 'Trop tard' }),
      status: 409,
    },
    {
      name: 'a top-up for a wallet of another agency (404)',
      act: () => p('other').client.post(`/api/accounts/${world.ids.Boulangerie}/top-ups`, { amountCents: 100_00, method: 'bank_transfer' }),
      status: 404,
    },
  ];
  for (const f of failures) {
    it(f.name, async () => {
      const s = (await f.setup?.()) ?? {};
      await sendDigests();
      const before = await snapshot();
      const res = await f.act(s);
      expect(res.status).toBe(f.status);
      if (f.code) expect(res.body.error.code).toBe(f.code);
      await sendDigests();
      for (const who of watching()) {
        const got = await added(before, who);
        expect(got.notifications.map((n) => n.kind), `${who}: in the app`).toEqual([]);
        expect(got.emails.map((m) => m.subject), `${who}: e-mails`).toEqual([]);
      }
    });
  }
});

describe('the reminder sweep', () => {
  it('reminds each order 48 h before its deadline once, however many sweeps run at once', async () => {
    const ids = [await placeOrder('un'), await placeOrder('deux'), await placeOrder('trois')];
    const early = await placeOrder('pas encore');
    for (const id of ids) await setOrder(id, { created_at: new Date(Date.now() - 5 * 86_400_000), accept_by: new Date(Date.now() + 40 * 3_600_000) });
    await setOrder(early, { created_at: new Date(Date.now() - 2 * 86_400_000), accept_by: new Date(Date.now() + 50 * 3_600_000) });
    // An order placed with less than 48 h to go: its new-order notice already gave the deadline.
    const late = await placeOrder('dernière minute');
    await setOrder(late, { accept_by: new Date(Date.now() + 24 * 3_600_000) });
    const before = await snapshot();
    const counts = await Promise.all([1, 2, 3, 4].map(() => remindPendingOrders(ctx())));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    await runBackgroundWork(ctx()); // the worker's pass runs the sweep too: nothing left to remind
    const reminders = (await added(before, 'publisher')).notifications.filter((n) => n.kind === 'order_reminder');
    expect(reminders.map((n) => n.object?.id).sort()).toEqual([...ids].sort());
    const mails = (await added(before, 'publisher')).emails.filter((m) => m.subject === `Commande à accepter sur ${world.offer.domain}`);
    expect(mails).toHaveLength(3);
    // Two hours later the early one is due, once.
    expect(await remindPendingOrders(ctx(), new Date(Date.now() + 3 * 3_600_000))).toBe(1);
    expect(await remindPendingOrders(ctx(), new Date(Date.now() + 3 * 3_600_000))).toBe(0);
    // Accepted in time: never reminded again, never expired.
    for (const id of [...ids, early, late]) await acceptOrder(id);
  });

  it('is run by the background worker', async () => {
    const orderId = await placeOrder('par le worker');
    await setOrder(orderId, { created_at: new Date(Date.now() - 6 * 86_400_000), accept_by: new Date(Date.now() + 10 * 3_600_000) });
    const before = await snapshot();
    await runBackgroundWork(ctx());
    expect((await added(before, 'publisher')).notifications.map((n) => [n.kind, n.object?.id])).toEqual([['order_reminder', orderId]]);
    await acceptOrder(orderId);
  });
});

describe('in each recipient’s language', () => {
  it('says which rule failed in English to an English recipient, in French to the others', async () => {
    const email = uniqueEmail('bakery');
    const agency = p('agency').client;
    agency.lang = 'en'; // the member takes the language of its creator's session
    const created = await agency.post('/api/accounts', { role: 'client', name: 'Bakery', parentId: world.ids.Claire, email });
    agency.lang = 'fr';
    expect(created.status).toBe(201);
    const bakery = await acceptInvitation(env, email);
    bakery.lang = 'en';
    await agency.post('/api/transfers', { fromAccountId: world.ids.agency, toAccountId: created.body.id, amountCents: 1_000_00 });
    const project = await agency.post('/api/projects', { clientId: created.body.id, name: 'Bakery', url: 'https://boulangerie-test.fr/' });
    const orderId = await placeOrder(ANCHOR, { projectId: project.body.id });
    await acceptOrder(orderId);
    await publishLink(orderId, nofollowPage);
    const mails = async (to: string) => (await mailsTo(to)).filter((m) => m.subject.includes('Bakery'));
    const claireBefore = (await mails(p('claire').email)).length;
    await runJobs();
    const english = (await mails(email)).filter((m) => m.subject === 'Check failed for Bakery');
    expect(english).toHaveLength(1);
    expect(english[0].text_body).toContain('failed its check: Link is nofollow');
    expect(english[0].text_body).not.toContain('Lien en nofollow');
    const inApp = (await bakery.get('/api/notifications?limit=5')).body.items.find((n: Notification) => n.kind === 'check_failed');
    expect(inApp).toMatchObject({ title: 'Check failed for Bakery', body: expect.stringContaining('Link is nofollow') });
    const french = (await mails(p('claire').email)).slice(claireBefore);
    expect(french.map((m) => m.subject)).toEqual(['Vérification échouée pour Bakery']);
    expect(french[0].text_body).toContain('Lien en nofollow');
  });
});
