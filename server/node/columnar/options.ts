/**
 * Settings of the columnar copy on Node, from TELLER_COLUMNAR* variables: whether to keep
 * it, where, and DuckDB's memory bound. Its threads follow the core count.
 * @module
 */
import { availableParallelism } from 'node:os';
import { ConfigError } from '../../core/config.ts';
import type { DuckStoreOptions } from './duckdb-store.ts';

export const DEFAULT_COLUMNAR_MEMORY = '256MB';

/** Exit code of a copy process that cannot run DuckDB here: it is not started again. */
export const COPY_UNAVAILABLE_EXIT = 3;

/** The copy's file beside the database: `teller.db` → `teller.columns.duckdb`. */
export function columnarPath(dbPath: string): string {
  return `${dbPath.replace(/\.(db|sqlite3?)$/, '')}.columns.duckdb`;
}

/** The copy's options, or null when TELLER_COLUMNAR=off. */
export function columnarOptions(env: Record<string, string | undefined>, dbPath: string): DuckStoreOptions | null {
  const mode = env.TELLER_COLUMNAR ?? 'on';
  if (mode === 'off') return null;
  if (mode !== 'on' && mode !== '') throw new ConfigError(`TELLER_COLUMNAR must be "on" or "off", got "${mode}"`);
  const memoryLimit = env.TELLER_COLUMNAR_MEMORY || DEFAULT_COLUMNAR_MEMORY;
  if (!/^\d+(MB|GB)$/.test(memoryLimit)) throw new ConfigError(`TELLER_COLUMNAR_MEMORY must be a size such as 256MB or 1GB, got "${memoryLimit}"`);
  return { path: env.TELLER_COLUMNAR_PATH || columnarPath(dbPath), memoryLimit, threads: availableParallelism() };
}
