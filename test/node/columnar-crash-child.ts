/**
 * Child process of the columnar test: copies closed days into the columnar store and is
 * killed (SIGKILL, by itself) while the day given in argv[4] is being written, between
 * the transaction's start and its commit. argv: SQLite file, copy file, day to die in.
 */
import type { ColumnarStore } from '../../server/core/ports.ts';
import { syncColumnarCopy } from '../../server/core/columnar/sync.ts';
import { openDuckStore } from '../../server/node/columnar/duckdb-store.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';

const [dbPath, copyPath, dieIn] = process.argv.slice(2) as [string, string, string];
const db = openSqlite(dbPath);
const store = await openDuckStore({ path: copyPath, memoryLimit: '128MB', threads: 1 });
const dying: ColumnarStore = {
  ...store,
  writeDay(siteId, timezone, day, start, end, rows) {
    // The timer fires at the first turn of the event loop, while the write awaits DuckDB:
    // inside the transaction, long before its many statements reach the commit.
    if (day === dieIn) setTimeout(() => process.kill(process.pid, 'SIGKILL'), 0);
    return store.writeDay(siteId, timezone, day, start, end, rows);
  },
};
for (;;) {
  const r = await syncColumnarCopy(db, dying, 1, Math.floor(Date.now() / 1000));
  if (!r.behind) break;
}
// Reaching here means the kill never came: the parent sees exit code 0 and fails.
process.exit(0);
