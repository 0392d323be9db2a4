// Browser-test support: the real server in-process on a fresh in-memory PGlite, and Chromium
// driven by playwright-core. Builds nothing: `npm test` runs `npm run build:web` first, and the
// server serves dist/web like in production.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterEach } from 'vitest';
import { buildApp } from '../src/server/app';
import { loadConfig, type Config } from '../src/server/config';
import { migrateToLatest, openDatabase, type Database } from '../src/server/db/database';
import { ensureSupportAccount } from '../src/server/db/seed';

export const SCREENSHOTS = join(process.cwd(), 'test-results', 'e2e');
const WEB_INDEX = join(process.cwd(), 'dist', 'web', 'index.html');

export type TestServer = {
  url: string;
  app: FastifyInstance;
  database: Database;
  /** the server's settings, e.g. for `runBackgroundWork({ db: database.db, config })` */
  config: Config;
  support: { email: string; password: string };
  close: () => Promise<void>;
};

/**
 * The whole app on 127.0.0.1 and a random free port, with a support login and no demo data.
 * `env` adds settings (e.g. `MAILLON_CRAWLER_ALLOW_PRIVATE: '1'` to verify links on a local page).
 */
export async function startServer(options: { env?: Record<string, string> } = {}): Promise<TestServer> {
  if (!existsSync(WEB_INDEX)) {
    throw new Error(`${WEB_INDEX} is missing: run \`npm run build:web\` first (npm test does it).`);
  }
  const database = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(database.db);
  // The port is only known once listening; the links in e-mails are built from publicUrl at send
  // time, so it is set right after listen (before any request).
  const config = loadConfig({ NODE_ENV: 'test', MAILLON_SEED: 'none', MAILLON_PUBLIC_URL: 'http://127.0.0.1:1', ...options.env });
  const support = { email: 'support@e2e.maillon.test', password: 'support-e2e-password' };
  await ensureSupportAccount(database.db, support.email, support.password);
  const app = await buildApp({ config, database });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  config.publicUrl = url;
  return {
    url,
    app,
    database,
    config,
    support,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** System Chromium when installed, else the one shipped by @sparticuz/chromium (see STACK-NOTES.md). */
export async function launchBrowser(): Promise<Browser> {
  const sparticuz = (await import('@sparticuz/chromium')).default;
  const executablePath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : await sparticuz.executablePath();
  // `--single-process` (meant for one-page serverless use) makes browser contexts share one cookie
  // store, so two people signed in side by side would see each other's session: leave it out.
  const args = sparticuz.args.filter((a) => a !== '--single-process');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...args, '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh browser profile (own cookies and storage), French, desktop-sized. */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1366, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  await watchContentSecurityPolicy(context);
  return context;
}

/**
 * Every Content-Security-Policy violation seen by any page of any context opened with
 * `newContext` since the current test started. The `afterEach` below fails the test (the
 * journey) when one appeared: the SPA must run under its CSP without a single refusal.
 */
const cspViolations: string[] = [];

async function watchContentSecurityPolicy(context: BrowserContext) {
  await context.exposeBinding('__maillonCspViolation', ({ page }, description: string) => {
    cspViolations.push(`${page.url()}: ${description}`);
  });
  // Injected by the browser itself (not a page script), so the policy under test does not block it.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __maillonCspViolation: (d: string) => void }).__maillonCspViolation;
      void report(
        `${event.effectiveDirective} refused ${event.blockedURI || 'an inline resource'}` +
          (event.sourceFile ? ` (${event.sourceFile}:${event.lineNumber})` : ''),
      );
    });
  });
  // Refusals the event does not reach (e.g. before the document exists) still reach the console.
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      cspViolations.push(`${message.page()?.url() ?? '(no page)'}: ${message.text()}`);
    }
  });
}

afterEach(() => {
  const seen = cspViolations.splice(0);
  if (seen.length > 0) {
    throw new Error(`Content-Security-Policy violations during this journey:\n${[...new Set(seen)].join('\n')}`);
  }
});

/** A full-page screenshot kept as the test artefact in test-results/e2e/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  // Let toasts and transitions settle so the picture shows the page itself.
  await page.waitForTimeout(300);
  // Toasts are hidden: they would cover the page they comment on.
  await page.screenshot({ path, fullPage: true, style: '.mantine-Notifications-root { display: none !important; }' });
  return path;
}

const normalize = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

/** Removes the pictures a previous failed run of this file left (`FAILED-<prefix>-*.png`). */
export function clearFailureScreenshots(prefix: string) {
  if (!existsSync(SCREENSHOTS)) return;
  for (const f of readdirSync(SCREENSHOTS)) {
    if (f.startsWith(`FAILED-${prefix}-`)) rmSync(join(SCREENSHOTS, f));
  }
}

/** Visible text (as rendered: CSS upper-casing applies) with every white space, no-break ones included, as one space. */
export async function textOf(locator: Locator): Promise<string> {
  return normalize(await locator.innerText());
}

/** The text as written in the page, before CSS (badges are upper-cased by their style). */
export async function contentOf(locator: Locator): Promise<string> {
  return normalize(await locator.textContent());
}

/** Signs in through the sign-in page and waits for the app shell. */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('main-nav').waitFor();
}

/** Picks an option of a Mantine Select (a combobox: open it, click the option by its label). */
export async function selectOption(page: Page, field: Locator, option: string | RegExp) {
  await field.click();
  await page.getByRole('option', { name: option }).click();
}

/**
 * A signed-in API session from the test itself (cookie + CSRF token, like the SPA), to set up
 * what a journey does not need to click through.
 */
export class ApiSession {
  private cookie = '';
  private csrf = '';
  constructor(private readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        'accept-language': 'fr',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const data = response.status === 204 ? undefined : await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(data)}`);
    if (data && typeof data.csrfToken === 'string') this.csrf = data.csrfToken;
    return data as T;
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body: unknown = {}) => this.request<T>('POST', path, body);
  put = <T = any>(path: string, body: unknown = {}) => this.request<T>('PUT', path, body);
  patch = <T = any>(path: string, body: unknown = {}) => this.request<T>('PATCH', path, body);

  static async signIn(baseUrl: string, email: string, password: string) {
    const session = new ApiSession(baseUrl);
    await session.post('/api/auth/login', { email, password });
    return session;
  }
}

/** An agency in the given mode, made through the API: sign-up, request, support's approval, mode switch. */
export async function createAgency(
  server: TestServer,
  who: { name: string; email: string; password: string },
  mode: 'simple' | 'intermediate' | 'complete',
) {
  const agency = new ApiSession(server.url);
  const { account } = await agency.post('/api/auth/signup', { ...who, kind: 'customer' });
  const request = await agency.post('/api/agency/activation-request', {});
  const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
  await support.post(`/api/support/agency-requests/${request.id}/approve`);
  if (mode !== 'simple') await agency.put('/api/agency/mode', { mode, dryRun: false });
  return { api: agency, id: account.id as string };
}
