import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { frenchExcelCsv, frenchExcelCsvStream, neutralizeFormula } from './csv.js';

/** The cells as a spreadsheet sees them once the file is split (BOM dropped). */
const cells = (csv: string) => parse(csv.replace(/^\uFEFF/, ''), { delimiter: ';', relax_column_count: true }) as string[][];

describe('CSV formula injection (OWASP)', () => {
  it('prefixes a single quote to cells starting with =, +, -, @, tab or carriage return', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(neutralizeFormula(`${start}HYPERLINK("http://x","y")`)).toBe(`'${start}HYPERLINK("http://x","y")`);
    expect(neutralizeFormula('Boulangerie = pain')).toBe('Boulangerie = pain');
    expect(neutralizeFormula('')).toBe('');
    // Numbers are not formulas: amounts stay numbers for the spreadsheet.
    expect(neutralizeFormula('-12,34')).toBe('-12,34');
    expect(neutralizeFormula('+3.5')).toBe('+3.5');
    expect(neutralizeFormula('-1+2')).toBe("'-1+2");
  });

  it('an account named =HYPERLINK(...) is a text cell, and a separator cannot open a new cell', () => {
    const csv = frenchExcelCsv(
      ['Client', 'Mémo'],
      [
        ['=HYPERLINK("http://x","y")', 'a;=1+2'],
        ['x', '"; @SUM(A1)'],
      ],
    );
    expect(cells(csv)).toEqual([
      ['Client', 'Mémo'],
      [`'=HYPERLINK("http://x","y")`, 'a;=1+2'],
      ['x', '"; @SUM(A1)'],
    ]);
  });

  it('streams the same file, row by row', async () => {
    async function* rows() {
      for (let i = 0; i < 2_000; i++) yield [`=ligne ${i}`, String(i)];
    }
    const stream = await frenchExcelCsvStream(['A', 'B'], rows());
    let text = '';
    for await (const chunk of stream) text += chunk.toString();
    const all = cells(text);
    expect(all).toHaveLength(2_001);
    expect(all[0]).toEqual(['A', 'B']);
    expect(all[2_000]).toEqual(["'=ligne 1999", '1999']);
    expect(text.charCodeAt(0)).toBe(0xfeff);
  });

  it('an error of the first read is thrown before anything is sent', async () => {
    async function* rows(): AsyncGenerator<string[]> {
      throw new Error('not found');
    }
    await expect(frenchExcelCsvStream(['A'], rows())).rejects.toThrow('not found');
  });
});
