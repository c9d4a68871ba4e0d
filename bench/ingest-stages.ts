/**
 * The ingest thread's work, stage by stage, in process and without HTTP: the pipeline
 * (parse, site, drops, geo, hash, user agent, referrer) and the SQLite writes in groups
 * of the ingest thread's size and larger. Steadier than the wrk figures, so a change to
 * one stage shows here even when the machine is noisy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessedEvent } from '../server/core/ingest/event.ts';
import { type IngestRequest, createIngest } from '../server/core/ingest/ingest.ts';
import { createSite } from '../server/core/sites.ts';
import { recordEventStatements } from '../server/core/store/record-event.ts';
import { geoipCountryLookup } from '../server/node/geo.ts';
import { nodeHmacSha256 } from '../server/node/hmac.ts';
import { migrate } from '../server/node/migrate.ts';
import { type SqliteDb, openSqlite } from '../server/node/sqlite-db.ts';
import { benchRequests, median } from './ingest.ts';

const REQUESTS = 4000;
const REPEATS = 7;
const WRITTEN = 16_000;

async function freshDb(dir: string, name: string): Promise<SqliteDb> {
  const db = openSqlite(join(dir, name));
  migrate(db.raw);
  await createSite(db, { domain: 'bench.example', timezone: 'Europe/Oslo' }, Date.now());
  return db;
}

/** Microseconds per event to process `requests` REPEATS times; also returns the events. */
async function timePipeline(db: SqliteDb, requests: IngestRequest[]): Promise<{ us: number; events: ProcessedEvent[] }> {
  const events: ProcessedEvent[] = [];
  const ingest = createIngest({
    db,
    writer: { write: async (e) => void events.push(e), close: async () => {} },
    country: geoipCountryLookup(),
    config: { trustProxy: 1, ipStorage: 'truncated', eventRateLimit: 0 },
    hmacSha256: nodeHmacSha256,
  });
  const pass = async () => {
    // As the ingest thread gets them: lists of requests started together.
    for (let i = 0; i < requests.length; i += 32) await Promise.all(requests.slice(i, i + 32).map(ingest));
  };
  await pass();
  const samples: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t = performance.now();
    await pass();
    samples.push(((performance.now() - t) * 1000) / requests.length);
  }
  return { us: median(samples), events: events.slice(0, requests.length) };
}

/** Microseconds per event to commit WRITTEN events in groups of `group`, each its own transaction. */
async function timeWrites(db: SqliteDb, events: ProcessedEvent[], group: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < WRITTEN; i += group) {
    const stmts = [];
    for (let k = i; k < Math.min(i + group, WRITTEN); k++) stmts.push(...recordEventStatements(events[k % events.length]!));
    await db.batch(stmts);
  }
  return ((performance.now() - t) * 1000) / WRITTEN;
}

export async function runIngestStagesBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-stages-'));
  try {
    const now = Date.now();
    const requests: IngestRequest[] = benchRequests(REQUESTS).map((r) => ({
      body: r.body,
      contentType: 'text/plain',
      remoteAddress: '127.0.0.1',
      forwardedFor: r.ip,
      headers: { 'user-agent': r.userAgent },
      receivedAt: now,
    }));
    const t0 = performance.now();
    for (let r = 0; r < REPEATS; r++) for (const { body } of requests) JSON.parse(body);
    const parseUs = ((performance.now() - t0) * 1000) / (REPEATS * REQUESTS);

    const pipelineDb = await freshDb(dir, 'pipeline.db');
    const { us: pipelineUs, events } = await timePipeline(pipelineDb, requests);
    pipelineDb.close();

    const writes: Array<[number, number]> = [];
    for (const group of [32, 256]) {
      const db = await freshDb(dir, `writes-${group}.db`);
      writes.push([group, await timeWrites(db, events, group)]);
      db.close();
    }
    const f = (us: number) => us.toFixed(1);
    const rows = [
      '| stage | µs per event |',
      '|---|---:|',
      `| JSON.parse of the body alone (for scale) | ${f(parseUs)} |`,
      `| pipeline: parse, site, drops, geo, visitor hash, user agent, referrer | ${f(pipelineUs)} |`,
      ...writes.map(([group, us]) => `| SQLite, groups of ${group} (synchronous=FULL, one fsync per group) | ${f(us)} |`),
    ];
    const text = [
      ...rows,
      '',
      `In process, no HTTP: ${REQUESTS.toLocaleString('en')} requests of the wrk run, pipeline timed as the median of ${REPEATS} passes, ${WRITTEN.toLocaleString('en')} events written per group size. At 64 connections the ingest thread commits groups of 32.`,
    ].join('\n');
    console.log(text);
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
