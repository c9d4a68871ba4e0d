/**
 * The HTTP thread's side of the ingest thread (ingest-worker.ts): the Ingest port as
 * messages. Requests are sent as one list per event-loop turn; each resolves when the
 * thread answers, which for a stored event is after its group is committed.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { Ingest, IngestOutcome, IngestRequest } from '../core/ingest/ingest.ts';
import type { Config } from '../core/ports.ts';

export interface IngestThreadData {
  dbPath: string;
  config: Pick<Config, 'trustProxy' | 'ipStorage'>;
}

export type ToIngestThread = { type: 'ingest'; requests: [number, IngestRequest][] } | { type: 'close' };

export interface IngestThread {
  ingest: Ingest;
  /** Sends what is queued, lets the thread commit everything it accepted, and waits for it to end. */
  close(): Promise<void>;
}

export function startIngestThread(data: IngestThreadData): IngestThread {
  const worker = new Worker(new URL('./ingest-worker.mjs', import.meta.url), { workerData: data });
  const waiting = new Map<number, (outcome: IngestOutcome) => void>();
  let queued: [number, IngestRequest][] = [];
  let sending = false;
  let nextId = 1;
  let failure: string | null = null;
  let closed: Promise<void> | null = null;

  const send = () => {
    sending = false;
    if (queued.length === 0) return;
    const message: ToIngestThread = { type: 'ingest', requests: queued };
    queued = [];
    worker.postMessage(message);
  };
  worker.on('message', (answers: [number, IngestOutcome][]) => {
    for (const [id, outcome] of answers) {
      waiting.get(id)?.(outcome);
      waiting.delete(id);
    }
  });
  const failAll = (reason: string) => {
    failure = reason;
    for (const resolve of waiting.values()) resolve({ status: 503, failure: reason });
    waiting.clear();
  };
  worker.on('error', (error) => failAll(`ingest thread failed: ${error.message}`));
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      failAll(`ingest thread exited (${code})`);
      resolve();
    });
  });

  return {
    ingest(request) {
      if (failure !== null) return Promise.resolve({ status: 503, failure });
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
    close() {
      closed ??= (async () => {
        send();
        worker.postMessage({ type: 'close' } satisfies ToIngestThread);
        await exited;
      })();
      return closed;
    },
  };
}
