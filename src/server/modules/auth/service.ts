import type { Actor, ActorAccount, Ctx, Tx } from '../../http/actor.js';
import type { AccountRow, Company, Language } from '../../db/types.js';
import { AppError, forbidden, invalidInput, invalidState, notFound } from '../../http/errors.js';
import { recordAudit, recordAuditIf } from '../audit/service.js';
import { notify, queueEmail, renderEmail } from '../notifications/service.js';
import {
  audienceOf,
  createAccount,
  findAccountByEmail,
  findAccountById,
  isDescendant,
  recordSignIn,
  sessionAccountsOf,
  setAccountEmail,
  setPasswordHash,
  toAccount,
  toActorAccount,
} from '../accounts/service.js';
import { actAsRules, assertCanStartActing, assertNotActing } from './policy.js';
import { hashPassword, verifyPassword } from './password.js';
import {
  clearActing,
  clearFailures,
  deleteSession,
  deleteSessionsOfPerson,
  findLiveAuthToken,
  findSessionWithAccounts,
  insertAuthToken,
  insertSession,
  markAuthTokenUsed,
  newToken,
  storeAuthToken,
  releaseAttempt,
  reserveAttempt,
  touchSession,
} from './queries.js';
import { deleteEndedLoginFailures, deleteExpiredSessions } from './queries.js';

export type RequestMeta = {
  ip: string | null;
  userAgent: string | null;
  lang: Language;
  /** the session the request came with, replaced by any new one (no session fixation) */
  previousSessionId?: string | null;
};

/** A session handed to the HTTP layer, which sets it as the cookie. */
export type SessionGrant = { token: string; csrfToken: string; expiresAt: Date };

const INVITATION_TTL_MS = 7 * 24 * 3_600_000;
const RESET_TTL_MS = 3_600_000;
const EMAIL_CHANGE_TTL_MS = 24 * 3_600_000;

async function openSession(
  tx: Tx,
  ctx: Ctx,
  personId: string,
  meta: RequestMeta,
  acting?: { accountId: string; reason: string | null; expiresAt: Date },
  expiresAt = new Date(Date.now() + ctx.config.sessionAbsoluteMs),
): Promise<SessionGrant> {
  if (meta.previousSessionId) await deleteSession(tx, meta.previousSessionId);
  const s = await insertSession(tx, {
    personId,
    actingAccountId: acting?.accountId,
    actingReason: acting?.reason,
    actingExpiresAt: acting?.expiresAt,
    expiresAt,
    ip: meta.ip,
    userAgent: meta.userAgent,
  });
  return { ...s, expiresAt };
}

function actorOf(person: AccountRow, meta: RequestMeta): Actor {
  const a = toActorAccount(person);
  return { person: a, account: a, actingAs: false, sessionId: null, ip: meta.ip, lang: meta.lang };
}

export async function signUp(
  input: { email: string; password: string; name: string; kind: 'customer' | 'publisher'; company?: Company },
  meta: RequestMeta,
  ctx: Ctx,
) {
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction().execute(async (tx) => {
    if (await findAccountByEmail(tx, input.email)) throw new AppError('email_taken', 409, 'email_taken', {}, 'email');
    const row = await createAccount(tx, {
      role: input.kind === 'publisher' ? 'publisher' : 'client',
      name: input.name,
      email: input.email.toLowerCase(),
      password_hash: passwordHash,
      parent_id: null,
      agency_id: null,
      agency_mode: null,
      company: input.company ? JSON.stringify(input.company) : null,
      language: meta.lang,
      last_sign_in_at: new Date(),
    });
    await recordAudit(tx, actorOf(row, meta), 'auth.signup', { type: 'account', id: row.id });
    const grant = await openSession(tx, ctx, row.id, meta);
    return { account: toAccount(row), grant };
  });
}

function rateLimited(windowMs: number, retryAfterSeconds: number): AppError {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return new AppError('rate_limited', 429, 'rate_limited', { minutes }, undefined, { 'retry-after': String(retryAfterSeconds || Math.ceil(windowMs / 1000)) });
}

/** The three sign-in counters: the (e-mail, address) pair, the address, and the e-mail alone (a higher ceiling). */
function signInKeys(email: string, ip: string | null) {
  const address = ip ?? 'unknown';
  return { pair: `pair:${email}|${address}`, address: `address:${address}`, account: `account:${email}` };
}

/**
 * Reserves the attempt on each counter in turn, before any password is checked, and stops at the
 * first one past its limit: a caller blocked on its pair or its address adds nothing to the
 * e-mail's ceiling, so a stranger elsewhere cannot lock the owner out (the ceiling needs many addresses).
 */
async function reserveSignIn(ctx: Ctx, keys: ReturnType<typeof signInKeys>): Promise<void> {
  const { loginWindowMs: windowMs, loginMaxFailuresPerPair, loginMaxFailuresPerAddress, loginMaxFailuresPerAccount } = ctx.config;
  for (const [key, limit] of [
    [keys.pair, loginMaxFailuresPerPair],
    [keys.address, loginMaxFailuresPerAddress],
    [keys.account, loginMaxFailuresPerAccount],
  ] as const) {
    const { count, retryAfterSeconds } = await reserveAttempt(ctx.db, key, windowMs);
    if (count > limit) throw rateLimited(windowMs, retryAfterSeconds);
  }
}

export async function logIn(input: { email: string; password: string }, meta: RequestMeta, ctx: Ctx) {
  const email = input.email.trim().toLowerCase();
  const keys = signInKeys(email, meta.ip);
  // Counted before argon2 runs: concurrent wrong passwords cannot all be evaluated.
  await reserveSignIn(ctx, keys);
  const row = await findAccountByEmail(ctx.db, email);
  const ok = await verifyPassword(row?.password_hash ?? null, input.password);
  if (!row || !ok) throw new AppError('invalid_credentials', 401, 'invalid_credentials');
  if (!row.active) throw forbidden('account_inactive');
  return ctx.db.transaction().execute(async (tx) => {
    // A success gives its reservations back and clears the pair's failures.
    await clearFailures(tx, keys.pair);
    await releaseAttempt(tx, keys.address);
    await releaseAttempt(tx, keys.account);
    await recordSignIn(tx, row.id);
    await recordAudit(tx, actorOf(row, meta), 'auth.login', { type: 'account', id: row.id });
    const grant = await openSession(tx, ctx, row.id, meta);
    return { account: toAccount(row), grant };
  });
}

/**
 * Checks an e-mail and password without opening a session (a publisher proving it owns a buyer
 * account), under the sign-in limits: the account's id, or null when they do not match.
 */
export async function verifyCredentials(input: { email: string; password: string }, meta: RequestMeta, ctx: Ctx): Promise<{ id: string } | null> {
  const email = input.email.trim().toLowerCase();
  const keys = signInKeys(email, meta.ip);
  await reserveSignIn(ctx, keys);
  const row = await findAccountByEmail(ctx.db, email);
  const ok = await verifyPassword(row?.password_hash ?? null, input.password);
  if (!row || !ok) return null;
  await ctx.db.transaction().execute(async (tx) => {
    await clearFailures(tx, keys.pair);
    await releaseAttempt(tx, keys.address);
    await releaseAttempt(tx, keys.account);
  });
  return { id: row.id };
}

export async function logOut(actor: Actor, ctx: Ctx): Promise<void> {
  if (!actor.sessionId) return;
  await ctx.db.transaction().execute(async (tx) => {
    await deleteSession(tx, actor.sessionId!);
    await recordAudit(tx, actor, 'auth.logout', null);
  });
}

export type ResolvedSession = {
  actor: Actor;
  csrfToken: string;
  actingReason: string | null;
  actingExpiresAt: string | null;
  /** set when the acting part of the session had to end on this request */
  actingEnded: string | null;
  /**
   * The data versions of the tenant of `actor.account` and of the marketplace, read in the same
   * snapshot as the session (null when the acting ended on this request): the read cache's keys.
   */
  versions: DataVersions | null;
};

export type DataVersions = { tenant: string; tenantVersion: number; marketplaceVersion: number };

/**
 * Turns a session cookie into the Actor, re-checking every right on every request: the person
 * must be active, and an acted account must still be active, still strictly below the person
 * (support excepted) and the acting must not have expired. Otherwise the acting ends at once.
 */
export async function resolveSession(token: string, meta: RequestMeta, ctx: Ctx): Promise<ResolvedSession | null> {
  // One query: the session, its person, its acted account and the reach (findSessionWithAccounts).
  const session = await findSessionWithAccounts(ctx.db, token);
  if (!session) return null;
  const now = Date.now();
  const lastSeen = new Date(session.last_seen_at).getTime();
  if (new Date(session.expires_at).getTime() <= now || lastSeen + ctx.config.sessionIdleMs <= now) {
    await deleteSession(ctx.db, session.id);
    return null;
  }
  const { person: personRow, acted, reached } = sessionAccountsOf(session);
  if (!personRow || !personRow.active) {
    await deleteSession(ctx.db, session.id);
    return null;
  }
  const person = toActorAccount(personRow);
  let account: ActorAccount = person;
  let actingEnded: string | null = null;
  if (session.acting_account_id) {
    const stillReachable =
      acted !== null &&
      acted.active &&
      (person.role === 'support' || reached) &&
      session.acting_expires_at !== null &&
      new Date(session.acting_expires_at).getTime() > now;
    if (stillReachable) {
      account = toActorAccount(acted);
    } else {
      await clearActing(ctx.db, session.id);
      actingEnded = acted?.name ?? '?';
    }
  }
  if (now - lastSeen > 60_000) await touchSession(ctx.db, session.id);
  const actingAs = account.id !== person.id;
  const versions =
    actingEnded === null && session.tenant_id !== null && session.tenant_version !== null && session.marketplace_version !== null
      ? { tenant: session.tenant_id, tenantVersion: Number(session.tenant_version), marketplaceVersion: Number(session.marketplace_version) }
      : null;
  return {
    actor: { person, account, actingAs, sessionId: session.id, ip: meta.ip, lang: meta.lang },
    csrfToken: session.csrf_token,
    actingReason: actingAs ? session.acting_reason : null,
    actingExpiresAt: actingAs && session.acting_expires_at ? new Date(session.acting_expires_at).toISOString() : null,
    actingEnded,
    versions,
  };
}

/**
 * Starts acting as an account strictly below the person (anyone, for support with a reason); rotates
 * the session. While already acting, switches in one step: the trail reads the stop of the account
 * left, then the start of the new one; a target out of the person's reach is a 404 that changes nothing.
 */
export async function startActingAs(
  actor: Actor,
  input: { accountId: string; reason?: string },
  meta: RequestMeta,
  ctx: Ctx,
) {
  assertCanStartActing(actor);
  if (!actAsRules.supportNeedsReason(actor.person, input.reason)) {
    throw invalidInput('act_as_reason_required', 'reason');
  }
  return ctx.db.transaction().execute(async (tx) => {
    const target = await findAccountById(tx, input.accountId);
    const reachable =
      target !== undefined &&
      target.id !== actor.person.id &&
      // support acts for customers, never as another support person
      ((actor.person.role === 'support' && target.role !== 'support') || (await isDescendant(tx, actor.person.id, target.id, true)));
    if (!target || !reachable) throw notFound();
    if (!target.active) throw forbidden('act_as_inactive');
    const session = await tx.selectFrom('sessions').selectAll().where('id', '=', actor.sessionId!).executeTakeFirstOrThrow();
    const actingExpiresAt = new Date(Math.min(Date.now() + ctx.config.actAsMs, new Date(session.expires_at).getTime()));
    const grant = await openSession(
      tx,
      ctx,
      actor.person.id,
      meta,
      { accountId: target.id, reason: input.reason?.trim() || null, expiresAt: actingExpiresAt },
      new Date(session.expires_at),
    );
    const acted = toActorAccount(target);
    if (actAsRules.isSwitch(actor)) await recordAudit(tx, actor, 'act_as.stop', { type: 'account', id: actor.account.id }, { switchedTo: target.id });
    await recordAudit(tx, { ...actor, account: acted }, 'act_as.start', { type: 'account', id: target.id }, {
      reason: input.reason ?? null,
    });
    return { person: actor.person, account: acted, actingExpiresAt: actingExpiresAt.toISOString(), grant };
  });
}

export async function stopActingAs(actor: Actor, meta: RequestMeta, ctx: Ctx) {
  if (!actor.actingAs) throw invalidState('not_acting');
  return ctx.db.transaction().execute(async (tx) => {
    const session = await tx.selectFrom('sessions').selectAll().where('id', '=', actor.sessionId!).executeTakeFirstOrThrow();
    const grant = await openSession(tx, ctx, actor.person.id, meta, undefined, new Date(session.expires_at));
    await recordAudit(tx, actor, 'act_as.stop', { type: 'account', id: actor.account.id });
    return { person: actor.person, account: actor.person, grant };
  });
}

export async function changePassword(
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  ctx: Ctx,
): Promise<void> {
  assertNotActing(actor);
  const row = await findAccountById(ctx.db, actor.person.id);
  if (!row || !(await verifyPassword(row.password_hash, input.currentPassword))) {
    throw new AppError('forbidden', 403, 'wrong_current_password', {}, 'currentPassword');
  }
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction().execute(async (tx) => {
    await setPasswordHash(tx, row.id, passwordHash);
    // Every other session of this person ends: a changed password locks out whoever had the old one.
    await tx
      .deleteFrom('sessions')
      .where('person_id', '=', row.id)
      .where('id', '!=', actor.sessionId ?? '')
      .execute();
    await recordAudit(tx, actor, 'auth.password_change', { type: 'account', id: row.id });
  });
}

/**
 * Asks for a new e-mail address: nothing changes yet. The new address receives a confirmation
 * link (`confirmEmailChange`); the current one is told of the request. Needs the current password
 * and an own session (not while acting).
 */
export async function changeEmail(actor: Actor, input: { currentPassword: string; email: string }, ctx: Ctx) {
  assertNotActing(actor);
  const row = await findAccountById(ctx.db, actor.person.id);
  if (!row || !(await verifyPassword(row.password_hash, input.currentPassword))) {
    throw new AppError('forbidden', 403, 'wrong_current_password', {}, 'currentPassword');
  }
  const email = input.email.trim().toLowerCase();
  if (email === row.email) throw invalidInput('email_unchanged', 'email');
  return ctx.db.transaction().execute(async (tx) => {
    const other = await findAccountByEmail(tx, email);
    if (other && other.id !== row.id) throw new AppError('email_taken', 409, 'email_taken', {}, 'email');
    const token = await insertAuthToken(tx, 'email_change', row.id, EMAIL_CHANGE_TTL_MS, email);
    const link = `${ctx.config.publicUrl}/confirm-email?token=${token}`;
    await queueEmail(tx, renderEmail('email_change_confirm', row.language, email, { name: row.name, link }));
    if (row.email) {
      await queueEmail(tx, renderEmail('email_change_notice', row.language, row.email, { name: row.name, newEmail: email }));
    }
    await recordAudit(tx, actor, 'auth.email_change_request', { type: 'account', id: row.id });
    return { ...toAccount(row), pendingEmail: email };
  });
}

/** Follows the link sent to the new address: the account takes it now (once; 409 if it was taken meanwhile). */
export async function confirmEmailChange(input: { token: string }, meta: RequestMeta, ctx: Ctx) {
  return ctx.db.transaction().execute(async (tx) => {
    const token = await findLiveAuthToken(tx, 'email_change', input.token, true);
    const row = token ? await findAccountById(tx, token.account_id) : undefined;
    if (!token || !token.new_email || !row || !row.active) throw invalidInput('token_invalid', 'token');
    const other = await findAccountByEmail(tx, token.new_email);
    if (other && other.id !== row.id) throw new AppError('email_taken', 409, 'email_taken', {}, 'token');
    await markAuthTokenUsed(tx, token.id);
    const updated = await setAccountEmail(tx, row.id, token.new_email);
    await recordAudit(tx, actorOf(updated, meta), 'auth.email_change', { type: 'account', id: row.id }, { from: row.email, to: updated.email });
    return { email: updated.email! };
  });
}

/**
 * Always answers the same, known e-mail or not, and does the same work either way (the same
 * limit counters, a token drawn and hashed, the same statements, which write nothing for an
 * unknown e-mail), so that neither the answer nor its time tells whether the address has an
 * account. A known, active one receives a one-hour link. Limited per e-mail and per address.
 */
export async function requestPasswordReset(input: { email: string }, meta: RequestMeta, ctx: Ctx): Promise<void> {
  const email = input.email.trim().toLowerCase();
  const { loginWindowMs: windowMs, loginMaxFailuresPerPair, loginMaxFailuresPerAddress } = ctx.config;
  const { token, hash } = newToken();
  // One transaction that writes either way (the counters), so that both commits cost the same.
  await ctx.db.transaction().execute(async (tx) => {
    for (const [key, limit] of [
      [`reset:${email}`, loginMaxFailuresPerPair],
      [`reset-address:${meta.ip ?? 'unknown'}`, loginMaxFailuresPerAddress],
    ] as const) {
      if ((await reserveAttempt(tx, key, windowMs)).count > limit) return;
    }
    const row = await findAccountByEmail(tx, email);
    const target = row && row.active && row.email ? row : null;
    await storeAuthToken(tx, 'password_reset', hash, target?.id ?? null, RESET_TTL_MS);
    const link = `${ctx.config.publicUrl}/reset-password?token=${token}`;
    const mail = renderEmail('password_reset', target?.language ?? meta.lang, target?.email ?? email, { name: target?.name ?? email, link });
    await queueEmail(tx, mail, { onlyIf: target !== null });
    await recordAuditIf(tx, target !== null, target ? actorOf(target, meta) : null, 'auth.password_reset_request', {
      type: 'account',
      id: target?.id ?? email,
    });
  });
}

export async function resetPassword(input: { token: string; newPassword: string }, meta: RequestMeta, ctx: Ctx) {
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction().execute(async (tx) => {
    const token = await findLiveAuthToken(tx, 'password_reset', input.token, true);
    if (!token) throw invalidInput('token_invalid', 'token');
    const row = await findAccountById(tx, token.account_id);
    if (!row || !row.active) throw invalidInput('token_invalid', 'token');
    await markAuthTokenUsed(tx, token.id);
    await setPasswordHash(tx, row.id, passwordHash);
    await deleteSessionsOfPerson(tx, row.id);
    await clearFailures(tx, `account:${row.email}`);
    await recordAudit(tx, actorOf(row, meta), 'auth.password_reset', { type: 'account', id: row.id });
  });
}

/** Ends every session of these people (an account deactivated loses its access at once), in the caller's transaction. */
export async function endSessionsOf(tx: Tx, accountIds: string[]): Promise<void> {
  for (const id of accountIds) await deleteSessionsOfPerson(tx, id);
}

/** Sends a link to choose a password to an account created with an e-mail (inside the creating transaction). */
export async function inviteAccount(tx: Tx, actor: Actor, account: AccountRow, ctx: Ctx): Promise<void> {
  if (!account.email) return;
  const token = await insertAuthToken(tx, 'invitation', account.id, INVITATION_TTL_MS);
  const link = `${ctx.config.publicUrl}/invitation?token=${token}`;
  await queueEmail(
    tx,
    renderEmail('invitation', actor.lang, account.email, { name: account.name, inviter: actor.person.name, link }),
  );
}

export async function describeInvitation(token: string, ctx: Ctx) {
  const t = await findLiveAuthToken(ctx.db, 'invitation', token, false);
  const row = t ? await findAccountById(ctx.db, t.account_id) : undefined;
  if (!t || !row || !row.active) throw notFound();
  return { name: row.name, email: row.email!, role: row.role };
}

export async function acceptInvitation(input: { token: string; password: string }, meta: RequestMeta, ctx: Ctx) {
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction().execute(async (tx) => {
    const token = await findLiveAuthToken(tx, 'invitation', input.token, true);
    if (!token) throw invalidInput('token_invalid', 'token');
    const row = await findAccountById(tx, token.account_id);
    if (!row || !row.active) throw invalidInput('token_invalid', 'token');
    await markAuthTokenUsed(tx, token.id);
    await setPasswordHash(tx, row.id, passwordHash, true);
    await recordAudit(tx, actorOf(row, meta), 'auth.invitation_accept', { type: 'account', id: row.id });
    // The person above the new member (and those above it) learns it can now sign in.
    if (row.parent_id) {
      await notify(tx, ctx, {
        kind: 'invitation_accepted',
        params: { member: row.name, role: row.role },
        link: row.role === 'client' ? '/agence/clients' : '/agence',
        object: { type: 'account', id: row.id },
        recipients: await audienceOf(tx, row.parent_id),
      });
    }
    const grant = await openSession(tx, ctx, row.id, meta);
    return { account: toAccount(row), grant };
  });
}


/**
 * Housekeeping (run by the background worker): sessions expired (absolute or idle) for more than
 * `SESSION_PURGE_GRACE_MS` go — until then the owner coming back is told the session expired
 * rather than asked to sign in — and so do sign-in failure counters whose window has ended;
 * `batch` rows per statement, at most `maxBatches` statements per table per call.
 */
export const SESSION_PURGE_GRACE_MS = 3_600_000;

export async function purgeExpiredAuthState(ctx: Ctx, options: { now?: Date; batch?: number; maxBatches?: number } = {}) {
  const now = options.now ?? new Date();
  const batch = options.batch ?? 1_000;
  const maxBatches = options.maxBatches ?? 20;
  let sessions = 0;
  let loginFailures = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await deleteExpiredSessions(ctx.db, new Date(now.getTime() - SESSION_PURGE_GRACE_MS), ctx.config.sessionIdleMs, batch);
    sessions += n;
    if (n < batch) break;
  }
  for (let i = 0; i < maxBatches; i++) {
    const n = await deleteEndedLoginFailures(ctx.db, now, ctx.config.loginWindowMs, batch);
    loginFailures += n;
    if (n < batch) break;
  }
  return { sessions, loginFailures };
}
