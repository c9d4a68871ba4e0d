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
 * Each group takes every event queued (at most 1000) and is answered as soon as it is
 * committed (answers go out from a microtask, before the next group is written). Under
 * load that is about as many events as the HTTP thread sent while the last group was
 * written: a commit's WAL frames and fsync are paid once per group, so at 64 connections
 * groups of up to 64 cost less CPU per event than the 32 this thread used to cap them at
 * (docs/benchmarks.md, Ingest CPU, issue 25).
 */
const writer = new GroupCommitWriter(db, { schedule: setImmediate });
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
