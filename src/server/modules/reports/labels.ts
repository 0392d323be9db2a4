import { formatEuros } from '../../http/money.js';
import { frenchDate } from '../../http/french.js';
import { todayInParis } from '../../http/dates.js';
import type { LinkState } from './policy.js';

/** The French words of the reports and exports (their readers are the agencies' French clients). */
export const STATE_LABELS: Record<LinkState, string> = {
  ordered: 'Commandé',
  awaiting_verification: 'En attente de vérification',
  live: 'En ligne',
  at_risk: 'À risque',
  claimed: 'Réclamation en cours',
  lost: 'Perdu',
  refunded: 'Remboursé',
  cancelled: 'Annulé',
};

/** A day in Paris, YYYY-MM-DD (what a spreadsheet reads as a date), or '' . */
export const parisDay = (iso: string | null | undefined) => (iso ? todayInParis(new Date(iso)) : '');

/** « 03/12/2026 », a day in Paris. */
const short = new Intl.DateTimeFormat('fr-FR', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Paris' });
export const frShortDate = (iso: string | null | undefined) => (iso ? short.format(new Date(iso)) : '—');

/** « 1er décembre 2026 » */
const long = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });
export const frLongDate = (d: Date) => frenchDate(long, d);

/** Amounts for the PDF: the standard fonts lack the (narrow) no-break spaces, plain spaces instead. */
export const pdfEuros = (cents: number) => formatEuros(cents).replace(/[\u202f\u00a0]/g, ' ');

/** The last check as a cell: « OK » or what failed. */
export const checkResult = (c: { ok: boolean; message: string } | null) => (c ? (c.ok ? 'OK' : c.message) : '');
