/**
 * Anchors as a reader sees them, whatever the typography. WordPress (wptexturize) shows a typed
 * `'` as ’ (or ‘ at the start of a word), `"` as “ ”, or « » with no-break spaces inside in
 * French, ` - ` as ` – `, `--` as –, `---` as —, `...` as …, `''` as ”, `(tm)` as ™ and `2x4`
 * as 2×4; editors and plugins add no-break and narrow spaces around French punctuation. Folding
 * both the ordered anchor and the page's anchor the same way makes them compare equal whichever
 * side carries the typography, while case aside, accents and words still count.
 */

// Quotes and apostrophes: ’ ‘ ‛ ‚ ′ ʼ ‹ › → ', “ ” „ ‟ ″ « » → ".
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u02BC\u2039\u203A]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033]/g;
// Hyphens and dashes: ‐ ‑ ‒ – — ― − → -.
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g;
// Invisible characters: soft hyphen, zero-width space / joiners, word joiner, BOM.
const INVISIBLE = /[\u00AD\u200B\u200C\u200D\u2060\uFEFF]/g;

/**
 * The typographic variants folded to their plain form: quotes, apostrophes, dashes (and `--`,
 * `---`), ellipsis, × between digits, ™, every kind of space (no-break, narrow, thin…) collapsed
 * to one, the spaces inside « » and before ; : ! ? removed. Case and accents are kept.
 */
export function foldTypography(text: string): string {
  return (
    text
      .normalize('NFC')
      .replace(INVISIBLE, '')
      // JavaScript's \s covers U+00A0, U+202F, U+2009 and the other Unicode spaces.
      .replace(/\s+/g, ' ')
      .replace(/«\s*/g, '"')
      .replace(/\s*»/g, '"')
      .replace(SINGLE_QUOTES, "'")
      .replace(DOUBLE_QUOTES, '"')
      .replace(/``|''/g, '"')
      .replace(DASHES, '-')
      .replace(/-{2,}/g, '-')
      .replace(/\u2026/g, '...')
      .replace(/(\d)\s?\u00D7\s?(?=\d)/g, '$1x')
      .replace(/\s?\u2122/g, ' (tm)')
      .replace(/ (?=[;:!?])/g, '')
      .trim()
  );
}

/** How anchors are compared: typography folded, case ignored; accents and words still count. */
export function comparableAnchor(text: string): string {
  return foldTypography(text).toLowerCase();
}
