/**
 * The reader thread: Stats API and dashboard reads on a connection of its own, opened
 * `query_only`. WAL lets it read a consistent snapshot while the ingest thread writes, and
 * better-sqlite3 being synchronous, it answers SQLite reads one at a time, in the order asked.
 *
 * It also owns the columnar copy of closed days (DuckDB, columnar/duckdb-store.ts): after
 * each maintenance pass it brings the copy in step with what maintenance has rolled up, a few days per step so reads go on between steps, and answers the copy's
 * reads on DuckDB's own threads.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { syncColumns } from '../core/columnar/sync.ts';
import { openDuckStore, type DuckStore } from './columnar/duckdb-store.ts';
import type { FromReaderThread, ReaderThreadData, ToReaderThread } from './reader-thread.ts';
import { openSqlite } from './sqlite-db.ts';

const port = parentPort!;
const { dbPath, columns } = workerData as ReaderThreadData;
const db = openSqlite(dbPath);
// A statement that would write fails here instead of taking the write lock from the writers.
db.raw.pragma('query_only = ON');

/** Days copied per step: small, so a backfill holds up reads for a few milliseconds at a time. */
const DAYS_PER_STEP = 4;
/** After a failed step, when to try again (maintenance asks again too, every few minutes). */
const RETRY_MS = 60_000;

const answer = (message: FromReaderThread) => port.postMessage(message);
const log = (level: 'info' | 'warn' | 'error', message: string) => answer({ type: 'log', level, message });
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

let store: DuckStore | null = null;
let closing = false;
let syncTimer: NodeJS.Timeout | null = null;
let syncing: Promise<void> | null = null;
/** Asked to sync while a step ran: one more pass once it ends. */
let again = false;
let copied = 0;
let copyStarted = 0;
/** The server's clock, as of its last request to sync, and how long ago that was here. */
let askedAt = { serverMs: 0, localMs: 0 };
const syncNowMs = () => askedAt.serverMs + (Date.now() - askedAt.localMs);

const scheduleSync = (delay: number) => {
  if (closing || !store) return;
  if (syncTimer) clearTimeout(syncTimer);
  syncTimer = setTimeout(() => {
    syncTimer = null;
    syncing = sync().finally(() => {
      syncing = null;
      if (again) {
        again = false;
        scheduleSync(0);
      }
    });
  }, delay);
};

async function sync(): Promise<void> {
  try {
    if (copied === 0) copyStarted = performance.now();
    const result = await syncColumns(db, store!, DAYS_PER_STEP, Math.floor(syncNowMs() / 1000));
    copied += result.daysWritten;
    if (result.behind) return scheduleSync(0);
    if (copied > 0) log('info', `columnar copy: ${copied} closed days copied in ${((performance.now() - copyStarted) / 1000).toFixed(1)} s`);
    copied = 0;
  } catch (error) {
    log('error', `columnar copy failed: ${reason(error)}; trying again in ${RETRY_MS / 1000} s (queries read SQLite meanwhile)`);
    scheduleSync(RETRY_MS);
  }
}

const opened = columns
  ? openDuckStore(columns).then(
      (s) => {
        store = s;
        // The first request to sync comes once the server's first maintenance pass is done.
        if (askedAt.serverMs > 0) scheduleSync(0);
      },
      (error: unknown) => log('warn', `columnar copy unavailable (${reason(error)}): filtered views are answered from SQLite alone, more slowly`),
    )
  : Promise.resolve();

const failed = (id: number, error: unknown) => {
  const code = (error as { code?: unknown }).code;
  answer({ type: 'failed', id, message: reason(error), code: typeof code === 'string' ? code : null });
};

port.on('message', (message: ToReaderThread) => {
  switch (message.type) {
    case 'close':
      closing = true;
      if (syncTimer) clearTimeout(syncTimer);
      void (async () => {
        await opened;
        await syncing;
        store?.close();
        db.close();
        // With the port closed and nothing pending, the thread ends.
        port.close();
      })();
      return;
    case 'sync':
      askedAt = { serverMs: message.nowMs, localMs: Date.now() };
      if (syncing) again = true;
      else scheduleSync(0);
      return;
    case 'coverage':
      void (store ? store.coverage(message.siteId, message.timeZone) : Promise.resolve(null)).then((rows) => answer({ type: 'answer', id: message.id, rows }));
      return;
    case 'columns':
      if (!store) return failed(message.id, new Error('the columnar copy is not open'));
      store.all(message.sql, message.params).then(
        (rows) => answer({ type: 'answer', id: message.id, rows }),
        (error: unknown) => failed(message.id, error),
      );
      return;
    case 'read': {
      const { id, method, sql, params } = message;
      // The Db calls finish synchronously (better-sqlite3): the answer goes out before the next read starts.
      const reading = method === 'all' ? db.all(sql, params) : db.first(sql, params);
      reading.then(
        (rows) => answer({ type: 'answer', id, rows }),
        (error: unknown) => failed(id, error),
      );
    }
  }
});

answer({ type: 'ready' });
