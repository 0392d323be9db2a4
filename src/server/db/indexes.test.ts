import { randomUUID } from 'node:crypto';
import { CompiledQuery, sql, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subtreeIds } from '../modules/accounts/service.js';
import { listAuditForSubtree } from '../modules/audit/service.js';
import { makeAgency, startTestEnv, type TestEnv } from '../testing/harness.js';

/**
 * The lookups issue 7 (item 13) found without an index (migration 0008): a client's campaigns, a
 * top-up's invoice, an account's live tokens, and the half of the audit trail that lists what was
 * done *to* the accounts of a subtree. Each statement is explained with sequential scans switched
 * off (`set local enable_seqscan = off`), so the plan shows whether an index can answer it at all,
 * whatever the size of the tables: without the index the only plan left is the sequential scan.
 * A file of its own schema on PostgreSQL, so the statistics are those of this file's rows.
 */

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv({}, { ownSchema: true });
});
afterAll(async () => env?.close());

const db = () => env.database.db;

/** The plan of a compiled statement, with sequential scans switched off for it only. */
async function planOf(query: CompiledQuery): Promise<string> {
  return db()
    .transaction()
    .execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      const res = await tx.executeQuery<Record<string, string>>(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
      return res.rows.map((r) => Object.values(r)[0]).join('\n');
    });
}

const plan = (text: string, parameters: unknown[]) => planOf(CompiledQuery.raw(text, parameters));

describe('the indexes of item 13', () => {
  it("finds a client's campaigns, a top-up's invoice and an account's tokens through an index", async () => {
    const id = randomUUID();
    const campaigns = await plan('select id from campaigns where client_id = $1 order by created_at desc', [id]);
    expect(campaigns).not.toMatch(/Seq Scan on campaigns/);
    expect(campaigns).toMatch(/campaigns_client_idx/);

    const invoice = await plan(`select id from invoices where top_up_id = $1 and kind = 'invoice'`, [id]);
    expect(invoice).not.toMatch(/Seq Scan on invoices/);
    expect(invoice).toMatch(/invoices_top_up_idx/);

    // a new invitation or reset revokes the account's live tokens (auth/queries.ts)
    const tokens = await plan('update auth_tokens set used_at = now() where account_id = $1 and kind = $2 and used_at is null', [id, 'reset']);
    expect(tokens).not.toMatch(/Seq Scan on auth_tokens/);
    expect(tokens).toMatch(/auth_tokens_account_idx/);
  });

  it("answers both halves of a subtree's audit trail from an index, the lines done to its accounts included", async () => {
    const fx = await makeAgency(env, 'simple', [['Client', 'client', 'agency']]);
    // Lines about other things, so that the trail is not the whole table.
    await sql`
      insert into audit_log (person_id, account_id, agency_id, action, target_type, target_id)
      select ${fx.agencyId}, ${fx.agencyId}, ${fx.agencyId}, 'test.other', case when g % 2 = 0 then 'account' else 'order' end, gen_random_uuid()::text
      from generate_series(1, 2000) g`.execute(db());
    await sql`analyze audit_log`.execute(db());

    // The very statements the trail runs (GET /api/audit), recorded as they are compiled.
    const seen: CompiledQuery[] = [];
    const executor = db().getExecutor();
    const recorder: KyselyPlugin = {
      transformQuery: ({ node, queryId }) => {
        seen.push(executor.compileQuery(node, queryId));
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    const recording = db().withPlugin(recorder);
    const viewer = { person: { id: fx.agencyId, role: 'agency' } } as Parameters<typeof listAuditForSubtree>[1];
    await listAuditForSubtree(
      recording,
      viewer,
      { accountIds: subtreeIds(recording, fx.ids.Client), namesOf: async () => new Map(), reachable: async () => new Set() },
      { limit: 50, cursor: null },
    );
    const halves = seen.filter((q) => /from "audit_log"/.test(q.sql));
    expect(halves).toHaveLength(2);
    const [byAccount, byTarget] = await Promise.all(halves.map(planOf));
    expect(byAccount).not.toMatch(/Seq Scan on audit_log/);
    expect(byTarget).not.toMatch(/Seq Scan on audit_log/);
    // the half "done to its accounts" uses the index on the target as an account id
    expect(byTarget).toMatch(/audit_log_target_account_idx/);
  });
});

describe('the indexes of the dashboards and lists (migrations 0022, 0023)', () => {
  it("has an index led by the client for a list of clients' live links, lost links and orders in progress", async () => {
    // On this file's nearly empty tables the planner may as well answer with the agency's index of
    // the same predicate (it did on PostgreSQL), so the plan cannot tell; the definitions can, and
    // bench/dashboard.ts shows what they do at 500 clients (live links 160 ms → 6 ms).
    const defs = await sql<{ indexname: string; indexdef: string }>`
      select indexname, indexdef from pg_indexes where tablename = 'orders' and indexname like 'orders_client_%'`.execute(db());
    const def = (name: string) => defs.rows.find((r) => r.indexname === name)?.indexdef.replace(/public\./g, '') ?? '';
    expect(def('orders_client_live_idx')).toMatch(/\(client_id, guarantee_ends_at\) WHERE \(status = ANY \(ARRAY\['verified'::text, 'completed'::text\]\)\)/);
    expect(def('orders_client_lost_idx')).toMatch(/\(client_id, lost_at\) WHERE \(status = 'lost'::text\)/);
    expect(def('orders_client_open_idx')).toMatch(/\(client_id, status\) INCLUDE \(price_cents\) WHERE/);
    const ids = [randomUUID(), randomUUID()];
    const live = await plan(`select count(*) from orders o where o.client_id = any($1::uuid[]) and o.status in ('verified', 'completed') and o.guarantee_ends_at > now()`, [ids]);
    expect(live).not.toMatch(/Seq Scan on orders/);
  });

  it('walks the accounts in the order of the accounts list (search_text, id) without sorting them', async () => {
    const first = await plan('select id from accounts a order by a.search_text, a.id limit 51', []);
    expect(first).toMatch(/accounts_list_order_idx/);
    expect(first).not.toMatch(/Sort/);
  });
});
