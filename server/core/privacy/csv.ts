/**
 * CSV as RFC 4180 writes it: comma-separated, CRLF line ends, a field quoted when it holds
 * a comma, quote or line break, quotes doubled.
 * @module
 */

export type CsvValue = string | number | null;

function field(value: CsvValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(field).join(',')}\r\n`;
}
