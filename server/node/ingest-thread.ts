/**
 * The HTTP thread's side of the ingest thread (ingest-worker.ts): the Ingest port as
 * requests on its channel (channel.ts), sent as one list per event-loop turn; each resolves
 * when the thread answers, which for a stored event is after its group is committed. A
 * thread that dies is started again (supervisor.ts), after a pause that grows while it
 * keeps failing; meanwhile events get 503 and clients retry. Maintenance runs there too,
 * since it writes: the HTTP thread asks for a pass and is told its result.
 * @module
 */
import { supervise, workerThread } from './supervisor.ts';
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

/** The thread's calls: an event, and a maintenance pass at an instant. */
export interface IngestThreadCalls {
  ingest: (request: IngestRequest) => Promise<IngestOutcome>;
  maintain: (nowMs: number) => Promise<MaintenanceResult>;
}

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

/**
 * A backstop: the HTTP thread's bound in bytes (server.ts, MAX_WAITING_BYTES) lets about
 * 30,000 tracker events wait, and this one only counts.
 */
const DEFAULT_MAX_WAITING = 50_000;

/**
 * The thread's young generation, where its events' short-lived objects are made. V8 would
 * let it grow to 48 MB; under overload that is resident memory, and 16 MB cost no
 * measurable CPU per event (docs/benchmarks.md, Soak, 2026-12-06).
 */
const YOUNG_GENERATION_MB = 16;

export function startIngestThread(data: IngestThreadData, log: Logger, options: IngestThreadOptions = {}): IngestThread {
  const maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
  const thread = supervise<IngestThreadCalls>({ name: 'ingest thread', start: workerThread(new URL('./ingest-worker.ts', import.meta.url), data, { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }), log });
  // An event not stored, for whatever reason, is a 503 the client retries; it may or may not be committed.
  const unstored = (failure: string): IngestOutcome => ({ status: 503, failure });
  const events = thread.channel.call('ingest', { lost: unstored, failed: unstored });
  const passes = thread.channel.call('maintain', { lost: (why) => new Error(why), failed: (message) => new Error(message) });
  /** The maintenance pass the thread is running, if any. */
  let maintenance: Promise<MaintenanceResult> | null = null;

  return {
    down: thread.down,
    ingest(request) {
      const unavailable = thread.unavailable();
      if (unavailable) return Promise.resolve(unstored(unavailable));
      if (events.waiting >= maxWaiting) return Promise.resolve(unstored(`${maxWaiting} events are already waiting to be stored`));
      return events.ask(request);
    },
    maintain(nowMs) {
      if (maintenance) return maintenance;
      const unavailable = thread.unavailable();
      if (unavailable) return Promise.reject(new Error(unavailable));
      const pass = passes.ask(nowMs);
      maintenance = pass;
      const ended = () => {
        maintenance = null;
      };
      pass.then(ended, ended);
      return pass;
    },
    close: thread.close,
  };
}
