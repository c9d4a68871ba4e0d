/**
 * The HTTP thread's side of the ingest thread (ingest-worker.ts): the Ingest port as
 * messages. Requests are sent as one list per event-loop turn; each resolves when the
 * thread answers, which for a stored event is after its group is committed. A thread that
 * dies is started again, after a pause that grows while it keeps failing; meanwhile
 * events get 503 and clients retry. Maintenance runs there too, since it writes: the HTTP
 * thread asks for a pass and is told its result.
 * @module
 */
import { superviseWorker } from './supervised-worker.ts';
import type { Ingest, IngestOutcome, IngestRequest } from '../core/ingest/ingest.ts';
import type { MaintenanceResult } from '../core/maintenance.ts';
import type { Config, Logger } from '../core/ports.ts';

export interface IngestThreadData {
  dbPath: string;
  config: Pick<Config, 'trustProxy' | 'ipStorage' | 'eventRateLimit'>;
}

export interface IngestThreadOptions {
  /**
   * Most events waiting for the thread at once; beyond it events get 503 at once, so a
   * disk that falls behind costs clients a retry instead of the server its memory.
   */
  maxWaiting?: number;
}

export type ToIngestThread = { type: 'ingest'; requests: [number, IngestRequest][] } | { type: 'maintain'; nowMs: number } | { type: 'close' };
export type FromIngestThread =
  | { type: 'ready' }
  | { type: 'answers'; answers: [number, IngestOutcome][] }
  | { type: 'maintained'; result: MaintenanceResult }
  | { type: 'maintenanceFailed'; message: string };

export interface IngestThread {
  ingest: Ingest;
  /** Why the thread cannot take events now (it died and waits to be started again), or null. */
  down(): string | null;
  /**
   * Runs maintenance on the thread at instant `nowMs` until its backlog is worked off (or the
   * thread closes); one pass at a time, a second call while one runs shares it.
   */
  maintain(nowMs: number): Promise<MaintenanceResult>;
  /** Sends what is queued, lets the thread commit everything it accepted, and waits for it to end. */
  close(): Promise<void>;
}

/** About two seconds of the benchmark's throughput. */
const DEFAULT_MAX_WAITING = 20_000;

export function startIngestThread(data: IngestThreadData, log: Logger, options: IngestThreadOptions = {}): IngestThread {
  const maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
  const waiting = new Map<number, (outcome: IngestOutcome) => void>();
  let queued: [number, IngestRequest][] = [];
  let sending = false;
  let nextId = 1;
  /** The maintenance pass the thread is running, if any. */
  let maintenance: { done: Promise<MaintenanceResult>; settle(outcome: MaintenanceResult | Error): void } | null = null;

  const endMaintenance = (outcome: MaintenanceResult | Error) => {
    const pass = maintenance;
    maintenance = null;
    pass?.settle(outcome);
  };

  const fail = (entries: Iterable<[number, unknown]>, failure: string) => {
    for (const [id] of entries) {
      waiting.get(id)?.({ status: 503, failure });
      waiting.delete(id);
    }
  };

  const thread = superviseWorker<FromIngestThread>({
    name: 'ingest thread',
    url: new URL('./ingest-worker.mjs', import.meta.url),
    workerData: data,
    log,
    onMessage(message) {
      if (message.type === 'maintained') return endMaintenance(message.result);
      if (message.type === 'maintenanceFailed') return endMaintenance(new Error(message.message));
      for (const [id, outcome] of message.answers) {
        waiting.get(id)?.(outcome);
        waiting.delete(id);
      }
    },
    onExit(why) {
      // Whatever it had not answered may or may not be committed: the clients retry.
      fail([...waiting], why);
      endMaintenance(new Error(why));
    },
  });

  const send = () => {
    sending = false;
    if (queued.length === 0) return;
    const requests = queued;
    queued = [];
    // close() sends first, before the thread counts as closing, so what was accepted reaches it.
    const unavailable = thread.post({ type: 'ingest', requests } satisfies ToIngestThread);
    if (unavailable) fail(requests, unavailable);
  };

  return {
    down: thread.down,
    ingest(request) {
      const unavailable = thread.unavailable();
      if (unavailable) return Promise.resolve({ status: 503, failure: unavailable });
      if (waiting.size >= maxWaiting) return Promise.resolve({ status: 503, failure: `${maxWaiting} events are already waiting to be stored` });
      return new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        queued.push([id, request]);
        if (!sending) {
          sending = true;
          setImmediate(send);
        }
      });
    },
    maintain(nowMs) {
      if (maintenance) return maintenance.done;
      const unavailable = thread.post({ type: 'maintain', nowMs } satisfies ToIngestThread);
      if (unavailable) return Promise.reject(new Error(unavailable));
      // The thread answers in a later message, so the pass is recorded before it can end.
      let settle!: (outcome: MaintenanceResult | Error) => void;
      const done = new Promise<MaintenanceResult>((resolve, reject) => {
        settle = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      });
      maintenance = { done, settle };
      return done;
    },
    close() {
      // What is queued goes first, so the thread commits it before it ends.
      send();
      return thread.close({ type: 'close' } satisfies ToIngestThread);
    },
  };
}
