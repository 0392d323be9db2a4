import { sql, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../http/actor.js';
import { runBackgroundWork } from '../../jobs/handlers.js';
import { MAX_ATTEMPTS } from '../../jobs/queue.js';
import { signUp, startTestEnv, type Client, type TestEnv } from '../../testing/harness.js';
import { listArticles } from './service.js';

// Limits of this file: a 2 MiB file at most (20,000 keywords fit), the defaults otherwise.
let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv({ MAILLON_IMPORT_MAX_MB: '2', MAILLON_IMPORT_CHUNK_ROWS: '2000' });
});
afterAll(async () => env?.close());

const ctx = () => ({ db: env.database.db, config: env.config });
const tag = () => Math.random().toString(36).slice(2, 10);

async function publisherSite(): Promise<{ client: Client; siteId: string; domain: string; accountId: string }> {
  const { client, account } = await signUp(env, 'publisher');
  const site = await client.post('/api/publisher/sites', { domain: `imp-${tag()}.fr`, theme: 'finance', siteKind: 'thematic', language: 'fr' });
  expect(site.status).toBe(201);
  return { client, siteId: site.body.id, domain: site.body.domain, accountId: account.id };
}

async function upload(client: Client, siteId: string, body: Buffer | string, headers: Record<string, string> = {}) {
  return client.request('POST', `/api/publisher/sites/${siteId}/imports`, body, { 'content-type': 'text/csv', ...headers });
}

/** Runs the background work until the import is finished (another test file's worker may hold its job meanwhile on PostgreSQL). */
async function settle(client: Client, importId: string) {
  for (let i = 0; i < 50; i++) {
    await runBackgroundWork(ctx());
    const state = await client.get(`/api/publisher/imports/${importId}`);
    if (state.body.status === 'done' || state.body.status === 'failed') return state.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${importId} did not finish`);
}

const oneUrlCsv = (domain: string, keywords: number, prefix = 'mot') => {
  let csv = 'Keyword,Position,Search Volume,URL\n';
  for (let i = 0; i < keywords; i++) csv += `${prefix} ${i},${1 + (i % 90)},${10 + i},https://${domain}/page\n`;
  return Buffer.from(csv);
};

describe('keyword imports at scale', () => {
  it('imports 20,000 keywords on one URL: done, with every keyword', async () => {
    const { client, siteId, domain } = await publisherSite();
    const started = await upload(client, siteId, oneUrlCsv(domain, 20_000));
    expect(started.status).toBe(202);
    const state = await settle(client, started.body.importId);
    expect(state).toMatchObject({ status: 'done', failure: null, totalLines: 20_000, processedLines: 20_000, createdKeywords: 20_000, createdArticles: 1 });
    const counted = await sql<{ n: number }>`
      select count(*)::int as n from article_keywords k join articles a on a.id = k.article_id where a.site_id = ${siteId}`.execute(env.database.db);
    expect(counted.rows[0].n).toBe(20_000);
    const article = await client.get(`/api/publisher/sites/${siteId}/articles`);
    expect(article.body.items[0]).toMatchObject({ url: `https://${domain}/page`, bestPosition: 1, top10Count: expect.any(Number) });
    expect(article.body.items[0].top10Count).toBeGreaterThan(2000);
    expect(article.body.items[0].priceCents).not.toBeNull();

    // Again: nothing is created twice, every keyword is updated.
    const again = await upload(client, siteId, oneUrlCsv(domain, 20_000));
    expect(await settle(client, again.body.importId)).toMatchObject({ status: 'done', createdKeywords: 0, updatedKeywords: 20_000, createdArticles: 0 });
  });

  it('fails a file over the keywords-per-URL limit, naming the limit', async () => {
    const { client, siteId, domain } = await publisherSite();
    const saved = env.config.importMaxKeywordsPerUrl;
    env.config.importMaxKeywordsPerUrl = 100;
    try {
      const started = await upload(client, siteId, oneUrlCsv(domain, 101));
      const state = await settle(client, started.body.importId);
      expect(state.status).toBe('failed');
      expect(state.failure).toContain('100');
      expect(state.failure).toContain('par URL');
      expect(state.finishedAt).not.toBeNull();
      // Nothing was written.
      expect((await client.get(`/api/publisher/sites/${siteId}/articles`)).body.items).toEqual([]);
      client.lang = 'en';
      expect((await client.get(`/api/publisher/imports/${started.body.importId}`)).body.failure).toContain('at most 100 per URL');
    } finally {
      env.config.importMaxKeywordsPerUrl = saved;
      client.lang = 'fr';
    }
  });

  it('fails a file over the line limit, naming the limit', async () => {
    const { client, siteId, domain } = await publisherSite();
    const saved = env.config.importMaxLines;
    env.config.importMaxLines = 50;
    try {
      const started = await upload(client, siteId, oneUrlCsv(domain, 51));
      const state = await settle(client, started.body.importId);
      expect(state.status).toBe('failed');
      expect(state.failure).toContain('au plus 50 lignes');
    } finally {
      env.config.importMaxLines = saved;
    }
  });

  it('makes what the database would refuse a line error, not a failed import', async () => {
    const { client, siteId, domain } = await publisherSite();
    const csv =
      'Keyword,Position,Search Volume,URL\n' +
      `bon,3,100,https://${domain}/a\n` +
      `volume énorme,3,99999999999,https://${domain}/a\n` +
      `url longue,3,100,https://${domain}/${'x'.repeat(2100)}\n` +
      // Enough good lines for the NUL below to lie past the binary sniffing of the first 64 KiB.
      Array.from({ length: 2000 }, (_, i) => `remplissage ${i},5,10,https://${domain}/b\n`).join('') +
      `nul\u0000ici,4,100,https://${domain}/a\n`;
    const started = await upload(client, siteId, Buffer.from(csv));
    const state = await settle(client, started.body.importId);
    expect(state).toMatchObject({ status: 'done', createdKeywords: 2001 });
    expect(state.errors.map((e: any) => e.reason)).toEqual([
      expect.stringContaining('Volume'),
      expect.stringContaining('URL trop longue'),
      expect.stringContaining('Caractère nul'),
    ]);
  });

  it('ends failed with its reason when a database error outlasts every attempt', async () => {
    const { client, siteId, domain } = await publisherSite();
    const poison = `poison-${tag()}`;
    // A database error for this file's keyword only (other test files share the table on PostgreSQL).
    await sql`create function ${sql.raw(`fail_${poison.replace('-', '_')}`)}() returns trigger language plpgsql as $$
      begin if new.keyword = ${sql.lit(poison)} then raise exception 'simulated database failure'; end if; return new; end $$`.execute(env.database.db);
    await sql`create trigger ${sql.raw(`t_${poison.replace('-', '_')}`)} before insert on article_keywords
      for each row execute function ${sql.raw(`fail_${poison.replace('-', '_')}`)}()`.execute(env.database.db);
    try {
      const started = await upload(client, siteId, Buffer.from(`Keyword,Position,Search Volume,URL\n${poison},3,100,https://${domain}/a\n`));
      const importId = started.body.importId;
      // On PostgreSQL other test files run background work on the same jobs table, so an attempt
      // may be theirs: drive the job until it is finished rather than counting our own runs.
      for (let round = 0; round < 200; round++) {
        const job = (await sql<{ attempts: number; done: boolean }>`
          select attempts, done_at is not null as done from jobs where payload->>'importId' = ${importId}`.execute(env.database.db)).rows[0];
        if (job.done) break;
        if (job.attempts < MAX_ATTEMPTS) {
          expect((await client.get(`/api/publisher/imports/${importId}`)).body.status).not.toBe('failed');
        }
        // The retry is due now rather than after its growing delay.
        await sql`update jobs set run_at = now() where payload->>'importId' = ${importId} and done_at is null`.execute(env.database.db);
        await runBackgroundWork(ctx());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const state = (await client.get(`/api/publisher/imports/${importId}`)).body;
      expect(state.status).toBe('failed');
      expect(state.failure).toContain(`${MAX_ATTEMPTS} tentatives`);
      const job = await sql<{ done: boolean; last_error: string }>`
        select done_at is not null as done, last_error from jobs where payload->>'importId' = ${importId}`.execute(env.database.db);
      expect(job.rows[0].done).toBe(true);
      expect(job.rows[0].last_error).toContain('simulated database failure');
    } finally {
      await sql`drop trigger ${sql.raw(`t_${poison.replace('-', '_')}`)} on article_keywords`.execute(env.database.db);
      await sql`drop function ${sql.raw(`fail_${poison.replace('-', '_')}`)}()`.execute(env.database.db);
    }
  });

  it('gives up an import whose job never finished its attempts (a server killed during it), and marks it failed', async () => {
    const { client, siteId, domain } = await publisherSite();
    const started = await upload(client, siteId, oneUrlCsv(domain, 10));
    const importId = started.body.importId;
    // As after MAX_ATTEMPTS runs that each died with the process: claimed, lease run out, never finished.
    await sql`update jobs set attempts = ${MAX_ATTEMPTS}, locked_until = now() - interval '1 minute'
      where payload->>'importId' = ${importId}`.execute(env.database.db);
    await sql`update keyword_imports set status = 'running' where id = ${importId}`.execute(env.database.db);
    await runBackgroundWork(ctx());
    const state = (await client.get(`/api/publisher/imports/${importId}`)).body;
    expect(state.status).toBe('failed');
    expect(state.failure).toContain(`${MAX_ATTEMPTS} tentatives`);
    const job = await sql<{ done: boolean; attempts: number }>`
      select done_at is not null as done, attempts from jobs where payload->>'importId' = ${importId}`.execute(env.database.db);
    expect(job.rows[0]).toEqual({ done: true, attempts: MAX_ATTEMPTS });
    // Not run again: no keyword was written.
    expect((await client.get(`/api/publisher/sites/${siteId}/articles`)).body.items).toEqual([]);
  });

  it('resumes an interrupted import where it stopped, counting nothing twice', async () => {
    const { client, siteId, domain } = await publisherSite();
    const started = await upload(client, siteId, oneUrlCsv(domain, 5000));
    const importId = started.body.importId;
    const state1 = await settle(client, importId);
    expect(state1).toMatchObject({ status: 'done', createdKeywords: 5000 });
    // Back to how it stood when a first run had committed its first chunk (2,000 keywords) and the process died.
    await sql`delete from article_keywords where article_id in (select id from articles where site_id = ${siteId})
      and keyword not in (select 'mot ' || g from generate_series(0, 1999) g)`.execute(env.database.db);
    await sql`update keyword_imports set status = 'running', written_chunks = 1, processed_lines = 2000, created_keywords = 2000,
      finished_at = null, content = ${oneUrlCsv(domain, 5000)} where id = ${importId}`.execute(env.database.db);
    await sql`update jobs set done_at = null, run_at = now(), locked_until = null, attempts = 1
      where payload->>'importId' = ${importId}`.execute(env.database.db);
    const state2 = await settle(client, importId);
    expect(state2).toMatchObject({ status: 'done', createdKeywords: 5000, updatedKeywords: 0, processedLines: 5000 });
  });
});

describe('import route', () => {
  it('refuses another content type (415) and a file over the stated size (413) before reading it', async () => {
    const { client, siteId } = await publisherSite();
    const json = await upload(client, siteId, '{"a":1}', { 'content-type': 'application/json' });
    expect(json.status).toBe(415);
    expect(json.body.error).toMatchObject({ code: 'unsupported_media_type', field: 'file' });
    expect(json.body.error.message).toContain('text/csv');
    const big = await upload(client, siteId, Buffer.alloc(2 * 1024 * 1024 + 1, 'a'));
    expect(big.status).toBe(413);
    expect(big.body.error.message).toContain('2 Mo');
    client.lang = 'en';
    const bigEn = await upload(client, siteId, Buffer.alloc(2 * 1024 * 1024 + 1, 'a'));
    expect(bigEn.body.error.message).toContain('at most 2 MB');
  });

  it('JSON catalog routes refuse a CSV body with 415, whatever its size', async () => {
    const { client } = await publisherSite();
    const res = await client.request('POST', '/api/publisher/sites', Buffer.alloc(3 * 1024 * 1024, 'a'), { 'content-type': 'text/csv' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
    expect(res.body.error.message).toContain('text/csv');
  });
});

describe('article list', () => {
  it('costs the same number of queries for 2 articles as for 20 (no query per article)', async () => {
    const { client, siteId, domain, accountId } = await publisherSite();
    let queries = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const db = env.database.db.withPlugin(counting);
    const actor = { person: { id: accountId, role: 'publisher' }, account: { id: accountId, role: 'publisher' } } as unknown as Actor;
    const count = async () => {
      queries = 0;
      const page = await listArticles(actor, siteId, { limit: 50 }, { db, config: env.config });
      return { queries, articles: page.items.length, keywords: page.items.reduce((n, a) => n + a.keywords.length, 0) };
    };
    for (let i = 0; i < 2; i++) {
      await client.post(`/api/publisher/sites/${siteId}/articles`, { url: `https://${domain}/a${i}`, keywords: [{ keyword: `k ${i}`, position: 3, volume: 10 }, { keyword: `l ${i}`, position: 5, volume: 10 }] });
    }
    const two = await count();
    for (let i = 2; i < 20; i++) {
      await client.post(`/api/publisher/sites/${siteId}/articles`, { url: `https://${domain}/a${i}`, keywords: [{ keyword: `k ${i}`, position: 3, volume: 10 }] });
    }
    const twenty = await count();
    expect(two).toMatchObject({ articles: 2, keywords: 4 });
    expect(twenty).toMatchObject({ articles: 20, keywords: 22 });
    expect(twenty.queries).toBe(two.queries);
  });
});
