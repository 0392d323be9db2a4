import type { Language } from '../db/types.js';
import { elide } from './french.js';
import { formatEuros, parseFrenchEuros } from './money.js';

/** Every message the API can answer with, in both languages. `{name}` placeholders are filled from params. */
export const messages = {
  internal_error: { fr: 'Une erreur interne est survenue.', en: 'An internal error occurred.' },
  validation_failed: { fr: 'Requête invalide.', en: 'Invalid request.' },
  unauthenticated: { fr: 'Connectez-vous pour continuer.', en: 'Please sign in to continue.' },
  session_expired: { fr: 'Votre session a expiré, reconnectez-vous.', en: 'Your session has expired, please sign in again.' },
  forbidden: { fr: "Vous n'avez pas le droit de faire cela.", en: 'You are not allowed to do this.' },
  support_only: { fr: 'Réservé au support.', en: 'Support only.' },
  agency_only: { fr: "Réservé au compte de l'agence.", en: 'Only the agency account may do this.' },
  csrf_failed: {
    fr: 'Jeton CSRF manquant ou invalide : rechargez la page.',
    en: 'Missing or invalid CSRF token: reload the page.',
  },
  not_found: { fr: 'Introuvable.', en: 'Not found.' },
  route_not_found: { fr: "Cette adresse n'existe pas.", en: 'No such endpoint.' },
  rate_limited: {
    fr: 'Trop de tentatives. Réessayez dans {minutes} minutes.',
    en: 'Too many attempts. Try again in {minutes} minutes.',
  },
  invalid_credentials: { fr: 'E-mail ou mot de passe incorrect.', en: 'Wrong e-mail or password.' },
  account_inactive: { fr: 'Ce compte est désactivé.', en: 'This account is deactivated.' },
  email_taken: { fr: 'Cette adresse e-mail est déjà utilisée.', en: 'This e-mail address is already in use.' },
  wrong_current_password: { fr: 'Le mot de passe actuel est incorrect.', en: 'The current password is wrong.' },
  password_too_weak: {
    fr: 'Le mot de passe doit contenir au moins 10 caractères.',
    en: 'The password must be at least 10 characters long.',
  },
  email_unchanged: { fr: "C'est déjà l'adresse de ce compte.", en: 'This is already the address of this account.' },
  token_invalid: {
    fr: 'Ce lien est invalide ou a expiré. Demandez-en un nouveau.',
    en: 'This link is invalid or has expired. Ask for a new one.',
  },
  forbidden_while_acting: {
    fr: "Impossible pendant l'accès à un autre compte : revenez d'abord à votre compte.",
    en: 'Not possible while acting as another account: return to your own account first.',
  },
  acting_ended: {
    fr: "L'accès au compte {name} a pris fin : retour à votre compte.",
    en: 'Access to {name} has ended: you are back on your own account.',
  },
  not_acting: { fr: "Vous n'accédez à aucun autre compte.", en: 'You are not acting as another account.' },
  act_as_reason_required: {
    fr: 'Le support doit indiquer la raison de cet accès.',
    en: 'Support must state a reason for this access.',
  },
  act_as_inactive: { fr: 'Ce compte est désactivé : accès impossible.', en: 'This account is deactivated: no access.' },
  agency_request_exists: {
    fr: 'Une demande de mode agence est déjà en attente.',
    en: 'An agency-mode request is already pending.',
  },
  agency_request_not_customer: {
    fr: "Seul un compte client sans agence peut demander le mode agence.",
    en: 'Only a customer account outside any agency can ask for agency mode.',
  },
  invalid_state: { fr: "Cette action n'est plus possible dans l'état actuel.", en: 'This action is no longer possible in the current state.' },
  parent_must_outrank: {
    fr: 'Le parent ({parentRole}) doit avoir un rôle supérieur à {role}.',
    en: 'The parent ({parentRole}) must rank above {role}.',
  },
  mode_lacks_role: {
    fr: "Le mode {mode} de l'agence n'utilise pas le rôle {role}.",
    en: "The agency's {mode} mode does not use the {role} role.",
  },
  parent_outside_agency: {
    fr: "Le parent doit être un compte actif de votre périmètre dans l'agence.",
    en: 'The parent must be an active account within your reach in the agency.',
  },
  move_into_own_subtree: {
    fr: 'Un compte ne peut pas être placé sous lui-même ou sous un compte qui dépend de lui.',
    en: 'An account cannot be moved under itself or under one of its own descendants.',
  },
  role_change_not_allowed: {
    fr: 'Seuls les collaborateurs (manager, consultant) changent de rôle.',
    en: 'Only collaborators (manager, consultant) change role.',
  },
  heir_invalid: {
    fr: 'Le compte choisi pour reprendre les comptes rattachés doit les surclasser et être dans votre périmètre.',
    en: 'The account chosen to take over the attached accounts must outrank them and be within your reach.',
  },
  cannot_deactivate_self: {
    fr: 'Vous ne pouvez pas désactiver votre propre compte ni celui de l’agence.',
    en: 'You cannot deactivate your own account or the agency account.',
  },
  already_inactive: { fr: 'Ce compte est déjà désactivé.', en: 'This account is already deactivated.' },
  already_active: { fr: 'Ce compte est déjà actif.', en: 'This account is already active.' },
  reactivation_no_parent: {
    fr: 'Aucun compte actif de votre périmètre ne peut accueillir ce compte : choisissez un parent qui le surclasse.',
    en: 'No active account within your reach can take this account: choose a parent that outranks it.',
  },
  plan_credits_not_returned: {
    fr: "Les crédits ne sont pas rendus d'eux-mêmes : réallouez-les si besoin.",
    en: 'Credits are not pushed back by themselves: allocate them again if needed.',
  },
  plan_held_credits_follow: {
    fr: 'Les crédits bloqués sur des commandes en cours suivront : libérés plus tard, ils iront au compte qui reprend.',
    en: 'Credits held on open orders will follow: released later, they go to the account that takes over.',
  },
  plan_invitation_sent: {
    fr: '{count} {count:personne|personnes} sans mot de passe {count:recevra|recevront} une nouvelle invitation.',
    en: '{count} {count:person|people} who never chose a password will receive a new invitation.',
  },
  plan_restorable: {
    fr: '{count} {count:collaborateur suspendu|collaborateurs suspendus} par un changement de mode {count:peut être restauré|peuvent être restaurés}.',
    en: '{count} {count:collaborator|collaborators} suspended by a mode switch can be restored.',
  },
  not_in_agency: { fr: "Ce compte n'appartient à aucune agence.", en: 'This account belongs to no agency.' },
  role_not_creatable: {
    fr: 'Vous ne pouvez créer que des comptes de rang inférieur au vôtre.',
    en: 'You can only create accounts that rank below yours.',
  },
  mode_unchanged: { fr: "L'agence est déjà dans ce mode.", en: 'The agency is already in this mode.' },
  insufficient_funds: {
    fr: 'Crédits disponibles insuffisants sur ce portefeuille.',
    en: 'Not enough available credits in this wallet.',
  },
  mode_conflict: { fr: "L'agence est déjà dans ce mode.", en: 'The agency is already in this mode.' },
  idempotency_conflict: {
    fr: "Cette clé d'idempotence a déjà servi pour une autre requête.",
    en: 'This idempotency key was already used for another request.',
  },
  idempotency_key_invalid: {
    fr: "La clé d'idempotence doit faire entre 8 et 200 caractères.",
    en: 'The idempotency key must be 8 to 200 characters long.',
  },
  same_wallet: { fr: 'Choisissez deux portefeuilles différents.', en: 'Choose two different wallets.' },
  wallet_inactive: { fr: 'Ce compte est désactivé : son portefeuille est fermé.', en: 'This account is deactivated: its wallet is closed.' },
  company_missing: {
    fr: 'Renseignez d’abord les coordonnées de facturation de {name} (raison sociale, adresse, pays).',
    en: 'First fill in the billing details of {name} (legal name, address, country).',
  },
  top_up_spent: {
    fr: "Les crédits de ce rechargement ont déjà été dépensés ou attribués : annulation impossible.",
    en: 'The credits of this top-up were already spent or allocated: it cannot be cancelled.',
  },
  domain_invalid: {
    fr: 'Nom de domaine invalide (exemple : mon-site.fr).',
    en: 'Invalid domain name (example: my-site.com).',
  },
  domain_taken: {
    fr: 'Le domaine {domain} est déjà proposé sur Maillon.',
    en: 'The domain {domain} is already listed on Maillon.',
  },
  refusal_reason_required: { fr: 'Indiquez la raison du refus.', en: 'Give the reason for the refusal.' },
  url_off_domain: {
    fr: "Cette URL n'est pas sur le domaine {domain}.",
    en: 'This URL is not on the domain {domain}.',
  },
  import_empty: { fr: 'Le fichier est vide.', en: 'The file is empty.' },
  import_too_large: { fr: 'Fichier trop volumineux (maximum {mb} Mo).', en: 'File too large (at most {mb} MB).' },
  import_content_type: {
    fr: 'Envoyez le fichier CSV tel quel, avec le type text/csv (reçu : {type}).',
    en: 'Send the CSV file as is, with the type text/csv (received: {type}).',
  },
  import_too_many_keywords_per_url: {
    fr: 'Trop de mots-clés pour une seule URL : au plus {max} par URL et par import ({url}). Découpez le fichier.',
    en: 'Too many keywords for one URL: at most {max} per URL and per import ({url}). Split the file.',
  },
  import_gave_up: {
    fr: "L'import n'a pas pu être enregistré après {attempts} tentatives. Réessayez plus tard ou contactez le support.",
    en: 'The import could not be saved after {attempts} attempts. Try again later or contact support.',
  },
  import_parse_crashed: {
    fr: "Le fichier n'a pas pu être analysé (trop gros ou illisible pour le serveur). Découpez-le en plusieurs fichiers.",
    en: 'The file could not be parsed (too big or unreadable for the server). Split it into several files.',
  },
  unsupported_media_type: {
    fr: 'Type de contenu non accepté ici : {type}.',
    en: 'Content type not accepted here: {type}.',
  },
  body_too_large: { fr: 'Requête trop volumineuse.', en: 'Request body too large.' },
  grid_duplicate_cell: {
    fr: 'La grille contient deux fois la même case (type de site, position, volume).',
    en: 'The grid has the same cell twice (site kind, position, volume).',
  },
  grid_incomplete: {
    fr: 'La grille doit couvrir les volumes à partir de 0 pour les sites de type {kind}.',
    en: 'The grid must cover volumes from 0 for {kind} sites.',
  },
  target_off_domain: {
    fr: "L'URL cible doit être sur le domaine du projet ({domain}).",
    en: "The target URL must be on the project's domain ({domain}).",
  },
  campaign_not_of_project: {
    fr: "Cette campagne n'appartient pas à ce projet.",
    en: 'This campaign does not belong to this project.',
  },
  campaign_cap_exceeded: {
    fr: 'Budget de la campagne dépassé : il reste {remaining} pour un lien à {price}.',
    en: 'Campaign budget exceeded: {remaining} left for a link at {price}.',
  },
  campaign_closed: {
    fr: 'Cette campagne est terminée depuis le {date}.',
    en: 'This campaign ended on {date}.',
  },
  campaign_is_closed: {
    fr: 'Cette campagne est clôturée : rouvrez-la pour commander.',
    en: 'This campaign is closed: reopen it to order.',
  },
  campaign_cap_below_committed: {
    fr: 'Le plafond ne peut pas être inférieur au montant déjà engagé sur la campagne ({committed}).',
    en: 'The cap cannot be below what the campaign has already committed ({committed}).',
  },
  order_insufficient_funds: {
    fr: 'Crédits insuffisants sur le compte de {name} : il manque {missing}.',
    en: 'Not enough credits on the account of {name}: {missing} missing.',
  },
  offer_unavailable: {
    fr: "Cette offre n'est plus disponible.",
    en: 'This offer is no longer available.',
  },
  project_domain_taken: {
    fr: 'Ce client a déjà un projet sur ce domaine.',
    en: 'This client already has a project on this domain.',
  },
  not_a_client: {
    fr: 'Les projets appartiennent à un compte client.',
    en: 'Projects belong to a client account.',
  },
  live_url_off_domain: {
    fr: "L'URL de l'article doit être sur le domaine du site ({domain}).",
    en: "The article URL must be on the site's domain ({domain}).",
  },
  link_not_monitored: {
    fr: "Ce lien n'est pas sous surveillance : il n'est pas vérifié, ou sa garantie est terminée.",
    en: 'This link is not monitored: it is not verified, or its guarantee is over.',
  },
  claim_not_open: {
    fr: 'Impossible : cette réclamation est déjà close (rétablie, remboursée ou classée).',
    en: 'Not possible: this claim is already closed (reinstated, refunded or dismissed).',
  },
  claim_amount_required: {
    fr: 'Indiquez le montant du remboursement partiel.',
    en: 'Give the amount of the partial refund.',
  },
  claim_amount_range: {
    fr: 'Le remboursement partiel doit être compris entre 0,01 € et {max} (en deçà du prix restant ; pour tout rembourser, choisissez le remboursement intégral).',
    en: 'A partial refund must be between €0.01 and {max} (below the price left; to refund it all, choose the full refund).',
  },
  claim_amount_not_partial: {
    fr: "Le montant ne s'indique que pour un remboursement partiel.",
    en: 'An amount is only given for a partial refund.',
  },
  order_state: {
    fr: 'Impossible : la commande est au statut « {status} ».',
    en: 'Not possible: the order is "{status}".',
  },
  campaign_dates: {
    fr: 'La date de fin doit suivre la date de début.',
    en: 'The end date must come after the start date.',
  },
  company_requires_fields: {
    fr: 'Raison sociale, adresse, code postal, ville et pays sont obligatoires.',
    en: 'Legal name, address, postal code, city and country are required.',
  },
  // e-mail delivery, links with credentials (issue 7, items 8 and 12)
  email_already_sent: {
    fr: 'Cet e-mail est déjà parti : il ne peut pas être renvoyé.',
    en: 'This e-mail has already been sent: it cannot be retried.',
  },
  email_being_sent: {
    fr: 'Cet e-mail est en cours d’envoi : réessayez dans quelques minutes.',
    en: 'This e-mail is being sent right now: try again in a few minutes.',
  },
  live_url_credentials: {
    fr: "L'URL de l'article ne doit pas contenir d'identifiant ni de mot de passe (user:pass@…).",
    en: 'The article URL must not carry a user name or password (user:pass@…).',
  },
  // Input the database could not store (http/validation.ts, http/pagination.ts)
  text_invalid_characters: {
    fr: '{field} : caractère interdit (octet nul ou caractère Unicode incomplet).',
    en: '{field}: forbidden character (NUL byte or incomplete Unicode character).',
  },
  // The team table and its bulk actions (issue 12)
  period_reversed: {
    fr: 'from : le début de la période ({from}) est après sa fin ({to}).',
    en: 'from: the period starts ({from}) after it ends ({to}).',
  },
  bulk_duplicate: {
    fr: 'Ce compte figure déjà plus haut dans la liste : une ligne par compte.',
    en: 'This account is already earlier in the list: one line per account.',
  },
  cursor_invalid: {
    fr: 'cursor : curseur de pagination invalide, reprenez la liste depuis le début.',
    en: 'cursor: invalid page cursor, start the list again from the beginning.',
  },
  // The activity log's filters (GET /api/audit)
  audit_day_invalid: {
    fr: '{field} : date inexistante, attendue au format AAAA-MM-JJ (reçu : {value}).',
    en: '{field}: no such date, expected YYYY-MM-DD (received: {value}).',
  },
  audit_range_inverted: {
    fr: 'to : la date de fin ({to}) précède la date de début ({from}).',
    en: 'to: the end date ({to}) is before the start date ({from}).',
  },
  audit_action_invalid: {
    fr: 'action : action inconnue ({value}).',
    en: 'action: unknown action ({value}).',
  },
  body_invalid: { fr: 'body : corps de requête illisible ou de type non accepté.', en: 'body: unreadable request body or unsupported type.' },
  url_invalid: { fr: 'url : adresse mal encodée.', en: 'url: malformed address.' },
  // Publisher payouts (issue 11)
  siret_format: { fr: 'Le SIRET compte 14 chiffres (reçu : {value}).', en: 'A SIRET has 14 digits (received: {value}).' },
  siret_checksum: {
    fr: 'Ce SIRET n’existe pas : sa clé de contrôle est fausse. Recopiez-le depuis votre Kbis ou votre avis de situation INSEE.',
    en: 'This SIRET does not exist: its check digit is wrong. Copy it from your Kbis or INSEE notice.',
  },
  siret_required: { fr: 'Le SIRET est obligatoire pour une entreprise française.', en: 'A French business must give its SIRET.' },
  iban_invalid: { fr: 'IBAN invalide : vérifiez sa longueur et sa clé.', en: 'Invalid IBAN: check its length and check digits.' },
  iban_not_sepa: {
    fr: 'Cet IBAN n’est pas dans la zone SEPA : nos virements ne peuvent pas l’atteindre.',
    en: 'This IBAN is outside the SEPA area: our transfers cannot reach it.',
  },
  bic_invalid: { fr: 'BIC invalide : 8 ou 11 caractères (ex. BNPAFRPP).', en: 'Invalid BIC: 8 or 11 characters (e.g. BNPAFRPP).' },
  bic_country: { fr: 'Ce BIC n’est pas celui d’une banque du pays de l’IBAN.', en: 'This BIC is not a bank of the IBAN’s country.' },
  account_holder_required: { fr: 'Indiquez le titulaire du compte.', en: 'Give the account holder.' },
  vat_regime_required: { fr: 'Choisissez votre régime de TVA.', en: 'Choose your VAT regime.' },
  vat_number_format: { fr: 'Numéro de TVA intracommunautaire invalide (ex. FR32123456789).', en: 'Invalid EU VAT number (e.g. FR32123456789).' },
  vat_number_key: { fr: 'La clé de ce numéro de TVA ne correspond pas au SIREN.', en: 'The key of this VAT number does not match the SIREN.' },
  vat_number_siren: { fr: 'Ce numéro de TVA n’est pas celui de votre SIREN.', en: 'This VAT number is not your SIREN’s.' },
  vat_number_required: { fr: 'Ce régime de TVA demande votre numéro de TVA intracommunautaire.', en: 'This VAT regime needs your EU VAT number.' },
  vat_reverse_charge_eu_only: {
    fr: 'L’autoliquidation s’applique à une entreprise établie dans un autre pays de l’Union.',
    en: 'Reverse charge applies to a business established in another EU country.',
  },
  tax_number_format: {
    fr: 'Numéro fiscal invalide : en France, 13 chiffres commençant par 0, 1, 2 ou 3 (avis d’impôt).',
    en: 'Invalid tax number: in France, 13 digits starting with 0, 1, 2 or 3 (tax notice).',
  },
  birth_date_range: { fr: 'Date de naissance invalide : vous devez avoir au moins 18 ans.', en: 'Invalid date of birth: you must be at least 18.' },
  document_type: {
    fr: 'Ce fichier n’est ni un PDF, ni une image PNG ou JPEG (son contenu a été vérifié).',
    en: 'This file is neither a PDF nor a PNG or JPEG image (its content was checked).',
  },
  document_type_mismatch: {
    fr: 'Le contenu du fichier ({actual}) ne correspond pas à son type ({declared}).',
    en: 'The file’s content ({actual}) does not match its type ({declared}).',
  },
  document_truncated: { fr: 'Ce fichier est incomplet ou endommagé : envoyez-le de nouveau.', en: 'This file is incomplete or damaged: send it again.' },
  document_too_large: { fr: 'Fichier trop volumineux : 5 Mo au plus.', en: 'File too large: 5 MB at most.' },
  document_date_future: { fr: 'La date du document ne peut pas être dans le futur.', en: 'The document’s date cannot be in the future.' },
  document_too_old: {
    fr: 'Ce document date de plus de 6 mois : demandez-en un récent.',
    en: 'This document is more than 6 months old: ask for a recent one.',
  },
  document_not_pending: { fr: 'Ce justificatif a déjà été examiné.', en: 'This proof was already reviewed.' },
  publisher_only: { fr: 'Réservé aux éditeurs.', en: 'Publishers only.' },
  mandate_version: {
    fr: 'Le mandat a changé depuis que vous l’avez lu (version {version}) : relisez-le.',
    en: 'The mandate changed since you read it (version {version}): read it again.',
  },
  mandate_exists: { fr: 'Vous avez déjà accepté ce mandat.', en: 'You already accepted this mandate.' },
  mandate_none: { fr: 'Aucun mandat d’autofacturation en cours.', en: 'No self-billing mandate in force.' },
  mandate_withdrawal_open: {
    fr: 'Une demande de virement est en cours : le mandat ne peut pas être révoqué avant son paiement ou son annulation.',
    en: 'A payout request is open: the mandate cannot be revoked before it is paid or cancelled.',
  },
  payout_profile_missing: { fr: 'Remplissez d’abord votre profil de facturation.', en: 'Fill in your billing profile first.' },
  payout_business_only: {
    fr: 'Seule une entreprise peut demander un virement ; un particulier convertit ses gains en crédits.',
    en: 'Only a business can ask for a payout; an individual turns its earnings into credits.',
  },
  payout_siret_missing: { fr: 'Indiquez votre SIRET dans votre profil de facturation.', en: 'Give your SIRET in your billing profile.' },
  payout_vat_regime_missing: { fr: 'Indiquez votre régime de TVA dans votre profil de facturation.', en: 'Give your VAT regime in your billing profile.' },
  payout_vat_number_missing: { fr: 'Indiquez votre numéro de TVA intracommunautaire.', en: 'Give your EU VAT number.' },
  payout_tax_number_missing: { fr: 'Indiquez votre numéro fiscal (demandé par la directive DAC7).', en: 'Give your tax number (required by DAC7).' },
  payout_birth_date_missing: { fr: 'Indiquez votre date de naissance (demandée par la directive DAC7).', en: 'Give your date of birth (required by DAC7).' },
  payout_iban_missing: { fr: 'Indiquez l’IBAN, le BIC et le titulaire du compte à créditer.', en: 'Give the IBAN, BIC and holder of the account to pay.' },
  payout_mandate_missing: { fr: 'Acceptez d’abord le mandat d’autofacturation.', en: 'Accept the self-billing mandate first.' },
  payout_proof_missing: {
    fr: 'Envoyez un justificatif (attestation de vigilance URSSAF, Kbis ou avis INSEE) et attendez sa validation par le support.',
    en: 'Send a proof (URSSAF certificate, Kbis or INSEE notice) and wait for support to accept it.',
  },
  payout_proof_expired: {
    fr: 'Votre justificatif a plus de 6 mois : envoyez-en un récent.',
    en: 'Your proof is more than 6 months old: send a recent one.',
  },
  payout_proof_kind_insufficient: {
    fr: 'Vos gains dépassent 5 000 € : seule une attestation de vigilance URSSAF est désormais acceptée.',
    en: 'Your earnings exceed €5,000: only an URSSAF certificate (attestation de vigilance) is accepted now.',
  },
  payout_withdrawal_open: { fr: 'Une demande de virement est déjà en cours.', en: 'A payout request is already open.' },
  payout_below_minimum: { fr: 'Le montant minimum d’un virement est de {minimum}.', en: 'The minimum payout is {minimum}.' },
  payout_buyer_link_missing: { fr: 'Reliez d’abord le compte acheteur à créditer.', en: 'Link the buyer account to credit first.' },
  payout_nothing_available: { fr: 'Aucun gain disponible à convertir.', en: 'No earnings available to convert.' },
  payout_amount_exceeds: { fr: 'Vous pouvez retirer au plus {available}.', en: 'You can withdraw at most {available}.' },
  withdrawal_not_cancellable: {
    fr: 'Cette demande ne peut plus être annulée : le support l’a déjà traitée.',
    en: 'This request can no longer be cancelled: support already handled it.',
  },
  withdrawal_not_refusable: { fr: 'Cette demande est déjà payée, refusée ou annulée.', en: 'This request is already paid, refused or cancelled.' },
  batch_withdrawal_not_payable: {
    fr: 'La demande de {publisher} ({amount}) ne peut pas être payée : {reason}',
    en: 'The request of {publisher} ({amount}) cannot be paid: {reason}',
  },
  batch_withdrawal_taken: {
    fr: 'La demande de {publisher} ({amount}) n’est plus en attente (déjà dans un lot, payée, refusée ou annulée).',
    en: 'The request of {publisher} ({amount}) is no longer waiting (already batched, paid, refused or cancelled).',
  },
  batch_empty: { fr: 'Ce lot ne contient plus aucune demande à payer.', en: 'This batch holds no request to pay any more.' },
  batch_already_paid: { fr: 'Ce lot est déjà payé.', en: 'This batch is already paid.' },
  buyer_account_invalid: {
    fr: 'Ce compte ne peut pas acheter de liens : choisissez un compte client, consultant, manager ou agence actif.',
    en: 'This account cannot buy links: choose an active client, consultant, manager or agency account.',
  },
  conversion_exceeds: { fr: 'Vous pouvez convertir au plus {available}.', en: 'You can convert at most {available}.' },
  report_client_required: {
    fr: 'Choisissez le client du rapport.',
    en: 'Choose the client the report is for.',
  },
  report_period: { fr: 'La fin de la période précède son début.', en: 'The period ends before it starts.' },
  logo_type: {
    fr: 'Le logo doit être une image PNG ou JPEG (son contenu a été vérifié).',
    en: 'The logo must be a PNG or JPEG image (its content was checked).',
  },
  logo_too_large: { fr: 'Logo trop volumineux : 512 Ko au plus.', en: 'Logo too large: 512 KB at most.' },
  branding_forbidden: {
    fr: 'Seuls l’agence et ses managers règlent la marque blanche.',
    en: 'Only the agency and its managers set the white-label branding.',
  },
  report_no_email: {
    fr: 'Ce client n’a pas d’adresse e-mail : ajoutez-en une pour lui envoyer son rapport.',
    en: 'This client has no e-mail address: add one to send it its report.',
  },
  share_gone: {
    fr: "Ce lien de partage a expiré ou a été révoqué. Demandez-en un nouveau à votre agence.",
    en: 'This share link has expired or was revoked. Ask your agency for a new one.',
  },
  date_range_order: {
    fr: 'La date de fin doit être postérieure ou égale à la date de début.',
    en: 'The end date must be on or after the start date.',
  },
  date_range_too_long: {
    fr: 'La période ne peut pas dépasser {days} jours.',
    en: 'The period cannot exceed {days} days.',
  },
} as const satisfies Record<string, Record<Language, string>>;

export type MessageKey = keyof typeof messages;

/** Whether a count takes the singular: 0 and 1 in French, 1 in English. */
const singular = (lang: Language, n: number) => (lang === 'fr' ? Math.abs(n) < 2 : n === 1);

/**
 * A message in a language, with its `{name}` parameters filled in; `{count:singular|plural}`
 * picks the form that agrees with the number `count`. In French, « de {name} » and « que {name} »
 * elide before a vowel (« d’Agence Lumière », rule in ./french.ts).
 */
export function translate(lang: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template: string = messages[key][lang];
  const value = (name: string) => String(params[name] ?? `{${name}}`);
  return template
    .replace(/\{(\w+):([^|{}]*)\|([^{}]*)\}/g, (_, name: string, one: string, other: string) =>
      singular(lang, Number(params[name])) ? one : other,
    )
    .replace(/(?:(?<![\p{L}’'])(de|que) )?\{(\w+)\}/gu, (_, word: 'de' | 'que' | undefined, name: string) =>
      word ? (lang === 'fr' && params[name] !== undefined ? elide(word, value(name)) : `${word} ${value(name)}`) : value(name),
    );
}

const roleNames: Record<string, Record<Language, string>> = {
  agency: { fr: 'agence', en: 'agency' },
  manager: { fr: 'manager', en: 'manager' },
  consultant: { fr: 'consultant', en: 'consultant' },
  client: { fr: 'client', en: 'client' },
  publisher: { fr: 'éditeur', en: 'publisher' },
  support: { fr: 'support', en: 'support' },
  simple: { fr: 'simple', en: 'simple' },
  intermediate: { fr: 'intermédiaire', en: 'intermediate' },
  complete: { fr: 'complet', en: 'complete' },
};

/** Role and mode names inside messages are translated too, and amounts (formatted in French by the services) follow the language. */
export function translateParams(lang: Language, params: Record<string, string | number>) {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? translateValue(lang, v) : v]),
  );
}

function translateValue(lang: Language, value: string): string {
  if (roleNames[value]) return roleNames[value][lang];
  const cents = lang === 'fr' ? null : parseFrenchEuros(value);
  return cents === null ? value : formatEuros(cents, lang);
}
