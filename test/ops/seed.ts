// Migrates DATABASE_URL and fills it with the demo data, for test/ops/operations.sh.
import { loadConfig } from '../../src/server/config.js';
import { migrateToLatest, openDatabase } from '../../src/server/db/database.js';
import { seedDemoMarketplace } from '../../src/server/db/demo-marketplace.js';
import { seedDemo } from '../../src/server/db/seed.js';

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl });
await migrateToLatest(database.db);
await seedDemo(database.db);
await seedDemoMarketplace(database.db, config);
await database.close();
