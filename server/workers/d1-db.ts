/**
 * The Db port on Cloudflare D1: each call is one prepared statement with positional
 * parameters, and `batch` is one D1 batch, which D1 runs as a single transaction.
 * @module
 */
// Module types rather than the Worker's globals, so Node code (benchmarks over Miniflare's
// local D1) can use this adapter too.
import type { D1Database, D1Meta, D1PreparedStatement } from '@cloudflare/workers-types/experimental';
import type { Db, RunResult, SqlValue, Stmt } from '../core/ports.ts';

/** What D1 metered (and bills) for the statements an adapter ran; D1 bills rows read and rows written. */
export interface D1Meter {
  statements: number;
  rowsRead: number;
  rowsWritten: number;
}

export function newD1Meter(): D1Meter {
  return { statements: 0, rowsRead: 0, rowsWritten: 0 };
}

/**
 * Wraps a D1 binding (`env.DB`) as the core's store. With a `meter`, every statement's
 * metered rows are added to it; the statements run are the same either way.
 */
export function d1Db(d1: D1Database, meter?: D1Meter): Db {
  const prepare = (sql: string, params: readonly SqlValue[]): D1PreparedStatement =>
    params.length === 0 ? d1.prepare(sql) : d1.prepare(sql).bind(...params);
  const count = (meta: D1Meta): void => {
    if (!meter) return;
    meter.statements += 1;
    meter.rowsRead += meta.rows_read ?? 0;
    meter.rowsWritten += meta.rows_written ?? 0;
  };
  return {
    async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
      const { results, meta } = await prepare(sql, params).all<T>();
      count(meta);
      return results;
    },
    async first<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | null> {
      if (!meter) return (await prepare(sql, params).first<T>()) ?? null;
      // first() drops D1's meta; it runs the whole statement too, so all() reads the same rows.
      const { results, meta } = await prepare(sql, params).all<T>();
      count(meta);
      return results[0] ?? null;
    },
    async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
      const { meta } = await prepare(sql, params).run();
      count(meta);
      return { changes: meta.changes, lastRowId: meta.last_row_id };
    },
    async batch(stmts: readonly Stmt[]): Promise<void> {
      // D1 refuses an empty batch; an empty one has nothing to apply anyway.
      if (stmts.length === 0) return;
      const results = await d1.batch(stmts.map((s) => prepare(s.sql, s.params)));
      for (const r of results) count(r.meta);
    },
  };
}
