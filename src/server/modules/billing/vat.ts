import type { VatRegime } from '../../db/types.js';

/** EU member states by ISO code (Greece's VAT prefix is EL). */
export const EU_COUNTRIES = new Set([
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
]);

// Format of each member state's VAT number after its prefix (VIES formats).
const VAT_FORMATS: Record<string, RegExp> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  HR: /^\d{11}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  FI: /^\d{8}$/,
  FR: /^[0-9A-HJ-NP-Z]{2}\d{9}$/,
  DE: /^\d{9}$/,
  EL: /^\d{9}$/,
  HU: /^\d{8}$/,
  IE: /^\d{7}[A-W][A-IW]?$|^\d[A-Z+*]\d{5}[A-W]$/,
  IT: /^\d{11}$/,
  LV: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SK: /^\d{10}$/,
  SI: /^\d{8}$/,
  ES: /^[0-9A-Z]\d{7}[0-9A-Z]$/,
  SE: /^\d{12}$/,
};

/** Whether `vatNumber` has the format of an intra-EU VAT number of `country` (format only; no VIES call). */
export function isValidEuVatFormat(country: string, vatNumber: string | null | undefined): boolean {
  if (!vatNumber) return false;
  const prefix = country === 'GR' ? 'EL' : country;
  const v = vatNumber.replace(/[\s.-]/g, '').toUpperCase();
  if (!v.startsWith(prefix)) return false;
  return VAT_FORMATS[prefix]?.test(v.slice(2)) ?? false;
}

export const FRENCH_VAT_BP = 2000; // 20 %, in basis points

export type VatDecision = { regime: VatRegime; rateBp: number; mention: string | null };

/**
 * The VAT of a sale of credits (an electronically supplied service) by a French seller:
 * France → 20 %; an EU business with a VAT number of valid format → reverse charge; an EU buyer
 * without one → French VAT; outside the EU → no French VAT.
 */
export function decideVat(buyerCountry: string, buyerVatNumber: string | null | undefined): VatDecision {
  const country = buyerCountry.toUpperCase();
  if (country === 'FR') return { regime: 'fr', rateBp: FRENCH_VAT_BP, mention: null };
  if (EU_COUNTRIES.has(country)) {
    if (isValidEuVatFormat(country, buyerVatNumber)) {
      return {
        regime: 'reverse_charge',
        rateBp: 0,
        mention: 'Autoliquidation : TVA due par le preneur (article 283-2 du CGI, article 196 de la directive 2006/112/CE).',
      };
    }
    return { regime: 'eu_consumer', rateBp: FRENCH_VAT_BP, mention: null };
  }
  return {
    regime: 'outside_eu',
    rateBp: 0,
    mention: 'TVA non applicable, article 259-1 du CGI (prestation hors Union européenne).',
  };
}

/** VAT in cents, rounded half up on the total (one line per invoice). */
export function vatCents(amountCents: number, rateBp: number): number {
  return Math.round((amountCents * rateBp) / 10_000);
}
