/**
 * A worker thread or child process kept running, with its channel (channel.ts): one that
 * ends while the server is not closing is started again after a pause that grows while it
 * keeps failing (restartDelay), and its `{ type: 'ready' }` message resets the pause. When
 * it ends, every request in flight on its channel is settled as lost; when it is closed,
 * what was asked goes out before the request to close.
 * @module
 */
import { fork } from 'node:child_process';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { Logger } from '../core/ports.ts';
import { type Calls, Channel, type Link } from './channel.ts';

const FIRST_RESTART_MS = 250;
const MAX_RESTART_MS = 30_000;

/** The pause before restart number `failures + 1`: a quarter second, doubling, at most 30 s. */
export function restartDelay(failures: number): number {
  return Math.min(MAX_RESTART_MS, FIRST_RESTART_MS * 2 ** failures);
}

/** A running thread or process, as the supervisor sees it. */
export interface Running {
  send(message: unknown, failed: (error: Error) => void): void;
  onMessage(listener: (message: { type: string }) => void): void;
  /** How it ended ('exited (1)', 'killed (SIGKILL)', 'failed: …'), and its exit code. */
  onExit(listener: (how: string, code: number | null) => void): void;
}

/** Loads a thread's or process's TypeScript module (its URL the first argument). */
const ENTRY = new URL('./tsx-entry.mjs', import.meta.url);

/** Starts a thread running the module at `url` with `workerData` (and V8 heap limits, when given). */
export function workerThread(url: URL, workerData: unknown, resourceLimits?: ResourceLimits): () => Running {
  return () => {
    const worker = new Worker(ENTRY, { workerData, argv: [url.href], ...(resourceLimits ? { resourceLimits } : {}) });
    let error: Error | null = null;
    worker.on('error', (e) => {
      error = e;
    });
    return {
      send: (message) => worker.postMessage(message),
      onMessage: (listener) => worker.on('message', listener),
      // Without a closing full stop: the log line goes on with "; starting it again in N ms".
      onExit: (listener) => worker.once('exit', (code) => listener(error ? `failed: ${error.message.replace(/\.$/, '')}` : `exited (${code})`, code)),
    };
  };
}

/** Starts a process running the module at `url` with `env` added to the server's. */
export function childProcess(url: URL, env: Record<string, string>): () => Running {
  return () => {
    const child = fork(ENTRY, [url.href], {
      env: { ...process.env, ...env },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // Its exit says what happened; a send that fails is told to its caller.
    child.on('error', () => {});
    return {
      /**
       * A process that just died is still connected until its end of the channel is seen
       * closed: the write then fails (EPIPE). Given a callback, Node hands the failure to it
       * instead of raising it on the child, where it would end the server.
       */
      send(message, failed) {
        if (child.connected) child.send(message as never, (error) => error && failed(error));
        else failed(new Error('the process is no longer connected'));
      },
      onMessage: (listener) => child.on('message', listener as (message: unknown) => void),
      onExit: (listener) => child.once('exit', (code, signal) => listener(signal ? `killed (${signal})` : `exited (${code})`, code)),
    };
  };
}

export interface SupervisorOptions {
  /** Its name in the log and in `down()`, e.g. 'reader thread'. */
  name: string;
  start: () => Running;
  log: Logger;
  /** Takes work only once it said `ready` (else from its start). */
  upOnReady?: boolean;
  /** A note it sent (any message but `ready` and answers). */
  onNote?(note: { type: string }): void;
  /** It said `ready`. */
  onReady?(): void;
  /**
   * An exit after which it is not started again, and what `down()` says from then on (null:
   * nothing); undefined for an exit to restart after.
   */
  final?(code: number | null): string | null | undefined;
  /** What `down()` and the log say while it waits to be started again; by default `why`, and "why; starting it again in N ms". */
  restarting?(why: string, delayMs: number): { down: string; log: string };
}

export interface Supervised<C extends Calls<C>> extends Link {
  /** The requests to it and their answers. */
  channel: Channel<C>;
  /** Why it is down and not (yet) running again, or null. */
  down(): string | null;
  /** Why no work may go to it now (closing, or down), or null while it takes work. */
  unavailable(): string | null;
  /** Stops restarts, sends what was asked, posts `{ type: 'close' }` and resolves once it has ended. */
  close(): Promise<void>;
}

const restartingAfter = (why: string, delayMs: number) => ({ down: why, log: `${why}; starting it again in ${delayMs} ms` });

/** Starts and keeps running the thread or process serving calls `C`. */
export function supervise<C extends Calls<C>>(options: SupervisorOptions): Supervised<C> {
  const restarting = options.restarting ?? restartingAfter;
  let running: Running | null = null;
  let up = false;
  let down: string | null = null;
  let failures = 0;
  let closing = false;
  let restartTimer: NodeJS.Timeout | null = null;
  let exited: Promise<void> = Promise.resolve();

  const unavailable = () => (closing ? 'server is shutting down' : up ? null : (down ?? `${options.name} is starting`));
  const link: Link = {
    post(message, failed = () => {}) {
      const why = unavailable();
      if (why === null) running!.send(message, failed);
      return why;
    },
  };
  const channel = new Channel<C>(link);

  const start = () => {
    restartTimer = null;
    const r = options.start();
    running = r;
    up = !options.upOnReady;
    r.onMessage((message) => {
      if (channel.receive(message)) return;
      if (message.type !== 'ready') return options.onNote?.(message);
      failures = 0;
      up = true;
      down = null;
      options.onReady?.();
    });
    exited = new Promise((resolve) => {
      r.onExit((how, code) => {
        running = null;
        up = false;
        const why = `${options.name} ${how}`;
        // Whatever it had not answered may or may not have been done: callers retry.
        channel.lose(why);
        const final = options.final?.(code);
        if (final !== undefined) down = final;
        else if (!closing) {
          const delay = restartDelay(failures++);
          const said = restarting(why, delay);
          down = said.down;
          options.log.error(said.log);
          restartTimer = setTimeout(start, delay);
          restartTimer.unref();
        } else down = why;
        resolve();
      });
    });
  };
  start();

  return {
    ...link,
    channel,
    down: () => (closing || up ? null : down),
    unavailable,
    async close() {
      if (!closing) {
        // What was asked goes first, before it counts as closing, so it reaches the other side.
        channel.flush();
        closing = true;
        if (restartTimer) clearTimeout(restartTimer);
        running?.send({ type: 'close' }, () => {});
      }
      await exited;
    },
  };
}
