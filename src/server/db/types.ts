import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** bigint columns arrive as strings from `pg` and as numbers from PGlite; select them through `::int8` helpers */
type BigCents = ColumnType<string | number, number | bigint | undefined, number | bigint>;

export type Role = 'agency' | 'manager' | 'consultant' | 'client' | 'publisher' | 'support';
export type AgencyMode = 'simple' | 'intermediate' | 'complete';
export type Language = 'fr' | 'en';

export type Company = {
  legalName: string;
  address: string;
  postalCode: string;
  city: string;
  country: string;
  siret?: string | null;
  vatNumber?: string | null;
};

export interface AccountsTable {
  id: Generated<string>;
  role: Role;
  name: string;
  search_text: string;
  email: string | null;
  password_hash: string | null;
  parent_id: string | null;
  agency_id: string | null;
  agency_mode: AgencyMode | null;
  active: Generated<boolean>;
  company: ColumnType<Company | null, string | null | undefined, string | null>;
  language: Generated<Language>;
  created_at: Generated<Date>;
  last_sign_in_at: NullableTimestamp;
  deactivated_at: NullableTimestamp;
}

export interface AccountTreeTable {
  ancestor_id: string;
  descendant_id: string;
  depth: number;
  agency_id: string | null;
}

export interface WalletsTable {
  account_id: string;
  agency_id: string | null;
  posted_cents: BigCents;
  pending_cents: BigCents;
}

export interface SessionsTable {
  id: string;
  person_id: string;
  acting_account_id: string | null;
  acting_reason: string | null;
  acting_expires_at: NullableTimestamp;
  csrf_token: string;
  created_at: Generated<Date>;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface AuthTokensTable {
  id: Generated<string>;
  token_hash: string;
  kind: 'invitation' | 'password_reset';
  account_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface LoginFailuresTable {
  key: string;
  window_started_at: Timestamp;
  failures: number;
}

export interface AgencyRequestsTable {
  id: Generated<string>;
  account_id: string;
  message: string | null;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  created_at: Generated<Date>;
  decided_at: NullableTimestamp;
  decided_by: string | null;
  decision_note: string | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Generated<Date>;
  person_id: string | null;
  account_id: string | null;
  agency_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface OutboxEmailsTable {
  id: Generated<string>;
  to_address: string;
  subject: string;
  text_body: string;
  created_at: Generated<Date>;
  sent_at: NullableTimestamp;
}

export interface LedgerTransfersTable {
  id: Generated<string>;
  at: Generated<Date>;
  kind: string;
  from_account_id: string;
  to_account_id: string;
  amount_cents: BigCents;
  agency_id: string | null;
  person_id: string | null;
  acting_account_id: string | null;
  memo: string | null;
}

export interface LedgerEntriesTable {
  id: Generated<string>;
  transfer_id: string;
  at: Generated<Date>;
  account_id: string;
  agency_id: string | null;
  kind: string;
  amount_cents: BigCents;
  balance_after_cents: BigCents;
  counterparty_account_id: string | null;
  person_id: string | null;
  acting_account_id: string | null;
  memo: string | null;
}

export interface DB {
  ledger_transfers: LedgerTransfersTable;
  ledger_entries: LedgerEntriesTable;
  accounts: AccountsTable;
  account_tree: AccountTreeTable;
  wallets: WalletsTable;
  sessions: SessionsTable;
  auth_tokens: AuthTokensTable;
  login_failures: LoginFailuresTable;
  agency_requests: AgencyRequestsTable;
  audit_log: AuditLogTable;
  outbox_emails: OutboxEmailsTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
