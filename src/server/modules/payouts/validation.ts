import { electronicFormatIBAN, extractIBAN, isValidBIC, isValidIBAN } from 'ibantools';

/**
 * Checks of what a publisher types for its payouts, each answering a message key (null when valid).
 * IBAN and BIC through ibantools (country formats and the ISO 7064 check digits); SIRET is 14 digits
 * whose Luhn sum is a multiple of 10 (La Poste's establishments, SIREN 356000000, sum their digits
 * to a multiple of 5 instead, as INSEE documents).
 */

export function normalizeSiret(value: string): string {
  return value.replace(/[\s.]/g, '');
}

function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

export function siretProblem(siret: string): 'siret_format' | 'siret_checksum' | null {
  if (!/^\d{14}$/.test(siret)) return 'siret_format';
  if (siret.startsWith('356000000')) {
    const sum = [...siret].reduce((s, d) => s + Number(d), 0);
    return sum % 5 === 0 ? null : 'siret_checksum';
  }
  return luhnSum(siret) % 10 === 0 ? null : 'siret_checksum';
}

export function normalizeIban(value: string): string {
  return electronicFormatIBAN(value) ?? value.replace(/\s/g, '').toUpperCase();
}

/** SEPA transfers reach IBANs of the SEPA zone only. */
const SEPA_COUNTRIES = new Set(
  'AD AT BE BG CH CY CZ DE DK EE ES FI FR GB GI GR HR HU IE IS IT LI LT LU LV MC MT NL NO PL PT RO SE SI SK SM VA'.split(' '),
);

export function ibanProblem(iban: string): 'iban_invalid' | 'iban_not_sepa' | null {
  if (!isValidIBAN(iban)) return 'iban_invalid';
  const country = extractIBAN(iban).countryCode ?? iban.slice(0, 2);
  return SEPA_COUNTRIES.has(country) ? null : 'iban_not_sepa';
}

export function normalizeBic(value: string): string {
  return value.replace(/\s/g, '').toUpperCase();
}

export function bicProblem(bic: string, iban: string | null): 'bic_invalid' | 'bic_country' | null {
  if (!isValidBIC(bic)) return 'bic_invalid';
  // The BIC's country (letters 5-6) matches the IBAN's, but for the territories banking under France's.
  if (iban && isValidIBAN(iban)) {
    const ibanCountry = iban.slice(0, 2);
    const bicCountry = bic.slice(4, 6);
    const french = new Set(['FR', 'MC', 'GP', 'MQ', 'RE', 'GF', 'YT', 'PM', 'BL', 'MF', 'NC', 'PF', 'WF']);
    if (ibanCountry !== bicCountry && !(french.has(ibanCountry) && french.has(bicCountry))) return 'bic_country';
  }
  return null;
}

/** `FR76 •••• •••• 0189`: what lists show of an IBAN. */
export function maskIban(iban: string): string {
  return `${iban.slice(0, 4)} •••• ${iban.slice(-4)}`;
}

export function normalizeVatNumber(value: string): string {
  return value.replace(/[\s.-]/g, '').toUpperCase();
}

/** An EU VAT number: two letters and 2 to 13 characters; a French one is FR, a 2-character key and the SIREN, whose key is checked. */
export function vatNumberProblem(vat: string, siret: string | null): 'vat_number_format' | 'vat_number_key' | 'vat_number_siren' | null {
  if (!/^(AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI)[0-9A-Z]{2,13}$/.test(vat)) return 'vat_number_format';
  if (vat.startsWith('FR')) {
    const m = /^FR([0-9A-Z]{2})(\d{9})$/.exec(vat);
    if (!m) return 'vat_number_format';
    if (/^\d{2}$/.test(m[1])) {
      const key = (12 + 3 * (Number(m[2]) % 97)) % 97;
      if (key !== Number(m[1])) return 'vat_number_key';
    }
    if (siret && /^\d{14}$/.test(siret) && siret.slice(0, 9) !== m[2]) return 'vat_number_siren';
  }
  return null;
}

/** A French tax number (numéro fiscal de référence) is 13 digits starting with 0 to 3; elsewhere 4 to 20 letters and digits. */
export function taxNumberProblem(taxNumber: string, country: string): 'tax_number_format' | null {
  if (country === 'FR') return /^[0-3]\d{12}$/.test(taxNumber) ? null : 'tax_number_format';
  return /^[0-9A-Z-]{4,20}$/i.test(taxNumber) ? null : 'tax_number_format';
}
