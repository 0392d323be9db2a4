import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../src/server/db/types.js';

/** Bulk agencies for the benchmarks (reach, modes): built with set-based SQL, not through the services. */

export type Shape = { managers: number; consultants: number; clients: number };

/** A realistic-looking fan-out: a manager per 2,000 accounts (at least 3), ten consultants each. */
export function shapeOf(total: number): Shape {
  const managers = Math.max(3, Math.round(total / 2_000));
  const consultants = managers * 10;
  return { managers, consultants, clients: total - 1 - managers - consultants };
}

/** Builds one agency of `total` accounts in a handful of statements, on one connection (temp table). */
export async function buildAgency(db: Kysely<DB>, total: number): Promise<{ agencyId: string; shape: Shape; ms: number }> {
  const shape = shapeOf(total);
  const { managers: M, consultants: C, clients: K } = shape;
  const started = performance.now();
  const agencyId = await db.connection().execute(async (conn) => {
    const run = (q: ReturnType<typeof sql>) => q.execute(conn);
    await run(sql`drop table if exists bench_nodes`);
    await run(
      sql`create temp table bench_nodes (seq int primary key, id uuid not null default gen_random_uuid(), role text not null, parent_seq int, level int not null)`,
    );
    await run(sql`insert into bench_nodes (seq, role, parent_seq, level) values (0, 'agency', null, 0)`);
    await run(
      sql`insert into bench_nodes (seq, role, parent_seq, level) select g, 'manager', 0, 1 from generate_series(1, ${M}::int) g`,
    );
    await run(sql`
      insert into bench_nodes (seq, role, parent_seq, level)
      select ${M}::int + g, 'consultant', 1 + (g - 1) % ${M}::int, 2 from generate_series(1, ${C}::int) g`);
    // Clients: 2 % straight under the agency (left over from simple mode), 10 % under a manager, the rest under consultants.
    await run(sql`
      insert into bench_nodes (seq, role, parent_seq, level)
      select ${M + C}::int + g, 'client',
        case when g % 50 = 0 then 0 when g % 10 = 1 then 1 + (g - 1) % ${M}::int else ${M}::int + 1 + (g - 1) % ${C}::int end,
        case when g % 50 = 0 then 1 when g % 10 = 1 then 2 else 3 end
      from generate_series(1, ${K}::int) g`);
    const root = await sql<{ id: string }>`select id from bench_nodes where seq = 0`.execute(conn);
    const agency = root.rows[0].id;
    await run(sql`
      insert into accounts (id, role, name, search_text, parent_id, agency_id, agency_mode)
      select n.id, n.role, initcap(n.role) || ' ' || n.seq, n.role || ' ' || n.seq, p.id, ${agency}::uuid,
        case when n.role = 'agency' then 'complete' end
      from bench_nodes n left join bench_nodes p on p.seq = n.parent_seq
      order by n.seq`);
    // The wallets were opened by the database with the accounts (migration 0010).
    // The closure table, one level at a time: self rows, then each node inherits its parent's ancestors.
    await run(
      sql`insert into account_tree (ancestor_id, descendant_id, depth, agency_id) select id, id, 0, ${agency}::uuid from bench_nodes`,
    );
    for (let level = 1; level <= 3; level++) {
      await run(sql`
        insert into account_tree (ancestor_id, descendant_id, depth, agency_id)
        select t.ancestor_id, n.id, t.depth + 1, ${agency}::uuid
        from bench_nodes n
        join bench_nodes p on p.seq = n.parent_seq
        join account_tree t on t.descendant_id = p.id
        where n.level = ${level}::int`);
    }
    await run(sql`drop table bench_nodes`);
    return agency;
  });
  await sql`analyze accounts`.execute(db);
  await sql`analyze account_tree`.execute(db);
  return { agencyId, shape, ms: performance.now() - started };
}

