/**
 * What one waiting event holds, on each thread, measured in process with V8's heap after full
 * collections (run with `node --expose-gc --import tsx bench/waiting-memory.ts`):
 *
 * - HTTP thread: 20,000 requests pipelined on 400 connections, read by the node:http path
 *   (server/node/event-listener.ts) and handed to a channel whose other side never answers;
 * - ingest thread: 20,000 requests (copies, as the structured clone gives them) through the
 *   pipeline into a group-commit writer whose commit never ends.
 *
 * The sum, rounded up, is server.ts's WAITING_EVENT_BYTES.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventCollector } from '../server/core/http/collect.ts';
import type { AppDeps } from '../server/core/http/app-deps.ts';
import { StoreStatus } from '../server/core/http/store-status.ts';
import { type IngestOutcome, type IngestRequest, createIngest } from '../server/core/ingest/ingest.ts';
import { createSite } from '../server/core/sites.ts';
import { GroupCommitWriter } from '../server/core/writer/group-commit.ts';
import { Call } from '../server/node/channel.ts';
import { eventListener } from '../server/node/event-listener.ts';
import { geoipLocationLookup } from '../server/node/geo.ts';
import { nodeHmacSha256 } from '../server/node/hmac.ts';
import { migrate } from '../server/node/migrate.ts';
import { boundWaitingBodies } from '../server/node/server.ts';
import { openSqlite } from '../server/node/sqlite-db.ts';
import { realisticRequests } from './traffic.ts';

const CONNECTIONS = 400;
const PER_CONNECTION = 50;
const EVENTS = CONNECTIONS * PER_CONNECTION;

const collectGarbage = (globalThis as { gc?: () => void }).gc;
if (!collectGarbage) throw new Error('run with node --expose-gc');
const heapAfterGc = () => {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
};
const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 50));
};

async function httpThreadBytes(): Promise<number> {
  let read = 0;
  const never = new Call<IngestRequest, IngestOutcome>({ post: () => null }, 'ingest', { lost: () => new Error('lost'), failed: () => new Error('failed') });
  const deps = {
    ingest: boundWaitingBodies((request) => {
      read += 1;
      return never.ask(request);
    }, Infinity),
    clock: Date.now,
    config: { maxBodyBytes: 65_536 },
    log: { info() {}, warn() {}, error() {} },
  } as unknown as AppDeps;
  const listener = eventListener(
    { collect: eventCollector(deps, new StoreStatus()), maxBodyBytes: 65_536, remoteAddress: (incoming) => incoming.socket.remoteAddress ?? null, isHttps: () => false, failed() {} },
    (_req, res) => res.end(),
  );
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const requests = realisticRequests(EVENTS).map(
    (r) => `POST /api/event HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: ${r.userAgent}\r\nX-Forwarded-For: ${r.ip}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(r.body)}\r\n\r\n${r.body}`,
  );
  const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => new Promise<Socket>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
  })));
  const before = heapAfterGc();
  sockets.forEach((socket, i) => socket.write(requests.slice(i * PER_CONNECTION, (i + 1) * PER_CONNECTION).join('')));
  requests.length = 0;
  await until(() => read === EVENTS);
  const held = (heapAfterGc() - before) / EVENTS;
  for (const socket of sockets) socket.destroy();
  server.close();
  return held;
}

async function ingestThreadBytes(): Promise<number> {
  const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'teller-waiting-')), 'w.db'));
  migrate(db.raw);
  await createSite(db, { domain: 'bench.example', timezone: 'Europe/Oslo' }, Date.now());
  const stuck = { ...db, batch: () => new Promise<void>(() => {}) };
  const writer = new GroupCommitWriter(stuck, { groupSize: (queued) => Math.min(queued, 1000), schedule: setImmediate });
  const ingest = createIngest({ db, writer, location: geoipLocationLookup(), config: { trustProxy: 1, ipStorage: 'truncated', eventRateLimit: 0 }, hmacSha256: nodeHmacSha256 });
  const raw = realisticRequests(EVENTS + 2000);
  const requests: IngestRequest[] = raw.map((r) => ({ body: r.body, contentType: 'text/plain', remoteAddress: '127.0.0.1', forwardedFor: r.ip, headers: { 'user-agent': r.userAgent }, receivedAt: Date.now() }));
  // A copy shares nothing with the list, which stays alive in the baseline, as the structured clone gives the thread its own.
  const copy = (r: IngestRequest) => JSON.parse(JSON.stringify(r)) as IngestRequest;
  // The first 2,000 warm the caches up and stay waiting, counted in the baseline.
  const waiting = requests.slice(0, 2000).map((r) => ingest(copy(r)));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = heapAfterGc();
  for (const r of requests.slice(2000)) waiting.push(ingest(copy(r)));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const held = (heapAfterGc() - before) / EVENTS;
  // Read after the measurement, so that none of it counts as unreachable before.
  if (waiting.length + raw.length !== 2 * (EVENTS + 2000)) throw new Error('lost track of the waiting events');
  return held;
}

/** Each side in a process of its own, so neither measures what the other leaves behind. */
function inChild(side: 'http' | 'ingest'): number {
  const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), side], { encoding: 'utf8' });
  return Number(/held (-?[\d.]+)/.exec(out)![1]);
}

const side = process.argv[2];
if (side === 'http' || side === 'ingest') {
  console.log(`held ${side === 'http' ? await httpThreadBytes() : await ingestThreadBytes()}`);
  process.exit(0);
}
const http = inChild('http');
const ingest = inChild('ingest');
console.log(`held per waiting event: HTTP thread ${Math.round(http)} bytes, ingest thread ${Math.round(ingest)} bytes, ${Math.round(http + ingest)} in all (${EVENTS.toLocaleString('en')} waiting, realistic mix)`);
