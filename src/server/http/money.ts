import type { Language } from '../db/types.js';

const formats = {
  fr: new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }),
};

/**
 * Cents as French readers expect them: "1 234,50 €" (with the no-break spaces French uses), or as
 * English readers do, "€1,234.50", when asked.
 */
export function formatEuros(cents: number, lang: Language = 'fr'): string {
  return formats[lang].format(cents / 100);
}

/** « 1 234,50 € » as formatEuros prints it in French, read back to cents; null for anything else. */
export function parseFrenchEuros(text: string): number | null {
  const m = /^(-|−)?(\d{1,3}(?:[\u202f\u00a0 ]\d{3})*),(\d{2})\u00a0€$/.exec(text);
  if (!m) return null;
  const cents = Number(m[2].replace(/\D/g, '')) * 100 + Number(m[3]);
  return m[1] ? -cents : cents;
}
