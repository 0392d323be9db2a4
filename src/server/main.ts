import { mkdirSync } from 'node:fs';
import { loadConfig } from './config.js';
import { buildApp } from './app.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { DEMO_PASSWORD, ensureSupportAccount, isDatabaseEmpty, seedDemo } from './db/seed.js';
import { seedDemoMarketplace } from './db/demo-marketplace.js';
import { closeSmtpTransport } from './modules/notifications/service.js';
import { startBackgroundWorker } from './jobs/handlers.js';

const config = loadConfig();
if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true });
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
await migrateToLatest(database.db);

const seedExplicit = process.env.MAILLON_SEED === 'demo';
const seeded =
  config.seed === 'demo' && (database.engine === 'pglite' || seedExplicit) && (await isDatabaseEmpty(database.db))
    ? await seedDemo(database.db)
    : null;
const catalog = seeded ? await seedDemoMarketplace(database.db, config) : null;
if (config.supportEmail && config.supportPassword) {
  await ensureSupportAccount(database.db, config.supportEmail, config.supportPassword);
}

const app = await buildApp({ config, database, logger: true });
await app.listen({ port: config.port, host: config.host });

const lines = [
  '',
  `Maillon is running on ${config.publicUrl} (${database.engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'})`,
  `API docs: ${config.publicUrl}/api/docs`,
];
if (seeded) {
  if (catalog) lines.push(`Demo catalog: ${catalog.sites} sites, ${catalog.articles} articles, ${catalog.keywords} positioned keywords`);
  lines.push(`Demo accounts (password for all: ${DEMO_PASSWORD}):`);
  for (const l of seeded) lines.push(`  ${l.role.padEnd(10)} ${l.email.padEnd(24)} ${l.name}`);
} else if (config.seed === 'demo' && database.engine === 'pglite') {
  lines.push(`Demo accounts exist from an earlier start (e.g. agence@maillon.test / ${DEMO_PASSWORD}).`);
}
if (config.supportEmail) lines.push(`Support account: ${config.supportEmail}`);
if (config.production && !config.smtpUrl) {
  lines.push('Warning: NODE_ENV=production without MAILLON_SMTP_URL: e-mails stay in the outbox, and support sees their links redacted.');
}
if (config.production && database.engine === 'pglite') {
  lines.push('Warning: NODE_ENV=production on the embedded PGlite, which is not crash-safe: set DATABASE_URL.');
}
console.log(lines.join('\n') + '\n');

// The worker also delivers the outbox when MAILLON_SMTP_URL is set (one pooled transport per process).
const stopWorker = startBackgroundWorker({ db: database.db, config }, (e) => app.log.error(e, 'background work failed'));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await stopWorker();
    closeSmtpTransport();
    await app.close();
    await database.close();
    process.exit(0);
  });
}
