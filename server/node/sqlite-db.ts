/**
 * The Db port on better-sqlite3: synchronous calls wrapped in promises, prepared
 * statements cached by their SQL text, `batch` as one transaction.
 * @module
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db, RunResult, SqlValue, Stmt } from '../core/ports.ts';

export interface SqliteDb extends Db {
  readonly raw: Database.Database;
  close(): void;
}

/** Opens (creating if needed) a database file with WAL and synchronous=FULL. */
export function openSqlite(path: string): SqliteDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before the writer acknowledges it, so a kill -9 loses nothing acknowledged.
  raw.pragma('synchronous = FULL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = OFF');

  // Queries vary with the Stats API's filters, so the cache is bounded: past the bound it
  // starts over, and the few hot statements are prepared again on their next use.
  const MAX_CACHED = 500;
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = raw.prepare(sql);
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(sql, stmt);
    }
    return stmt;
  };
  const runBatch = raw.transaction((stmts: readonly Stmt[]) => {
    for (const s of stmts) prepare(s.sql).run(...s.params);
  });

  return {
    raw,
    async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
      return prepare(sql).all(...params) as T[];
    },
    async first<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | null> {
      return (prepare(sql).get(...params) as T | undefined) ?? null;
    },
    async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
      const r = prepare(sql).run(...params);
      return { changes: r.changes, lastRowId: Number(r.lastInsertRowid) };
    },
    async batch(stmts: readonly Stmt[]): Promise<void> {
      runBatch(stmts);
    },
    close() {
      cache.clear();
      raw.close();
    },
  };
}
