import { sql } from 'kysely';
import type { Tx } from '../../http/actor.js';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import { accountName, inSubtree } from '../accounts/service.js';

/** Next number of a per-year series, allocated in the issuing transaction: a rollback leaves no gap. */
export async function allocateInvoiceNumber(tx: Tx, series: 'F' | 'AV', year: number) {
  const row = await sql<{ last_number: number }>`
    insert into invoice_sequences (series, year, last_number) values (${series}, ${year}, 1)
    on conflict (series, year) do update set last_number = invoice_sequences.last_number + 1
    returning last_number`.execute(tx);
  const sequence = Number(row.rows[0].last_number);
  return { sequence, number: `${series}${year}-${String(sequence).padStart(6, '0')}` };
}

export function parisYear(at: Date): number {
  return Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Europe/Paris' }).format(at));
}

export async function lockTopUp(tx: Tx, id: string) {
  return tx.selectFrom('top_ups').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export type Scope = { rootId: string | null; accountId?: string };

/** Top-ups of the accounts in scope (the root's subtree, the root included; everything for support). */
export async function listTopUpRows(db: Tx, scope: Scope, f: { status?: string; limit: number; cursor?: string }) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  let q = db
    .selectFrom('top_ups as u')
    .leftJoin('invoices as i', (j) => j.onRef('i.top_up_id', '=', 'u.id').on('i.kind', '=', 'invoice'))
    .select([
      'u.id',
      'u.account_id',
      accountName(sql.ref('u.account_id')).as('account_name'),
      'u.amount_cents',
      'u.vat_cents',
      'u.total_cents',
      'u.status',
      'u.method',
      'u.payment_reference',
      'u.created_at',
      sql<string>`u.created_at::text`.as('sort_key'),
      'u.paid_at',
      'i.id as invoice_id',
      'i.number as invoice_number',
    ]);
  if (scope.rootId) {
    q = q.where(inSubtree(scope.rootId, sql.ref('u.account_id')));
  }
  if (scope.accountId) q = q.where('u.account_id', '=', scope.accountId);
  if (f.status) q = q.where('u.status', '=', f.status as never);
  if (after) q = q.where(sql<boolean>`(u.created_at, u.id) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)`);
  const rows = await q
    .orderBy('u.created_at', 'desc')
    .orderBy('u.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const items = rows.slice(0, f.limit).map((r) => ({
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    amountCents: Number(r.amount_cents),
    vatCents: Number(r.vat_cents),
    totalCents: Number(r.total_cents),
    status: r.status,
    method: r.method,
    paymentReference: r.payment_reference,
    createdAt: new Date(r.created_at).toISOString(),
    paidAt: r.paid_at ? new Date(r.paid_at).toISOString() : null,
    invoiceId: r.invoice_id,
    invoiceNumber: r.invoice_number,
    proformaUrl: `/api/top-ups/${r.id}/proforma.pdf`,
  }));
  const last = rows.length > f.limit ? rows[f.limit - 1] : null;
  return { items, nextCursor: last ? encodeCursor([last.sort_key, last.id]) : null };
}

export async function listInvoiceRows(db: Tx, scope: Scope, f: { limit: number; cursor?: string }) {
  const after = decodeCursor(f.cursor, [cursorPart.timestamp, cursorPart.uuid]);
  let q = db
    .selectFrom('invoices as i')
    .select([
      'i.id',
      'i.kind',
      'i.number',
      'i.issued_at',
      sql<string>`i.issued_at::text`.as('sort_key'),
      'i.account_id',
      accountName(sql.ref('i.account_id')).as('account_name'),
      'i.subtotal_cents',
      'i.vat_cents',
      'i.total_cents',
      'i.top_up_id',
    ]);
  if (scope.rootId) {
    q = q.where(inSubtree(scope.rootId, sql.ref('i.account_id')));
  }
  if (scope.accountId) q = q.where('i.account_id', '=', scope.accountId);
  if (after) q = q.where(sql<boolean>`(i.issued_at, i.id) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)`);
  const rows = await q
    .orderBy('i.issued_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const items = rows.slice(0, f.limit).map((r) => ({
    id: r.id,
    kind: r.kind,
    number: r.number,
    issuedAt: new Date(r.issued_at).toISOString(),
    accountId: r.account_id,
    accountName: r.account_name,
    subtotalCents: Number(r.subtotal_cents),
    vatCents: Number(r.vat_cents),
    totalCents: Number(r.total_cents),
    topUpId: r.top_up_id,
    pdfUrl: `/api/invoices/${r.id}/pdf`,
  }));
  const last = rows.length > f.limit ? rows[f.limit - 1] : null;
  return { items, nextCursor: last ? encodeCursor([last.sort_key, last.id]) : null };
}

/** How many bank-transfer top-ups wait for support to confirm their payment (the support dashboard's queue). */
export async function countTopUpsAwaitingPayment(db: Tx): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::int as n from top_ups where status = 'awaiting_payment'`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}
