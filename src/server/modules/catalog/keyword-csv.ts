/**
 * Parses the keyword exports of SEO tools (Semrush, Ahrefs, Haloscan, or any CSV whose headers say
 * keyword / position / volume / URL) into positioned keywords for a publisher's articles.
 *
 * Pure: no database, no I/O. The CSV grammar (quotes, embedded delimiters and newlines, CRLF) is
 * csv-parse's; this module decodes the bytes, finds the header row and the delimiter, maps the
 * columns, validates each value and reports every bad line with its line number in the file.
 */
import { parse } from 'csv-parse/sync';

export type ParsedKeyword = {
  /** 1-based line in the file (header = 1); for a record spanning several lines, the line where it starts. */
  line: number;
  /** Absolute http(s) URL, normalized by the WHATWG URL parser, without fragment. */
  url: string;
  /** As written, trimmed, internal whitespace collapsed. */
  keyword: string;
  /** Integer ≥ 1 (a decimal average position, as Search Console gives, is rounded). */
  position: number;
  /** Integer ≥ 0. */
  volume: number;
};

export type LocalizedText = { fr: string; en: string };

export type LineError = {
  line: number;
  reason: LocalizedText;
  /** The record as it stands in the file, truncated to 200 characters. */
  raw: string;
};

export type CsvFormat = 'semrush' | 'ahrefs' | 'haloscan' | 'generic';
export type CsvDelimiter = ',' | ';' | '\t';
export type KeywordField = 'keyword' | 'position' | 'volume' | 'url';

export type ParseResult = {
  format: CsvFormat;
  delimiter: CsvDelimiter;
  /** The header names used for each field, as written in the file ('' for url when `defaultUrl` stood in). */
  columns: { url: string; keyword: string; position: string; volume: string };
  /** Good rows, in file order; a duplicate keeps only its best-positioned line. */
  rows: ParsedKeyword[];
  /** Bad lines, in file order; one entry per line, its reasons joined. */
  errors: LineError[];
  /** Data records read (blank lines and the header excluded): always rows.length + errors.length. */
  totalLines: number;
};

export type ParseOptions = {
  /** The article URL, when the export has no URL column (a single-URL export). */
  defaultUrl?: string;
  /** When given, a row whose URL is not on this domain (or a subdomain of it) is a line error. */
  siteDomain?: string;
  /** When given, a file with more data lines than this is refused as a whole (`too_many_lines`). */
  maxLines?: number;
};

export type CsvFormatErrorCode =
  | 'empty'
  | 'binary'
  | 'no_header'
  | 'missing_columns'
  | 'invalid_default_url'
  | 'too_many_lines'
  | 'too_many_keywords';

/** The file as a whole cannot be used. `fr` and `en` are ready to show; `message` is `en`. */
export class CsvFormatError extends Error {
  readonly fr: string;
  readonly en: string;
  constructor(
    readonly code: CsvFormatErrorCode,
    text: LocalizedText,
    /** For `missing_columns`: the fields not found, and every header the file has. */
    readonly details: { missingColumns?: KeywordField[]; foundHeaders?: string[] } = {},
  ) {
    super(text.en);
    this.name = 'CsvFormatError';
    this.fr = text.fr;
    this.en = text.en;
  }
}

const MAX_KEYWORD_LENGTH = 200;
const MAX_RAW_LENGTH = 200;
/** How many non-blank lines may precede the header (some exports start with a title or a date). */
const HEADER_SEARCH_LINES = 10;
const DELIMITERS: CsvDelimiter[] = [',', ';', '\t'];
const FIELDS: KeywordField[] = ['keyword', 'position', 'volume', 'url'];

// ---------------------------------------------------------------------------------------------
// Header names. Compared after normalizeHeader(): lower case, accents removed, text in brackets
// removed, _ - . / # ' turned into spaces, whitespace collapsed. Earlier synonyms win when a file
// has several columns for one field. Columns such as "Previous position", "Previous URL",
// "Keyword Difficulty", "Traffic" or "Position History" are deliberately absent.
// ---------------------------------------------------------------------------------------------

export const HEADER_SYNONYMS: Record<KeywordField, readonly string[]> = {
  keyword: [
    'keyword',
    'mot cle',
    'mot clef',
    'mots cles',
    'mots clefs',
    'motcle',
    'keywords',
    'kw',
    'query',
    'queries',
    'top queries',
    'requete',
    'requetes',
    'requetes les plus frequentes',
    'search query',
    'search term',
    'search terms',
    'requete de recherche',
    'terme de recherche',
    'term',
    'terme',
    'expression',
    'expression cle',
    'keyphrase',
    'key phrase',
  ],
  position: [
    'position',
    'current position',
    'position actuelle',
    'pos',
    'rank',
    'ranking',
    'current rank',
    'rang',
    'classement',
    'positionnement',
    'position google',
    'google position',
    'google rank',
    'serp position',
    'position serp',
    'position moyenne',
    'average position',
    'avg position',
  ],
  volume: [
    'volume',
    'search volume',
    'volume de recherche',
    'volume de recherches',
    'volume recherche',
    'volume mensuel',
    'volume de recherche mensuel',
    'monthly volume',
    'monthly search volume',
    'recherches mensuelles',
    'nombre de recherches',
    'nb de recherches',
    'nb recherches',
    'avg monthly searches',
    'average monthly searches',
    'monthly searches',
    'searches',
    'recherches',
    'search vol',
    'vol',
    'sv',
    'msv',
    'local volume',
    'volume local',
    'global volume',
    'volume global',
  ],
  url: [
    'url',
    'current url',
    'url actuelle',
    'page',
    'landing page',
    'url de la page',
    'page url',
    'url de page',
    'page de destination',
    'page d atterrissage',
    'ranking url',
    'url positionnee',
    'url classee',
    'target url',
    'url cible',
    'address',
    'adresse',
    'adresse url',
    'lien',
    'link',
  ],
};

/** Headers that only one tool writes: the format reported is the one with most of them. */
const FORMAT_SIGNALS: Record<Exclude<CsvFormat, 'generic'>, readonly string[]> = {
  semrush: [
    'search volume',
    'volume de recherche',
    'keyword difficulty',
    'difficulte du mot cle',
    'traffic cost',
    'cout du trafic',
    'number of results',
    'nombre de resultats',
    'timestamp',
    'horodatage',
    'serp features by keyword',
    'fonctionnalites serp par mot cle',
    'keyword intents',
    'intentions de mot cle',
    'position type',
    'type de position',
    'trends',
    'tendances',
  ],
  ahrefs: [
    'current position',
    'position actuelle',
    'current url',
    'url actuelle',
    'current url inside',
    'kd',
    'serp features',
    'fonctionnalites serp',
    'position history',
    'last update',
    'organic traffic',
    'trafic organique',
    'previous url',
    'url precedente',
    'global volume',
    'volume global',
  ],
  haloscan: ['kgr', 'allintitle', 'kvi'],
};

const FIELD_NAMES: Record<KeywordField, LocalizedText> = {
  keyword: { fr: 'mot-clé', en: 'keyword' },
  position: { fr: 'position', en: 'position' },
  volume: { fr: 'volume', en: 'volume' },
  url: { fr: 'URL', en: 'URL' },
};

const FIELD_EXAMPLES: Record<KeywordField, readonly string[]> = {
  keyword: ['Keyword', 'Mot-clé', 'Requête'],
  position: ['Position', 'Current position', 'Position actuelle', 'Classement'],
  volume: ['Volume', 'Search Volume', 'Volume de recherche'],
  url: ['URL', 'Current URL', 'URL actuelle', 'Page'],
};

const SYNONYM_INDEX = new Map<string, { field: KeywordField; rank: number }>();
for (const field of FIELDS) {
  HEADER_SYNONYMS[field].forEach((name, rank) => SYNONYM_INDEX.set(name, { field, rank }));
}

export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/[_\-./#'’:]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

type ColumnMap = Partial<Record<KeywordField, number>>;

function mapColumns(headers: string[]): ColumnMap {
  const best: Partial<Record<KeywordField, { index: number; rank: number }>> = {};
  headers.forEach((header, index) => {
    const hit = SYNONYM_INDEX.get(normalizeHeader(header));
    if (!hit) return;
    const current = best[hit.field];
    if (!current || hit.rank < current.rank) best[hit.field] = { index, rank: hit.rank };
  });
  const map: ColumnMap = {};
  for (const field of FIELDS) if (best[field]) map[field] = best[field].index;
  return map;
}

function detectFormat(headers: string[]): CsvFormat {
  const names = new Set(headers.map(normalizeHeader));
  // Haloscan writes snake_case French headers; no other tool writes "mot_cle".
  const haloscanRaw = headers.some((h) =>
    /^mot_cle$/i.test(
      h
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .trim(),
    ),
  );
  const scores: [CsvFormat, number][] = (Object.keys(FORMAT_SIGNALS) as Exclude<CsvFormat, 'generic'>[]).map((format) => [
    format,
    FORMAT_SIGNALS[format].filter((s) => names.has(s)).length + (format === 'haloscan' && haloscanRaw ? 2 : 0),
  ]);
  let best: [CsvFormat, number] = ['generic', 0];
  for (const score of scores) if (score[1] > best[1]) best = score;
  return best[0];
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

function decode(input: Buffer | string): string {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const bytes = input;
  if (bytes.length === 0) return '';
  rejectKnownBinary(bytes);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const utf16 = sniffUtf16(bytes);
  if (utf16) return new TextDecoder(utf16).decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: French Excel saves "CSV (séparateur : point-virgule)" in Windows-1252.
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** UTF-16 without BOM: ASCII text then has a zero in every other byte. */
function sniffUtf16(bytes: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 4) return null;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) zeroEven++;
    if (bytes[i + 1] === 0) zeroOdd++;
  }
  const half = n / 2;
  if (zeroOdd > half * 0.4 && zeroEven < half * 0.05) return 'utf-16le';
  if (zeroEven > half * 0.4 && zeroOdd < half * 0.05) return 'utf-16be';
  return null;
}

function rejectKnownBinary(bytes: Buffer): void {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0xd0, 0xcf, 0x11, 0xe0)) {
    throw new CsvFormatError('binary', {
      fr: 'Ce fichier est un classeur Excel, pas un CSV : ouvrez-le et enregistrez-le au format CSV.',
      en: 'This file is an Excel workbook, not a CSV: open it and save it as CSV.',
    });
  }
  if (starts(0x25, 0x50, 0x44, 0x46)) {
    throw new CsvFormatError('binary', {
      fr: 'Ce fichier est un PDF, pas un CSV : exportez les mots-clés au format CSV depuis votre outil SEO.',
      en: 'This file is a PDF, not a CSV: export the keywords as CSV from your SEO tool.',
    });
  }
}

/** Text with NUL characters or many control characters is not a CSV. */
function rejectBinaryText(text: string): void {
  const n = Math.min(text.length, 65536);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) {
      controls = n; // one NUL is enough
      break;
    }
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) controls++;
  }
  if (controls > n / 100) {
    throw new CsvFormatError('binary', {
      fr: 'Ce fichier n’est pas un fichier texte CSV (contenu binaire). Exportez les mots-clés au format CSV.',
      en: 'This file is not a CSV text file (binary content). Export the keywords as CSV.',
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Header row and delimiter
// ---------------------------------------------------------------------------------------------

type Header = { offset: number; line: number; delimiter: CsvDelimiter; headers: string[]; map: ColumnMap };

function splitLine(line: string, delimiter: CsvDelimiter): string[] {
  try {
    const records = parse(line, { delimiter, trim: true, relax_quotes: true, relax_column_count: true }) as string[][];
    return records[0] ?? [];
  } catch {
    return [line.trim()];
  }
}

/** Among the first non-blank lines and the three delimiters, the split that names most fields. */
function findHeader(text: string): Header {
  const candidates: { offset: number; line: number; text: string }[] = [];
  let offset = 0;
  let line = 1;
  while (offset < text.length && candidates.length < HEADER_SEARCH_LINES) {
    let end = offset;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    const content = text.slice(offset, end);
    if (/[^\s,;"]/.test(content)) candidates.push({ offset, line, text: content });
    offset = end + (text[end] === '\r' && text[end + 1] === '\n' ? 2 : 1);
    line++;
  }
  if (candidates.length === 0) {
    throw new CsvFormatError('empty', { fr: 'Le fichier est vide.', en: 'The file is empty.' });
  }

  let best: (Header & { mapped: number }) | null = null;
  for (const candidate of candidates) {
    for (const delimiter of DELIMITERS) {
      const headers = splitLine(candidate.text, delimiter);
      const map = mapColumns(headers);
      const mapped = Object.keys(map).length;
      if (mapped === 0) continue;
      if (
        !best ||
        mapped > best.mapped ||
        (mapped === best.mapped && candidate.line === best.line && headers.length > best.headers.length)
      ) {
        best = { offset: candidate.offset, line: candidate.line, delimiter, headers, map, mapped };
      }
    }
  }
  if (best) return best;

  // Nothing recognizable: report the first line, split on the delimiter that gives most cells.
  const first = candidates[0];
  let delimiter: CsvDelimiter = ',';
  let headers = splitLine(first.text, ',');
  for (const d of DELIMITERS) {
    const cells = splitLine(first.text, d);
    if (cells.length > headers.length) [delimiter, headers] = [d, cells];
  }
  if (headers.some((cell) => /^https?:\/\//i.test(cell) || /^-?\d[\d\s.,]*$/.test(cell))) {
    throw new CsvFormatError('no_header', {
      fr: `Aucune ligne d’en-tête trouvée : la première ligne ressemble à des données (« ${clip(first.text, 80)} »). Ajoutez la ligne d’en-tête de l’export (Keyword, Position, Volume, URL…).`,
      en: `No header row found: the first line looks like data ("${clip(first.text, 80)}"). Keep the export's header row (Keyword, Position, Volume, URL…).`,
    });
  }
  return { offset: first.offset, line: first.line, delimiter, headers, map: {} };
}

function tooManyLines(max: number): CsvFormatError {
  return new CsvFormatError('too_many_lines', {
    fr: `Fichier trop long : au plus ${max.toLocaleString('fr-FR')} lignes de données par import. Découpez-le en plusieurs fichiers.`,
    en: `File too long: at most ${max.toLocaleString('en-GB')} data lines per import. Split it into several files.`,
  });
}

function missingColumnsError(missing: KeywordField[], headers: string[]): CsvFormatError {
  const found = headers.filter((h) => h !== '').slice(0, 40);
  const foundFr = found.length ? found.map((h) => `« ${clip(h, 50)} »`).join(', ') : '(aucun)';
  const foundEn = found.length ? found.map((h) => `"${clip(h, 50)}"`).join(', ') : '(none)';
  const listFr = missing
    .map((f) => `${FIELD_NAMES[f].fr} (par ex. ${FIELD_EXAMPLES[f].map((e) => `« ${e} »`).join(', ')})`)
    .join(', ');
  const listEn = missing
    .map((f) => `${FIELD_NAMES[f].en} (e.g. ${FIELD_EXAMPLES[f].map((e) => `"${e}"`).join(', ')})`)
    .join(', ');
  const plural = missing.length > 1;
  return new CsvFormatError(
    'missing_columns',
    {
      fr: `${plural ? 'Colonnes obligatoires introuvables' : 'Colonne obligatoire introuvable'} : ${listFr}. En-têtes trouvés : ${foundFr}.`,
      en: `Required column${plural ? 's' : ''} not found: ${listEn}. Headers found: ${foundEn}.`,
    },
    { missingColumns: missing, foundHeaders: headers },
  );
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

const SPACES = /[\s\u00a0\u202f\u2007\u2009']/g;

/** `3`, `3.0`, `3,0` → 3; a decimal average (`4.6`) is rounded; anything else (range, `>100`, 0) is null. */
export function parsePosition(value: string): number | null {
  const s = value.replace(SPACES, '');
  if (!/^\d+(?:[.,]\d+)?$/.test(s)) return null;
  const position = Math.round(Number(s.replace(',', '.')));
  return position >= 1 && Number.isSafeInteger(position) ? position : null;
}

/** `1200`, `1 200`, `1,200`, `1.200`, `1.2K`, `1,2 k`, `3M`, `1200.0` → integer; anything else is null. */
export function parseVolume(value: string): number | null {
  const s = value.replace(SPACES, '');
  let volume: number;
  const suffixed = /^(\d+(?:[.,]\d+)?)([km])$/i.exec(s);
  if (suffixed) {
    volume = Math.round(Number(suffixed[1].replace(',', '.')) * (suffixed[2].toLowerCase() === 'k' ? 1_000 : 1_000_000));
  } else if (/^\d+$/.test(s)) {
    volume = Number(s);
  } else if (/^\d{1,3}(?:,\d{3})+$/.test(s) || /^\d{1,3}(?:\.\d{3})+$/.test(s)) {
    volume = Number(s.replace(/[.,]/g, ''));
  } else if (/^\d+[.,]0+$/.test(s)) {
    volume = Number(s.replace(/[.,]0+$/, ''));
  } else {
    return null;
  }
  return Number.isSafeInteger(volume) ? volume : null;
}

function normalizeDomain(domain: string): string {
  let d = domain.trim().toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*:\/\//.test(d)) d = `http://${d}`;
  let host: string;
  try {
    host = new URL(d).hostname;
  } catch {
    host = domain.trim().toLowerCase();
  }
  return host.replace(/\.$/, '').replace(/^www\./, '');
}

function isOnDomain(hostname: string, domain: string): boolean {
  const host = hostname.replace(/\.$/, '');
  return host === domain || host.endsWith(`.${domain}`);
}

/** An absolute http(s) URL without its fragment, or null. */
function parseUrl(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
  if (url.hash !== '') url.hash = '';
  return url;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const quoteFr = (v: string) => `« ${clip(v, 80)} »`;
const quoteEn = (v: string) => `"${clip(v, 80)}"`;

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

export function parseKeywordCsv(input: Buffer | string, options: ParseOptions = {}): ParseResult {
  const text = decode(input);
  rejectBinaryText(text);
  if (text.trim() === '') throw new CsvFormatError('empty', { fr: 'Le fichier est vide.', en: 'The file is empty.' });

  const header = findHeader(text);
  const { map } = header;
  let defaultUrl: string | null = null;
  if (map.url === undefined && options.defaultUrl !== undefined) {
    const url = parseUrl(options.defaultUrl.trim());
    if (!url || (options.siteDomain && !isOnDomain(url.hostname, normalizeDomain(options.siteDomain)))) {
      throw new CsvFormatError('invalid_default_url', {
        fr: `L’URL de l’article est invalide ou hors du site : ${quoteFr(options.defaultUrl)}.`,
        en: `The article URL is invalid or not on the site: ${quoteEn(options.defaultUrl)}.`,
      });
    }
    defaultUrl = url.href;
  }
  const missing = FIELDS.filter((f) => map[f] === undefined && !(f === 'url' && defaultUrl !== null));
  if (missing.length > 0) throw missingColumnsError(missing, header.headers);

  const domain = options.siteDomain ? normalizeDomain(options.siteDomain) : null;
  const columns = {
    keyword: header.headers[map.keyword!],
    position: header.headers[map.position!],
    volume: header.headers[map.volume!],
    url: map.url === undefined ? '' : header.headers[map.url],
  };

  const bytes = Buffer.from(text.slice(header.offset), 'utf8');
  const lines = new LineCounter(bytes, header.line);
  // Kept rows with the byte span of their record (a later, better duplicate may evict them).
  const rows: ({ row: ParsedKeyword; start: number; end: number } | null)[] = [];
  const errors: LineError[] = [];
  const seen = new Map<string, number>(); // duplicate key → index in rows
  const urlChecks = new Map<string, string>(); // URL as written → normalized href, 'invalid' or 'off_site'
  let recordEnd = 0; // byte offset just past the previous record
  let isHeader = true;
  let dataLines = 0;
  const maxLines = options.maxLines ?? Infinity;

  const rawAt = (start: number, end: number) =>
    clip(
      bytes
        .subarray(start, end)
        .toString('utf8')
        .replace(/(\r\n|\r|\n)$/, ''),
      MAX_RAW_LENGTH,
    );

  const handle = (record: string[], end: number) => {
    const start = lines.skipBlank(recordEnd);
    recordEnd = end;
    if (isHeader) {
      isHeader = false;
      return;
    }
    if (record.every((cell) => cell.trim() === '')) return;
    if (++dataLines > maxLines) throw tooManyLines(maxLines);
    const line = lines.lineAt(start);
    const cell = (field: KeywordField) => (map[field] === undefined ? '' : (record[map[field]] ?? '').trim());
    const fr: string[] = [];
    const en: string[] = [];

    const keyword = cell('keyword').replace(/\s+/g, ' ');
    if (keyword === '') {
      fr.push('Mot-clé manquant');
      en.push('Missing keyword');
    } else if (keyword.length > MAX_KEYWORD_LENGTH && [...keyword].length > MAX_KEYWORD_LENGTH) {
      const length = [...keyword].length;
      fr.push(`Mot-clé trop long (${length} caractères, ${MAX_KEYWORD_LENGTH} au plus) : ${quoteFr(keyword)}`);
      en.push(`Keyword too long (${length} characters, at most ${MAX_KEYWORD_LENGTH}): ${quoteEn(keyword)}`);
    }

    const positionText = cell('position');
    const position = parsePosition(positionText);
    if (position === null) {
      fr.push(positionText === '' ? 'Position manquante' : `Position manquante ou invalide : ${quoteFr(positionText)}`);
      en.push(positionText === '' ? 'Missing position' : `Missing or invalid position: ${quoteEn(positionText)}`);
    }

    const volumeText = cell('volume');
    const volume = parseVolume(volumeText);
    if (volume === null) {
      fr.push(volumeText === '' ? 'Volume manquant' : `Volume manquant ou invalide : ${quoteFr(volumeText)}`);
      en.push(volumeText === '' ? 'Missing volume' : `Missing or invalid volume: ${quoteEn(volumeText)}`);
    }

    let url: string | null = defaultUrl;
    if (map.url !== undefined) {
      const urlText = cell('url');
      // An export repeats each URL for every keyword it ranks for: check each distinct text once.
      let checked = urlChecks.get(urlText);
      if (checked === undefined) {
        const parsed = urlText === '' ? null : parseUrl(urlText);
        checked = !parsed ? 'invalid' : domain && !isOnDomain(parsed.hostname, domain) ? 'off_site' : parsed.href;
        urlChecks.set(urlText, checked);
      }
      if (urlText === '') {
        fr.push('URL manquante');
        en.push('Missing URL');
      } else if (checked === 'invalid') {
        fr.push(`URL invalide : ${quoteFr(urlText)} (une adresse absolue en http:// ou https:// est attendue)`);
        en.push(`Invalid URL: ${quoteEn(urlText)} (an absolute http:// or https:// address is expected)`);
      } else if (checked === 'off_site') {
        fr.push(`URL hors du site ${domain} : ${quoteFr(urlText)}`);
        en.push(`URL not on the site ${domain}: ${quoteEn(urlText)}`);
      } else {
        url = checked;
      }
    }

    if (fr.length > 0) {
      errors.push({ line, reason: { fr: fr.join(' ; '), en: en.join('; ') }, raw: rawAt(start, end) });
      return;
    }

    const row: ParsedKeyword = { line, url: url!, keyword, position: position!, volume: volume! };
    const key = `${row.url}\n${keyword.toLowerCase()}`;
    const entry = { row, start, end };
    const previous = seen.get(key);
    if (previous === undefined) {
      seen.set(key, rows.length);
      rows.push(entry);
      return;
    }
    const kept = rows[previous]!;
    const [winner, loser] = row.position < kept.row.position ? [entry, kept] : [kept, entry];
    if (winner === entry) {
      rows[previous] = null;
      seen.set(key, rows.length);
      rows.push(entry);
    }
    errors.push({
      line: loser.row.line,
      reason: {
        fr: `Doublon de la ligne ${winner.row.line} (même URL et même mot-clé ; la meilleure position est conservée)`,
        en: `Duplicate of line ${winner.row.line} (same URL and keyword; the best position is kept)`,
      },
      raw: rawAt(loser.start, loser.end),
    });
  };

  parse(bytes, {
    delimiter: header.delimiter,
    trim: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (record: string[], context) => {
      handle(record, context.bytes);
      return null;
    },
    on_skip: (error) => {
      // Only a quote left open until the end of the file gets here (quotes and column counts are relaxed).
      const start = lines.skipBlank(recordEnd);
      if (start >= bytes.length) return;
      errors.push({
        line: lines.lineAt(start),
        reason: {
          fr: `Guillemet ouvert jamais refermé : la ligne et toutes celles qui suivent sont illisibles${error ? ` (${error.code})` : ''}`,
          en: `Quote opened and never closed: this line and all those after it cannot be read${error ? ` (${error.code})` : ''}`,
        },
        raw: rawAt(start, bytes.length),
      });
      recordEnd = bytes.length;
    },
  });

  errors.sort((a, b) => a.line - b.line);
  const kept = rows.flatMap((entry) => (entry ? [entry.row] : []));
  return {
    format: detectFormat(header.headers),
    delimiter: header.delimiter,
    columns,
    rows: kept,
    errors,
    totalLines: kept.length + errors.length,
  };
}

/**
 * Line numbers of byte offsets, in one forward pass: offsets are asked in increasing order.
 * "\r\n", "\n" and a lone "\r" each end one line, as a spreadsheet counts them.
 */
class LineCounter {
  private offset = 0;
  private line: number;
  constructor(
    private readonly bytes: Buffer,
    firstLine: number,
  ) {
    this.line = firstLine;
  }

  /** The first offset at or after `from` that is not a line break (empty lines are skipped). */
  skipBlank(from: number): number {
    let i = from;
    while (i < this.bytes.length && (this.bytes[i] === 0x0a || this.bytes[i] === 0x0d)) i++;
    return i;
  }

  lineAt(target: number): number {
    const b = this.bytes;
    for (let i = this.offset; i < target; i++) {
      if (b[i] === 0x0a) this.line++;
      else if (b[i] === 0x0d && b[i + 1] !== 0x0a) this.line++;
    }
    this.offset = Math.max(this.offset, target);
    return this.line;
  }
}
