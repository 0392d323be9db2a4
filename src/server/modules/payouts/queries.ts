import { sql, type Selectable } from 'kysely';
import type { Tx } from '../../http/actor.js';
import type { PublisherProfilesTable, WithdrawalStatus } from '../../db/types.js';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import { accountName } from '../accounts/service.js';

export type PublisherProfileRow = Selectable<PublisherProfilesTable>;

const dayText = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

function normalizeProfile(r: PublisherProfileRow): PublisherProfileRow {
  return { ...r, birth_date: dayText(r.birth_date) };
}

export async function findProfiles(db: Tx, ids: string[]): Promise<Map<string, PublisherProfileRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('publisher_profiles').selectAll().where('account_id', '=', sql<string>`any(${ids}::uuid[])`).execute();
  return new Map(rows.map((r) => [r.account_id, normalizeProfile(r)]));
}

export async function findProfile(db: Tx, id: string, lock = false): Promise<PublisherProfileRow | null> {
  let q = db.selectFrom('publisher_profiles').selectAll().where('account_id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? normalizeProfile(row) : null;
}

export async function saveProfileRow(tx: Tx, row: Omit<PublisherProfileRow, 'updated_at'>): Promise<void> {
  const { account_id, ...rest } = row;
  await tx
    .insertInto('publisher_profiles')
    .values(row)
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ ...rest, updated_at: sql`now()` }))
    .execute();
}

// Documents ----------------------------------------------------------------------------------

const documentColumns = [
  'd.id',
  'd.account_id',
  'd.kind',
  sql<string>`d.issued_on::text`.as('issued_on'),
  'd.file_name',
  'd.media_type',
  'd.size_bytes',
  'd.status',
  'd.refusal_reason',
  sql<string | null>`d.valid_until::text`.as('valid_until'),
  'd.uploaded_at',
  'd.reviewed_at',
  sql<string>`d.uploaded_at::text`.as('sort_key'),
] as const;

export async function insertDocument(
  tx: Tx,
  row: { account_id: string; kind: 'urssaf_vigilance' | 'kbis' | 'insee'; issued_on: string; file_name: string; media_type: 'application/pdf' | 'image/png' | 'image/jpeg'; size_bytes: number; sha256: string; content: Buffer; uploaded_by: string },
) {
  const { id } = await tx.insertInto('publisher_documents').values(row).returning('id').executeTakeFirstOrThrow();
  return (await findDocument(tx, id))!;
}

export async function findDocument(db: Tx, id: string, accountId?: string) {
  let q = db.selectFrom('publisher_documents as d').select(documentColumns).select(accountName(sql.ref('d.account_id')).as('account_name')).where('d.id', '=', id);
  if (accountId) q = q.where('d.account_id', '=', accountId);
  return (await q.executeTakeFirst()) ?? null;
}
export type DocumentRow = NonNullable<Awaited<ReturnType<typeof findDocument>>>;

export async function documentFile(db: Tx, id: string, accountId?: string) {
  let q = db.selectFrom('publisher_documents').select(['content', 'media_type', 'file_name', 'account_id']).where('id', '=', id);
  if (accountId) q = q.where('account_id', '=', accountId);
  return (await q.executeTakeFirst()) ?? null;
}

export async function lockDocument(tx: Tx, id: string) {
  return (await tx.selectFrom('publisher_documents').select(['id', 'account_id', 'status', 'kind', sql<string>`issued_on::text`.as('issued_on')]).where('id', '=', id).forUpdate().executeTakeFirst()) ?? null;
}

export async function reviewDocumentRow(
  tx: Tx,
  id: string,
  review: { status: 'accepted' | 'refused'; reason: string | null; validUntil: string | null; by: string },
) {
  await tx
    .updateTable('publisher_documents')
    .set({ status: review.status, refusal_reason: review.reason, valid_until: review.validUntil, reviewed_by: review.by, reviewed_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Once a proof is accepted, the publisher's earlier accepted proofs are replaced by it. */
export async function replaceOlderProofs(tx: Tx, accountId: string, keptId: string) {
  await tx.updateTable('publisher_documents').set({ status: 'replaced' }).where('account_id', '=', accountId).where('status', '=', 'accepted').where('id', '!=', keptId).execute();
}

/** A publisher's proofs, newest first, a page at a time on (uploaded_at, id): none is left out. */
export async function listDocumentsOf(db: Tx, accountId: string, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  const rows = await db
    .selectFrom('publisher_documents as d')
    .select(documentColumns)
    .where('d.account_id', '=', accountId)
    .$if(after !== null, (q) => q.where(sql<boolean>`(d.uploaded_at, d.id) < (${after![0]}::timestamptz, ${after![1]}::uuid)`))
    .orderBy('d.uploaded_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const last = rows.length > page.limit ? rows[page.limit - 1] : null;
  return { rows: rows.slice(0, page.limit), nextCursor: last ? encodeCursor([last.sort_key, last.id]) : null };
}

/** Every proof of a publisher (support's file of one publisher), read page after page. */
export async function allDocumentsOf(db: Tx, accountId: string) {
  const all: Awaited<ReturnType<typeof listDocumentsOf>>['rows'] = [];
  let cursor: string | undefined;
  do {
    const page = await listDocumentsOf(db, accountId, { limit: 500, cursor });
    all.push(...page.rows);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

export async function listDocumentsForReview(db: Tx, f: { status?: string; limit: number; cursor?: string }) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  let q = db.selectFrom('publisher_documents as d').select(documentColumns).select(accountName(sql.ref('d.account_id')).as('account_name'));
  if (f.status) q = q.where('d.status', '=', f.status as 'pending');
  // Pending proofs oldest first (the queue); the others newest first.
  const asc = f.status === 'pending';
  if (after) q = q.where(sql<boolean>`(d.uploaded_at, d.id) ${sql.raw(asc ? '>' : '<')} (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q
    .orderBy('d.uploaded_at', asc ? 'asc' : 'desc')
    .orderBy('d.id', asc ? 'asc' : 'desc')
    .limit(f.limit + 1)
    .execute();
  const last = rows.length > f.limit ? rows[f.limit - 1] : null;
  return { rows: rows.slice(0, f.limit), nextCursor: last ? encodeCursor([last.sort_key, last.id]) : null };
}

/** The accepted proof valid the longest (expired ones included: the caller tells expired from valid). */
export async function bestProofOf(db: Tx, accountId: string) {
  return (
    (await db
      .selectFrom('publisher_documents')
      .select(['id', 'kind', sql<string>`valid_until::text`.as('valid_until')])
      .where('account_id', '=', accountId)
      .where('status', '=', 'accepted')
      .orderBy('valid_until', 'desc')
      .limit(1)
      .executeTakeFirst()) ?? null
  );
}

/** Accepted proofs that expire within `days` and whose publisher has not been reminded nor sent a newer one. */
export async function proofsToRemind(db: Tx, today: string, until: string, limit: number) {
  return db
    .selectFrom('publisher_documents as d')
    .select(['d.id', 'd.account_id', 'd.kind', sql<string>`d.valid_until::text`.as('valid_until')])
    .where('d.status', '=', 'accepted')
    .where('d.reminded_at', 'is', null)
    .where(sql<boolean>`d.valid_until between ${today}::date and ${until}::date`)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('publisher_documents as n')
            .select('n.id')
            .whereRef('n.account_id', '=', 'd.account_id')
            .where('n.status', '=', 'pending')
            .whereRef('n.uploaded_at', '>', 'd.uploaded_at'),
        ),
      ),
    )
    .orderBy('d.valid_until')
    .limit(limit)
    .execute();
}

export async function markReminded(tx: Tx, id: string): Promise<boolean> {
  const r = await tx.updateTable('publisher_documents').set({ reminded_at: new Date() }).where('id', '=', id).where('reminded_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// Mandates -----------------------------------------------------------------------------------

export async function activeMandateOf(db: Tx, accountId: string) {
  return (
    (await db
      .selectFrom('self_billing_mandates as m')
      .select(['m.id', 'm.version', 'm.accepted_at', 'm.accepted_by', 'm.accepted_from', 'm.revoked_at', accountName(sql.ref('m.accepted_by')).as('accepted_by_name')])
      .where('m.account_id', '=', accountId)
      .where('m.revoked_at', 'is', null)
      .executeTakeFirst()) ?? null
  );
}

export async function insertMandate(tx: Tx, row: { account_id: string; version: string; accepted_by: string; accepted_from: string | null }) {
  await tx.insertInto('self_billing_mandates').values(row).execute();
}

export async function revokeMandateRow(tx: Tx, id: string, by: string) {
  await tx.updateTable('self_billing_mandates').set({ revoked_at: new Date(), revoked_by: by }).where('id', '=', id).execute();
}

export async function mandateById(db: Tx, id: string) {
  return db.selectFrom('self_billing_mandates').select(['version', 'accepted_at']).where('id', '=', id).executeTakeFirstOrThrow();
}

// Withdrawals --------------------------------------------------------------------------------

const withdrawalColumns = [
  'w.id',
  'w.account_id',
  'w.amount_cents',
  'w.status',
  'w.hold_id',
  'w.iban',
  'w.bic',
  'w.account_holder',
  'w.batch_id',
  'w.vat_regime',
  'w.vat_cents',
  'w.refusal_reason',
  'w.requested_at',
  'w.decided_at',
  'w.paid_at',
  sql<string>`w.requested_at::text`.as('sort_key'),
] as const;

function withdrawalQuery(db: Tx) {
  return db
    .selectFrom('withdrawals as w')
    .leftJoin('self_billed_invoices as i', 'i.withdrawal_id', 'w.id')
    .select(withdrawalColumns)
    .select(['i.id as invoice_id', 'i.number as invoice_number', accountName(sql.ref('w.account_id')).as('account_name')]);
}
export type WithdrawalRow = Awaited<ReturnType<ReturnType<typeof withdrawalQuery>['executeTakeFirstOrThrow']>>;

export async function insertWithdrawal(
  tx: Tx,
  row: { id: string; account_id: string; amount_cents: number; hold_id: string; iban: string; bic: string; account_holder: string; requested_by: string },
) {
  await tx.insertInto('withdrawals').values(row).execute();
}

export async function findWithdrawal(db: Tx, id: string, accountId?: string) {
  let q = withdrawalQuery(db).where('w.id', '=', id);
  if (accountId) q = q.where('w.account_id', '=', accountId);
  return (await q.executeTakeFirst()) ?? null;
}

export async function lockWithdrawals(tx: Tx, ids: string[]) {
  return tx
    .selectFrom('withdrawals')
    .select(['id', 'account_id', 'amount_cents', 'status', 'hold_id', 'iban', 'bic', 'account_holder', 'batch_id', 'vat_regime', 'vat_cents'])
    .where('id', '=', sql<string>`any(${ids}::uuid[])`)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function setWithdrawalStatus(
  tx: Tx,
  ids: string[],
  set: { status: WithdrawalStatus; by?: string; reason?: string | null; batchId?: string; paid?: boolean },
) {
  const now = new Date();
  await tx
    .updateTable('withdrawals')
    .set({
      status: set.status,
      ...(set.by ? { decided_by: set.by, decided_at: now } : {}),
      ...(set.reason !== undefined ? { refusal_reason: set.reason } : {}),
      ...(set.batchId ? { batch_id: set.batchId } : {}),
      ...(set.paid ? { paid_at: now } : {}),
    })
    .where('id', '=', sql<string>`any(${ids}::uuid[])`)
    .execute();
}

export async function listWithdrawalRows(db: Tx, f: { accountId?: string; batchId?: string; status?: string; limit: number; cursor?: string }) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  let q = withdrawalQuery(db);
  if (f.accountId) q = q.where('w.account_id', '=', f.accountId);
  if (f.batchId) q = q.where('w.batch_id', '=', f.batchId);
  if (f.status) q = q.where('w.status', '=', f.status as WithdrawalStatus);
  if (after) q = q.where(sql<boolean>`(w.requested_at, w.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q.orderBy('w.requested_at', 'desc').orderBy('w.id', 'desc').limit(f.limit + 1).execute();
  const last = rows.length > f.limit ? rows[f.limit - 1] : null;
  return { rows: rows.slice(0, f.limit), nextCursor: last ? encodeCursor([last.sort_key, last.id]) : null };
}

export async function openWithdrawalOf(db: Tx, accountId: string) {
  return (
    (await db
      .selectFrom('withdrawals')
      .select(['id', 'amount_cents'])
      .where('account_id', '=', accountId)
      .where('status', 'in', ['requested', 'approved'])
      .executeTakeFirst()) ?? null
  );
}

// Batches ------------------------------------------------------------------------------------

/**
 * A new batch, referenced `VIR-<day>-<n>` with the day's next number: a concurrent batch that took
 * the same number first makes the insert do nothing (after waiting for it to commit), and the
 * next number is tried.
 */
export async function insertBatch(tx: Tx, day: string, row: { count: number; total_cents: number; created_by: string }) {
  const taken = await tx
    .selectFrom('payout_batches')
    .select(sql<string>`count(*)::int8`.as('n'))
    .where('reference', 'like', `VIR-${day}-%`)
    .executeTakeFirstOrThrow();
  for (let n = Number(taken.n) + 1; ; n++) {
    const reference = `VIR-${day}-${String(n).padStart(3, '0')}`;
    const inserted = await tx
      .insertInto('payout_batches')
      .values({ ...row, reference })
      .onConflict((oc) => oc.column('reference').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { id: inserted.id, reference };
  }
}

const batchColumns = ['id', 'reference', 'status', 'count', 'total_cents', 'created_at', 'exported_at', 'paid_at', sql<string>`created_at::text`.as('sort_key')] as const;

export async function findBatch(db: Tx, id: string, lock = false) {
  let q = db.selectFrom('payout_batches').select(batchColumns).where('id', '=', id);
  if (lock) q = q.forUpdate();
  return (await q.executeTakeFirst()) ?? null;
}
export type BatchRow = NonNullable<Awaited<ReturnType<typeof findBatch>>>;

export async function markBatch(tx: Tx, id: string, set: { exported?: true; paidBy?: string }) {
  await tx
    .updateTable('payout_batches')
    .set({
      ...(set.exported ? { exported_at: sql`coalesce(exported_at, now())` } : {}),
      ...(set.paidBy ? { status: 'paid' as const, paid_at: new Date(), paid_by: set.paidBy } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function listBatchRows(db: Tx, f: { limit: number; cursor?: string }) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  let q = db.selectFrom('payout_batches').select(batchColumns);
  if (after) q = q.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
  const last = rows.length > f.limit ? rows[f.limit - 1] : null;
  return { rows: rows.slice(0, f.limit), nextCursor: last ? encodeCursor([last.sort_key, last.id]) : null };
}

/** Every withdrawal of a batch, in a stable order (the SEPA file and the payment walk them so). */
export async function batchWithdrawals(db: Tx, batchId: string) {
  return withdrawalQuery(db).where('w.batch_id', '=', batchId).orderBy('w.requested_at').orderBy('w.id').execute();
}

// Self-billed invoices -----------------------------------------------------------------------

/** The publisher's next invoice number, in the issuing transaction: the row lock serializes issues, a rollback leaves no gap. */
export async function allocateSelfBilledNumber(tx: Tx, accountId: string): Promise<number> {
  const row = await sql<{ last_number: number }>`
    insert into self_billed_sequences (account_id, last_number) values (${accountId}, 1)
    on conflict (account_id) do update set last_number = self_billed_sequences.last_number + 1
    returning last_number`.execute(tx);
  return Number(row.rows[0].last_number);
}

export async function insertSelfBilledInvoice(
  tx: Tx,
  row: {
    account_id: string;
    sequence: number;
    number: string;
    withdrawal_id: string;
    issued_at: Date;
    contest_until: Date;
    mandate_id: string;
    seller: string;
    buyer: string;
    lines: string;
    vat_regime: 'franchise' | 'fr_vat' | 'eu_reverse_charge';
    vat_rate_bp: number;
    subtotal_cents: number;
    vat_cents: number;
    total_cents: number;
    vat_mention: string;
  },
) {
  return tx.insertInto('self_billed_invoices').values(row).returning(['id', 'number']).executeTakeFirstOrThrow();
}

export async function findSelfBilledInvoice(db: Tx, id: string, accountId?: string) {
  let q = db.selectFrom('self_billed_invoices').selectAll().where('id', '=', id);
  if (accountId) q = q.where('account_id', '=', accountId);
  return (await q.executeTakeFirst()) ?? null;
}

export async function listSelfBilledInvoiceRows(db: Tx, accountId: string, f: { limit: number; cursor?: string }) {
  const after = decodeCursor(f.cursor, [cursorPart.int]);
  let q = db
    .selectFrom('self_billed_invoices')
    .select(['id', 'number', 'sequence', 'issued_at', 'contest_until', 'subtotal_cents', 'vat_cents', 'total_cents', 'withdrawal_id'])
    .where('account_id', '=', accountId);
  if (after) q = q.where('sequence', '<', after[0]);
  const rows = await q.orderBy('sequence', 'desc').limit(f.limit + 1).execute();
  const last = rows.length > f.limit ? rows[f.limit - 1] : null;
  return { rows: rows.slice(0, f.limit), nextCursor: last ? encodeCursor([last.sequence]) : null };
}

// Buyer links --------------------------------------------------------------------------------

export async function buyerLinkOf(db: Tx, publisherId: string) {
  return (
    (await db
      .selectFrom('buyer_links as b')
      .select(['b.buyer_id', accountName(sql.ref('b.buyer_id')).as('buyer_name')])
      .where('b.publisher_id', '=', publisherId)
      .executeTakeFirst()) ?? null
  );
}

export async function saveBuyerLink(tx: Tx, row: { publisher_id: string; buyer_id: string; linked_by: string }) {
  await tx
    .insertInto('buyer_links')
    .values(row)
    .onConflict((oc) => oc.column('publisher_id').doUpdateSet({ buyer_id: row.buyer_id, linked_by: row.linked_by, linked_at: sql`now()` }))
    .execute();
}

/** What was paid out to the publisher per month (Paris) of payment, "2026-11" → cents. */
export async function paidByMonth(db: Tx, accountId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('withdrawals')
    .select([sql<string>`to_char(paid_at at time zone 'Europe/Paris', 'YYYY-MM')`.as('month'), sql<string>`sum(amount_cents)::int8`.as('cents')])
    .where('account_id', '=', accountId)
    .where('status', '=', 'paid')
    .groupBy(sql`1`)
    .execute();
  return new Map(rows.map((r) => [r.month, Number(r.cents)]));
}

/** A batch's count and total after one of its requests was refused; its file is to be downloaded again. */
export async function recountBatch(tx: Tx, batchId: string) {
  await sql`update payout_batches b set
      count = (select count(*) from withdrawals w where w.batch_id = b.id and w.status in ('approved', 'paid')),
      total_cents = coalesce((select sum(w.amount_cents + w.vat_cents) from withdrawals w where w.batch_id = b.id and w.status in ('approved', 'paid')), 0),
      exported_at = null
    where b.id = ${batchId}`.execute(tx);
}

export async function setWithdrawalVat(tx: Tx, id: string, regime: 'franchise' | 'fr_vat' | 'eu_reverse_charge', vatCents: number) {
  await tx.updateTable('withdrawals').set({ vat_regime: regime, vat_cents: vatCents }).where('id', '=', id).execute();
}

/** What waits for support in payouts: withdrawals to decide, proofs to review. */
export async function countPayoutQueues(db: Tx): Promise<{ withdrawals: number; documents: number }> {
  const row = await sql<{ w: number; d: number }>`
    select (select count(*)::int from withdrawals where status = 'requested') as w,
      (select count(*)::int from publisher_documents where status = 'pending') as d`.execute(db);
  return { withdrawals: Number(row.rows[0]?.w ?? 0), documents: Number(row.rows[0]?.d ?? 0) };
}
