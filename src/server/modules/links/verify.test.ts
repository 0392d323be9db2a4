import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isPublicAddress } from './address.js';
import { normalizeUrl, ruleLabels, verifyLink, type VerificationResult, type VerifyOptions } from './verify.js';

// Articles served by the test itself on 127.0.0.1; each route answers one scenario.
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const TARGET = 'https://www.client-shop.fr/chaussures/';
const ANCHOR = 'Chaussures de randonnée';

function article(body: string, head = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Article</title>${head}</head>
<body><header><a href="/">Accueil</a> <a href="/contact">Contact</a></header>
<main><p>Un paragraphe.</p>${body}</main></body></html>`;
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

const routes: Record<string, Handler> = {
  '/good': html(article(`<p>Voir nos <a href="${TARGET}">${ANCHOR}</a>.</p>`)),
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
  '/crash': (_req, res) => {
    res.writeHead(500, { 'Content-Type': 'text/html' });
    res.end('<h1>Oops</h1>');
  },
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
};

let server: http.Server;
let origin: string;
let requestsSeen = 0;
let authorizationsSeen = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requestsSeen++;
    if (req.headers.authorization) authorizationsSeen++;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const loop = /^\/loop\/(\d+)$/.exec(path);
    if (loop) return redirect(302, `/loop/${Number(loop[1]) + 1}`)(req, res);
    const handler = routes[path];
    if (handler) return handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  requestsSeen = 0;
});

const local: VerifyOptions = { allowPrivate: true, timeoutMs: 5_000 };

function check(path: string, options: Partial<VerifyOptions> = {}, expectation: { targetUrl?: string; anchor?: string } = {}) {
  return verifyLink(
    { liveUrl: `${origin}${path}`, targetUrl: expectation.targetUrl ?? TARGET, anchor: expectation.anchor ?? ANCHOR },
    { ...local, ...options },
  );
}

function expectFailure(result: VerificationResult, rule: string) {
  expect(result.ok ? 'ok' : `${result.rule}: ${result.detail}`).toMatch(new RegExp(`^${rule}: `));
  if (!result.ok) expect(Date.parse(result.checkedAt)).not.toBeNaN();
}

describe('verifyLink', () => {
  it('passes on a followed link with the anchor, on an indexable page', async () => {
    const result = await check('/good');
    expect(result).toEqual({ ok: true, finalUrl: `${origin}/good`, status: 200, checkedAt: expect.any(String) });
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
    expect((await check('/one-clean-suffices')).ok).toBe(true);
  });

  it('refuses a page with <meta name=robots content="noindex, follow">', async () => {
    const result = await check('/noindex-meta');
    expectFailure(result, 'noindex_meta');
    expect(result).toMatchObject({ finalUrl: `${origin}/noindex-meta`, status: 200 });
  });

  it('refuses a page with an X-Robots-Tag: noindex header', async () => {
    expectFailure(await check('/noindex-header'), 'noindex_header');
  });

  it('reads every X-Robots-Tag header, including the "googlebot: noindex" form', async () => {
    expectFailure(await check('/noindex-header-googlebot'), 'noindex_header');
  });

  it("ignores another crawler's noindex", async () => {
    expect((await check('/other-bot-noindex')).ok).toBe(true);
  });

  it('reports a missing link with the number of links the page has', async () => {
    const result = await check('/missing');
    expectFailure(result, 'link_missing');
    expect(!result.ok && result.detail).toContain('among the 3 links');
  });

  it('reports a wrong anchor with the anchors found', async () => {
    const result = await check('/wrong-anchor');
    expectFailure(result, 'anchor_mismatch');
    expect(!result.ok && result.detail).toContain('"cliquez ici"');
  });

  it('keeps accents significant in the anchor', async () => {
    expectFailure(await check('/accent-differs'), 'anchor_mismatch');
  });

  it('compares anchors case-insensitively with collapsed whitespace, and URLs leniently', async () => {
    expect((await check('/case-and-spaces')).ok).toBe(true);
  });

  it("takes an image link's alt text as its anchor", async () => {
    expect((await check('/image-link')).ok).toBe(true);
  });

  it('resolves a relative href against <base href>', async () => {
    expect((await check('/relative/article')).ok).toBe(true);
  });

  it('resolves a relative href against the page URL', async () => {
    const result = await check('/same-site/article', {}, { targetUrl: `${origin}/chaussures/` });
    expect(result.ok).toBe(true);
  });

  it('decodes the charset the page declares', async () => {
    expect((await check('/latin1')).ok).toBe(true);
  });

  it('follows a 301 → 302 → 200 chain and reports where it ended', async () => {
    const result = await check('/chain/1');
    expect(result).toEqual({ ok: true, finalUrl: `${origin}/good`, status: 200, checkedAt: expect.any(String) });
  });

  it('stops after maxRedirects', async () => {
    const result = await check('/loop/0');
    expectFailure(result, 'too_many_redirects');
    expect(requestsSeen).toBe(6); // the first request and 5 redirects followed
    expectFailure(await check('/chain/1', { maxRedirects: 1 }), 'too_many_redirects');
  });

  it('refuses a redirect to a non-http URL', async () => {
    expectFailure(await check('/to-ftp'), 'invalid_url');
  });

  it('reports a 404 with its status', async () => {
    const result = await check('/not-found');
    expectFailure(result, 'http_status');
    expect(result).toMatchObject({ status: 404, finalUrl: `${origin}/not-found` });
  });

  it('reports a 500 with its status', async () => {
    const result = await check('/crash');
    expectFailure(result, 'http_status');
    expect(result).toMatchObject({ status: 500 });
  });

  it('refuses a page that is not HTML', async () => {
    expectFailure(await check('/pdf'), 'not_html');
  });

  it('stops reading past maxBytes', async () => {
    expectFailure(await check('/huge', { maxBytes: 64 * 1024 }), 'too_large');
  });

  it('gives up on a page that never finishes', async () => {
    expectFailure(await check('/slow', { timeoutMs: 300 }), 'timeout');
  });

  it('refuses a loopback IP without connecting to it', async () => {
    const result = await check('/good', { allowPrivate: false });
    expectFailure(result, 'private_address');
    expect(result).toMatchObject({ finalUrl: null, status: null });
    expect(requestsSeen).toBe(0);
  });

  it('refuses a host name resolving to loopback without connecting to it', async () => {
    const port = new URL(origin).port;
    const result = await verifyLink(
      { liveUrl: `http://localhost:${port}/good`, targetUrl: TARGET, anchor: ANCHOR },
      { allowPrivate: false, timeoutMs: 5_000 },
    );
    expectFailure(result, 'private_address');
    expect(requestsSeen).toBe(0);
  });

  it('refuses a URL with credentials instead of sending them as Basic auth', async () => {
    const withCredentials = origin.replace('http://', 'http://admin:secret@');
    const result = await verifyLink({ liveUrl: `${withCredentials}/good`, targetUrl: TARGET, anchor: ANCHOR }, local);
    expectFailure(result, 'invalid_url');
    expect(result.ok ? '' : result.detail).not.toContain('secret');
    expect(requestsSeen).toBe(0);
    const redirected = await check('/to-credentials');
    expectFailure(redirected, 'invalid_url');
    expect(requestsSeen).toBe(1);
    expect(authorizationsSeen).toBe(0);
  });

  it('refuses an ftp:// URL', async () => {
    const result = await verifyLink({ liveUrl: 'ftp://example.com/article', targetUrl: TARGET, anchor: ANCHOR }, local);
    expectFailure(result, 'invalid_url');
  });

  it('has a French and an English label for every rule', () => {
    for (const label of Object.values(ruleLabels)) {
      expect(label.fr).not.toBe('');
      expect(label.en).not.toBe('');
    }
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
