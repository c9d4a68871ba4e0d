/**
 * The Node runtime: @hono/node-server on a socket, better-sqlite3 for the dashboard's small
 * reads and writes, reader threads for the Stats API's queries, an ingest thread
 * (geoip-lite country lookup, group-commit writes, maintenance) for events, and a process
 * holding the columnar copy of closed days (DuckDB) for filtered views. Used by main.ts,
 * the tests and the benchmarks.
 * @module
 */
import { getRequestListener } from '@hono/node-server';
import { type IncomingMessage, type RequestListener, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { parseConfig } from '../core/config.ts';
import { randomUrlSafe } from '../core/tokens.ts';
import { checkAlerts } from '../core/alerts/check.ts';
import { createApp } from '../core/http/app.ts';
import { eventCollector } from '../core/http/collect.ts';
import { StoreStatus } from '../core/http/store-status.ts';
import { isHttpsOnPlainListener } from '../core/auth/request-origin.ts';
import type { Clock, ColumnarReader, Config, Db, Logger } from '../core/ports.ts';
import type { AppDeps } from '../core/http/app-deps.ts';
import { createFairShare, type FairShare } from '../core/query/fair-share.ts';
import type { Ingest } from '../core/ingest/ingest.ts';
import { isLoopbackIp, parseIp } from '../core/ingest/ip.ts';
import { startCopyProcess } from './columnar/copy-client.ts';
import { columnarOptions } from './columnar/options.ts';
import { sendDueReports } from '../core/reports/schedule.ts';
import { smtpMailerFromEnv } from './smtp-mailer.ts';
import { eventListener } from './event-listener.ts';
import { startIngestThread } from './ingest-thread.ts';
import { migrate } from './migrate.ts';
import { readerThreads, startReaderThread } from './reader-thread.ts';
import { type SqliteDb, openSqlite, permissionProblem } from './sqlite-db.ts';
import { dashboardPreload, serveAssets } from './static.ts';
import { EarlyAnswers } from '../core/http/early-answers.ts';

const noop = () => {};

export const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../../dist/public/', import.meta.url));

export interface StartOptions {
  dbPath: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  publicDir?: string;
  /** Overrides of the configuration read from TELLER_* variables. */
  config?: Partial<Config>;
  env?: Record<string, string | undefined>;
  clock?: Clock;
  log?: Logger;
  /** How often salts are deleted, closed days rolled up and retention applied (default 5 minutes). */
  maintenanceIntervalMs?: number;
  /**
   * False: reads go to the reader thread and the columnar copy as they come, not in turns by
   * credential (the bound per credential still holds). Only the fair-share benchmark's
   * baseline wants this.
   */
  queryTurns?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  db: SqliteDb;
  /** The reader thread's connection, where the Stats API's queries run. */
  readDb: Db;
  /** The columnar copy of closed days, kept in a process of its own; absent with TELLER_COLUMNAR=off. */
  columnar?: ColumnarReader;
  /** The turns credentials take on the reader thread and the columnar copy (tests hold a turn to line queries up). */
  queryShare: FairShare;
  /** The site view's queries started as its pages are answered (tests read what their batches took). */
  earlyAnswers: EarlyAnswers;
  /** The code a first-run setup must show (printed in the start banner by main.ts). */
  setupCode: string;
  /** Stops accepting, drains the ingest thread (every acknowledged event is committed), closes the file. */
  close(): Promise<void>;
}

/** 18 random bytes: 24 characters, 144 bits, beyond guessing at any rate the throttle allows. */
const SETUP_CODE_BYTES = 18;

export const consoleLogger: Logger = {
  info: (m) => console.log(`${new Date().toISOString()} info ${m}`),
  warn: (m) => console.warn(`${new Date().toISOString()} warn ${m}`),
  error: (m) => console.error(`${new Date().toISOString()} error ${m}`),
};

/**
 * How far a V8 heap may grow past what survived its last full collection before the next one
 * starts. V8 picks between 10 % and 300 % from how cheap collecting is, so on a machine with
 * room it takes 300 %: under overload the HTTP and ingest threads hold their waiting events
 * until they die old, and the soak peaked at 1.2 GB resident, mostly garbage. At 50 % it
 * peaked at about 700 MB with the ingest benchmark's ratio unchanged (docs/benchmarks.md,
 * Soak: where the memory goes); at 10 %, with less held per waiting event, about 400 MB
 * (2026-12-06; V8 still collects no more often than its own minimum allows). The flag is read at every collection and holds for every thread of the process.
 */
const HEAP_GROWING_PERCENT = 10;

/**
 * Memory that events waiting to be stored may hold, both threads together: past it, events
 * get 503 with Retry-After at once. Each waiting event is counted as WAITING_EVENT_BYTES
 * plus two bytes per character of its body (its props and addresses wait in the ingest
 * thread's statements), so the bound holds for 4 KiB tracker events (about 30,000 of them)
 * and for bodies near the 128 KB limit (about 500) alike.
 */
export const MAX_WAITING_BYTES = 128 * 2 ** 20;

/**
 * What a waiting event holds besides its body, measured by bench/waiting-memory.ts
 * (docs/benchmarks.md, Memory under overload, 2026-12-06): about 2 KB on the HTTP thread
 * (Node's request and response objects, the promise it waits on) and about 1 KB on the
 * ingest thread (the processed event, queued for the next group commit), with room for
 * longer headers and addresses than the benchmark's.
 */
export const WAITING_EVENT_BYTES = 4608;

/** The ingest, answering 503 at once while events estimated at `maxBytes` wait for it (one event always may). */
export function boundWaitingBodies(ingest: Ingest, maxBytes = MAX_WAITING_BYTES, perEvent = WAITING_EVENT_BYTES): Ingest {
  let waiting = 0;
  return (request) => {
    const bytes = perEvent + 2 * request.body.length;
    if (waiting > 0 && waiting + bytes > maxBytes) {
      return Promise.resolve({ status: 503, failure: `events holding ${maxBytes} bytes are already waiting to be stored` });
    }
    waiting += bytes;
    return ingest(request).finally(() => {
      waiting -= bytes;
    });
  };
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const config = { ...parseConfig(options.env ?? {}), ...options.config };
  // Unless the operator chose one, a new code each start, known only to whoever reads the banner.
  config.setupCode ??= randomUrlSafe(SETUP_CODE_BYTES);
  // Read with the rest of the settings: a bad value stops the start before any thread runs.
  const copyOptions = columnarOptions(options.env ?? {}, options.dbPath);
  const readers = readerThreads(options.env ?? {});
  const mailer = smtpMailerFromEnv(options.env ?? {});
  // The port is taken before the database is opened (or created): a start on a busy port
  // fails with nothing written. Requests wait for the app below, which is ready at once.
  const host = options.host ?? '127.0.0.1';
  let appFetch: ((request: Request, env: unknown) => Response | Promise<Response>) | null = null;
  const hono = getRequestListener((request, env) => appFetch?.(request, env) ?? new Response('starting', { status: 503 }), { hostname: host });
  // Events take their own path once the app is ready (event-listener.ts); until then Hono's says "starting".
  let listener: RequestListener = hono;
  const server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let db: SqliteDb;
  try {
    db = openSqlite(options.dbPath);
    migrate(db.raw);
  } catch (error) {
    server.close();
    throw error;
  }
  const log = options.log ?? consoleLogger;
  // Trust-proxy exists only here (Workers has CF-Connecting-IP), so the hint about it does too.
  let warnedLoopback = false;
  const socketAddress = (incoming: IncomingMessage | undefined): string | null => {
    const address = incoming?.socket.remoteAddress ?? null;
    // Parsed only until the warning is given: this runs on every request.
    const parsed = warnedLoopback || config.trustProxy !== 0 || address === null ? null : parseIp(address);
    if (parsed !== null && isLoopbackIp(parsed)) {
      warnedLoopback = true;
      log.warn('events arrive from a loopback address and TELLER_TRUST_PROXY is off: behind a reverse proxy, set TELLER_TRUST_PROXY=1 so visitors are told apart');
    }
    return address;
  };
  // Events are processed and committed on their own thread: this one only reads and answers
  // requests, so the two use both cores and an fsync never holds up HTTP.
  const ingestThread = startIngestThread({ dbPath: options.dbPath, config: { trustProxy: config.trustProxy, ipStorage: config.ipStorage, eventRateLimit: config.eventRateLimit } }, log);
  // Queries take their own thread too: one that reads a year of raw events for seconds
  // holds up neither events nor other requests.
  // Several, each with its own connection: reads of different queries run side by side on the cores.
  const reader = startReaderThread({ dbPath: options.dbPath }, log, { threads: readers });
  // The columnar copy of closed days, in a process of its own (columnar/copy-process.ts).
  const copy = copyOptions ? startCopyProcess({ dbPath: options.dbPath, options: copyOptions }, log) : null;
  const columnar = copy?.reader;
  // Each reader thread and the columnar copy read one query's statements at a time,
  // credentials in turn: a query waits for the ones reading now, not for everything another
  // credential has queued (query/fair-share.ts).
  const queryShare = createFairShare({ turns: options.queryTurns !== false, perCredential: config.queryQueueLimit, slots: { reader: readers, columnar: copyOptions?.readers ?? 1 } });
  const preload = dashboardPreload(options.publicDir ?? DEFAULT_PUBLIC_DIR);
  const earlyAnswers = new EarlyAnswers({ clock: options.clock ?? Date.now });
  const deps: AppDeps = {
    db,
    readDb: reader.db,
    readerDown: reader.down,
    queryShare,
    columnar,
    columnarDown: copy?.down,
    restartProblem: () => permissionProblem(options.dbPath),
    ingest: boundWaitingBodies(ingestThread.ingest),
    ingestDown: ingestThread.down,
    remoteAddress: (_request, env) => socketAddress((env as { incoming?: IncomingMessage }).incoming),
    ...(mailer ? { mailer } : {}),
    dashboardPreload: () => Promise.resolve(preload),
    earlyAnswers,
    clock: options.clock ?? Date.now,
    config,
    log,
  };
  const store = new StoreStatus();
  const app = createApp(deps, store);
  app.use('*', serveAssets(options.publicDir ?? DEFAULT_PUBLIC_DIR));
  appFetch = app.fetch;
  listener = eventListener(
    {
      collect: eventCollector(deps, store),
      maxBodyBytes: config.maxBodyBytes,
      remoteAddress: socketAddress,
      isHttps: (header) => isHttpsOnPlainListener(deps, header),
      failed: (error) => log.error(`unhandled error on POST /api/event: ${error instanceof Error ? error.message : String(error)}`),
    },
    hono,
  );
  const port = (server.address() as AddressInfo).port;

  // Salt deletion, rollups of closed days and retention: at start, then every few minutes,
  // on the ingest thread, which owns the writes (maintenance-backlog.ts). Then the alerts,
  // from this thread, which holds the mailer (their few writes go through `db`).
  let maintaining: Promise<void> | null = null;
  const maintain = () => {
    maintaining ??= ingestThread
      .maintain(deps.clock())
      .then(
        (r) => {
          if (r.daysRolledUp + r.rawRowsPurged + r.saltsDeleted > 0) {
            deps.log.info(`maintenance: ${r.saltsDeleted} salts deleted, ${r.daysRolledUp} days rolled up, ${r.rawRowsPurged} raw rows purged`);
          }
          // Newly rolled-up days are copied to the columnar store; purged ones leave it.
          copy?.sync(deps.clock());
          // Reports due now, after the rollups so closed days read fast (reports/schedule.ts).
          return sendDueReports(deps, deps.clock()).then(() => undefined, (error: unknown) => deps.log.error(`reports failed: ${error instanceof Error ? error.message : String(error)}`));
        },
        (error: unknown) => deps.log.error(`maintenance failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .then(() => checkAlerts(deps, deps.clock()).then(noop, (error: unknown) => deps.log.error(`alerts check failed: ${error instanceof Error ? error.message : String(error)}`)))
      .finally(() => {
        maintaining = null;
      });
    return maintaining;
  };
  const timer = setInterval(maintain, options.maintenanceIntervalMs ?? 5 * 60_000);
  timer.unref();
  void maintain();

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    db,
    readDb: reader.db,
    columnar,
    queryShare,
    earlyAnswers,
    setupCode: config.setupCode,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // The ingest thread ends a maintenance pass after its current step, and reports it first.
        await Promise.all([ingestThread.close(), reader.close(), copy?.close(), maintaining]);
        db.close();
      })();
      return closing;
    },
  };
}
