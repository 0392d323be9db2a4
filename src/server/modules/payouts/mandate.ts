import type { Actor, Ctx } from '../../http/actor.js';
import { invalidState, ruleViolation } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { lockWallets } from '../ledger/service.js';
import { MANDATE_VERSION, CONTEST_DAYS } from './policy.js';
import { activeMandateOf, insertMandate, openWithdrawalOf, revokeMandateRow } from './queries.js';
import { requirePublisher } from './profile.js';

/** The self-billing mandate the publisher accepts (CGI art. 289, I-2 and BOI-TVA-DECLA-30-20-10-20). */
export const MANDATE_TEXT = [
  'Mandat d’autofacturation',
  `Version ${MANDATE_VERSION}.`,
  'Par le présent mandat, l’éditeur (le « mandant ») autorise Maillon (le « mandataire ») à établir en son nom et pour son compte les factures relatives aux prestations de publication de liens qu’il lui fournit sur la plateforme, conformément à l’article 289, I-2 du Code général des impôts.',
  'Chaque facture est émise lors du paiement d’une demande de virement, porte la mention « Autofacturation », un numéro unique suivant une séquence chronologique et continue propre à l’éditeur, le montant hors taxe des gains versés, la TVA applicable selon le régime déclaré par l’éditeur (ou la mention d’exonération correspondante) et son montant toutes taxes comprises.',
  'L’éditeur reste seul responsable de ses obligations fiscales et déclaratives, notamment du reversement de la TVA facturée en son nom. Il s’engage à signaler sans délai tout changement de son régime de TVA, de sa raison sociale, de son adresse ou de son SIRET.',
  `L’éditeur dispose de ${CONTEST_DAYS} jours à compter de l’émission de chaque facture pour la contester auprès du support ; passé ce délai, elle est réputée acceptée.`,
  'Ce mandat prend effet à son acceptation et vaut pour une durée indéterminée. L’éditeur peut le révoquer à tout moment depuis son profil de facturation ; aucune facture ne sera plus émise en son nom et aucun virement ne pourra être payé jusqu’à une nouvelle acceptation.',
].join('\n\n');

export function mandateOut(m: NonNullable<Awaited<ReturnType<typeof activeMandateOf>>>) {
  return {
    id: m.id,
    version: m.version,
    acceptedAt: new Date(m.accepted_at).toISOString(),
    acceptedBy: m.accepted_by_name,
    acceptedFrom: m.accepted_from,
    revokedAt: m.revoked_at ? new Date(m.revoked_at).toISOString() : null,
  };
}

export async function getMandate(actor: Actor, ctx: Ctx) {
  const id = requirePublisher(actor);
  const current = await activeMandateOf(ctx.db, id);
  return { current: current ? mandateOut(current) : null, version: MANDATE_VERSION, text: MANDATE_TEXT };
}

/** The publisher accepts the mandate in its own session: the version it read, the time, the person and its address are kept. */
export async function acceptMandate(actor: Actor, input: { version: string }, ctx: Ctx) {
  const id = requirePublisher(actor, true);
  if (input.version !== MANDATE_VERSION) throw ruleViolation('mandate_version', { version: MANDATE_VERSION }, 'version');
  return ctx.db.transaction().execute(async (tx) => {
    // The publisher's wallet lock orders its mandate changes with its withdrawals.
    await lockWallets(tx, [id]);
    if (await activeMandateOf(tx, id)) throw invalidState('mandate_exists');
    await insertMandate(tx, { account_id: id, version: MANDATE_VERSION, accepted_by: actor.person.id, accepted_from: actor.ip });
    const m = (await activeMandateOf(tx, id))!;
    await recordAudit(tx, actor, 'self_billing_mandate.accept', { type: 'account', id }, { version: MANDATE_VERSION });
    return mandateOut(m);
  });
}

/** Revocation: no invoice is issued in its name any more, so no open withdrawal may be waiting for one. */
export async function revokeMandate(actor: Actor, ctx: Ctx) {
  const id = requirePublisher(actor, true);
  return ctx.db.transaction().execute(async (tx) => {
    await lockWallets(tx, [id]);
    const m = await activeMandateOf(tx, id);
    if (!m) throw invalidState('mandate_none');
    if (await openWithdrawalOf(tx, id)) throw invalidState('mandate_withdrawal_open');
    await revokeMandateRow(tx, m.id, actor.person.id);
    await recordAudit(tx, actor, 'self_billing_mandate.revoke', { type: 'account', id }, { version: m.version });
    return { ...mandateOut(m), revokedAt: new Date().toISOString() };
  });
}
