import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fundWallet,
  makeAgency,
  makeOffer,
  signUp,
  startTestEnv,
  supportClient,
  uniqueEmail,
  type Client,
  type TestEnv,
} from '../testing/harness.js';

/**
 * Every list of the API pages with `?limit=` and `?cursor=` on a unique tie-breaker and never stops
 * silently: for each list, more rows than a page, all with the same timestamp (and the same name
 * where a list sorts on names), walked page by page: every row exactly once, in the list's order.
 */

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => {
  await env?.close();
});

const db = () => env.database.db;
const SAME_TIME = '2001-02-03T04:05:06.123456Z';

/** Follows `nextCursor` from the first page to the last; the ids in the order they came. */
async function walk(client: Client, path: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await client.get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.items.map((i: { id: string }) => i.id));
    cursor = res.body.nextCursor;
    pages++;
    if (pages > 1000) throw new Error('the cursor never ends');
  } while (cursor);
  return { ids, pages };
}

/** `ids` sorted as a list ordered on a uuid tie-breaker sorts them (PostgreSQL compares uuids bytewise, like their hex text). */
const byId = (ids: string[], dir: 'asc' | 'desc') =>
  [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0) * (dir === 'asc' ? 1 : -1));

/** Keeps only `mine`, in the order walked (lists of support are global and other test files add rows). */
const only = (walked: string[], mine: string[]) => walked.filter((id) => mine.includes(id));

describe('lists that page on a unique tie-breaker', () => {
  it('projects and campaigns: past 1,000 rows, with equal names and times', async () => {
    const fx = await makeAgency(env, 'simple', [['Client', 'client', 'agency']]);
    const clientId = fx.ids.Client;
    const projects = await sql<{ id: string }>`
      insert into projects (client_id, agency_id, name, url, domain, created_at)
      select ${clientId}, ${fx.agencyId}, 'Même projet', 'https://p' || g || '.fr', 'p' || g || '.fr', ${SAME_TIME}
      from generate_series(1, 1005) g returning id`.execute(db());
    const projectIds = projects.rows.map((r) => r.id);
    const walkedProjects = await walk(fx.agency, '/api/projects', 500);
    expect(walkedProjects.ids).toEqual(byId(projectIds, 'asc'));
    expect(walkedProjects.pages).toBe(3);
    expect((await walk(fx.agency, `/api/projects?clientId=${clientId}`, 97)).ids).toEqual(byId(projectIds, 'asc'));

    const campaigns = await sql<{ id: string }>`
      insert into campaigns (project_id, client_id, agency_id, name, created_at)
      select ${projectIds[0]}, ${clientId}, ${fx.agencyId}, 'Même campagne', ${SAME_TIME}
      from generate_series(1, 1005) g returning id`.execute(db());
    const campaignIds = campaigns.rows.map((r) => r.id);
    expect((await walk(fx.agency, '/api/campaigns', 500)).ids).toEqual(byId(campaignIds, 'desc'));
    expect((await walk(fx.agency, `/api/campaigns?projectId=${projectIds[0]}`, 97)).ids).toEqual(byId(campaignIds, 'desc'));
    expect((await fx.agency.get('/api/campaigns')).body.items).toHaveLength(50);

    // The pickers search as the user types: ?q= on the name (or the project's domain).
    await sql`update projects set name = 'Boutique 100%_bio' where id = ${projectIds[700]}`.execute(db());
    await sql`update campaigns set name = 'Soldes d''été' where id = ${campaignIds[900]}`.execute(db());
    const found = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id);
    expect(found(await fx.agency.get('/api/projects?q=BOUTIQUE'))).toEqual([projectIds[700]]);
    expect(found(await fx.agency.get('/api/projects?q=100%25_'))).toEqual([projectIds[700]]);
    expect(found(await fx.agency.get('/api/projects?q=p1004.fr'))).toEqual([projectIds[1003]]);
    expect(found(await fx.agency.get('/api/campaigns?q=soldes'))).toEqual([campaignIds[900]]);
    expect(found(await fx.agency.get('/api/projects?q=%25x'))).toEqual([]);
  });

  it("support's agency requests: past 500 rows, with equal times", async () => {
    const { account } = await signUp(env, 'customer', 'Demandeur');
    const rows = await sql<{ id: string }>`
      insert into agency_requests (account_id, status, created_at)
      select ${account.id}, 'rejected', ${SAME_TIME} from generate_series(1, 520) g returning id`.execute(db());
    const mine = rows.rows.map((r) => r.id);
    const support = await supportClient(env);
    expect(only((await walk(support, '/api/support/agency-requests?status=rejected', 200)).ids, mine)).toEqual(
      byId(mine, 'desc'),
    );
    expect(only((await walk(support, '/api/support/agency-requests', 500)).ids, mine)).toEqual(byId(mine, 'desc'));
  });

  it("the publisher's orders and the buyer's orders, with equal times", async () => {
    const fx = await makeAgency(env, 'simple', [['Client', 'client', 'agency']]);
    const offer = await makeOffer(env);
    await fundWallet(env, fx.agency, fx.ids.Client, 12 * offer.priceCents);
    const project = await fx.agency.post('/api/projects', {
      clientId: fx.ids.Client,
      name: 'Site',
      url: 'https://client-liste.fr',
    });
    const placed: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fx.agency.post('/api/orders', {
        projectId: project.body.id,
        offerId: offer.offerId,
        targetUrl: 'https://client-liste.fr/',
        anchor: `ancre ${i}`,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      placed.push(res.body.id);
    }
    await sql`update orders set created_at = ${SAME_TIME} where id = any(${placed}::uuid[])`.execute(db());
    expect((await walk(offer.publisher, '/api/publisher/orders', 5)).ids).toEqual(byId(placed, 'desc'));
    expect((await walk(offer.publisher, '/api/publisher/orders?status=placed', 1)).ids).toEqual(byId(placed, 'desc'));
    expect((await walk(fx.agency, '/api/orders', 5)).ids).toEqual(byId(placed, 'desc'));
  });

  it("sites: the publisher's own and support's review queue, with equal times", async () => {
    const { client: publisher, account } = await signUp(env, 'publisher', 'Éditeur Liste');
    const rows = await sql<{ id: string }>`
      insert into sites (publisher_id, domain, theme, site_kind, language, created_at)
      select ${account.id}, 'liste-' || ${account.id.slice(0, 8)} || '-' || g || '.fr', 'immobilier', 'thematic', 'fr', ${SAME_TIME}
      from generate_series(1, 23) g returning id`.execute(db());
    const mine = rows.rows.map((r) => r.id);
    expect((await walk(publisher, '/api/publisher/sites', 5)).ids).toEqual(byId(mine, 'desc'));
    const support = await supportClient(env);
    expect(only((await walk(support, '/api/support/sites?status=pending_review', 500)).ids, mine)).toEqual(byId(mine, 'asc'));
    const one = await publisher.get(`/api/publisher/sites/${mine[3]}`);
    expect(one.body).toMatchObject({ id: mine[3], publisherId: account.id, status: 'pending_review' });
    const other = await signUp(env, 'publisher', 'Autre éditeur');
    expect((await other.client.get(`/api/publisher/sites/${mine[3]}`)).status).toBe(404);
  });

  it("support's outbox, with equal times", async () => {
    const to = uniqueEmail('outbox');
    const rows = await sql<{ id: string }>`
      insert into outbox_emails (to_address, subject, text_body, created_at)
      select ${to}, 'Sujet', 'Texte', ${SAME_TIME} from generate_series(1, 17) g returning id`.execute(db());
    const mine = rows.rows.map((r) => r.id);
    const support = await supportClient(env);
    expect((await walk(support, `/api/support/outbox?to=${encodeURIComponent(to)}`, 4)).ids).toEqual(byId(mine, 'desc'));
  });

  it('accounts and the clients overview, with equal names', async () => {
    const fx = await makeAgency(env, 'simple');
    const ids: string[] = [];
    for (let i = 0; i < 9; i++)
      ids.push((await fx.agency.post('/api/accounts', { role: 'client', name: 'Homonyme', parentId: fx.agencyId })).body.id);
    expect((await walk(fx.agency, '/api/accounts?role=client', 2)).ids).toEqual(byId(ids, 'asc'));
    expect((await walk(fx.agency, '/api/agency/clients', 2)).ids).toEqual(byId(ids, 'asc'));
    expect((await walk(fx.agency, '/api/agency/clients?q=homonyme', 4)).ids).toEqual(byId(ids, 'asc'));
  });

  it("a client's report share links: past 200, with equal times", async () => {
    const fx = await makeAgency(env, 'simple', [['Client', 'client', 'agency']]);
    const rows = await sql<{ id: string }>`
      insert into report_shares (token_hash, client_id, agency_id, created_by, created_as, created_at, expires_at)
      select md5(random()::text || g), ${fx.ids.Client}, ${fx.agencyId}, ${fx.agencyId}, ${fx.agencyId}, ${SAME_TIME}, now() + interval '30 days'
      from generate_series(1, 205) g returning id`.execute(db());
    const mine = rows.rows.map((r) => r.id);
    // A live link left out of the list could not be revoked: every one of them is listed.
    const walked = await walk(fx.agency, `/api/reports/shares?clientId=${fx.ids.Client}`, 50);
    expect(walked.ids).toEqual(byId(mine, 'desc'));
    expect(walked.pages).toBe(5);
  });

  it("a publisher's own proofs: past 200, with equal times", async () => {
    const { client: publisher, account } = await signUp(env, 'publisher', 'Éditeur Justificatifs');
    const rows = await sql<{ id: string }>`
      insert into publisher_documents (account_id, kind, issued_on, file_name, media_type, size_bytes, sha256, content, status, uploaded_at)
      select ${account.id}, 'insee', '2026-01-02', 'avis-' || g || '.pdf', 'application/pdf', 4, md5(g::text), '\\x25504446'::bytea, 'replaced', ${SAME_TIME}
      from generate_series(1, 205) g returning id`.execute(db());
    const mine = rows.rows.map((r) => r.id);
    const walked = await walk(publisher, '/api/publisher/documents', 50);
    expect(walked.ids).toEqual(byId(mine, 'desc'));
    expect(walked.pages).toBe(5);
    // support's file of that publisher lists every proof too
    const support = await supportClient(env);
    const file = await support.get(`/api/support/publishers/${account.id}/payout-profile`);
    expect(file.status, JSON.stringify(file.body)).toBe(200);
    expect(file.body.documents.map((d: { id: string }) => d.id)).toEqual(byId(mine, 'desc'));
  });

  it('the audit trail: what the subtree did and what was done to it, each line once', async () => {
    const fx = await makeAgency(env, 'simple', [['Client', 'client', 'agency']]);
    // Lines made by the client, and lines made by support *on* the client (target only).
    const support = await supportClient(env);
    const supportId = (await support.get('/api/me')).body.person.id;
    const byClient = await sql<{ id: string }>`
      insert into audit_log (person_id, account_id, agency_id, action, target_type, target_id)
      select ${fx.ids.Client}, ${fx.ids.Client}, ${fx.agencyId}, 'test.by_client', 'order', gen_random_uuid()::text
      from generate_series(1, 30) g returning id::text`.execute(db());
    const onClient = await sql<{ id: string }>`
      insert into audit_log (person_id, account_id, agency_id, action, target_type, target_id)
      select ${supportId}, ${supportId}, null, 'test.on_client', 'account', ${fx.ids.Client}
      from generate_series(1, 30) g returning id::text`.execute(db());
    const numeric = (ids: string[]) => [...ids].sort((a, b) => Number(b) - Number(a));
    const mine = [...byClient.rows, ...onClient.rows].map((r) => r.id);
    const walked = await walk(fx.agency, `/api/audit?accountId=${fx.ids.Client}`, 7);
    expect(walked.ids).toEqual(numeric(walked.ids));
    expect(new Set(walked.ids).size).toBe(walked.ids.length);
    expect(only(walked.ids, mine)).toEqual(numeric(mine));
    // The agency's own trail holds them too.
    expect(only((await walk(fx.agency, '/api/audit', 20)).ids, mine)).toEqual(numeric(mine));
  });
});
