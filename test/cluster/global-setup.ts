import type { TestProject } from 'vitest/node';
import { installPackages, startCluster } from './cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: { url: string; backends: { name: string; url: string; pid?: number }[]; directUrl: string; pooledUrl: string; bouncerAdminUrl: string; database: string };
  }
}

/** Installs Debian's HAProxy and PgBouncer when missing, then starts the cluster for the whole run. */
export default async function setup(project: TestProject) {
  const started = Date.now();
  installPackages();
  const cluster = await startCluster({
    processes: 3,
    env: {
      // the suite's own site is on 127.0.0.1; checks fail at once instead of being retried later
      MAILLON_CRAWLER_ALLOW_PRIVATE: '1',
      MAILLON_CRAWLER_RETRY_DELAYS: '',
    },
  });
  console.log(`cluster ready at ${cluster.url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('cluster', { url: cluster.url, backends: cluster.backends, directUrl: cluster.directUrl, pooledUrl: cluster.pooledUrl, bouncerAdminUrl: cluster.bouncerAdminUrl, database: new URL(cluster.directUrl).pathname.slice(1) });
  return () => cluster.stop();
}
