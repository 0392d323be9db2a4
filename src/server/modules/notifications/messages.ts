import type { Language } from '../../db/types.js';
import type { NotificationCategory, NotificationKind, NotificationParams } from './events.js';
import { de, frenchDate } from '../../http/french.js';

/** Each kind's title and body in both languages, from its params (rendered when read, in the reader's language). */
type Text = { title: string; body: string };
type Messages = Record<NotificationKind, Record<Language, (p: Formatted) => Text>>;
type Formatted = Record<string, string>;

const locale = { fr: 'fr-FR', en: 'en-GB' } as const;

function euros(lang: Language, cents: number): string {
  return new Intl.NumberFormat(locale[lang], { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** A long date in the reader's language, « 1er décembre » in French. */
function longDate(lang: Language, options: Intl.DateTimeFormatOptions, date: Date): string {
  const format = new Intl.DateTimeFormat(locale[lang], options);
  return lang === 'fr' ? frenchDate(format, date) : format.format(date);
}

function dateTime(lang: Language, iso: string): string {
  return longDate(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }, new Date(iso));
}

function day(lang: Language, isoDay: string): string {
  return longDate(lang, { dateStyle: 'long', timeZone: 'UTC' }, new Date(`${isoDay.slice(0, 10)}T00:00:00Z`));
}

const PROOF_NAMES: Record<string, Record<Language, string>> = {
  urssaf_vigilance: { fr: 'attestation de vigilance URSSAF', en: 'URSSAF certificate (attestation de vigilance)' },
  kbis: { fr: 'extrait Kbis', en: 'Kbis extract' },
  insee: { fr: 'avis de situation INSEE', en: 'INSEE registration notice' },
};

/** Params as the messages print them: amounts in euros, dates in Paris time, in the reader's language. */
function format(lang: Language, params: NotificationParams): Formatted {
  const out: Formatted = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) out[key] = '';
    else if (key.endsWith('Cents')) out[key] = euros(lang, Number(value));
    else if (key === 'acceptBy' || key === 'reinstateBy') out[key] = dateTime(lang, String(value));
    else if (key === 'validUntil') out[key] = day(lang, String(value));
    else if (key === 'document') out[key] = PROOF_NAMES[String(value)]?.[lang] ?? String(value);
    else out[key] = String(value);
  }
  return out;
}

const roleNames: Record<Language, Record<string, string>> = {
  fr: { manager: 'manager', consultant: 'consultant', client: 'client' },
  en: { manager: 'manager', consultant: 'consultant', client: 'client' },
};

const messages: Messages = {
  order_new: {
    fr: (p) => ({ title: `Nouvelle commande sur ${p.site}`, body: `Ancre « ${p.anchor} », ${p.priceCents}. À accepter avant le ${p.acceptBy}, sinon elle expire.` }),
    en: (p) => ({ title: `New order on ${p.site}`, body: `Anchor "${p.anchor}", ${p.priceCents}. Accept it before ${p.acceptBy}, or it expires.` }),
  },
  order_reminder: {
    fr: (p) => ({ title: `Commande à accepter sur ${p.site}`, body: `La commande « ${p.anchor} » expire le ${p.acceptBy} si elle n'est pas acceptée.` }),
    en: (p) => ({ title: `Order waiting on ${p.site}`, body: `The order "${p.anchor}" expires on ${p.acceptBy} unless it is accepted.` }),
  },
  order_cancelled: {
    fr: (p) => ({ title: `Commande annulée sur ${p.site}`, body: `L'acheteur a annulé la commande « ${p.anchor} ». Rien n'est à publier.` }),
    en: (p) => ({ title: `Order cancelled on ${p.site}`, body: `The buyer cancelled the order "${p.anchor}". Nothing is to be published.` }),
  },
  order_accepted: {
    fr: (p) => ({ title: `Commande acceptée pour ${p.client}`, body: `L'éditeur a accepté la commande « ${p.anchor} » et va publier le lien.` }),
    en: (p) => ({ title: `Order accepted for ${p.client}`, body: `The publisher accepted the order "${p.anchor}" and will publish the link.` }),
  },
  order_refused: {
    fr: (p) => ({ title: `Commande refusée pour ${p.client}`, body: `L'éditeur a refusé la commande « ${p.anchor} » : ${p.reason}. Les crédits bloqués sont rendus.` }),
    en: (p) => ({ title: `Order refused for ${p.client}`, body: `The publisher refused the order "${p.anchor}": ${p.reason}. The held credits are given back.` }),
  },
  order_expired: {
    fr: (p) => ({ title: `Commande expirée pour ${p.client}`, body: `L'éditeur n'a pas accepté la commande « ${p.anchor} » à temps. Les crédits bloqués sont rendus.` }),
    en: (p) => ({ title: `Order expired for ${p.client}`, body: `The publisher did not accept the order "${p.anchor}" in time. The held credits are given back.` }),
  },
  link_placed: {
    fr: (p) => ({ title: `Lien publié pour ${p.client}`, body: `Le lien « ${p.anchor} » est en ligne sur ${p.liveUrl}. Sa vérification est en cours.` }),
    en: (p) => ({ title: `Link published for ${p.client}`, body: `The link "${p.anchor}" is live on ${p.liveUrl}. It is being checked.` }),
  },
  order_verified: {
    fr: (p) => ({ title: `Lien vérifié pour ${p.client}`, body: `Le lien « ${p.anchor} » est bien en place, en dofollow, sur une page indexable.` }),
    en: (p) => ({ title: `Link verified for ${p.client}`, body: `The link "${p.anchor}" is in place, dofollow, on an indexable page.` }),
  },
  claim_opened: {
    fr: (p) => ({ title: `Lien perdu ou modifié pour ${p.client}`, body: `Le lien « ${p.anchor} » ne passe plus le contrôle : ${p.reason} Une réclamation est ouverte : l'éditeur a jusqu'au ${p.reinstateBy} pour le rétablir, sinon la commande est remboursée.` }),
    en: (p) => ({ title: `Link lost or altered for ${p.client}`, body: `The link "${p.anchor}" no longer passes its check: ${p.reason} A claim is open: the publisher has until ${p.reinstateBy} to reinstate it, or the order is refunded.` }),
  },
  claim_reinstated: {
    fr: (p) => ({ title: `Lien rétabli pour ${p.client}`, body: `Le lien « ${p.anchor} » passe de nouveau le contrôle : la réclamation est close.` }),
    en: (p) => ({ title: `Link reinstated for ${p.client}`, body: `The link "${p.anchor}" passes its check again: the claim is closed.` }),
  },
  claim_refunded: {
    fr: (p) => ({ title: `Remboursement de ${p.amountCents} pour ${p.client}`, body: `Le lien « ${p.anchor} » n'a pas été rétabli : ${p.amountCents} reviennent au portefeuille ${de(p.client)}.` }),
    en: (p) => ({ title: `Refund of ${p.amountCents} for ${p.client}`, body: `The link "${p.anchor}" was not reinstated: ${p.amountCents} go back to ${p.client}'s wallet.` }),
  },
  claim_dismissed: {
    fr: (p) => ({ title: `Réclamation classée pour ${p.client}`, body: `Le support a classé sans suite la réclamation sur le lien « ${p.anchor} » : ${p.reason}` }),
    en: (p) => ({ title: `Claim dismissed for ${p.client}`, body: `Support dismissed the claim on the link "${p.anchor}": ${p.reason}` }),
  },
  publisher_claim_opened: {
    fr: (p) => ({ title: `Lien à rétablir sur ${p.site}`, body: `Le lien « ${p.anchor} » ne passe plus le contrôle : ${p.reason} Rétablissez-le avant le ${p.reinstateBy}, puis demandez une nouvelle vérification ; sinon l'acheteur est remboursé sur vos gains.` }),
    en: (p) => ({ title: `Link to reinstate on ${p.site}`, body: `The link "${p.anchor}" no longer passes its check: ${p.reason} Reinstate it before ${p.reinstateBy}, then ask for a new check; otherwise the buyer is refunded from your earnings.` }),
  },
  publisher_claim_reinstated: {
    fr: (p) => ({ title: `Lien rétabli sur ${p.site}`, body: `Le lien « ${p.anchor} » passe de nouveau le contrôle : la réclamation est close.` }),
    en: (p) => ({ title: `Link reinstated on ${p.site}`, body: `The link "${p.anchor}" passes its check again: the claim is closed.` }),
  },
  publisher_claim_refunded: {
    fr: (p) => ({ title: `Commande remboursée sur ${p.site}`, body: `Le lien « ${p.anchor} » n'a pas été rétabli : l'acheteur est remboursé de ${p.amountCents}.${p.debtCents && p.debtCents !== euros('fr', 0) ? ` ${p.debtCents} restent dus : vos prochains gains les rembourseront d'abord.` : ''}` }),
    en: (p) => ({ title: `Order refunded on ${p.site}`, body: `The link "${p.anchor}" was not reinstated: the buyer is refunded ${p.amountCents}.${p.debtCents && p.debtCents !== euros('en', 0) ? ` ${p.debtCents} remain owed: your next earnings repay them first.` : ''}` }),
  },
  publisher_claim_dismissed: {
    fr: (p) => ({ title: `Réclamation classée sur ${p.site}`, body: `Le support a classé sans suite la réclamation sur le lien « ${p.anchor} » : ${p.reason}` }),
    en: (p) => ({ title: `Claim dismissed on ${p.site}`, body: `Support dismissed the claim on the link "${p.anchor}": ${p.reason}` }),
  },
  check_failed: {
    fr: (p) => ({ title: `Vérification échouée pour ${p.client}`, body: `Le lien « ${p.anchor} » n'a pas passé la vérification : ${p.reason}` }),
    en: (p) => ({ title: `Check failed for ${p.client}`, body: `The link "${p.anchor}" failed its check: ${p.reason}` }),
  },
  topup_awaiting: {
    fr: (p) => ({ title: `Recharge de ${p.amountCents} en attente de paiement`, body: `Le pro forma ${de(p.account)} est prêt. Faites le virement avec la référence ${p.reference} ; les crédits arrivent dès réception.` }),
    en: (p) => ({ title: `Top-up of ${p.amountCents} awaiting payment`, body: `The pro forma for ${p.account} is ready. Make the transfer with reference ${p.reference}; the credits arrive as soon as it is received.` }),
  },
  topup_confirmed: {
    fr: (p) => ({ title: `Recharge de ${p.amountCents} reçue`, body: `Les crédits ${de(p.account)} sont disponibles. Facture ${p.invoiceNumber}.` }),
    en: (p) => ({ title: `Top-up of ${p.amountCents} received`, body: `The credits of ${p.account} are available. Invoice ${p.invoiceNumber}.` }),
  },
  credits_allocated: {
    fr: (p) => ({ title: `${p.amountCents} de crédits pour ${p.account}`, body: `${p.from} a attribué ${p.amountCents} à ${p.account}.` }),
    en: (p) => ({ title: `${p.amountCents} of credits for ${p.account}`, body: `${p.from} allocated ${p.amountCents} to ${p.account}.` }),
  },
  low_balance: {
    fr: (p) => ({ title: `Solde bas pour ${p.account}`, body: `Il reste ${p.availableCents} disponibles, sous le seuil de ${p.thresholdCents}.` }),
    en: (p) => ({ title: `Low balance for ${p.account}`, body: `${p.availableCents} left, under the threshold of ${p.thresholdCents}.` }),
  },
  proof_accepted: {
    fr: (p) => ({ title: `Justificatif accepté`, body: `Justificatif accepté (${p.document}) : il vaut jusqu’au ${p.validUntil}. Vos virements sont possibles jusque-là.` }),
    en: (p) => ({ title: `Proof accepted`, body: `Your ${p.document} is accepted; it is valid until ${p.validUntil}. Payouts are possible until then.` }),
  },
  proof_refused: {
    fr: (p) => ({ title: `Justificatif refusé`, body: `Le support a refusé votre ${p.document} : ${p.reason} Envoyez-en un nouveau depuis votre profil de facturation.` }),
    en: (p) => ({ title: `Proof refused`, body: `Support refused your ${p.document}: ${p.reason} Send a new one from your billing profile.` }),
  },
  proof_expiring: {
    fr: (p) => ({ title: `Justificatif à renouveler`, body: `Votre ${p.document} expire le ${p.validUntil}. Envoyez-en un plus récent avant cette date, sinon vos virements seront suspendus.` }),
    en: (p) => ({ title: `Proof to renew`, body: `Your ${p.document} expires on ${p.validUntil}. Send a newer one before then, or your payouts will be suspended.` }),
  },
  withdrawal_paid: {
    fr: (p) => ({ title: `Virement de ${p.amountCents} envoyé`, body: `Votre virement est parti. La facture d’autofacturation ${p.invoiceNumber} est disponible dans vos paiements.` }),
    en: (p) => ({ title: `Payout of ${p.amountCents} sent`, body: `Your transfer is on its way. The self-billed invoice ${p.invoiceNumber} is in your payouts.` }),
  },
  withdrawal_refused: {
    fr: (p) => ({ title: `Demande de virement refusée`, body: `Le support a refusé votre demande de ${p.amountCents} : ${p.reason} Le montant est de nouveau disponible.` }),
    en: (p) => ({ title: `Payout request refused`, body: `Support refused your request for ${p.amountCents}: ${p.reason} The amount is available again.` }),
  },
  proof_to_review: {
    fr: (p) => ({ title: `Justificatif à vérifier`, body: `${p.publisher} a envoyé un justificatif : ${p.document}.` }),
    en: (p) => ({ title: `Proof to review`, body: `${p.publisher} sent a ${p.document}.` }),
  },
  withdrawal_to_pay: {
    fr: (p) => ({ title: `Demande de virement de ${p.amountCents}`, body: `${p.publisher} demande un virement de ${p.amountCents}.` }),
    en: (p) => ({ title: `Payout request of ${p.amountCents}`, body: `${p.publisher} asks for a payout of ${p.amountCents}.` }),
  },
  agency_request_decided: {
    fr: (p) => ({
      title: p.decision === 'approve' ? 'Mode agence activé' : 'Demande de mode agence refusée',
      body: p.decision === 'approve' ? 'Le menu « Agence » est disponible : ajoutez vos collaborateurs et vos clients.' : 'Le support a refusé la demande. Répondez-lui pour en savoir plus.',
    }),
    en: (p) => ({
      title: p.decision === 'approve' ? 'Agency mode is on' : 'Agency mode request refused',
      body: p.decision === 'approve' ? 'The "Agency" menu is available: add your collaborators and clients.' : 'Support refused the request. Reply to learn more.',
    }),
  },
  invitation_accepted: {
    fr: (p) => ({ title: `${p.member} a rejoint l'agence`, body: `${p.member} (${roleNames.fr[p.role] ?? p.role}) a choisi son mot de passe et peut se connecter.` }),
    en: (p) => ({ title: `${p.member} joined the agency`, body: `${p.member} (${roleNames.en[p.role] ?? p.role}) chose a password and can sign in.` }),
  },
  agency_request_new: {
    fr: (p) => ({ title: `Demande de mode agence : ${p.account}`, body: `${p.account} demande le mode agence. À examiner dans le back-office.` }),
    en: (p) => ({ title: `Agency mode request: ${p.account}`, body: `${p.account} asks for agency mode. To review in the back office.` }),
  },
  site_to_review: {
    fr: (p) => ({ title: `Site à valider : ${p.site}`, body: `${p.publisher} a proposé le site ${p.site}.` }),
    en: (p) => ({ title: `Site to review: ${p.site}`, body: `${p.publisher} submitted the site ${p.site}.` }),
  },
  transfer_to_confirm: {
    fr: (p) => ({ title: `Virement attendu : ${p.amountCents}`, body: `${p.account} va payer ${p.amountCents} par virement, référence ${p.reference}.` }),
    en: (p) => ({ title: `Transfer expected: ${p.amountCents}`, body: `${p.account} will pay ${p.amountCents} by bank transfer, reference ${p.reference}.` }),
  },
};

export function renderNotification(kind: string, params: NotificationParams, lang: Language): Text {
  const entry = messages[kind as NotificationKind];
  if (!entry) return { title: kind, body: '' };
  return entry[lang](format(lang, params));
}

export const categoryNames: Record<NotificationCategory, Record<Language, string>> = {
  publisher_orders: { fr: 'Commandes reçues (éditeur)', en: 'Orders received (publisher)' },
  orders: { fr: 'Suivi des commandes', en: 'Order updates' },
  money: { fr: 'Crédits et paiements', en: 'Credits and payments' },
  team: { fr: 'Agence et équipe', en: 'Agency and team' },
  support: { fr: 'File du support', en: 'Support queue' },
};

/** E-mail wording around the notifications, in both languages. */
export const emailWords = {
  fr: {
    open: 'Ouvrir dans Maillon',
    footer: 'Vous recevez cet e-mail parce que votre compte Maillon est concerné.',
    unsubscribe: 'Ne plus recevoir ces e-mails',
    preferences: 'Choisir ce que je reçois',
    digestSubject: (n: number) => `Maillon : ${n} nouveauté${n > 1 ? 's' : ''} depuis hier`,
    digestTitle: 'Votre récapitulatif du jour',
    hello: (name: string) => `Bonjour ${name},`,
  },
  en: {
    open: 'Open in Maillon',
    footer: 'You receive this e-mail because your Maillon account is concerned.',
    unsubscribe: 'Stop these e-mails',
    preferences: 'Choose what I receive',
    digestSubject: (n: number) => `Maillon: ${n} update${n > 1 ? 's' : ''} since yesterday`,
    digestTitle: 'Your daily digest',
    hello: (name: string) => `Hello ${name},`,
  },
} as const;
