import { sql, type Kysely } from 'kysely';

/**
 * Every account has a wallet, whoever creates the account: a row trigger on `accounts` opens it in
 * the creating transaction. The ledger owns `wallets`, but the features that create accounts
 * (auth's sign-up, agency's members, the seed) sit above or beside it, and accounts may not call
 * the ledger (it is below accounts); the trigger keeps the invariant in the ledger's schema
 * without any of them naming the table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function open_wallet_of_account() returns trigger language plpgsql as $$
    begin
      insert into wallets (account_id, agency_id, kind)
      values (new.id, new.agency_id, case when new.role = 'system' then 'system' else 'user' end)
      on conflict (account_id) do nothing;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger accounts_open_wallet after insert on accounts
    for each row execute function open_wallet_of_account()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger accounts_open_wallet on accounts`.execute(db);
  await sql`drop function open_wallet_of_account()`.execute(db);
}
