import { sql, type Kysely } from 'kysely';
import { MARKETPLACE_TENANT } from './0025_data_versions.js';

/**
 * The session lookup, run on every signed-in request, as a plpgsql function (issue 13). As one SQL
 * statement (sessions, the person, the acted account and the closure table) PostgreSQL planned it
 * on every request: 0.7 ms of the database's CPU for 0.03 ms of execution, three times what
 * `/api/health` costs. A plpgsql function keeps its statements' plans in the server process that
 * runs it, which behind PgBouncer's transaction pooling is still right: the plan is the server's,
 * not the client session's, and any server process plans it again on its first call.
 *
 * `session_accounts` (accounts) is the person's columns (`p_`, all null when it is gone) and, when
 * `p_acted` is not null, the acted account's (`a_`) with `a_reached`, whether the person reaches it
 * strictly from above. `session_with_accounts` (auth) is the session of a token's hash with those
 * columns in the same row, and the data versions (0025) of the tenant of the account the session
 * acts for and of the marketplace, read in the same snapshot: what the read cache
 * (http/read-cache.ts) compares its kept answers with. All three are plpgsql: as SQL functions
 * PostgreSQL planned them on each call again (twice the time).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function session_accounts(p_person uuid, p_acted uuid)
    returns table (
      p_id uuid, p_role text, p_name text, p_email text, p_parent_id uuid, p_agency_id uuid, p_agency_mode text, p_active boolean,
      a_id uuid, a_role text, a_name text, a_email text, a_parent_id uuid, a_agency_id uuid, a_agency_mode text, a_active boolean,
      a_reached boolean)
    language plpgsql stable as $$
    begin
      return query
        select p.id, p.role, p.name, p.email, p.parent_id, p.agency_id, p.agency_mode, p.active,
               a.id, a.role, a.name, a.email, a.parent_id, a.agency_id, a.agency_mode, a.active,
               exists (select 1 from account_tree t where t.ancestor_id = p.id and t.descendant_id = a.id and t.depth > 0)
        from accounts p left join accounts a on a.id = p_acted
        where p.id = p_person;
    end $$`.execute(db);
  await sql`
    create function session_with_accounts(p_token_hash text)
    returns table (
      id text, person_id uuid, acting_account_id uuid, acting_reason text, acting_expires_at timestamptz, csrf_token text,
      last_seen_at timestamptz, expires_at timestamptz,
      p_id uuid, p_role text, p_name text, p_email text, p_parent_id uuid, p_agency_id uuid, p_agency_mode text, p_active boolean,
      a_id uuid, a_role text, a_name text, a_email text, a_parent_id uuid, a_agency_id uuid, a_agency_mode text, a_active boolean,
      a_reached boolean, tenant_id uuid, tenant_version int8, marketplace_version int8)
    language plpgsql stable as $$
    begin
      return query
        select s.id, s.person_id, s.acting_account_id, s.acting_reason, s.acting_expires_at, s.csrf_token, s.last_seen_at, s.expires_at, x.*,
               y.tenant_id, data_version(y.tenant_id), data_version(${sql.raw(`'${MARKETPLACE_TENANT}'`)}::uuid)
        from sessions s
        left join lateral session_accounts(s.person_id, s.acting_account_id) x on true
        left join lateral (select case when x.a_id is not null then coalesce(x.a_agency_id, x.a_id) else coalesce(x.p_agency_id, x.p_id) end as tenant_id) y on true
        where s.id = p_token_hash;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function session_with_accounts(text)`.execute(db);
  await sql`drop function session_accounts(uuid, uuid)`.execute(db);
}
