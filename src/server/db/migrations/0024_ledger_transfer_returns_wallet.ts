import { sql, type Kysely } from 'kysely';

/**
 * ledger_transfer (0005) also returns the debited wallet as the transfer left it (its available
 * cents, low-balance threshold and kind), read in the same locked update: the service no longer
 * reads the wallet again to tell whether the debit took it under its threshold (one round trip
 * fewer per allocation; issue 13). Same locks, same checks, same rows written.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop function ledger_transfer(uuid, uuid, bigint, bigint, text, text, uuid, uuid, uuid, text)`.execute(db);
  await sql`
    create function ledger_transfer(
      p_from uuid, p_to uuid, p_amount bigint, p_settles bigint, p_kind text, p_memo text, p_hold uuid,
      p_person uuid, p_acting uuid, p_idempotency_key text)
    returns table (transfer_id uuid, transfer_at timestamptz, from_available_cents bigint, from_low_balance_cents bigint, from_kind text)
    language plpgsql as $$
    declare
      v_from_posted bigint; v_from_pending bigint; v_from_low bigint; v_from_kind text; v_from_agency uuid; v_to_posted bigint; v_to_agency uuid;
      v_id uuid; v_at timestamptz;
    begin
      perform 1 from wallets where account_id in (p_from, p_to) order by account_id for update;
      update wallets set posted_cents = posted_cents - p_amount, pending_cents = pending_cents - p_settles
        where account_id = p_from and (kind = 'system' or posted_cents - pending_cents + p_settles >= p_amount)
        returning posted_cents, pending_cents, low_balance_cents, kind, agency_id into v_from_posted, v_from_pending, v_from_low, v_from_kind, v_from_agency;
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
      return query select v_id, v_at, v_from_posted - v_from_pending, v_from_low, v_from_kind::text;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function ledger_transfer(uuid, uuid, bigint, bigint, text, text, uuid, uuid, uuid, text)`.execute(db);
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
