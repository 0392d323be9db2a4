import { createHash } from 'node:crypto';
import { addMonths, format, parseISO, subMonths, addDays } from 'date-fns';
import { fileTypeFromBuffer } from 'file-type';
import type { Actor, Ctx } from '../../http/actor.js';
import { forbidden, invalidInput, invalidState, notFound, ruleViolation } from '../../http/errors.js';
import { todayInParis } from '../../http/dates.js';
import { recordAudit } from '../audit/service.js';
import { notify } from '../notifications/service.js';
import { audienceOf, findAccountById, supportAudience } from '../accounts/service.js';
import { MAX_DOCUMENT_BYTES, PROOF_REMINDER_DAYS, PROOF_VALID_MONTHS, payoutPolicy } from './policy.js';
import {
  documentFile,
  findDocument,
  insertDocument,
  listDocumentsForReview,
  listDocumentsOf,
  lockDocument,
  markReminded,
  proofsToRemind,
  replaceOlderProofs,
  reviewDocumentRow,
  type DocumentRow,
} from './queries.js';
import { requirePublisher } from './profile.js';

export const DOCUMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
type DocumentType = (typeof DOCUMENT_TYPES)[number];

export function documentView(r: Omit<DocumentRow, 'account_name'>) {
  return {
    id: r.id,
    kind: r.kind,
    issuedOn: r.issued_on,
    fileName: r.file_name,
    mediaType: r.media_type,
    sizeBytes: r.size_bytes,
    status: r.status,
    refusalReason: r.refusal_reason,
    validUntil: r.valid_until,
    uploadedAt: new Date(r.uploaded_at).toISOString(),
    reviewedAt: r.reviewed_at ? new Date(r.reviewed_at).toISOString() : null,
  };
}

/**
 * What a file really is, read from its bytes (not its name nor its declared type): a PDF, PNG or
 * JPEG that is whole (a PDF ends with %%EOF, a PNG with its IEND chunk, a JPEG with its EOI marker).
 */
export async function checkDocumentContent(content: Buffer, declared: string): Promise<DocumentType> {
  if (content.length === 0) throw invalidInput('document_type', 'file');
  if (content.length > MAX_DOCUMENT_BYTES) throw invalidInput('document_too_large', 'file');
  const found = await fileTypeFromBuffer(content);
  const actual = found?.mime;
  if (!actual || !(DOCUMENT_TYPES as readonly string[]).includes(actual)) throw invalidInput('document_type', 'file');
  if (actual !== declared) throw invalidInput('document_type_mismatch', 'file', { actual, declared });
  const tail = content.subarray(Math.max(0, content.length - 1024));
  const whole =
    actual === 'application/pdf'
      ? tail.includes('%%EOF')
      : actual === 'image/png'
        ? tail.includes(Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]))
        : tail.includes(Buffer.from([0xff, 0xd9]));
  if (!whole) throw invalidInput('document_truncated', 'file');
  return actual as DocumentType;
}

const safeFileName = (name: string) => name.replace(/[\\/\0-\x1f"]/g, '_').slice(0, 200) || 'document';

export async function uploadDocument(
  actor: Actor,
  input: { kind: 'urssaf_vigilance' | 'kbis' | 'insee'; issuedOn: string; fileName: string; contentType: string; content: Buffer },
  ctx: Ctx,
) {
  const id = requirePublisher(actor, true);
  const today = todayInParis();
  if (input.issuedOn > today) throw invalidInput('document_date_future', 'issuedOn');
  if (input.issuedOn < format(subMonths(parseISO(today), PROOF_VALID_MONTHS), 'yyyy-MM-dd')) throw invalidInput('document_too_old', 'issuedOn');
  const mediaType = await checkDocumentContent(input.content, input.contentType);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await insertDocument(tx, {
      account_id: id,
      kind: input.kind,
      issued_on: input.issuedOn,
      file_name: safeFileName(input.fileName),
      media_type: mediaType,
      size_bytes: input.content.length,
      sha256: createHash('sha256').update(input.content).digest('hex'),
      content: input.content,
      uploaded_by: actor.person.id,
    });
    await recordAudit(tx, actor, 'payout_document.upload', { type: 'publisher_document', id: row.id }, { kind: input.kind, sizeBytes: input.content.length });
    await notify(tx, ctx, {
      kind: 'proof_to_review',
      params: { publisher: actor.account.name, document: input.kind },
      link: '/support/paiements',
      object: { type: 'publisher_document', id: row.id },
      recipients: await supportAudience(tx),
    });
    return documentView(row);
  });
}

export async function listMyDocuments(actor: Actor, query: { limit: number; cursor?: string }, ctx: Ctx) {
  const id = requirePublisher(actor);
  const page = await listDocumentsOf(ctx.db, id, query);
  return { items: page.rows.map(documentView), nextCursor: page.nextCursor };
}

/** The file of a proof: to its publisher, or to support (each such read is audited). */
export async function readDocumentFile(actor: Actor, documentId: string, ctx: Ctx, options: { asSupport?: boolean } = {}) {
  if (options.asSupport && !payoutPolicy.maySeeAll(actor)) throw forbidden('support_only');
  if (payoutPolicy.maySeeAll(actor)) {
    const file = await documentFile(ctx.db, documentId);
    if (!file) throw notFound();
    await ctx.db.transaction().execute((tx) => recordAudit(tx, actor, 'payout_document.read', { type: 'publisher_document', id: documentId }, { accountId: file.account_id }));
    return file;
  }
  const id = requirePublisher(actor);
  const file = await documentFile(ctx.db, documentId, id);
  if (!file) throw notFound();
  return file;
}

export async function listDocumentsToReview(actor: Actor, f: { status?: string; limit: number; cursor?: string }, ctx: Ctx) {
  if (!payoutPolicy.maySeeAll(actor)) throw forbidden('support_only');
  const page = await listDocumentsForReview(ctx.db, f);
  return { items: page.rows.map((r) => ({ ...documentView(r), accountId: r.account_id, accountName: r.account_name })), nextCursor: page.nextCursor };
}

/** Support accepts a proof (valid 6 months from its date; it replaces the older accepted ones) or refuses it with a reason. */
export async function reviewDocument(actor: Actor, documentId: string, input: { decision: 'accept' | 'refuse'; reason?: string }, ctx: Ctx) {
  if (!payoutPolicy.mayOperate(actor)) throw forbidden('support_only');
  const reason = input.reason?.trim() || null;
  return ctx.db.transaction().execute(async (tx) => {
    const doc = await lockDocument(tx, documentId);
    if (!doc) throw notFound();
    if (input.decision === 'refuse' && !reason) throw ruleViolation('refusal_reason_required', {}, 'reason');
    if (doc.status !== 'pending') throw invalidState('document_not_pending');
    const validUntil = input.decision === 'accept' ? format(addMonths(parseISO(doc.issued_on), PROOF_VALID_MONTHS), 'yyyy-MM-dd') : null;
    await reviewDocumentRow(tx, doc.id, { status: input.decision === 'accept' ? 'accepted' : 'refused', reason: input.decision === 'refuse' ? reason : null, validUntil, by: actor.person.id });
    if (input.decision === 'accept') await replaceOlderProofs(tx, doc.account_id, doc.id);
    await recordAudit(tx, actor, `payout_document.${input.decision}`, { type: 'publisher_document', id: doc.id }, { accountId: doc.account_id, reason });
    await notify(tx, ctx, {
      kind: input.decision === 'accept' ? 'proof_accepted' : 'proof_refused',
      params: input.decision === 'accept' ? { document: doc.kind, validUntil } : { document: doc.kind, reason },
      link: '/editeur/profil',
      object: { type: 'publisher_document', id: doc.id },
      recipients: await audienceOf(tx, doc.account_id),
    });
    const row = await findDocument(tx, doc.id);
    return documentView(row!);
  });
}

/** The background sweep: each accepted proof expiring within 30 days is told once to its publisher, unless a newer one waits for review. */
export async function remindExpiringProofs(ctx: Ctx, now = new Date()): Promise<number> {
  const today = todayInParis(now);
  const until = format(addDays(parseISO(today), PROOF_REMINDER_DAYS), 'yyyy-MM-dd');
  const due = await proofsToRemind(ctx.db, today, until, 200);
  let told = 0;
  for (const proof of due) {
    await ctx.db.transaction().execute(async (tx) => {
      if (!(await markReminded(tx, proof.id))) return;
      const account = await findAccountById(tx, proof.account_id);
      if (!account?.active) return;
      await notify(tx, ctx, {
        kind: 'proof_expiring',
        params: { document: proof.kind, validUntil: proof.valid_until },
        link: '/editeur/profil',
        object: { type: 'publisher_document', id: proof.id },
        recipients: await audienceOf(tx, proof.account_id),
      });
      told++;
    });
  }
  return told;
}
