const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Parses an absolute http(s) URL; null for anything else (other schemes, garbage). */
export function parseHttpUrl(input: string, base?: string | URL): URL | null {
  let url: URL;
  try {
    url = new URL(input.trim(), base);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

/**
 * Canonical form of a link target, for comparing a page's href with the URL an order bought.
 * `URL` already lower-cases scheme and host, turns IDN hosts into punycode and drops default
 * ports; on top of that the fragment goes, the trailing slash of a non-root path goes, query
 * parameters are sorted and percent-encoded unreserved characters are decoded.
 *
 * Deliberately lenient: the scheme is forced to https and a leading `www.` is removed, because
 * buyers usually give `https://www.…` while publishers write `http://…` (or the reverse) and
 * the site redirects one to the other: for a link check both point at the same page.
 *
 * Throws a TypeError when `url` is not an absolute http(s) URL.
 */
export function normalizeUrl(url: string): string {
  const parsed = parseHttpUrl(url);
  if (!parsed) throw new TypeError(`Not an absolute http(s) URL: ${url}`);
  parsed.hash = '';
  parsed.protocol = 'https:';
  // URL keeps a port that was the default one of the scheme it came with (http://x:443).
  if (parsed.port === '443') parsed.port = '';
  parsed.hostname = parsed.hostname.replace(/\.$/, '').replace(/^www\./, '');
  const path = decodeUnreserved(parsed.pathname).replace(/\/+$/, '') || '/';
  const query = parsed.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '')
    .map(decodeUnreserved)
    .sort();
  return `${parsed.protocol}//${parsed.host}${path}${query.length ? `?${query.join('&')}` : ''}`;
}

/** Query parameters that only say where a visitor came from: the page is the same without them. */
const TRACKING = /^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|_ga|_gl|yclid)$/i;

/**
 * The identity of a page, for "is this the article bought": `normalizeUrl` without the tracking
 * parameters a publisher may paste along (a newsletter's `utm_source`, a share's `fbclid`).
 * The link's target is still compared by `normalizeUrl`: there such a parameter is a near miss.
 */
export function pageKey(url: string): string {
  const parsed = parseHttpUrl(url);
  if (!parsed) throw new TypeError(`Not an absolute http(s) URL: ${url}`);
  for (const name of [...parsed.searchParams.keys()]) if (TRACKING.test(name)) parsed.searchParams.delete(name);
  return normalizeUrl(parsed.href);
}

/** `%7E` → `~`, `%41` → `A`; other escapes kept, with upper-case hex digits. */
function decodeUnreserved(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/**
 * Whether `url` is on the site: its host is the site's domain or a subdomain of it, `www.`
 * ignored on both sides; the port must match when the domain names one (`127.0.0.1:8080`).
 * The domain may be written in Unicode or punycode, with or without a scheme.
 */
export function isOnSite(url: string, siteDomain: string): boolean {
  const parsed = parseHttpUrl(url);
  const site = parseSiteDomain(siteDomain);
  if (!parsed || !site) return false;
  const host = bareHost(parsed.hostname);
  if (host !== site.hostname && !host.endsWith(`.${site.hostname}`)) return false;
  return site.port === '' || parsed.port === site.port;
}

function parseSiteDomain(domain: string): { hostname: string; port: string } | null {
  const raw = domain.trim();
  if (!raw) return null;
  const url = parseHttpUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  return url ? { hostname: bareHost(url.hostname), port: url.port } : null;
}

function bareHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^www\./, '');
}

/**
 * The canonical URL an HTTP `Link` header declares (`Link: <https://…/a>; rel="canonical"`),
 * resolved against the page URL; null when none. Several values and header lines are read in order.
 */
export function canonicalFromLinkHeader(values: readonly string[], pageUrl: string): string | null {
  for (const value of values) {
    // Link values are separated by commas, each `<uri>` followed by its `; param=value` list.
    for (const part of value.split(/,\s*(?=<)/)) {
      const match = /^\s*<([^>]*)>(.*)$/s.exec(part);
      if (!match) continue;
      const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2]);
      const relTokens = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
      if (!relTokens.includes('canonical')) continue;
      const url = parseHttpUrl(match[1], pageUrl);
      if (url) return url.href;
    }
  }
  return null;
}
