/**
 * The ingest thread: the Events API's work after the body is read (parsing, pipeline,
 * group-commit writes) on the connection that owns all event writes. The HTTP thread
 * only reads requests and answers them, so the two share the machine's cores. Requests
 * and answers come in lists (channel.ts), one per event-loop turn each way, since a
 * message costs more than an event's data. Maintenance runs here too, on the connection
 * that owns the writes, when the HTTP thread asks.
 * @module
 */
import { workerData } from 'node:worker_threads';
import { createIngest } from '../core/ingest/ingest.ts';
import { GroupCommitWriter } from '../core/writer/group-commit.ts';
import { serve, threadSide } from './channel.ts';
import { closeGeoFiles, geoipLocationLookup } from './geo.ts';
import { nodeHmacSha256 } from './hmac.ts';
import { explainedWrites, tuneIngestConnection } from './ingest-db.ts';
import type { IngestThreadCalls, IngestThreadData } from './ingest-thread.ts';
import { workOffBacklog } from './maintenance-backlog.ts';
import { openSqlite } from './sqlite-db.ts';

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

let closing = false;
let maintaining: Promise<unknown> = Promise.resolve();
const calls: IngestThreadCalls = {
  ingest,
  maintain(nowMs) {
    const pass = workOffBacklog(db, nowMs, () => closing);
    // Awaited at close whatever its outcome: a failure is the caller's answer.
    maintaining = pass.catch(() => {});
    return pass;
  },
};

serve(threadSide(), {
  calls,
  async onClose() {
    closing = true;
    // A maintenance pass stops after its current step and reports before the thread ends.
    await Promise.all([maintaining, writer.close()]);
    connection.close();
    closeGeoFiles();
  },
});
