import { promises as dns, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { isPublicAddress } from './address.js';
import { parseHttpUrl } from './url.js';

export type FetchOptions = {
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Whether the body of the final response is wanted (it is skipped for a 404, a PDF…). */
  wantsBody: (status: number, headers: IncomingMessage['headers']) => boolean;
};

/** One redirect followed (or, for the last one of a failure, about to be followed). */
export type Redirect = { from: string; to: string; status: number };

export type FetchedPage = {
  ok: true;
  /** Every redirect followed, in order. */
  redirects: Redirect[];
  finalUrl: string;
  status: number;
  headers: IncomingMessage['headers'];
  /** Every value of each header, in order (several `X-Robots-Tag` lines stay apart). */
  headerLines: (name: string) => string[];
  /** Decoded (charset, compression) body; null when `wantsBody` said no. */
  body: string | null;
};

export type FetchFailureRule =
  'invalid_url' | 'private_address' | 'dns_failure' | 'timeout' | 'too_large' | 'too_many_redirects' | 'network_error';

/** What a failure is about, as data, so that messages can be written in each language. */
export type FailureFacts = {
  /** The URL concerned (without credentials). */
  url?: string;
  /** The page that redirected to `url`, when the failure is about a redirect. */
  from?: string;
  host?: string;
  /** The non-public address a host resolved to. */
  address?: string;
  /** The system or library error code (ECONNREFUSED, EAI_AGAIN, Z_DATA_ERROR, CERT_HAS_EXPIRED…). */
  code?: string;
  /** The limit that was crossed: milliseconds, bytes or redirects. */
  limit?: number;
  /** The size the page declared. */
  declared?: number;
};

export type FetchFailure = {
  ok: false;
  rule: FetchFailureRule;
  /** English, for logs; users see messages built from `facts`. */
  detail: string;
  facts: FailureFacts;
  /** Redirects followed before the failure; the last one may be the redirect that was refused. */
  redirects: Redirect[];
  /** The last URL that answered, null when none did. */
  finalUrl: string | null;
  status: number | null;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DNS_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA', 'ESERVFAIL', 'ENONAME']);

class Failure extends Error {
  constructor(
    readonly rule: FetchFailureRule,
    readonly detail: string,
    readonly facts: FailureFacts = {},
  ) {
    super(detail);
  }
}

/**
 * GETs a page the way a crawler facing untrusted URLs must: http(s) only, redirects followed by
 * hand with every hop checked again, each connection pinned to addresses checked beforehand (so
 * a DNS answer that changes between the check and the connection cannot reach a private
 * network), one deadline for the whole exchange, and a cap on the decoded body. Every redirect
 * is recorded.
 */
export async function fetchPage(startUrl: string, options: FetchOptions): Promise<FetchedPage | FetchFailure> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  let last: { url: string; status: number } | null = null;
  const redirects: Redirect[] = [];
  let current: URL | null = null;
  try {
    let url = parseHttpUrl(startUrl);
    if (!url) throw new Failure('invalid_url', `Not an http(s) URL: ${startUrl}`, { url: startUrl });
    refuseCredentials(url);
    for (;;) {
      current = url;
      const addresses = await resolve(url, options.allowPrivate, controller.signal);
      const response = await get(url, addresses, options.userAgent, controller.signal);
      last = { url: url.href, status: response.statusCode ?? 0 };
      const location = response.headers.location;
      if (REDIRECTS.has(last.status) && location) {
        response.destroy();
        const next = parseHttpUrl(location, url);
        if (!next) {
          throw new Failure('invalid_url', `${url.href} redirects to a URL that is not http(s): ${location}`, {
            url: location,
            from: url.href,
          });
        }
        redirects.push({ from: url.href, to: withoutCredentials(next), status: last.status });
        if (redirects.length > options.maxRedirects) {
          throw new Failure(
            'too_many_redirects',
            `More than ${options.maxRedirects} redirects (the last one from ${url.href} to ${location})`,
            {
              url: withoutCredentials(next),
              from: url.href,
              limit: options.maxRedirects,
            },
          );
        }
        refuseCredentials(next, url);
        url = next;
        continue;
      }
      const wanted = options.wantsBody(last.status, response.headers);
      const body = wanted ? await readBody(response, options.maxBytes) : (response.destroy(), null);
      return {
        ok: true,
        redirects,
        finalUrl: url.href,
        status: last.status,
        headers: response.headers,
        headerLines: (name) => headerLines(response.rawHeaders, name),
        body,
      };
    }
  } catch (error) {
    const failure = controller.signal.aborted
      ? new Failure('timeout', `No complete answer within ${options.timeoutMs} ms`, { limit: options.timeoutMs })
      : classify(error);
    // Where it failed: the URL being fetched when it did (a refused redirect names its own).
    const where = current ? { url: withoutCredentials(current), host: current.host } : {};
    return {
      ok: false,
      rule: failure.rule,
      detail: failure.detail,
      facts: { ...where, ...failure.facts },
      redirects,
      finalUrl: last?.url ?? null,
      status: last?.status ?? null,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A URL with `user:pass@` would be sent as Basic auth (Node's http client does that): the crawler
 * never sends credentials anywhere, so such a URL (or a redirect to one) is refused outright.
 * The detail names the URL without its credentials (it is shown to the users of the order).
 */
function refuseCredentials(url: URL, from?: URL): void {
  if (!url.username && !url.password) return;
  const shown = withoutCredentials(url);
  throw new Failure(
    'invalid_url',
    from
      ? `${from.href} redirects to a URL with a user name or password (${shown}): refused`
      : `The URL carries a user name or password (${shown}): refused`,
    { url: shown, from: from?.href, code: 'credentials' },
  );
}

function withoutCredentials(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  return shown.href;
}

/** The addresses the connection may use: all of them checked, or the request refused. */
async function resolve(url: URL, allowPrivate: boolean, signal: AbortSignal): Promise<LookupAddress[]> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  const addresses = family
    ? [{ address: host, family }]
    : await abortable(dns.lookup(host, { all: true, verbatim: true }), signal).catch((error: NodeJS.ErrnoException) => {
        if (signal.aborted) throw error;
        throw new Failure('dns_failure', `Could not resolve ${host} (${error.code ?? error.message})`, {
          host,
          code: error.code,
        });
      });
  if (addresses.length === 0) throw new Failure('dns_failure', `${host} has no address`, { host, code: 'ENODATA' });
  const refused = addresses.find((entry) => !isPublicAddress(entry.address));
  if (refused && !allowPrivate) {
    throw new Failure('private_address', `${host} points to a non-public address (${refused.address})`, {
      host,
      address: refused.address,
    });
  }
  return addresses;
}

/** Sends the request to the checked addresses only, with the URL's host for Host and SNI. */
function get(url: URL, addresses: LookupAddress[], userAgent: string, signal: AbortSignal): Promise<IncomingMessage> {
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolvePromise, reject) => {
    const request = client.request(
      url,
      {
        method: 'GET',
        agent: false, // a fresh connection, closed after the answer: nothing pooled, nothing left open
        lookup,
        signal,
        headers: {
          'User-Agent': userAgent,
          Accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
          'Accept-Language': 'fr,en;q=0.8',
          'Accept-Encoding': 'gzip, deflate, br',
        },
      },
      resolvePromise,
    );
    request.on('error', reject);
    request.end();
  });
}

async function readBody(response: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(response.headers['content-length']);
  if (declared > maxBytes) {
    response.destroy();
    throw new Failure('too_large', `The page declares ${declared} bytes, more than the ${maxBytes} allowed`, {
      declared,
      limit: maxBytes,
    });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of decompressed(response)) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      throw new Failure('too_large', `The page is larger than the ${maxBytes} bytes allowed`, { limit: maxBytes });
    }
    chunks.push(chunk as Buffer);
  }
  return decodeText(Buffer.concat(chunks), response.headers['content-type']);
}

function decompressed(response: IncomingMessage): Readable {
  const encoding = (response.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : null;
  return decoder ? pipeline(response, decoder, () => {}) : response;
}

/** Charset from the Content-Type header, else from a `<meta charset>` near the top, else UTF-8. */
function decodeText(bytes: Buffer, contentType: string | undefined): string {
  const head = bytes.subarray(0, 2048).toString('latin1');
  const label =
    /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ??
    'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function headerLines(rawHeaders: string[], name: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === name) lines.push(rawHeaders[i + 1]);
  }
  return lines;
}

function classify(error: unknown): Failure {
  if (error instanceof Failure) return error;
  const { code, message } = error as NodeJS.ErrnoException;
  if (code && DNS_ERRORS.has(code)) return new Failure('dns_failure', `DNS resolution failed (${code})`, { code });
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code?.startsWith('ERR_BROTLI')) {
    return new Failure('network_error', `The compressed body could not be decoded (${code})`, { code });
  }
  return new Failure('network_error', code ? `${code}: ${message}` : String(message ?? error), { code });
}

/** `dns.lookup` takes no signal: stop waiting for it at the deadline (the lookup itself finishes in the background). */
function abortable<V>(promise: Promise<V>, signal: AbortSignal): Promise<V> {
  return new Promise((resolvePromise, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolvePromise, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
