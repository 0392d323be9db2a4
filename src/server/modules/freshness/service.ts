/**
 * Data versions (migration 0025): a number per tenant that grows with every committed transaction
 * that changed its data, kept by the database's statement triggers. The session lookup reads them
 * for the read cache (http/read-cache.ts); this feature folds the counted changes now and then, so
 * that reading a version stays one short index scan.
 */
import type { Tx } from '../../http/actor.js';
import { foldDataChanges, vacuumDataChanges } from './queries.js';

export { dataVersion } from './queries.js';

const VACUUM_EVERY_MS = 5_000;
const lastVacuum = new WeakMap<Tx, number>();

/**
 * Folds the committed changes into the versions (every sweep, a statement that finds nothing when
 * nothing was written), then, at most every VACUUM_EVERY_MS per process, vacuums what it deleted:
 * a tenant's version counts its rows through an index that keeps dead entries until a vacuum.
 */
export async function foldChanges(db: Tx, now = Date.now()): Promise<number> {
  const moved = await foldDataChanges(db);
  if (moved > 0 && now - (lastVacuum.get(db) ?? 0) >= VACUUM_EVERY_MS) {
    lastVacuum.set(db, now);
    await vacuumDataChanges(db);
  }
  return moved;
}
export { MARKETPLACE_TENANT } from '../../db/migrations/0025_data_versions.js';
