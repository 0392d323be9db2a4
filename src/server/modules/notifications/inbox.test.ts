import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation, Client, makeAgency, startTestEnv, uniqueEmail, type TestEnv } from '../../testing/harness.js';
import { audienceOf } from '../accounts/service.js';
import { composeImmediateEmails, notify, runDigests } from './service.js';

/**
 * The notification core, driven directly (the events each feature emits are tested with it):
 * who is told, in the app and by e-mail, digests, preferences, the one-click unsubscribe.
 */

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

const ctx = () => ({ db: env.database.db, config: env.config });

async function emit(clientId: string, anchor = 'pain au levain') {
  await env.database.db.transaction().execute(async (tx) =>
    notify(tx, ctx(), {
      kind: 'order_accepted',
      params: { client: 'Boulangerie', anchor },
      link: '/commandes/00000000-0000-4000-8000-000000000001',
      object: { type: 'order', id: '00000000-0000-4000-8000-000000000001' },
      recipients: await audienceOf(tx, clientId),
    }),
  );
}

const outboxFor = async (email: string) =>
  env.database.db.selectFrom('outbox_emails').selectAll().where('to_address', '=', email).orderBy('created_at').execute();

async function team() {
  const emails = { manon: uniqueEmail('manon'), claire: uniqueEmail('claire'), client: uniqueEmail('boulangerie') };
  const fx = await makeAgency(env, 'complete', [
    ['Manon', 'manager', 'agency', emails.manon],
    ['Claire', 'consultant', 'Manon', emails.claire],
    ['Boulangerie', 'client', 'Claire', emails.client],
    ['Fleuriste', 'client', 'Claire'],
  ]);
  const manon = await acceptInvitation(env, emails.manon);
  const claire = await acceptInvitation(env, emails.claire);
  // The team's own news (Manon and Claire joined) is read: the tests count what comes after.
  for (const c of [fx.agency, manon, claire]) await c.post('/api/notifications/read', {});
  return { ...fx, emails, manon, claire };
}

describe('notify', () => {
  it('tells the client, its person in charge at once and those above by digest; a client without a login in the app only', async () => {
    const fx = await team();
    await emit(fx.ids.Fleuriste);
    const bell = async (c: Client) => (await c.get('/api/notifications')).body;
    for (const c of [fx.agency, fx.manon, fx.claire]) {
      const b = await bell(c);
      expect(b.unreadCount).toBe(1);
      expect(b.items[0]).toMatchObject({ kind: 'order_accepted', title: 'Commande acceptée pour Boulangerie', readAt: null, link: expect.stringContaining('/commandes/') });
    }
    // Claire (in charge) now; Manon and the agency later, in the digest; nobody else.
    const claireMail = await outboxFor(fx.emails.claire);
    expect(claireMail.map((m) => m.subject)).toContain('Commande acceptée pour Boulangerie');
    const mail = claireMail.find((m) => m.subject === 'Commande acceptée pour Boulangerie')!;
    expect(mail.html_body).toContain('Ouvrir dans Maillon');
    expect(mail.html_body).not.toMatch(/<img/i);
    expect(mail.headers).toMatchObject({ 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'List-Unsubscribe': expect.stringMatching(/^<http.*\/api\/notifications\/unsubscribe\/[\w-]+>$/) });
    expect((await outboxFor(fx.emails.manon)).filter((m) => m.subject.includes('Commande'))).toEqual([]);
    const other = await makeAgency(env, 'simple');
    // (its own approval as an agency is all it was told)
    expect((await bell(other.agency)).items.map((i: { kind: string }) => i.kind)).toEqual(['agency_request_decided']);
  });

  it('mails a client with a login at once, and marks read one or all', async () => {
    const fx = await team();
    await acceptInvitation(env, fx.emails.client).then(async (client) => {
      await emit(fx.ids.Boulangerie, 'a');
      await emit(fx.ids.Boulangerie, 'b');
      expect((await outboxFor(fx.emails.client)).filter((m) => m.subject.startsWith('Commande acceptée'))).toHaveLength(2);
      const items = (await client.get('/api/notifications')).body.items;
      expect((await client.post('/api/notifications/read', { ids: [items[0].id] })).status).toBe(204);
      expect((await client.get('/api/notifications/unread-count')).body.count).toBe(1);
      // Another person's ids change nothing.
      await fx.claire.post('/api/notifications/read', { ids: [items[1].id] });
      expect((await client.get('/api/notifications?unread=true')).body.items).toHaveLength(1);
      await client.post('/api/notifications/read', {});
      expect((await client.get('/api/notifications/unread-count')).body.count).toBe(0);
    });
  });

  it('follows the preferences: off, digest, immediate, default', async () => {
    const fx = await team();
    const put = await fx.claire.put('/api/notifications/preferences', { items: [{ category: 'orders', email: 'off' }] });
    expect(put.body.items.find((i: any) => i.category === 'orders')).toMatchObject({ email: 'off', label: 'Suivi des commandes' });
    await fx.manon.put('/api/notifications/preferences', { items: [{ category: 'orders', email: 'immediate' }] });
    await emit(fx.ids.Fleuriste, 'préférences');
    expect((await outboxFor(fx.emails.claire)).filter((m) => m.subject.startsWith('Commande'))).toEqual([]);
    expect((await outboxFor(fx.emails.manon)).filter((m) => m.subject.startsWith('Commande'))).toHaveLength(1);
    // Always in the app.
    expect((await fx.claire.get('/api/notifications')).body.unreadCount).toBe(1);
    const bad = await fx.claire.put('/api/notifications/preferences', { items: [{ category: 'orders', email: 'weekly' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toContain('email');
  });

  it('sends one digest at the set hour in Paris with what came before it, once', async () => {
    const fx = await team();
    await emit(fx.ids.Fleuriste, 'un');
    await emit(fx.ids.Fleuriste, 'deux');
    const hour = env.config.digestHour;
    const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
    // Tomorrow, an hour before and an hour after the digest hour (Paris is UTC+1 in winter, +2 in summer).
    const at = (h: number) => new Date(new Date(`${parisDay}T00:00:00Z`).getTime() + 86_400_000 + (h - 1) * 3_600_000);
    await runDigests(ctx(), new Date(at(hour).getTime() - 2 * 3_600_000));
    expect((await outboxFor(fx.emails.manon)).filter((m) => m.subject.startsWith('Maillon :'))).toEqual([]);
    // Three processes at once, then a later pass: one digest.
    await Promise.all([1, 2, 3].map(() => runDigests(ctx(), new Date(at(hour).getTime() + 2 * 3_600_000))));
    await runDigests(ctx(), new Date(at(hour).getTime() + 3 * 3_600_000));
    const digests = (await outboxFor(fx.emails.manon)).filter((m) => m.subject.startsWith('Maillon :'));
    expect(digests).toHaveLength(1);
    expect(digests[0].subject).toBe('Maillon : 2 nouveautés depuis hier');
    expect(digests[0].text_body).toContain('Commande acceptée pour Boulangerie');
    expect(digests[0].headers).toMatchObject({ 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
  });

  it('unsubscribes in one click without a session, once', async () => {
    const fx = await team();
    await emit(fx.ids.Fleuriste, 'désabonnement');
    const mail = (await outboxFor(fx.emails.claire)).find((m) => m.subject.startsWith('Commande acceptée'))!;
    const token = /unsubscribe\/([\w-]+)>/.exec(mail.headers!['List-Unsubscribe'])![1];
    const anonymous = new Client(env.app);
    const first = await env.app.inject({
      method: 'POST',
      url: `/api/notifications/unsubscribe/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ categories: ['orders'] });
    expect((await anonymous.post('/api/notifications/unsubscribe', { token })).status).toBe(404);
    expect((await fx.claire.get('/api/notifications/preferences')).body.items.find((i: any) => i.category === 'orders').email).toBe('off');
    await emit(fx.ids.Fleuriste, 'après');
    expect((await outboxFor(fx.emails.claire)).filter((m) => m.subject.startsWith('Commande acceptée'))).toHaveLength(1);
    expect((await anonymous.post('/api/notifications/unsubscribe', { token: 'x'.repeat(20) })).status).toBe(404);
  });
});

describe('the e-mails the sweeps compose', () => {
  // A use case that is one database statement (an allocation) writes its notifications with
  // `composed = false`: their immediate e-mails wait for composeImmediateEmails.
  async function emitUncomposed(clientId: string) {
    await env.database.db.transaction().execute(async (tx) => {
      const recipients = await audienceOf(tx, clientId);
      await sql`select * from notify_recipients('order_accepted', 'orders', ${JSON.stringify({ client: 'Fleuriste', anchor: 'roses' })}::jsonb,
        '/commandes/00000000-0000-4000-8000-000000000002', 'order', '00000000-0000-4000-8000-000000000002'::uuid,
        ${JSON.stringify(recipients)}::jsonb, false)`.execute(tx);
    });
  }

  it('queues each waiting e-mail once, in the recipient language, with its unsubscribe link, however many sweeps run', async () => {
    const fx = await team();
    await env.database.db.updateTable('accounts').set({ language: 'en' }).where('email', '=', fx.emails.claire).execute();
    await emitUncomposed(fx.ids.Fleuriste);
    // In the bell at once; by e-mail once a sweep has run.
    expect((await fx.claire.get('/api/notifications')).body.unreadCount).toBe(1);
    const accepted = async (email: string) => (await outboxFor(email)).filter((m) => /^(Order accepted|Commande acceptée)/.test(m.subject));
    expect(await accepted(fx.emails.claire)).toEqual([]);
    const queued = await Promise.all([composeImmediateEmails(ctx()), composeImmediateEmails(ctx()), composeImmediateEmails(ctx())]);
    expect(queued.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await composeImmediateEmails(ctx())).toBe(0);
    const mails = await accepted(fx.emails.claire);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Order accepted for Fleuriste');
    expect((mails[0].headers as Record<string, string>)['List-Unsubscribe']).toMatch(/\/api\/notifications\/unsubscribe\//);
    // Those above are kept for the digest, as when the code composes.
    expect(await accepted(fx.emails.manon)).toEqual([]);
  });

  it('leaves alone what earlier code wrote with its e-mail already queued (a rolling upgrade)', async () => {
    const fx = await team();
    const claire = await env.database.db.selectFrom('accounts').select(['id', 'agency_id']).where('email', '=', fx.emails.claire).executeTakeFirstOrThrow();
    // As the code before migration 0027 wrote it: no emailed_at given.
    await sql`insert into notifications (person_id, agency_id, kind, category, params, email, email_to, language, recipient_name)
      values (${claire.id}::uuid, ${claire.agency_id}::uuid, 'order_accepted', 'orders', '{"client":"X","anchor":"y"}', 'immediate', ${fx.emails.claire}, 'fr', 'Claire')`.execute(env.database.db);
    await composeImmediateEmails(ctx());
    expect((await outboxFor(fx.emails.claire)).map((m) => m.subject)).not.toContain('Commande acceptée pour X');
  });
});
