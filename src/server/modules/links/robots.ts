// Directives that take a value after a colon: `max-snippet: 20` is not a user-agent prefix.
const DIRECTIVES_WITH_VALUE = new Set(['max-snippet', 'max-image-preview', 'max-video-preview', 'unavailable_after']);

/** `none` means `noindex, nofollow`. */
function isNoindex(directive: string): boolean {
  return directive === 'noindex' || directive === 'none';
}

/**
 * Whether one of the `X-Robots-Tag` header values forbids indexing by Google. A value is a comma
 * list of directives, optionally after a user agent (`googlebot: noindex, nofollow`); the
 * directives of another crawler (`bingbot: noindex`) do not count.
 */
export function headerForbidsIndexing(values: readonly string[]): boolean {
  return values.some((value) => {
    let agent: string | null = null;
    for (const part of value.split(',')) {
      let directive = part.trim().toLowerCase();
      const prefixed = /^([a-z0-9_-]+)\s*:\s*(.*)$/.exec(directive);
      if (prefixed && !DIRECTIVES_WITH_VALUE.has(prefixed[1])) {
        agent = prefixed[1];
        directive = prefixed[2];
      }
      if ((agent === null || agent === 'googlebot') && isNoindex(directive)) return true;
    }
    return false;
  });
}

/** Whether the content of a `<meta name="robots">` (or `googlebot`) forbids indexing. */
export function metaForbidsIndexing(content: string): boolean {
  return content.split(',').some((part) => isNoindex(part.trim().toLowerCase()));
}
