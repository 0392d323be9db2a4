/**
 * Requests per second through HAProxy for one and for three app processes over PgBouncer in
 * transaction pooling mode (test/cluster/cluster.ts starts the same layout as npm run test:cluster),
 * on the demo data. For each layout: the health route (one SELECT), /api/me, the first page of
 * accounts and a catalog search, each for BENCH_SECONDS (default 6) with BENCH_CONNECTIONS (default
 * 32) connections (autocannon, in this process). Prints req/s, p50 and p99 latency and the ratio of
 * three processes to one. Asserts nothing. On a 2-core machine the load generator, PostgreSQL,
 * PgBouncer, HAProxy and the app processes share the cores: the ratio says what a second and third
 * process buy on this machine, not on a bigger one.
 *
 * Run: npx tsx bench/cluster.ts (or npm run bench:cluster). PostgreSQL from CLUSTER_POSTGRES_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres), in its own database, dropped afterwards.
 */
import autocannon from 'autocannon';
import { installPackages, startCluster } from '../test/cluster/cluster.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LAYOUTS = (process.env.BENCH_PROCESSES ?? '1,3').split(',').map(Number);

type Figure = { route: string; processes: number; rps: number; p50: number; p99: number; errors: number };

async function signIn(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'maillon-demo-2026' }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

async function measure(url: string, path: string, cookie: string | null): Promise<Omit<Figure, 'route' | 'processes'>> {
  const result = await autocannon({
    url: url + path,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: cookie ? { cookie } : {},
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

installPackages();
const routes: { route: string; signedIn: boolean }[] = [
  { route: '/api/health', signedIn: false },
  { route: '/api/me', signedIn: true },
  { route: '/api/accounts?limit=50', signedIn: true },
  { route: '/api/catalog/offers?keyword=assurance', signedIn: true },
];
const figures: Figure[] = [];
for (const processes of LAYOUTS) {
  const cluster = await startCluster({ processes, quiet: true, database: `maillon_bench_cluster` });
  try {
    const cookie = await signIn(cluster.url, 'agence@maillon.test');
    for (const { route, signedIn } of routes) {
      await measure(cluster.url, route, signedIn ? cookie : null); // warm-up, not counted
      const figure = await measure(cluster.url, route, signedIn ? cookie : null);
      figures.push({ route, processes, ...figure });
      console.log(`${processes} process(es)  ${route.padEnd(40)} ${String(figure.rps).padStart(6)} req/s  p50 ${figure.p50} ms  p99 ${figure.p99} ms${figure.errors ? `  ${figure.errors} errors` : ''}`);
    }
  } finally {
    await cluster.stop();
  }
}

console.log(`\n${CONNECTIONS} connections, ${SECONDS} s per route, through HAProxy and PgBouncer (transaction pooling)`);
console.log(`${'route'.padEnd(40)} ${LAYOUTS.map((n) => `${n} proc req/s`.padStart(14)).join(' ')}  ratio`);
for (const { route } of routes) {
  const row = LAYOUTS.map((n) => figures.find((f) => f.route === route && f.processes === n)!);
  const ratio = row.length > 1 ? (row[row.length - 1].rps / row[0].rps).toFixed(2) : '-';
  console.log(`${route.padEnd(40)} ${row.map((f) => String(f.rps).padStart(14)).join(' ')}  ${ratio}×`);
}
