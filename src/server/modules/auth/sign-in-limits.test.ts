import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, PASSWORD, signUp, startTestEnv, type TestEnv } from '../../testing/harness.js';

// One proxy in front of the app; a low ceiling per e-mail so that reaching it stays quick.
let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv({ MAILLON_TRUST_PROXY: '1', MAILLON_LOGIN_MAX_FAILURES_ACCOUNT: '12' });
});
afterAll(async () => env?.close());

let n = 0;
const freshAddress = () => `198.18.${(++n >> 8) & 255}.${n & 255}`;

describe('sign-in limits', () => {
  it('evaluates at most the limit of 50 concurrent wrong passwords for one e-mail; the rest are 429 with Retry-After', async () => {
    const { email } = await signUp(env);
    const address = freshAddress();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => new Client(env.app, address).post('/api/auth/login', { email, password: `wrong password ${i}` })),
    );
    const evaluated = answers.filter((a) => a.status === 401);
    const limited = answers.filter((a) => a.status === 429);
    expect(evaluated.length).toBeLessThanOrEqual(env.config.loginMaxFailuresPerPair);
    expect(evaluated.length + limited.length).toBe(50);
    for (const a of limited) {
      expect(a.body.error.code).toBe('rate_limited');
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    }
    // That address is now refused even with the right password...
    expect((await new Client(env.app, address).post('/api/auth/login', { email, password: PASSWORD })).status).toBe(429);
    // ...but the owner, elsewhere, still signs in.
    expect((await new Client(env.app, freshAddress()).post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it("does not let an attacker's 5 failures lock the owner out from another address", async () => {
    const { email } = await signUp(env);
    const attacker = freshAddress();
    for (let i = 0; i < env.config.loginMaxFailuresPerPair; i++) {
      expect((await new Client(env.app, attacker).post('/api/auth/login', { email, password: `guess ${i} guess` })).status).toBe(401);
    }
    expect((await new Client(env.app, attacker).post('/api/auth/login', { email, password: 'one more guess' })).status).toBe(429);
    const owner = new Client(env.app, freshAddress());
    expect((await owner.post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it('holds the ceiling per e-mail across addresses', async () => {
    const { email } = await signUp(env);
    const ceiling = env.config.loginMaxFailuresPerAccount;
    const addresses = Array.from({ length: 4 }, freshAddress);
    // 4 addresses × 5 attempts = 20 concurrent wrong passwords, more than the ceiling of 12.
    const answers = await Promise.all(
      addresses.flatMap((address) =>
        Array.from({ length: 5 }, (_, i) => new Client(env.app, address).post('/api/auth/login', { email, password: `spray ${i} spray` })),
      ),
    );
    expect(answers.filter((a) => a.status === 401).length).toBeLessThanOrEqual(ceiling);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(20 - ceiling);
    expect((await new Client(env.app, freshAddress()).post('/api/auth/login', { email, password: PASSWORD })).status).toBe(429);
  });

  it('gives its attempt back on success: many sign-ins from one office address are not limited', async () => {
    const address = freshAddress();
    for (let i = 0; i < env.config.loginMaxFailuresPerAddress + 2; i++) {
      const { email } = await signUp(env);
      expect((await new Client(env.app, address).post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
    }
  });
});

describe('behind one proxy (MAILLON_TRUST_PROXY=1)', () => {
  const PROXY = '10.200.0.1';
  const via = (client: string, forged: string) => ({ 'x-forwarded-for': `${forged}, ${client}` });

  it('takes the right-most X-Forwarded-For address: a forged left-most one changes neither the limit nor the audit trail', async () => {
    const { email, account } = await signUp(env);
    const client = freshAddress();
    for (let i = 0; i < env.config.loginMaxFailuresPerPair; i++) {
      const res = await new Client(env.app, PROXY).post('/api/auth/login', { email, password: `guess ${i} guess` }, via(client, `203.0.113.${i + 1}`));
      expect(res.status).toBe(401);
    }
    const forged = await new Client(env.app, PROXY).post('/api/auth/login', { email, password: PASSWORD }, via(client, '203.0.113.99'));
    expect(forged.status).toBe(429);

    const other = freshAddress();
    const ok = await new Client(env.app, PROXY).post('/api/auth/login', { email, password: PASSWORD }, via(other, '203.0.113.100'));
    expect(ok.status).toBe(200);
    const line = await env.database.db
      .selectFrom('audit_log')
      .select('ip')
      .where('person_id', '=', account.id)
      .where('action', '=', 'auth.login')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(line.ip).toBe(other);
  });
});

describe('behind a list of proxy addresses (MAILLON_TRUST_PROXY=10.200.0.1,10.200.0.2)', () => {
  let listed: TestEnv;
  beforeAll(async () => {
    listed = await startTestEnv({ MAILLON_TRUST_PROXY: '10.200.0.1, 10.200.0.2' });
  });
  afterAll(async () => listed?.close());

  const loginAddress = async (accountId: string) =>
    (
      await listed.database.db
        .selectFrom('audit_log')
        .select('ip')
        .where('person_id', '=', accountId)
        .where('action', '=', 'auth.login')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
    ).ip;

  it('takes the address the listed proxies saw, whatever the client forged; an unlisted sender is the address itself', async () => {
    const { email, account } = await signUp(listed);
    const client = freshAddress();
    // the client forged a left-most entry; the edge proxy 10.200.0.1 appended what it saw, then 10.200.0.2
    const through = await new Client(listed.app, '10.200.0.2').post(
      '/api/auth/login',
      { email, password: PASSWORD },
      { 'x-forwarded-for': `203.0.113.66, ${client}, 10.200.0.1` },
    );
    expect(through.status).toBe(200);
    expect(await loginAddress(account.id)).toBe(client);

    // a sender that is not a listed proxy cannot choose its address with the header
    const direct = freshAddress();
    const forged = await new Client(listed.app, direct).post('/api/auth/login', { email, password: PASSWORD }, { 'x-forwarded-for': '203.0.113.67' });
    expect(forged.status).toBe(200);
    expect(await loginAddress(account.id)).toBe(direct);

    // so the limit counts per real address: an attacker's failures through the proxies do not lock the owner elsewhere out
    const attacker = freshAddress();
    for (let i = 0; i < listed.config.loginMaxFailuresPerPair; i++) {
      const res = await new Client(listed.app, '10.200.0.2').post('/api/auth/login', { email, password: `guess ${i} guess` }, {
        'x-forwarded-for': `198.51.100.${i + 1}, ${attacker}, 10.200.0.1`,
      });
      expect(res.status).toBe(401);
    }
    const blocked = await new Client(listed.app, '10.200.0.2').post('/api/auth/login', { email, password: PASSWORD }, {
      'x-forwarded-for': `198.51.100.99, ${attacker}, 10.200.0.1`,
    });
    expect(blocked.status).toBe(429);
    const owner = await new Client(listed.app, '10.200.0.2').post('/api/auth/login', { email, password: PASSWORD }, {
      'x-forwarded-for': `${freshAddress()}, 10.200.0.1`,
    });
    expect(owner.status).toBe(200);
  });
});
