/**
 * Turns an uploaded keyword export into what the import writes: the parse summary (format, line
 * errors) and the positioned keywords grouped per article URL, cut into chunks of at most
 * `chunkRows` keywords (one INSERT statement each, whatever the number of keywords of one URL).
 *
 * Pure and linear in the file's size (grouping goes through Maps), so it can run in a worker
 * thread (`import-worker.ts`) away from the HTTP event loop. Throws CsvFormatError when the file
 * cannot be used as a whole, a stated limit included.
 */
import { translate } from '../../http/messages.js';
import { isUrlOnDomain, normalizeKeyword } from './domain.js';
import { CsvFormatError, parseKeywordCsv, type CsvFormat, type LineError } from './keyword-csv.js';

export type ImportLimits = {
  /** Data lines a file may have (the header and blank lines excluded). */
  maxLines: number;
  /** Distinct keywords one article URL may receive in one file. */
  maxKeywordsPerUrl: number;
};

/** One keyword as written: [keyword, keyword_norm, position, volume]. */
export type ChunkRow = [string, string, number, number];

export type ImportChunk = {
  /** Article URLs of this chunk, in order; rows point to them by index. */
  urls: string[];
  /** For each URL of `urls`: its keywords in this chunk. */
  rows: ChunkRow[][];
  /** The URLs whose last keywords are in this chunk (their article is then complete). */
  complete: string[];
  /** Source lines this chunk accounts for (duplicates merged into a kept row included). */
  lines: number;
};

export type ImportSummary = {
  format: CsvFormat;
  totalLines: number;
  /** Line errors, in line order, at most `MAX_REPORTED_ERRORS`. */
  errors: LineError[];
  errorCount: number;
  urlCount: number;
  rowCount: number;
  chunkCount: number;
};

export const MAX_REPORTED_ERRORS = 1000;
/** What an article's keyword may hold (schema.ts ZKeyword, and the table's CHECK and integer column). */
const MAX_POSITION = 1000;
const MAX_VOLUME = 100_000_000;
const MAX_URL_LENGTH = 2000;

const formatCount = (n: number) => ({ fr: n.toLocaleString('fr-FR'), en: n.toLocaleString('en-GB') });

export function planImport(
  content: Buffer,
  siteDomain: string,
  limits: ImportLimits,
  chunkRows: number,
): { summary: ImportSummary; chunks: ImportChunk[] } {
  const parsed = parseKeywordCsv(content, { maxLines: limits.maxLines });
  const errors: LineError[] = [...parsed.errors];
  // URL → (keyword_norm → row): the first map keeps the file's order of URLs, the second merges
  // keywords that differ only by accents, case or spaces (the best position is kept).
  const byUrl = new Map<string, Map<string, { row: ChunkRow; lines: number }>>();
  for (const row of parsed.rows) {
    if (!isUrlOnDomain(row.url, siteDomain)) {
      errors.push({
        line: row.line,
        reason: { fr: `URL hors du domaine ${siteDomain} : ${row.url}`, en: `URL not on ${siteDomain}: ${row.url}` },
        raw: row.url,
      });
      continue;
    }
    // What the database would refuse must be a line error, not a failed statement retried forever.
    if (row.keyword.includes('\u0000') || row.url.length > MAX_URL_LENGTH) {
      errors.push({
        line: row.line,
        reason: row.keyword.includes('\u0000')
          ? { fr: 'Caractère nul (U+0000) dans le mot-clé', en: 'NUL character (U+0000) in the keyword' }
          : { fr: `URL trop longue (${MAX_URL_LENGTH} caractères au plus)`, en: `URL too long (at most ${MAX_URL_LENGTH} characters)` },
        raw: row.url.slice(0, 200),
      });
      continue;
    }
    if (row.position > MAX_POSITION || row.volume > MAX_VOLUME) {
      errors.push({
        line: row.line,
        reason:
          row.position > MAX_POSITION
            ? { fr: `Position au-delà de ${MAX_POSITION} : ${row.position}`, en: `Position beyond ${MAX_POSITION}: ${row.position}` }
            : { fr: `Volume au-delà de ${MAX_VOLUME.toLocaleString('fr-FR')} : ${row.volume}`, en: `Volume beyond ${MAX_VOLUME.toLocaleString('en-GB')}: ${row.volume}` },
        raw: row.keyword,
      });
      continue;
    }
    let keywords = byUrl.get(row.url);
    if (!keywords) byUrl.set(row.url, (keywords = new Map()));
    const norm = normalizeKeyword(row.keyword);
    const seen = keywords.get(norm);
    if (!seen) {
      if (keywords.size >= limits.maxKeywordsPerUrl) {
        const n = formatCount(limits.maxKeywordsPerUrl);
        throw new CsvFormatError('too_many_keywords', {
          fr: translate('fr', 'import_too_many_keywords_per_url', { url: row.url, max: n.fr }),
          en: translate('en', 'import_too_many_keywords_per_url', { url: row.url, max: n.en }),
        });
      }
      keywords.set(norm, { row: [row.keyword, norm, row.position, row.volume], lines: 1 });
    } else {
      seen.lines++;
      if (row.position < seen.row[2]) seen.row = [row.keyword, norm, row.position, row.volume];
    }
  }
  errors.sort((a, b) => a.line - b.line);
  // The reported lines are stored as jsonb, which cannot hold U+0000.
  for (const e of errors) if (e.raw.includes('\u0000')) e.raw = e.raw.replace(/\u0000/g, '\ufffd');

  const chunks: ImportChunk[] = [];
  let current: ImportChunk = { urls: [], rows: [], complete: [], lines: 0 };
  let size = 0;
  const flush = () => {
    if (current.urls.length === 0) return;
    chunks.push(current);
    current = { urls: [], rows: [], complete: [], lines: 0 };
    size = 0;
  };
  let rowCount = 0;
  for (const [url, keywords] of byUrl) {
    let rows: ChunkRow[] | null = null;
    for (const { row, lines } of keywords.values()) {
      if (size === chunkRows) {
        flush();
        rows = null;
      }
      if (!rows) {
        rows = [];
        current.urls.push(url);
        current.rows.push(rows);
      }
      rows.push(row);
      current.lines += lines;
      size++;
      rowCount++;
    }
    current.complete.push(url);
  }
  flush();

  return {
    summary: {
      format: parsed.format,
      totalLines: parsed.totalLines,
      errors: errors.slice(0, MAX_REPORTED_ERRORS),
      errorCount: errors.length,
      urlCount: byUrl.size,
      rowCount,
      chunkCount: chunks.length,
    },
    chunks,
  };
}
