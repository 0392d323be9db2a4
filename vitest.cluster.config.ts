import { defineConfig } from 'vitest/config';

// The main journeys through HAProxy, three app processes and PgBouncer in transaction pooling mode,
// all from Debian's packages over the local PostgreSQL (npm run test:cluster). Kept out of
// vitest.config.ts: it installs packages and starts servers. One cluster for the run.
export default defineConfig({
  test: {
    name: 'cluster',
    include: ['test/cluster/**/*.cluster-test.ts', 'test/ops/**/*.cluster-test.ts'],
    globalSetup: ['test/cluster/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
