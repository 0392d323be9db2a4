// Robots directives of a page, as Google reads them: the `X-Robots-Tag` header lines and the
// `<meta name="robots">` / `<meta name="googlebot">` tags. A directive scoped to another crawler
// (`bingbot: noindex`, `<meta name="bingbot">`) does not count.

// Directives that take a value after a colon: `max-snippet: 20` is not a user-agent prefix.
const DIRECTIVES_WITH_VALUE = new Set([
  'max-snippet',
  'max-image-preview',
  'max-video-preview',
  'unavailable_after',
  'indexifembedded',
]);

/** Meta names whose directives Google's web crawler obeys. */
const GOOGLE_META = new Set(['robots', 'googlebot']);

/** `none` means `noindex, nofollow`. */
function isNoindex(directive: string): boolean {
  return directive === 'noindex' || directive === 'none';
}

function isNofollow(directive: string): boolean {
  return directive === 'nofollow' || directive === 'none';
}

/**
 * The directives of `X-Robots-Tag` header values that apply to Googlebot, lower-cased. A value is
 * a comma list of directives, optionally after a user agent (`googlebot: noindex, nofollow`); an
 * agent prefix applies to the directives after it in the same value.
 */
export function googleHeaderDirectives(values: readonly string[]): string[] {
  const directives: string[] = [];
  for (const value of values) {
    let agent: string | null = null;
    for (const part of value.split(',')) {
      let directive = part.trim().toLowerCase();
      const prefixed = /^([a-z0-9_-]+)\s*:\s*(.*)$/.exec(directive);
      if (prefixed && !DIRECTIVES_WITH_VALUE.has(prefixed[1])) {
        agent = prefixed[1];
        directive = prefixed[2].trim();
      }
      if ((agent === null || agent === 'googlebot') && directive !== '') directives.push(directive);
    }
  }
  return directives;
}

/** The meta tags Googlebot obeys (`robots`, `googlebot`). */
export function googleMeta<M extends { name: string }>(metas: readonly M[]): M[] {
  return metas.filter((meta) => GOOGLE_META.has(meta.name.toLowerCase()));
}

function metaDirectives(content: string): string[] {
  return content
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
}

/** Whether one of the `X-Robots-Tag` header values forbids indexing by Google. */
export function headerForbidsIndexing(values: readonly string[]): boolean {
  return googleHeaderDirectives(values).some(isNoindex);
}

/** Whether the header values tell Google not to follow the page's links (`nofollow`, `none`). */
export function headerForbidsFollowing(values: readonly string[]): boolean {
  return googleHeaderDirectives(values).some(isNofollow);
}

/** Whether the content of a `<meta name="robots">` (or `googlebot`) forbids indexing. */
export function metaForbidsIndexing(content: string): boolean {
  return metaDirectives(content).some(isNoindex);
}

/** Whether the content of a `<meta name="robots">` (or `googlebot`) makes every link of the page nofollow. */
export function metaForbidsFollowing(content: string): boolean {
  return metaDirectives(content).some(isNofollow);
}
