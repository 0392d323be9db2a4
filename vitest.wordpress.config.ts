import { defineConfig } from 'vitest/config';

// The link verifier against a real WordPress from Debian's packages (npm run test:wordpress). Kept out
// of vitest.config.ts: it installs packages and needs MariaDB. One site for the run, so one file at a time.
export default defineConfig({
  test: {
    name: 'wordpress',
    include: ['test/wordpress/**/*.wp-test.ts'],
    globalSetup: ['test/wordpress/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
