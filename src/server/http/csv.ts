import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';

/** Characters that make a spreadsheet read a cell as a formula when they open it (OWASP, CSV Injection). */
const FORMULA_START = /^[=+\-@\t\r\n\0]/;
/** A plain number ("-12,34", "+3.5", "1000"), which no spreadsheet reads as a formula: left as it is. */
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;

/**
 * A cell a spreadsheet reads as text: one that starts with =, +, -, @, tab, carriage return (or a
 * line feed or NUL) gets a leading single quote, as OWASP's CSV Injection page advises. A separator
 * or a quote inside a cell cannot start a new cell: csv-stringify quotes such cells (and doubles the
 * quotes in them), so the whole value stays one cell and only its first character matters.
 */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

const options = (columns: string[]) => ({ delimiter: ';', bom: true, header: true, columns });

/** A CSV that a French Excel opens cleanly: UTF-8 with a BOM, semicolons, no live formula. */
export function frenchExcelCsv(columns: string[], rows: string[][]): string {
  return stringifySync(
    rows.map((row) => row.map(neutralizeFormula)),
    options(columns),
  );
}

/**
 * The same CSV as a stream, for exports of any size: the rows are pulled from `rows` as the client
 * reads (a batched read of the database behind it), so the memory used does not grow with the
 * export. The first row is read before this resolves, so that an error of the first read (an id
 * out of reach, say) is still answered as an error rather than as a broken download.
 */
export async function frenchExcelCsvStream(columns: string[], rows: AsyncIterable<string[]>): Promise<Readable> {
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* all() {
    if (first.done) return;
    yield first.value.map(neutralizeFormula);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value.map(neutralizeFormula);
  }
  // pipeline: an error on either side, or the client going away, stops the reading of the database.
  return pipeline(Readable.from(all()), stringify(options(columns)), () => {});
}

/** Cents as a French decimal number without the currency: "-12,34". */
export function decimalEuros(cents: number): string {
  return (cents / 100).toFixed(2).replace('.', ',');
}
