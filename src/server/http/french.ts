/**
 * French typography helpers for the API messages, notifications, e-mails and PDFs.
 *
 * Elision rule: « de », « que », « le », « la » become « d’ », « qu’ », « l’ » (typographic
 * apostrophe) when the next word starts with a vowel — a e i o u, accented or not (à â ä é è ê ë
 * î ï ô ö ù û ü æ œ) — or with a y followed by a consonant (Yves, Yvonne; but « de Yacht Club »).
 * A leading h is treated as aspirated (« de Hachette », « de Hervé »), since which h are mute cannot
 * be told from the letters, except for the few words below whose h is mute and that start names
 * often (Hélène, Hugo, Hôtel…). Acronyms follow the letters too (« d’EDF », « d’IBM »). Anything
 * else — a digit, a quote, a consonant — keeps the full word. The same rule as
 * src/web/i18n/french.ts (the web keeps its own copy; french.test.ts checks they agree).
 */
const VOWEL = /^[aeiouàâäéèêëîïôöùûüæœ]/i;
const Y_THEN_CONSONANT = /^y[^aeiouàâäéèêëîïôöùûüy]/i;
const MUTE_H =
  /^(hélène|helene|hugo|hugues|hubert|hôtel|hotel|hôpital|hopital|habitat|harmonie|herbe|heure|histoire|homme|honneur|horizon|horloge|huile|humain|humeur|hygiène)\b/i;

/** Whether French elides the article or conjunction before this word. */
export function startsWithVowelSound(word: string): boolean {
  const w = word.trimStart();
  return VOWEL.test(w) || Y_THEN_CONSONANT.test(w) || MUTE_H.test(w);
}

const ELIDED = { de: 'd’', que: 'qu’', le: 'l’', la: 'l’' } as const;
export type Elidable = keyof typeof ELIDED;

/** « de Marie », « d’Agence Lumière », « qu’Hélène », « l’Atelier »: the word, elided if it must be. */
export function elide(word: Elidable, name: string): string {
  return startsWithVowelSound(name) ? `${ELIDED[word]}${name.trimStart()}` : `${word} ${name}`;
}

export const de = (name: string) => elide('de', name);
export const que = (name: string) => elide('que', name);

/**
 * « 1er » for the first day of the month in a French date Intl printed as « 1 décembre 2026 »
 * (also « 1 déc. 2026 », « 1 décembre 2026 à 14:30 »): only the day part is touched.
 */
export function frenchDate(format: Intl.DateTimeFormat, date: Date): string {
  return format
    .formatToParts(date)
    .map((p) => (p.type === 'day' && Number(p.value) === 1 ? '1er' : p.value))
    .join('');
}
