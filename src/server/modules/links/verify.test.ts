import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isPublicAddress } from './address.js';
import { comparableAnchor, foldTypography } from './typography.js';
import { isOnSite } from './url.js';
import {
  normalizeUrl,
  outcomeLabels,
  outcomeOfRule,
  ruleLabels,
  verifyLink,
  type FailedRule,
  type LinkExpectation,
  type VerificationResult,
  type VerifyOptions,
} from './verify.js';

// Articles served by the test itself on 127.0.0.1; each route answers one scenario. The pages of
// the newer scenarios have the shapes WordPress (with Yoast) produces: wptexturize'd text, a
// robots meta tag, a canonical link, REST API and shortlink Link headers, comments sections.
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const TARGET = 'https://www.client-shop.fr/chaussures/';
const ANCHOR = 'Chaussures de randonnée';

function article(body: string, head = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Article</title>${head}</head>
<body><header><a href="/">Accueil</a> <a href="/contact">Contact</a></header>
<main><p>Un paragraphe.</p>${body}</main></body></html>`;
}

/** A post as WordPress 6 with Twenty Twenty-Three and Yoast renders it (the parts that matter). */
function wordpress(
  path: string,
  body: string,
  options: { head?: string; robots?: string; comments?: string; title?: string; canonical?: string } = {},
): Handler {
  return (req, res) => {
    const self = `http://${req.headers.host}${path}`;
    const robots = options.robots ?? 'index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1';
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=UTF-8',
      Link: [
        `<http://${req.headers.host}/wp-json/>; rel="https://api.w.org/"`,
        `<http://${req.headers.host}/?p=42>; rel=shortlink`,
      ].join(', '),
    });
    res.end(`<!DOCTYPE html>
<html lang="fr-FR"><head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name='robots' content='${robots}' />
<title>${options.title ?? 'Bien choisir ses chaussures'} &#8211; Le blog rando</title>
<link rel="canonical" href="${options.canonical ?? self}" />
<meta name="generator" content="WordPress 6.4.2" />
<link rel="https://api.w.org/" href="http://${req.headers.host}/wp-json/" />
${options.head ?? ''}
</head>
<body class="post-template-default single single-post postid-42 single-format-standard wp-embed-responsive">
<div class="wp-site-blocks">
<header class="wp-block-template-part"><nav class="wp-block-navigation"><a class="wp-block-navigation-item__content" href="/">Accueil</a><a class="wp-block-navigation-item__content" href="/a-propos/">À propos</a></nav></header>
<main class="wp-block-group">
<h1 class="wp-block-post-title">${options.title ?? 'Bien choisir ses chaussures'}</h1>
<div class="entry-content wp-block-post-content">
<p>Avant de partir en montagne, il faut s&#8217;équiper.</p>
${body}
<p>Bonne route&nbsp;!</p>
</div>
${options.comments ?? ''}
</main>
<footer class="wp-block-template-part"><p>Fièrement propulsé par <a href="https://wordpress.org" rel="nofollow">WordPress</a></p></footer>
</div></body></html>`);
  };
}

function html(body: string, headers: http.OutgoingHttpHeaders = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
    res.end(body);
  };
}

function redirect(status: number, location: string): Handler {
  return (_req, res) => {
    res.writeHead(status, { Location: location });
    res.end();
  };
}

function status(code: number): Handler {
  return (_req, res) => {
    res.writeHead(code, { 'Content-Type': 'text/html' });
    res.end(`<h1>${code}</h1>`);
  };
}

const link = `<p>Voir nos <a href="${TARGET}">${ANCHOR}</a> pour la montagne.</p>`;

// Where the off-site redirect goes: another host (another port) that carries the link too.
let otherServer: http.Server;
let otherOrigin: string;

const commentsSection = `<div class="wp-block-comments">
<h2 class="wp-block-comments-title">Un commentaire sur &laquo;&nbsp;Bien choisir&nbsp;&raquo;</h2>
<ol class="wp-block-comment-template"><li id="comment-2" class="comment even thread-even depth-1">
<article id="div-comment-2" class="comment-body"><footer class="comment-meta"><div class="comment-author vcard">
<b class="fn"><a href="https://jean.example/" class="url" rel="ugc external nofollow">Jean</a></b></div></footer>
<div class="comment-content"><p>Merci&nbsp;! J&#8217;ajoute <a href="${TARGET}" rel="nofollow ugc">${ANCHOR}</a>, très bien.</p></div>
</article></li></ol>
<div id="respond" class="comment-respond"><form action="/wp-comments-post.php" method="post" id="commentform"><textarea name="comment"></textarea></form></div>
</div>`;

const signInPage = `<!DOCTYPE html><html lang="fr-FR"><head><meta charset="UTF-8" /><title>Se connecter &lsaquo; Le blog rando &#8212; WordPress</title>
<meta name='robots' content='max-image-preview:large, noindex, noarchive' /></head>
<body class="login no-js login-action-login wp-core-ui"><div id="login"><h1><a href="https://wordpress.org/">Propulsé par WordPress</a></h1>
<form name="loginform" id="loginform" action="/wp-login.php" method="post">
<p><label for="user_login">Identifiant ou adresse e-mail</label><input type="text" name="log" id="user_login" /></p>
<div class="user-pass-wrap"><label for="user_pass">Mot de passe</label><input type="password" name="pwd" id="user_pass" /></div>
<p class="submit"><input type="submit" name="wp-submit" id="wp-submit" value="Se connecter" /></p></form></div></body></html>`;

const ROBOTS_TXT = `# Robots of the test site
User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php

User-agent: Googlebot
Disallow: /wp-admin/
Disallow: /prive-google/

User-agent: Bingbot
Disallow: /cache-bing/

Sitemap: http://127.0.0.1/wp-sitemap.xml
`;

let robotsMode: 'rules' | 'missing' | 'broken' = 'rules';
let flakyAnswers = 0;

const routes: Record<string, Handler> = {
  '/': wordpress('/', link, { title: 'Le blog rando' }),
  '/good': html(article(link)),
  '/nofollow': html(article(`<a rel="nofollow" href="${TARGET}">${ANCHOR}</a>`)),
  '/sponsored': html(article(`<a rel="Sponsored noopener" href="${TARGET}">${ANCHOR}</a>`)),
  '/ugc': html(article(`<a rel="UGC" href="${TARGET}">${ANCHOR}</a>`)),
  '/one-clean-suffices': html(
    article(`<a rel="nofollow" href="${TARGET}">${ANCHOR}</a> <a rel="noopener" href="${TARGET}">${ANCHOR}</a>`),
  ),
  '/noindex-meta': html(article(`<a href="${TARGET}">${ANCHOR}</a>`, '<meta name=robots content="noindex, follow">')),
  '/noindex-header': html(article(`<a href="${TARGET}">${ANCHOR}</a>`), { 'X-Robots-Tag': 'noindex' }),
  '/noindex-header-googlebot': (_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.setHeader('X-Robots-Tag', ['noarchive', 'bingbot: nosnippet', 'GoogleBot: NoIndex, nofollow']);
    res.end(article(`<a href="${TARGET}">${ANCHOR}</a>`));
  },
  '/other-bot-noindex': html(article(`<a href="${TARGET}">${ANCHOR}</a>`), { 'X-Robots-Tag': 'bingbot: noindex' }),
  '/missing': html(article('<p>Pas de lien ici.</p> <a href="https://ailleurs.fr/">Ailleurs</a>')),
  '/wrong-anchor': html(article(`<a href="${TARGET}">cliquez ici</a>`)),
  '/accent-differs': html(article(`<a href="${TARGET}">Chaussures de randonnee</a>`)),
  '/case-and-spaces': html(article(`<a href="http://client-shop.fr/chaussures#top">\n  CHAUSSURES   de <b>Randonnée</b> </a>`)),
  '/image-link': html(article(`<a href="${TARGET}"><img src="/x.png" alt="${ANCHOR}"></a>`)),
  '/relative/article': html(article(`<a href="../chaussures/">${ANCHOR}</a>`, '<base href="https://www.client-shop.fr/blog/">')),
  '/same-site/article': html(article(`<a href="../chaussures">${ANCHOR}</a>`)),
  '/latin1': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=iso-8859-1' });
    res.end(Buffer.from(article(`<a href="${TARGET}">${ANCHOR}</a>`), 'latin1'));
  },
  '/chain/1': redirect(301, '/chain/2'),
  '/chain/2': redirect(302, '/good'),
  '/to-ftp': redirect(302, 'ftp://example.com/file'),
  '/to-credentials': (req, res) => redirect(302, `http://admin:secret@${req.headers.host}/good`)(req, res),
  '/not-found': (_req, res) => {
    res.writeHead(404, { 'Content-Type': 'text/html' });
    res.end('<h1>Not found</h1>');
  },
  '/crash': status(500),
  '/pdf': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/pdf' });
    res.end('%PDF-1.4');
  },
  '/huge': (_req, res) => {
    // Chunked, no Content-Length: the cap must be enforced while streaming.
    res.writeHead(200, { 'Content-Type': 'text/html' });
    const chunk = `<p>${'x'.repeat(16 * 1024)}</p>`;
    let sent = 0;
    const pump = () => {
      while (sent < 64 && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  },
  '/slow': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.write('<html><body><p>Chargement…');
    // Never ends: the client's deadline must cut it.
  },

  // WordPress shapes.
  '/wp/article': wordpress('/wp/article', link),
  '/wp/texturized': wordpress(
    '/wp/texturized',
    `<p>Lisez <a href="${TARGET}">L&#8217;art d&#8217;aimer la marche &#8211; ce qu&#8217;il faut savoir&#8230;</a> avant l&#8217;été.</p>`,
  ),
  '/wp/guillemets': wordpress(
    '/wp/guillemets',
    `<p>Notre <a href="${TARGET}">&laquo;&nbsp;guide des chaussures&nbsp;&raquo;</a> et le <a href="https://www.client-shop.fr/sacs/">&#171;&#8239;top sacs&#8239;&#187;</a>.</p>`,
  ),
  '/wp/plain': wordpress('/wp/plain', `<p>Lisez <a href="${TARGET}">L'art d'aimer la marche - ce qu'il faut savoir...</a>.</p>`),
  '/wp/yoast-nofollow': wordpress('/wp/yoast-nofollow', link, { robots: 'index, nofollow' }),
  '/wp/discouraged': wordpress('/wp/discouraged', link, { robots: 'noindex, nofollow' }),
  '/wp/robots-none': wordpress('/wp/robots-none', link, { robots: 'none' }),
  '/wp/googlebot-nofollow': wordpress('/wp/googlebot-nofollow', link, { head: '<meta name="googlebot" content="nofollow">' }),
  '/wp/bingbot-nofollow': wordpress('/wp/bingbot-nofollow', link, { head: '<meta name="bingbot" content="nofollow, noindex">' }),
  '/wp/header-nofollow': withHeader(wordpress('/wp/header-nofollow', link), 'X-Robots-Tag', 'nofollow'),
  '/wp/header-none': withHeader(wordpress('/wp/header-none', link), 'X-Robots-Tag', 'none'),
  '/wp/header-googlebot-nofollow': withHeader(wordpress('/wp/header-googlebot-nofollow', link), 'X-Robots-Tag', [
    'noarchive',
    'googlebot: nofollow',
  ]),
  '/wp/header-bingbot-nofollow': withHeader(
    wordpress('/wp/header-bingbot-nofollow', link),
    'X-Robots-Tag',
    'bingbot: nofollow, noindex',
  ),
  '/wp/only-in-comments': wordpress('/wp/only-in-comments', '<p>Rien dans l&#8217;article.</p>', { comments: commentsSection }),
  '/wp/body-and-comments': wordpress('/wp/body-and-comments', link, { comments: commentsSection }),
  '/wp/utm': wordpress('/wp/utm', `<p>Voir nos <a href="${TARGET}?utm_source=blog&amp;utm_medium=article">${ANCHOR}</a>.</p>`),
  '/wp/other-page': wordpress('/wp/other-page', `<p>Voir <a href="https://client-shop.fr/">la boutique</a>.</p>`),
  '/wp/anchor-instead': wordpress('/wp/anchor-instead', `<p>Voir <a href="${TARGET}">cette boutique</a>.</p>`),
  '/wp/other-article': wordpress('/wp/other-article', link, { title: 'Un autre article' }),
  '/wp/old-article': redirect(301, '/wp/new-article'),
  '/wp/new-article': wordpress('/wp/new-article', link, { title: 'Le nouvel article' }),
  '/wp/moved-to-other': redirect(301, '/wp/other-article'),
  '/wp/deleted-to-home': redirect(301, '/'),
  '/wp/members-only': (_req, res) => redirect(302, '/wp-login.php?redirect_to=%2Fwp%2Fmembers-only&reauth=1')(_req, res),
  '/wp/protected': wordpress(
    '/wp/protected',
    `<form action="/wp-login.php?action=postpass" class="post-password-form" method="post"><p>Ce contenu est protégé par un mot de passe.</p>
<p><label for="pwbox-42">Mot de passe&nbsp;: <input name="post_password" id="pwbox-42" type="password" size="20" /></label> <input type="submit" name="Submit" value="Valider" /></p></form>`,
  ),
  '/wp-login.php': html(signInPage),
  '/connexion/': html(signInPage.replace('/wp-login.php', '/connexion/')),
  '/wp/members-custom': redirect(302, '/connexion/?redirect_to=%2Fwp%2Fmembers-custom'),
  '/wp/old-with-widget': redirect(301, '/wp/new-with-widget'),
  '/wp/new-with-widget': wordpress('/wp/new-with-widget', link, {
    comments:
      '<aside class="widget"><form action="/wp-login.php" method="post"><input name="log"><input type="password" name="pwd"></form></aside>',
  }),
  '/wp/to-other-host': (req, res) => redirect(301, `${otherOrigin}/good`)(req, res),
  // WordPress answers a URL with tracking parameters, or with capitals in its path, with the
  // article itself (200, no redirect), its canonical naming the clean URL.
  '/wp/tracked/': wordpress('/wp/tracked/', link),
  '/wp/Mixed-Case/': wordpress('/wp/Mixed-Case/', link, { canonical: '/wp/mixed-case/' }),
  '/wp/Own-Case/': wordpress('/wp/Own-Case/', link),
  '/wp/canonical-elsewhere': wordpress('/wp/canonical-elsewhere', link, { canonical: '/wp/the-original/' }),
  '/wp/canonical-header': withHeader(html(article(link)), 'Link', '<https://127.0.0.1/wp/the-original/>; rel="canonical"'),
  '/wp/canonical-variant': (req, res) =>
    html(article(link, `<link rel="canonical" href="https://${req.headers.host}/wp/canonical-variant/">`), {
      Link: `<http://${req.headers.host}/wp/canonical-variant>; rel="canonical"`,
    })(req, res),
  '/prive-google/article': wordpress('/prive-google/article', link),
  '/cache-bing/article': wordpress('/cache-bing/article', link),
  '/robots.txt': (req, res) => {
    if (robotsMode === 'missing') return status(404)(req, res);
    if (robotsMode === 'broken') return status(500)(req, res);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(ROBOTS_TXT);
  },

  // Retries.
  '/flaky': (req, res) => (++flakyAnswers <= 2 ? status(503)(req, res) : html(article(link))(req, res)),
  '/down': status(503),
};

function withHeader(handler: Handler, name: string, value: string | string[]): Handler {
  return (req, res) => {
    res.setHeader(name, value);
    handler(req, res);
  };
}

let server: http.Server;
let origin: string;
let site: string;
let requestsSeen = 0;
let authorizationsSeen = 0;
const pathsSeen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requestsSeen++;
    if (req.headers.authorization) authorizationsSeen++;
    const url = new URL(req.url ?? '/', 'http://x');
    pathsSeen.push(url.pathname);
    const loop = /^\/loop\/(\d+)$/.exec(url.pathname);
    if (loop) return redirect(302, `/loop/${Number(loop[1]) + 1}`)(req, res);
    if (url.pathname === '/anchor')
      return wordpress(`/anchor${url.search}`, `<p>Voir <a href="${TARGET}">${url.searchParams.get('html')}</a>.</p>`)(req, res);
    const handler = routes[url.pathname];
    if (handler) return handler(req, res);
    res.writeHead(404).end();
  });
  otherServer = http.createServer((req, res) => html(article(link))(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => otherServer.listen(0, '127.0.0.1', resolve));
  site = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  origin = `http://${site}`;
  otherOrigin = `http://127.0.0.1:${(otherServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of [server, otherServer]) {
    s.closeAllConnections();
    await new Promise<void>((resolve, reject) => s.close((error) => (error ? reject(error) : resolve())));
  }
});

beforeEach(() => {
  requestsSeen = 0;
  pathsSeen.length = 0;
  robotsMode = 'rules';
  flakyAnswers = 0;
});

const local: VerifyOptions = { allowPrivate: true, timeoutMs: 5_000, retryDelaysMs: [5, 10, 20] };

function check(path: string, options: Partial<VerifyOptions> = {}, expectation: Partial<LinkExpectation> = {}) {
  return verifyLink(
    {
      liveUrl: `${origin}${path}`,
      articleUrl: expectation.articleUrl ?? `${origin}${path}`,
      siteDomain: site,
      targetUrl: TARGET,
      anchor: ANCHOR,
      ...expectation,
    },
    { ...local, ...options },
  );
}

function expectFailure(result: VerificationResult, rule: FailedRule) {
  expect(result.ok ? 'ok' : `${result.rule}: ${result.messages.en}`).toMatch(new RegExp(`^${rule}: `));
  expect(result.outcome).toBe(outcomeOfRule[rule]);
  expect(Date.parse(result.checkedAt)).not.toBeNaN();
  // The English message starts with the rule's label, the French one too, each in its language.
  expect(result.messages.en.startsWith(ruleLabels[rule].en)).toBe(true);
  expect(result.messages.fr.startsWith(ruleLabels[rule].fr)).toBe(true);
  expectFrenchOnly(result.messages.fr);
}

function expectOk(result: VerificationResult) {
  expect(result.ok ? 'ok' : `${result.rule}: ${result.messages.en}`).toBe('ok');
  expect(result).toMatchObject({ outcome: 'ok', rule: null, transient: false });
}

/** No English word in the French message (URLs, tags and robots.txt lines quoted aside). */
function expectFrenchOnly(fr: string) {
  const prose = fr
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/« [^»]* »/g, ' ');
  expect(prose).not.toMatch(
    /\b(the|expected|links?|found|not|instead|which|answers?|redirects?|among|page is|anchor|after|attempts?)\b/i,
  );
}

describe('verifyLink', () => {
  it('passes on a followed link with the anchor, on an indexable page', async () => {
    const result = await check('/good');
    expect(result).toEqual({
      ok: true,
      outcome: 'ok',
      rule: null,
      messages: { fr: expect.stringContaining('Lien vérifié'), en: expect.stringContaining('Link verified') },
      transient: false,
      finalUrl: `${origin}/good`,
      status: 200,
      checkedAt: expect.any(String),
      evidence: expect.objectContaining({ startUrl: `${origin}/good`, finalUrl: `${origin}/good`, status: 200, attempts: 1 }),
    });
  });

  it('refuses a nofollow link', async () => {
    expectFailure(await check('/nofollow'), 'nofollow');
  });

  it('refuses a sponsored link (rel tokens in any case)', async () => {
    expectFailure(await check('/sponsored'), 'sponsored');
  });

  it('refuses a ugc link', async () => {
    expectFailure(await check('/ugc'), 'ugc');
  });

  it('passes when one of several matching links is followed', async () => {
    expectOk(await check('/one-clean-suffices'));
  });

  it('refuses a page with <meta name=robots content="noindex, follow">', async () => {
    const result = await check('/noindex-meta');
    expectFailure(result, 'noindex_meta');
    expect(result).toMatchObject({ finalUrl: `${origin}/noindex-meta`, status: 200, outcome: 'noindex' });
  });

  it('refuses a page with an X-Robots-Tag: noindex header', async () => {
    expectFailure(await check('/noindex-header'), 'noindex_header');
  });

  it('reads every X-Robots-Tag header, including the "googlebot: noindex" form', async () => {
    const result = await check('/noindex-header-googlebot');
    expectFailure(result, 'noindex_header');
    expect(result.evidence.robots.header).toEqual(['noarchive', 'bingbot: nosnippet', 'GoogleBot: NoIndex, nofollow']);
  });

  it("ignores another crawler's noindex", async () => {
    expectOk(await check('/other-bot-noindex'));
  });

  it('reports a missing link with the number of links the page has', async () => {
    const result = await check('/missing');
    expectFailure(result, 'link_missing');
    expect(result.messages.en).toContain('none of the 3 links');
    expect(result.messages.fr).toContain('aucun des 3 liens');
    expect(result.evidence).toMatchObject({ link: null, nearMisses: [] });
    // No link: the excerpt is the first text of the main content.
    expect(result.evidence.excerpt).toBe('Un paragraphe. Pas de lien ici. Ailleurs');
  });

  it('reports a wrong anchor with the anchor found instead', async () => {
    const result = await check('/wrong-anchor');
    expectFailure(result, 'anchor_mismatch');
    expect(result.outcome).toBe('anchor_changed');
    expect(result.messages.fr).toContain('« cliquez ici » au lieu de « Chaussures de randonnée »');
    expect(result.messages.en).toContain('"cliquez ici" instead of "Chaussures de randonnée"');
    expect(result.messages.fr).not.toMatch(/Expected|links|found/);
    expect(result.evidence.link).toEqual({ href: TARGET, rel: [], anchor: 'cliquez ici' });
    expect(result.evidence.nearMisses).toEqual([{ href: TARGET, rel: [], anchor: 'cliquez ici', differs: ['anchor'] }]);
  });

  it('keeps accents significant in the anchor', async () => {
    expectFailure(await check('/accent-differs'), 'anchor_mismatch');
  });

  it('compares anchors case-insensitively with collapsed whitespace, and URLs leniently', async () => {
    expectOk(await check('/case-and-spaces'));
  });

  it("takes an image link's alt text as its anchor", async () => {
    expectOk(await check('/image-link'));
  });

  it('resolves a relative href against <base href>', async () => {
    expectOk(await check('/relative/article'));
  });

  it('resolves a relative href against the page URL', async () => {
    expectOk(await check('/same-site/article', {}, { targetUrl: `${origin}/chaussures/` }));
  });

  it('decodes the charset the page declares', async () => {
    expectOk(await check('/latin1'));
  });

  it('follows a 301 → 302 → 200 chain on the site, reports where it ended and records each hop', async () => {
    const result = await check('/chain/1');
    expectOk(result);
    expect(result).toMatchObject({ finalUrl: `${origin}/good`, status: 200 });
    expect(result.evidence.redirects).toEqual([
      { from: `${origin}/chain/1`, to: `${origin}/chain/2`, status: 301 },
      { from: `${origin}/chain/2`, to: `${origin}/good`, status: 302 },
    ]);
  });

  it('stops after maxRedirects', async () => {
    const result = await check('/loop/0');
    expectFailure(result, 'too_many_redirects');
    expect(requestsSeen).toBe(6); // the first request and 5 redirects followed
    expect(result.transient).toBe(false);
    expectFailure(await check('/chain/1', { maxRedirects: 1 }), 'too_many_redirects');
  });

  it('refuses a redirect to a non-http URL', async () => {
    expectFailure(await check('/to-ftp'), 'invalid_url');
  });

  it('reports a 404 with its status, at once: not transient, not retried', async () => {
    const result = await check('/not-found');
    expectFailure(result, 'http_status');
    expect(result).toMatchObject({ status: 404, finalUrl: `${origin}/not-found`, transient: false, outcome: 'http_error' });
    expect(result.evidence.attempts).toBe(1);
    expect(result.messages.fr).toContain('répond HTTP 404');
    expect(pathsSeen).toEqual(['/not-found']);
  });

  it('reports a 500 with its status after retrying it', async () => {
    const result = await check('/crash');
    expectFailure(result, 'http_status');
    expect(result).toMatchObject({ status: 500, transient: true });
    expect(result.evidence.attempts).toBe(4);
  });

  it('refuses a page that is not HTML', async () => {
    const result = await check('/pdf');
    expectFailure(result, 'not_html');
    expect(result.messages.fr).toContain('application/pdf');
  });

  it('stops reading past maxBytes', async () => {
    const result = await check('/huge', { maxBytes: 64 * 1024 });
    expectFailure(result, 'too_large');
    expect(result.transient).toBe(false);
  });

  it('gives up on a page that never finishes, after retrying it: a transient failure', async () => {
    const result = await check('/slow', { timeoutMs: 300 });
    expectFailure(result, 'timeout');
    expect(result).toMatchObject({ transient: true, outcome: 'unreachable' });
    expect(result.evidence.attempts).toBe(4);
    expect(result.messages.fr).toContain('après 4 tentatives');
  });

  it('refuses a loopback IP without connecting to it', async () => {
    const result = await check('/good', { allowPrivate: false });
    expectFailure(result, 'private_address');
    expect(result).toMatchObject({ finalUrl: null, status: null, transient: false });
    expect(requestsSeen).toBe(0);
  });

  it('refuses a host name resolving to loopback without connecting to it', async () => {
    const port = new URL(origin).port;
    const liveUrl = `http://localhost:${port}/good`;
    const result = await verifyLink(
      { liveUrl, articleUrl: liveUrl, siteDomain: `localhost:${port}`, targetUrl: TARGET, anchor: ANCHOR },
      { allowPrivate: false, timeoutMs: 5_000 },
    );
    expectFailure(result, 'private_address');
    expect(requestsSeen).toBe(0);
  });

  it('refuses a URL with credentials instead of sending them as Basic auth', async () => {
    const withCredentials = `${origin.replace('http://', 'http://admin:secret@')}/good`;
    const result = await check('/good', {}, { liveUrl: withCredentials, articleUrl: withCredentials });
    expectFailure(result, 'invalid_url');
    expect(JSON.stringify(result)).not.toContain('secret');
    expect(requestsSeen).toBe(0);
    const redirected = await check('/to-credentials');
    expectFailure(redirected, 'invalid_url');
    expect(JSON.stringify(redirected)).not.toContain('secret');
    expect(requestsSeen).toBe(1);
    expect(authorizationsSeen).toBe(0);
  });

  it('refuses an ftp:// URL', async () => {
    const result = await check('/good', {}, { liveUrl: 'ftp://example.com/article' });
    expectFailure(result, 'invalid_url');
  });

  it('refuses a target or an article that is not an http(s) URL, without fetching anything', async () => {
    expectFailure(await check('/good', {}, { targetUrl: 'javascript:alert(1)' }), 'invalid_url');
    const article = await check('/good', {}, { articleUrl: 'pas-une-url' });
    expectFailure(article, 'invalid_url');
    expect(article.messages.fr).toContain("l'article acheté");
    expect(requestsSeen).toBe(0);
  });

  it('has a French and an English label for every rule and every outcome, and an outcome for every rule', () => {
    for (const label of [...Object.values(ruleLabels), ...Object.values(outcomeLabels)]) {
      expect(label.fr).not.toBe('');
      expect(label.en).not.toBe('');
    }
    expect(Object.keys(outcomeOfRule).sort()).toEqual(Object.keys(ruleLabels).sort());
    expect(outcomeOfRule).toMatchObject({
      page_nofollow: 'rel_changed',
      robots_txt_disallow: 'noindex',
      wrong_page: 'redirected_off_site',
      off_site_redirect: 'redirected_off_site',
      canonical_elsewhere: 'canonical_elsewhere',
      not_html: 'http_error',
      network_error: 'unreachable',
    });
  });
});

describe('verifyLink on WordPress-shaped pages', () => {
  it('passes a stock WordPress post (Yoast robots meta, self canonical, REST and shortlink Link headers)', async () => {
    const result = await check('/wp/article');
    expectOk(result);
    expect(result.evidence).toMatchObject({
      canonical: `${origin}/wp/article`,
      robots: { meta: [{ name: 'robots', content: expect.stringContaining('index, follow') }], header: [], robotsTxt: 'allowed' },
    });
  });

  it('records the evidence: the link, a sha256 of the content, the text around the link', async () => {
    const { evidence } = await check('/wp/article');
    expect(evidence.link).toEqual({ href: TARGET, rel: [], anchor: ANCHOR });
    expect(evidence.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(evidence.excerpt).toContain(`Voir nos ${ANCHOR} pour la montagne.`);
    expect(evidence.excerpt).toContain('s’équiper');
    expect(evidence.excerpt!.length).toBeLessThanOrEqual(310);
    expect(evidence.excerpt).not.toContain('<');
    expect(evidence).toMatchObject({ startUrl: `${origin}/wp/article`, redirects: [], attempts: 1, nearMisses: [] });
  });

  it('gives the same hash for the same content and another one when it changes', async () => {
    const a = await check('/wp/article');
    const b = await check('/wp/article');
    const c = await check('/wp/plain');
    expect(a.evidence.contentHash).toBe(b.evidence.contentHash);
    expect(c.evidence.contentHash).not.toBe(a.evidence.contentHash);
  });

  describe('anchors through wptexturize', () => {
    it('verifies a texturized anchor (’ – …) when the order typed the plain characters', async () => {
      expectOk(await check('/wp/texturized', {}, { anchor: "L'art d'aimer la marche - ce qu'il faut savoir..." }));
    });

    it('verifies a plain anchor when the order typed the typographic characters', async () => {
      expectOk(await check('/wp/plain', {}, { anchor: 'L’art d’aimer la marche – ce qu’il faut savoir…' }));
    });

    it('verifies « » with no-break or narrow no-break spaces against straight quotes, and the reverse', async () => {
      expectOk(await check('/wp/guillemets', {}, { anchor: '"guide des chaussures"' }));
      expectOk(await check('/wp/guillemets', {}, { anchor: '« guide des chaussures »' }));
      expectOk(await check('/wp/guillemets', {}, { anchor: '“guide des chaussures”' }));
      expectOk(await check('/wp/guillemets', {}, { targetUrl: 'https://client-shop.fr/sacs', anchor: '"top sacs"' }));
    });

    it.each([
      ['d’', 'le guide d&#8217;achat', "le guide d'achat"],
      ['l’', 'l&#8217;équipement', "l'équipement"],
      ['qu’', 'ce qu&#8217;il faut', "ce qu'il faut"],
      ['opening ‘', '&#8216;Rando&#8217; facile', "'Rando' facile"],
      ['“ ”', '&#8220;Rando&#8221; facile', '"Rando" facile'],
      ['« » with U+00A0', '&laquo;&nbsp;Rando&nbsp;&raquo; facile', '"Rando" facile'],
      ['« » with U+202F', '&#171;&#8239;Rando&#8239;&#187; facile', '« Rando » facile'],
      [' – ', 'Paris &#8211; Lyon', 'Paris - Lyon'],
      ['-- → –', 'Paris&#8211;Lyon', 'Paris--Lyon'],
      ['--- → —', 'avant&#8212;après', 'avant---après'],
      ['… ', 'Et ensuite&#8230;', 'Et ensuite...'],
      ['no-break space before :', 'prix&nbsp;: 10&nbsp;€', 'prix : 10 €'],
      ['narrow no-break space before ?', 'Pourquoi&#8239;?', 'Pourquoi ?'],
      ["'' → ”", 'dit &#8221;non&#8221;', "dit ''non''"],
      ['2x4 → 2×4', 'planche 2&#215;4', 'planche 2x4'],
      ['case', 'L&#8217;ÉTÉ EN MONTAGNE', "l'été en montagne"],
    ])('verifies %s both ways', async (_case, texturized, typed) => {
      const page = `/anchor?html=${encodeURIComponent(texturized)}`;
      expectOk(await check(page, {}, { anchor: typed }));
      // The reverse: the page has the plain text, the order the typographic one.
      const plain = `/anchor?html=${encodeURIComponent(typed)}`;
      const typographic = texturized
        .replace(/&#(\d+);/g, (_m, code: string) => String.fromCodePoint(Number(code)))
        .replace(/&nbsp;/g, '\u00A0')
        .replace(/&laquo;/g, '«')
        .replace(/&raquo;/g, '»');
      expectOk(await check(plain, {}, { anchor: typographic }));
    });

    it.each([
      ['an accent', 'l&#8217;été en montagne', "l'ete en montagne"],
      ['a word', 'l&#8217;art d&#8217;aimer', "l'art de aimer"],
      ['another word', 'Paris &#8211; Lyon', 'Paris - Lille'],
      ['a missing word', '&laquo;&nbsp;guide des chaussures&nbsp;&raquo;', '"guide chaussures"'],
      ['an apostrophe turned into a space', 'l&#8217;été', 'l été'],
    ])('still refuses %s of difference', async (_case, texturized, typed) => {
      const result = await check(`/anchor?html=${encodeURIComponent(texturized)}`, {}, { anchor: typed });
      expectFailure(result, 'anchor_mismatch');
    });
  });

  describe('page-level nofollow', () => {
    it('refuses <meta name="robots" content="index, nofollow"> as Yoast and Rank Math write it', async () => {
      const result = await check('/wp/yoast-nofollow');
      expectFailure(result, 'page_nofollow');
      expect(result.outcome).toBe('rel_changed');
      expect(result.messages.fr).toContain('<meta name="robots" content="index, nofollow">');
      expect(result.messages.fr).toContain('Google ne suit aucun de ses liens');
    });

    it('reports "Discourage search engines" (noindex, nofollow) and `none` as noindex first', async () => {
      expectFailure(await check('/wp/discouraged'), 'noindex_meta');
      expectFailure(await check('/wp/robots-none'), 'noindex_meta');
      expectFailure(await check('/wp/header-none'), 'noindex_header');
    });

    it('refuses <meta name="googlebot" content="nofollow">', async () => {
      expectFailure(await check('/wp/googlebot-nofollow'), 'page_nofollow');
    });

    it('ignores the meta tag of another crawler', async () => {
      const result = await check('/wp/bingbot-nofollow');
      expectOk(result);
      expect(result.evidence.robots.meta).toContainEqual({ name: 'bingbot', content: 'nofollow, noindex' });
    });

    it('refuses X-Robots-Tag: nofollow and X-Robots-Tag: googlebot: nofollow', async () => {
      const plain = await check('/wp/header-nofollow');
      expectFailure(plain, 'page_nofollow');
      expect(plain.messages.en).toContain('X-Robots-Tag header of the page says "nofollow"');
      const scoped = await check('/wp/header-googlebot-nofollow');
      expectFailure(scoped, 'page_nofollow');
      expect(scoped.messages.fr).toContain('« googlebot: nofollow »');
      expect(scoped.evidence.robots.header).toEqual(['noarchive', 'googlebot: nofollow']);
    });

    it('ignores X-Robots-Tag: bingbot: nofollow', async () => {
      expectOk(await check('/wp/header-bingbot-nofollow'));
    });
  });

  describe('redirects and the page bought', () => {
    it('refuses a 301 to another host even when the link is there, naming the host, without retrying', async () => {
      const result = await check('/wp/to-other-host');
      expectFailure(result, 'off_site_redirect');
      const other = new URL(otherOrigin).host;
      expect(result.messages.fr).toContain(`redirige vers ${other}`);
      expect(result.messages.en).toContain(`redirects to ${other}`);
      expect(result.evidence.redirects).toEqual([{ from: `${origin}/wp/to-other-host`, to: `${otherOrigin}/good`, status: 301 }]);
      expect(result.evidence.finalUrl).toBe(`${otherOrigin}/good`);
      expect(result).toMatchObject({ outcome: 'redirected_off_site', transient: false });
      expect(result.evidence.attempts).toBe(1);
    });

    it('refuses a live URL that is not on the site, without fetching it', async () => {
      const result = await check('/good', {}, { siteDomain: 'blog.example.fr' });
      expectFailure(result, 'off_site_redirect');
      expect(result.messages.fr).toContain("n'est pas sur le site blog.example.fr");
      expect(requestsSeen).toBe(0);
    });

    it('follows a redirect to another article of the site when the ordered article redirects there, and records it', async () => {
      const result = await check('/wp/old-article');
      expectOk(result);
      expect(result.finalUrl).toBe(`${origin}/wp/new-article`);
      expect(result.evidence.redirects).toEqual([
        { from: `${origin}/wp/old-article`, to: `${origin}/wp/new-article`, status: 301 },
      ]);
    });

    it('accepts the new URL of a moved article as the live URL, after checking where the ordered URL redirects', async () => {
      const result = await check('/wp/new-article', {}, { articleUrl: `${origin}/wp/old-article` });
      expectOk(result);
      expect(pathsSeen).toContain('/wp/old-article');
    });

    it('refuses another article of the site as the live URL, naming the page reached', async () => {
      const result = await check('/wp/other-article', {}, { articleUrl: `${origin}/wp/article` });
      expectFailure(result, 'wrong_page');
      expect(result.outcome).toBe('redirected_off_site');
      expect(result.messages.fr).toContain(
        `la page atteinte est ${origin}/wp/other-article (« Un autre article – Le blog rando »)`,
      );
      expect(result.messages.fr).toContain(`pas l'article acheté ${origin}/wp/article`);
      expect(result.messages.en).toContain(`the page reached is ${origin}/wp/other-article`);
    });

    it('refuses a live URL that redirects to another article than the one bought', async () => {
      const result = await check('/wp/moved-to-other', {}, { articleUrl: `${origin}/wp/article` });
      expectFailure(result, 'wrong_page');
      expect(result.evidence.redirects).toHaveLength(1);
    });

    it('says where the ordered article went when it is not the page reached', async () => {
      const result = await check('/wp/other-article', {}, { articleUrl: `${origin}/wp/old-article` });
      expectFailure(result, 'wrong_page');
      expect(result.messages.fr).toContain(`qui redirige vers ${origin}/wp/new-article`);
      const gone = await check('/wp/other-article', {}, { articleUrl: `${origin}/wp/gone` });
      expect(gone.messages.en).toContain('which answers HTTP 404');
    });

    it('refuses a redirect of the article to the home page (a removed article, not a moved one)', async () => {
      const result = await check('/wp/deleted-to-home');
      expectFailure(result, 'wrong_page');
      expect(result.messages.en).toContain(
        `the page reached is ${origin}/ ("Le blog rando – Le blog rando"), not the article bought, ${origin}/wp/deleted-to-home`,
      );
    });

    it('refuses a sign-in page reached instead of the article (wp-login.php with a password field)', async () => {
      const result = await check('/wp/members-only');
      expectFailure(result, 'wrong_page');
      expect(result.messages.fr).toContain('une page de connexion');
      expect(result.messages.en).toContain('a sign-in page');
      expect(result.finalUrl).toBe(`${origin}/wp-login.php?redirect_to=%2Fwp%2Fmembers-only&reauth=1`);
    });

    it('refuses a custom sign-in page (a password field, no link) the article redirects to', async () => {
      const result = await check('/wp/members-custom');
      expectFailure(result, 'wrong_page');
      expect(result.messages.fr).toContain(
        `la page atteinte est une page de connexion (${origin}/connexion/?redirect_to=%2Fwp%2Fmembers-custom)`,
      );
    });

    it('reports a password-protected article (same URL, the content hidden) as a missing link, saying it asks for a password', async () => {
      const result = await check('/wp/protected');
      expectFailure(result, 'link_missing');
      expect(result.messages.fr).toContain('elle affiche un formulaire de mot de passe');
      expect(result.messages.en).toContain('it shows a password form');
    });

    it('still follows a moved article whose page has a log-in widget', async () => {
      expectOk(await check('/wp/new-with-widget', {}, { articleUrl: `${origin}/wp/old-with-widget` }));
      expectOk(await check('/wp/old-with-widget'));
    });

    it('accepts a trailing slash and http/https as the same article (www: see normalizeUrl)', async () => {
      expectOk(await check('/wp/article', {}, { articleUrl: `https://${site}/wp/article/` }));
    });
  });

  describe('canonical', () => {
    it('refuses a <link rel="canonical"> to another URL', async () => {
      const result = await check('/wp/canonical-elsewhere');
      expectFailure(result, 'canonical_elsewhere');
      expect(result.evidence.canonical).toBe(`${origin}/wp/the-original/`);
      expect(result.messages.fr).toContain(`la page déclare ${origin}/wp/the-original/ comme URL canonique`);
    });

    it('refuses a canonical Link header to another URL', async () => {
      const result = await check('/wp/canonical-header');
      expectFailure(result, 'canonical_elsewhere');
      expect(result.messages.en).toContain('HTTP Link header');
      expect(result.evidence.canonical).toBe('https://127.0.0.1/wp/the-original/');
    });

    it('takes the article with tracking parameters pasted along (utm_*, fbclid) for the article', async () => {
      const result = await check('/wp/tracked/?utm_source=newsletter&utm_medium=email&fbclid=IwAR0x', {}, { articleUrl: `${origin}/wp/tracked/` });
      expectOk(result);
    });

    it('takes a capitalised variant of the article URL for it only when the page names the article as its canonical', async () => {
      expectOk(await check('/wp/Mixed-Case/', {}, { articleUrl: `${origin}/wp/mixed-case/` }));
      const own = await check('/wp/Own-Case/', {}, { articleUrl: `${origin}/wp/own-case/` });
      expectFailure(own, 'wrong_page');
    });

    it('accepts a canonical to the page itself, up to trailing slash and http/https (www: see normalizeUrl)', async () => {
      const result = await check('/wp/canonical-variant');
      expectOk(result);
      expect(result.evidence.canonical).toBe(`https://${site}/wp/canonical-variant/`);
    });
  });

  describe('robots.txt', () => {
    it('refuses a page that robots.txt disallows to Googlebot, naming the line', async () => {
      const result = await check('/prive-google/article');
      expectFailure(result, 'robots_txt_disallow');
      expect(result.outcome).toBe('noindex');
      expect(result.evidence.robots.robotsTxt).toBe('disallowed');
      expect(result.messages.fr).toContain(
        `${origin}/robots.txt interdit /prive-google/article à Googlebot (ligne 8 : « Disallow: /prive-google/ »)`,
      );
    });

    it('accepts a page disallowed to another crawler only', async () => {
      const result = await check('/cache-bing/article');
      expectOk(result);
      expect(result.evidence.robots.robotsTxt).toBe('allowed');
    });

    it('accepts when there is no robots.txt (404)', async () => {
      robotsMode = 'missing';
      const result = await check('/prive-google/article');
      expectOk(result);
      expect(result.evidence.robots.robotsTxt).toBe('allowed');
    });

    it('accepts and records "unavailable" when robots.txt answers 500', async () => {
      robotsMode = 'broken';
      const result = await check('/prive-google/article');
      expectOk(result);
      expect(result.evidence.robots.robotsTxt).toBe('unavailable');
    });

    it('is not read when the page already failed on noindex', async () => {
      const result = await check('/wp/discouraged');
      expect(result.evidence.robots.robotsTxt).toBe('not_checked');
      expect(pathsSeen).not.toContain('/robots.txt');
    });
  });

  describe('the link and its near misses', () => {
    it('refuses a link found only in the comments (nofollow ugc), recording it as a near miss', async () => {
      const result = await check('/wp/only-in-comments');
      expectFailure(result, 'ugc');
      expect(result.outcome).toBe('rel_changed');
      expect(result.messages.fr).toContain('porte rel="nofollow ugc", dans les commentaires');
      expect(result.messages.en).toContain('has rel="nofollow ugc", in the comments');
      expect(result.evidence.link).toEqual({ href: TARGET, rel: ['nofollow', 'ugc'], anchor: ANCHOR });
      expect(result.evidence.nearMisses[0]).toEqual({ href: TARGET, rel: ['nofollow', 'ugc'], anchor: ANCHOR, differs: ['rel'] });
      expect(result.evidence.excerpt).toContain(`J’ajoute ${ANCHOR}, très bien.`);
    });

    it('passes when the article carries the link, whatever the comments hold', async () => {
      const result = await check('/wp/body-and-comments');
      expectOk(result);
      expect(result.evidence.nearMisses).toEqual([{ href: TARGET, rel: ['nofollow', 'ugc'], anchor: ANCHOR, differs: ['rel'] }]);
    });

    it('reports a link with utm parameters as missing, naming the href found', async () => {
      const result = await check('/wp/utm');
      expectFailure(result, 'link_missing');
      const href = `${TARGET}?utm_source=blog&utm_medium=article`;
      expect(result.messages.fr).toContain(`la page a un lien « ${ANCHOR} » vers ${href}`);
      expect(result.messages.fr).toContain('paramètres en plus : utm_source, utm_medium');
      expect(result.messages.en).toContain(
        `the page has a link "${ANCHOR}" to ${href} (the target with extra parameters: utm_source, utm_medium) instead of ${TARGET}`,
      );
      expect(result.evidence.link).toBeNull();
      expect(result.evidence.nearMisses).toEqual([{ href, rel: [], anchor: ANCHOR, differs: ['href'] }]);
      expect(result.evidence.excerpt).toContain(`Voir nos ${ANCHOR}.`);
    });

    it("reports a link to another page of the target's site", async () => {
      const result = await check('/wp/other-page');
      expectFailure(result, 'link_missing');
      expect(result.messages.fr).toContain('une autre page de client-shop.fr');
      expect(result.evidence.nearMisses).toEqual([
        { href: 'https://client-shop.fr/', rel: [], anchor: 'la boutique', differs: ['href', 'anchor'] },
      ]);
    });

    it('names the anchor found instead, in French with no English in it', async () => {
      const result = await check('/wp/anchor-instead');
      expectFailure(result, 'anchor_mismatch');
      expect(result.messages.fr).toBe(
        `Texte d'ancre différent de celui commandé : le lien vers ${TARGET} a pour ancre « cette boutique » au lieu de « ${ANCHOR} ».`,
      );
      expect(result.messages.en).toBe(
        `Anchor text differs from the one ordered: the link to ${TARGET} reads "cette boutique" instead of "${ANCHOR}".`,
      );
    });
  });

  describe('retries', () => {
    it('passes a page that answers 503 twice then 200, after 3 attempts', async () => {
      const result = await check('/flaky');
      expectOk(result);
      expect(result.evidence.attempts).toBe(3);
    });

    it('reports a page that always answers 503 as a transient http_status after every retry', async () => {
      const result = await check('/down');
      expectFailure(result, 'http_status');
      expect(result).toMatchObject({ transient: true, status: 503, outcome: 'http_error' });
      expect(result.evidence.attempts).toBe(4);
      expect(requestsSeen).toBe(4);
      const fewer = await check('/down', { retryDelaysMs: [1] });
      expect(fewer.evidence.attempts).toBe(2);
      const none = await check('/down', { retryDelaysMs: [] });
      expect(none).toMatchObject({ transient: true, evidence: { attempts: 1 } });
    });

    it('reports a refused connection as a transient network_error after every retry', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const host = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const liveUrl = `http://${host}/article`;
      const result = await verifyLink(
        { liveUrl, articleUrl: liveUrl, siteDomain: host, targetUrl: TARGET, anchor: ANCHOR },
        local,
      );
      expectFailure(result, 'network_error');
      expect(result).toMatchObject({ transient: true, outcome: 'unreachable', finalUrl: null, status: null });
      expect(result.evidence.attempts).toBe(4);
      expect(result.messages.fr).toBe(`Erreur réseau : ${host} refuse la connexion (ECONNREFUSED) (après 4 tentatives).`);
    });
  });

  it('writes every failure message wholly in one language', async () => {
    const paths = [
      '/nofollow',
      '/missing',
      '/wrong-anchor',
      '/pdf',
      '/not-found',
      '/noindex-header',
      '/wp/yoast-nofollow',
      '/wp/utm',
      '/wp/only-in-comments',
      '/wp/canonical-elsewhere',
      '/wp/canonical-header',
      '/prive-google/article',
      '/wp/to-other-host',
      '/wp/members-only',
      '/wp/other-page',
      '/to-ftp',
      '/loop/0',
    ];
    for (const path of paths) {
      const result = await check(path);
      expect(result.ok, path).toBe(false);
      expectFrenchOnly(result.messages.fr);
      const english = result.messages.en
        .replace(/https?:\/\/\S+/g, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/"[^"]*"/g, ' ');
      expect(english, path).not.toMatch(/\b(le|la|les|lien|vers|au lieu|n'est|pas|page atteinte|après)\b/);
    }
  });
});

describe('foldTypography', () => {
  it.each([
    ['l’été', "l'été"],
    ['‘a’ ‛b′ ʼc', "'a' 'b' 'c"],
    ['“a” „b‟ ″', '"a" "b" "'],
    ['«\u00A0a\u00A0»', '"a"'],
    ['«\u202Fa\u202F»', '"a"'],
    ['« a »', '"a"'],
    ['a – b — c ‒ d − e', 'a - b - c - d - e'],
    ['a--b---c', 'a-b-c'],
    ['fin…', 'fin...'],
    ['a\u00A0b\u202Fc\u2009d\u2007e', 'a b c d e'],
    ['  a \n\t b  ', 'a b'],
    ['prix\u00A0: 10\u202F€\u00A0!', 'prix: 10 €!'],
    ['cafe\u0301', 'café'],
    ['soft\u00ADhyphen, zero\u200Bwidth', 'softhyphen, zerowidth'],
  ])('%j → %j', (input, folded) => {
    expect(foldTypography(input)).toBe(folded);
  });

  it('keeps case for display but the comparison ignores it, and keeps accents', () => {
    expect(comparableAnchor('L’ÉTÉ')).toBe("l'été");
    expect(comparableAnchor("l'ete")).not.toBe(comparableAnchor('l’été'));
  });
});

describe('isOnSite', () => {
  it.each([
    ['https://example.fr/a', 'example.fr', true],
    ['https://www.example.fr/a', 'example.fr', true],
    ['http://example.fr/a', 'www.example.fr', true],
    ['https://blog.example.fr/a', 'example.fr', true],
    ['https://EXAMPLE.fr./a', 'example.fr', true],
    ['https://example.fr.evil.com/a', 'example.fr', false],
    ['https://notexample.fr/a', 'example.fr', false],
    ['https://example.fr/a', 'blog.example.fr', false],
    ['http://127.0.0.1:8080/a', '127.0.0.1:8080', true],
    ['http://127.0.0.1:9090/a', '127.0.0.1:8080', false],
    ['http://localhost:8080/a', '127.0.0.1:8080', false],
    ['https://www.chaussures-randonnée.fr/a', 'chaussures-randonnée.fr', true],
    ['https://xn--chaussures-randonne-szb.fr/a', 'chaussures-randonnée.fr', true],
    ['ftp://example.fr/a', 'example.fr', false],
  ])('%s on %s: %s', (url, domain, expected) => {
    expect(isOnSite(url, domain)).toBe(expected);
  });
});

describe('normalizeUrl', () => {
  it.each([
    ['case of scheme and host', 'HTTPS://Client-Shop.FR/Chaussures', 'https://client-shop.fr/Chaussures'],
    ['default port', 'https://client-shop.fr:443/a', 'https://client-shop.fr/a'],
    ['http default port', 'http://client-shop.fr:80/a', 'https://client-shop.fr/a'],
    ['other port kept', 'https://client-shop.fr:8443/a', 'https://client-shop.fr:8443/a'],
    ['fragment', 'https://client-shop.fr/a#avis', 'https://client-shop.fr/a'],
    ['trailing slash', 'https://client-shop.fr/a/b/', 'https://client-shop.fr/a/b'],
    ['root keeps its slash', 'https://client-shop.fr', 'https://client-shop.fr/'],
    ['www', 'https://www.client-shop.fr/a', 'https://client-shop.fr/a'],
    ['scheme', 'http://client-shop.fr/a', 'https://client-shop.fr/a'],
    ['sorted query', 'https://client-shop.fr/a?b=2&a=1', 'https://client-shop.fr/a?a=1&b=2'],
    ['unreserved escapes', 'https://client-shop.fr/%7Euser/%41?q=%2d%2F', 'https://client-shop.fr/~user/A?q=-%2F'],
    ['IDN host', 'https://www.chaussures-randonnée.fr/', 'https://xn--chaussures-randonne-szb.fr/'],
  ])('%s', (_case, input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  it('tells different paths and queries apart', () => {
    expect(normalizeUrl('https://client-shop.fr/a')).not.toBe(normalizeUrl('https://client-shop.fr/A'));
    expect(normalizeUrl('https://client-shop.fr/a?x=1')).not.toBe(normalizeUrl('https://client-shop.fr/a'));
    expect(normalizeUrl('https://client-shop.fr/a')).not.toBe(normalizeUrl('https://shop.fr/a'));
  });

  it('throws on a non-http URL', () => {
    expect(() => normalizeUrl('mailto:contact@client-shop.fr')).toThrow(TypeError);
  });
});

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '100.64.0.1',
    '169.254.169.254',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::7f00:1',
    '64:ff9b::7f00:1',
    'not an ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '151.101.1.69', '::ffff:8.8.8.8', '2001:4860:4860::8888', '2a00:1450:4007:80e::200e'])(
    'accepts %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});
