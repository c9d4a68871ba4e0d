/**
 * The server's side of the columnar copy's process (copy-process.ts): a ColumnarReader
 * whose reads are calls on that process's channel (../channel.ts), and the request to sync
 * after maintenance. While the process is starting, or down, the copy holds nothing
 * (`coverage` is null) and every query reads SQLite alone; a process that died is started
 * again (../supervisor.ts) after a pause that grows while it keeps failing. One that cannot
 * run DuckDB at all (exit code 3) is not.
 * @module
 */
import { throttledLog } from '../../core/log-throttle.ts';
import type { ColumnarReader, Logger } from '../../core/ports.ts';
import { childProcess, supervise } from '../supervisor.ts';
import { COPY_UNAVAILABLE_EXIT, STALE_SET_MESSAGE } from './options.ts';
import type { CopyProcessCalls, CopyProcessData, FromCopyProcess, ToCopyProcess } from './copy-process.ts';

export interface CopyClient {
  reader: ColumnarReader;
  /** Why the copy is not serving now, or null. */
  down(): string | null;
  /** Asks the copy to follow the rollups, at the server's instant `nowMs`. */
  sync(nowMs: number): void;
  close(): Promise<void>;
}

/**
 * A read DuckDB refuses (its memory limit, say) is answered from SQLite, correct but slower,
 * so the log is the operator's only sign of it; it is said once a minute at most.
 */
const READ_FAILURE_LOG_MS = 60_000;

export function startCopyProcess(data: CopyProcessData, log: Logger): CopyClient {
  const reportReadFailure = throttledLog((line) => log.error(line), Date.now, READ_FAILURE_LOG_MS);
  let lastSync: number | null = null;

  const copy = supervise<CopyProcessCalls>({
    name: 'columnar copy process',
    start: childProcess(new URL('./copy-process.ts', import.meta.url), { TELLER_COPY_PROCESS: JSON.stringify(data) }),
    log,
    // Starting is no trouble: only a copy that died or cannot run is reported.
    upOnReady: true,
    onReady() {
      if (lastSync !== null) copy.post({ type: 'sync', nowMs: lastSync } satisfies ToCopyProcess);
    },
    onNote(note) {
      const { level, message } = note as FromCopyProcess;
      log[level](message);
    },
    final: (code) => (code === COPY_UNAVAILABLE_EXIT ? 'unavailable: DuckDB cannot run here (see the log); queries read SQLite alone' : code === 0 ? null : undefined),
    restarting: (why, delayMs) => ({ down: `${why}; starting it again`, log: `${why}; queries read SQLite alone until it is started again in ${delayMs} ms` }),
  });
  const lost = (why: string) => new Error(why);
  const reads = copy.channel.call('read', {
    lost,
    failed(message) {
      // A read overlapping a write of the copy is read from SQLite as planned: no trouble to report.
      if (message === STALE_SET_MESSAGE) return new Error(message);
      // DuckDB's messages go on for lines (the query, a caret under it): the first says what went wrong.
      reportReadFailure(`columnar copy could not answer a query (${message.split('\n', 1)[0]}): answered from SQLite instead, more slowly`);
      return new Error(message);
    },
  });
  const coverage = copy.channel.call('coverage', { lost, failed: lost });

  return {
    reader: {
      // Not running: the copy holds nothing, and the planner reads SQLite alone.
      coverage: (siteId, timeZone) => (copy.unavailable() === null ? coverage.ask({ siteId, timeZone }).catch(() => null) : Promise.resolve(null)),
      all(sql, params, sets) {
        const unavailable = copy.unavailable();
        return unavailable === null ? reads.ask({ sql, params, sets }) : Promise.reject(new Error(unavailable));
      },
    },
    down: copy.down,
    sync(nowMs) {
      lastSync = nowMs;
      copy.post({ type: 'sync', nowMs } satisfies ToCopyProcess);
    },
    close: copy.close,
  };
}
