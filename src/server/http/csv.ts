import { stringify } from 'csv-stringify/sync';

/** A CSV that a French Excel opens cleanly: UTF-8 with a BOM, semicolons. */
export function frenchExcelCsv(columns: string[], rows: string[][]): string {
  return stringify(rows, { delimiter: ';', bom: true, header: true, columns });
}

/** Cents as a French decimal number without the currency: "-12,34". */
export function decimalEuros(cents: number): string {
  return (cents / 100).toFixed(2).replace('.', ',');
}
