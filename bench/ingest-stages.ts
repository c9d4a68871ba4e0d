/**
 * The ingest thread's work, stage by stage, in process and without HTTP, for both traffic
 * mixes: the pipeline (parse, site, drops, geo, hash, user agent, referrer) and the SQLite
 * writes in groups of the ingest thread's size and larger, with the ingest thread's
 * settings. Steadier than the wrk figures, so a change to one stage shows here even when
 * the machine is noisy; CPU time is given beside wall time, since waiting for fsync on a
 * shared machine varies more than the work does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessedEvent } from '../server/core/ingest/event.ts';
import type { Db } from '../server/core/ports.ts';
import { type IngestRequest, createIngest } from '../server/core/ingest/ingest.ts';
import { createSite } from '../server/core/sites.ts';
import { recordEventStatements } from '../server/core/store/record-event.ts';
import { geoipLocationLookup } from '../server/node/geo.ts';
import { nodeHmacSha256 } from '../server/node/hmac.ts';
import { tuneIngestConnection } from '../server/node/ingest-db.ts';
import { migrate } from '../server/node/migrate.ts';
import { type SqliteDb, openSqlite } from '../server/node/sqlite-db.ts';
import { median } from './ingest.ts';
import { type BenchRequest, CYCLED_REQUESTS, type TrafficMix, TRAFFIC_MIXES, benchRequests, realisticRequests } from './traffic.ts';

const PASS = 4000;
const REPEATS = 7;
/** Events written before timing starts (realistic mix): a database of some size, as under load, not an empty one. */
const PREFILL = 48_000;
const WRITTEN = 32_000;
/** The requests' arrival times advance at about the benchmark's rate, so events spread over seconds as they do under wrk. */
const EVENTS_PER_SECOND = 5000;

async function freshDb(dir: string, name: string): Promise<SqliteDb> {
  const db = openSqlite(join(dir, name));
  migrate(db.raw);
  tuneIngestConnection(db);
  await createSite(db, { domain: 'bench.example', timezone: 'Europe/Oslo' }, Date.now());
  return db;
}

function ingestRequests(requests: BenchRequest[], start: number): IngestRequest[] {
  return requests.map((r, i) => ({
    body: r.body,
    contentType: 'text/plain',
    remoteAddress: '127.0.0.1',
    forwardedFor: r.ip,
    headers: { 'user-agent': r.userAgent },
    receivedAt: start + Math.floor((i * 1000) / EVENTS_PER_SECOND),
  }));
}

interface Cost {
  wallUs: number;
  cpuUs: number;
}

function timed(count: number, run: () => Promise<void>): Promise<Cost> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  return run().then(() => {
    const used = process.cpuUsage(cpu);
    return { wallUs: ((performance.now() - t) * 1000) / count, cpuUs: (used.user + used.system) / count };
  });
}

/** The pipeline as the server runs it (geo lookup, truncated addresses), its writer collecting each processed event into `out`. */
export function collectingIngest(db: Db, out: ProcessedEvent[]): ReturnType<typeof createIngest> {
  return createIngest({
    db,
    writer: { write: async (e) => void out.push(e), close: async () => {} },
    location: geoipLocationLookup(),
    config: { trustProxy: 1, ipStorage: 'truncated', eventRateLimit: 0 },
    hmacSha256: nodeHmacSha256,
  });
}

/**
 * The pipeline over passes of PASS requests, as the ingest thread gets them (lists of 32
 * started together): the cycled mix runs its same requests each pass; the realistic mix runs
 * new ones each time, so its new visitors and rare user agents stay new. Returns the median
 * pass and every event made, in order.
 */
async function timePipeline(db: SqliteDb, passes: IngestRequest[][]): Promise<{ cost: Cost; events: ProcessedEvent[] }> {
  const events: ProcessedEvent[] = [];
  const ingest = collectingIngest(db, events);
  const run = (requests: IngestRequest[]) => async () => {
    for (let i = 0; i < requests.length; i += 32) await Promise.all(requests.slice(i, i + 32).map(ingest));
  };
  const samples: Cost[] = [];
  for (const [i, requests] of passes.entries()) {
    const cost = await timed(requests.length, run(requests));
    // The first pass warms the JIT and the caches up.
    if (i > 0) samples.push(cost);
  }
  return { cost: { wallUs: median(samples.map((s) => s.wallUs)), cpuUs: median(samples.map((s) => s.cpuUs)) }, events };
}

/** Commits `events` in groups of `group`, each its own transaction. */
async function write(db: SqliteDb, events: ProcessedEvent[], group: number): Promise<void> {
  for (let i = 0; i < events.length; i += group) await db.batch(events.slice(i, i + group).flatMap(recordEventStatements));
}

interface MixStages {
  pipeline: Cost;
  writes: Array<[group: number, cost: Cost]>;
}

async function measureMix(dir: string, mix: TrafficMix): Promise<MixStages> {
  const start = Date.now();
  const passes: IngestRequest[][] = [];
  if (mix === 'cycled') {
    const requests = benchRequests(CYCLED_REQUESTS);
    for (let p = 0; p <= REPEATS; p++) passes.push(ingestRequests(requests, start + p * 1000));
  } else {
    // Enough distinct requests for the pipeline passes and for the writes after the prefill.
    const count = Math.max((REPEATS + 1) * PASS, PREFILL + WRITTEN);
    const all = ingestRequests(realisticRequests(count), start);
    for (let p = 0; p < count; p += PASS) passes.push(all.slice(p, p + PASS));
  }
  const pipelineDb = await freshDb(dir, `${mix}-pipeline.db`);
  const { cost: pipeline, events } = await timePipeline(pipelineDb, passes);
  pipelineDb.close();

  const writes: Array<[number, Cost]> = [];
  for (const group of [32, 256]) {
    const db = await freshDb(dir, `${mix}-writes-${group}.db`);
    let measured: ProcessedEvent[];
    if (mix === 'cycled') {
      // 4,000 visits, extended again and again: the same events with later times.
      const first = events.slice(0, CYCLED_REQUESTS);
      measured = Array.from({ length: WRITTEN }, (_, k) => ({ ...first[k % CYCLED_REQUESTS]!, ts: first[0]!.ts + Math.floor(k / EVENTS_PER_SECOND) }));
    } else {
      await write(db, events.slice(0, PREFILL), group);
      measured = events.slice(PREFILL, PREFILL + WRITTEN);
    }
    writes.push([group, await timed(measured.length, () => write(db, measured, group))]);
    db.close();
  }
  return { pipeline, writes };
}

export async function runIngestStagesBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-stages-'));
  try {
    const requests = benchRequests(CYCLED_REQUESTS);
    const parse = await timed(REPEATS * requests.length, async () => {
      for (let r = 0; r < REPEATS; r++) for (const { body } of requests) JSON.parse(body);
    });
    const stages = new Map<TrafficMix, MixStages>();
    for (const mix of TRAFFIC_MIXES) stages.set(mix, await measureMix(dir, mix));

    const f = (c: Cost) => `${c.wallUs.toFixed(1)} / ${c.cpuUs.toFixed(1)}`;
    const column = (pick: (s: MixStages) => Cost) => TRAFFIC_MIXES.map((m) => f(pick(stages.get(m)!))).join(' | ');
    const rows = [
      `| stage (µs per event, wall / CPU) | ${TRAFFIC_MIXES.join(' mix | ')} mix |`,
      `|---|${TRAFFIC_MIXES.map(() => '---:').join('|')}|`,
      `| JSON.parse of the body alone (for scale) | ${TRAFFIC_MIXES.map(() => f(parse)).join(' | ')} |`,
      `| pipeline: parse, site, drops, geo, visitor hash, user agent, referrer | ${column((s) => s.pipeline)} |`,
      ...[0, 1].map((i) => `| SQLite, groups of ${stages.get('cycled')!.writes[i]![0]} (synchronous=FULL, one fsync per group) | ${column((s) => s.writes[i]![1])} |`),
    ];
    const text = [
      ...rows,
      '',
      `In process, no HTTP, the ingest thread's SQLite settings. Pipeline: the median pass of ${PASS.toLocaleString('en')} requests after a warm-up pass (the cycled mix's same requests ${REPEATS} times, new ones every pass for the realistic mix). SQLite: ${WRITTEN.toLocaleString('en')} events written per group size; the cycled mix into its 4,000 visits, the realistic mix after ${PREFILL.toLocaleString('en')} events of it already stored. Arrival times advance by ${EVENTS_PER_SECOND.toLocaleString('en')} events a second. At 64 connections the ingest thread commits what is queued, about 50–60 events a group since 2026-12-06 (32 before).`,
    ].join('\n');
    console.log(text);
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
