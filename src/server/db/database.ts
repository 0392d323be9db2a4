import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import * as m0001 from './migrations/0001_foundation.js';
import * as m0002 from './migrations/0002_ledger.js';
import * as m0003 from './migrations/0003_credits.js';
import * as m0004 from './migrations/0004_marketplace.js';
import * as m0005 from './migrations/0005_ledger_transfer_function.js';
import * as m0006 from './migrations/0006_security.js';
import * as m0007 from './migrations/0007_import_checkpoint.js';
import * as m0008 from './migrations/0008_list_indexes.js';
import * as m0009 from './migrations/0009_email_delivery.js';
import * as m0010 from './migrations/0010_wallet_per_account.js';
import * as m0011 from './migrations/0011_closed_accounts.js';
import * as m0012 from './migrations/0012_notifications.js';
import * as m0013 from './migrations/0013_monitoring.js';
import * as m0014 from './migrations/0014_payouts.js';
import * as m0015 from './migrations/0015_catalog_search.js';
import * as m0016 from './migrations/0016_catalog_favourites.js';
import * as m0017 from './migrations/0017_audit_filters.js';
import * as m0018 from './migrations/0018_campaign_closing.js';
import * as m0019 from './migrations/0019_report_branding.js';
import * as m0020 from './migrations/0020_report_shares.js';
import * as m0021 from './migrations/0021_dashboard_indexes.js';
import * as m0022 from './migrations/0022_order_figures.js';
import * as m0023 from './migrations/0023_account_list_order.js';
import * as m0024 from './migrations/0024_ledger_transfer_returns_wallet.js';
import * as m0025 from './migrations/0025_data_versions.js';
import * as m0026 from './migrations/0026_session_lookup_functions.js';
import * as m0027 from './migrations/0027_allocation_in_one_statement.js';
import * as m0028 from './migrations/0028_session_lookup_json.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './types.js';

export type Engine = 'pglite' | 'postgres';

export type Database = {
  db: Kysely<DB>;
  engine: Engine;
  close: () => Promise<void>;
  /** only set on PGlite: the embedded instance, e.g. to dump a migrated template for tests */
  pglite?: PGlite;
};

const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_ledger': m0002,
  '0003_credits': m0003,
  '0004_marketplace': m0004,
  '0005_ledger_transfer_function': m0005,
  '0006_security': m0006,
  '0007_import_checkpoint': m0007,
  '0008_list_indexes': m0008,
  '0009_email_delivery': m0009,
  '0010_wallet_per_account': m0010,
  '0011_closed_accounts': m0011,
  '0012_notifications': m0012,
  '0013_monitoring': m0013,
  '0014_payouts': m0014,
  '0015_catalog_search': m0015,
  '0016_catalog_favourites': m0016,
  '0017_audit_filters': m0017,
  '0018_campaign_closing': m0018,
  '0019_report_branding': m0019,
  '0020_report_shares': m0020,
  '0021_dashboard_indexes': m0021,
  '0022_order_figures': m0022,
  '0023_account_list_order': m0023,
  '0024_ledger_transfer_returns_wallet': m0024,
  '0025_data_versions': m0025,
  '0026_session_lookup_functions': m0026,
  '0027_allocation_in_one_statement': m0027,
  '0028_session_lookup_json': m0028,
};

class StaticMigrations implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

// bigint (int8) arrives as text from pg; our cents stay far below 2^53, so read them as numbers.
pg.types.setTypeParser(20, (v) => Number(v));

export type OpenOptions = {
  databaseUrl?: string;
  /** a directory, or 'memory://' */
  dataDir?: string;
  /** a dump of an already-migrated PGlite to start from (tests) */
  loadDataDir?: Blob | File;
  poolSize?: number;
};

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const pglite = new PGlite({
    dataDir: options.dataDir ?? 'memory://',
    loadDataDir: options.loadDataDir,
  });
  await pglite.waitReady;
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return { db, engine: 'pglite', pglite, close: () => db.destroy() };
}

/**
 * `schema`: where the migrator keeps its own tables, when the connection's search_path is not `public` (tests).
 *
 * Kysely's migrator takes a session advisory lock in one statement, migrates in a transaction, and
 * unlocks in a third statement. Behind PgBouncer in transaction pooling mode those three may run on
 * three server connections: the lock stays on one nobody holds, and the next start waits on it
 * forever. So the whole run happens inside one transaction of ours on one connection (the migrator's
 * own transactions off): PgBouncer keeps that server connection for us until COMMIT, the lock and
 * unlock fall on it, and the DDL commits or rolls back as one. A process that dies mid-way ends the
 * transaction, and the locks with it.
 */
const MIGRATION_LOCK = 2_026_120_301;

/**
 * A restart on a database already at the latest schema (the usual case): one read of the
 * migrator's own table instead of the lock, the migrator's checks and its transaction (most of a
 * second on PGlite). Migrations are only ever added, so every name present means nothing to run;
 * anything else (no table yet, a name missing) goes the whole way, under the lock.
 */
async function everyMigrationApplied(db: Kysely<DB>, schema?: string): Promise<boolean> {
  try {
    const table = schema ? sql`${sql.id(schema)}.kysely_migration` : sql`kysely_migration`;
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    return Object.keys(migrations).every((name) => applied.has(name));
  } catch {
    return false;
  }
}

export async function migrateToLatest(db: Kysely<DB>, options: { schema?: string } = {}): Promise<void> {
  if (await everyMigrationApplied(db, options.schema)) return;
  const { error, results } = await db.connection().execute(async (connection) => {
    await sql`begin`.execute(connection);
    try {
      // one start at a time, from before the migrator looks for its own tables (which two first
      // starts on an empty database would otherwise both create)
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(connection);
      const migrator = new Migrator({
        db: connection,
        provider: new StaticMigrations(),
        migrationTableSchema: options.schema,
        disableTransactions: true,
      });
      const outcome = await migrator.migrateToLatest();
      await sql.raw(outcome.error ? 'rollback' : 'commit').execute(connection);
      return outcome;
    } catch (e) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw e;
    }
  });
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
}
