import { z } from 'zod';

const ZFlag = z
  .enum(['0', '1', 'true', 'false', ''])
  .default('0')
  .transform((v) => v === '1' || v === 'true');

const ZEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  MAILLON_DATA_DIR: z.string().default('./data'),
  MAILLON_SEED: z.enum(['demo', 'none']).default('demo'),
  MAILLON_SUPPORT_EMAIL: z.string().email().optional(),
  MAILLON_SUPPORT_PASSWORD: z.string().min(10).optional(),
  MAILLON_CRAWLER_ALLOW_PRIVATE: ZFlag,
  MAILLON_PUBLIC_URL: z.string().url().optional(),
  MAILLON_SMTP_URL: z.string().optional(),
  MAILLON_MAIL_FROM: z.string().default('Maillon <no-reply@maillon.local>'),
  MAILLON_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(8 * 60),
  MAILLON_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(7 * 24),
  MAILLON_ACT_AS_MINUTES: z.coerce.number().int().positive().default(60),
  MAILLON_LOGIN_MAX_FAILURES_ACCOUNT: z.coerce.number().int().positive().default(5),
  MAILLON_LOGIN_MAX_FAILURES_ADDRESS: z.coerce.number().int().positive().default(20),
  MAILLON_LOGIN_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  MAILLON_TRUST_PROXY: ZFlag,
  MAILLON_SELLER_NAME: z.string().default('Maillon SAS'),
  MAILLON_SELLER_ADDRESS: z.string().default('10 rue du Faubourg Montmartre'),
  MAILLON_SELLER_POSTAL_CODE: z.string().default('75009'),
  MAILLON_SELLER_CITY: z.string().default('Paris'),
  MAILLON_SELLER_COUNTRY: z.string().length(2).default('FR'),
  MAILLON_SELLER_SIRET: z.string().default('91234567800018'),
  MAILLON_SELLER_VAT_NUMBER: z.string().default('FR32912345678'),
  MAILLON_SELLER_RCS: z.string().default('RCS Paris 912 345 678'),
  MAILLON_SELLER_CAPITAL: z.string().default('SAS au capital de 10 000 €'),
  MAILLON_SELLER_IBAN: z.string().default('FR76 3000 6000 0112 3456 7890 189'),
  MAILLON_SELLER_BIC: z.string().default('AGRIFRPPXXX'),
  MAILLON_SELLER_BANK: z.string().default('Crédit Agricole Île-de-France'),
  MAILLON_ACCEPTANCE_DAYS: z.coerce.number().positive().default(7),
  MAILLON_CONTROL_DAYS: z.coerce.number().nonnegative().default(30),
  MAILLON_COMMISSION_PERCENT: z.coerce.number().min(0).max(100).default(25),
  MAILLON_IMPORT_MAX_MB: z.coerce.number().positive().max(1024).default(32),
  MAILLON_IMPORT_MAX_LINES: z.coerce.number().int().positive().default(500_000),
  MAILLON_IMPORT_MAX_KEYWORDS_PER_URL: z.coerce.number().int().positive().default(50_000),
  NODE_ENV: z.string().default('development'),
});

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
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginWindowMs: number;
  trustProxy: boolean;
  development: boolean;
  /** the issuer printed on invoices and pro-formas */
  seller: Seller;
  /** a publisher must accept an order within this delay, or it expires */
  acceptanceMs: number;
  /** after verification, the publisher's earning becomes payable after this period */
  controlMs: number;
  /** the platform's share of an order's price, in basis points */
  commissionBp: number;
  /** keyword imports (CSV): the largest file, its most data lines, the most keywords per article URL */
  importMaxBytes: number;
  importMaxLines: number;
  importMaxKeywordsPerUrl: number;
};

/** Reads every setting from the environment once; a bad value stops the start with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ZEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.MAILLON_DATA_DIR,
    seed: e.MAILLON_SEED,
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
    loginWindowMs: e.MAILLON_LOGIN_WINDOW_MINUTES * 60_000,
    trustProxy: e.MAILLON_TRUST_PROXY,
    development: e.NODE_ENV !== 'production',
    acceptanceMs: e.MAILLON_ACCEPTANCE_DAYS * 86_400_000,
    controlMs: e.MAILLON_CONTROL_DAYS * 86_400_000,
    commissionBp: Math.round(e.MAILLON_COMMISSION_PERCENT * 100),
    importMaxBytes: Math.round(e.MAILLON_IMPORT_MAX_MB * 1024 * 1024),
    importMaxLines: e.MAILLON_IMPORT_MAX_LINES,
    importMaxKeywordsPerUrl: e.MAILLON_IMPORT_MAX_KEYWORDS_PER_URL,
    seller: {
      name: e.MAILLON_SELLER_NAME,
      legalName: e.MAILLON_SELLER_NAME,
      address: e.MAILLON_SELLER_ADDRESS,
      postalCode: e.MAILLON_SELLER_POSTAL_CODE,
      city: e.MAILLON_SELLER_CITY,
      country: e.MAILLON_SELLER_COUNTRY.toUpperCase(),
      siret: e.MAILLON_SELLER_SIRET,
      vatNumber: e.MAILLON_SELLER_VAT_NUMBER,
      rcs: e.MAILLON_SELLER_RCS,
      capital: e.MAILLON_SELLER_CAPITAL,
      iban: e.MAILLON_SELLER_IBAN,
      bic: e.MAILLON_SELLER_BIC,
      bank: e.MAILLON_SELLER_BANK,
    },
  };
}
