/**
 * Domains of publishers' sites and clients' projects: lower-case, punycode, no scheme, no path,
 * no leading "www.". `localhost` and loopback addresses (`127.0.0.1`, any of 127.0.0.0/8) with a
 * port are accepted only when the crawler may fetch private addresses (tests serve their own
 * articles that way, one loopback address per site when they need distinct hosts).
 */
export function normalizeDomain(input: string, allowLocal: boolean): string | null {
  const raw = input.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const host = url.hostname.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
  if (allowLocal && (host === 'localhost' || /^127(\.\d{1,3}){3}$/.test(host))) return url.port ? `${host}:${url.port}` : host;
  if (url.port) return null;
  const labels = host.split('.');
  const valid = labels.length >= 2 && labels.every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l)) && /[a-z]/.test(labels.at(-1)!);
  return valid ? host : null;
}

/** Whether `url` is an http(s) URL on `domain` or one of its subdomains. */
export function isUrlOnDomain(url: string, domain: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  const host = parsed.hostname.toLowerCase().replace(/^www\./, '');
  const hostWithPort = parsed.port ? `${host}:${parsed.port}` : host;
  if (domain.includes(':')) return hostWithPort === domain;
  return !parsed.port && (host === domain || host.endsWith(`.${domain}`));
}

/** Lower-cased, accents removed, whitespace collapsed: how keywords are compared and searched. */
export function normalizeKeyword(keyword: string): string {
  return keyword
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A search text as a prefix query for PostgreSQL's full-text search: every word must start a word of the keyword. */
export function toPrefixQuery(text: string): string | null {
  const words = normalizeKeyword(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

/** A cell of the price grid and the top-10 bonus settings, as stored. */
export type GridCell = { siteKind: string; maxPosition: number; minVolume: number; priceCents: number };
export type PriceRules = { cells: GridCell[]; top10BonusCents: number; top10BonusMax: number };

/** How a price is made: the grid cell of the best keyword plus the bonus per extra top-10 keyword. */
export type PriceExplanation = {
  positionBand: { min: number; max: number };
  volumeBand: { min: number; max: number | null };
  basePriceCents: number;
  extraTop10Count: number;
  top10BonusCents: number;
  top10BonusMax: number;
  bonusCents: number;
  totalCents: number;
};

/**
 * Explains a price the way refreshArticles computes it (the cell of the site's kind with the
 * smallest max position >= the position, then the largest min volume <= the volume; plus
 * min(max(top10 - 1, 0), cap) × bonus). Null when no cell applies.
 */
export function explainPrice(rules: PriceRules, siteKind: string, position: number, volume: number, top10Count: number): PriceExplanation | null {
  const cells = rules.cells.filter((c) => c.siteKind === siteKind);
  const cell = cells
    .filter((c) => c.maxPosition >= position && c.minVolume <= volume)
    .sort((a, b) => a.maxPosition - b.maxPosition || b.minVolume - a.minVolume)[0];
  if (!cell) return null;
  const lowerMax = Math.max(0, ...cells.map((c) => c.maxPosition).filter((m) => m < cell.maxPosition));
  const higherMins = cells.filter((c) => c.maxPosition === cell.maxPosition && c.minVolume > cell.minVolume).map((c) => c.minVolume);
  const extra = Math.min(Math.max(top10Count - 1, 0), rules.top10BonusMax);
  const bonusCents = extra * rules.top10BonusCents;
  return {
    positionBand: { min: lowerMax + 1, max: cell.maxPosition },
    volumeBand: { min: cell.minVolume, max: higherMins.length ? Math.min(...higherMins) - 1 : null },
    basePriceCents: cell.priceCents,
    extraTop10Count: extra,
    top10BonusCents: rules.top10BonusCents,
    top10BonusMax: rules.top10BonusMax,
    bonusCents,
    totalCents: cell.priceCents + bonusCents,
  };
}
