import nodemailer from 'nodemailer';
import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';
import type { Language } from '../../db/types.js';

/** An e-mail; `redacted` is its variant without the live link, for e-mails that carry one. */
export type Email = { to: string; subject: string; text: string; redacted?: { subject: string; text: string } };

/** What replaces a live link in the stored copy of a delivered e-mail and in support's view. */
export const REDACTED_LINK = '[lien retiré / link removed]';

/**
 * Queues an e-mail in the outbox, in the caller's transaction: it leaves only if the change that
 * caused it commits. Without SMTP configured the outbox is where development reads its e-mails.
 * An e-mail with a live link stores its redacted variant too: the live text is kept only until it
 * is delivered (`redactDelivered`).
 *
 * `onlyIf: false` runs the very same statement but writes nothing: a caller that must take the
 * same time whether or not it sends (a password reset for an unknown e-mail) passes its condition.
 */
export async function queueEmail(tx: Tx, email: Email, options: { onlyIf?: boolean } = {}): Promise<void> {
  const when = options.onlyIf ?? true;
  await sql`
    insert into outbox_emails (to_address, subject, text_body, redacted_subject, redacted_text)
    select ${email.to}, ${email.subject}, ${email.text}, ${email.redacted?.subject ?? null}::text, ${email.redacted?.text ?? null}::text
    where ${when}::boolean`.execute(tx);
}

/**
 * The outbox, newest first. Unless `showLinks` (development without SMTP), an e-mail that carried
 * a live link shows only its redacted variant, whether it is delivered yet or not.
 */
export async function listOutbox(db: Tx, page: { limit: number; to?: string; showLinks: boolean }) {
  const rows = await db
    .selectFrom('outbox_emails')
    .selectAll()
    .$if(Boolean(page.to), (q) => q.where('to_address', '=', page.to!.toLowerCase()))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .execute();
  return rows.map((r) => {
    const hide = !page.showLinks && r.redacted_text !== null;
    return {
      id: r.id,
      to: r.to_address,
      subject: hide ? (r.redacted_subject ?? r.subject) : r.subject,
      text: hide ? r.redacted_text! : r.text_body,
      linkHidden: hide,
      createdAt: new Date(r.created_at).toISOString(),
      sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
    };
  });
}

/**
 * Replaces the stored copy of a delivered e-mail by its redacted variant: once sent, a live token
 * exists only in the recipient's mailbox. Called wherever a message is marked sent.
 */
export async function redactDelivered(tx: Tx, id: string): Promise<void> {
  await sql`
    update outbox_emails
    set subject = coalesce(redacted_subject, subject), text_body = redacted_text
    where id = ${id} and redacted_text is not null`.execute(tx);
}

/** Sends what the outbox holds through SMTP; several app processes can run it at once. */
export async function deliverQueuedEmails(db: Tx, smtpUrl: string, from: string): Promise<number> {
  const transport = nodemailer.createTransport(smtpUrl);
  let sent = 0;
  await db.transaction().execute(async (tx) => {
    const batch = await tx
      .selectFrom('outbox_emails')
      .selectAll()
      .where('sent_at', 'is', null)
      .orderBy('created_at')
      .limit(20)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const mail of batch) {
      await transport.sendMail({ from, to: mail.to_address, subject: mail.subject, text: mail.text_body });
      await tx.updateTable('outbox_emails').set({ sent_at: sql`now()` }).where('id', '=', mail.id).execute();
      await redactDelivered(tx, mail.id);
      sent++;
    }
  });
  return sent;
}

type Template = (p: Record<string, string>) => { subject: string; text: string };
type TemplateName = 'invitation' | 'password_reset' | 'agency_approved' | 'email_change_confirm' | 'email_change_notice';

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
  agency_approved: {
    fr: (p) => ({
      subject: 'Le mode agence est activé',
      text: `Bonjour ${p.name},\n\nLe support a activé le mode agence sur votre compte. Le menu « Agence » est maintenant disponible.\n${p.link}\n\nL'équipe Maillon`,
    }),
    en: (p) => ({
      subject: 'Agency mode is on',
      text: `Hello ${p.name},\n\nSupport turned agency mode on for your account. The "Agency" menu is now available.\n${p.link}\n\nThe Maillon team`,
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
  if (!SENSITIVE.has(template)) return { to, ...live };
  return { to, ...live, redacted: templates[template][lang]({ ...params, link: REDACTED_LINK }) };
}
