// Builds the web app into dist/web unless the build there was made from the same sources: a
// fingerprint of every input (src/web; src/server, whose policies and schemas the web imports; the
// lockfile; tsconfig) is kept in dist/web/.build-fingerprint. `npm start` runs this, so a restart on existing
// data does not redo a build that is current. `--force` always builds.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'dist/web');
const stamp = join(out, '.build-fingerprint');
const INPUTS = ['src/web', 'src/server', 'package-lock.json', 'tsconfig.json'];

/** Every file under `path` (or `path` itself), tests left out, in a stable order. */
function files(path) {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return path.endsWith('.test.ts') ? [] : [path];
  return readdirSync(full)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

const hash = createHash('sha256');
for (const file of INPUTS.flatMap(files)) {
  hash.update(file).update('\0').update(readFileSync(join(root, file))).update('\0');
}
const fingerprint = hash.digest('hex');

const current = existsSync(stamp) && existsSync(join(out, 'index.html')) && readFileSync(stamp, 'utf8').trim() === fingerprint;
if (current && !process.argv.includes('--force')) {
  console.log('web: dist/web is current, not rebuilt');
} else {
  const vite = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/web/vite.config.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
  writeFileSync(stamp, fingerprint + '\n');
}
