/**
 * The port to the columnar copy of closed days (Node: DuckDB in a process of its own). It
 * holds the same visits, events and properties as SQLite's raw tables for whole closed
 * days, and answers the SQL raw-sql.ts writes in the DuckDB dialect.
 * @module
 */
import type { SqlValue } from '../ports.ts';
import type { ColumnCoverage } from './plan.ts';

export interface ColumnReader {
  /**
   * The whole days of the site the copy holds, as days of `timeZone`; null when it holds
   * none, or holds them cut along another timezone's days.
   */
  coverage(siteId: number, timeZone: string): Promise<ColumnCoverage | null>;
  /** Rows of a statement; integers come back as numbers. */
  all(sql: string, params: readonly SqlValue[]): Promise<Array<Record<string, SqlValue>>>;
}
