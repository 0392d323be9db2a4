// Support's e-mail outbox with real delivery (a fake SMTP server on loopback): a message given up
// after its attempts shows its error, support sends it again, it leaves. And the API docs (Swagger
// UI) render under the security headers. Every page of every journey is watched for CSP
// violations (e2e/support.ts).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { runBackgroundWork } from '../src/server/jobs/handlers';
import { closeSmtpTransport } from '../src/server/modules/notifications/service';
import { ApiSession, clearFailureScreenshots, contentOf, launchBrowser, newContext, screenshot, signIn, startServer, type TestServer } from './support';

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let current: Page | null = null;
const received: string[] = [];
const refused = new Set<string>();
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onRcptTo: (address, _session, callback) =>
    refused.has(address.address) ? callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 })) : callback(),
  onData: (stream, session, callback) => {
    stream.on('data', () => {});
    stream.on('end', () => {
      received.push(...session.envelope.rcptTo.map((r) => r.address));
      callback();
    });
  },
});

beforeAll(async () => {
  clearFailureScreenshots('mail');
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  [server, browser] = await Promise.all([startServer({ env: { MAILLON_SMTP_URL: smtpUrl } }), launchBrowser()]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
  closeSmtpTransport();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

async function openPage(): Promise<Page> {
  const context = await newContext(browser, server.url);
  contexts.push(context);
  current = await context.newPage();
  return current;
}

function keepFailure(name: string) {
  onTestFailed(async () => {
    if (current && !current.isClosed()) await screenshot(current, `FAILED-mail-${name}`).catch(() => {});
  });
}

const work = () => runBackgroundWork({ db: server.database.db, config: server.config });

describe('e-mail delivery in the back office', () => {
  it('(1) a message given up after its attempts shows its error; support sends it again and it leaves', async () => {
    keepFailure('1');
    const to = 'boite-pleine@e2e.maillon.test';
    refused.add(to);
    const customer = new ApiSession(server.url);
    await customer.post('/api/auth/signup', { email: to, password: 'client-motdepasse-1', name: 'Boîte Pleine', kind: 'customer' });
    await new ApiSession(server.url).post('/api/auth/password-reset', { email: to });
    await work();
    // Skip the waiting between attempts: the next ones are due now, until the last one fails.
    for (let i = 0; i < 10; i++) {
      await server.database.db.updateTable('outbox_emails').set({ next_attempt_at: new Date() }).where('to_address', '=', to).where('status', '=', 'pending').execute();
      await work();
    }
    const rows = await server.database.db.selectFrom('outbox_emails').select(['status', 'attempts']).where('to_address', '=', to).execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'dead')).toBe(true);

    const support = await openPage();
    await signIn(support, server.support.email, server.support.password);
    await support.goto('/support/emails');
    await support.getByTestId('outbox-status-filter').getByText('Abandonnés').click();
    const mail = support.getByTestId('outbox-email').filter({ hasText: to }).first();
    await mail.waitFor();
    expect(await contentOf(mail.getByTestId('outbox-status'))).toBe('abandonné');
    expect(await contentOf(mail.getByTestId('outbox-attempts'))).toBe('5 tentatives');
    expect(await contentOf(mail.getByTestId('outbox-error'))).toContain('550');
    await screenshot(support, '1a-outbox-dead-letter');

    refused.delete(to);
    await mail.getByTestId('outbox-retry').click();
    await support.getByText('E-mail remis dans la file d’envoi.').waitFor();
    await work();
    expect(received.filter((r) => r === to).length).toBe(rows.length);
    await support.getByTestId('outbox-status-filter').getByText('Envoyés').click();
    const sent = support.getByTestId('outbox-email').filter({ hasText: to }).first();
    await sent.waitFor();
    expect(await contentOf(sent.getByTestId('outbox-status'))).toBe('envoyé');
    await screenshot(support, '1b-outbox-sent');
  });

  it('(2) the API docs render under the security headers', async () => {
    keepFailure('2');
    const page = await openPage();
    const response = await page.goto('/api/docs/');
    expect(response?.headers()['x-frame-options']).toBe('DENY');
    await page.getByText('Maillon API').first().waitFor();
    await page.locator('.opblock').first().waitFor();
    await screenshot(page, '2-api-docs');
  });
});
