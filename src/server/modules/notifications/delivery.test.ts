import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackgroundWork } from '../../jobs/handlers.js';
import { signUp, startTestEnv, supportClient, type TestEnv } from '../../testing/harness.js';
import { closeSmtpTransport, deliverQueuedEmails, DELIVERY, queueEmail, retryDelayMs, smtpTransport } from './service.js';

/**
 * A real SMTP server on 127.0.0.1: it records every delivered recipient, refuses the recipients
 * listed in `refused` with a 550, and counts connections.
 */
class FakeSmtp {
  readonly received: string[] = [];
  readonly refused = new Set<string>();
  connections = 0;
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect: (_session, callback) => {
      this.connections++;
      callback();
    },
    onRcptTo: (address, _session, callback) => {
      if (this.refused.has(address.address)) {
        return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      }
      callback();
    },
    onData: (stream, session, callback) => {
      stream.on('data', () => {});
      stream.on('end', () => {
        this.received.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  url = '';
  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }
  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  timesReceived(address: string) {
    return this.received.filter((r) => r === address).length;
  }
}

let env: TestEnv;
const smtp = new FakeSmtp();
beforeAll(async () => {
  await smtp.start();
  // its own schema on PostgreSQL: delivery takes every due message, so other files' e-mails stay out of it
  env = await startTestEnv({ MAILLON_SMTP_URL: smtp.url }, { ownSchema: true });
});
afterAll(async () => {
  closeSmtpTransport();
  await env?.close();
  await smtp.close();
});

const FROM = 'Maillon <no-reply@test.maillon>';
const address = (label: string) => `${label}-${randomUUID().slice(0, 8)}@mail.test`;

async function queue(...recipients: string[]) {
  await env.database.db.transaction().execute(async (tx) => {
    for (const to of recipients) await queueEmail(tx, { to, subject: `Hello ${to}`, text: 'Body' });
  });
}

async function rowOf(to: string) {
  return env.database.db.selectFrom('outbox_emails').selectAll().where('to_address', '=', to).executeTakeFirstOrThrow();
}

const deliver = (now?: Date) => deliverQueuedEmails(env.database.db, smtpTransport(smtp.url), FROM, now ? { now: () => now } : {});

describe('e-mail delivery', () => {
  it('sends message by message: a failing recipient neither resends nor blocks the others', async () => {
    const [first, bad, last] = [address('first'), address('bad'), address('last')];
    smtp.refused.add(bad);
    await queue(first, bad, last);

    await deliver();
    expect(smtp.timesReceived(first)).toBe(1);
    expect(smtp.timesReceived(last)).toBe(1);
    expect(smtp.timesReceived(bad)).toBe(0);
    expect(await rowOf(first)).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect((await rowOf(first)).sent_at).not.toBeNull();
    const failed = await rowOf(bad);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, sent_at: null });
    expect(failed.last_error).toContain('550');
    // the retry waits: nothing is sent again right away, and the sent ones never again
    expect(new Date(failed.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + retryDelayMs(1) / 2);
    await deliver();
    const later = new Date(Date.now() + retryDelayMs(1) + 1_000);
    await deliver(later);
    expect(smtp.timesReceived(first)).toBe(1);
    expect(smtp.timesReceived(last)).toBe(1);
    expect(await rowOf(bad)).toMatchObject({ status: 'pending', attempts: 2 });
  });

  it('waits longer after each failure', () => {
    const delays = [1, 2, 3, 4].map(retryDelayMs);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(new Set(delays).size).toBe(4);
  });

  it('turns a message that keeps failing into a dead letter support sees, retries (audited) and gets sent', async () => {
    const bad = address('dead');
    smtp.refused.add(bad);
    await queue(bad);
    let now = new Date();
    for (let attempt = 1; attempt <= DELIVERY.maxAttempts + 2; attempt++) {
      await deliver(now);
      now = new Date(now.getTime() + retryDelayMs(attempt) + 1_000);
    }
    const dead = await rowOf(bad);
    expect(dead).toMatchObject({ status: 'dead', attempts: DELIVERY.maxAttempts, sent_at: null });
    expect(dead.last_error).toContain('Mailbox unavailable');

    const support = await supportClient(env);
    const listed = await support.get(`/api/support/outbox?status=dead&to=${encodeURIComponent(bad)}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: dead.id, status: 'dead', attempts: DELIVERY.maxAttempts, sentAt: null, lastError: expect.stringContaining('550') }),
    ]);

    // nobody else may retry it; an unknown id is a 404
    const { client } = await signUp(env);
    expect((await client.post(`/api/support/outbox/${dead.id}/retry`)).status).toBe(403);
    expect((await support.post(`/api/support/outbox/${randomUUID()}/retry`)).status).toBe(404);

    smtp.refused.delete(bad);
    const retried = await support.post(`/api/support/outbox/${dead.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ id: dead.id, status: 'pending' });
    const audit = await env.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'support.email_retry')
      .where('target_id', '=', dead.id)
      .execute();
    expect(audit).toHaveLength(1);

    // the background worker delivers it (MAILLON_SMTP_URL is set for this app)
    await runBackgroundWork({ db: env.database.db, config: env.config });
    expect(smtp.timesReceived(bad)).toBe(1);
    expect(await rowOf(bad)).toMatchObject({ status: 'sent', attempts: 1 });
    const again = await support.post(`/api/support/outbox/${dead.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_state');

    // a message a process is sending right now (its lease runs) is not put back: it would leave twice
    const leased = address('leased');
    await queue(leased);
    const row = await rowOf(leased);
    await env.database.db.updateTable('outbox_emails').set({ locked_until: new Date(Date.now() + 60_000), attempts: 1 }).where('id', '=', row.id).execute();
    const busy = await support.post(`/api/support/outbox/${row.id}/retry`);
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toContain('en cours d’envoi');
  });

  it('is safe with several senders at once: each message leaves once', async () => {
    const recipients = Array.from({ length: 30 }, (_, i) => address(`many${i}`));
    await queue(...recipients);
    await Promise.all([deliver(), deliver(), deliver()]);
    for (const to of recipients) expect(smtp.timesReceived(to)).toBe(1);
  });

  it('reuses one pooled transport instead of opening one per pass', async () => {
    expect(smtpTransport(smtp.url)).toBe(smtpTransport(smtp.url));
    const before = smtp.connections;
    const recipients = Array.from({ length: 6 }, (_, i) => address(`pooled${i}`));
    await queue(...recipients);
    await deliver();
    await queue(address('pooled-next'));
    await deliver();
    // maxConnections is 2: seven messages over two passes never open seven connections
    expect(smtp.connections - before).toBeLessThanOrEqual(2);
  });
});
