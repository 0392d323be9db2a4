import { createHash } from 'node:crypto';
import { fetchPage, type FetchedPage, type FetchFailure, type FetchOptions } from './fetch-page.js';
import { excerptAround, excerptFrom, readPage, type PageContent, type PageLink } from './html.js';
import { checkRobotsTxt } from './robots-txt.js';
import {
  googleMeta,
  headerForbidsFollowing,
  headerForbidsIndexing,
  metaForbidsFollowing,
  metaForbidsIndexing,
} from './robots.js';
import { comparableAnchor } from './typography.js';
import { canonicalFromLinkHeader, isOnSite, normalizeUrl, pageKey, parseHttpUrl } from './url.js';
import * as say from './verify-messages.js';
import type { CheckOutcome, FailedRule, NearMissKind, Sentence } from './verify-messages.js';

export { normalizeUrl } from './url.js';
export { outcomeLabels, ruleLabels } from './verify-messages.js';
export type { CheckOutcome, FailedRule } from './verify-messages.js';

export type LinkExpectation = {
  /** The URL the publisher gave as the live article. */
  liveUrl: string;
  /** The catalog article the order was priced from (the page bought). */
  articleUrl: string;
  /** The site's domain as stored in sites.domain (e.g. "blog.example.fr"; may be "127.0.0.1:PORT" in tests). */
  siteDomain: string;
  /** The buyer's URL the link must point to. */
  targetUrl: string;
  /** The anchor text ordered. */
  anchor: string;
};

export type VerifyOptions = {
  /** Lets the crawler reach loopback and private addresses: tests only (MAILLON_CRAWLER_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** For each attempt as a whole: DNS, every redirect, the body. Default 10 s. */
  timeoutMs?: number;
  /** Cap on the decoded body. Default 2 MiB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  userAgent?: string;
  /**
   * Waits before each retry of a transient failure (timeout, 5xx, refused/reset connection, DNS
   * temporary failure); default [1000, 3000, 9000]: 4 attempts in all. Tests pass small values.
   */
  retryDelaysMs?: number[];
};

/** What a failed rule means for the order: the outcome a check records. */
export const outcomeOfRule: Record<FailedRule, CheckOutcome> = {
  link_missing: 'link_missing',
  anchor_mismatch: 'anchor_changed',
  nofollow: 'rel_changed',
  sponsored: 'rel_changed',
  ugc: 'rel_changed',
  page_nofollow: 'rel_changed',
  noindex_meta: 'noindex',
  noindex_header: 'noindex',
  robots_txt_disallow: 'noindex',
  canonical_elsewhere: 'canonical_elsewhere',
  off_site_redirect: 'redirected_off_site',
  wrong_page: 'redirected_off_site',
  http_status: 'http_error',
  not_html: 'http_error',
  invalid_url: 'unreachable',
  private_address: 'unreachable',
  dns_failure: 'unreachable',
  timeout: 'unreachable',
  too_large: 'unreachable',
  too_many_redirects: 'unreachable',
  network_error: 'unreachable',
};

export type LinkEvidence = {
  startUrl: string;
  redirects: { from: string; to: string; status: number }[];
  finalUrl: string | null;
  status: number | null;
  /** the link that satisfied the check, or the closest one when it failed on rel/anchor */
  link: { href: string; rel: string[]; anchor: string } | null;
  /** up to 5 links that nearly match, and how each differs */
  nearMisses: { href: string; rel: string[]; anchor: string; differs: ('href' | 'anchor' | 'rel')[] }[];
  robots: {
    meta: { name: string; content: string }[];
    header: string[];
    robotsTxt: 'allowed' | 'disallowed' | 'unavailable' | 'not_checked';
  };
  canonical: string | null;
  /** sha256 hex of the decoded body */
  contentHash: string | null;
  /** up to ~300 characters of visible text around the link (or the page's first text when no link) */
  excerpt: string | null;
  /** how many fetch attempts were made (retries of transient failures included) */
  attempts: number;
};

export type VerificationResult = {
  ok: boolean;
  /** 'ok' when ok */
  outcome: CheckOutcome;
  /** null when ok */
  rule: FailedRule | null;
  /** complete sentences, each in ONE language (no English inside the French), naming the near miss */
  messages: { fr: string; en: string };
  /** the failure may go away by itself: timeout, 5xx, refused/reset connection, DNS — after the retries */
  transient: boolean;
  finalUrl: string | null;
  status: number | null;
  /** ISO */
  checkedAt: string;
  evidence: LinkEvidence;
};

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
// The most telling first: a comment link is `nofollow ugc`, a paid one `sponsored nofollow`.
const FORBIDDEN_REL = ['ugc', 'sponsored', 'nofollow'] as const;
const DEFAULT_RETRY_DELAYS_MS = [1_000, 3_000, 9_000];
const NEAR_MISS_RANK: Record<NearMissKind['kind'], number> = { extra_query: 0, other_query: 1, other_page: 2, other_site: 3 };

type Attempted = { page: FetchedPage | FetchFailure; attempts: number };

/**
 * Fetches the live article and checks, in this order: every hop stays on the site, the page is
 * the article bought, it answers 200 with HTML, it is indexable (robots tags and header), Googlebot
 * may crawl it (robots.txt), it is its own canonical, its links are followed (no page-level
 * nofollow), and it carries a followed link to the target with the anchor. Transient failures
 * (timeout, 5xx, refused or reset connection, temporary DNS failure) are retried with growing delays.
 */
export async function verifyLink(expect: LinkExpectation, options: VerifyOptions): Promise<VerificationResult> {
  const evidence: LinkEvidence = {
    startUrl: withoutCredentials(expect.liveUrl),
    redirects: [],
    finalUrl: null,
    status: null,
    link: null,
    nearMisses: [],
    robots: { meta: [], header: [], robotsTxt: 'not_checked' },
    canonical: null,
    contentHash: null,
    excerpt: null,
    attempts: 0,
  };
  const finish = (rule: FailedRule | null, messages: { fr: string; en: string }, transient = false): VerificationResult => ({
    ok: rule === null,
    outcome: rule === null ? 'ok' : outcomeOfRule[rule],
    rule,
    messages,
    transient,
    finalUrl: evidence.finalUrl,
    status: evidence.status,
    checkedAt: new Date().toISOString(),
    evidence,
  });
  const fail = (rule: FailedRule, sentence: Sentence, transient = false, attempts = 1) =>
    finish(rule, say.failureMessages(rule, sentence, attempts), transient);

  if (!parseHttpUrl(expect.targetUrl)) return fail('invalid_url', say.invalidInputSentence('target', expect.targetUrl));
  if (!parseHttpUrl(expect.articleUrl)) return fail('invalid_url', say.invalidInputSentence('article', expect.articleUrl));

  const fetchOptions = {
    allowPrivate: options.allowPrivate,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxRedirects: options.maxRedirects ?? 5,
    userAgent: options.userAgent ?? 'Mozilla/5.0 (compatible; MaillonLinkChecker/1.0)',
  };
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  // A live URL that is not on the site is not fetched at all.
  if (parseHttpUrl(expect.liveUrl) && !isOnSite(expect.liveUrl, expect.siteDomain)) {
    return fail('off_site_redirect', say.offSiteSentence({ from: null, to: expect.liveUrl }, expect.siteDomain));
  }
  const leavesSite = (page: FetchedPage | FetchFailure) => offSiteHop(expect.liveUrl, page, expect.siteDomain) !== null;

  const { page, attempts } = await fetchWithRetries(
    expect.liveUrl,
    {
      ...fetchOptions,
      maxBytes: options.maxBytes ?? 2 * 1024 * 1024,
      wantsBody: (status, headers) => status === 200 && isHtml(headers['content-type']),
    },
    delays,
    (answer) => !leavesSite(answer),
  );
  evidence.attempts = attempts;
  evidence.redirects = page.redirects;
  evidence.finalUrl = page.finalUrl;
  evidence.status = page.status;

  // 1. Every hop on the site's domain, even when the fetch failed further on.
  const offSite = offSiteHop(expect.liveUrl, page, expect.siteDomain);
  if (offSite) {
    if (page.ok && page.body !== null) recordPage(evidence, page, readPage(page.body, page.finalUrl));
    return fail('off_site_redirect', say.offSiteSentence(offSite, expect.siteDomain));
  }
  if (!page.ok) return fail(page.rule, say.fetchFailureSentence(page.rule, page.facts), isTransientFailure(page), attempts);
  // A site that is down says nothing about which page it serves.
  if (isTransientStatus(page.status))
    return fail('http_status', say.httpStatusSentence(page.finalUrl, page.status), true, attempts);

  const content = page.body !== null ? readPage(page.body, page.finalUrl) : null;
  if (content) recordPage(evidence, page, content);

  // 2. The article bought, or where its URL now redirects; a sign-in page never is.
  const signIn = isSignInPage(page.finalUrl, content, expect.targetUrl);
  const article: ArticleCheck =
    signIn && pageKey(page.finalUrl) !== pageKey(expect.articleUrl)
      ? { unresolved: false, reached: false, fate: null }
      : await reachesArticle(expect, page, content?.canonical ?? null, fetchOptions, delays);
  if (article.unresolved) {
    const { failure } = article;
    const sentence = say.articleUnresolvedSentence(
      expect.articleUrl,
      failure.ok
        ? say.httpStatusSentence(failure.finalUrl, failure.status)
        : say.fetchFailureSentence(failure.rule, failure.facts),
    );
    return fail(failure.ok ? 'http_status' : failure.rule, sentence, true, article.attempts);
  }
  if (!article.reached) {
    const reached = { url: page.finalUrl, title: content?.title ?? null, signIn };
    return fail('wrong_page', say.wrongPageSentence(reached, expect.articleUrl, article.fate));
  }

  // 3. 200 and HTML.
  if (page.status !== 200) return fail('http_status', say.httpStatusSentence(page.finalUrl, page.status));
  if (!content) return fail('not_html', say.notHtmlSentence(page.finalUrl, page.headers['content-type']));

  // 4. Indexable.
  const robotsHeader = page.headerLines('x-robots-tag');
  if (headerForbidsIndexing(robotsHeader)) return fail('noindex_header', say.noindexHeaderSentence(robotsHeader));
  const googleTags = googleMeta(content.robotsMeta);
  const noindex = googleTags.find((meta) => metaForbidsIndexing(meta.content));
  if (noindex) return fail('noindex_meta', say.noindexMetaSentence(noindex));

  // 5. Crawlable by Googlebot.
  const robotsTxt = await checkRobotsTxt(page.finalUrl, fetchOptions);
  evidence.robots.robotsTxt = robotsTxt.verdict;
  if (robotsTxt.verdict === 'disallowed') {
    return fail(
      'robots_txt_disallow',
      say.robotsTxtSentence(robotsTxt.robotsUrl, page.finalUrl, robotsTxt.lineNumber, robotsTxt.line),
    );
  }

  // 6. Its own canonical (or the article bought, when the page is it under a variant of its URL).
  const own = new Set([pageKey(page.finalUrl), pageKey(expect.articleUrl)]);
  const headerCanonical = canonicalFromLinkHeader(page.headerLines('link'), page.finalUrl);
  for (const [canonical, from] of [
    [content.canonical, 'tag'],
    [headerCanonical, 'header'],
  ] as const) {
    if (canonical && !own.has(pageKey(canonical))) {
      evidence.canonical = canonical;
      return fail('canonical_elsewhere', say.canonicalSentence(canonical, page.finalUrl, from));
    }
  }
  evidence.canonical = content.canonical ?? headerCanonical;

  // 7. No page-level nofollow.
  const nofollowHeader = robotsHeader.filter((value) => headerForbidsFollowing([value]));
  if (nofollowHeader.length) return fail('page_nofollow', say.pageNofollowSentence({ header: nofollowHeader }));
  const nofollowMeta = googleTags.find((meta) => metaForbidsFollowing(meta.content));
  if (nofollowMeta) return fail('page_nofollow', say.pageNofollowSentence({ meta: nofollowMeta }));

  // 8. The link: target, anchor, rel.
  return checkLink(expect, content, evidence, fail, finish);
}

type Fail = (rule: FailedRule, sentence: Sentence) => VerificationResult;
type Finish = (rule: null, messages: { fr: string; en: string }) => VerificationResult;

type Candidate = {
  link: PageLink & { url: string };
  hrefMatches: boolean;
  anchorMatches: boolean;
  forbidden: boolean;
  /** How the href differs, for a link that does not point to the target. */
  why: NearMissKind | null;
};

function checkLink(
  expect: LinkExpectation,
  content: PageContent,
  evidence: LinkEvidence,
  fail: Fail,
  finish: Finish,
): VerificationResult {
  const target = new URL(normalizeUrl(expect.targetUrl));
  const ordered = comparableAnchor(expect.anchor);
  const candidates: Candidate[] = content.links
    .filter((link): link is Candidate['link'] => link.url !== null)
    .map((link) => {
      const anchorMatches = comparableAnchor(link.text) === ordered;
      const why = hrefDifference(new URL(link.url), target, anchorMatches);
      return {
        link,
        hrefMatches: why === 'same',
        anchorMatches,
        forbidden: link.rel.some(isForbiddenRel),
        why: why === 'same' ? null : why,
      };
    });

  // Near misses: links to the target that fail on anchor or rel first, then links that nearly point to it.
  const nearMisses = candidates
    .filter((c) => (c.hrefMatches && (!c.anchorMatches || c.forbidden)) || (!c.hrefMatches && c.why !== null))
    .sort((a, b) => rank(a) - rank(b));
  evidence.nearMisses = nearMisses.slice(0, 5).map((c) => ({
    ...shown(c.link),
    differs: [
      ...(c.hrefMatches ? [] : ['href' as const]),
      ...(c.anchorMatches ? [] : ['anchor' as const]),
      ...(c.forbidden ? ['rel' as const] : []),
    ],
  }));

  const toTarget = candidates.filter((c) => c.hrefMatches);
  const withAnchor = toTarget.filter((c) => c.anchorMatches);
  const good = withAnchor.find((c) => !c.forbidden);
  if (good) {
    setLink(evidence, content, good.link);
    return finish(null, say.okMessages(evidence.finalUrl!, expect.targetUrl, good.link.text));
  }
  // Closest first: outside the comments, then followed.
  const byCloseness = (list: Candidate[]) =>
    [...list].sort((a, b) => Number(a.link.inComment) - Number(b.link.inComment) || Number(a.forbidden) - Number(b.forbidden));

  if (toTarget.length === 0) {
    const nearest = nearMisses[0] ?? null;
    if (nearest) evidence.excerpt = excerptAround(content.text, nearest.link.start, nearest.link.end);
    return fail(
      'link_missing',
      say.linkMissingSentence(
        expect.targetUrl,
        content.links.length,
        nearest && { href: nearest.link.url, anchor: nearest.link.text, inComment: nearest.link.inComment, why: nearest.why! },
        content.hasPasswordInput,
      ),
    );
  }
  if (withAnchor.length === 0) {
    const found = byCloseness(toTarget);
    setLink(evidence, content, found[0].link);
    return fail(
      'anchor_mismatch',
      say.anchorMismatchSentence(
        expect.targetUrl,
        found.map((c) => ({ anchor: c.link.text, inComment: c.link.inComment })),
        expect.anchor.replace(/\s+/g, ' ').trim(),
      ),
    );
  }
  const closest = byCloseness(withAnchor)[0].link;
  setLink(evidence, content, closest);
  const rule = FORBIDDEN_REL.find((token) => closest.rel.includes(token))!;
  return fail(rule, say.relSentence(expect.targetUrl, { anchor: closest.text, rel: closest.rel, inComment: closest.inComment }));
}

/** 'same' when `href` is the (normalized) target; else how it nearly is (null when it is unrelated). */
function hrefDifference(href: URL, target: URL, anchorMatches: boolean): NearMissKind | 'same' | null {
  const link = new URL(normalizeUrl(href.href));
  if (link.href === target.href) return 'same';
  if (link.host === target.host) {
    if (link.pathname !== target.pathname) return { kind: 'other_page' };
    const wanted = [...target.searchParams];
    const has = (name: string, value: string) => link.searchParams.getAll(name).includes(value);
    if (wanted.every(([name, value]) => has(name, value))) {
      // Named in the order the page wrote them.
      const extra = [...new Set([...href.searchParams.keys()].filter((name) => !wanted.some(([w]) => w === name)))];
      if (extra.length) return { kind: 'extra_query', params: extra };
    }
    return { kind: 'other_query' };
  }
  return anchorMatches ? { kind: 'other_site' } : null;
}

function rank(c: Candidate): number {
  const base = c.hrefMatches ? 0 : 10 * (1 + NEAR_MISS_RANK[c.why!.kind]);
  return base + (c.anchorMatches ? 0 : 4) + (c.forbidden ? 2 : 0) + (c.link.inComment ? 1 : 0);
}

function shown(link: PageLink & { url: string }) {
  return { href: link.url, rel: link.rel, anchor: link.text };
}

function setLink(evidence: LinkEvidence, content: PageContent, link: PageLink & { url: string }): void {
  evidence.link = shown(link);
  evidence.excerpt = excerptAround(content.text, link.start, link.end);
}

function recordPage(evidence: LinkEvidence, page: FetchedPage, content: PageContent): void {
  evidence.contentHash = createHash('sha256')
    .update(page.body ?? '', 'utf8')
    .digest('hex');
  evidence.robots.meta = content.robotsMeta;
  evidence.robots.header = page.headerLines('x-robots-tag');
  evidence.canonical = content.canonical ?? canonicalFromLinkHeader(page.headerLines('link'), page.finalUrl);
  // The page's first text (of its main content when marked), until a link is found.
  const start = content.contentStart;
  evidence.excerpt = excerptFrom(content.text, start) || null;
}

/**
 * wp-login.php, or a page with a password field that does not carry the link (an article with a
 * log-in widget in its sidebar is still the article).
 */
function isSignInPage(url: string, content: PageContent | null, targetUrl: string): boolean {
  if (/\/wp-login\.php$/i.test(new URL(url).pathname)) return true;
  if (!content?.hasPasswordInput) return false;
  const target = normalizeUrl(targetUrl);
  return !content.links.some((link) => link.url !== null && normalizeUrl(link.url) === target);
}

/** The first URL of the chain off the site: the live URL itself, or where a redirect went. */
function offSiteHop(
  liveUrl: string,
  page: FetchedPage | FetchFailure,
  siteDomain: string,
): { from: string | null; to: string } | null {
  if (!parseHttpUrl(liveUrl)) return null; // refused as an invalid URL, before any request
  if (!isOnSite(liveUrl, siteDomain)) return { from: null, to: liveUrl };
  const hop = page.redirects.find((redirect) => !isOnSite(redirect.to, siteDomain));
  return hop ? { from: hop.from, to: hop.to } : null;
}

type ArticleCheck =
  | { unresolved: false; reached: boolean; fate: say.ArticleFate | null }
  | { unresolved: true; failure: FetchedPage | FetchFailure; attempts: number };

/**
 * Whether the page reached is the article bought: the same page (`pageKey`: tracking parameters
 * do not count), the same URL but for the case of its path when the page names the article as its
 * canonical (WordPress serves `/Mon-Article/` as `/mon-article/`), or where the article's URL
 * redirects on the site (the article moved, or the publisher gave its new URL) — unless that is
 * the home page, where sites send the URLs of removed articles.
 */
async function reachesArticle(
  expect: LinkExpectation,
  page: FetchedPage,
  canonical: string | null,
  fetchOptions: Omit<FetchOptions, 'wantsBody' | 'maxBytes'>,
  delays: number[],
): Promise<ArticleCheck> {
  const article = pageKey(expect.articleUrl);
  const final = pageKey(page.finalUrl);
  if (final === article) return { unresolved: false, reached: true, fate: null };
  const canonicalKey = canonical && parseHttpUrl(canonical, page.finalUrl) ? pageKey(parseHttpUrl(canonical, page.finalUrl)!.href) : null;
  if (canonicalKey === article && final.toLowerCase() === article.toLowerCase()) return { unresolved: false, reached: true, fate: null };
  // A redirect to the home page is a removed article, not a moved one.
  if (new URL(final).pathname === '/' && !new URL(final).search) return { unresolved: false, reached: false, fate: null };
  // The article's URL is a hop of the chain just followed: it leads where the chain led.
  const chain = [expect.liveUrl, ...page.redirects.map((redirect) => redirect.to)];
  if (chain.some((url) => parseHttpUrl(url) && pageKey(url) === article)) {
    return { unresolved: false, reached: true, fate: null };
  }

  const { page: resolved, attempts } = await fetchWithRetries(
    expect.articleUrl,
    { ...fetchOptions, maxBytes: 0, wantsBody: () => false },
    delays,
    () => true,
  );
  if (isTransient(resolved)) return { unresolved: true, failure: resolved, attempts };
  const lands = resolved.ok ? resolved.finalUrl : (resolved.redirects.at(-1)?.to ?? resolved.finalUrl);
  const reached = lands !== null && pageKey(lands) === final;
  const redirectsTo = lands !== null && pageKey(lands) !== article ? lands : null;
  return { unresolved: false, reached, fate: { redirectsTo, status: resolved.status } };
}

/** Fetches, retrying transient failures after each of `delays`, while `mayRetry` agrees. */
async function fetchWithRetries(
  url: string,
  options: FetchOptions,
  delays: number[],
  mayRetry: (page: FetchedPage | FetchFailure) => boolean,
): Promise<Attempted> {
  for (let attempt = 0; ; attempt++) {
    const page = await fetchPage(url, options);
    if (attempt >= delays.length || !worthRetrying(page) || !mayRetry(page)) return { page, attempts: attempt + 1 };
    await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
  }
}

/** Retried at once: what usually goes away within seconds (a DNS name that does not exist is not). */
function worthRetrying(page: FetchedPage | FetchFailure): boolean {
  if (page.ok) return isTransientStatus(page.status);
  if (page.rule === 'dns_failure') return say.isTemporaryDnsCode(page.facts.code);
  return isTransientFailure(page);
}

function isTransient(page: FetchedPage | FetchFailure): boolean {
  return page.ok ? isTransientStatus(page.status) : isTransientFailure(page);
}

/** A failure that may go away by itself: timeout, refused or reset connection, DNS. */
function isTransientFailure(failure: FetchFailure): boolean {
  if (failure.rule === 'timeout' || failure.rule === 'dns_failure') return true;
  return failure.rule === 'network_error' && say.isTransientNetworkCode(failure.facts.code);
}

/** 5xx, and 429 Too Many Requests. */
function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/** A URL as shown in evidence and messages: without a user name or password. */
function withoutCredentials(url: string): string {
  const parsed = parseHttpUrl(url);
  if (!parsed || (!parsed.username && !parsed.password)) return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

function isHtml(contentType: string | undefined): boolean {
  return HTML_TYPES.has((contentType ?? '').split(';')[0].trim().toLowerCase());
}

function isForbiddenRel(token: string): boolean {
  return (FORBIDDEN_REL as readonly string[]).includes(token);
}
