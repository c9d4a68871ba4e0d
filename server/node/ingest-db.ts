/**
 * Settings of the ingest thread's SQLite connection, the one that writes every event.
 * @module
 */
import type { SqliteDb } from './sqlite-db.ts';

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
