/**
 * Settings of the columnar copy on Node, from TELLER_COLUMNAR* variables: whether to keep
 * it, where, DuckDB's memory bound, its read connections and its threads (the cores shared
 * among the connections unless told).
 * @module
 */
import { availableParallelism } from 'node:os';
import { ConfigError } from '../../core/config.ts';
import type { DuckStoreOptions } from './duckdb-store.ts';

export const DEFAULT_COLUMNAR_MEMORY = '256MB';

/** Read connections unless TELLER_COLUMNAR_READERS says otherwise: a view's filtered queries two at a time. */
export const DEFAULT_COLUMNAR_READERS = 2;
export const MAX_COLUMNAR_READERS = 4;
export const MAX_COLUMNAR_THREADS = 64;

/** A whole number from 1 to `max`, or `fallback` when unset; a bad value stops the start. */
function count(env: Record<string, string | undefined>, name: string, max: number, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ConfigError(`${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  return n;
}

/** Exit code of a copy process that cannot run DuckDB here: it is not started again. */
export const COPY_UNAVAILABLE_EXIT = 3;

/** Why a read with kept sets was refused (duckdb-store.ts): a write overlapped it, nothing is wrong. */
export const STALE_SET_MESSAGE = 'the columnar copy was written during a read with kept sets';

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
  const readers = count(env, 'TELLER_COLUMNAR_READERS', MAX_COLUMNAR_READERS, DEFAULT_COLUMNAR_READERS);
  // The cores shared out among the connections: a view's statements side by side on one core
  // each were faster than one at a time on all of them, and than both on all (docs/benchmarks.md).
  const threads = count(env, 'TELLER_COLUMNAR_THREADS', MAX_COLUMNAR_THREADS, Math.max(1, Math.floor(availableParallelism() / readers)));
  return { path: env.TELLER_COLUMNAR_PATH || columnarPath(dbPath), memoryLimit, threads, readers };
}
