import type { Actor, Ctx } from '../../http/actor.js';
import { forbidden, notFound } from '../../http/errors.js';
import { findAccountById } from '../accounts/service.js';
import { payoutPolicy } from './policy.js';
import { activeMandateOf, allDocumentsOf, findProfile } from './queries.js';
import { documentView } from './documents.js';
import { mandateOut } from './mandate.js';
import { profileView } from './profile.js';
import { payoutSummary } from './withdrawals.js';
import { requirePublisher } from './profile.js';
import { dac7Csv, taxStatementOf } from './tax.js';
import { renderTaxStatementPdf } from './pdf.js';
import { recordAudit } from '../audit/service.js';

/**
 * Publisher payouts (issue 11), one use case per file:
 * - profile.ts: the billing profile (individual or business, identity, SIRET, VAT, DAC7, IBAN);
 * - documents.ts: proofs uploaded, reviewed by support, reminded before they expire;
 * - mandate.ts: the self-billing mandate;
 * - withdrawals.ts: the summary, requests, cancellation and refusal;
 * - batches.ts: support's batches, their SEPA file and their payment;
 * - invoices.ts: the self-billed invoices;
 * - conversion.ts: an individual's earnings turned into credits;
 * - tax.ts: DAC7 and the yearly statement of art. 242 bis CGI.
 */
export { getProfile, saveProfile } from './profile.js';
export { listDocumentsToReview, listMyDocuments, readDocumentFile, remindExpiringProofs, reviewDocument, uploadDocument } from './documents.js';
export { acceptMandate, getMandate, revokeMandate } from './mandate.js';
export { cancelWithdrawal, listAllWithdrawals, listEarningOrders, listMyWithdrawals, payoutSummary, refuseWithdrawal, requestWithdrawal } from './withdrawals.js';
export { batchSepaFile, createBatch, getBatch, listBatches, markBatchPaid } from './batches.js';
export { listMyInvoices, selfBilledInvoicePdf } from './invoices.js';
export { convertEarnings, getBuyerLink, linkBuyerAccount } from './conversion.js';

/** Support's view of one publisher's payout file: its profile, proofs, mandate and figures. */
export async function publisherPayoutFile(actor: Actor, accountId: string, ctx: Ctx) {
  if (!payoutPolicy.maySeeAll(actor)) throw forbidden('support_only');
  const account = await findAccountById(ctx.db, accountId);
  if (!account || account.role !== 'publisher') throw notFound();
  const [profile, documents, mandate, summary] = await Promise.all([
    findProfile(ctx.db, accountId),
    allDocumentsOf(ctx.db, accountId),
    activeMandateOf(ctx.db, accountId),
    payoutSummary(actor, ctx, accountId),
  ]);
  return { ...profileView(profile), documents: documents.map(documentView), mandate: mandate ? mandateOut(mandate) : null, summary };
}

/** Support's yearly DAC7 export: one row per seller paid or credited that year (audited: it holds tax data). */
export async function dac7Export(actor: Actor, year: number, ctx: Ctx) {
  if (!payoutPolicy.mayOperate(actor)) throw forbidden('support_only');
  const csv = await dac7Csv(ctx, year);
  await ctx.db.transaction().execute((tx) => recordAudit(tx, actor, 'dac7.export', null, { year }));
  return { filename: `dac7-${year}.csv`, csv };
}

/** The publisher's yearly statement of its transactions (art. 242 bis CGI), as a PDF. */
export async function taxStatementPdf(actor: Actor, year: number, ctx: Ctx) {
  const id = requirePublisher(actor);
  const statement = await taxStatementOf(ctx, id, year);
  return { filename: `releve-242-bis-${year}.pdf`, pdf: await renderTaxStatementPdf(statement) };
}
export { countPayoutQueues } from './queries.js';
