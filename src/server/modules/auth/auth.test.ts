import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, makeAgency, PASSWORD, signUp, startTestEnv, supportClient, uniqueEmail, type TestEnv } from '../../testing/harness.js';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.close());

describe('health', () => {
  it('answers without a session and names the engine', async () => {
    const res = await new Client(env.app).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, database: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
  });
});

describe('sign-up and sign-in', () => {
  it('signs a customer up as a parentless client with a session', async () => {
    const { client, account, email } = await signUp(env, 'customer', 'Boulangerie');
    expect(account).toMatchObject({ role: 'client', parentId: null, agencyId: null, active: true, email });
    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ actingAs: false, person: { id: account.id }, account: { id: account.id } });
  });

  it('signs a publisher up', async () => {
    const { account } = await signUp(env, 'publisher');
    expect(account.role).toBe('publisher');
  });

  it('refuses a taken e-mail with 409 email_taken on the email field', async () => {
    const { email } = await signUp(env);
    const res = await new Client(env.app).post('/api/auth/signup', { email, password: PASSWORD, name: 'X', kind: 'customer' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'email_taken', field: 'email' });
  });

  it('names the faulty field in the request language', async () => {
    const fr = await new Client(env.app, undefined, 'fr').post('/api/auth/signup', {
      email: uniqueEmail(),
      password: 'court',
      name: 'X',
      kind: 'customer',
    });
    expect(fr.status).toBe(400);
    expect(fr.body.error.field).toBe('password');
    expect(fr.body.error.message).toContain('10 caractères');
    const en = await new Client(env.app, undefined, 'en').post('/api/auth/signup', {
      email: 'not-an-email',
      password: PASSWORD,
      name: 'X',
      kind: 'customer',
    });
    expect(en.body.error).toMatchObject({ code: 'validation_failed', field: 'email' });
    expect(en.body.error.message).toContain('Invalid e-mail address');
  });

  it('gives the same answer for an unknown e-mail and a wrong password', async () => {
    const { email } = await signUp(env);
    const wrong = await new Client(env.app).post('/api/auth/login', { email, password: 'wrong password!' });
    const unknown = await new Client(env.app).post('/api/auth/login', { email: uniqueEmail(), password: 'wrong password!' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('rotates the session id at sign-in', async () => {
    const { email, client } = await signUp(env);
    const before = client.cookie;
    await client.login(email);
    expect(client.cookie).not.toBe(before);
    const old = new Client(env.app);
    old.cookie = before;
    expect((await old.get('/api/me')).status).toBe(401);
  });

  it('signs out: the cookie no longer opens anything', async () => {
    const { client } = await signUp(env);
    const cookie = client.cookie;
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    const replay = new Client(env.app);
    replay.cookie = cookie;
    expect((await replay.get('/api/me')).status).toBe(401);
  });

  it('sets an httpOnly SameSite=Lax cookie', async () => {
    const res = await new Client(env.app).post('/api/auth/signup', {
      email: uniqueEmail(),
      password: PASSWORD,
      name: 'Cookie',
      kind: 'customer',
    });
    const header = String(res.headers['set-cookie']);
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Lax');
  });
});

describe('session lifetime', () => {
  it('ends a session left idle too long', async () => {
    const { client, account } = await signUp(env);
    await env.database.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - env.config.sessionIdleMs - 1000) })
      .where('person_id', '=', account.id)
      .execute();
    const res = await client.get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('expiré');
  });

  it('ends a session past its absolute expiry even when used', async () => {
    const { client, account } = await signUp(env);
    await env.database.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('person_id', '=', account.id)
      .execute();
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('keeps a session across app processes sharing the database (and across restarts)', async () => {
    const { client, account } = await signUp(env);
    const { buildApp } = await import('../../app.js');
    const { openDatabase } = await import('../../db/database.js');
    // On PostgreSQL the second app gets its own connection pool, as a second process would.
    const url = process.env.DATABASE_URL;
    const database = url ? await openDatabase({ databaseUrl: url, poolSize: 2 }) : env.database;
    const second = await buildApp({ config: env.config, database, webRoot: null });
    try {
      const other = new Client(second);
      other.cookie = client.cookie;
      const me = await other.get('/api/me');
      expect(me.status).toBe(200);
      expect(me.body.person.id).toBe(account.id);
    } finally {
      await second.close();
      if (url) await database.close();
    }
  });
});

describe('CSRF', () => {
  it('refuses an unsafe cookie request without the token (403 csrf_failed) and changes nothing', async () => {
    const { client } = await signUp(env);
    const csrf = client.csrf;
    client.csrf = null;
    const res = await client.post('/api/agency/activation-request', {});
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_failed');
    client.csrf = csrf;
    const mine = await client.get('/api/agency/activation-request');
    expect(mine.body.request).toBeNull();
  });

  it('refuses a wrong token', async () => {
    const { client } = await signUp(env);
    client.csrf = 'x'.repeat(32);
    expect((await client.post('/api/auth/logout')).status).toBe(403);
  });
});

describe('rate limiting', () => {
  it('answers 429 after repeated failures on one account, even with the right password', async () => {
    const { email } = await signUp(env);
    for (let i = 0; i < env.config.loginMaxFailuresPerAccount; i++) {
      const c = new Client(env.app);
      expect((await c.post('/api/auth/login', { email, password: 'bad password ' + i })).status).toBe(401);
    }
    const res = await new Client(env.app).post('/api/auth/login', { email, password: PASSWORD });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('answers 429 after repeated failures from one address across accounts', async () => {
    const address = '192.0.2.77';
    for (let i = 0; i < env.config.loginMaxFailuresPerAddress; i++) {
      await new Client(env.app, address).post('/api/auth/login', { email: uniqueEmail(), password: 'bad password' });
    }
    const { email } = await signUp(env);
    const res = await new Client(env.app, address).post('/api/auth/login', { email, password: PASSWORD });
    expect(res.status).toBe(429);
    // another address still signs in
    expect((await new Client(env.app).post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
  });
});

describe('password change and reset', () => {
  it('changes the password with the current one; other sessions end', async () => {
    const { client, email } = await signUp(env);
    const other = new Client(env.app);
    await other.login(email);
    const bad = await client.post('/api/auth/password', { currentPassword: 'nope nope nope', newPassword: 'another long pass' });
    expect(bad.status).toBe(403);
    expect(bad.body.error.field).toBe('currentPassword');
    const ok = await client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'another long pass' });
    expect(ok.status).toBe(204);
    expect((await other.get('/api/me')).status).toBe(401);
    expect((await client.get('/api/me')).status).toBe(200);
    await new Client(env.app).login(email, 'another long pass');
  });

  it('resets a password through the e-mailed link, once', async () => {
    const { email } = await signUp(env);
    const unknown = await new Client(env.app).post('/api/auth/password-reset', { email: uniqueEmail() });
    expect(unknown.status).toBe(204);
    expect((await new Client(env.app).post('/api/auth/password-reset', { email })).status).toBe(204);
    const support = await supportClient(env);
    const outbox = await support.get(`/api/support/outbox?to=${encodeURIComponent(email)}`);
    expect(outbox.body.items).toHaveLength(1);
    const token = /token=([\w-]+)/.exec(outbox.body.items[0].text)![1];
    const c = new Client(env.app);
    expect((await c.post('/api/auth/password-reset/confirm', { token, newPassword: 'reset password 1' })).status).toBe(204);
    const again = await c.post('/api/auth/password-reset/confirm', { token, newPassword: 'reset password 2' });
    expect(again.status).toBe(400);
    expect(again.body.error.field).toBe('token');
    await c.login(email, 'reset password 1');
  });

  it('keeps the outbox for support only', async () => {
    const { client } = await signUp(env);
    expect((await client.get('/api/support/outbox')).status).toBe(403);
  });
});

describe('invitations', () => {
  it('lets a member created with an e-mail choose its password and sign in', async () => {
    const email = uniqueEmail('manager');
    const fx = await makeAgency(env, 'complete', [['Manon', 'manager', 'agency', email]]);
    const row = await env.database.db
      .selectFrom('outbox_emails')
      .select('text_body')
      .where('to_address', '=', email)
      .executeTakeFirstOrThrow();
    const token = /token=([\w-]+)/.exec(row.text_body)![1];
    const c = new Client(env.app);
    const described = await c.get(`/api/auth/invitations/${token}`);
    expect(described.body).toMatchObject({ email, name: 'Manon', role: 'manager' });
    const accepted = await c.post('/api/auth/invitations/accept', { token, password: PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body.account.id).toBe(fx.ids.Manon);
    expect((await c.get('/api/me')).body.person.id).toBe(fx.ids.Manon);
    expect((await new Client(env.app).get(`/api/auth/invitations/${token}`)).status).toBe(404);
  });
});

describe('deactivation', () => {
  it('ends the sessions of a deactivated account at once', async () => {
    const email = uniqueEmail('consultant');
    const fx = await makeAgency(env, 'complete', [['Paul', 'consultant', 'agency', email]]);
    const row = await env.database.db.selectFrom('outbox_emails').select('text_body').where('to_address', '=', email).executeTakeFirstOrThrow();
    const token = /token=([\w-]+)/.exec(row.text_body)![1];
    const paul = new Client(env.app);
    await paul.post('/api/auth/invitations/accept', { token, password: PASSWORD });
    expect((await paul.get('/api/me')).status).toBe(200);
    expect((await fx.agency.post(`/api/accounts/${fx.ids.Paul}/deactivate`)).status).toBe(200);
    expect((await paul.get('/api/me')).status).toBe(401);
    const again = await new Client(env.app).post('/api/auth/login', { email, password: PASSWORD });
    expect(again.status).toBe(403);
  });
});
