/**
 * The HTTP thread's side of the reader thread (reader-worker.ts): a Db whose reads run on
 * another thread's read-only connection, so a query that takes seconds holds up neither
 * event intake nor other requests. Reads are answered in the order they were asked. Writes
 * are refused: they belong to the HTTP thread's own connection or the ingest thread. A
 * thread that dies is started again, after a pause that grows while it keeps failing;
 * meanwhile reads fail with StoreBusyError (503 with Retry-After).
 * @module
 */
import { superviseWorker } from './supervised-worker.ts';
import { type Db, type Logger, type SqlValue, StoreBusyError } from '../core/ports.ts';

export interface ReaderThreadData {
  dbPath: string;
}

export interface ReaderThreadOptions {
  /** Most reads waiting at once; past it a read fails at once rather than queueing behind minutes of work. */
  maxWaiting?: number;
}

export type ReadMethod = 'all' | 'first';
export type ToReaderThread = { type: 'read'; id: number; method: ReadMethod; sql: string; params: readonly SqlValue[] } | { type: 'close' };
export type FromReaderThread =
  | { type: 'ready' }
  | { type: 'answer'; id: number; rows: unknown }
  | { type: 'failed'; id: number; message: string; code: string | null };

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

interface Waiting {
  resolve(rows: unknown): void;
  reject(error: Error): void;
}

/** A SQL error from the reader, with SQLite's code as better-sqlite3 gives it. */
function sqlError(message: string, code: string | null): Error {
  return Object.assign(new Error(message), code === null ? {} : { code });
}

export function startReaderThread(data: ReaderThreadData, log: Logger, options: ReaderThreadOptions = {}): ReaderThread {
  const maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
  const waiting = new Map<number, Waiting>();
  let nextId = 1;

  const thread = superviseWorker<FromReaderThread>({
    name: 'reader thread',
    url: new URL('./reader-worker.mjs', import.meta.url),
    workerData: data,
    log,
    onMessage(message) {
      const entry = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.type === 'answer') entry?.resolve(message.rows);
      else entry?.reject(sqlError(message.message, message.code));
    },
    onExit(why) {
      for (const entry of waiting.values()) entry.reject(new StoreBusyError(why));
      waiting.clear();
    },
  });

  const read = (method: ReadMethod, sql: string, params: readonly SqlValue[]): Promise<unknown> => {
    if (waiting.size >= maxWaiting) return Promise.reject(new StoreBusyError(`${maxWaiting} queries are already waiting to be answered`));
    const id = nextId++;
    const unavailable = thread.post({ type: 'read', id, method, sql, params } satisfies ToReaderThread);
    if (unavailable) return Promise.reject(new StoreBusyError(unavailable));
    return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
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
    // After every read already sent: the thread answers them first.
    close: () => thread.close({ type: 'close' } satisfies ToReaderThread),
  };
}
