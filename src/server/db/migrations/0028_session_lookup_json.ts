import { sql, type Kysely } from 'kysely';

/**
 * The session lookup (0026) as one value: `session_json(token hash)` (auth) is the row of
 * `session_with_accounts` as JSON, or null. The request's statement is then a plain function call,
 * which the server parses and plans for less than a scan of a set-returning function
 * (`select row_to_json(x) from session_with_accounts($1) x`): 7–11 % more lookups per second in
 * pgbench over 8 connections (issue 13).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function session_json(p_token_hash text) returns json language plpgsql stable as $$
    begin
      return (select row_to_json(x) from session_with_accounts(p_token_hash) x);
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function session_json(text)`.execute(db);
}
