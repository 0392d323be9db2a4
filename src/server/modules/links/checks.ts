import { sql } from 'kysely';
import type { Actor, Ctx, Tx } from '../../http/actor.js';
import type { CheckKind } from '../../db/types.js';
import { cursorPart, decodeCursor, encodeCursor } from '../../http/pagination.js';
import { findReadableOrder } from '../orders/service.js';
import type { CheckOutcome, LinkEvidence, VerificationResult } from './verify.js';

/** Keeps one check of an order's live URL with its evidence; returns its id. */
export async function recordCheck(tx: Tx, orderId: string, kind: CheckKind, result: VerificationResult): Promise<string> {
  const row = await tx
    .insertInto('link_checks')
    .values({
      order_id: orderId,
      kind,
      at: new Date(result.checkedAt),
      outcome: result.outcome,
      rule: result.rule,
      http_status: result.status,
      final_url: result.finalUrl,
      content_hash: result.evidence.contentHash,
      messages: JSON.stringify(result.messages),
      evidence: JSON.stringify(result.evidence),
    })
    .returning(sql<string>`id::text`.as('id'))
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Every check of an order, newest first: its buyer side, its publisher and support read them. */
export async function listChecks(actor: Actor, orderId: string, page: { limit: number; cursor?: string }, ctx: Ctx) {
  await findReadableOrder(ctx.db, actor, orderId);
  const after = decodeCursor(page.cursor, [cursorPart.timestamp, cursorPart.bigint]);
  const rows = await ctx.db
    .selectFrom('link_checks')
    .select([
      sql<string>`id::text`.as('id'),
      'kind',
      'at',
      sql<string>`at::text`.as('sort_at'),
      'outcome',
      'rule',
      'http_status',
      'final_url',
      'messages',
      'evidence',
    ])
    .where('order_id', '=', orderId)
    .$if(after !== null, (q) => q.where(sql<boolean>`(at, id) < (${String(after![0])}::timestamptz, ${String(after![1])}::int8)`))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((r) => ({
      id: r.id,
      kind: r.kind,
      at: new Date(r.at).toISOString(),
      ok: r.outcome === 'ok',
      outcome: r.outcome as CheckOutcome,
      rule: r.rule,
      message: (r.messages as Record<string, string>)[actor.lang] ?? (r.messages as Record<string, string>).fr,
      httpStatus: r.http_status,
      finalUrl: r.final_url,
      evidence: r.evidence as LinkEvidence,
    })),
    nextCursor: rows.length > page.limit ? encodeCursor([last.sort_at, last.id]) : null,
  };
}

export type CheckHistoryItem = { at: string; kind: CheckKind; ok: boolean; outcome: string; rule: string | null; httpStatus: number | null; message: string };

/**
 * The checks of many orders at once, oldest first per order (for an inventory export: one query
 * per page of orders, no evidence). The caller has checked that the orders are in its reach.
 */
export async function checkHistoryOf(db: Tx, orderIds: string[], lang: 'fr' | 'en'): Promise<Map<string, CheckHistoryItem[]>> {
  const byOrder = new Map<string, CheckHistoryItem[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0) return byOrder;
  const rows = await db
    .selectFrom('link_checks')
    .select(['order_id', 'kind', 'at', 'outcome', 'rule', 'http_status', 'messages'])
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('at')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const messages = r.messages as Record<string, string>;
    byOrder.get(r.order_id)?.push({
      at: new Date(r.at).toISOString(),
      kind: r.kind,
      ok: r.outcome === 'ok',
      outcome: r.outcome,
      rule: r.rule,
      httpStatus: r.http_status,
      message: messages[lang] ?? messages.fr ?? '',
    });
  }
  return byOrder;
}
