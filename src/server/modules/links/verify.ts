import { fetchPage } from './fetch-page.js';
import { collapseWhitespace, readPage, type PageLink } from './html.js';
import { headerForbidsIndexing, metaForbidsIndexing } from './robots.js';
import { normalizeUrl, parseHttpUrl } from './url.js';

export { normalizeUrl } from './url.js';

export type LinkExpectation = { liveUrl: string; targetUrl: string; anchor: string };

export type VerifyOptions = {
  /** Lets the crawler reach loopback and private addresses: tests only (MAILLON_CRAWLER_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** For the whole exchange: DNS, every redirect, the body. Default 10 s. */
  timeoutMs?: number;
  /** Cap on the decoded body. Default 2 MiB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  userAgent?: string;
};

export type FailedRule =
  | 'invalid_url'
  | 'private_address'
  | 'dns_failure'
  | 'timeout'
  | 'too_large'
  | 'too_many_redirects'
  | 'network_error'
  | 'http_status'
  | 'not_html'
  | 'link_missing'
  | 'anchor_mismatch'
  | 'nofollow'
  | 'sponsored'
  | 'ugc'
  | 'noindex_meta'
  | 'noindex_header';

export type VerificationResult =
  | { ok: true; finalUrl: string; status: 200; checkedAt: string }
  | {
      ok: false;
      rule: FailedRule;
      /** English, precise: what was found where. */
      detail: string;
      /** The last URL that answered (after redirects), null when none did. */
      finalUrl: string | null;
      status: number | null;
      checkedAt: string;
    };

export const ruleLabels: Record<FailedRule, { fr: string; en: string }> = {
  invalid_url: { fr: 'URL invalide (http ou https uniquement)', en: 'Invalid URL (http or https only)' },
  private_address: { fr: 'Adresse privée ou locale refusée', en: 'Private or local address refused' },
  dns_failure: { fr: 'Nom de domaine introuvable', en: 'Domain name could not be resolved' },
  timeout: { fr: 'La page a mis trop de temps à répondre', en: 'The page took too long to answer' },
  too_large: { fr: 'Page trop volumineuse', en: 'Page too large' },
  too_many_redirects: { fr: 'Trop de redirections', en: 'Too many redirects' },
  network_error: { fr: 'Erreur réseau', en: 'Network error' },
  http_status: { fr: 'La page ne répond pas 200 OK', en: 'The page does not answer 200 OK' },
  not_html: { fr: "La page n'est pas du HTML", en: 'The page is not HTML' },
  link_missing: { fr: 'Lien absent de la page', en: 'Link not found on the page' },
  anchor_mismatch: { fr: "Texte d'ancre différent de celui commandé", en: 'Anchor text differs from the one ordered' },
  nofollow: { fr: 'Lien en nofollow', en: 'Link is nofollow' },
  sponsored: { fr: 'Lien marqué sponsored', en: 'Link is marked sponsored' },
  ugc: { fr: 'Lien marqué ugc', en: 'Link is marked ugc' },
  noindex_meta: { fr: 'Page en noindex (balise meta robots)', en: 'Page is noindex (robots meta tag)' },
  noindex_header: { fr: 'Page en noindex (en-tête X-Robots-Tag)', en: 'Page is noindex (X-Robots-Tag header)' },
};

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const FORBIDDEN_REL = ['nofollow', 'sponsored', 'ugc'] as const;

/** Fetches the live article and checks it carries a followed link to the target with the anchor, on an indexable page. */
export async function verifyLink(expect: LinkExpectation, options: VerifyOptions): Promise<VerificationResult> {
  const fail = (
    rule: FailedRule,
    detail: string,
    finalUrl: string | null = null,
    status: number | null = null,
  ): VerificationResult => ({
    ok: false,
    rule,
    detail,
    finalUrl,
    status,
    checkedAt: new Date().toISOString(),
  });

  if (!parseHttpUrl(expect.targetUrl)) return fail('invalid_url', `The target is not an http(s) URL: ${expect.targetUrl}`);
  const page = await fetchPage(expect.liveUrl, {
    allowPrivate: options.allowPrivate,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxBytes: options.maxBytes ?? 2 * 1024 * 1024,
    maxRedirects: options.maxRedirects ?? 5,
    userAgent: options.userAgent ?? 'Mozilla/5.0 (compatible; MaillonLinkChecker/1.0)',
    wantsBody: (status, headers) => status === 200 && isHtml(headers['content-type']),
  });
  if (!page.ok) return fail(page.rule, page.detail, page.finalUrl, page.status);
  const at = (rule: FailedRule, detail: string) => fail(rule, detail, page.finalUrl, page.status);

  if (page.status !== 200) return at('http_status', `${page.finalUrl} answered HTTP ${page.status}, not 200`);
  if (!isHtml(page.headers['content-type'])) {
    return at(
      'not_html',
      `Content-Type is ${JSON.stringify(page.headers['content-type'] ?? '(none)')}, not text/html or application/xhtml+xml`,
    );
  }
  const robotsHeaders = page.headerLines('x-robots-tag');
  if (headerForbidsIndexing(robotsHeaders)) return at('noindex_header', `X-Robots-Tag: ${robotsHeaders.join(' | ')}`);

  const content = readPage(page.body ?? '', page.finalUrl);
  const noindex = content.robotsMeta.find((meta) => metaForbidsIndexing(meta.content));
  if (noindex) return at('noindex_meta', `<meta name="${noindex.name}" content=${JSON.stringify(noindex.content)}>`);

  const target = normalizeUrl(expect.targetUrl);
  const toTarget = content.links.filter((link) => link.url !== null && normalizeUrl(link.url) === target);
  if (toTarget.length === 0) {
    return at('link_missing', `No link to ${expect.targetUrl} among the ${content.links.length} links of the page`);
  }
  const anchor = comparable(expect.anchor);
  const withAnchor = toTarget.filter((link) => comparable(link.text) === anchor);
  if (withAnchor.length === 0) {
    return at(
      'anchor_mismatch',
      `Expected anchor ${JSON.stringify(collapseWhitespace(expect.anchor))}; links to the target read ${quoteAnchors(toTarget)}`,
    );
  }
  if (!withAnchor.some((link) => !link.rel.some(isForbiddenRel))) {
    const rel = withAnchor[0].rel;
    const rule = FORBIDDEN_REL.find((token) => rel.includes(token))!;
    return at(rule, `The link to ${expect.targetUrl} with the anchor has rel="${rel.join(' ')}"`);
  }
  return { ok: true, finalUrl: page.finalUrl, status: 200, checkedAt: new Date().toISOString() };
}

function isHtml(contentType: string | undefined): boolean {
  return HTML_TYPES.has((contentType ?? '').split(';')[0].trim().toLowerCase());
}

function isForbiddenRel(token: string): boolean {
  return (FORBIDDEN_REL as readonly string[]).includes(token);
}

/** Case-insensitive, accents significant (é ≠ e), composed and decomposed accents alike. */
function comparable(text: string): string {
  return collapseWhitespace(text).normalize('NFC').toLowerCase();
}

function quoteAnchors(links: PageLink[]): string {
  const shown = links.slice(0, 5).map((link) => JSON.stringify(truncate(link.text, 80)));
  return shown.join(', ') + (links.length > 5 ? ` and ${links.length - 5} more` : '');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
