import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  verifyLink,
  type LinkExpectation,
  type VerificationResult,
  type VerifyOptions,
} from '../../src/server/modules/links/verify.js';
import { paragraph, WordPressApi, type Post, type PostFields } from './rest.js';

// The link verifier against a real WordPress (Debian's package, Twenty Twenty-Three, /%postname%/
// permalinks) served by php -S: every article is made through the REST API as a publisher would, and
// checked as an anonymous visitor. test/wordpress/global-setup.ts starts the site.

const wp = inject('wordpress');
const api = new WordPressApi(wp.baseUrl, wp.user, wp.applicationPassword);

const TARGET = 'https://www.client-du-maillon.example/guide-seo';
const ANCHOR = 'le guide du référencement';
const FRENCH_WITH_ENGLISH = /\b(the|expected|found|instead|anchor|redirect(ed|s)?|link)\b/i;

const link = (anchor = ANCHOR, attributes = '') => `<a href="${TARGET}"${attributes}>${anchor}</a>`;

function publish(slug: string, html: string, fields: PostFields = {}): Promise<Post> {
  return api.createPost({ slug, title: `Article ${slug}`, content: paragraph(html), ...fields });
}

/** The order bought `liveUrl` itself unless said otherwise. */
function check(
  expectation: Partial<LinkExpectation> & { liveUrl: string },
  options: Partial<VerifyOptions> = {},
): Promise<VerificationResult> {
  return verifyLink(
    { articleUrl: expectation.liveUrl, siteDomain: wp.siteDomain, targetUrl: TARGET, anchor: ANCHOR, ...expectation },
    { allowPrivate: true, retryDelaysMs: [10, 20], timeoutMs: 15_000, ...options },
  );
}

async function html(url: string): Promise<string> {
  return (await fetch(url)).text();
}

function expectFailure(result: VerificationResult, rule: string, outcome: string) {
  expect({ ok: result.ok, rule: result.rule, outcome: result.outcome }, result.messages.en).toEqual({ ok: false, rule, outcome });
  expectFrenchOnly(result.messages.fr);
}

/** No English word in the French message, once the HTML quoted (<link rel="canonical">) and the URLs are left out. */
function expectFrenchOnly(message: string) {
  expect(message.replace(/<[^>]*>/g, '').replace(/https?:\/\/\S+/g, '')).not.toMatch(FRENCH_WITH_ENGLISH);
}

// Another host: what a hacked or sold article redirects to, a page that carries the link all the same.
let offSite: Server;
let offSiteOrigin: string;

beforeAll(async () => {
  offSite = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://off-site');
    if (url.pathname === '/retour') {
      response.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html><head><title>Ailleurs</title></head><body><p>Lisez ${link()}.</p></body></html>`);
  });
  await new Promise<void>((resolve) => offSite.listen(0, '127.0.0.1', resolve));
  offSiteOrigin = `http://127.0.0.1:${(offSite.address() as AddressInfo).port}`;

  // robots.txt: Googlebot kept out of one path, Bingbot out of another
  await api.settings({
    maillon_robots_txt:
      '\nUser-agent: Googlebot\nDisallow: /interdit-a-google/\n\nUser-agent: Bingbot\nDisallow: /interdit-a-bing/\n',
  });
});

afterAll(async () => {
  await new Promise((resolve) => offSite?.close(resolve));
});

describe('a published article with a followed link', () => {
  it('verifies, with its evidence: no redirect, its own canonical, the link, robots.txt allowing it', async () => {
    const post = await publish('article-publie', `Pour aller plus loin, lisez ${link()} de notre partenaire.`);
    const result = await check({ liveUrl: post.link });

    expect(result).toMatchObject({ ok: true, outcome: 'ok', rule: null, transient: false, status: 200, finalUrl: post.link });
    expect(result.evidence).toMatchObject({
      startUrl: post.link,
      redirects: [],
      finalUrl: post.link,
      status: 200,
      link: { href: TARGET, rel: [], anchor: ANCHOR },
      canonical: post.link,
      attempts: 1,
    });
    expect(result.evidence.robots.robotsTxt).toBe('allowed');
    // WordPress's own robots meta, which forbids nothing
    expect(result.evidence.robots.meta).toContainEqual({ name: 'robots', content: 'max-image-preview:large' });
    expect(result.evidence.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.evidence.excerpt).toContain('Pour aller plus loin, lisez');
  });

  it('verifies a link opened in a new tab, which WordPress marks rel="noopener"', async () => {
    const post = await publish('nouvel-onglet', `Lisez ${link(ANCHOR, ' target="_blank"')}.`);
    expect(await html(post.link)).toContain('rel="noopener"');
    const result = await check({ liveUrl: post.link });
    expect(result.ok, result.messages.en).toBe(true);
    expect(result.evidence.link?.rel).toContain('noopener');
  });

  it('verifies a link whose target has a query string (& printed &amp;)', async () => {
    const target = 'https://boutique.example/produit?id=42&ref=blog';
    const post = await publish('cible-avec-parametres', `Lisez <a href="${target.replace('&', '&amp;')}">${ANCHOR}</a>.`);
    const result = await check({ liveUrl: post.link, targetUrl: target });
    expect(result.ok, result.messages.en).toBe(true);
    expect(result.evidence.link?.href).toBe(target);
  });

  it('verifies the live URL given with a #fragment', async () => {
    const post = await publish('avec-fragment', `Voir ${link()}.`);
    const result = await check({ liveUrl: `${post.link}#commentaires`, articleUrl: post.link });
    expect(result.ok, result.messages.en).toBe(true);
  });

  it('verifies an article with a non-Latin slug, however its URL is written', async () => {
    const post = await publish('привет-мир', `Voir ${link()}.`);
    // WordPress stores and prints the slug percent-encoded in lower case
    expect(post.link).toBe(`${wp.baseUrl}/%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82-%d0%bc%d0%b8%d1%80/`);
    const written = [
      post.link,
      `${wp.baseUrl}/привет-мир/`,
      post.link.toUpperCase().replace(wp.baseUrl.toUpperCase(), wp.baseUrl),
    ];
    for (const liveUrl of written) {
      const result = await check({ liveUrl, articleUrl: post.link });
      expect(result.ok, `${liveUrl}: ${result.messages.en}`).toBe(true);
    }
  });

  it('fails on a link to the target with utm parameters, naming them', async () => {
    const post = await publish('lien-utm', `Lisez <a href="${TARGET}?utm_source=blog&amp;utm_medium=article">${ANCHOR}</a>.`);
    const result = await check({ liveUrl: post.link });
    expectFailure(result, 'link_missing', 'link_missing');
    expect(result.evidence.nearMisses[0]).toMatchObject({ anchor: ANCHOR });
    expect(result.evidence.nearMisses[0].href).toContain('utm_source=blog');
    expect(result.evidence.nearMisses[0].differs).toContain('href');
    expect(result.messages.fr).toContain('utm_source');
    expect(result.messages.en).toContain('utm_source');
  });
});

describe('anchors as WordPress prints them', () => {
  // what the publisher types in the editor; what WordPress prints (wptexturize); the anchor ordered
  const cases: { name: string; typed: string; printed: string; ordered?: string }[] = [
    { name: "d'", typed: "le guide d'un expert", printed: 'le guide d&#8217;un expert' },
    {
      name: "l' and qu'",
      typed: "l'essentiel de ce qu'il faut savoir",
      printed: 'l&#8217;essentiel de ce qu&#8217;il faut savoir',
    },
    { name: 'double quotes', typed: 'le "vrai" guide', printed: 'le &#8220;vrai&#8221; guide' },
    { name: 'single quotes', typed: "le 'vrai' guide", printed: 'le &#8216;vrai&#8217; guide' },
    { name: '" - "', typed: 'SEO - le guide', printed: 'SEO &#8211; le guide' },
    { name: '" -- "', typed: 'SEO -- le guide', printed: 'SEO &#8212; le guide' },
    { name: '"..."', typed: 'et la suite...', printed: 'et la suite&#8230;' },
    { name: 'case', typed: "Le Guide D'Un Expert", printed: 'Le Guide D&#8217;Un Expert', ordered: "le guide d'un expert" },
    {
      name: '« » with no-break spaces, ordered with "',
      typed: '«&nbsp;guide SEO&nbsp;»',
      printed: '«&nbsp;guide SEO&nbsp;»',
      ordered: '"guide SEO"',
    },
    {
      name: '« » with narrow no-break spaces, ordered with "',
      typed: '«\u202fguide SEO\u202f»',
      printed: '«\u202fguide SEO\u202f»',
      ordered: '"guide SEO"',
    },
    { name: '« » with spaces, ordered the same', typed: '« guide SEO »', printed: '« guide SEO »' },
    {
      name: '" printed “ ”, ordered with « »',
      typed: '"guide SEO"',
      printed: '&#8220;guide SEO&#8221;',
      ordered: '«\u00a0guide SEO\u00a0»',
    },
    { name: '"x" between numbers', typed: 'tirage photo 10x15', printed: 'tirage photo 10&#215;15' },
    { name: 'inches', typed: 'écran 27"', printed: 'écran 27&#8243;' },
    { name: '(tm)', typed: 'Maillon (tm)', printed: 'Maillon &#8482;' },
    {
      name: 'a no-break space before a colon',
      typed: 'le guide&nbsp;: tout savoir',
      printed: 'le guide&nbsp;: tout savoir',
      ordered: 'le guide : tout savoir',
    },
    { name: '&', typed: 'SEO &amp; SEA', printed: 'SEO &amp; SEA', ordered: 'SEO & SEA' },
    {
      name: 'bold words',
      typed: 'le <strong>guide</strong> SEO',
      printed: 'le <strong>guide</strong> SEO',
      ordered: 'le guide SEO',
    },
    {
      name: 'all at once',
      typed: "L'avis d'expert - « le guide » qu'on attend...",
      printed: 'L&#8217;avis d&#8217;expert &#8211; « le guide » qu&#8217;on attend&#8230;',
    },
  ];

  it.each(cases)('verifies $name, the anchor ordered typed plainly', async ({ name, typed, printed, ordered }) => {
    const post = await publish(`typographie-${cases.findIndex((c) => c.name === name) + 1}`, `Voir ${link(typed)} ici.`);
    expect(await html(post.link)).toContain(`>${printed}</a>`);
    const result = await check({ liveUrl: post.link, anchor: ordered ?? typed });
    expect(result.ok, result.messages.en).toBe(true);
  });

  it('fails on an anchor that differs by an accent, naming the anchor found', async () => {
    const post = await publish('accent-ancre', `Voir ${link('le référencement naturel')}.`);
    const result = await check({ liveUrl: post.link, anchor: 'le referencement naturel' });
    expectFailure(result, 'anchor_mismatch', 'anchor_changed');
    expect(result.messages.fr).toContain('le référencement naturel');
    expect(result.messages.en).toContain('le référencement naturel');
    expect(result.evidence.link?.anchor ?? result.evidence.nearMisses[0]?.anchor).toBe('le référencement naturel');
  });

  it('fails on an anchor that differs by a word, naming the anchor found', async () => {
    const post = await publish('mot-ancre', `Voir ${link("l'avis de l'expert")}.`);
    const result = await check({ liveUrl: post.link, anchor: "l'avis d'un expert" });
    expectFailure(result, 'anchor_mismatch', 'anchor_changed');
    expect(result.messages.fr).toMatch(/l[’']avis de l[’']expert/);
  });
});

describe('rel on the link', () => {
  it.each(['nofollow', 'sponsored', 'ugc'])('fails on rel="%s"', async (rel) => {
    const post = await publish(`rel-${rel}`, `Voir ${link(ANCHOR, ` rel="${rel}"`)}.`);
    const result = await check({ liveUrl: post.link });
    expectFailure(result, rel, 'rel_changed');
    expect(result.evidence.link?.rel).toContain(rel);
  });

  it('fails on a link found only in an approved comment, which WordPress prints rel="nofollow ugc"', async () => {
    const post = await publish('lien-en-commentaire', 'Un article sans le lien.');
    await api.approvedComment(post.id, `Merci ! Voir ${link()}.`);
    const page = await html(post.link);
    expect(page).toMatch(new RegExp(`<a href="${TARGET}" rel="nofollow ugc">${ANCHOR}</a>`));
    const result = await check({ liveUrl: post.link });
    expectFailure(result, 'ugc', 'rel_changed');
    expect(result.evidence.link).toEqual({ href: TARGET, rel: ['nofollow', 'ugc'], anchor: ANCHOR });
    expect(result.messages.fr).toContain('dans les commentaires');
    expect(result.messages.en).toContain('in the comments');
  });

  it('verifies an article whose link a visitor repeated in a comment', async () => {
    const post = await publish('lien-aussi-en-commentaire', `Voir ${link()}.`);
    await api.approvedComment(post.id, `Je confirme : ${link()}.`);
    const result = await check({ liveUrl: post.link });
    expect(result.ok, result.messages.en).toBe(true);
    expect(result.evidence.link).toEqual({ href: TARGET, rel: [], anchor: ANCHOR });
  });
});

describe('an article an anonymous visitor cannot see', () => {
  const gone: [string, (post: Post) => Promise<unknown>][] = [
    ['put back to draft', (post) => api.updatePost(post.id, { status: 'draft' })],
    ['made private', (post) => api.updatePost(post.id, { status: 'private' })],
    ['moved to the trash', (post) => api.trashPost(post.id)],
  ];

  it.each(gone)('fails with HTTP 404 once %s', async (name, change) => {
    const post = await publish(`retire-${gone.findIndex(([n]) => n === name) + 1}`, `Voir ${link()}.`);
    expect((await check({ liveUrl: post.link })).ok).toBe(true);
    await change(post);
    const result = await check({ liveUrl: post.link });
    expectFailure(result, 'http_status', 'http_error');
    expect(result).toMatchObject({ status: 404, transient: false });
  });

  it('fails with HTTP 404 on a scheduled article', async () => {
    const post = await publish('programme-plus-tard', `Voir ${link()}.`, { status: 'future', date: '2099-01-01T10:00:00' });
    expect(post.status).toBe('future');
    const result = await check({ liveUrl: `${wp.baseUrl}/programme-plus-tard/` });
    expectFailure(result, 'http_status', 'http_error');
    expect(result.status).toBe(404);
  });

  it('fails on a password-protected article, saying so', async () => {
    const post = await publish('protege-par-mot-de-passe', `Voir ${link()}.`, { password: 'secret' });
    expect(await html(post.link)).toContain('post-password-form');
    const result = await check({ liveUrl: post.link });
    expectFailure(result, 'link_missing', 'link_missing');
    expect(result.messages.fr).toMatch(/mot de passe/i);
    expect(result.messages.en).toMatch(/password/i);
  });
});

describe('indexing', () => {
  it('fails with noindex when the site discourages search engines (Settings › Reading)', async () => {
    const post = await publish('site-non-indexe', `Voir ${link()}.`);
    await api.settings({ blog_public: 0 });
    try {
      expect(await html(post.link)).toContain("<meta name='robots' content='noindex, nofollow' />");
      const result = await check({ liveUrl: post.link });
      expectFailure(result, 'noindex_meta', 'noindex');
      expect(result.evidence.robots.meta).toContainEqual({ name: 'robots', content: 'noindex, nofollow' });
    } finally {
      await api.settings({ blog_public: 1 });
    }
    expect((await check({ liveUrl: post.link })).ok).toBe(true);
  });

  // what SEO plugins print in the head (Yoast, Rank Math): <meta name="…" content="…">
  const metas: [string, string, string | null, string | null][] = [
    ['robots', 'index, nofollow', 'page_nofollow', 'rel_changed'],
    ['robots', 'none', 'noindex_meta', 'noindex'],
    ['googlebot', 'nofollow', 'page_nofollow', 'rel_changed'],
    ['googlebot', 'noindex', 'noindex_meta', 'noindex'],
    ['bingbot', 'noindex, nofollow', null, null],
  ];
  it.each(metas)('<meta name="%s" content="%s">: %s', async (name, content, rule, outcome) => {
    const index = metas.findIndex(([n, c]) => n === name && c === content) + 1;
    const post = await publish(`meta-robots-${index}`, `Voir ${link()}.`, {
      meta: { maillon_robots_meta: content, maillon_robots_meta_name: name },
    });
    expect(await html(post.link)).toContain(`<meta name="${name}" content="${content}">`);
    const result = await check({ liveUrl: post.link });
    if (rule === null) expect(result.ok, result.messages.en).toBe(true);
    else expectFailure(result, rule, outcome!);
    expect(result.evidence.robots.meta).toContainEqual({ name, content });
  });

  const headers: [string, string | null, string | null][] = [
    ['nofollow', 'page_nofollow', 'rel_changed'],
    ['noindex', 'noindex_header', 'noindex'],
    ['none', 'noindex_header', 'noindex'],
    ['googlebot: nofollow', 'page_nofollow', 'rel_changed'],
    ['bingbot: noindex, nofollow', null, null],
  ];
  it.each(headers)('X-Robots-Tag: %s: %s', async (header, rule, outcome) => {
    const post = await publish(`x-robots-tag-${headers.findIndex(([h]) => h === header) + 1}`, `Voir ${link()}.`, {
      meta: { maillon_x_robots: header },
    });
    expect((await fetch(post.link)).headers.get('x-robots-tag')).toBe(header);
    const result = await check({ liveUrl: post.link });
    if (rule === null) expect(result.ok, result.messages.en).toBe(true);
    else expectFailure(result, rule, outcome!);
    expect(result.evidence.robots.header).toContain(header);
  });

  it('fails when robots.txt disallows Googlebot for the article', async () => {
    const post = await publish('interdit-a-google', `Voir ${link()}.`);
    expect(await html(`${wp.baseUrl}/robots.txt`)).toContain('Disallow: /interdit-a-google/');
    const result = await check({ liveUrl: post.link });
    expectFailure(result, 'robots_txt_disallow', 'noindex');
    expect(result.evidence.robots.robotsTxt).toBe('disallowed');
  });

  it('verifies when robots.txt disallows only Bingbot', async () => {
    const post = await publish('interdit-a-bing', `Voir ${link()}.`);
    const result = await check({ liveUrl: post.link });
    expect(result.ok, result.messages.en).toBe(true);
    expect(result.evidence.robots.robotsTxt).toBe('allowed');
  });

  it('verifies a relative canonical that is the article itself', async () => {
    const post = await publish('canonique-relative', `Voir ${link()}.`, { meta: { maillon_canonical: '/canonique-relative/' } });
    expect(await html(post.link)).toContain('<link rel="canonical" href="/canonique-relative/" />');
    const result = await check({ liveUrl: post.link });
    expect(result.ok, result.messages.en).toBe(true);
  });

  it('fails when the canonical points to another article, naming it', async () => {
    const other = await publish('article-canonique', 'Le texte repris ailleurs.');
    const post = await publish('canonique-ailleurs', `Voir ${link()}.`, { meta: { maillon_canonical: other.link } });
    expect(await html(post.link)).toContain(`<link rel="canonical" href="${other.link}" />`);
    const result = await check({ liveUrl: post.link });
    expectFailure(result, 'canonical_elsewhere', 'canonical_elsewhere');
    expect(result.evidence.canonical).toBe(other.link);
    expect(result.messages.fr).toContain(other.link);
  });
});

describe('redirects and the article bought', () => {
  it('verifies an article whose slug changed, through the 301 WordPress sends from the old URL', async () => {
    const post = await publish('ancien-titre', `Voir ${link()}.`);
    const moved = await api.updatePost(post.id, { slug: 'titre-revu' });
    expect(moved.link).toBe(`${wp.baseUrl}/titre-revu/`);

    const result = await check({ liveUrl: post.link });
    expect(result.ok, result.messages.en).toBe(true);
    expect(result.finalUrl).toBe(moved.link);
    expect(result.evidence.redirects).toEqual([{ from: post.link, to: moved.link, status: 301 }]);

    // the publisher gives the new URL of the article bought under its old one
    expect((await check({ liveUrl: moved.link, articleUrl: post.link })).ok).toBe(true);
  });

  it('verifies the short link ?p=ID and the URL without its trailing slash, which WordPress redirects to the article', async () => {
    const post = await publish('lien-court', `Voir ${link()}.`);
    for (const liveUrl of [`${wp.baseUrl}/?p=${post.id}`, `${wp.baseUrl}/lien-court`]) {
      const result = await check({ liveUrl, articleUrl: post.link });
      expect(result.ok, result.messages.en).toBe(true);
      expect(result.evidence.redirects).toEqual([{ from: liveUrl, to: post.link, status: 301 }]);
    }
  });

  // WordPress serves these variants of the article's URL as the article itself, 200 with no redirect,
  // its canonical naming the article: a publisher pasting a newsletter's or a share's URL gave the
  // article bought (tracking parameters do not count; a path's case does only when the page does
  // not name the article as its canonical).
  const variants: [string, (url: string) => string][] = [
    ['with tracking parameters (?utm_source=…)', (url) => `${url}?utm_source=newsletter&utm_medium=email`],
    ['with capitals in its path', (url) => url.replace('/avec-variante-', '/Avec-Variante-')],
  ];
  it.each(variants)('verifies the article given %s, which WordPress serves as it is', async (name, variant) => {
    const post = await publish(`avec-variante-${variants.findIndex(([n]) => n === name) + 1}`, `Voir ${link()}.`);
    const liveUrl = variant(post.link);
    const response = await fetch(liveUrl, { redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`<link rel="canonical" href="${post.link}" />`);
    const result = await check({ liveUrl, articleUrl: post.link });
    expect(result.ok, result.messages.en).toBe(true);
  });

  it('fails on another article of the site than the one bought, naming the page reached', async () => {
    const bought = await publish('article-achete', 'Un article sans le lien.');
    const other = await publish('autre-article', `Voir ${link()}.`);
    const result = await check({ liveUrl: other.link, articleUrl: bought.link });
    expectFailure(result, 'wrong_page', 'redirected_off_site');
    expect(result.messages.fr).toContain(other.link);
    expect(result.messages.en).toContain(other.link);
  });

  it('fails on an article redirected to the home page', async () => {
    const post = await publish('vers-accueil', `Voir ${link()}.`, { meta: { maillon_redirect: `${wp.baseUrl}/` } });
    const result = await check({ liveUrl: post.link });
    expectFailure(result, 'wrong_page', 'redirected_off_site');
    expect(result.finalUrl).toBe(`${wp.baseUrl}/`);
  });

  it('fails on the editor URL, which sends a visitor to the sign-in page', async () => {
    const post = await publish('url-editeur', `Voir ${link()}.`);
    const result = await check({ liveUrl: `${wp.baseUrl}/wp-admin/post.php?post=${post.id}&action=edit`, articleUrl: post.link });
    expectFailure(result, 'wrong_page', 'redirected_off_site');
    expect(result.finalUrl).toContain('/wp-login.php');
    expect(result.messages.fr).toMatch(/page de connexion/);
    expect(result.messages.en).toMatch(/sign-in page/i);
  });

  it('fails on an article redirected to another host, even one carrying the link, naming it', async () => {
    const post = await publish('redirige-ailleurs', `Voir ${link()}.`, {
      meta: { maillon_redirect: `${offSiteOrigin}/article` },
    });
    const result = await check({ liveUrl: post.link });
    expectFailure(result, 'off_site_redirect', 'redirected_off_site');
    expect(result.evidence.redirects[0]).toEqual({ from: post.link, to: `${offSiteOrigin}/article`, status: 301 });
    expect(result.messages.fr).toContain(offSiteOrigin.replace('http://', ''));
  });

  it('fails when a redirect leaves the site and comes back to it', async () => {
    const landing = await publish('retour-sur-le-site', `Voir ${link()}.`);
    const post = await publish('detour-ailleurs', `Voir ${link()}.`, {
      meta: { maillon_redirect: `${offSiteOrigin}/retour?to=${encodeURIComponent(landing.link)}` },
    });
    const result = await check({ liveUrl: post.link, articleUrl: post.link });
    expectFailure(result, 'off_site_redirect', 'redirected_off_site');
  });
});

describe('a site that fails for a while', () => {
  it('verifies after two 503 answers, retried', async () => {
    const post = await publish('indisponible-un-moment', `Voir ${link()}.`, { meta: { maillon_unavailable: '2' } });
    const result = await check({ liveUrl: post.link }, { retryDelaysMs: [10, 20, 40] });
    expect(result.ok, result.messages.en).toBe(true);
    expect(result.evidence.attempts).toBe(3);
  });

  it('fails as transient on a site in maintenance mode, after the retries', async () => {
    const post = await publish('site-en-maintenance', `Voir ${link()}.`);
    const flag = join(wp.docroot, '.maintenance');
    writeFileSync(flag, `<?php $upgrading = ${Math.floor(Date.now() / 1000)};\n`);
    try {
      const response = await fetch(post.link);
      expect(response.status).toBe(503);
      const result = await check({ liveUrl: post.link });
      expectFailure(result, 'http_status', 'http_error');
      expect(result).toMatchObject({ status: 503, transient: true });
      expect(result.evidence.attempts).toBe(3);
    } finally {
      rmSync(flag, { force: true });
    }
  });
});
