import nodemailer from 'nodemailer';
import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';
import type { Language } from '../../db/types.js';
import { decodeCursor, pageOf } from '../../http/pagination.js';

export type Email = { to: string; subject: string; text: string };

/**
 * Queues an e-mail in the outbox, in the caller's transaction: it leaves only if the change that
 * caused it commits. Without SMTP configured the outbox is where development reads its e-mails.
 */
export async function queueEmail(tx: Tx, email: Email): Promise<void> {
  await tx
    .insertInto('outbox_emails')
    .values({ to_address: email.to, subject: email.subject, text_body: email.text })
    .execute();
}

/** The outbox, newest first on (created_at, id), a page at a time. */
export async function listOutbox(db: Tx, page: { limit: number; cursor?: string; to?: string }) {
  const after = decodeCursor(page.cursor);
  const rows = await db
    .selectFrom('outbox_emails')
    .selectAll()
    .select(sql<string>`created_at::text`.as('sort_key'))
    .$if(Boolean(page.to), (q) => q.where('to_address', '=', page.to!.toLowerCase()))
    .$if(after !== null && after.length === 2, (q) =>
      q.where(sql<boolean>`(created_at, id) < (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const { items, nextCursor } = pageOf(rows, page.limit, (r) => [r.sort_key, r.id]);
  return {
    items: items.map((r) => ({
      id: r.id,
      to: r.to_address,
      subject: r.subject,
      text: r.text_body,
      createdAt: new Date(r.created_at).toISOString(),
      sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
    })),
    nextCursor,
  };
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
      sent++;
    }
  });
  return sent;
}

type Template = (p: Record<string, string>) => { subject: string; text: string };

const templates: Record<'invitation' | 'password_reset' | 'agency_approved', Record<Language, Template>> = {
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
  return { to, ...templates[template][lang](params) };
}
