import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signUp, startTestEnv, type TestEnv } from '../testing/harness.js';

type Line = { level: number; msg: string; reqId?: string; req?: { url: string }; res?: { statusCode: number }; err?: { message: string } };

/** A log stream the test reads back: one parsed JSON object per line the app wrote. */
function capture() {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const text of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(text));
      done();
    },
  });
  return { lines, stream };
}

describe('request logging', () => {
  let env: TestEnv | null = null;
  afterEach(async () => {
    await env?.close();
    env = null;
  });

  it('logs no line per ordinary request by default, but a 5xx with its request id and the start line', async () => {
    const log = capture();
    env = await startTestEnv({}, { logStream: log.stream });
    const { client } = await signUp(env);
    expect((await client.get('/api/me')).status).toBe(200);
    expect((await env.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    expect(log.lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
    expect(log.lines.filter((l) => l.level >= 40)).toEqual([]);

    // the database fails once under the health check: a 500, logged with the request's id
    const spy = vi.spyOn(env.database.db, 'selectNoFrom').mockImplementationOnce(() => {
      throw new Error('database went away');
    });
    const failed = await env.app.inject({ method: 'GET', url: '/api/health' });
    spy.mockRestore();
    expect(failed.statusCode).toBe(500);
    expect(failed.body).not.toContain('database went away');
    const errors = log.lines.filter((l) => l.level >= 50);
    expect(errors.map((l) => l.msg)).toContain('request failed');
    const failure = errors.find((l) => l.msg === 'request failed')!;
    expect(failure).toMatchObject({ req: { url: '/api/health' }, res: { statusCode: 500 } });
    expect(failure.reqId).toBeTruthy();
    // the error itself (with its message) carries the same request id
    expect(errors.find((l) => l.err?.message === 'database went away')?.reqId).toBe(failure.reqId);

    await env.app.listen({ port: 0, host: '127.0.0.1' });
    expect(log.lines.some((l) => l.level === 30 && l.msg.startsWith('Server listening at'))).toBe(true);
  });

  it('logs a warning for a request over MAILLON_SLOW_REQUEST_MS', async () => {
    const log = capture();
    env = await startTestEnv({ MAILLON_SLOW_REQUEST_MS: '0' }, { logStream: log.stream });
    await env.app.inject({ method: 'GET', url: '/api/health' });
    const slow = log.lines.filter((l) => l.msg === 'slow request');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({ level: 40, req: { url: '/api/health' }, res: { statusCode: 200 } });
    expect(slow[0].reqId).toBeTruthy();
  });

  it('logs every request again with MAILLON_LOG_REQUESTS=1', async () => {
    const log = capture();
    env = await startTestEnv({ MAILLON_LOG_REQUESTS: '1' }, { logStream: log.stream });
    await env.app.inject({ method: 'GET', url: '/api/health' });
    await env.app.inject({ method: 'GET', url: '/api/health' });
    expect(log.lines.filter((l) => l.msg === 'incoming request')).toHaveLength(2);
    expect(log.lines.filter((l) => l.msg === 'request completed')).toHaveLength(2);
    expect(log.lines.filter((l) => l.msg === 'slow request')).toEqual([]);
  });
});
