/**
 * The reader thread: Stats API and dashboard reads on a connection of its own, opened
 * `query_only`. WAL lets it read a consistent snapshot while the ingest thread writes, and
 * better-sqlite3 being synchronous, it answers reads one at a time, in the order asked.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromReaderThread, ReaderThreadData, ToReaderThread } from './reader-thread.ts';
import { openSqlite } from './sqlite-db.ts';

const port = parentPort!;
const { dbPath } = workerData as ReaderThreadData;
const db = openSqlite(dbPath);
// A statement that would write fails here instead of taking the write lock from the writers.
db.raw.pragma('query_only = ON');

const answer = (message: FromReaderThread) => port.postMessage(message);

port.on('message', (message: ToReaderThread) => {
  if (message.type === 'close') {
    db.close();
    // With the port closed and nothing pending, the thread ends.
    port.close();
    return;
  }
  const { id, method, sql, params } = message;
  // The Db calls finish synchronously (better-sqlite3): the answer goes out before the next read starts.
  const reading = method === 'all' ? db.all(sql, params) : db.first(sql, params);
  reading.then(
    (rows) => answer({ type: 'answer', id, rows }),
    (error: unknown) => {
      const code = (error as { code?: unknown }).code;
      answer({ type: 'failed', id, message: error instanceof Error ? error.message : String(error), code: typeof code === 'string' ? code : null });
    },
  );
});

answer({ type: 'ready' });
