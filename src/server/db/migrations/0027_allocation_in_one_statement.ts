import { sql, type Kysely } from 'kysely';
import { createCountingTriggers, dropCountingTriggers, TENANT_TABLES } from './0025_data_versions.js';

/**
 * Tables whose changes 0025 counted and no longer are: no kept answer shows them (the bell, the
 * notifications page and the one-click unsubscribe are never kept), and each e-mail the sweeps
 * write marks its notification and issues its token, which would start every kept answer of the
 * agency again.
 */
export const NO_LONGER_COUNTED = ['notifications', 'unsubscribe_tokens'] as const;

/**
 * An allocation as one statement (issue 13). Run as seven statements from the app (the reach
 * check, the transfer, the audit line, the audience, the notifications, begin and commit), the
 * ledger service moved a third of what a bare SQL loop moves: each statement was parsed and planned
 * again, and each was a round trip. Each feature now keeps its part of an allocation as a plpgsql
 * function (whose plans the server keeps, behind PgBouncer too), and the app's own code calls the
 * same functions, so that every rule is written once:
 *
 * - `reachable_accounts` (accounts): the accounts among `p_ids` that an account reaches — itself
 *   when `p_include_self`, the accounts under it, or for support every customer account and its
 *   own. `findReachableAccounts` is this function.
 * - `audience_of` (accounts): who hears of an event about an account, as `audienceOf` returns it.
 * - `record_audit` (audit): one line of the audit log.
 * - `notify_recipients` (notifications): one notification per recipient (once each, in its
 *   closest relation), e-mailed as the person chose for the category or by the relation's default.
 *   `notifications.person_id` loses its foreign key, as the ledger's attribution columns have none.
 *   An immediate e-mail is written by the app in the same transaction when `p_composed`, else by
 *   the sweep that composes the e-mails of `notifications.emailed_at is null` (new column: when the
 *   row's e-mail was dealt with, null only while an immediate one waits for the sweeps).
 * - `idempotency_claim` and `idempotency_store` (http/idempotency): a request's key claimed in its
 *   transaction, or the answer stored with it replayed; the answer stored. `runIdempotent` is these.
 *   `idempotency_keys.person_id` loses its foreign key too.
 * - `allocate_credits` (ledger): the whole allocation, with `ledger_transfer` (0005, 0024) and its
 *   idempotency key. It raises `maillon:<code>[:<field>]` (SQLSTATE P0001) for a refusal, so nothing
 *   of it is written.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One id at a time, each an equality lookup in a primary key: with an array of ids, PostgreSQL
  // planned the query again on each call (the generic plan, which it judged dearer, scanned every
  // account under an agency).
  await sql`
    create function reachable_accounts(p_actor uuid, p_support boolean, p_ids uuid[], p_include_self boolean)
    returns setof accounts language plpgsql stable as $$
    declare v_id uuid;
    begin
      foreach v_id in array p_ids loop
        if p_support then
          -- Support reaches every customer account; another support person's account is theirs alone.
          return query select a.* from accounts a
            where a.id = v_id and a.role <> 'system' and (p_include_self or a.id <> p_actor) and (a.role <> 'support' or a.id = p_actor);
        elsif v_id = p_actor then
          return query select a.* from accounts a where p_include_self and a.id = v_id and a.role <> 'system';
        else
          return query select a.* from accounts a
            where a.id = v_id and a.role <> 'system'
              and exists (select 1 from account_tree t where t.ancestor_id = p_actor and t.descendant_id = v_id and t.depth > 0);
        end if;
      end loop;
    end $$`.execute(db);

  await sql`
    create function audience_of(p_account uuid) returns jsonb language plpgsql stable as $$
    declare v_role text;
    begin
      select a.role into v_role from accounts a where a.id = p_account;
      if not found then
        return '[]'::jsonb;
      end if;
      return coalesce((
        select jsonb_agg(jsonb_build_object(
            'accountId', a.id, 'name', a.name, 'email', a.email, 'language', a.language, 'agencyId', a.agency_id,
            'hasLogin', a.password_hash is not null,
            'relation', case when t.depth = 0 then 'concerned' when t.depth = 1 and v_role = 'client' then 'in_charge' else 'above' end)
          order by t.depth)
        from account_tree t join accounts a on a.id = t.ancestor_id
        where t.descendant_id = p_account and a.active and a.role <> 'system'), '[]'::jsonb);
    end $$`.execute(db);

  await sql`
    create function record_audit(p_person uuid, p_account uuid, p_agency uuid, p_action text, p_target_type text, p_target_id text,
      p_ip text, p_details jsonb) returns void language plpgsql as $$
    begin
      insert into audit_log (person_id, account_id, agency_id, action, target_type, target_id, ip, details)
        values (p_person, p_account, p_agency, p_action, p_target_type, p_target_id, p_ip, p_details);
    end $$`.execute(db);

  // By default handled when written: what the previous code writes (its e-mails queued in the
  // same transaction) is never e-mailed again by these sweeps during a rolling upgrade.
  await db.schema.alterTable('notifications').addColumn('emailed_at', 'timestamptz', (c) => c.defaultTo(sql`now()`)).execute();
  // As the ledger's attribution columns (0002): accounts are never deleted, and the key check took
  // a share lock on the agency's row, which each notification of its people contended for.
  await sql`alter table notifications drop constraint notifications_person_id_fkey`.execute(db);
  for (const table of NO_LONGER_COUNTED) await dropCountingTriggers(db, table);
  await sql`create index notifications_unemailed_idx on notifications (created_at) where email = 'immediate' and emailed_at is null`.execute(db);
  await sql`
    create function notify_recipients(p_kind text, p_category text, p_params jsonb, p_link text, p_object_type text, p_object_id uuid,
      p_recipients jsonb, p_composed boolean)
    returns table (person_id uuid, email text) language plpgsql as $$
    begin
      return query
        with given as (
          select v.*, case v.relation when 'concerned' then 3 when 'in_charge' then 2 else 1 end as strength
          from jsonb_to_recordset(p_recipients)
            as v("accountId" uuid, "agencyId" uuid, email text, language text, name text, "hasLogin" boolean, relation text)),
        closest as (
          select distinct on (g."accountId") g.* from given g order by g."accountId", g.strength desc),
        decided as (
          select c.*, case
              when not (c."hasLogin" and c.email is not null) then 'none'
              when coalesce(p.email, case c.relation when 'above' then 'digest' else 'immediate' end) = 'off' then 'none'
              else coalesce(p.email, case c.relation when 'above' then 'digest' else 'immediate' end) end as mode
          from closest c
          left join notification_preferences p on p.person_id = c."accountId" and p.category = p_category)
        insert into notifications as n (person_id, agency_id, kind, category, params, link, object_type, object_id, email, email_to,
            language, recipient_name, emailed_at)
          select d."accountId", d."agencyId", p_kind, p_category, p_params, p_link, p_object_type, p_object_id, d.mode, d.email,
            d.language, d.name, case when d.mode = 'immediate' and not p_composed then null else now() end
          from decided d
        returning n.person_id, n.email;
    end $$`.execute(db);

  // A concurrent duplicate waits on the key's row until the first commits, then replays it. The
  // person's key check went too, for the reason notifications' did.
  await sql`alter table idempotency_keys drop constraint idempotency_keys_person_id_fkey`.execute(db);
  await sql`
    create function idempotency_claim(p_person uuid, p_key text, p_hash text) returns jsonb language plpgsql as $$
    declare v_hash text; v_response jsonb;
    begin
      insert into idempotency_keys (person_id, key, request_hash) values (p_person, p_key, p_hash) on conflict do nothing;
      if found then
        return null;
      end if;
      select k.request_hash, k.response into v_hash, v_response from idempotency_keys k where k.person_id = p_person and k.key = p_key;
      if v_hash is distinct from p_hash or v_response is null then
        raise exception 'maillon:idempotency_conflict:idempotency-key';
      end if;
      return v_response;
    end $$`.execute(db);
  await sql`
    create function idempotency_store(p_person uuid, p_key text, p_response jsonb) returns void language plpgsql as $$
    begin
      update idempotency_keys set status_code = 200, response = p_response where person_id = p_person and key = p_key;
    end $$`.execute(db);

  await sql`
    create function allocate_credits(p_person uuid, p_account uuid, p_agency uuid, p_support boolean, p_ip text, p_actor_name text,
      p_from uuid, p_to uuid, p_amount bigint, p_memo text, p_idempotency_key text, p_idempotency_hash text, p_money_category text)
    -- Its statements' plans are kept whatever their parameters (a custom plan for each call cost more than running it).
    returns jsonb language plpgsql as $$
    declare
      v_from accounts; v_to accounts; v_found int := 0; v_row accounts;
      v_transfer record; v_before bigint; v_outcome jsonb;
    begin
      if p_idempotency_key is not null then
        v_outcome := idempotency_claim(p_person, p_idempotency_key, p_idempotency_hash);
        if v_outcome is not null then
          return v_outcome;
        end if;
      end if;
      for v_row in select * from reachable_accounts(p_account, p_support, array[p_from, p_to], true) loop
        v_found := v_found + 1;
        if v_row.id = p_from then v_from := v_row; else v_to := v_row; end if;
      end loop;
      if v_found <> 2 then
        raise exception 'maillon:not_found';
      end if;
      if not v_from.active then
        raise exception 'maillon:wallet_inactive:fromAccountId';
      end if;
      if not v_to.active then
        raise exception 'maillon:wallet_inactive:toAccountId';
      end if;
      select * into v_transfer
        from ledger_transfer(p_from, p_to, p_amount, 0, 'allocation', p_memo, null, p_person, p_account, p_idempotency_key);
      if v_transfer.transfer_id is null then
        raise exception 'maillon:insufficient_funds';
      end if;
      v_before := v_transfer.from_available_cents + p_amount;
      if v_transfer.from_kind = 'user' and v_transfer.from_low_balance_cents is not null
         and v_transfer.from_available_cents < v_transfer.from_low_balance_cents and v_before >= v_transfer.from_low_balance_cents then
        perform notify_recipients('low_balance', p_money_category,
          jsonb_build_object('account', v_from.name, 'availableCents', v_transfer.from_available_cents,
                             'thresholdCents', v_transfer.from_low_balance_cents),
          '/portefeuille/' || p_from, 'account', p_from, audience_of(p_from), false);
      end if;
      perform record_audit(p_person, p_account, p_agency, 'credits.allocate', 'transfer', v_transfer.transfer_id::text, p_ip,
        jsonb_build_object('from', p_from, 'to', p_to, 'amountCents', p_amount));
      perform notify_recipients('credits_allocated', p_money_category,
        jsonb_build_object('account', v_to.name, 'amountCents', p_amount, 'from', p_actor_name),
        '/portefeuille/' || p_to, 'account', p_to, audience_of(p_to), false);
      v_outcome := jsonb_build_object('id', v_transfer.transfer_id,
        'at', to_char(v_transfer.transfer_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'kind', 'allocation',
        'fromAccountId', p_from, 'toAccountId', p_to, 'amountCents', p_amount, 'memo', p_memo);
      if p_idempotency_key is not null then
        perform idempotency_store(p_person, p_idempotency_key, v_outcome);
      end if;
      return v_outcome;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function allocate_credits(uuid, uuid, uuid, boolean, text, text, uuid, uuid, bigint, text, text, text, text)`.execute(db);
  await sql`drop function idempotency_store(uuid, text, jsonb)`.execute(db);
  await sql`drop function idempotency_claim(uuid, text, text)`.execute(db);
  await sql`alter table idempotency_keys add constraint idempotency_keys_person_id_fkey foreign key (person_id) references accounts (id)`.execute(db);
  await sql`drop function notify_recipients(text, text, jsonb, text, text, uuid, jsonb, boolean)`.execute(db);
  await sql`drop index notifications_unemailed_idx`.execute(db);
  for (const table of NO_LONGER_COUNTED) await createCountingTriggers(db, table, TENANT_TABLES[table]);
  await db.schema.alterTable('notifications').dropColumn('emailed_at').execute();
  await sql`alter table notifications add constraint notifications_person_id_fkey foreign key (person_id) references accounts (id)`.execute(db);
  await sql`drop function record_audit(uuid, uuid, uuid, text, text, text, text, jsonb)`.execute(db);
  await sql`drop function audience_of(uuid)`.execute(db);
  await sql`drop function reachable_accounts(uuid, boolean, uuid[], boolean)`.execute(db);
}
