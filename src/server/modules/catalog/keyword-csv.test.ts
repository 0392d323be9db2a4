import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsvFormatError, parseKeywordCsv, parsePosition, parseVolume, type ParseOptions } from './keyword-csv.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const parseFixture = (name: string, options?: ParseOptions) => parseKeywordCsv(fixture(name), options);

function formatError(run: () => unknown): CsvFormatError {
  try {
    run();
  } catch (e) {
    if (e instanceof CsvFormatError) return e;
    throw e;
  }
  throw new Error('expected a CsvFormatError');
}

const dup = (line: number) => ({
  fr: `Doublon de la ligne ${line} (même URL et même mot-clé ; la meilleure position est conservée)`,
  en: `Duplicate of line ${line} (same URL and keyword; the best position is kept)`,
});

describe('keyword CSV: the tools’ exports', () => {
  it('reads a Semrush English export (UTF-8 with BOM, comma, CRLF, quoted lists of SERP features and trends)', () => {
    const bytes = fixture('semrush-en-bom.csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const result = parseKeywordCsv(bytes);
    expect(result.format).toBe('semrush');
    expect(result.delimiter).toBe(',');
    expect(result.columns).toEqual({ keyword: 'Keyword', position: 'Position', volume: 'Search Volume', url: 'URL' });
    expect(result.rows).toEqual([
      { line: 2, url: 'https://www.blog-seo.fr/netlinking/', keyword: 'netlinking', position: 3, volume: 2900 },
      { line: 3, url: 'https://www.blog-seo.fr/acheter-backlinks/', keyword: 'acheter des backlinks', position: 7, volume: 880 },
      { line: 4, url: 'https://www.blog-seo.fr/netlinking/', keyword: 'stratégie de netlinking', position: 1, volume: 480 },
      { line: 5, url: 'https://www.blog-seo.fr/backlinks-gratuits/', keyword: 'backlink gratuit', position: 12, volume: 1900 },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.totalLines).toBe(4);
  });

  it('reads a Semrush French export (semicolon, « 3,0 » positions, no-break-space thousands)', () => {
    const result = parseFixture('semrush-fr-semicolon.csv');
    expect(result.format).toBe('semrush');
    expect(result.delimiter).toBe(';');
    expect(result.columns).toEqual({ keyword: 'Mot clé', position: 'Position', volume: 'Volume de recherche', url: 'URL' });
    expect(result.rows).toEqual([
      { line: 2, url: 'https://www.annuaire-pro.fr/achat-liens', keyword: 'achat de liens', position: 2, volume: 1600 },
      { line: 3, url: 'https://www.annuaire-pro.fr/redaction-web', keyword: 'rédaction web SEO', position: 3, volume: 720 },
      { line: 4, url: 'https://www.annuaire-pro.fr/', keyword: 'annuaire entreprises', position: 14, volume: 12100 },
    ]);
    expect(result.errors).toEqual([]);
  });

  it('reads an Ahrefs v2 export in UTF-16 LE with BOM, tab-separated, every field quoted', () => {
    const bytes = fixture('ahrefs-v2-utf16le.csv');
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    const result = parseKeywordCsv(bytes, { siteDomain: 'marketing-plus.fr' });
    expect(result.format).toBe('ahrefs');
    expect(result.delimiter).toBe('\t');
    expect(result.columns).toEqual({ keyword: 'Keyword', position: 'Position', volume: 'Volume', url: 'URL' });
    expect(result.rows).toEqual([
      { line: 2, url: 'https://www.marketing-plus.fr/guest-post', keyword: 'guest post', position: 4, volume: 1500 },
      { line: 3, url: 'https://www.marketing-plus.fr/echange-liens', keyword: 'échange de liens', position: 9, volume: 350 },
      // The fragment is stripped, the query string kept.
      {
        line: 4,
        url: 'https://www.marketing-plus.fr/article-sponsorise?utm=x',
        keyword: 'article sponsorisé',
        position: 1,
        volume: 1100,
      },
    ]);
    expect(result.errors).toEqual([]);
  });

  it('reads an Ahrefs French export, ignoring « Position précédente » and « URL précédente »', () => {
    const result = parseFixture('ahrefs-fr.csv');
    expect(result.format).toBe('ahrefs');
    expect(result.delimiter).toBe(',');
    expect(result.columns).toEqual({ keyword: 'Mot-clé', position: 'Position actuelle', volume: 'Volume', url: 'URL actuelle' });
    expect(result.rows).toEqual([
      { line: 2, url: 'https://depannage-express.fr/plombier-paris-15', keyword: 'plombier paris 15', position: 2, volume: 2400 },
      {
        line: 3,
        url: 'https://depannage-express.fr/blog/fuite-chauffe-eau',
        keyword: 'fuite chauffe-eau',
        position: 6,
        volume: 900,
      },
      {
        line: 4,
        url: 'https://depannage-express.fr/debouchage',
        keyword: 'débouchage canalisation prix',
        position: 11,
        volume: 1300,
      },
    ]);
    expect(result.errors).toEqual([]);
  });

  it('reads a Haloscan export (semicolon, mot_cle and page columns)', () => {
    const result = parseFixture('haloscan.csv');
    expect(result.format).toBe('haloscan');
    expect(result.delimiter).toBe(';');
    expect(result.columns).toEqual({ keyword: 'mot_cle', position: 'position', volume: 'volume', url: 'page' });
    expect(result.rows).toEqual([
      {
        line: 2,
        url: 'https://www.cuisine-facile.fr/recettes/pate-a-crepes',
        keyword: 'recette pâte à crêpes',
        position: 5,
        volume: 74000,
      },
      {
        line: 3,
        url: 'https://www.cuisine-facile.fr/recettes/pate-a-crepes',
        keyword: 'pâte à crêpes sans lait',
        position: 2,
        volume: 8100,
      },
      {
        line: 4,
        url: 'https://www.cuisine-facile.fr/recettes/crepes-bretonnes',
        keyword: 'crêpes bretonnes',
        position: 17,
        volume: 1200,
      },
    ]);
  });

  it('maps odd header names by synonym, in any order among extra columns, and reads K and thousands-separated volumes', () => {
    const result = parseFixture('generic-odd-headers.csv');
    expect(result.format).toBe('generic');
    expect(result.columns).toEqual({
      keyword: 'Requête',
      position: 'Classement (Google.fr)',
      volume: 'Recherches mensuelles',
      url: 'Landing Page',
    });
    expect(result.rows).toEqual([
      {
        line: 2,
        url: 'https://comparateur-assur.fr/auto/jeune-conducteur',
        keyword: 'assurance auto jeune conducteur',
        position: 4,
        volume: 1200,
      },
      { line: 3, url: 'https://comparateur-assur.fr/moto', keyword: 'assurance moto pas chère', position: 9, volume: 1200 },
      { line: 4, url: 'https://comparateur-assur.fr/mutuelle/senior', keyword: 'mutuelle senior', position: 2, volume: 3600 },
      {
        line: 5,
        url: 'https://comparateur-assur.fr/habitation/etudiant',
        keyword: 'assurance habitation étudiant',
        position: 13,
        volume: 1200,
      },
      {
        line: 6,
        url: 'http://comparateur-assur.fr/emprunteur',
        keyword: 'comparateur assurance emprunteur',
        position: 21,
        volume: 2400,
      },
    ]);
  });

  it('reads a French Excel file saved in Windows-1252', () => {
    const result = parseFixture('excel-fr-windows1252.csv');
    expect(result.columns.keyword).toBe('Mot-clé');
    expect(result.rows).toEqual([
      { line: 2, url: 'https://velo-annecy.fr/location', keyword: 'location vélo électrique', position: 3, volume: 1300 },
      { line: 3, url: 'https://velo-annecy.fr/tour-du-lac', keyword: "tour du lac d'Annecy à vélo", position: 1, volume: 880 },
    ]);
  });

  it('uses defaultUrl for a single-URL export without URL column, and requires it otherwise', () => {
    const result = parseFixture('single-url.csv', {
      defaultUrl: 'https://vpn-avis.fr/meilleur-vpn#top',
      siteDomain: 'vpn-avis.fr',
    });
    expect(result.columns).toEqual({ keyword: 'Keyword', position: 'Position', volume: 'Search Volume', url: '' });
    expect(result.rows).toEqual([
      { line: 2, url: 'https://vpn-avis.fr/meilleur-vpn', keyword: 'meilleur vpn', position: 4, volume: 6600 },
      { line: 3, url: 'https://vpn-avis.fr/meilleur-vpn', keyword: 'vpn gratuit', position: 8, volume: 9900 },
    ]);

    const missing = formatError(() => parseFixture('single-url.csv'));
    expect(missing.code).toBe('missing_columns');
    expect(missing.details.missingColumns).toEqual(['url']);
    expect(missing.en).toMatch(/^Required column not found: URL \(e\.g\./);

    const offSite = formatError(() =>
      parseFixture('single-url.csv', { defaultUrl: 'https://ailleurs.fr/x', siteDomain: 'vpn-avis.fr' }),
    );
    expect(offSite.code).toBe('invalid_default_url');
    expect(formatError(() => parseFixture('single-url.csv', { defaultUrl: '/meilleur-vpn' })).code).toBe('invalid_default_url');
  });
});

describe('keyword CSV: bad lines', () => {
  it('reports each bad line with its line number and a reason in both languages, and keeps the good ones', () => {
    const result = parseFixture('bad-lines.csv', { siteDomain: 'blog-seo.fr' });
    expect(result.rows).toEqual([
      { line: 2, url: 'https://blog-seo.fr/backlinks', keyword: 'backlinks seo', position: 1, volume: 100 },
      { line: 10, url: 'https://www.blog-seo.fr/h', keyword: 'sous-domaine www', position: 6, volume: 100 },
      { line: 14, url: 'https://shop.blog-seo.fr/k', keyword: 'boutique', position: 9, volume: 1500 },
    ]);
    expect(result.errors).toEqual([
      { line: 3, reason: { fr: 'Position manquante', en: 'Missing position' }, raw: 'sans position,,100,https://blog-seo.fr/b' },
      {
        line: 4,
        reason: { fr: 'Position manquante ou invalide : « >100 »', en: 'Missing or invalid position: ">100"' },
        raw: 'hors top 100,>100,50,https://blog-seo.fr/c',
      },
      {
        line: 5,
        reason: { fr: 'Volume manquant ou invalide : « -50 »', en: 'Missing or invalid volume: "-50"' },
        raw: 'volume négatif,7,-50,https://blog-seo.fr/d',
      },
      { line: 6, reason: { fr: 'Mot-clé manquant', en: 'Missing keyword' }, raw: ',5,100,https://blog-seo.fr/e' },
      {
        line: 7,
        reason: {
          fr: 'URL invalide : « /blog/f » (une adresse absolue en http:// ou https:// est attendue)',
          en: 'Invalid URL: "/blog/f" (an absolute http:// or https:// address is expected)',
        },
        raw: 'url relative,4,100,/blog/f',
      },
      {
        line: 9,
        reason: {
          fr: 'URL hors du site blog-seo.fr : « https://autre-site.com/g »',
          en: 'URL not on the site blog-seo.fr: "https://autre-site.com/g"',
        },
        raw: 'autre site,2,100,https://autre-site.com/g',
      },
      {
        line: 11,
        reason: { fr: 'Position manquante ou invalide : « 3-5 »', en: 'Missing or invalid position: "3-5"' },
        raw: 'position en plage,3-5,100,https://blog-seo.fr/i',
      },
      { line: 12, reason: { fr: 'Volume manquant', en: 'Missing volume' }, raw: 'sans volume,3,,https://blog-seo.fr/j' },
    ]);
    // Line 8 is empty and line 13 holds only delimiters: neither is a data line.
    expect(result.totalLines).toBe(11);
  });

  it('accepts the off-site URL when no siteDomain is given', () => {
    const result = parseFixture('bad-lines.csv');
    expect(result.rows.map((r) => r.line)).toEqual([2, 9, 10, 14]);
    expect(result.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 11, 12]);
  });

  it('joins several reasons for one line, and truncates raw to 200 characters', () => {
    const long = 'x'.repeat(250);
    const result = parseKeywordCsv(`Keyword,Position,Volume,URL\n${long},0,1.5,ftp://x.fr/a\n`);
    expect(result.errors).toEqual([
      {
        line: 2,
        reason: {
          fr: `Mot-clé trop long (250 caractères, 200 au plus) : « ${'x'.repeat(79)}… » ; Position manquante ou invalide : « 0 » ; Volume manquant ou invalide : « 1.5 » ; URL invalide : « ftp://x.fr/a » (une adresse absolue en http:// ou https:// est attendue)`,
          en: `Keyword too long (250 characters, at most 200): "${'x'.repeat(79)}…"; Missing or invalid position: "0"; Missing or invalid volume: "1.5"; Invalid URL: "ftp://x.fr/a" (an absolute http:// or https:// address is expected)`,
        },
        raw: `${'x'.repeat(199)}…`,
      },
    ]);
  });

  it('counts the lines of a quoted keyword holding the delimiter and a CRLF newline, and reads doubled quotes', () => {
    const result = parseFixture('quoted-multiline.csv');
    expect(result.delimiter).toBe(';');
    expect(result.rows).toEqual([
      { line: 2, url: 'https://x-travaux.fr/devis', keyword: 'prix, tarif ; devis', position: 3, volume: 200 },
      { line: 3, url: 'https://x-travaux.fr/b', keyword: 'mot clé sur deux lignes', position: 4, volume: 300 },
      { line: 6, url: 'https://x-travaux.fr/d', keyword: 'guillemets "doubles"', position: 2, volume: 10 },
    ]);
    expect(result.errors).toEqual([
      { line: 5, reason: { fr: 'Volume manquant', en: 'Missing volume' }, raw: 'sans volume;5;;https://x-travaux.fr/c' },
    ]);
  });

  it('gives the starting line of a bad multi-line record, with LF and lone CR endings alike', () => {
    for (const eol of ['\n', '\r']) {
      const text = [
        'Keyword,Position,Volume,URL',
        'a,1,1,https://x.fr/a',
        '"b',
        '',
        'c",>100,1,https://x.fr/b',
        'd,2,1,https://x.fr/d',
      ].join(eol);
      const result = parseKeywordCsv(text);
      expect(result.errors).toEqual([
        {
          line: 3,
          reason: { fr: 'Position manquante ou invalide : « >100 »', en: 'Missing or invalid position: ">100"' },
          raw: `"b${eol}${eol}c",>100,1,https://x.fr/b`,
        },
      ]);
      expect(result.rows.map((r) => [r.line, r.keyword])).toEqual([
        [2, 'a'],
        [6, 'd'],
      ]);
    }
  });

  it('reports a quote left open until the end of the file on the line where it opens', () => {
    const result = parseKeywordCsv(
      'Keyword,Position,Volume,URL\na,1,1,https://x.fr/a\n"b,2,1,https://x.fr/b\nc,3,1,https://x.fr/c\n',
    );
    expect(result.rows.map((r) => r.line)).toEqual([2]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].line).toBe(3);
    expect(result.errors[0].reason.en).toMatch(/^Quote opened and never closed/);
    expect(result.errors[0].raw).toBe('"b,2,1,https://x.fr/b\nc,3,1,https://x.fr/c');
  });

  it('keeps the best position among duplicates (same URL, keyword compared case- and whitespace-insensitively)', () => {
    const result = parseFixture('duplicates.csv');
    expect(result.rows).toEqual([
      { line: 3, url: 'https://agence-web.fr/seo-lyon', keyword: 'seo lyon', position: 5, volume: 500 },
      { line: 5, url: 'https://agence-web.fr/autre', keyword: 'SEO Lyon', position: 2, volume: 500 },
      // Accents stay significant: "séo lyon" is another keyword.
      { line: 6, url: 'https://agence-web.fr/seo-lyon', keyword: 'séo lyon', position: 4, volume: 500 },
    ]);
    expect(result.errors).toEqual([
      { line: 2, reason: dup(3), raw: 'SEO Lyon,8,500,https://agence-web.fr/seo-lyon' },
      { line: 4, reason: dup(3), raw: 'SEO Lyon,6,500,https://agence-web.fr/seo-lyon' },
      // Same position as line 3: the first one stays.
      { line: 7, reason: dup(3), raw: 'SEO LYON,5,500,https://AGENCE-WEB.fr/seo-lyon' },
    ]);
    expect(result.totalLines).toBe(6);
  });
});

describe('keyword CSV: values', () => {
  it('reads positions', () => {
    expect(['3', '3.0', '3,0', ' 12 ', '4.6'].map(parsePosition)).toEqual([3, 3, 3, 12, 5]);
    expect(['', '>100', '3-5', '1–3', '0', '-2', 'top 10', '3 (fs)'].map(parsePosition)).toEqual(Array(8).fill(null));
  });

  it('reads volumes', () => {
    expect(
      [
        '0',
        '1200',
        '1 200',
        '1\u00a0200',
        '1\u202f200',
        '1,200',
        '1.200',
        '1,200,000',
        '1.2K',
        '1,2 k',
        '15k',
        '2.5M',
        '1200.0',
        '1200,00',
      ].map(parseVolume),
    ).toEqual([0, 1200, 1200, 1200, 1200, 1200, 1200, 1200000, 1200, 1200, 15000, 2500000, 1200, 1200]);
    expect(['', '-50', '1.5', '12,34', 'n/a', '1 2 3 4,5', '10K+', '1,20'].map(parseVolume)).toEqual(Array(8).fill(null));
  });

  it('collapses whitespace in keywords, accepts a string with a BOM, compares internationalized domains', () => {
    const result = parseKeywordCsv('\ufeffkw;rank;volume;url\n  prix \t  maçon   lyon ;1;10;https://maçon-lyon.fr/prix\n', {
      siteDomain: 'www.Maçon-Lyon.fr',
    });
    expect(result.rows).toEqual([
      { line: 2, url: 'https://xn--maon-lyon-r3a.fr/prix', keyword: 'prix maçon lyon', position: 1, volume: 10 },
    ]);
  });

  it('finds the header below a title line, keeping physical line numbers', () => {
    const text =
      'Organic keywords for blog-seo.fr — 2026-09-01\n\nKeyword,Position,Search Volume,URL\nnetlinking,3,2900,https://blog-seo.fr/\n';
    const result = parseKeywordCsv(text);
    expect(result.rows).toEqual([{ line: 4, url: 'https://blog-seo.fr/', keyword: 'netlinking', position: 3, volume: 2900 }]);
  });

  it('reads UTF-16 LE without BOM and UTF-16 BE with BOM', () => {
    const text = 'Keyword\tPosition\tVolume\tURL\r\nétude\t2\t40\thttps://x.fr/\r\n';
    const expected = [{ line: 2, url: 'https://x.fr/', keyword: 'étude', position: 2, volume: 40 }];
    expect(parseKeywordCsv(Buffer.from(text, 'utf16le')).rows).toEqual(expected);
    const be = Buffer.from(text, 'utf16le').swap16();
    expect(parseKeywordCsv(Buffer.concat([Buffer.from([0xfe, 0xff]), be])).rows).toEqual(expected);
  });
});

describe('keyword CSV: unusable files', () => {
  it('rejects a file without recognizable columns, listing the headers found', () => {
    const e = formatError(() => parseFixture('no-columns.csv'));
    expect(e.code).toBe('missing_columns');
    expect(e.details).toEqual({
      missingColumns: ['keyword', 'position', 'volume', 'url'],
      foundHeaders: ['Nom', 'Prix', 'Catégorie', 'Stock'],
    });
    expect(e.fr).toBe(
      'Colonnes obligatoires introuvables : mot-clé (par ex. « Keyword », « Mot-clé », « Requête »), position (par ex. « Position », « Current position », « Position actuelle », « Classement »), volume (par ex. « Volume », « Search Volume », « Volume de recherche »), URL (par ex. « URL », « Current URL », « URL actuelle », « Page »). En-têtes trouvés : « Nom », « Prix », « Catégorie », « Stock ».',
    );
    expect(e.en).toBe(
      'Required columns not found: keyword (e.g. "Keyword", "Mot-clé", "Requête"), position (e.g. "Position", "Current position", "Position actuelle", "Classement"), volume (e.g. "Volume", "Search Volume", "Volume de recherche"), URL (e.g. "URL", "Current URL", "URL actuelle", "Page"). Headers found: "Nom", "Prix", "Catégorie", "Stock".',
    );
    expect(e.message).toBe(e.en);
  });

  it('names only the missing columns when some are there (Traffic and Previous position are not volume and position)', () => {
    const e = formatError(() => parseKeywordCsv('Keyword;Previous position;Traffic;URL\nseo;3;100;https://x.fr/\n'));
    expect(e.code).toBe('missing_columns');
    expect(e.details).toEqual({
      missingColumns: ['position', 'volume'],
      foundHeaders: ['Keyword', 'Previous position', 'Traffic', 'URL'],
    });
    expect(e.en).toMatch(
      /^Required columns not found: position \(e\.g\. .*\), volume \(e\.g\. .*\)\. Headers found: "Keyword", "Previous position", "Traffic", "URL"\.$/,
    );
  });

  it('rejects an empty file, a blank one, and one with only delimiters', () => {
    for (const input of [fixture('empty.csv'), Buffer.from([0xef, 0xbb, 0xbf]), ' \r\n\r\n ', ';;;\n;;;\n', '']) {
      const e = formatError(() => parseKeywordCsv(input));
      expect(e.code).toBe('empty');
      expect(e.fr).toBe('Le fichier est vide.');
      expect(e.en).toBe('The file is empty.');
    }
  });

  it('rejects a file whose first line is data', () => {
    const e = formatError(() => parseKeywordCsv('netlinking,3,2900,https://blog-seo.fr/\nseo,4,100,https://blog-seo.fr/a\n'));
    expect(e.code).toBe('no_header');
    expect(e.en).toBe(
      'No header row found: the first line looks like data ("netlinking,3,2900,https://blog-seo.fr/"). Keep the export\'s header row (Keyword, Position, Volume, URL…).',
    );
  });

  it('rejects binary content and Excel workbooks', () => {
    const binary = Buffer.from([0x00, 0x01, 0x02, 0x89, 0x50, 0x4e, 0x47, 0x00, 0x1a, 0x00, 0xff, 0x10, 0x03, 0x07]);
    expect(formatError(() => parseKeywordCsv(binary)).code).toBe('binary');
    const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40, 0x14)]);
    const e = formatError(() => parseKeywordCsv(xlsx));
    expect(e.code).toBe('binary');
    expect(e.en).toBe('This file is an Excel workbook, not a CSV: open it and save it as CSV.');
  });
});

describe('keyword CSV: size', () => {
  it('parses 100,000 rows', () => {
    const lines = ['Keyword,Position,Previous position,Search Volume,Keyword Difficulty,CPC,URL,Traffic'];
    for (let i = 0; i < 100_000; i++) {
      lines.push(
        `mot clé ${i},${(i % 100) + 1},${i % 90},"${(i * 7).toLocaleString('en-US')}",${i % 100},1.25,https://www.site.fr/article-${i % 5000}/,${i % 50}`,
      );
    }
    const result = parseKeywordCsv(Buffer.from(lines.join('\r\n')), { siteDomain: 'site.fr' });
    expect(result.errors).toEqual([]);
    expect(result.rows).toHaveLength(100_000);
    expect(result.rows[99_999]).toEqual({
      line: 100_001,
      url: 'https://www.site.fr/article-4999/',
      keyword: 'mot clé 99999',
      position: 100,
      volume: 699_993,
    });
  });
});
