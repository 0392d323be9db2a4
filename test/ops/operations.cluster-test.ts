import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// docs/OPERATIONS.md's own commands, run once on a PostgreSQL of their own: a streaming replica that
// follows the primary, a pg_dump taken from the replica and restored whole (test/ops/operations.sh).
it('makes a streaming replica that follows the primary, and a backup that restores whole', () => {
  const run = spawnSync('bash', [join(import.meta.dirname, 'operations.sh')], { encoding: 'utf8', timeout: 170_000 });
  const output = `${run.stdout}\n${run.stderr}`;
  expect(output).toMatch(/replication: streaming/);
  const primary = /primary: {2}(.+)/.exec(output)?.[1];
  const restored = /restored: (.+)/.exec(output)?.[1];
  expect(primary).toMatch(/wallets sum 0, last migration \d{4}_/);
  expect(restored).toBe(primary);
  expect({ status: run.status, last: run.stdout.trim().split('\n').at(-1) }).toEqual({ status: 0, last: 'operations: all checks passed' });
});
