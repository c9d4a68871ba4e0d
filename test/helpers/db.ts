import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../server/node/migrate.ts';
import { type SqliteDb, openSqlite } from '../../server/node/sqlite-db.ts';

/** A fresh, migrated SQLite file in a temporary directory. */
export function tempDb(): { db: SqliteDb; path: string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'teller-test-'));
  const path = join(dir, 'teller.db');
  const db = openSqlite(path);
  migrate(db.raw);
  return {
    db,
    path,
    dir,
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
