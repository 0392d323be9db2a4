import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, makeAgency, PASSWORD, signUp, startTestEnv, supportClient, uniqueEmail, type TestEnv } from '../../testing/harness.js';
import { DEMO_SELLER } from '../../config.js';
import { closeSmtpTransport, deliverQueuedEmails, markEmailSent, REDACTED_LINK, smtpTransport } from './service.js';

/** The smallest SMTP server nodemailer talks to: it keeps every message it is given. */
function fakeSmtp(): Promise<{ url: string; received: string[]; server: Server }> {
  const received: string[] = [];
  const server = createServer((socket) => {
    let data: string | null = null;
    let buffer = '';
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data !== null) {
          if (line === '.') {
            received.push(data);
            data = null;
            socket.write('250 queued\r\n');
          } else data += line + '\n';
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 fake\r\n');
        else if (/^DATA/i.test(line)) {
          data = '';
          socket.write('354 go on\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({ url: `smtp://127.0.0.1:${port}`, received, server });
    }),
  );
}

let smtp: Awaited<ReturnType<typeof fakeSmtp>>;
let env: TestEnv;
beforeAll(async () => {
  smtp = await fakeSmtp();
  // A schema of its own on PostgreSQL: this file delivers everything queued, which would redact
  // the links other files read from a shared outbox.
  env = await startTestEnv({ MAILLON_SMTP_URL: smtp.url }, { ownSchema: true });
});
afterAll(async () => {
  await env?.close();
  closeSmtpTransport();
  smtp?.server.close();
});

const tokenIn = (text: string) => /token=([\w-]+)/.exec(text)?.[1];

/** What the delivery loop does to one message once it is sent. */
/** What delivery does once the SMTP server took the message. */
async function markSent(id: string) {
  await markEmailSent(env.database.db, id);
}

describe('the outbox with SMTP configured', () => {
  it('shows support no live link, before or after delivery, and audits the reading', async () => {
    const { email } = await signUp(env);
    expect((await new Client(env.app).post('/api/auth/password-reset', { email })).status).toBe(204);
    const support = await supportClient(env);
    const before = await support.get(`/api/support/outbox?to=${encodeURIComponent(email)}`);
    expect(before.status).toBe(200);
    expect(before.body.items).toHaveLength(1);
    expect(before.body.items[0]).toMatchObject({ linkHidden: true, sentAt: null });
    expect(tokenIn(before.body.items[0].text)).toBeUndefined();
    expect(before.body.items[0].text).toContain(REDACTED_LINK);

    const supportId = (await support.get('/api/me')).body.person.id;
    const audit = await env.database.db
      .selectFrom('audit_log')
      .select(['action', 'details', 'ip'])
      .where('person_id', '=', supportId)
      .where('action', '=', 'support.outbox_read')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].ip).toBe(support.address);
    expect(audit[0].details).toMatchObject({ to: email, emails: [before.body.items[0].id], linksShown: false });
  });

  it('keeps only the redacted copy of a sent message, while its link stays live', async () => {
    const email = uniqueEmail('manager');
    await makeAgency(env, 'complete', [['Nora', 'manager', 'agency', email]]);
    const queued = await env.database.db.selectFrom('outbox_emails').selectAll().where('to_address', '=', email).executeTakeFirstOrThrow();
    const token = tokenIn(queued.text_body)!;
    expect(queued.redacted_text).toContain(REDACTED_LINK);
    await markSent(queued.id);
    const stored = await env.database.db.selectFrom('outbox_emails').selectAll().where('id', '=', queued.id).executeTakeFirstOrThrow();
    expect(stored.text_body).not.toContain(token);
    expect(stored.text_body).toBe(queued.redacted_text);
    expect((await new Client(env.app).get(`/api/auth/invitations/${token}`)).status).toBe(200);
  });

  it('delivers the live link through SMTP, then keeps only the redacted copy', async () => {
    const email = uniqueEmail('manager');
    await makeAgency(env, 'complete', [['Mona', 'manager', 'agency', email]]);
    while ((await deliverQueuedEmails(env.database.db, smtpTransport(smtp.url), env.config.mailFrom)).sent > 0);
    const delivered = smtp.received.find((m) => m.includes(email));
    expect(delivered, 'the invitation reached the SMTP server').toBeDefined();
    // quoted-printable: soft line breaks, then =XX escapes
    const decoded = delivered!.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    const token = tokenIn(decoded);
    expect(token).toBeDefined();
    const stored = await env.database.db.selectFrom('outbox_emails').selectAll().where('to_address', '=', email).executeTakeFirstOrThrow();
    expect(stored.sent_at).not.toBeNull();
    expect(stored.text_body).not.toContain(token);
    expect(tokenIn(stored.text_body)).toBeUndefined();
    expect(stored.text_body).toContain(REDACTED_LINK);
    // The link in the mailbox still works: the token is live, only its stored copy is gone.
    expect((await new Client(env.app).get(`/api/auth/invitations/${token}`)).status).toBe(200);
  });

  it('keeps e-mails without a live link as they are', async () => {
    const { client, email } = await signUp(env);
    expect((await client.post('/api/auth/email', { currentPassword: PASSWORD, email: uniqueEmail('nouvelle') })).status).toBe(200);
    const queued = await env.database.db.selectFrom('outbox_emails').selectAll().where('to_address', '=', email).executeTakeFirstOrThrow();
    expect(queued.subject).toBe('Changement de votre adresse e-mail Maillon');
    await markSent(queued.id);
    const sent = await env.database.db.selectFrom('outbox_emails').selectAll().where('id', '=', queued.id).executeTakeFirstOrThrow();
    expect(sent).toMatchObject({ redacted_text: null, text_body: queued.text_body, html_body: queued.html_body });
  });

  it('keeps the link of a notification once sent, not its unsubscribe token', async () => {
    // The agency-mode decision reaches the requester as a notification e-mail, with the /agence link.
    const fx = await makeAgency(env, 'simple');
    const queued = await env.database.db
      .selectFrom('outbox_emails')
      .selectAll()
      .where('to_address', '=', fx.email)
      .where('subject', '=', 'Mode agence activé')
      .executeTakeFirstOrThrow();
    const token = /unsubscribe\/([\w-]+)>/.exec(queued.headers!['List-Unsubscribe'])![1];
    expect(queued.text_body).toContain(token);
    await markSent(queued.id);
    const sent = await env.database.db.selectFrom('outbox_emails').selectAll().where('id', '=', queued.id).executeTakeFirstOrThrow();
    expect(sent.text_body).toContain(`${env.config.publicUrl.replace(/\/$/, '')}/agence`);
    expect(sent.text_body).toContain(REDACTED_LINK);
    expect(sent.text_body).not.toContain(token);
  });
});

describe('the outbox in production without SMTP', () => {
  it('shows support no live link either', async () => {
    const seller = {
      ...DEMO_SELLER,
      MAILLON_SELLER_SIRET: '73282932000074',
      MAILLON_SELLER_VAT_NUMBER: 'FR44732829320',
      MAILLON_SELLER_IBAN: 'FR14 2004 1010 0505 0001 3M02 606',
      MAILLON_SELLER_BIC: 'PSSTFRPPPAR',
    };
    const prod = await startTestEnv({ NODE_ENV: 'production', ...seller });
    try {
      expect(prod.config.production).toBe(true);
      const { email } = await signUp(prod);
      expect((await new Client(prod.app).post('/api/auth/password-reset', { email })).status).toBe(204);
      const support = await supportClient(prod);
      const { body } = await support.get(`/api/support/outbox?to=${encodeURIComponent(email)}`);
      expect(body.items).toHaveLength(1);
      expect(body.items[0].linkHidden).toBe(true);
      expect(tokenIn(body.items[0].text)).toBeUndefined();
    } finally {
      await prod.close();
    }
  });
});
