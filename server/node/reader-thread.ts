/**
 * The HTTP thread's side of the reader thread (reader-worker.ts): a Db whose reads run on
 * another thread's read-only connection, so a query that takes seconds holds up neither
 * event intake nor other requests. Reads are answered in the order they were asked. Writes
 * are refused: they belong to the HTTP thread's own connection or the ingest thread. A
 * thread that dies is started again (supervisor.ts), after a pause that grows while it
 * keeps failing; meanwhile reads fail with StoreBusyError (503 with Retry-After).
 * @module
 */
import { supervise, workerThread } from './supervisor.ts';
import { type Db, type Logger, type SqlValue, StoreBusyError } from '../core/ports.ts';

export interface ReaderThreadData {
  dbPath: string;
}

export interface ReaderThreadOptions {
  /** Most reads waiting at once; past it a read fails at once rather than queueing behind minutes of work. */
  maxWaiting?: number;
}

export interface Read {
  method: 'all' | 'first';
  sql: string;
  params: readonly SqlValue[];
}

/** The thread's one call: a read, answered with its rows (`all`) or row (`first`). */
export interface ReaderThreadCalls {
  read: (read: Read) => Promise<unknown>;
}

export interface ReaderThread {
  /** Reads (`all`, `first`) on the reader thread; `run` and `batch` reject. */
  db: Db;
  /** Why the thread cannot answer now (it died and waits to be started again), or null. */
  down(): string | null;
  /** Answers every read already asked, then ends the thread; later reads are refused. */
  close(): Promise<void>;
}

/** Enough for many dashboards opening at once (a site view asks about 15 queries together). */
const DEFAULT_MAX_WAITING = 256;

/** A SQL error from the reader, with SQLite's code as better-sqlite3 gives it. */
function sqlError(message: string, code: string | null): Error {
  return Object.assign(new Error(message), code === null ? {} : { code });
}

export function startReaderThread(data: ReaderThreadData, log: Logger, options: ReaderThreadOptions = {}): ReaderThread {
  const maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
  const thread = supervise<ReaderThreadCalls>({ name: 'reader thread', start: workerThread(new URL('./reader-worker.ts', import.meta.url), data), log });
  const reads = thread.channel.call('read', { lost: (why) => new StoreBusyError(why), failed: sqlError });

  const read = (method: Read['method'], sql: string, params: readonly SqlValue[]): Promise<unknown> => {
    if (reads.waiting >= maxWaiting) return Promise.reject(new StoreBusyError(`${maxWaiting} queries are already waiting to be answered`));
    const unavailable = thread.unavailable();
    if (unavailable) return Promise.reject(new StoreBusyError(unavailable));
    return reads.ask({ method, sql, params });
  };

  const refuseWrite = () => Promise.reject(new Error('the reader thread only reads: writes go to the HTTP thread’s connection'));

  return {
    db: {
      all: <T>(sql: string, params: readonly SqlValue[] = []) => read('all', sql, params) as Promise<T[]>,
      first: <T>(sql: string, params: readonly SqlValue[] = []) => read('first', sql, params) as Promise<T | null>,
      run: refuseWrite,
      batch: refuseWrite,
    },
    down: thread.down,
    // After every read already asked: they are sent first, and the thread answers them before it ends.
    close: thread.close,
  };
}
