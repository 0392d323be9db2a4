import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Ctx, Tx } from '../../http/actor.js';
import type { EmailMode, Language } from '../../db/types.js';
import { cursorPart, decodeCursor, pageOf } from '../../http/pagination.js';
import { renderEmailContent } from './email-layout.js';
import {
  notificationCategories,
  notificationKinds,
  type NotificationCategory,
  type NotificationEvent,
  type Recipient,
  type Relation,
} from './events.js';
import { categoryNames, emailWords, renderNotification } from './messages.js';
import { queueEmail, REDACTED_LINK } from './outbox.js';

/**
 * The notifications people get: recorded in the transaction of the change that causes them (the
 * app's bell always shows them), e-mailed at once, in the next daily digest, or not at all, as the
 * person chose for the category (else by default: immediate for the account concerned and the
 * client's person in charge, a digest for those above; nothing by e-mail without a login).
 */

const strength: Record<Relation, number> = { concerned: 3, in_charge: 2, above: 1 };

/** One recipient once, in its closest relation to the event. */
function distinctRecipients(recipients: Recipient[]): Recipient[] {
  const byId = new Map<string, Recipient>();
  for (const r of recipients) {
    const seen = byId.get(r.accountId);
    if (!seen || strength[r.relation] > strength[seen.relation]) byId.set(r.accountId, r);
  }
  return [...byId.values()];
}

async function preferencesOf(db: Tx, personIds: string[], category?: string): Promise<Map<string, EmailMode>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('notification_preferences')
    .select(['person_id', 'category', 'email'])
    .where('person_id', '=', sql<string>`any(${personIds}::uuid[])`)
    .$if(category !== undefined, (q) => q.where('category', '=', category!))
    .execute();
  return new Map(rows.map((r) => [`${r.person_id}:${r.category}`, r.email]));
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

async function issueUnsubscribeToken(tx: Tx, personId: string, categories: string[]): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await tx.insertInto('unsubscribe_tokens').values({ token_hash: hashToken(token), person_id: personId, categories }).execute();
  return token;
}

/** The e-mail of one notification or digest, with its one-click unsubscribe (RFC 8058). */
async function queueNotificationEmail(
  tx: Tx,
  ctx: Ctx,
  to: { personId: string; email: string; name: string; language: Language },
  message: { subject: string; heading: string; paragraphs: string[]; entries?: { title: string; body: string; link: string | null }[]; link: string | null },
  categories: string[],
) {
  const base = ctx.config.publicUrl.replace(/\/$/, '');
  const token = await issueUnsubscribeToken(tx, to.personId, categories);
  const words = emailWords[to.language];
  const content = {
    lang: to.language,
    heading: message.heading,
    preview: message.paragraphs[0],
    paragraphs: [words.hello(to.name), ...message.paragraphs],
    entries: message.entries,
    action: message.link ? { label: words.open, url: `${base}${message.link}` } : null,
    preferencesUrl: `${base}/mon-compte#notifications`,
  };
  const live = await renderEmailContent({ ...content, unsubscribeUrl: `${base}/desabonnement?token=${token}` });
  // The copy kept once sent has no working unsubscribe link: it is the recipient's alone.
  const kept = await renderEmailContent({ ...content, unsubscribeUrl: REDACTED_LINK });
  await queueEmail(tx, {
    to: to.email,
    subject: message.subject,
    text: live.text,
    html: live.html,
    headers: {
      'List-Unsubscribe': `<${base}/api/notifications/unsubscribe/${token}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    redacted: { subject: message.subject, text: kept.text },
  });
}

/**
 * Records an event for each of its recipients, in the caller's transaction, and queues the
 * immediate e-mails. Recipients are found by the emitting feature (its account, the client's
 * person in charge and those above, support), each once in its closest relation.
 */
export async function notify(tx: Tx, ctx: Ctx, event: NotificationEvent): Promise<void> {
  const category = notificationKinds[event.kind].category;
  if (event.recipients.length === 0) return;
  // One statement for every recipient (the database function notify_recipients, migration 0027,
  // which allocate_credits calls too): each one's preference for the category, or the default of
  // its relation, decides its e-mail mode as the rows are written.
  const { rows: written } = await sql<{ person_id: string; email: 'immediate' | 'digest' | 'none' }>`
    select person_id, email from notify_recipients(${event.kind}, ${category}, ${JSON.stringify(event.params)}::jsonb, ${event.link}::text,
      ${event.object?.type ?? null}::text, ${event.object?.id ?? null}::uuid, ${JSON.stringify(event.recipients)}::jsonb, true)`.execute(tx);
  const immediate = new Set(written.filter((w) => w.email === 'immediate').map((w) => w.person_id));
  for (const r of distinctRecipients(event.recipients)) {
    if (!immediate.has(r.accountId)) continue;
    const to = { personId: r.accountId, email: r.email!, name: r.name, language: r.language };
    await queueEventEmail(tx, ctx, to, event.kind, event.params, event.link, category);
  }
}

/** The immediate e-mail of one notification, in its recipient's language. */
async function queueEventEmail(
  tx: Tx,
  ctx: Ctx,
  to: { personId: string; email: string; name: string; language: Language },
  kind: string,
  params: NotificationEvent['params'],
  link: string | null,
  category: string,
) {
  const text = renderNotification(kind, params, to.language);
  await queueNotificationEmail(tx, ctx, to, { subject: text.title, heading: text.title, paragraphs: [text.body], link }, [category]);
}

const COMPOSE_BATCH = 50;

/**
 * Queues the immediate e-mails of the notifications written without theirs: those of a use case
 * that runs as one database statement (an allocation, `allocate_credits`). Each batch is claimed
 * (`skip locked`, so processes side by side never write one twice), e-mailed and marked in one
 * transaction. Returns how many e-mails were queued.
 */
export async function composeImmediateEmails(ctx: Ctx): Promise<number> {
  let queued = 0;
  for (;;) {
    const batch = await ctx.db.transaction().execute(async (tx) => {
      const rows = await tx
        .selectFrom('notifications')
        .select(['id', 'person_id', 'kind', 'category', 'params', 'link', 'email_to', 'language', 'recipient_name'])
        .where('email', '=', 'immediate')
        .where('emailed_at', 'is', null)
        .orderBy('created_at')
        .limit(COMPOSE_BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const r of rows) {
        if (r.email_to === null) continue;
        const to = { personId: r.person_id, email: r.email_to, name: r.recipient_name, language: r.language };
        await queueEventEmail(tx, ctx, to, r.kind, r.params, r.link, r.category);
      }
      if (rows.length > 0) {
        await tx
          .updateTable('notifications')
          .set({ emailed_at: sql`now()` })
          .where('id', '=', sql<string>`any(${rows.map((r) => r.id)}::uuid[])`)
          .execute();
      }
      return { claimed: rows.length, queued: rows.filter((r) => r.email_to !== null).length };
    });
    queued += batch.queued;
    if (batch.claimed < COMPOSE_BATCH) return queued;
  }
}

// ---------------------------------------------------------------------------------------------
// The bell and the notifications page

export type NotificationFilters = { unread?: boolean; category?: NotificationCategory; limit: number; cursor?: string };

export async function listNotifications(db: Tx, personId: string, lang: Language, f: NotificationFilters) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const rows = await db
    .selectFrom('notifications')
    .select(['id', 'kind', 'category', 'params', 'link', 'object_type', 'object_id', 'created_at', 'read_at', sql<string>`created_at::text`.as('sort_key')])
    .where('person_id', '=', personId)
    .$if(Boolean(f.unread), (q) => q.where('read_at', 'is', null))
    .$if(f.category !== undefined, (q) => q.where('category', '=', f.category!))
    .$if(after !== null, (q) =>
      q.where(sql<boolean>`(created_at, id) < (${String(after![0])}::timestamptz, ${String(after![1])}::uuid)`),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = pageOf(rows, f.limit, (r) => [r.sort_key, r.id]);
  return {
    items: page.items.map((r) => {
      const text = renderNotification(r.kind, r.params, lang);
      return {
        id: r.id,
        at: new Date(r.created_at).toISOString(),
        kind: r.kind,
        category: r.category as NotificationCategory,
        title: text.title,
        body: text.body,
        link: r.link,
        object: r.object_type && r.object_id ? { type: r.object_type, id: r.object_id } : null,
        readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
      };
    }),
    nextCursor: page.nextCursor,
    unreadCount: await countUnread(db, personId),
  };
}

export async function countUnread(db: Tx, personId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('person_id', '=', personId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks the person's notifications `ids` read (ids of anyone else are ignored), or all of them. Returns how many changed. */
export async function markRead(db: Tx, personId: string, ids?: string[]): Promise<number> {
  const result = await db
    .updateTable('notifications')
    .set({ read_at: sql`now()` })
    .where('person_id', '=', personId)
    .where('read_at', 'is', null)
    .$if(ids !== undefined, (q) => q.where('id', '=', sql<string>`any(${ids ?? []}::uuid[])`))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---------------------------------------------------------------------------------------------
// Preferences and the one-click unsubscribe

/** The person's choice for each category; `default` follows its relation to each event (immediate, or a digest for those above: `notify_recipients`, migration 0027). */
export async function getPreferences(db: Tx, personId: string, lang: Language) {
  const prefs = await preferencesOf(db, [personId]);
  return notificationCategories.map((category) => ({
    category,
    label: categoryNames[category][lang],
    email: (prefs.get(`${personId}:${category}`) ?? 'default') as EmailMode | 'default',
  }));
}

/** Sets the person's choices; `default` forgets the choice. */
export async function setPreferences(db: Tx, personId: string, choices: { category: NotificationCategory; email: EmailMode | 'default' }[]) {
  for (const c of choices) {
    if (c.email === 'default') {
      await db.deleteFrom('notification_preferences').where('person_id', '=', personId).where('category', '=', c.category).execute();
      continue;
    }
    await db
      .insertInto('notification_preferences')
      .values({ person_id: personId, category: c.category, email: c.email })
      .onConflict((oc) => oc.columns(['person_id', 'category']).doUpdateSet({ email: c.email as EmailMode, updated_at: sql`now()` }))
      .execute();
  }
}

/**
 * One click, no session: the token of one e-mail turns its categories off for e-mail, once.
 * Returns the person and the categories, or null for an unknown or already used token.
 */
export async function unsubscribe(db: Tx, token: string): Promise<{ personId: string; categories: string[] } | null> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('unsubscribe_tokens')
      .set({ used_at: sql`now()` })
      .where('token_hash', '=', hashToken(token))
      .where('used_at', 'is', null)
      .returning(['person_id', 'categories'])
      .executeTakeFirst();
    if (!row) return null;
    await setPreferences(
      tx,
      row.person_id,
      row.categories.map((category) => ({ category: category as NotificationCategory, email: 'off' as const })),
    );
    return { personId: row.person_id, categories: row.categories };
  });
}

// ---------------------------------------------------------------------------------------------
// Daily digests

/** Today's digest instant: `hour` o'clock in Paris on the day `now` falls on there. */
function digestInstant(now: Date, hour: number) {
  return sql<Date>`((${now}::timestamptz at time zone 'Europe/Paris')::date::timestamp + ${hour} * interval '1 hour') at time zone 'Europe/Paris'`;
}

/**
 * Once the day's digest hour has passed in Paris, sends each person one e-mail with what was kept
 * for its digest before that hour, grouped, then marks it sent. Safe to run from every process and
 * at any frequency: each person's rows are claimed with SKIP LOCKED and go out once. A person who
 * switched the category off since is not e-mailed. Returns how many digests were queued.
 */
export async function runDigests(ctx: Ctx, now = new Date(), maxPeople = 200): Promise<number> {
  const due = await ctx.db
    .selectFrom('notifications')
    .select('person_id')
    .distinct()
    .where('email', '=', 'digest')
    .where('digested_at', 'is', null)
    .where(sql<boolean>`${now}::timestamptz >= ${digestInstant(now, ctx.config.digestHour)}`)
    .where('created_at', '<', digestInstant(now, ctx.config.digestHour))
    .limit(maxPeople)
    .execute();
  let sent = 0;
  for (const { person_id } of due) {
    const queued = await ctx.db.transaction().execute(async (tx) => {
      const rows = await tx
        .selectFrom('notifications')
        .select(['id', 'kind', 'category', 'params', 'link', 'email_to', 'language', 'recipient_name'])
        .where('person_id', '=', person_id)
        .where('email', '=', 'digest')
        .where('digested_at', 'is', null)
        .where('created_at', '<', digestInstant(now, ctx.config.digestHour))
        .orderBy('created_at')
        .forUpdate()
        .skipLocked()
        .execute();
      if (rows.length === 0) return false;
      await tx.updateTable('notifications').set({ digested_at: sql`now()` }).where('id', 'in', rows.map((r) => r.id)).execute();
      const prefs = await preferencesOf(tx, [person_id]);
      const wanted = rows.filter((r) => (prefs.get(`${person_id}:${r.category}`) ?? 'digest') === 'digest');
      const last = rows[rows.length - 1];
      if (wanted.length === 0 || !last.email_to) return false;
      const lang = last.language;
      const words = emailWords[lang];
      const base = ctx.config.publicUrl.replace(/\/$/, '');
      const shown = wanted.slice(0, 50);
      const entries = shown.map((r) => ({ ...renderNotification(r.kind, r.params, lang), link: r.link ? `${base}${r.link}` : null }));
      const more = wanted.length - shown.length;
      await queueNotificationEmail(
        tx,
        ctx,
        { personId: person_id, email: last.email_to, name: last.recipient_name, language: lang },
        {
          subject: words.digestSubject(wanted.length),
          heading: words.digestTitle,
          paragraphs: more > 0 ? [lang === 'fr' ? `Et ${more} autres dans l'application.` : `And ${more} more in the app.`] : [],
          entries,
          link: '/notifications',
        },
        [...new Set(wanted.map((r) => r.category))],
      );
      return true;
    });
    if (queued) sent++;
  }
  return sent;
}

/** Housekeeping: unsubscribe tokens older than `days` (a year by default) stop working and go. */
export async function purgeOldUnsubscribeTokens(db: Tx, now = new Date(), days = 365): Promise<number> {
  const result = await db
    .deleteFrom('unsubscribe_tokens')
    .where('created_at', '<', new Date(now.getTime() - days * 86_400_000))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
