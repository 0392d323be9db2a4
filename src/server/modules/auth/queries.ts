import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';

export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** Tokens are stored hashed: a copy of the database opens no session and resets no password. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function insertSession(
  tx: Tx,
  s: {
    personId: string;
    actingAccountId?: string | null;
    actingReason?: string | null;
    actingExpiresAt?: Date | null;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<{ token: string; csrfToken: string }> {
  const { token, hash } = newToken();
  const csrfToken = randomBytes(24).toString('base64url');
  await tx
    .insertInto('sessions')
    .values({
      id: hash,
      person_id: s.personId,
      acting_account_id: s.actingAccountId ?? null,
      acting_reason: s.actingReason ?? null,
      acting_expires_at: s.actingExpiresAt ?? null,
      csrf_token: csrfToken,
      last_seen_at: new Date(),
      expires_at: s.expiresAt,
      ip: s.ip,
      user_agent: s.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, csrfToken };
}

export async function findSessionByToken(db: Tx, token: string) {
  return db.selectFrom('sessions').selectAll().where('id', '=', hashToken(token)).executeTakeFirst();
}

export async function deleteSession(db: Tx, id: string) {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteSessionsOfPerson(db: Tx, personId: string) {
  await db.deleteFrom('sessions').where('person_id', '=', personId).execute();
}

export async function clearActing(db: Tx, sessionId: string) {
  await db
    .updateTable('sessions')
    .set({ acting_account_id: null, acting_reason: null, acting_expires_at: null })
    .where('id', '=', sessionId)
    .execute();
}

export async function touchSession(db: Tx, sessionId: string) {
  await db.updateTable('sessions').set({ last_seen_at: sql`now()` }).where('id', '=', sessionId).execute();
}

export async function insertAuthToken(
  tx: Tx,
  kind: 'invitation' | 'password_reset',
  accountId: string,
  ttlMs: number,
): Promise<string> {
  const { token, hash } = newToken();
  // A new link replaces the older ones of the same kind.
  await tx
    .updateTable('auth_tokens')
    .set({ used_at: sql`now()` })
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('used_at', 'is', null)
    .execute();
  await tx
    .insertInto('auth_tokens')
    .values({ token_hash: hash, kind, account_id: accountId, expires_at: new Date(Date.now() + ttlMs) })
    .execute();
  return token;
}

/** The unused, unexpired token of that kind, locked for the transaction that consumes it. */
export async function findLiveAuthToken(tx: Tx, kind: 'invitation' | 'password_reset', token: string, lock: boolean) {
  return tx
    .selectFrom('auth_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('kind', '=', kind)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
}

export async function markAuthTokenUsed(tx: Tx, id: string) {
  await tx.updateTable('auth_tokens').set({ used_at: sql`now()` }).where('id', '=', id).execute();
}

/** Failures counted in the database, so that every app process sees the same limit. */
export async function countRecentFailures(db: Tx, key: string, windowMs: number): Promise<number> {
  const row = await db
    .selectFrom('login_failures')
    .select('failures')
    .where('key', '=', key)
    .where('window_started_at', '>', new Date(Date.now() - windowMs))
    .executeTakeFirst();
  return row?.failures ?? 0;
}

export async function recordFailure(db: Tx, key: string, windowMs: number) {
  const windowStart = new Date(Date.now() - windowMs);
  await sql`
    insert into login_failures (key, window_started_at, failures) values (${key}, now(), 1)
    on conflict (key) do update set
      failures = case when login_failures.window_started_at <= ${windowStart} then 1 else login_failures.failures + 1 end,
      window_started_at = case when login_failures.window_started_at <= ${windowStart} then now() else login_failures.window_started_at end`.execute(
    db,
  );
}

export async function clearFailures(db: Tx, key: string) {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}

/** Housekeeping: deletes up to `limit` sessions past their absolute or idle expiry; returns how many went. */
export async function deleteExpiredSessions(db: Tx, now: Date, idleMs: number, limit: number): Promise<number> {
  const idleBefore = new Date(now.getTime() - idleMs);
  const result = await db
    .deleteFrom('sessions')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('sessions')
        .select('id')
        .where((w) => w.or([w('expires_at', '<=', now), w('last_seen_at', '<=', idleBefore)]))
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Housekeeping: deletes up to `limit` failure counters whose window has ended (they no longer count). */
export async function deleteEndedLoginFailures(db: Tx, now: Date, windowMs: number, limit: number): Promise<number> {
  const endedBefore = new Date(now.getTime() - windowMs);
  const result = await db
    .deleteFrom('login_failures')
    .where('key', 'in', (eb) => eb.selectFrom('login_failures').select('key').where('window_started_at', '<=', endedBefore).limit(limit))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
