/**
 * The ingest thread: the Events API's work after the body is read (parsing, pipeline,
 * group-commit writes) on the connection that owns all event writes. The HTTP thread
 * only reads requests and answers them, so the two share the machine's cores.
 * Messages carry lists, one per event-loop turn each way, since a message costs more
 * than an event's data. Maintenance runs here too, on the connection that owns the writes,
 * when the HTTP thread asks.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type IngestOutcome, createIngest } from '../core/ingest/ingest.ts';
import { GroupCommitWriter } from '../core/writer/group-commit.ts';
import { closeGeoFiles, geoipLocationLookup } from './geo.ts';
import { nodeHmacSha256 } from './hmac.ts';
import { explainedWrites, tuneIngestConnection } from './ingest-db.ts';
import type { FromIngestThread, IngestThreadData, ToIngestThread } from './ingest-thread.ts';
import { workOffBacklog } from './maintenance-backlog.ts';
import { openSqlite } from './sqlite-db.ts';

const port = parentPort!;
const { dbPath, config } = workerData as IngestThreadData;
const connection = openSqlite(dbPath);
tuneIngestConnection(connection);
const db = explainedWrites(connection, dbPath);
/**
 * Groups of 32 events, or half the queue when more wait (at most 1000), each answered as
 * soon as it is committed (answers go out from a microtask, before the next group is
 * written). The HTTP thread then answers and reads new requests while this one writes,
 * instead of both waiting on one large group in turn: with 64 connections, 24 to 48 did
 * best here, and unbounded groups ran about a quarter slower. A long queue means the HTTP
 * thread has work of its own, so larger groups there save fsyncs (a group of 32 costs about
 * 45 µs of SQLite per event, one of 256 about 22 µs).
 */
const writer = new GroupCommitWriter(db, {
  groupSize: (queued) => Math.min(queued, Math.max(32, Math.min(1000, Math.ceil(queued / 2)))),
  schedule: setImmediate,
});
const ingest = createIngest({
  db,
  writer,
  location: geoipLocationLookup(),
  config,
  hmacSha256: nodeHmacSha256,
});

let outbox: [number, IngestOutcome][] = [];
let replying = false;
const flushReplies = () => {
  replying = false;
  if (outbox.length === 0) return;
  port.postMessage({ type: 'answers', answers: outbox } satisfies FromIngestThread);
  outbox = [];
};
const answer = (id: number, outcome: IngestOutcome) => {
  outbox.push([id, outcome]);
  if (!replying) {
    replying = true;
    queueMicrotask(flushReplies);
  }
};

let closing = false;
let maintaining: Promise<void> = Promise.resolve();
const maintain = (nowMs: number) => {
  maintaining = workOffBacklog(db, nowMs, () => closing).then(
    (result) => port.postMessage({ type: 'maintained', result } satisfies FromIngestThread),
    (error: unknown) => port.postMessage({ type: 'maintenanceFailed', message: error instanceof Error ? error.message : String(error) } satisfies FromIngestThread),
  );
};

port.on('message', (message: ToIngestThread) => {
  if (message.type === 'maintain') return maintain(message.nowMs);
  if (message.type === 'ingest') {
    for (const [id, request] of message.requests) {
      ingest(request).then(
        (outcome) => answer(id, outcome),
        (error: unknown) => answer(id, { status: 503, failure: error instanceof Error ? error.message : String(error) }),
      );
    }
    return;
  }
  closing = true;
  // A maintenance pass stops after its current step and reports before the thread ends.
  void Promise.all([maintaining, writer.close()]).then(() => {
    flushReplies();
    connection.close();
    closeGeoFiles();
    // With the port closed and nothing pending, the thread ends.
    port.close();
  });
});

port.postMessage({ type: 'ready' } satisfies FromIngestThread);
