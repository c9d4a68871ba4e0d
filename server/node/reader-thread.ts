/**
 * The HTTP thread's side of the reader threads (reader-worker.ts): a Db whose reads run on
 * other threads' read-only connections, so a query that takes seconds holds up neither
 * event intake nor other requests. With more than one thread, reads run side by side, one
 * per thread: each read goes to the thread with the fewest reads waiting, and each thread
 * answers its reads in the order asked (a query's statements keep their order because it
 * asks each after the last is answered; query/fair-share.ts gives out the turns). Writes
 * are refused: they belong to the HTTP thread's own connection or the ingest thread. A
 * thread that dies is started again (supervisor.ts), after a pause that grows while it
 * keeps failing; the reads it had are answered StoreBusyError (503 with Retry-After), and
 * new reads go to the others, or fail the same way when none is up.
 * @module
 */
import { ConfigError } from '../core/config.ts';
import { type Supervised, supervise, workerThread } from './supervisor.ts';
import { type Db, type Logger, type SqlValue, StoreBusyError } from '../core/ports.ts';
import type { Call } from './channel.ts';

export interface ReaderThreadData {
  dbPath: string;
}

export interface ReaderThreadOptions {
  /** Most reads waiting at once, on all threads; past it a read fails at once rather than queueing behind minutes of work. */
  maxWaiting?: number;
  /** Threads, each with its own connection (1 unless told; the server takes TELLER_READER_THREADS). */
  threads?: number;
  /** The module each thread runs, reader-worker.ts unless told (a test's reader that ends itself). */
  worker?: URL;
}

/** Reader threads unless TELLER_READER_THREADS says otherwise: one read per core on a 2-core machine. */
export const DEFAULT_READER_THREADS = 2;
export const MAX_READER_THREADS = 4;

/** TELLER_READER_THREADS, 1 to 4; a bad value stops the start. */
export function readerThreads(env: Record<string, string | undefined>): number {
  const raw = env.TELLER_READER_THREADS;
  if (raw === undefined || raw === '') return DEFAULT_READER_THREADS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_READER_THREADS) {
    throw new ConfigError(`TELLER_READER_THREADS must be a whole number from 1 to ${MAX_READER_THREADS}, got "${raw}"`);
  }
  return n;
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
  /** Why no thread can answer now (they died and wait to be started again), or null. */
  down(): string | null;
  /** Answers every read already asked, then ends the threads; later reads are refused. */
  close(): Promise<void>;
}

/** Enough for many dashboards opening at once (a site view asks about 15 queries together). */
const DEFAULT_MAX_WAITING = 256;

/** A SQL error from the reader, with SQLite's code as better-sqlite3 gives it. */
function sqlError(message: string, code: string | null): Error {
  return Object.assign(new Error(message), code === null ? {} : { code });
}

interface Reader {
  thread: Supervised<ReaderThreadCalls>;
  reads: Call<Read, unknown>;
}

/** The thread taking work with the fewest reads waiting, or null when none takes work. */
function leastBusy(readers: readonly Reader[]): Reader | null {
  let best: Reader | null = null;
  for (const reader of readers) {
    if (reader.thread.unavailable() === null && (best === null || reader.reads.waiting < best.reads.waiting)) best = reader;
  }
  return best;
}

export function startReaderThread(data: ReaderThreadData, log: Logger, options: ReaderThreadOptions = {}): ReaderThread {
  const maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
  const count = options.threads ?? 1;
  const worker = options.worker ?? new URL('./reader-worker.ts', import.meta.url);
  const readers: Reader[] = Array.from({ length: count }, (_, i) => {
    const name = count === 1 ? 'reader thread' : `reader thread ${i + 1}`;
    const thread = supervise<ReaderThreadCalls>({ name, start: workerThread(worker, data), log });
    return { thread, reads: thread.channel.call('read', { lost: (why) => new StoreBusyError(why), failed: sqlError }) };
  });
  const waiting = () => readers.reduce((n, r) => n + r.reads.waiting, 0);

  const read = (method: Read['method'], sql: string, params: readonly SqlValue[]): Promise<unknown> => {
    if (waiting() >= maxWaiting) return Promise.reject(new StoreBusyError(`${maxWaiting} queries are already waiting to be answered`));
    const reader = leastBusy(readers);
    if (reader === null) return Promise.reject(new StoreBusyError(readers[0]!.thread.unavailable() ?? 'no reader thread is up'));
    return reader.reads.ask({ method, sql, params });
  };

  const refuseWrite = () => Promise.reject(new Error('the reader thread only reads: writes go to the HTTP thread’s connection'));

  return {
    db: {
      all: <T>(sql: string, params: readonly SqlValue[] = []) => read('all', sql, params) as Promise<T[]>,
      first: <T>(sql: string, params: readonly SqlValue[] = []) => read('first', sql, params) as Promise<T | null>,
      run: refuseWrite,
      batch: refuseWrite,
    },
    // Down only when no thread can read: one being started again is in the log, and the others answer meanwhile.
    down: () => (readers.some((r) => r.thread.down() === null) ? null : readers[0]!.thread.down()),
    // After every read already asked: they are sent first, and each thread answers them before it ends.
    close: async () => {
      await Promise.all(readers.map((r) => r.thread.close()));
    },
  };
}
