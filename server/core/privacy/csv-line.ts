/**
 * CSV as RFC 4180 writes it: comma-separated, CRLF line ends, a field quoted when it holds
 * a comma, quote or line break, quotes doubled.
 * @module
 */

export type CsvValue = string | number | null;

function field(value: CsvValue): string {
  if (value === null) return '';
  // Written exactly, formula-like text too: importers take the cell as the value, so a ' would change it (docs/privacy.md).
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(field).join(',')}\r\n`;
}
