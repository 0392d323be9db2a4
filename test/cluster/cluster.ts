import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

/**
 * A production-shaped cluster on one machine: N app processes (`src/server/main.ts`, as `npm start`
 * runs it) over PgBouncer in transaction pooling mode in front of the local PostgreSQL, behind
 * HAProxy balancing round-robin. HAProxy names the process that answered in `x-maillon-backend`, so
 * a test can prove that a journey crossed every process. Used by the cluster suite and bench/cluster.ts.
 */
export type ClusterOptions = {
  /** how many app processes (default 3) */
  processes?: number;
  /** the PostgreSQL server PgBouncer pools, as a superuser URL without a database name's meaning */
  postgresUrl?: string;
  database?: string;
  /** extra settings for every app process */
  env?: Record<string, string>;
  /** seed the demo data (the first process does it, before the others start) */
  seedDemo?: boolean;
  quiet?: boolean;
};

export type Cluster = {
  /** the balancer's address: what users meet */
  url: string;
  /** each app process's own address, for a test that must reach one behind the balancer's back */
  backends: { name: string; url: string; pid?: number }[];
  /** PgBouncer's address for the database (transaction pooling) */
  pooledUrl: string;
  /** PgBouncer's admin console (SHOW POOLS, SHOW STATS) */
  bouncerAdminUrl: string;
  /** the database straight on PostgreSQL (for a test's own checks) */
  directUrl: string;
  dir: string;
  stop: () => Promise<void>;
};

const ROOT = resolve(import.meta.dirname, '../..');

export function installPackages() {
  const run = spawnSync('bash', [join(import.meta.dirname, 'install-packages.sh')], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error('cluster: installing haproxy and pgbouncer failed');
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, processes: ChildProcess[] = []) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = processes.find((p) => p.exitCode !== null || p.signalCode !== null);
    if (dead) throw new Error(`cluster: ${what}: a process exited (${dead.spawnargs.join(' ')}: ${dead.exitCode ?? dead.signalCode})`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`cluster: ${what}: not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function healthy(url: string): Promise<boolean> {
  const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
  return response.ok;
}

function stopProcess(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** PgBouncer refuses to run as root: it runs as the postgres system user when the suite is root. */
function systemUser(name: string): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`cluster: no ${name} user to run pgbouncer as`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const processes = options.processes ?? 3;
  const postgresUrl = new URL(options.postgresUrl ?? process.env.CLUSTER_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const database = options.database ?? `maillon_cluster_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'maillon-cluster-'));
  chmodSync(dir, 0o755);
  const children: ChildProcess[] = [];
  const log = (message: string) => options.quiet || console.log(`cluster: ${message}`);

  const admin = new pg.Client({ connectionString: postgresUrl.toString() });
  await admin.connect();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.query(`create database ${database}`);
  await admin.end();
  const directUrl = new URL(postgresUrl);
  directUrl.pathname = `/${database}`;

  const stop = async () => {
    await Promise.all(children.filter((c) => c.spawnargs[0] !== 'pgbouncer').map((c) => stopProcess(c)));
    await Promise.all(children.map((c) => stopProcess(c)));
    const client = new pg.Client({ connectionString: postgresUrl.toString() });
    await client.connect();
    await client.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // PgBouncer, transaction pooling: a server connection is the client's for one transaction only,
    // so nothing may live in a session (named prepared statements, session advisory locks, SET).
    const bouncerPort = await freePort();
    const user = postgresUrl.username || 'postgres';
    writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `${database} = host=${postgresUrl.hostname} port=${postgresUrl.port || 5432} dbname=${database} user=${user}`,
        // any other database of the server, by its own name (a test's fresh one)
        `* = host=${postgresUrl.hostname} port=${postgresUrl.port || 5432} user=${user}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${bouncerPort}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        'max_client_conn = 2000',
        'default_pool_size = 40',
        'ignore_startup_parameters = extra_float_digits,options',
        `admin_users = ${user}`,
        `logfile = ${join(dir, 'pgbouncer.log')}`,
        `pidfile = ${join(dir, 'pgbouncer.pid')}`,
        '',
      ].join('\n'),
    );
    const runAs = systemUser('postgres');
    if (runAs) chownSync(dir, runAs.uid, runAs.gid);
    // its log goes to pgbouncer.log (printed if the start fails)
    const bouncer = spawn('pgbouncer', [join(dir, 'pgbouncer.ini')], {
      stdio: 'ignore',
      ...(runAs ?? {}),
    });
    children.push(bouncer);
    const pooledUrl = new URL(postgresUrl);
    pooledUrl.port = String(bouncerPort);
    pooledUrl.pathname = `/${database}`;
    await waitFor(
      'pgbouncer',
      async () => {
        const client = new pg.Client({ connectionString: pooledUrl.toString() });
        await client.connect();
        await client.query('select 1');
        await client.end();
        return true;
      },
      20_000,
      [bouncer],
    );
    log(`pgbouncer (transaction pooling) on ${pooledUrl.host}`);

    const balancerPort = await freePort();
    const url = `http://127.0.0.1:${balancerPort}`;
    const backends: Cluster['backends'] = [];
    for (let i = 1; i <= processes; i++) backends.push({ name: `app${i}`, url: `http://127.0.0.1:${await freePort()}` });

    const startApp = (backend: Cluster['backends'][number], seed: boolean) => {
      const out = openSync(join(dir, `${backend.name}.log`), 'a');
      // node itself with tsx's loader (not the tsx CLI, which runs the server in a child process): the
      // pid is the server's, for a kill -9 that kills it
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/main.ts')], {
        cwd: ROOT,
        stdio: ['ignore', out, out],
        env: {
          ...process.env,
          NODE_ENV: 'development',
          DATABASE_URL: pooledUrl.toString(),
          PORT: new URL(backend.url).port,
          HOST: '127.0.0.1',
          MAILLON_SEED: seed ? 'demo' : 'none',
          MAILLON_PUBLIC_URL: url,
          // one proxy (HAProxy) stands in front: the right-most X-Forwarded-For address is the client's
          MAILLON_TRUST_PROXY: '1',
          ...options.env,
        },
      });
      children.push(child);
      backend.pid = child.pid;
      return child;
    };

    // The first process migrates (and seeds); the others start together on the migrated database.
    const first = startApp(backends[0], options.seedDemo ?? true);
    await waitFor(`${backends[0].name} (migrations and seed)`, () => healthy(backends[0].url), 180_000, [first]);
    const others = backends.slice(1).map((b) => startApp(b, false));
    await Promise.all(backends.slice(1).map((b, i) => waitFor(b.name, () => healthy(b.url), 120_000, [others[i]])));
    log(`${processes} app processes: ${backends.map((b) => b.url).join(', ')}`);

    writeFileSync(
      join(dir, 'haproxy.cfg'),
      [
        'global',
        '  maxconn 4000',
        'defaults',
        '  mode http',
        '  timeout connect 5s',
        '  timeout client 120s',
        '  timeout server 120s',
        '  option forwardfor',
        '  option http-keep-alive',
        // a process that dies: its requests go to another one (retried when the connection failed)
        // (or closed a kept-alive connection without answering; only safe methods are retried)
        '  retries 3',
        '  retry-on conn-failure empty-response response-timeout',
        '  option redispatch',
        'frontend maillon',
        `  bind 127.0.0.1:${balancerPort}`,
        '  default_backend app',
        'backend app',
        '  balance roundrobin',
        '  option httpchk GET /api/health',
        '  http-check expect status 200',
        '  http-response set-header x-maillon-backend %s',
        ...backends.map((b) => `  server ${b.name} ${new URL(b.url).host} check inter 500ms fall 2 rise 2`),
        '',
      ].join('\n'),
    );
    const haproxy = spawn('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'inherit', 'inherit'] });
    children.push(haproxy);
    const seen = new Set<string>();
    await waitFor(
      'haproxy with every process up',
      async () => {
        const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
        const name = response.headers.get('x-maillon-backend');
        if (response.ok && name) seen.add(name);
        return seen.size === processes;
      },
      30_000,
      [haproxy],
    );
    log(`haproxy on ${url}`);
    const bouncerAdminUrl = new URL(pooledUrl);
    bouncerAdminUrl.pathname = '/pgbouncer';
    return { url, backends, pooledUrl: pooledUrl.toString(), bouncerAdminUrl: bouncerAdminUrl.toString(), directUrl: directUrl.toString(), dir, stop };
  } catch (error) {
    const logs = ['pgbouncer.log', ...Array.from({ length: processes }, (_, i) => `app${i + 1}.log`)]
      .map((f) => {
        try {
          return `--- ${f}\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-30).join('\n')}`;
        } catch {
          return '';
        }
      })
      .join('\n');
    console.error(logs);
    await stop().catch(() => undefined);
    throw error;
  }
}
