import { createHash, randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Tx } from '../../http/actor.js';
import type { SessionsTable } from '../../db/types.js';
import type { SessionAccountsRow } from '../accounts/service.js';

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

type SessionWithAccounts = Pick<
  Selectable<SessionsTable>,
  'id' | 'person_id' | 'acting_account_id' | 'acting_reason' | 'acting_expires_at' | 'csrf_token' | 'last_seen_at' | 'expires_at'
> &
  SessionAccountsRow & {
    /** the tenant of the account the session acts for, and the data versions (migration 0025) of it and of the marketplace */
    tenant_id: string | null;
    tenant_version: number | string | null;
    marketplace_version: number | string | null;
  };

/**
 * The session of a token with, in the same row, its person and acted account and whether the
 * person still reaches it: one call per authenticated request, to the database's `session_json`
 * (migration 0028), the row of `session_with_accounts` (0026), which reads the accounts through
 * accounts' `session_accounts` and keeps its plans.
 */
export async function findSessionWithAccounts(db: Tx, token: string) {
  // One JSON value: the driver reads it in half the time it takes to parse 28 typed columns.
  const { rows } = await sql<{ s: SessionWithAccounts | null }>`select session_json(${hashToken(token)}) as s`.execute(db);
  return rows[0].s ?? undefined;
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

export type AuthTokenKind = 'invitation' | 'password_reset' | 'email_change';

/** No account has this id: revoking its tokens touches nothing (see `storeAuthToken`). */
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

/**
 * Stores a token (hashed) for an account, replacing the older ones of the same kind. With
 * `accountId: null` it runs the very same two statements and writes nothing, so that a request for
 * an unknown e-mail costs what a known one does.
 */
export async function storeAuthToken(
  tx: Tx,
  kind: AuthTokenKind,
  hash: string,
  accountId: string | null,
  ttlMs: number,
  newEmail: string | null = null,
): Promise<void> {
  // A new link replaces the older ones of the same kind.
  await tx
    .updateTable('auth_tokens')
    .set({ used_at: sql`now()` })
    .where('account_id', '=', accountId ?? NO_ACCOUNT)
    .where('kind', '=', kind)
    .where('used_at', 'is', null)
    .execute();
  await sql`
    insert into auth_tokens (token_hash, kind, account_id, expires_at, new_email)
    select ${hash}, ${kind}, ${accountId}::uuid, ${new Date(Date.now() + ttlMs)}::timestamptz, ${newEmail}::text
    where ${accountId !== null}::boolean`.execute(tx);
}

export async function insertAuthToken(
  tx: Tx,
  kind: AuthTokenKind,
  accountId: string,
  ttlMs: number,
  newEmail: string | null = null,
): Promise<string> {
  const { token, hash } = newToken();
  await storeAuthToken(tx, kind, hash, accountId, ttlMs, newEmail);
  return token;
}

/** The unused, unexpired token of that kind, locked for the transaction that consumes it. */
export async function findLiveAuthToken(tx: Tx, kind: AuthTokenKind, token: string, lock: boolean) {
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

/**
 * Reserves one attempt on a limit counter kept in the database (so that every app process sees
 * it), atomically: one upsert that bumps the counter (or starts a new window) and returns the new
 * count with the seconds left in the window. Concurrent attempts each get their own number, so
 * with a limit of 5 only 5 of 50 simultaneous ones go on. A success gives its reservation back
 * (`releaseAttempt`), so the counters hold failures (and attempts still running).
 */
export async function reserveAttempt(db: Tx, key: string, windowMs: number): Promise<{ count: number; retryAfterSeconds: number }> {
  const window = sql`(now() - ${windowMs} * interval '1 millisecond')`;
  const { rows } = await sql<{ failures: number; retry_after: number }>`
    insert into login_failures (key, window_started_at, failures) values (${key}, now(), 1)
    on conflict (key) do update set
      failures = case when login_failures.window_started_at <= ${window} then 1 else login_failures.failures + 1 end,
      window_started_at = case when login_failures.window_started_at <= ${window} then now() else login_failures.window_started_at end
    returning failures,
      greatest(1, ceil(extract(epoch from (window_started_at + ${windowMs} * interval '1 millisecond' - now()))))::int as retry_after`.execute(db);
  return { count: rows[0].failures, retryAfterSeconds: rows[0].retry_after };
}

/** Gives back an attempt reserved by `reserveAttempt` (the attempt succeeded). */
export async function releaseAttempt(db: Tx, key: string): Promise<void> {
  await sql`update login_failures set failures = greatest(failures - 1, 0) where key = ${key}`.execute(db);
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
