import type { TestProject } from 'vitest/node';
import { installPackages, settingsFromEnv, startWordPress } from './site.js';

declare module 'vitest' {
  export interface ProvidedContext {
    wordpress: { baseUrl: string; siteDomain: string; user: string; applicationPassword: string; docroot: string };
  }
}

/** Installs Debian's WordPress when missing, then serves a fresh site for the whole run. */
export default async function setup(project: TestProject) {
  const started = Date.now();
  installPackages();
  const site = await startWordPress(settingsFromEnv());
  console.log(`WordPress ready at ${site.baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s (${site.dir})`);
  const { baseUrl, siteDomain, user, applicationPassword, docroot } = site;
  project.provide('wordpress', { baseUrl, siteDomain, user, applicationPassword, docroot });
  return () => site.stop();
}
