import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** bigint columns arrive as strings from `pg` and as numbers from PGlite; select them through `::int8` helpers */
type BigCents = ColumnType<string | number, number | bigint | undefined, number | bigint>;

export type Role = 'agency' | 'manager' | 'consultant' | 'client' | 'publisher' | 'support' | 'system';
/** The roles the API shows; system accounts (the other side of movements) never leave the server. */
export type PublicRole = Exclude<Role, 'system'>;
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
  closed_reason: ClosedReason | null;
  /** the person who closed it (deactivated it, or switched the mode that suspended it) */
  closed_by: string | null;
}

export type ClosedReason = 'deactivated' | 'suspended_by_mode';

export interface SuspensionsTable {
  id: Generated<string>;
  seq: Generated<string | number>;
  agency_id: string;
  switch_id: string;
  account_id: string;
  role: Role;
  former_parent_id: string | null;
  from_mode: AgencyMode;
  to_mode: AgencyMode;
  suspended_at: Generated<Date>;
  suspended_by: string;
  ended_at: NullableTimestamp;
  end_reason: 'restored' | 'reactivated' | null;
}

export interface SuspensionMovesTable {
  suspension_id: string;
  account_id: string;
  agency_id: string;
  to_parent_id: string;
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
  kind: Generated<'user' | 'system'>;
  /** tell the account's people when `available` falls under it; null: off */
  low_balance_cents: ColumnType<string | number | null, number | null | undefined, number | null>;
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
  kind: 'invitation' | 'password_reset' | 'email_change';
  account_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  /** the address an `email_change` token confirms (migration 0006) */
  new_email: Generated<string | null>;
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
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  locked_until: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  last_error: string | null;
  /** the variant without its live link, stored at enqueue time (migration 0006); null: nothing to hide */
  redacted_subject: Generated<string | null>;
  redacted_text: Generated<string | null>;
  html_body: string | null;
  headers: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
}

export type OutboxStatus = 'pending' | 'sent' | 'dead';

export type EmailMode = 'immediate' | 'digest' | 'off';

export interface NotificationsTable {
  id: Generated<string>;
  person_id: string;
  agency_id: string | null;
  kind: string;
  category: string;
  params: ColumnType<Record<string, string | number | null>, string, string>;
  link: string | null;
  object_type: string | null;
  object_id: string | null;
  created_at: Generated<Date>;
  read_at: NullableTimestamp;
  email: 'immediate' | 'digest' | 'none';
  digested_at: NullableTimestamp;
  /** when its e-mail was dealt with (queued, kept for the digest, or none); null while an immediate one waits for the sweeps */
  emailed_at: NullableTimestamp;
  email_to: string | null;
  language: Generated<Language>;
  recipient_name: Generated<string>;
}

export interface NotificationPreferencesTable {
  person_id: string;
  category: string;
  email: EmailMode;
  updated_at: Generated<Date>;
}

export interface UnsubscribeTokensTable {
  token_hash: string;
  person_id: string;
  categories: string[];
  created_at: Generated<Date>;
  used_at: NullableTimestamp;
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
  hold_id: string | null;
  idempotency_key: string | null;
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
  hold_id: string | null;
}

export interface LedgerHoldsTable {
  id: Generated<string>;
  account_id: string;
  agency_id: string | null;
  amount_cents: BigCents;
  captured_cents: ColumnType<string | number, number | undefined, number>;
  status: Generated<'held' | 'captured' | 'released'>;
  reference: string | null;
  created_at: Generated<Date>;
  settled_at: NullableTimestamp;
  person_id: string | null;
  acting_account_id: string | null;
}

export interface IdempotencyKeysTable {
  person_id: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Generated<Date>;
}

export interface InvoiceSequencesTable {
  series: string;
  year: number;
  last_number: number;
}

export type VatRegime = 'fr' | 'eu_consumer' | 'reverse_charge' | 'outside_eu';

export interface TopUpsTable {
  id: Generated<string>;
  account_id: string;
  agency_id: string | null;
  amount_cents: BigCents;
  vat_rate_bp: number;
  vat_cents: BigCents;
  total_cents: BigCents;
  vat_regime: VatRegime;
  method: 'bank_transfer';
  status: Generated<'awaiting_payment' | 'paid' | 'cancelled' | 'refunded'>;
  payment_reference: string;
  buyer: ColumnType<Party, string, string>;
  created_at: Generated<Date>;
  paid_at: NullableTimestamp;
  cancelled_at: NullableTimestamp;
  requested_by: string | null;
  requested_as: string | null;
}

/** Seller or buyer identity as printed on an invoice, frozen at issue. */
export type Party = Company & { name: string };

export type InvoiceLine = { label: string; quantity: number; unitPriceCents: number; totalCents: number };

export interface InvoicesTable {
  id: Generated<string>;
  kind: 'invoice' | 'credit_note';
  number: string;
  year: number;
  sequence: number;
  issued_at: Generated<Date>;
  account_id: string;
  agency_id: string | null;
  top_up_id: string | null;
  credited_invoice_id: string | null;
  seller: ColumnType<Party & { rcs?: string | null; capital?: string | null; iban?: string; bic?: string }, string, never>;
  buyer: ColumnType<Party, string, never>;
  lines: ColumnType<InvoiceLine[], string, never>;
  vat_regime: VatRegime;
  vat_rate_bp: number;
  subtotal_cents: BigCents;
  vat_cents: BigCents;
  total_cents: BigCents;
  payment_terms: string;
}

export type SiteKind = 'generalist' | 'thematic';
export type SiteStatus = 'pending_review' | 'approved' | 'refused';
export type OrderStatus =
  | 'placed'
  | 'accepted'
  | 'link_placed'
  | 'verified'
  | 'completed'
  | 'refused'
  | 'cancelled'
  | 'expired'
  | 'lost';

export interface SitesTable {
  id: Generated<string>;
  publisher_id: string;
  domain: string;
  theme: string;
  site_kind: SiteKind;
  language: string;
  status: Generated<SiteStatus>;
  review_reason: string | null;
  reviewed_by: string | null;
  reviewed_at: NullableTimestamp;
  created_at: Generated<Date>;
  /** the guarantee the publisher gives on its links (3, 6, 12, 24 or 36 months); null: the platform default */
  guarantee_months: number | null;
}

export interface PublisherReliabilityTable {
  publisher_id: string;
  links_placed: number;
  links_lost: number;
  avg_lifetime_days: number | null;
  acceptance_rate: number | null;
  median_days_to_placement: number | null;
  refreshed_at: Generated<Date>;
}

export interface ArticlesTable {
  id: Generated<string>;
  site_id: string;
  url: string;
  created_at: Generated<Date>;
  best_keyword: string | null;
  best_position: number | null;
  best_volume: number | null;
  top10_count: Generated<number>;
  price_cents: ColumnType<string | number | null, number | null | undefined, number | null>;
  offered: Generated<boolean>;
  site_kind: SiteKind | null;
  theme: string | null;
  language: string | null;
}

export interface ArticleKeywordsTable {
  id: Generated<string>;
  article_id: string;
  keyword: string;
  keyword_norm: string;
  position: number;
  volume: number;
  offer_price_cents: ColumnType<string | number | null, number | null | undefined, number | null>;
  site_kind: SiteKind | null;
  theme: string | null;
  language: string | null;
}

export interface PriceGridTable {
  id: Generated<string>;
  site_kind: SiteKind;
  max_position: number;
  min_volume: number;
  price_cents: BigCents;
}

export interface PriceSettingsTable {
  id: number;
  top10_bonus_cents: BigCents;
  top10_bonus_max: number;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

export interface KeywordImportsTable {
  id: Generated<string>;
  site_id: string;
  publisher_id: string;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  content: Buffer | null;
  format: string | null;
  total_lines: Generated<number>;
  processed_lines: Generated<number>;
  created_keywords: Generated<number>;
  updated_keywords: Generated<number>;
  created_articles: Generated<number>;
  errors: ColumnType<unknown, string | undefined, string>;
  failure: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  finished_at: NullableTimestamp;
  /** chunks committed so far: where an interrupted import resumes (migration 0007) */
  written_chunks: Generated<number>;
}

export interface ProjectsTable {
  id: Generated<string>;
  client_id: string;
  agency_id: string | null;
  name: string;
  url: string;
  domain: string;
  created_at: Generated<Date>;
}

export interface CampaignsTable {
  id: Generated<string>;
  project_id: string;
  client_id: string;
  agency_id: string | null;
  name: string;
  goal: string | null;
  budget_cents: ColumnType<string | number | null, number | null | undefined, number | null>;
  starts_on: ColumnType<string | null, string | null | undefined, string | null>;
  ends_on: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  closed_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface OrdersTable {
  id: Generated<string>;
  client_id: string;
  agency_id: string | null;
  project_id: string;
  campaign_id: string | null;
  article_id: string;
  site_id: string;
  publisher_id: string;
  keyword: string | null;
  price_cents: BigCents;
  commission_bp: number;
  target_url: string;
  anchor: string;
  brief: string | null;
  status: OrderStatus;
  hold_id: string | null;
  live_url: string | null;
  last_check: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  accept_by: Timestamp;
  verified_at: NullableTimestamp;
  payable_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  placed_by: string | null;
  placed_as: string | null;
  /** when the publisher was reminded that the order expires soon */
  reminded_at: NullableTimestamp;
  /** the site's guarantee when the order was placed, in months; null: the platform default */
  guarantee_months: number | null;
  /** set at verification: the link is monitored, and refunded if lost, until then */
  guarantee_ends_at: NullableTimestamp;
  lost_at: NullableTimestamp;
  /** given back to the client by claims; earning and commission are computed on the rest */
  refunded_cents: ColumnType<string | number, number | undefined, number | bigint>;
}

export type CheckKind = 'verification' | 'monitoring';
export type ClaimStatus = 'open' | 'reinstated' | 'refunded' | 'dismissed';

export interface LinkChecksTable {
  id: Generated<string>;
  order_id: string;
  kind: CheckKind;
  at: Generated<Date>;
  outcome: string;
  rule: string | null;
  http_status: number | null;
  final_url: string | null;
  content_hash: string | null;
  messages: ColumnType<unknown, string, string>;
  evidence: ColumnType<unknown, string, string>;
}

export interface LinkMonitorsTable {
  order_id: string;
  host: string;
  next_check_at: Timestamp;
  guarantee_ends_at: Timestamp;
  locked_until: NullableTimestamp;
  down_since: NullableTimestamp;
  last_outcome: string | null;
  last_checked_at: NullableTimestamp;
  dismissed_rule: string | null;
  ended_at: NullableTimestamp;
}

export interface MonitorHostsTable {
  host: string;
  available_at: Generated<Date>;
}

export interface ClaimsTable {
  id: Generated<string>;
  order_id: string;
  client_id: string;
  publisher_id: string;
  agency_id: string | null;
  status: Generated<ClaimStatus>;
  outcome: string;
  rule: string | null;
  messages: ColumnType<unknown, string, string>;
  check_id: ColumnType<string, string | number, string | number>;
  opened_at: Generated<Date>;
  reinstate_by: Timestamp;
  closed_at: NullableTimestamp;
  closed_by: string | null;
  settle_reason: string | null;
  refunded_cents: ColumnType<string | number, number | undefined, number>;
  debt_cents: ColumnType<string | number, number | undefined, number>;
}

export interface PublisherDebtsTable {
  id: Generated<string>;
  account_id: string;
  reference: string;
  amount_cents: BigCents;
  repaid_cents: BigCents;
  created_at: Generated<Date>;
  repaid_at: NullableTimestamp;
}

export interface OrderEventsTable {
  id: Generated<string>;
  order_id: string;
  status: string;
  at: Generated<Date>;
  person_id: string | null;
  acting_account_id: string | null;
  note: string | null;
}

export interface JobsTable {
  id: Generated<string>;
  kind: string;
  payload: ColumnType<unknown, string, string>;
  run_at: Timestamp;
  attempts: Generated<number>;
  locked_until: NullableTimestamp;
  last_error: string | null;
  done_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export type PublisherKind = 'individual' | 'business';
export type PublisherVatRegime = 'franchise' | 'fr_vat' | 'eu_reverse_charge';
export type ProofKind = 'urssaf_vigilance' | 'kbis' | 'insee';
export type ProofStatus = 'pending' | 'accepted' | 'refused' | 'replaced';
export type WithdrawalStatus = 'requested' | 'approved' | 'paid' | 'refused' | 'cancelled';

export interface PublisherProfilesTable {
  account_id: string;
  kind: PublisherKind;
  legal_name: string;
  address: string;
  postal_code: string;
  city: string;
  country: string;
  birth_date: ColumnType<string | null, string | null | undefined, string | null>;
  siret: string | null;
  vat_regime: PublisherVatRegime | null;
  vat_number: string | null;
  tax_number: string | null;
  iban: string | null;
  bic: string | null;
  account_holder: string | null;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

export interface PublisherDocumentsTable {
  id: Generated<string>;
  account_id: string;
  kind: ProofKind;
  issued_on: ColumnType<string, string, string>;
  file_name: string;
  media_type: 'application/pdf' | 'image/png' | 'image/jpeg';
  size_bytes: number;
  sha256: string;
  content: Buffer;
  status: Generated<ProofStatus>;
  refusal_reason: string | null;
  valid_until: ColumnType<string | null, string | null | undefined, string | null>;
  reviewed_by: string | null;
  reviewed_at: NullableTimestamp;
  reminded_at: NullableTimestamp;
  uploaded_at: Generated<Date>;
  uploaded_by: string | null;
}

export interface SelfBillingMandatesTable {
  id: Generated<string>;
  account_id: string;
  version: string;
  accepted_at: Generated<Date>;
  accepted_by: string;
  accepted_from: string | null;
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
}

export interface PayoutBatchesTable {
  id: Generated<string>;
  reference: string;
  status: Generated<'approved' | 'paid'>;
  count: number;
  total_cents: BigCents;
  created_at: Generated<Date>;
  created_by: string;
  exported_at: NullableTimestamp;
  paid_at: NullableTimestamp;
  paid_by: string | null;
}

export interface WithdrawalsTable {
  id: Generated<string>;
  account_id: string;
  amount_cents: BigCents;
  status: Generated<WithdrawalStatus>;
  hold_id: string;
  iban: string;
  bic: string;
  account_holder: string;
  batch_id: string | null;
  vat_regime: PublisherVatRegime | null;
  vat_cents: ColumnType<string | number, number | undefined, number>;
  refusal_reason: string | null;
  requested_at: Generated<Date>;
  requested_by: string;
  decided_at: NullableTimestamp;
  decided_by: string | null;
  paid_at: NullableTimestamp;
}

export interface SelfBilledSequencesTable {
  account_id: string;
  last_number: number;
}

export interface SelfBilledInvoicesTable {
  id: Generated<string>;
  account_id: string;
  sequence: number;
  number: string;
  withdrawal_id: string;
  issued_at: Generated<Date>;
  contest_until: Timestamp;
  mandate_id: string;
  seller: ColumnType<Party, string, never>;
  buyer: ColumnType<Party, string, never>;
  lines: ColumnType<InvoiceLine[], string, never>;
  vat_regime: PublisherVatRegime;
  vat_rate_bp: number;
  subtotal_cents: BigCents;
  vat_cents: BigCents;
  total_cents: BigCents;
  vat_mention: string;
}

export interface BuyerLinksTable {
  publisher_id: string;
  buyer_id: string;
  linked_at: Generated<Date>;
  linked_by: string;
}

export interface CatalogFavouritesTable {
  account_id: string;
  article_id: string;
  created_at: Generated<Date>;
}

/** Kept by the orders trigger of migration 0022; read only. */
export interface OrderSpendMonthsTable {
  client_id: string;
  month: ColumnType<string, string, string>;
  agency_id: string | null;
  cents: ColumnType<string | number, number, number>;
  orders: number;
}
export interface OrderSpendDaysTable {
  agency_id: string;
  day: ColumnType<string, string, string>;
  cents: ColumnType<string | number, number, number>;
  orders: number;
}
export interface OrderPlacedMonthsTable {
  client_id: string;
  month: ColumnType<string, string, string>;
  agency_id: string | null;
  status: string;
  orders: number;
  cents: ColumnType<string | number, number, number>;
}
export interface OrderClientStatusesTable {
  client_id: string;
  agency_id: string | null;
  status: string;
  orders: number;
  cents: ColumnType<string | number, number, number>;
}
export interface OrderLiveCountsTable {
  client_id: string;
  links: number;
}

export interface DB {
  sites: SitesTable;
  articles: ArticlesTable;
  article_keywords: ArticleKeywordsTable;
  price_grid: PriceGridTable;
  price_settings: PriceSettingsTable;
  keyword_imports: KeywordImportsTable;
  projects: ProjectsTable;
  campaigns: CampaignsTable;
  orders: OrdersTable;
  order_events: OrderEventsTable;
  order_spend_months: OrderSpendMonthsTable;
  order_spend_days: OrderSpendDaysTable;
  order_live_counts: OrderLiveCountsTable;
  order_placed_months: OrderPlacedMonthsTable;
  order_client_statuses: OrderClientStatusesTable;
  jobs: JobsTable;
  link_checks: LinkChecksTable;
  link_monitors: LinkMonitorsTable;
  monitor_hosts: MonitorHostsTable;
  claims: ClaimsTable;
  publisher_debts: PublisherDebtsTable;
  publisher_reliability: PublisherReliabilityTable;
  publisher_profiles: PublisherProfilesTable;
  publisher_documents: PublisherDocumentsTable;
  self_billing_mandates: SelfBillingMandatesTable;
  payout_batches: PayoutBatchesTable;
  withdrawals: WithdrawalsTable;
  self_billed_sequences: SelfBilledSequencesTable;
  self_billed_invoices: SelfBilledInvoicesTable;
  buyer_links: BuyerLinksTable;
  catalog_favourites: CatalogFavouritesTable;
  ledger_holds: LedgerHoldsTable;
  idempotency_keys: IdempotencyKeysTable;
  invoice_sequences: InvoiceSequencesTable;
  top_ups: TopUpsTable;
  invoices: InvoicesTable;
  ledger_transfers: LedgerTransfersTable;
  ledger_entries: LedgerEntriesTable;
  accounts: AccountsTable;
  account_tree: AccountTreeTable;
  wallets: WalletsTable;
  sessions: SessionsTable;
  auth_tokens: AuthTokensTable;
  login_failures: LoginFailuresTable;
  agency_requests: AgencyRequestsTable;
  suspensions: SuspensionsTable;
  suspension_moves: SuspensionMovesTable;
  audit_log: AuditLogTable;
  outbox_emails: OutboxEmailsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  unsubscribe_tokens: UnsubscribeTokensTable;
  report_brandings: ReportBrandingsTable;
  report_shares: ReportSharesTable;
  report_subscriptions: ReportSubscriptionsTable;
}

export interface ReportBrandingsTable {
  account_id: string;
  agency_id: string | null;
  primary_color: string;
  accent_color: string;
  footer_text: Generated<string>;
  show_platform_name: Generated<boolean>;
  logo: Buffer | null;
  logo_type: string | null;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

export interface ReportSharesTable {
  id: Generated<string>;
  token_hash: string;
  client_id: string;
  agency_id: string | null;
  project_id: string | null;
  campaign_id: string | null;
  from_day: ColumnType<string | null, string | null | undefined, string | null>;
  to_day: ColumnType<string | null, string | null | undefined, string | null>;
  created_by: string;
  created_as: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
}

export interface ReportSubscriptionsTable {
  client_id: string;
  agency_id: string | null;
  enabled_by: string;
  enabled_as: string;
  enabled_at: Generated<Date>;
  last_sent_month: string | null;
}

export type AccountRow = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
