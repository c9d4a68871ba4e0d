/**
 * A worker thread kept running, for the ingest and reader threads: one that ends while the
 * server is not closing is started again after a pause that grows while it keeps failing
 * (restartDelay), and its `{ type: 'ready' }` message resets the pause. Each thread's own
 * messages, and what it leaves unanswered when it ends, stay with its caller.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../core/ports.ts';
import { restartDelay } from './restart-delay.ts';

export interface SupervisedWorkerOptions<M> {
  /** The thread's name in the log and in `down()`, e.g. 'reader thread'. */
  name: string;
  url: URL;
  workerData: unknown;
  log: Logger;
  /** Every message the thread sends except `{ type: 'ready' }`. */
  onMessage(message: Exclude<M, { type: 'ready' }>): void;
  /** The thread ended, for the reason given ('reader thread exited (1)'); runs before a restart is planned. */
  onExit(why: string): void;
}

export interface SupervisedWorker {
  /** Posts `message` to the thread; or, when it takes no work now, leaves it and says why. */
  post(message: unknown): string | null;
  /** Why the thread is down and waits to be started again, or null. */
  down(): string | null;
  /** Why no new work may go to the thread now (closing, or down), or null while it takes work. */
  unavailable(): string | null;
  /** Stops restarts, posts `message` (the thread's own request to end) and resolves once it has ended. */
  close(message: unknown): Promise<void>;
}

export function superviseWorker<M extends { type: string }>(options: SupervisedWorkerOptions<M>): SupervisedWorker {
  let worker: Worker | null = null;
  let down = '';
  let failures = 0;
  let closing = false;
  let restartTimer: NodeJS.Timeout | null = null;
  let exited: Promise<void> = Promise.resolve();

  const start = () => {
    restartTimer = null;
    const w = new Worker(options.url, { workerData: options.workerData });
    worker = w;
    w.on('message', (message: M) => {
      if (message.type === 'ready') failures = 0;
      else options.onMessage(message as Exclude<M, { type: 'ready' }>);
    });
    let error: Error | null = null;
    w.on('error', (e) => {
      error = e;
    });
    exited = new Promise((resolve) => {
      w.once('exit', (code) => {
        worker = null;
        // Without a closing full stop: the log line goes on with "; starting it again in N ms".
        down = `${options.name} ${error ? `failed: ${error.message.replace(/\.$/, '')}` : `exited (${code})`}`;
        options.onExit(down);
        if (!closing) {
          const delay = restartDelay(failures++);
          options.log.error(`${down}; starting it again in ${delay} ms`);
          restartTimer = setTimeout(start, delay);
          restartTimer.unref();
        }
        resolve();
      });
    });
  };
  start();

  const unavailable = () => (closing ? 'server is shutting down' : worker === null ? down : null);

  return {
    down: () => (worker === null && !closing ? down : null),
    unavailable,
    post(message) {
      const why = unavailable();
      if (why === null) worker!.postMessage(message);
      return why;
    },
    async close(message) {
      if (!closing) {
        closing = true;
        if (restartTimer) clearTimeout(restartTimer);
        worker?.postMessage(message);
      }
      await exited;
    },
  };
}
