import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { todayInParis } from './dates.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The answer may be kept and given again (read cache) while neither the data of the caller's
     * tenant nor the marketplace's have changed: a GET whose JSON answer depends only on them, on
     * the caller, its language, the URL and the day.
     */
    readCache?: boolean;
  }
  interface FastifyRequest {
    readCacheKey: string | null;
  }
}

/**
 * The read cache (issue 13). Agency reads over thousands of clients (the team table, dashboards,
 * the orders view with its totals, a broad catalog word) cost tens of milliseconds in the database
 * and are asked again and again with nothing changed. Each process keeps their JSON answers, keyed
 * by who asks (person and account), the URL, the language, the Paris day and the two data versions
 * the session lookup read in its own snapshot (migration 0025): the version of the caller's tenant
 * and the marketplace's, which grow with every committed transaction that changed their data,
 * whichever process or script made it. A kept answer is given again only under the same versions,
 * so it is never older than the request's own session read; the versions read before computing an
 * answer label it, so a change committed during the computation makes it unreachable, not wrong.
 *
 * A kept answer is also given gzipped to the clients that accept it (browsers do), made once.
 *
 * What a kept answer could miss is time alone (an order turning late, "3 hours ago"): an answer is
 * kept at most KEEP_MS. Only the buyers' reads are kept (BUYER_ROLES).
 */
export const KEEP_MS = 30_000;

/** A kept answer: its bytes, and gzipped (made on the first request that accepts gzip). */
type Kept = { body: Buffer; gzipped: Buffer | null; type: string; bytes: number; until: number };

/** Under this size gzip saves less than its header costs the client. */
const GZIP_FROM_BYTES = 1_024;

export class ReadCache {
  private readonly entries = new Map<string, Kept>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  get(key: string, now = Date.now()): Kept | undefined {
    const kept = this.entries.get(key);
    if (!kept) return undefined;
    this.entries.delete(key);
    if (kept.until <= now) {
      this.bytes -= kept.bytes;
      return undefined;
    }
    this.entries.set(key, kept); // the most recently used last: eviction takes from the front
    return kept;
  }

  /** The kept answer gzipped, made once: a client that accepts gzip gets it without any work per request. */
  gzippedOf(kept: Kept): Buffer {
    if (!kept.gzipped) {
      kept.gzipped = gzipSync(kept.body, { level: 6 });
      kept.bytes += kept.gzipped.length;
      this.bytes += kept.gzipped.length;
      this.evict();
    }
    return kept.gzipped;
  }

  /** Kept as bytes: giving a kept answer again neither encodes nor measures it. False: too big to keep. */
  set(key: string, body: Buffer, type: string, now = Date.now()): boolean {
    const bytes = 2 * key.length + body.length + 200;
    if (bytes > this.maxBytes / 8) return false; // one answer may not push out most of the others
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.bytes;
    }
    this.entries.set(key, { body, gzipped: null, type, bytes, until: now + KEEP_MS });
    this.bytes += bytes;
    this.evict();
    return true;
  }

  /** Drops the answers used least recently (the front of the map) until the rest fits. */
  private evict(): void {
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.bytes;
    }
  }
}

/** Whose reads are kept: the buyers' side. Support's reads span every tenant; a publisher's are short. */
const BUYER_ROLES = new Set(['agency', 'manager', 'consultant', 'client']);

let dayCache = { at: 0, day: '' };
/** The Paris day, computed at most once a second (an Intl formatter per request costs). */
function parisDay(now = Date.now()): string {
  if (Math.abs(now - dayCache.at) >= 1_000) dayCache = { at: now, day: todayInParis(new Date(now)) }; // a clock set back too
  return dayCache.day;
}

/** The key of the request's answer, or null when it may not be kept (no versions, not a buyer, a tenant mismatch). */
export function readCacheKeyOf(request: FastifyRequest): string | null {
  const session = request.session;
  if (!session?.versions) return null;
  const { person, account } = session.actor;
  if (!BUYER_ROLES.has(account.role)) return null;
  const { tenant, tenantVersion, marketplaceVersion } = session.versions;
  if (tenant !== (account.agencyId ?? account.id)) return null;
  return [person.id, account.id, request.lang, parisDay(), tenantVersion, marketplaceVersion, request.url].join('\n');
}

/** Whether an Accept-Encoding header takes gzip (not refused with q=0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Answers a `readCache` route from the process's kept answers when it can, and keeps what it answers otherwise. */
export function registerReadCache(app: FastifyInstance, config: Config): ReadCache {
  const cache = new ReadCache(config.readCacheBytes);
  if (!cache.enabled) return cache;
  app.decorateRequest('readCacheKey', null);
  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.config.readCache || request.method !== 'GET') return;
    const key = readCacheKeyOf(request);
    if (!key) return;
    const kept = cache.get(key);
    if (kept) {
      cache.hits++;
      reply.header('content-type', kept.type).header('x-read-cache', 'hit').header('vary', 'accept-encoding');
      if (kept.body.length >= GZIP_FROM_BYTES && acceptsGzip(request.headers['accept-encoding'])) {
        return reply.header('content-encoding', 'gzip').send(cache.gzippedOf(kept));
      }
      return reply.send(kept.body);
    }
    cache.misses++;
    request.readCacheKey = key;
    reply.header('x-read-cache', 'miss');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.readCacheKey;
    if (!key || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('application/json')) cache.set(key, Buffer.from(payload), type);
    return payload;
  });
  return cache;
}
