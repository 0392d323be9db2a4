import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../http/actor.js';
import { acceptInvitation, Client, makeAgency, PASSWORD, signUp, startTestEnv, supportClient, uniqueEmail, type TestEnv } from '../../testing/harness.js';
import { requestPasswordReset } from './service.js';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

const outboxTo = (email: string) =>
  env.database.db.selectFrom('outbox_emails').selectAll().where('to_address', '=', email).orderBy('created_at').execute();
const tokenIn = (text: string) => /token=([\w-]+)/.exec(text)?.[1];

describe('password reset request', () => {
  it('answers an unknown e-mail exactly like a known one, and sends nothing to it', async () => {
    const { email } = await signUp(env);
    const unknown = uniqueEmail('nobody');
    const a = await new Client(env.app).post('/api/auth/password-reset', { email });
    const b = await new Client(env.app).post('/api/auth/password-reset', { email: unknown });
    expect({ status: b.status, body: b.body, type: b.headers['content-type'] }).toEqual({ status: a.status, body: a.body, type: a.headers['content-type'] });
    expect(a.status).toBe(204);
    expect(await outboxTo(email)).toHaveLength(1);
    expect(await outboxTo(unknown)).toHaveLength(0);
  });

  it('runs the very same SQL statements for an unknown e-mail as for a known one', async () => {
    const { email } = await signUp(env);
    const statements = async (address: string, ip: string) => {
      const seen: string[] = [];
      const executor = env.database.db.getExecutor();
      const recorder: KyselyPlugin = {
        transformQuery: ({ node, queryId }) => {
          seen.push(executor.compileQuery(node, queryId).sql);
          return node;
        },
        transformResult: async ({ result }) => result,
      };
      const ctx: Ctx = { db: env.database.db.withPlugin(recorder), config: env.config };
      await requestPasswordReset({ email: address }, { ip, userAgent: null, lang: 'fr' }, ctx);
      return seen;
    };
    const known = await statements(email, '192.0.2.201');
    const unknown = await statements(uniqueEmail('nobody'), '192.0.2.202');
    expect(known.length).toBeGreaterThan(3);
    expect(unknown).toEqual(known);
  });
});

describe('e-mail change', () => {
  it('verifies the new address: nothing changes until its link is followed; the old address is told', async () => {
    const memberEmail = uniqueEmail('manager');
    const fx = await makeAgency(env, 'complete', [['Manon Lefèvre', 'manager', 'agency', memberEmail]]);
    const manon = await acceptInvitation(env, memberEmail);
    const newEmail = uniqueEmail('manon-nouvelle');

    const asked = await manon.post('/api/auth/email', { currentPassword: PASSWORD, email: newEmail });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ email: memberEmail, pendingEmail: newEmail });
    expect((await manon.get('/api/me')).body.person.email).toBe(memberEmail);
    expect((await new Client(env.app).post('/api/auth/login', { email: newEmail, password: PASSWORD })).status).toBe(401);

    const [confirmMail] = await outboxTo(newEmail);
    const token = tokenIn(confirmMail.text_body)!;
    expect(confirmMail.text_body).toContain('/confirm-email?token=');
    const notices = (await outboxTo(memberEmail)).filter((m) => m.text_body.includes(newEmail));
    expect(notices).toHaveLength(1);
    expect(tokenIn(notices[0].text_body)).toBeUndefined();

    const confirmed = await new Client(env.app).post('/api/auth/email/confirm', { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ email: newEmail });
    expect((await manon.get('/api/me')).body.person.email).toBe(newEmail);
    await new Client(env.app).login(newEmail);
    expect((await new Client(env.app).post('/api/auth/login', { email: memberEmail, password: PASSWORD })).status).toBe(401);

    // The accounts list finds the new address, no longer the old one.
    const found = await fx.agency.get(`/api/accounts?q=${encodeURIComponent(newEmail.split('@')[0])}`);
    expect(found.body.items.map((a: { id: string }) => a.id)).toEqual([fx.ids['Manon Lefèvre']]);
    const old = await fx.agency.get(`/api/accounts?q=${encodeURIComponent(memberEmail.split('@')[0])}`);
    expect(old.body.items).toHaveLength(0);

    const again = await new Client(env.app).post('/api/auth/email/confirm', { token });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 'validation_failed', field: 'token' });
  });

  it('refuses the link when the address was taken meanwhile, and a taken or unchanged address at once', async () => {
    const { client, email } = await signUp(env);
    const wanted = uniqueEmail('wanted');
    expect((await client.post('/api/auth/email', { currentPassword: PASSWORD, email: wanted })).status).toBe(200);
    const token = tokenIn((await outboxTo(wanted))[0].text_body)!;
    await new Client(env.app).post('/api/auth/signup', { email: wanted, password: PASSWORD, name: 'Plus rapide', kind: 'customer' });
    const late = await new Client(env.app).post('/api/auth/email/confirm', { token });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('email_taken');
    expect((await client.get('/api/me')).body.person.email).toBe(email);

    const taken = await client.post('/api/auth/email', { currentPassword: PASSWORD, email: wanted });
    expect(taken.status).toBe(409);
    expect(taken.body.error.field).toBe('email');
    const same = await client.post('/api/auth/email', { currentPassword: PASSWORD, email });
    expect(same.status).toBe(400);
    expect(same.body.error.field).toBe('email');
  });
});

describe("a client's audit view", () => {
  it("hides its agency staff's addresses and support's act-as reasons; the agency still sees them", async () => {
    const clientEmail = uniqueEmail('client');
    const fx = await makeAgency(env, 'simple', [['Client Vue', 'client', 'agency', clientEmail]]);
    const client = await acceptInvitation(env, clientEmail);
    const clientId = fx.ids['Client Vue'];
    expect((await fx.agency.patch(`/api/accounts/${clientId}`, { name: 'Client Vue Renommé' })).status).toBe(200);
    const support = await supportClient(env);
    const reason = 'Ticket #9001 : facture à vérifier';
    expect((await support.post('/api/act-as', { accountId: clientId, reason })).status).toBe(200);

    const mine = await client.get('/api/audit?limit=100');
    expect(mine.status).toBe(200);
    type Line = { action: string; ip: string | null; details: Record<string, unknown> | null; person: { id: string } | null };
    const lines: Line[] = mine.body.items;
    const byAgency = lines.filter((l) => l.person?.id === fx.agencyId);
    expect(byAgency.length).toBeGreaterThan(0);
    for (const l of byAgency) expect(l.ip).toBeNull();
    const start = lines.find((l) => l.action === 'act_as.start')!;
    expect(start.ip).toBeNull();
    expect(JSON.stringify(start.details ?? {})).not.toContain('Ticket');
    const own = lines.find((l) => l.action === 'auth.invitation_accept')!;
    expect(own.ip).toBe(client.address);

    const agencyView = await fx.agency.get(`/api/audit?accountId=${clientId}&limit=100`);
    const agencyLines: Line[] = agencyView.body.items;
    expect(agencyLines.find((l) => l.action === 'act_as.start')!.details).toEqual({ reason });
    expect(agencyLines.find((l) => l.action === 'account.update')!.ip).toBe(fx.agency.address);
  });
});
