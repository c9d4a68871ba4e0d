/**
 * Import sources built from rows in memory, for tests of the imported-data store: a
 * legitimate `ImportSource` (the real parsers are tested with their own files), with a row
 * in every imported table per day, and a way to fail part-way.
 */
import { createHash } from 'node:crypto';
import { IMPORTED_TABLES, ImportFormatError, type ImportedRow, type ImportSource } from '../../server/core/imports/tables.ts';

export interface MemorySourceOptions {
  fileName?: string;
  /** Defaults to the sha256 of the rows as JSON, so equal rows are the same file. */
  fileHash?: string;
  /** Throws an ImportFormatError instead of giving row `failAt` (0-based). */
  failAt?: number;
}

export function memorySource(rows: readonly ImportedRow[], options: MemorySourceOptions = {}): ImportSource {
  const fileName = options.fileName ?? 'export.zip';
  return {
    kind: 'plausible',
    fileName,
    fileHash: options.fileHash ?? createHash('sha256').update(JSON.stringify(rows)).digest('hex'),
    async *rows() {
      for (const [i, row] of rows.entries()) {
        if (i === options.failAt) throw new ImportFormatError('visitors: must be a whole number ≥ 0, got "-1"', { file: 'imported_visitors_20240101_20240131.csv', line: i + 2, column: 'visitors' });
        yield row;
      }
    },
  };
}

/** One row of every imported table on `date`, its metrics all `n` (dimensions named after the table). */
export function rowsOfDay(date: string, n = 1): ImportedRow[] {
  return IMPORTED_TABLES.map((spec) => ({
    table: spec.name,
    date,
    values: Object.fromEntries([
      ...spec.dimensions.map((d) => [d.name, d.type === 'integer' ? 3143244 : `${spec.name}-${d.name}`]),
      ...spec.metrics.map((m) => [m, n]),
    ]),
  }));
}

/** rowsOfDay for each of `days`. */
export function rowsOfDays(days: readonly string[], n = 1): ImportedRow[] {
  return days.flatMap((day) => rowsOfDay(day, n));
}
