import { defineConfig } from 'vitest/config';

// Two projects: the server suite (integration tests through app.inject on PGlite, or on
// PostgreSQL when DATABASE_URL is set) and the browser journeys (Chromium via playwright-core).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          include: ['src/**/*.test.ts'],
          globalSetup: ['src/server/testing/global-setup.ts'],
          // a safety net against hangs, not a speed check: the route-table guard walk takes about a
          // minute on its own and longer when several suites share the machine's two cores
          testTimeout: 180_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
