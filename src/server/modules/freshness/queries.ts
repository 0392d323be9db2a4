import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';

/** Moves the committed rows of `data_changes` into `data_versions` (migration 0025): every version stays what it was. */
export async function foldDataChanges(db: Tx): Promise<number> {
  const { rows } = await sql<{ moved: number | string }>`select fold_data_changes() as moved`.execute(db);
  return Number(rows[0]?.moved ?? 0);
}

/** Removes the rows folding deleted, so that counting a tenant's changes does not walk them; waits for no one. */
export async function vacuumDataChanges(db: Tx): Promise<void> {
  await sql`vacuum (skip_locked) data_changes`.execute(db);
}

/** The data version of a tenant (an agency, an account outside any agency, or the marketplace). */
export async function dataVersion(db: Tx, tenantId: string): Promise<number> {
  const { rows } = await sql<{ v: number | string }>`select data_version(${tenantId}::uuid) as v`.execute(db);
  return Number(rows[0]?.v ?? 0);
}
