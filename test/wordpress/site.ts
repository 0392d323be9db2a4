import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A WordPress site for tests, from Debian's packages: /usr/share/wordpress copied into a temporary
// folder with its own wp-config.php (Debian's reads /etc/wordpress/config-<host>.php, which would be
// shared by the whole machine), a fresh MariaDB database, and `php -S` serving it on 127.0.0.1.

const HERE = dirname(fileURLToPath(import.meta.url));
const DEBIAN_WORDPRESS = '/usr/share/wordpress';

export type WordPressSite = {
  /** http://127.0.0.1:PORT, WordPress's home and site URL */
  baseUrl: string;
  /** the site's domain as sites.domain stores it: 127.0.0.1:PORT */
  siteDomain: string;
  user: string;
  applicationPassword: string;
  /** the temporary folder: the WordPress tree in wordpress/, php -S's log and PHP's error log */
  dir: string;
  /** dir/wordpress, WordPress's ABSPATH */
  docroot: string;
  stop(): Promise<void>;
};

export type WordPressSettings = {
  /** host:port of MariaDB (MAILLON_WP_DB_HOST, default 127.0.0.1:3306) */
  dbHost: string;
  dbUser: string;
  dbPassword: string;
  /** dropped and created again (MAILLON_WP_DB_NAME, default maillon_wp_test) */
  dbName: string;
  /** keeps the folder and the database after stop(), to look at them (MAILLON_WP_KEEP=1) */
  keep: boolean;
};

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): WordPressSettings {
  return {
    dbHost: env.MAILLON_WP_DB_HOST || '127.0.0.1:3306',
    dbUser: env.MAILLON_WP_DB_USER || 'root',
    dbPassword: env.MAILLON_WP_DB_PASSWORD ?? '',
    dbName: env.MAILLON_WP_DB_NAME || 'maillon_wp_test',
    keep: env.MAILLON_WP_KEEP === '1',
  };
}

/** Installs the Debian packages when missing (test/wordpress/install-packages.sh). */
export function installPackages(): void {
  const run = spawnSync('bash', [join(HERE, 'install-packages.sh')], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`test/wordpress/install-packages.sh failed (exit ${run.status ?? run.signal})`);
}

export async function startWordPress(settings: WordPressSettings = settingsFromEnv()): Promise<WordPressSite> {
  const port = await freePort();
  const siteDomain = `127.0.0.1:${port}`;
  const baseUrl = `http://${siteDomain}`;
  const dir = mkdtempSync(join(tmpdir(), 'maillon-wp-'));
  const docroot = join(dir, 'wordpress');

  // -L: Debian's tree links to shared libraries with relative symlinks, which a copy would break
  sh('cp', ['-rL', DEBIAN_WORDPRESS, docroot]);
  writeFileSync(join(docroot, 'wp-config.php'), wpConfig(settings, baseUrl));
  mkdirSync(join(docroot, 'wp-content/mu-plugins'), { recursive: true });
  copyFileSync(join(HERE, 'php/maillon-fixtures.php'), join(docroot, 'wp-content/mu-plugins/maillon-fixtures.php'));
  copyFileSync(join(HERE, 'php/router.php'), join(dir, 'router.php'));

  const install = sh('php', [
    ...PHP_INI,
    '-d',
    `error_log=${join(dir, 'php-errors.log')}`,
    join(HERE, 'php/install.php'),
    docroot,
    baseUrl,
  ]);
  const { user, applicationPassword } = JSON.parse(install.trim().split('\n').pop()!) as {
    user: string;
    applicationPassword: string;
  };

  const log = openSync(join(dir, 'php-server.log'), 'a');
  const server: ChildProcess = spawn(
    'php',
    [...PHP_INI, '-d', `error_log=${join(dir, 'php-errors.log')}`, '-S', siteDomain, '-t', docroot, join(dir, 'router.php')],
    // a few workers, so that a page WordPress fetches from itself (or a slow one) does not block the
    // others; they are forked processes that outlive the main one when only it is signalled, hence a
    // process group of their own, signalled as a whole
    { stdio: ['ignore', log, log], env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' }, detached: true },
  );
  const group = server.pid!;
  const killGroup = (signal: NodeJS.Signals | 0) => {
    try {
      process.kill(-group, signal);
      return true;
    } catch {
      return false; // ESRCH: the group is gone
    }
  };
  const cleanUp = () => {
    if (settings.keep) return;
    rmSync(dir, { recursive: true, force: true });
    dropDatabase(settings);
  };
  // an interrupted run (Ctrl-C) leaves nothing behind either
  const onExit = () => {
    killGroup('SIGKILL');
    cleanUp();
  };
  process.once('exit', onExit);

  const stop = async () => {
    process.removeListener('exit', onExit);
    killGroup('SIGTERM');
    for (let i = 0; i < 50 && killGroup(0); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    killGroup('SIGKILL');
    cleanUp();
  };
  try {
    await waitUntilServing(`${baseUrl}/wp-json/`, server);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, siteDomain, user, applicationPassword, dir, docroot, stop };
}

// PHP 8.2 reports deprecations in WordPress 6.1's code: logged, never printed into the pages
const PHP_INI = ['-d', 'display_errors=0', '-d', 'log_errors=1', '-d', 'error_reporting=E_ALL & ~E_DEPRECATED'];

function wpConfig(settings: WordPressSettings, baseUrl: string): string {
  const php = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const salts = [
    'AUTH_KEY',
    'SECURE_AUTH_KEY',
    'LOGGED_IN_KEY',
    'NONCE_KEY',
    'AUTH_SALT',
    'SECURE_AUTH_SALT',
    'LOGGED_IN_SALT',
    'NONCE_SALT',
  ]
    .map((name) => `define('${name}', '${randomBytes(32).toString('hex')}');`)
    .join('\n');
  return `<?php
// Written by test/wordpress/site.ts for one test run.
define('DB_NAME', ${php(settings.dbName)});
define('DB_USER', ${php(settings.dbUser)});
define('DB_PASSWORD', ${php(settings.dbPassword)});
define('DB_HOST', ${php(settings.dbHost)});
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
${salts}
define('WP_HOME', ${php(baseUrl)});
define('WP_SITEURL', ${php(baseUrl)});
// application passwords over plain http
define('WP_ENVIRONMENT_TYPE', 'local');
// nothing runs behind the tests' back, nothing is fetched from wordpress.org
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', false);
$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`;
}

function dropDatabase(settings: WordPressSettings): void {
  const [host, port = '3306'] = settings.dbHost.split(':');
  const code = `$db = new mysqli($argv[1], $argv[2], $argv[3], '', (int) $argv[4]); $db->query('DROP DATABASE IF EXISTS \`' . $db->real_escape_string($argv[5]) . '\`');`;
  spawnSync('php', ['-r', code, host, settings.dbUser, settings.dbPassword, port, settings.dbName], { stdio: 'ignore' });
}

function sh(command: string, args: string[]): string {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  }
  return run.stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilServing(url: string, server: ChildProcess): Promise<void> {
  let last: unknown = null;
  // the first request compiles WordPress: give a busy machine half a minute
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    if (server.exitCode !== null) throw new Error(`php -S exited with code ${server.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`WordPress did not answer at ${url}: ${String(last)}`);
}
