/**
 * The Db port on Cloudflare D1: each call is one prepared statement with positional
 * parameters, and `batch` is one D1 batch, which D1 runs as a single transaction.
 * @module
 */
import type { Db, RunResult, SqlValue, Stmt } from '../core/ports.ts';

/** Wraps a D1 binding (`env.DB`) as the core's store. */
export function d1Db(d1: D1Database): Db {
  const prepare = (sql: string, params: readonly SqlValue[]): D1PreparedStatement =>
    params.length === 0 ? d1.prepare(sql) : d1.prepare(sql).bind(...params);
  return {
    async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
      return (await prepare(sql, params).all<T>()).results;
    },
    async first<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | null> {
      return (await prepare(sql, params).first<T>()) ?? null;
    },
    async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
      const { meta } = await prepare(sql, params).run();
      return { changes: meta.changes, lastRowId: meta.last_row_id };
    },
    async batch(stmts: readonly Stmt[]): Promise<void> {
      // D1 refuses an empty batch; an empty one has nothing to apply anyway.
      if (stmts.length === 0) return;
      await d1.batch(stmts.map((s) => prepare(s.sql, s.params)));
    },
  };
}
