/**
 * The columnar copy as the query engine reads it, with each answered read counted and each
 * failed one recorded: a failing read falls back to SQLite and would otherwise hide a DuckDB
 * error behind a right answer. Property tests assert the copy took part and never failed.
 */
import type { Stmt } from '../../server/core/ports.ts';
import type { DuckStore } from '../../server/node/columnar/duckdb-store.ts';

export interface ColumnarTally {
  reads: number;
  /** Answered reads that named kept visit sets (query/kept-sets.ts). */
  keptReads?: number;
  errors: string[];
}

export function countedColumns(duck: DuckStore, tally: ColumnarTally, onRead: (sql: string) => void = () => {}) {
  return {
    coverage: duck.coverage,
    all: async (sql: string, params: readonly (string | number | null)[], sets?: readonly Stmt[]) => {
      const rows = await duck.all(sql, params, sets).catch((e: unknown) => {
        tally.errors.push(String(e));
        throw e;
      });
      tally.reads += 1;
      if (sets && sets.length > 0) tally.keptReads = (tally.keptReads ?? 0) + 1;
      onRead(sql);
      return rows;
    },
  };
}
