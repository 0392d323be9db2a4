import { sql } from 'kysely';
import type { Actor, ActorAccount, Ctx, Tx } from '../../http/actor.js';
import type { AccountRow, Company, PublicRole } from '../../db/types.js';
import { notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import {
  type Balance,
  closedOf,
  findAccountById,
  idsInReach,
  listAccountsBelow,
  searchAccountsBelow,
  searchTextOf,
  setEmail,
  type AccountListFilters,
  type BalanceReader,
} from './queries.js';

// What other features use of accounts: lookups, the writes they ask for inside their transaction,
// and the scoping helpers their SQL composes (so their lists stay one query). Only this feature's
// SQL names `accounts` and `account_tree`.
export {
  accountLabels,
  accountName,
  accountIsClosed,
  accountParentId,
  accountsOfAgency,
  ancestorsOf,
  audienceOf,
  clientAndPersonInCharge,
  clientBranches,
  clientIdsOf,
  countActiveBelowByRole,
  descendantsOf,
  findAccountByEmail,
  findAccountById,
  hasUserAccounts,
  inSubtree,
  insertAccountRow as createAccount,
  isDescendant,
  listClientsBelow,
  listTeamAccounts,
  searchTextOf,
  sessionAccountsOf,
  lockAgencyRow,
  makeAgencyRoot,
  moveLeaves as setParentsOfLeaves,
  moveSubtree as setParent,
  nearestActiveAncestor,
  recordSignIn,
  setActive,
  setAgencyMode,
  setInactive,
  setPasswordHash,
  setRole,
  subtreeIds,
  supportAudience,
  type Balance,
  type BalanceReader,
  type TeamAccountRow,
  type ActorAccountColumns,
  type SessionAccountsRow,
} from './queries.js';

/**
 * The balances shown with accounts come from the ledger, which sits below accounts and so cannot be
 * imported here: app.ts hands the ledger's reader in when it builds the app.
 */
let balanceReader: BalanceReader | null = null;
export function useBalanceReader(reader: BalanceReader): void {
  balanceReader = reader;
}
function balances(): BalanceReader {
  if (!balanceReader) throw new Error('accounts: no balance reader (app.ts calls useBalanceReader)');
  return balanceReader;
}
import type { TAccount, TAccountDetail, TCompany } from './schema.js';
import type { ActorAccountColumns } from './queries.js';

/** The account as the API shows it, with why it is closed when it is (the closing person's name is looked up by `getAccount`). */
export function toAccount(row: ActorAccountColumns): TAccount {
  return {
    id: row.id,
    role: row.role as PublicRole,
    name: row.name,
    email: row.email,
    parentId: row.parent_id,
    agencyId: row.agency_id,
    active: row.active,
    closed: closedOf(row),
  };
}

export function toActorAccount(row: ActorAccountColumns): ActorAccount {
  return { ...toAccount(row), agencyMode: row.agency_mode };
}

/**
 * The accounts `ids` if the actor may see them all (itself, anything below it, any account but
 * another support person's for support), in the order asked, else 404: a foreign id and an unknown id look the same. One query.
 */
export async function findReachableAccounts(
  db: Tx,
  actor: Actor,
  ids: string[],
  options: { includeSelf: boolean } = { includeSelf: true },
): Promise<AccountRow[]> {
  // The rule is the database function reachable_accounts (migration 0027), which allocate_credits calls too.
  const { rows } = await sql<AccountRow>`
    select * from reachable_accounts(${actor.account.id}::uuid, ${actor.account.role === 'support'}::boolean, ${ids}::uuid[],
      ${options.includeSelf}::boolean)`.execute(db);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const row = byId.get(id);
    if (!row) throw notFound();
    return row;
  });
}

export async function findReachableAccount(
  db: Tx,
  actor: Actor,
  id: string,
  options: { includeSelf: boolean } = { includeSelf: true },
): Promise<AccountRow> {
  return (await findReachableAccounts(db, actor, [id], options))[0];
}


export async function listAccounts(actor: Actor, filters: AccountListFilters, ctx: Ctx) {
  const root = actor.account.role === 'support' ? null : actor.account.id;
  return listAccountsBelow(ctx.db, root, filters, balances());
}

/**
 * The quick switcher's search (`GET /api/accounts/search`): the accounts in the PERSON's reach
 * (strictly below the person signed in; any customer account for support), even while acting as
 * an account below it, so that a consultant acting as one client still finds its other clients.
 */
export async function searchReach(actor: Actor, input: { q: string; limit: number }, ctx: Ctx) {
  const root = actor.person.role === 'support' ? null : actor.person.id;
  return { items: await searchAccountsBelow(ctx.db, root, input.q, input.limit) };
}

/** Of `ids`, the accounts the actor sees (itself and below; any customer account for support). */
export async function reachableIds(db: Tx, actor: Actor, ids: string[]): Promise<Set<string>> {
  return idsInReach(db, actor.account.role === 'support' ? null : actor.account.id, ids);
}

export async function getAccount(actor: Actor, id: string, ctx: Ctx): Promise<TAccountDetail> {
  const row = await findReachableAccount(ctx.db, actor, id);
  const parent = row.parent_id ? await findAccountById(ctx.db, row.parent_id) : undefined;
  return {
    ...toAccount(row),
    company: (row.company as TCompany | null) ?? null,
    agencyMode: row.agency_mode,
    hasLogin: row.password_hash !== null,
    lastSignInAt: row.last_sign_in_at ? new Date(row.last_sign_in_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
    parentName: parent?.name ?? null,
    closed: await closedWithName(ctx.db, row),
    wallet: walletOf((await balances()(ctx.db, [row.id])).get(row.id)),
  };
}

async function closedWithName(db: Tx, row: AccountRow) {
  const closed = closedOf(row);
  if (!closed?.byPersonId) return closed;
  return { ...closed, byPersonName: (await findAccountById(db, closed.byPersonId))?.name ?? null };
}

function walletOf(b: Balance | undefined) {
  return {
    postedCents: b?.postedCents ?? 0,
    pendingCents: b?.pendingCents ?? 0,
    availableCents: b?.availableCents ?? 0,
    lowBalanceCents: b?.lowBalanceCents ?? null,
  };
}

export async function updateAccountProfile(
  actor: Actor,
  id: string,
  input: { name?: string; company?: Company | null },
  tx: Tx,
): Promise<void> {
  const row = await findReachableAccount(tx, actor, id);
  const name = input.name ?? row.name;
  const set: Record<string, unknown> = {};
  if (input.name !== undefined) {
    set.name = name;
    set.search_text = searchTextOf(name, row.email);
  }
  if (input.company !== undefined) set.company = input.company ? JSON.stringify(input.company) : null;
  if (Object.keys(set).length === 0) return;
  await tx.updateTable('accounts').set(set).where('id', '=', id).execute();
  await recordAudit(tx, actor, 'account.update', { type: 'account', id }, { fields: Object.keys(input) });
}

/**
 * Gives an account a new (already verified) e-mail address and refreshes its search text, so that
 * the accounts list `?q=` finds the new address. For auth's confirmed e-mail change.
 */
export async function setAccountEmail(tx: Tx, accountId: string, email: string): Promise<AccountRow> {
  const row = await findAccountById(tx, accountId);
  if (!row) throw notFound();
  return setEmail(tx, accountId, email, row.name);
}
