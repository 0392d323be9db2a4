import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../testing/harness.js';

let env: TestEnv;
let behindProxy: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
  behindProxy = await startTestEnv({ MAILLON_TRUST_PROXY: '1' });
});
afterAll(async () => {
  await env?.close();
  await behindProxy?.close();
});

function directives(header: unknown): Map<string, string> {
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name, values.join(' ')] as [string, string];
      }),
  );
}

describe('security headers', () => {
  it.each(['/api/health', '/api/me', '/api/no-such-route'])('are on every answer (%s)', async (url) => {
    const res = await env.app.inject({ method: 'GET', url });
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    // scripts from the app's origin only: no inline script, no eval
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('script-src-attr')).toBe("'none'");
  });

  it('sends HSTS only over HTTPS', async () => {
    const plain = await env.app.inject({ method: 'GET', url: '/api/health' });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    // an untrusted X-Forwarded-Proto is ignored
    const spoofed = await env.app.inject({ method: 'GET', url: '/api/health', headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
    const viaProxy = await behindProxy.app.inject({
      method: 'GET',
      url: '/api/health',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
    });
    expect(viaProxy.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}; includeSubDomains$/);
    const plainViaProxy = await behindProxy.app.inject({ method: 'GET', url: '/api/health', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-proto': 'http' } });
    expect(plainViaProxy.headers['strict-transport-security']).toBeUndefined();
  });

  it('keeps the API docs working under their policy', async () => {
    const page = await env.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-frame-options']).toBe('DENY');
    const csp = directives(page.headers['content-security-policy']);
    expect(csp.get('frame-ancestors')).toBe("'none'");
    // Swagger UI loads its scripts from /api/docs/static (no inline script in its page)
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect((await env.app.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' })).statusCode).toBe(200);
  });
});
