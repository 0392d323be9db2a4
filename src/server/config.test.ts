import { describe, expect, it } from 'vitest';
import { DEMO_SELLER, fastifyTrustProxy, loadConfig } from './config.js';

/** A complete, made-up but real-looking issuer (none of the demo identifiers). */
const REAL_SELLER = {
  MAILLON_SELLER_NAME: 'Liens Durables SAS',
  MAILLON_SELLER_ADDRESS: '4 quai des Chartrons',
  MAILLON_SELLER_POSTAL_CODE: '33000',
  MAILLON_SELLER_CITY: 'Bordeaux',
  MAILLON_SELLER_COUNTRY: 'FR',
  MAILLON_SELLER_SIRET: '73282932000074',
  MAILLON_SELLER_VAT_NUMBER: 'FR44732829320',
  MAILLON_SELLER_RCS: 'RCS Bordeaux 732 829 320',
  MAILLON_SELLER_CAPITAL: 'SAS au capital de 50 000 €',
  MAILLON_SELLER_IBAN: 'FR14 2004 1010 0505 0001 3M02 606',
  MAILLON_SELLER_BIC: 'PSSTFRPPPAR',
  MAILLON_SELLER_BANK: 'La Banque Postale',
};

describe('loadConfig in production', () => {
  it('refuses to start without the seller and names every missing variable', () => {
    let message = '';
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const name of Object.keys(REAL_SELLER)) expect(message).toContain(name);
  });

  it('names only the variables still missing', () => {
    const { MAILLON_SELLER_IBAN: _iban, MAILLON_SELLER_BIC: _bic, ...partial } = REAL_SELLER;
    expect(() => loadConfig({ NODE_ENV: 'production', ...partial })).toThrow(/missing: MAILLON_SELLER_IBAN, MAILLON_SELLER_BIC$/m);
    expect(() => loadConfig({ NODE_ENV: 'production', ...REAL_SELLER, MAILLON_SELLER_CITY: '  ' })).toThrow(/MAILLON_SELLER_CITY/);
  });

  it('refuses the demo SIRET, VAT number, IBAN and BIC even when set explicitly', () => {
    const env = {
      NODE_ENV: 'production',
      ...REAL_SELLER,
      MAILLON_SELLER_SIRET: DEMO_SELLER.MAILLON_SELLER_SIRET,
      MAILLON_SELLER_IBAN: DEMO_SELLER.MAILLON_SELLER_IBAN.replace(/ /g, ''),
    };
    expect(() => loadConfig(env)).toThrow(/demo values are refused in production: MAILLON_SELLER_SIRET, MAILLON_SELLER_IBAN/);
  });

  it('starts with a real seller: no demo seed, no readable links, invoices carry that seller', () => {
    const config = loadConfig({ NODE_ENV: 'production', ...REAL_SELLER });
    expect(config.production).toBe(true);
    expect(config.development).toBe(false);
    expect(config.seed).toBe('none');
    expect(config.outboxShowsLinks).toBe(false);
    expect(config.seller).toMatchObject({ siret: '73282932000074', vatNumber: 'FR44732829320', iban: REAL_SELLER.MAILLON_SELLER_IBAN, city: 'Bordeaux' });
  });

  it('refuses the demo seed', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ...REAL_SELLER, MAILLON_SEED: 'demo' })).toThrow(/MAILLON_SEED/);
  });
});

describe('loadConfig in development', () => {
  it('keeps the conveniences: demo seed, demo seller, readable links without SMTP', () => {
    const config = loadConfig({});
    expect(config.production).toBe(false);
    expect(config.seed).toBe('demo');
    expect(config.seller.siret).toBe(DEMO_SELLER.MAILLON_SELLER_SIRET);
    expect(config.outboxShowsLinks).toBe(true);
  });

  it('hides the links as soon as SMTP is configured', () => {
    expect(loadConfig({ MAILLON_SMTP_URL: 'smtp://127.0.0.1:2525' }).outboxShowsLinks).toBe(false);
  });

  it('keeps the sign-in limit settings: pair, address, and a higher ceiling per e-mail', () => {
    const config = loadConfig({});
    expect(config.loginMaxFailuresPerPair).toBe(5);
    expect(config.loginMaxFailuresPerAddress).toBe(20);
    expect(config.loginMaxFailuresPerAccount).toBe(50);
    expect(loadConfig({ MAILLON_LOGIN_MAX_FAILURES_ACCOUNT: '30' }).loginMaxFailuresPerAccount).toBe(30);
  });
});

describe('MAILLON_TRUST_PROXY', () => {
  it('takes nothing, a number of hops, or a list of proxy addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ MAILLON_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ MAILLON_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ MAILLON_TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ MAILLON_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ MAILLON_TRUST_PROXY: '10.0.0.0/8, 192.0.2.1,::1' }).trustProxy).toEqual(['10.0.0.0/8', '192.0.2.1', '::1']);
    expect(() => loadConfig({ MAILLON_TRUST_PROXY: 'proxy.example.com' })).toThrow(/MAILLON_TRUST_PROXY/);
    expect(() => loadConfig({ MAILLON_TRUST_PROXY: '10.0.0.0/40' })).toThrow(/MAILLON_TRUST_PROXY/);
  });

  it('turns a hop count into a function that trusts exactly that many hops', () => {
    const trust = fastifyTrustProxy(2) as (address: string, hop: number) => boolean;
    expect([0, 1, 2].map((hop) => trust('192.0.2.1', hop))).toEqual([true, true, false]);
  });
});

describe('durations in settings', () => {
  it('reads 30s, 15m, 24h, 7d and 12mo, months as calendar months', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      MAILLON_MONITOR_EVERY: '30s',
      MAILLON_MONITOR_RETRY_WINDOW: '15m',
      MAILLON_REINSTATE_DELAY: '7d',
      MAILLON_MONITOR_HOST_PAUSE: '24h',
      MAILLON_DEFAULT_GUARANTEE: '12mo',
      MAILLON_CRAWLER_RETRY_DELAYS: '1s, 5s',
    });
    expect([config.monitorEveryMs, config.monitorRetryWindowMs, config.reinstateDelayMs, config.monitorHostPauseMs]).toEqual([
      30_000, 900_000, 7 * 86_400_000, 86_400_000,
    ]);
    expect(config.defaultGuarantee).toEqual({ months: 12 });
    expect(config.crawlerRetryDelaysMs).toEqual([1_000, 5_000]);
    expect(loadConfig({ NODE_ENV: 'test', MAILLON_CRAWLER_RETRY_DELAYS: '' }).crawlerRetryDelaysMs).toEqual([]);
  });

  it('refuses a duration it cannot read and names the variable', () => {
    for (const bad of ['24', 'une heure', '0h', '-3d', '1.5h']) {
      expect(() => loadConfig({ NODE_ENV: 'test', MAILLON_MONITOR_EVERY: bad })).toThrow(/MAILLON_MONITOR_EVERY: expected a duration/);
    }
    expect(() => loadConfig({ NODE_ENV: 'test', MAILLON_CRAWLER_RETRY_DELAYS: '1s,soon' })).toThrow(/MAILLON_CRAWLER_RETRY_DELAYS/);
  });
});
