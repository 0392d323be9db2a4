import nodemailer, { type Transporter } from 'nodemailer';
import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';
import type { Language, OutboxStatus } from '../../db/types.js';
import { cursorPart, decodeCursor, pageOf } from '../../http/pagination.js';
import { renderEmailContent } from './email-layout.js';

/**
 * An e-mail; `redacted` is its variant without the live link, for e-mails that carry one. `html`
 * defaults to the text in the common layout (`lang` its language); `headers` go with it as they are.
 */
export type Email = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  lang?: Language;
  headers?: Record<string, string>;
  redacted?: { subject: string; text: string };
};

/** What replaces a live link in the stored copy of a delivered e-mail and in support's view. */
export const REDACTED_LINK = '[lien retiré / link removed]';

/**
 * Queues an e-mail in the outbox, in the caller's transaction: it leaves only if the change that
 * caused it commits. Without SMTP configured the outbox is where development reads its e-mails.
 * An e-mail with a live link stores its redacted variant too: the live text is kept only until it
 * is delivered (`markEmailSent`).
 *
 * `onlyIf: false` runs the very same statement but writes nothing: a caller that must take the
 * same time whether or not it sends (a password reset for an unknown e-mail) passes its condition.
 */
export async function queueEmail(tx: Tx, email: Email, options: { onlyIf?: boolean } = {}): Promise<void> {
  const when = options.onlyIf ?? true;
  const html = email.html ?? (await htmlOfText(email));
  await sql`
    insert into outbox_emails (to_address, subject, text_body, html_body, headers, redacted_subject, redacted_text)
    select ${email.to}, ${email.subject}, ${email.text}, ${html}, ${email.headers ? JSON.stringify(email.headers) : null}::jsonb,
      ${email.redacted?.subject ?? null}::text, ${email.redacted?.text ?? null}::text
    where ${when}::boolean`.execute(tx);
}

/**
 * The HTML of an account e-mail written as text (invitation, reset, e-mail change): its paragraphs
 * in the common layout, a paragraph that is only a link becoming the button.
 */
async function htmlOfText(email: Email): Promise<string> {
  const blocks = email.text.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  const paragraphs: string[] = [];
  let action: { label: string; url: string } | null = null;
  for (const block of blocks) {
    const lines = block.split('\n');
    const url = lines.find((l) => /^https?:\/\/\S+$/.test(l.trim()));
    if (url && !action) {
      action = { label: email.lang === 'en' ? 'Open the link' : 'Ouvrir le lien', url: url.trim() };
      const rest = lines.filter((l) => l !== url).join(' ').trim();
      if (rest) paragraphs.push(rest);
    } else {
      paragraphs.push(lines.join(' '));
    }
  }
  return (await renderEmailContent({ lang: email.lang ?? 'fr', heading: email.subject, paragraphs, action })).html;
}

export type OutboxFilter = { limit: number; cursor?: string; to?: string; status?: OutboxStatus; showLinks: boolean };

/**
 * The outbox, newest first on (created_at, id), a page at a time. Unless `showLinks` (development
 * without SMTP), an e-mail that carried a live link shows only its redacted variant, whether it is
 * delivered yet or not.
 */
export async function listOutbox(db: Tx, page: OutboxFilter) {
  const after = decodeCursor(page.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const rows = await db
    .selectFrom('outbox_emails')
    .selectAll()
    .select(sql<string>`created_at::text`.as('sort_key'))
    .$if(Boolean(page.to), (q) => q.where('to_address', '=', page.to!.toLowerCase()))
    .$if(Boolean(page.status), (q) => q.where('status', '=', page.status!))
    .$if(after !== null, (q) =>
      q.where(sql<boolean>`(created_at, id) < (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const { items, nextCursor } = pageOf(rows, page.limit, (r) => [r.sort_key, r.id]);
  return {
    items: items.map((r) => {
      const hide = !page.showLinks && r.redacted_text !== null;
      return {
        id: r.id,
        to: r.to_address,
        subject: hide ? (r.redacted_subject ?? r.subject) : r.subject,
        text: hide ? r.redacted_text! : r.text_body,
        linkHidden: hide,
        createdAt: new Date(r.created_at).toISOString(),
        sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.status === 'pending' ? new Date(r.next_attempt_at).toISOString() : null,
        lastAttemptAt: r.last_attempt_at ? new Date(r.last_attempt_at).toISOString() : null,
        lastError: r.last_error,
      };
    }),
    nextCursor,
  };
}


/** How delivery retries: after `maxAttempts` failed attempts a message is dead until support retries it. */
export const DELIVERY = {
  maxAttempts: 5,
  /** delay before attempt n+1 after n failures: base · 2^(n−1), capped */
  retryBaseMs: 60_000,
  retryMaxMs: 6 * 3_600_000,
  /** how long a process owns the messages it claimed; a crashed sender's messages come back after it */
  leaseMs: 2 * 60_000,
  batch: 20,
} as const;

export function retryDelayMs(failedAttempts: number): number {
  return Math.min(DELIVERY.retryBaseMs * 2 ** Math.max(0, failedAttempts - 1), DELIVERY.retryMaxMs);
}

/** What sends one message; the SMTP transport below in production, anything with the same shape in tests. */
export type MailSender = {
  sendMail: (message: { from: string; to: string; subject: string; text: string; html?: string; headers?: Record<string, string> }) => Promise<unknown>;
};

let pooled: { url: string; transport: Transporter } | null = null;

/**
 * The process's one SMTP transport: pooled connections reused for the life of the process
 * (`closeSmtpTransport` at shutdown), instead of a new transport and connection per pass.
 */
export function smtpTransport(url: string): Transporter {
  if (pooled?.url !== url) {
    pooled?.transport.close();
    pooled = { url, transport: nodemailer.createTransport({
        url,
        pool: true,
        maxConnections: 2,
        maxMessages: 100,
        // well inside the claim's lease, so a hung server cannot make two processes send one message
        connectionTimeout: 20_000,
        greetingTimeout: 20_000,
        socketTimeout: 60_000,
      }) };
  }
  return pooled.transport;
}

export function closeSmtpTransport(): void {
  pooled?.transport.close();
  pooled = null;
}

type ClaimedEmail = {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  headers: Record<string, string> | null;
  attempts: number;
};

/**
 * Claims up to `limit` due messages in a short transaction of its own: FOR UPDATE SKIP LOCKED so
 * concurrent processes take different rows, then a lease (`locked_until`) so that no other process
 * takes them while they are being sent outside any transaction. The attempt is counted here: a
 * process that dies while sending has used it, and the message comes back when the lease ends.
 */
async function claimDueEmails(db: Tx, now: Date, limit: number): Promise<ClaimedEmail[]> {
  return db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom('outbox_emails')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    return tx
      .updateTable('outbox_emails')
      .set({ locked_until: new Date(now.getTime() + DELIVERY.leaseMs), attempts: sql`attempts + 1`, last_attempt_at: now })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .returning(['id', 'to_address', 'subject', 'text_body', 'html_body', 'headers', 'attempts'])
      .execute();
  });
}

/**
 * The one place where a message becomes sent. In the same statement the stored copy of an e-mail
 * that carried a live link becomes its redacted variant: the live token now exists only in the
 * recipient's mailbox.
 */
export async function markEmailSent(db: Tx, id: string): Promise<void> {
  await db
    .updateTable('outbox_emails')
    .set({
      status: 'sent',
      sent_at: sql`now()`,
      locked_until: null,
      last_error: null,
      subject: sql`coalesce(redacted_subject, subject)`,
      text_body: sql`coalesce(redacted_text, text_body)`,
      // The HTML of an e-mail with a live link is not kept: its redacted text is the stored copy.
      html_body: sql`case when redacted_text is null then html_body end`,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** A failed attempt: retried later with a growing delay, or dead after the last attempt. */
async function markEmailFailed(db: Tx, mail: ClaimedEmail, error: unknown, now: Date): Promise<'retry' | 'dead'> {
  const dead = mail.attempts >= DELIVERY.maxAttempts;
  await db
    .updateTable('outbox_emails')
    .set({
      status: dead ? 'dead' : 'pending',
      locked_until: null,
      next_attempt_at: new Date(now.getTime() + retryDelayMs(mail.attempts)),
      last_error: describeError(error),
    })
    .where('id', '=', mail.id)
    .where('status', '=', 'pending')
    .execute();
  return dead ? 'dead' : 'retry';
}

function describeError(error: unknown): string {
  const e = error as { message?: string; responseCode?: number; response?: string; code?: string };
  const text = e?.response ?? e?.message ?? String(error);
  const code = e?.responseCode ?? e?.code;
  return (code !== undefined && !text.startsWith(String(code)) ? `${code} ${text}` : text).slice(0, 1000);
}

export type DeliveryReport = { sent: number; retried: number; dead: number };

/**
 * Sends the due messages of the outbox, message by message, outside any transaction: each one is
 * marked sent or failed on its own, so a failing recipient neither resends nor blocks the others.
 * Safe with several app processes (claims with SKIP LOCKED and a lease). Stops when nothing is due
 * or after `maxBatches` claims (the next pass goes on).
 */
export async function deliverQueuedEmails(
  db: Tx,
  sender: MailSender,
  from: string,
  options: { now?: () => Date; maxBatches?: number } = {},
): Promise<DeliveryReport> {
  const now = options.now ?? (() => new Date());
  const report: DeliveryReport = { sent: 0, retried: 0, dead: 0 };
  for (let batch = 0; batch < (options.maxBatches ?? 10); batch++) {
    const claimed = await claimDueEmails(db, now(), DELIVERY.batch);
    for (const mail of claimed) {
      try {
        await sender.sendMail({
          from,
          to: mail.to_address,
          subject: mail.subject,
          text: mail.text_body,
          ...(mail.html_body ? { html: mail.html_body } : {}),
          ...(mail.headers ? { headers: mail.headers } : {}),
        });
      } catch (error) {
        const outcome = await markEmailFailed(db, mail, error, now());
        if (outcome === 'dead') report.dead++;
        else report.retried++;
        continue;
      }
      await markEmailSent(db, mail.id);
      report.sent++;
    }
    if (claimed.length < DELIVERY.batch) break;
  }
  return report;
}

/**
 * Puts a dead (or waiting) message back in the queue for a fresh series of attempts, due now.
 * Returns null when the message does not exist, was already sent or is being sent. The caller audits it.
 */
export async function requeueEmail(tx: Tx, id: string): Promise<{ id: string; to: string } | null> {
  const row = await tx
    .updateTable('outbox_emails')
    .set({ status: 'pending', attempts: 0, next_attempt_at: sql`now()`, locked_until: null })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'dead'),
        // a waiting message, unless a process is sending it right now (its lease runs)
        eb.and([eb('status', '=', 'pending'), eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', new Date())])]),
      ]),
    )
    .returning(['id', 'to_address'])
    .executeTakeFirst();
  return row ? { id: row.id, to: row.to_address } : null;
}

/** Whether an outbox message exists (for a 404 before a 409). */
export async function findEmailStatus(tx: Tx, id: string): Promise<OutboxStatus | null> {
  const row = await tx.selectFrom('outbox_emails').select('status').where('id', '=', id).executeTakeFirst();
  return row?.status ?? null;
}

type Template = (p: Record<string, string>) => { subject: string; text: string };
type TemplateName = 'invitation' | 'password_reset' | 'email_change_confirm' | 'email_change_notice';

/** Templates whose `link` holds a live token: their stored copy is redacted. */
const SENSITIVE: ReadonlySet<TemplateName> = new Set(['invitation', 'password_reset', 'email_change_confirm']);

const templates: Record<TemplateName, Record<Language, Template>> = {
  invitation: {
    fr: (p) => ({
      subject: `${p.inviter} vous invite sur Maillon`,
      text: `Bonjour ${p.name},\n\n${p.inviter} a créé votre accès à Maillon.\nChoisissez votre mot de passe ici (lien valable 7 jours) :\n${p.link}\n\nL'équipe Maillon`,
    }),
    en: (p) => ({
      subject: `${p.inviter} invites you to Maillon`,
      text: `Hello ${p.name},\n\n${p.inviter} created your Maillon access.\nChoose your password here (link valid for 7 days):\n${p.link}\n\nThe Maillon team`,
    }),
  },
  password_reset: {
    fr: (p) => ({
      subject: 'Réinitialisation de votre mot de passe Maillon',
      text: `Bonjour ${p.name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable 1 heure) :\n${p.link}\n\nSi vous n'avez rien demandé, ignorez ce message.\n\nL'équipe Maillon`,
    }),
    en: (p) => ({
      subject: 'Reset your Maillon password',
      text: `Hello ${p.name},\n\nTo choose a new password, open this link (valid for 1 hour):\n${p.link}\n\nIf you did not ask for it, ignore this message.\n\nThe Maillon team`,
    }),
  },
  email_change_confirm: {
    fr: (p) => ({
      subject: 'Confirmez votre nouvelle adresse e-mail Maillon',
      text: `Bonjour ${p.name},\n\nVous avez demandé à utiliser cette adresse pour votre compte Maillon. Confirmez-la en ouvrant ce lien (valable 24 heures) :\n${p.link}\n\nTant que vous ne l'avez pas ouvert, votre compte garde son ancienne adresse. Si vous n'avez rien demandé, ignorez ce message.\n\nL'équipe Maillon`,
    }),
    en: (p) => ({
      subject: 'Confirm your new Maillon e-mail address',
      text: `Hello ${p.name},\n\nYou asked to use this address for your Maillon account. Confirm it by opening this link (valid for 24 hours):\n${p.link}\n\nUntil you open it, your account keeps its former address. If you did not ask for it, ignore this message.\n\nThe Maillon team`,
    }),
  },
  email_change_notice: {
    fr: (p) => ({
      subject: 'Changement de votre adresse e-mail Maillon',
      text: `Bonjour ${p.name},\n\nUn changement de l'adresse e-mail de votre compte Maillon vers ${p.newEmail} a été demandé. Il prendra effet quand le lien envoyé à cette nouvelle adresse sera ouvert.\n\nSi vous n'êtes pas à l'origine de cette demande, changez votre mot de passe et prévenez le support.\n\nL'équipe Maillon`,
    }),
    en: (p) => ({
      subject: 'Your Maillon e-mail address is changing',
      text: `Hello ${p.name},\n\nA change of your Maillon account's e-mail address to ${p.newEmail} was requested. It takes effect when the link sent to that new address is opened.\n\nIf you did not ask for it, change your password and tell support.\n\nThe Maillon team`,
    }),
  },
};

export function renderEmail(
  template: keyof typeof templates,
  lang: Language,
  to: string,
  params: Record<string, string>,
): Email {
  const live = templates[template][lang](params);
  if (!SENSITIVE.has(template)) return { to, lang, ...live };
  return { to, lang, ...live, redacted: templates[template][lang]({ ...params, link: REDACTED_LINK }) };
}

/** How many e-mails the outbox gave up on (the support dashboard's queue). */
export async function countDeadEmails(db: Tx): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::int as n from outbox_emails where status = 'dead'`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}
