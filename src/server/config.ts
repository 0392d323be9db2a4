import { isIP } from 'node:net';
import { z } from 'zod';
import { durationMs, parseDuration, type Duration } from './http/durations.js';

const ZFlag = z
  .enum(['0', '1', 'true', 'false', ''])
  .default('0')
  .transform((v) => v === '1' || v === 'true');

/** The issuer printed on invoices: every one of these must be set in production. */
const SELLER_VARIABLES = [
  'MAILLON_SELLER_NAME',
  'MAILLON_SELLER_ADDRESS',
  'MAILLON_SELLER_POSTAL_CODE',
  'MAILLON_SELLER_CITY',
  'MAILLON_SELLER_COUNTRY',
  'MAILLON_SELLER_SIRET',
  'MAILLON_SELLER_VAT_NUMBER',
  'MAILLON_SELLER_RCS',
  'MAILLON_SELLER_CAPITAL',
  'MAILLON_SELLER_IBAN',
  'MAILLON_SELLER_BIC',
  'MAILLON_SELLER_BANK',
] as const;
type SellerVariable = (typeof SELLER_VARIABLES)[number];

/** A made-up issuer for development and tests only: production refuses to start with any of it. */
export const DEMO_SELLER: Record<SellerVariable, string> = {
  MAILLON_SELLER_NAME: 'Maillon SAS',
  MAILLON_SELLER_ADDRESS: '10 rue du Faubourg Montmartre',
  MAILLON_SELLER_POSTAL_CODE: '75009',
  MAILLON_SELLER_CITY: 'Paris',
  MAILLON_SELLER_COUNTRY: 'FR',
  MAILLON_SELLER_SIRET: '91234567800018',
  MAILLON_SELLER_VAT_NUMBER: 'FR32912345678',
  MAILLON_SELLER_RCS: 'RCS Paris 912 345 678',
  MAILLON_SELLER_CAPITAL: 'SAS au capital de 10 000 €',
  MAILLON_SELLER_IBAN: 'FR76 3000 6000 0112 3456 7890 189',
  MAILLON_SELLER_BIC: 'AGRIFRPPXXX',
  MAILLON_SELLER_BANK: 'Crédit Agricole Île-de-France',
};

/** Identifiers a real invoice must never carry (the demo ones), compared without spaces and case. */
const DEMO_IDENTIFIERS: SellerVariable[] = ['MAILLON_SELLER_SIRET', 'MAILLON_SELLER_VAT_NUMBER', 'MAILLON_SELLER_IBAN', 'MAILLON_SELLER_BIC'];
const compact = (v: string) => v.replace(/\s+/g, '').toUpperCase();

/**
 * `MAILLON_TRUST_PROXY`: `0`/`false`/empty trusts nobody; a number is how many proxies stand in
 * front of the app (`1`: the right-most X-Forwarded-For address is the client, as our proxy saw
 * it; `true` means `1`); otherwise a comma list of the proxies' addresses or CIDR ranges
 * (or proxy-addr's names `loopback`, `linklocal`, `uniquelocal`). Fastify's `trustProxy` takes
 * both forms.
 */
export function parseTrustProxy(raw: string): false | number | string[] | null {
  const v = raw.trim().toLowerCase();
  if (v === '' || v === '0' || v === 'false') return false;
  if (v === 'true') return 1;
  if (/^\d+$/.test(v)) return Number(v) <= 32 ? Number(v) : null;
  const parts = v.split(',').map((p) => p.trim());
  const valid = (p: string) => {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(p)) return true;
    const [address, bits, ...rest] = p.split('/');
    const family = isIP(address);
    if (!family || rest.length > 0) return false;
    if (bits === undefined) return true;
    return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  };
  return parts.every(valid) ? parts : null;
}

/**
 * The value handed to Fastify. A hop count becomes a function (this Fastify trusts nobody for a
 * bare number): the socket address and the next `hops - 1` X-Forwarded-For entries from the right
 * are our proxies, the entry after them is the client.
 */
export function fastifyTrustProxy(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') {
    const hops = trust;
    return (_address: string, hop: number) => hop < hops;
  }
  return trust;
}

const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  MAILLON_DATA_DIR: z.string().default('./data'),
  // No default here: it depends on NODE_ENV (demo in development, none in production).
  MAILLON_SEED: z.enum(['demo', 'none']).optional(),
  MAILLON_SUPPORT_EMAIL: z.string().email().optional(),
  MAILLON_SUPPORT_PASSWORD: z.string().min(10).optional(),
  MAILLON_CRAWLER_ALLOW_PRIVATE: ZFlag,
  MAILLON_PUBLIC_URL: z.string().url().optional(),
  MAILLON_SMTP_URL: z.string().optional(),
  MAILLON_MAIL_FROM: z.string().default('Maillon <no-reply@maillon.local>'),
  MAILLON_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(8 * 60),
  MAILLON_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(7 * 24),
  MAILLON_ACT_AS_MINUTES: z.coerce.number().int().positive().default(60),
  // The ceiling per e-mail alone (from any address); kept high so that strangers cannot lock an owner out.
  MAILLON_LOGIN_MAX_FAILURES_ACCOUNT: z.coerce.number().int().positive().default(50),
  MAILLON_LOGIN_MAX_FAILURES_ADDRESS: z.coerce.number().int().positive().default(20),
  MAILLON_LOGIN_MAX_FAILURES_PAIR: z.coerce.number().int().positive().default(5),
  MAILLON_LOGIN_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  MAILLON_TRUST_PROXY: z.string().default('0'),
  // Request logging: off per request (errors and slow requests are still logged), on with 1.
  MAILLON_LOG_REQUESTS: ZFlag,
  MAILLON_SLOW_REQUEST_MS: z.coerce.number().int().nonnegative().default(1000),
  MAILLON_READ_CACHE_MB: z.coerce.number().int().nonnegative().max(65_536).default(64),
  // An empty value counts as missing (checked below, with the names of every missing one).
  ...Object.fromEntries(SELLER_VARIABLES.map((name) => [name, z.string().trim().optional()])),
  MAILLON_ACCEPTANCE_DAYS: z.coerce.number().positive().default(7),
  MAILLON_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  MAILLON_CONTROL_DAYS: z.coerce.number().nonnegative().default(30),
  MAILLON_COMMISSION_PERCENT: z.coerce.number().min(0).max(100).default(25),
  MAILLON_WITHDRAWAL_MINIMUM_EUROS: z.coerce.number().int().min(1).max(100_000).default(50),
  MAILLON_IMPORT_MAX_MB: z.coerce.number().positive().max(1024).default(32),
  MAILLON_IMPORT_MAX_LINES: z.coerce.number().int().positive().default(500_000),
  MAILLON_IMPORT_MAX_KEYWORDS_PER_URL: z.coerce.number().int().positive().default(50_000),
  MAILLON_IMPORT_CHUNK_ROWS: z.coerce.number().int().min(50).max(10_000).optional(),
  // Durations: 30s, 15m, 24h, 7d or 12mo (http/durations.ts).
  MAILLON_MONITOR_EVERY: z.string().default('24h'),
  MAILLON_MONITOR_RETRY_WINDOW: z.string().default('72h'),
  MAILLON_MONITOR_HOST_PAUSE: z.string().default('2s'),
  MAILLON_MONITOR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  MAILLON_REINSTATE_DELAY: z.string().default('7d'),
  MAILLON_DEFAULT_GUARANTEE: z.string().default('12mo'),
  // The waits before each new attempt of a check that failed for a passing reason (timeout, 5xx,
  // refused connection): a comma list of durations; empty for no retry.
  MAILLON_CRAWLER_RETRY_DELAYS: z.string().default('1s,3s,9s'),
  NODE_ENV: z.string().default('development'),
});

const DURATION_VARIABLES = [
  'MAILLON_MONITOR_EVERY',
  'MAILLON_MONITOR_RETRY_WINDOW',
  'MAILLON_MONITOR_HOST_PAUSE',
  'MAILLON_REINSTATE_DELAY',
  'MAILLON_DEFAULT_GUARANTEE',
] as const;

export type Seller = {
  name: string;
  legalName: string;
  address: string;
  postalCode: string;
  city: string;
  country: string;
  siret: string;
  vatNumber: string;
  rcs: string;
  capital: string;
  iban: string;
  bic: string;
  bank: string;
};

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  seed: 'demo' | 'none';
  supportEmail: string | undefined;
  supportPassword: string | undefined;
  crawlerAllowPrivate: boolean;
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  actAsMs: number;
  /** sign-in failures allowed per window: per e-mail alone (a high ceiling), per address, per (e-mail, address) */
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginMaxFailuresPerPair: number;
  loginWindowMs: number;
  /** log two lines per request (Fastify's own); otherwise only 5xx answers and slow requests are logged */
  logRequests: boolean;
  /** a request taking longer than this (ms) logs a warning line, even with `logRequests` off */
  slowRequestMs: number;
  /** memory for the answers the read cache keeps (http/read-cache.ts), in bytes; 0 keeps none */
  readCacheBytes: number;
  /** Fastify's `trustProxy`: false, a number of hops, or the proxies' addresses/CIDRs */
  trustProxy: false | number | string[];
  development: boolean;
  /** NODE_ENV=production: no demo seed, no demo seller, no readable links in the outbox */
  production: boolean;
  /**
   * Whether support's outbox may show the live links of invitations and resets: only in
   * development without SMTP (that is how the demo signs people in).
   */
  outboxShowsLinks: boolean;
  /** the issuer printed on invoices and pro-formas */
  seller: Seller;
  /** a publisher must accept an order within this delay, or it expires */
  acceptanceMs: number;
  /** the hour (Paris time, 0–23) at which the daily notification digests go out */
  digestHour: number;
  /** after verification, the publisher's earning becomes payable after this period */
  controlMs: number;
  /** the platform's share of an order's price, in basis points */
  commissionBp: number;
  /** the smallest withdrawal a publisher may ask for */
  withdrawalMinimumCents: number;
  /** keyword imports (CSV): the largest file, its most data lines, the most keywords per article URL */
  importMaxBytes: number;
  importMaxLines: number;
  importMaxKeywordsPerUrl: number;
  /**
   * keywords written per import transaction: PGlite is one session, so every other request waits
   * for the chunk being written; smaller chunks there keep those waits short
   */
  importChunkRows: number;
  /** how often each verified link is re-checked during its guarantee */
  monitorEveryMs: number;
  /** how long a site that is down (unreachable, 5xx) is retried before its failure counts */
  monitorRetryWindowMs: number;
  /** the pause between two checks of one host */
  monitorHostPauseMs: number;
  /** how many checks (of different hosts) one process runs at a time */
  monitorConcurrency: number;
  /** how long a publisher has to reinstate a link once a claim is opened */
  reinstateDelayMs: number;
  /** the guarantee of a site whose publisher chose none */
  defaultGuarantee: Duration;
  /** the waits before each new attempt of a check that failed for a passing reason */
  crawlerRetryDelaysMs: number[];
};

/** Reads every setting from the environment once; a bad value stops the start with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ZEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production && e.MAILLON_SEED === 'demo') {
    problems.push('  MAILLON_SEED: "demo" is refused in production (demo accounts with a published password)');
  }
  const seller = {} as Record<SellerVariable, string>;
  const missing: string[] = [];
  for (const name of SELLER_VARIABLES) {
    const value = (e as Record<string, unknown>)[name] as string | undefined;
    if (value) seller[name] = value;
    else if (production) missing.push(name);
    else seller[name] = DEMO_SELLER[name];
  }
  if (seller.MAILLON_SELLER_COUNTRY && !/^[A-Za-z]{2}$/.test(seller.MAILLON_SELLER_COUNTRY)) {
    problems.push('  MAILLON_SELLER_COUNTRY: expected a two-letter country code (FR)');
  }
  if (seller.MAILLON_SELLER_SIRET && !/^\d{14}$/.test(compact(seller.MAILLON_SELLER_SIRET))) {
    problems.push('  MAILLON_SELLER_SIRET: expected 14 digits');
  }
  if (missing.length > 0) {
    problems.push(`  the seller printed on invoices is required in production; missing: ${missing.join(', ')}`);
  }
  if (production) {
    const demo = DEMO_IDENTIFIERS.filter((name) => seller[name] && compact(seller[name]) === compact(DEMO_SELLER[name]));
    if (demo.length > 0) problems.push(`  demo values are refused in production: ${demo.join(', ')}`);
  }
  const durations = {} as Record<(typeof DURATION_VARIABLES)[number], Duration>;
  for (const name of DURATION_VARIABLES) {
    const duration = parseDuration(e[name]);
    if (duration) durations[name] = duration;
    else problems.push(`  ${name}: expected a duration such as 30s, 15m, 24h, 7d or 12mo (got ${JSON.stringify(e[name])})`);
  }
  const retryDelays = e.MAILLON_CRAWLER_RETRY_DELAYS.split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map(parseDuration);
  if (retryDelays.some((d) => d === null) || retryDelays.length > 10) {
    problems.push('  MAILLON_CRAWLER_RETRY_DELAYS: expected up to 10 durations separated by commas (1s,3s,9s), or nothing');
  }
  const trustProxy = parseTrustProxy(e.MAILLON_TRUST_PROXY);
  if (trustProxy === null) {
    problems.push('  MAILLON_TRUST_PROXY: expected 0, a number of proxies (1, 2...) or a comma list of proxy addresses/CIDRs');
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.MAILLON_DATA_DIR,
    seed: e.MAILLON_SEED ?? (production ? 'none' : 'demo'),
    supportEmail: e.MAILLON_SUPPORT_EMAIL,
    supportPassword: e.MAILLON_SUPPORT_PASSWORD,
    crawlerAllowPrivate: e.MAILLON_CRAWLER_ALLOW_PRIVATE,
    publicUrl: e.MAILLON_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    smtpUrl: e.MAILLON_SMTP_URL,
    mailFrom: e.MAILLON_MAIL_FROM,
    sessionIdleMs: e.MAILLON_SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.MAILLON_SESSION_ABSOLUTE_HOURS * 3_600_000,
    actAsMs: e.MAILLON_ACT_AS_MINUTES * 60_000,
    loginMaxFailuresPerAccount: e.MAILLON_LOGIN_MAX_FAILURES_ACCOUNT,
    loginMaxFailuresPerAddress: e.MAILLON_LOGIN_MAX_FAILURES_ADDRESS,
    loginMaxFailuresPerPair: e.MAILLON_LOGIN_MAX_FAILURES_PAIR,
    loginWindowMs: e.MAILLON_LOGIN_WINDOW_MINUTES * 60_000,
    trustProxy: trustProxy ?? false,
    logRequests: e.MAILLON_LOG_REQUESTS,
    slowRequestMs: e.MAILLON_SLOW_REQUEST_MS,
    readCacheBytes: e.MAILLON_READ_CACHE_MB * 1_048_576,
    development: !production,
    production,
    outboxShowsLinks: !production && !e.MAILLON_SMTP_URL,
    acceptanceMs: e.MAILLON_ACCEPTANCE_DAYS * 86_400_000,
    digestHour: e.MAILLON_DIGEST_HOUR,
    controlMs: e.MAILLON_CONTROL_DAYS * 86_400_000,
    commissionBp: Math.round(e.MAILLON_COMMISSION_PERCENT * 100),
    withdrawalMinimumCents: e.MAILLON_WITHDRAWAL_MINIMUM_EUROS * 100,
    importMaxBytes: Math.round(e.MAILLON_IMPORT_MAX_MB * 1024 * 1024),
    importMaxLines: e.MAILLON_IMPORT_MAX_LINES,
    importMaxKeywordsPerUrl: e.MAILLON_IMPORT_MAX_KEYWORDS_PER_URL,
    importChunkRows: e.MAILLON_IMPORT_CHUNK_ROWS ?? (e.DATABASE_URL ? 2000 : 250),
    monitorEveryMs: durationMs(durations.MAILLON_MONITOR_EVERY),
    monitorRetryWindowMs: durationMs(durations.MAILLON_MONITOR_RETRY_WINDOW),
    monitorHostPauseMs: durationMs(durations.MAILLON_MONITOR_HOST_PAUSE),
    monitorConcurrency: e.MAILLON_MONITOR_CONCURRENCY,
    reinstateDelayMs: durationMs(durations.MAILLON_REINSTATE_DELAY),
    defaultGuarantee: durations.MAILLON_DEFAULT_GUARANTEE,
    crawlerRetryDelaysMs: retryDelays.map((d) => (d ? durationMs(d) : 0)),
    seller: {
      name: seller.MAILLON_SELLER_NAME,
      legalName: seller.MAILLON_SELLER_NAME,
      address: seller.MAILLON_SELLER_ADDRESS,
      postalCode: seller.MAILLON_SELLER_POSTAL_CODE,
      city: seller.MAILLON_SELLER_CITY,
      country: seller.MAILLON_SELLER_COUNTRY.toUpperCase(),
      siret: seller.MAILLON_SELLER_SIRET,
      vatNumber: seller.MAILLON_SELLER_VAT_NUMBER,
      rcs: seller.MAILLON_SELLER_RCS,
      capital: seller.MAILLON_SELLER_CAPITAL,
      iban: seller.MAILLON_SELLER_IBAN,
      bic: seller.MAILLON_SELLER_BIC,
      bank: seller.MAILLON_SELLER_BANK,
    },
  };
}
