/**
 * The server's side of the columnar copy's process (copy-process.ts): a ColumnarReader
 * whose reads go to that process, and the request to sync after maintenance. While the
 * process is starting, or down, the copy holds nothing (`coverage` is null) and every
 * query reads SQLite alone; a process that died is started again after a pause that grows
 * while it keeps failing. One that cannot run DuckDB at all (exit code 3) is not.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { throttledLog } from '../../core/log-throttle.ts';
import type { Logger, SqlValue } from '../../core/ports.ts';
import type { ColumnarCoverage, ColumnarReader } from '../../core/ports.ts';
import { restartDelay } from '../restart-delay.ts';
import type { CopyProcessData, FromCopyProcess, ToCopyProcess } from './copy-process.ts';

export interface CopyClient {
  reader: ColumnarReader;
  /** Why the copy is not serving now, or null. */
  down(): string | null;
  /** Asks the copy to follow the rollups, at the server's instant `nowMs`. */
  sync(nowMs: number): void;
  close(): Promise<void>;
}

interface Waiting {
  resolve(rows: unknown): void;
  reject(error: Error): void;
}

/** Exit code of a copy process that cannot run DuckDB here. */
const UNAVAILABLE = 3;

/**
 * A read DuckDB refuses (its memory limit, say) is answered from SQLite, correct but slower,
 * so the log is the operator's only sign of it; it is said once a minute at most.
 */
const READ_FAILURE_LOG_MS = 60_000;

export function startCopyProcess(data: CopyProcessData, log: Logger): CopyClient {
  const waiting = new Map<number, Waiting>();
  const reportReadFailure = throttledLog((line) => log.error(line), Date.now, READ_FAILURE_LOG_MS);
  let nextId = 1;
  let child: ChildProcess | null = null;
  let ready = false;
  // Starting is no trouble: only a copy that died or cannot run is reported.
  let down: string | null = null;
  let failures = 0;
  let closing = false;
  let lastSync: number | null = null;
  let restartTimer: NodeJS.Timeout | null = null;
  let exited: Promise<void> = Promise.resolve();

  /**
   * A process that just died is still connected until its end of the channel is seen closed:
   * the write then fails (EPIPE). Given a callback, Node hands the failure to it instead of
   * raising it on the child, where it would end the server.
   */
  const post = (message: ToCopyProcess, failed: (error: Error) => void = () => {}) => {
    if (child?.connected) child.send(message, (error) => error && failed(error));
  };

  const start = () => {
    restartTimer = null;
    const c = fork(new URL('./copy-process.mjs', import.meta.url), [], {
      env: { ...process.env, TELLER_COPY_PROCESS: JSON.stringify(data) },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = c;
    c.on('message', (message: FromCopyProcess) => {
      switch (message.type) {
        case 'ready':
          ready = true;
          down = null;
          failures = 0;
          if (lastSync !== null) post({ type: 'sync', nowMs: lastSync });
          return;
        case 'log':
          log[message.level](message.message);
          return;
        default: {
          const entry = waiting.get(message.id);
          waiting.delete(message.id);
          if (message.type === 'answer') return entry?.resolve(message.rows);
          entry?.reject(new Error(message.message));
          // DuckDB's messages go on for lines (the query, a caret under it): the first says what went wrong.
          reportReadFailure(`columnar copy could not answer a query (${message.message.split('\n', 1)[0]}): answered from SQLite instead, more slowly`);
        }
      }
    });
    exited = new Promise((resolve) => {
      c.once('exit', (code, signal) => {
        child = null;
        ready = false;
        const why = `columnar copy process ${signal ? `killed (${signal})` : `exited (${code})`}`;
        for (const entry of waiting.values()) entry.reject(new Error(why));
        waiting.clear();
        if (code === UNAVAILABLE) down = 'unavailable: DuckDB cannot run here (see the log); queries read SQLite alone';
        if (!closing && code !== UNAVAILABLE && code !== 0) {
          const delay = restartDelay(failures++);
          down = `${why}; starting it again`;
          log.error(`${why}; queries read SQLite alone until it is started again in ${delay} ms`);
          restartTimer = setTimeout(start, delay);
          restartTimer.unref();
        }
        resolve();
      });
    });
  };
  start();

  const ask = (message: (id: number) => ToCopyProcess): Promise<unknown> => {
    if (!ready || !child) return Promise.reject(new Error('the columnar copy is not running'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      // Not sent: the caller reads SQLite at once rather than when the exit is seen.
      post(message(id), (error) => {
        waiting.delete(id);
        reject(error);
      });
    });
  };

  return {
    reader: {
      // Not running: the copy holds nothing, and the planner reads SQLite alone.
      coverage: (siteId, timeZone) => (ready ? (ask((id) => ({ type: 'coverage', id, siteId, timeZone })) as Promise<ColumnarCoverage | null>).catch(() => null) : Promise.resolve(null)),
      all: (sql, params) => ask((id) => ({ type: 'columns', id, sql, params })) as Promise<Array<Record<string, SqlValue>>>,
    },
    down: () => (closing ? null : down),
    sync(nowMs) {
      lastSync = nowMs;
      if (ready) post({ type: 'sync', nowMs });
    },
    async close() {
      if (!closing) {
        closing = true;
        if (restartTimer) clearTimeout(restartTimer);
        post({ type: 'close' });
      }
      await exited;
    },
  };
}
