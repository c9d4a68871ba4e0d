/**
 * The reader thread: Stats API and dashboard reads on a connection of its own, opened
 * `query_only`. WAL lets it read a consistent snapshot while the ingest thread writes, and
 * better-sqlite3 being synchronous, it answers reads one at a time, in the order asked.
 * @module
 */
import { workerData } from 'node:worker_threads';
import { serve, threadSide } from './channel.ts';
import type { ReaderThreadCalls, ReaderThreadData } from './reader-thread.ts';
import { openSqlite } from './sqlite-db.ts';

const { dbPath } = workerData as ReaderThreadData;
const db = openSqlite(dbPath);
// A statement that would write fails here instead of taking the write lock from the writers.
db.raw.pragma('query_only = ON');

const calls: ReaderThreadCalls = {
  // The Db calls finish synchronously (better-sqlite3): each read is done before the next starts.
  read: ({ method, sql, params }) => (method === 'all' ? db.all(sql, params) : db.first(sql, params)),
};

serve(threadSide(), { calls, onClose: () => db.close() });
