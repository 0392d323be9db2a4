import { sql, type Kysely } from 'kysely';

/**
 * The heart of a transfer as one database function (ledger/service.ts transferCredits calls it):
 * lock both wallets in account-id order, debit only if `available` allows it (system wallets may go
 * negative), credit, write the transfer and its two balanced entries. PL/pgSQL keeps its plans, so
 * a transfer costs one round trip and no planning, which is what keeps the service close to a raw
 * SQL loop (bench/ledger.ts). Returns no row when the debit is refused.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function ledger_transfer(
      p_from uuid, p_to uuid, p_amount bigint, p_settles bigint, p_kind text, p_memo text, p_hold uuid,
      p_person uuid, p_acting uuid, p_idempotency_key text)
    returns table (transfer_id uuid, transfer_at timestamptz)
    language plpgsql as $$
    declare
      v_from_posted bigint; v_from_agency uuid; v_to_posted bigint; v_to_agency uuid;
      v_id uuid; v_at timestamptz;
    begin
      perform 1 from wallets where account_id in (p_from, p_to) order by account_id for update;
      update wallets set posted_cents = posted_cents - p_amount, pending_cents = pending_cents - p_settles
        where account_id = p_from and (kind = 'system' or posted_cents - pending_cents + p_settles >= p_amount)
        returning posted_cents, agency_id into v_from_posted, v_from_agency;
      if not found then
        return;
      end if;
      update wallets set posted_cents = posted_cents + p_amount
        where account_id = p_to
        returning posted_cents, agency_id into v_to_posted, v_to_agency;
      if not found then
        raise exception 'no wallet for account %', p_to;
      end if;
      insert into ledger_transfers (kind, from_account_id, to_account_id, amount_cents, agency_id, person_id,
                                    acting_account_id, memo, hold_id, idempotency_key)
        values (p_kind, p_from, p_to, p_amount, coalesce(v_from_agency, v_to_agency), p_person, p_acting, p_memo, p_hold,
                p_idempotency_key)
        returning id, at into v_id, v_at;
      insert into ledger_entries (transfer_id, account_id, agency_id, kind, amount_cents, balance_after_cents,
                                  counterparty_account_id, person_id, acting_account_id, memo, hold_id)
        values (v_id, p_from, v_from_agency, p_kind, -p_amount, v_from_posted, p_to, p_person, p_acting, p_memo, p_hold),
               (v_id, p_to, v_to_agency, p_kind, p_amount, v_to_posted, p_from, p_person, p_acting, p_memo, p_hold);
      return query select v_id, v_at;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function ledger_transfer`.execute(db);
}
