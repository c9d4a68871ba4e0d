/**
 * A reader thread for reader-pool.test.ts: reader-worker.ts's reads, except that the
 * statement `SELECT 'end this thread'` ends the thread before it is answered, as a crash would.
 */
import { workerData } from 'node:worker_threads';
import { serve, threadSide } from '../../server/node/channel.ts';
import type { ReaderThreadCalls, ReaderThreadData } from '../../server/node/reader-thread.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';

const END_THIS_THREAD = "SELECT 'end this thread'";

const { dbPath } = workerData as ReaderThreadData;
const db = openSqlite(dbPath);
db.raw.pragma('query_only = ON');

const calls: ReaderThreadCalls = {
  read: ({ method, sql, params }) => {
    if (sql === END_THIS_THREAD) process.exit(1);
    return method === 'all' ? db.all(sql, params) : db.first(sql, params);
  },
};

serve(threadSide(), { calls, onClose: () => db.close() });
