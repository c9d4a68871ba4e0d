/** What every read of the query engine reads from: its own module, so the readers of stretches (read.ts, goal-rollup-read.ts, revenue.ts) share it without importing one another. */
import type { ColumnarCoverage, ColumnarReader, Db } from '../ports.ts';
import type { Site } from '../sites.ts';
import type { ImportedReads } from './imported.ts';
import type { RollupState } from './rollup-state.ts';

export interface ReadContext {
  db: Db;
  site: Site;
  /** Rollup coverage, or null to read raw tables only. */
  rollups: RollupState | null;
  /** Every day before this one has been purged (nothing is read there); null: none. */
  purgedBefore: string | null;
  /**
   * The columnar copy of closed days, or null to read SQLite only. What it holds of this
   * site is asked once, and only by a query with raw stretches: rollups answer the rest.
   */
  columnar: { reader: ColumnarReader; coverage(): Promise<ColumnarCoverage | null> } | null;
  /** Imported history to add to every read (`include.imports`), or absent: own data only. */
  imports?: ImportedReads | null;
}
