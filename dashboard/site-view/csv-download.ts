/**
 * CSV export: RFC 4180 text (CRLF, quotes doubled, fields with a comma, quote or line
 * break quoted) and file names that say what is inside: site, panel, days and filters.
 * Text cells are safe to open in a spreadsheet (OWASP's CSV-injection rule).
 * @module
 */
import type { Filter } from '../../server/core/dashboard-api/view-queries/state.ts';

/** What makes a spreadsheet read a cell as a formula (OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text as a spreadsheet shows it without running it: visitors write event names, tags and
 * search words, so `=HYPERLINK(…)` gets a leading `'`. Numbers are never passed here.
 */
function inertText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvField(value: string | number | null): string {
  const text = value === null ? '' : typeof value === 'number' ? String(value) : inertText(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: Array<Array<string | number | null>>): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

const safe = (text: string) => text.replace(/[^A-Za-z0-9.+]+/g, '-').replace(/^-+|-+$/g, '');

/** `example.com_pages_2026-11-01_2026-11-28_country-NO.csv` */
export function csvFileName(domain: string, part: string, from: string, to: string, filters: Filter[]): string {
  const filterParts = filters.map((f) => {
    const name = f.dimension.split(':').slice(1).join('-');
    const op = f.op === 'is' ? '' : `${f.op.replace('_', '-')}-`;
    return safe(`${name}-${op}${f.values.join('+')}`);
  });
  return [safe(domain), safe(part), from, to, ...filterParts].filter(Boolean).join('_') + '.csv';
}

/** Starts the browser's download of `text` as a CSV file. */
export function downloadCsv(fileName: string, text: string): void {
  downloadBlob(fileName, new Blob([text], { type: 'text/csv;charset=utf-8' }));
}

/** Starts the browser's download of `blob` (a CSV, the whole view's ZIP) as `fileName`. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
