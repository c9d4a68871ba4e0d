/**
 * Settings of the ingest thread's SQLite connection, the one that writes every event, and
 * what its failed writes say.
 * @module
 */
import type { Db } from '../core/ports.ts';
import { type SqliteDb, readOnlyMount } from './sqlite-db.ts';

/**
 * Pages of WAL before a commit also checkpoints (SQLite's default is 1,000). Each commit
 * appends every page it changed, and the same index pages change in commit after commit;
 * a checkpoint copies each page once however often it changed, so checkpointing every 4,000
 * pages (16 MB of WAL) copies fewer pages per event: about 10 µs of CPU less per event with
 * many new visitors (docs/benchmarks.md).
 */
const WAL_AUTOCHECKPOINT_PAGES = 4000;

export function tuneIngestConnection(db: SqliteDb): void {
  db.raw.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
}

/**
 * The connection as the ingest thread uses it, its failed writes naming SQLite's code and,
 * when the file can no longer be written, why: a filesystem the kernel turned read-only
 * after a disk error (ext4's errors=remount-ro) reaches SQLite only as "disk I/O error".
 * The failure goes to the log and to /healthz.
 */
export function explainedWrites(db: SqliteDb, path: string): Db {
  return {
    ...db,
    async run(sql, params) {
      try {
        return await db.run(sql, params);
      } catch (error) {
        throw explain(error, path);
      }
    },
    async batch(stmts) {
      try {
        await db.batch(stmts);
      } catch (error) {
        throw explain(error, path);
      }
    },
  };
}

function explain(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (!(error instanceof Error) || typeof code !== 'string') return error;
  const readOnly = /^SQLITE_(IOERR|READONLY)/.test(code) ? readOnlyMount(path) : null;
  const why = readOnly ? `: the filesystem holding ${path} is read-only (${readOnly})` : '';
  return Object.assign(new Error(`${error.message} (${code})${why}`), { code });
}
