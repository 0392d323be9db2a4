import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  Client,
  fundWallet,
  makeAgency,
  makeOffer,
  startTestEnv,
  supportClient,
  uniqueEmail,
  type TestEnv,
} from '../../testing/harness.js';
import { runDigests } from './service.js';

/**
 * Every event, from the action that causes it (through the API, as its users would), to exactly the
 * people it must reach: in the app (the bell), by e-mail at once, or only in the next daily digest;
 * and nobody in another agency. One agency (the agency, a manager, a consultant in charge of a
 * client with a login), a publisher, support, and another agency's owner watch every row.
 */

let env: TestEnv;
let server: Server;
let origin: string;
/** what the local "publisher site" serves, by path */
const pages = new Map<string, string>();

beforeAll(async () => {
  // its own schema on PostgreSQL: the sweeps and digests take every due row
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

type Person = { client: Client; email: string; id: string };
const everyone = ['agency', 'manon', 'claire', 'client', 'publisher', 'support', 'other'] as const;
type Who = (typeof everyone)[number];

type World = {
  people: Record<Who, Person>;
  ids: Record<string, string>;
  projectId: string;
  offer: Awaited<ReturnType<typeof makeOffer>>;
};
let world: World;

async function makeWorld(): Promise<World> {
  const emails = { manon: uniqueEmail('manon'), claire: uniqueEmail('claire'), client: uniqueEmail('boulangerie') };
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency', emails.manon],
    ['Claire', 'consultant', 'Manon', emails.claire],
    ['Boulangerie', 'client', 'Claire', emails.client],
  ]);
  const manon = await acceptInvitation(env, emails.manon);
  const claire = await acceptInvitation(env, emails.claire);
  const client = await acceptInvitation(env, emails.client);
  await fundWallet(env, fx.agency, fx.agencyId, 20_000_00);
  await fx.agency.post('/api/transfers', { fromAccountId: fx.agencyId, toAccountId: fx.ids.Boulangerie, amountCents: 10_000_00 });
  const project = await fx.agency.post('/api/projects', { clientId: fx.ids.Boulangerie, name: 'Site vitrine', url: 'https://www.boulangerie-test.fr/' });
  const offer = await makeOffer(env, { domain: origin, url: `${origin}/blog/pain` });
  const other = await makeAgency(env, 'simple');
  const support = await supportClient(env);
  const person = async (c: Client): Promise<Person> => {
    const me = (await c.get('/api/me')).body;
    expect(me.account.email).toContain('@');
    return { client: c, id: me.account.id, email: me.account.email };
  };
  return {
    people: {
      agency: await person(fx.agency),
      manon: await person(manon),
      claire: await person(claire),
      client: await person(client),
      publisher: await person(offer.publisher),
      support: await person(support),
      other: await person(other.agency),
    },
    ids: fx.ids,
    projectId: project.body.id,
    offer,
  };
}

const orderBody = (extra: Record<string, unknown> = {}) => ({
  projectId: world.projectId,
  offerId: world.offer.offerId,
  targetUrl: 'https://boulangerie-test.fr/pain-au-levain',
  anchor: 'pain au levain bio',
  ...extra,
});

async function placeOrder(anchor = 'pain au levain bio'): Promise<string> {
  const res = await world.people.agency.client.post('/api/orders', orderBody({ anchor }));
  expect(res.status).toBe(201);
  return res.body.id;
}

// ---------------------------------------------------------------------------------------------
// What each person has got so far, to see what one action adds

type Seen = { notifications: Set<string>; emails: Set<string> };

async function inbox(who: Who) {
  const res = await world.people[who].client.get('/api/notifications?limit=500');
  expect(res.status).toBe(200);
  return res.body.items as { id: string; kind: string; title: string; body: string; link: string | null; object: unknown }[];
}

const mailsTo = (email: string) =>
  env.database.db.selectFrom('outbox_emails').select(['id', 'subject', 'text_body']).where('to_address', '=', email).execute();

async function snapshot(): Promise<Record<Who, Seen>> {
  const out = {} as Record<Who, Seen>;
  for (const who of everyone) {
    out[who] = {
      notifications: new Set((await inbox(who)).map((n) => n.id)),
      emails: new Set((await mailsTo(world.people[who].email)).map((m) => m.id)),
    };
  }
  return out;
}

async function added(before: Record<Who, Seen>, who: Who) {
  return {
    notifications: (await inbox(who)).filter((n) => !before[who].notifications.has(n.id)),
    emails: (await mailsTo(world.people[who].email)).filter((m) => !before[who].emails.has(m.id)),
  };
}

/** Tomorrow in Paris, two hours after the digest hour: every digest of what came before is due. */
function digestTime(): Date {
  const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
  return new Date(new Date(`${parisDay}T00:00:00Z`).getTime() + 86_400_000 + (env.config.digestHour + 1) * 3_600_000);
}
const sendDigests = () => runDigests(ctx(), digestTime());
const isDigest = (subject: string) => subject.startsWith('Maillon :');

// ---------------------------------------------------------------------------------------------
// The table

type Row = {
  kind: string;
  /** what has to exist before the action (not part of what is checked) */
  setup?: () => Promise<Record<string, string>>;
  /** the action a user (or the platform's sweep) takes */
  act: (s: Record<string, string>) => Promise<void>;
  /** the French title, which is the immediate e-mail's subject */
  title: (s: Record<string, string>) => string;
  link: (s: Record<string, string>) => string;
  /** e-mailed at once (and in the app) */
  immediate: Who[];
  /** in the app, and by e-mail only in the daily digest */
  digest: Who[];
};

const buyerSide = { immediate: ['client', 'claire'] as Who[], digest: ['manon', 'agency'] as Who[] };

const rows: Row[] = [
  {
    kind: 'order_new',
    act: async (s) => {
      s.orderId = await placeOrder('pain de campagne');
    },
    title: () => `Nouvelle commande sur ${world.offer.domain}`,
    link: () => '/editeur/commandes',
    immediate: ['publisher'],
    digest: [],
  },
  {
    kind: 'order_accepted',
    setup: async () => ({ orderId: await placeOrder() }),
    act: async (s) => {
      expect((await world.people.publisher.client.post(`/api/publisher/orders/${s.orderId}/accept`)).status).toBe(200);
    },
    title: () => 'Commande acceptée pour Boulangerie',
    link: (s) => `/commandes/${s.orderId}`,
    ...buyerSide,
  },
];

describe('each event reaches exactly its people', () => {
  for (const row of rows) {
    it(`${row.kind}: in the app for ${[...row.immediate, ...row.digest].join(', ')}; e-mailed at once to ${row.immediate.join(', ') || 'nobody'}; in the digest of ${row.digest.join(', ') || 'nobody'}`, async () => {
      const s = (await row.setup?.()) ?? {};
      await sendDigests(); // what the setup caused leaves with today's digests
      const before = await snapshot();
      await row.act(s);
      const title = row.title(s);
      const told = new Set<Who>([...row.immediate, ...row.digest]);
      const afterDigest = {} as Record<Who, Awaited<ReturnType<typeof added>>>;
      for (const who of everyone) {
        const got = await added(before, who);
        const ofKind = got.notifications.filter((n) => n.kind === row.kind);
        expect(ofKind.map((n) => n.title), `${who} in the app`).toEqual(told.has(who) ? [title] : []);
        if (told.has(who)) expect(ofKind[0].link).toBe(row.link(s));
        const mails = got.emails.filter((m) => m.subject === title);
        expect(mails.length, `${who}: e-mails at once`).toBe(row.immediate.includes(who) ? 1 : 0);
      }
      await sendDigests();
      for (const who of everyone) afterDigest[who] = await added(before, who);
      for (const who of everyone) {
        const digests = afterDigest[who].emails.filter((m) => isDigest(m.subject) && m.text_body.includes(title));
        expect(digests.length, `${who}: digests`).toBe(row.digest.includes(who) ? 1 : 0);
        // nothing more by e-mail at once after the digest ran
        expect(afterDigest[who].emails.filter((m) => m.subject === title).length).toBe(row.immediate.includes(who) ? 1 : 0);
      }
    });
  }
});
