/**
 * What the Hono app (`createApp`) needs, built once by each runtime's entry point: the
 * seam's ports (ports.ts) plus the core's own services the runtime chooses how to run.
 * @module
 */
import type { Clock, ColumnarReader, Config, Db, Location, Logger, Mailer } from '../ports.ts';
import type { DashboardPreload } from '../dashboard-api/preload.ts';
import type { Ingest } from '../ingest/ingest.ts';
import type { FairShare } from '../query/fair-share.ts';
import type { EarlyAnswers } from './early-answers.ts';

/** What the Hono app needs, built once by each runtime's entry point. */
export interface AppDeps {
  db: Db;
  /**
   * Where the Stats API and the dashboard's heavy reads go; `db` when absent. On Node a
   * reader thread with its own read-only connection, so a slow query never holds up the
   * HTTP thread; it refuses writes.
   */
  readDb?: Db;
  /** Why `readDb` cannot answer right now (Node: its reader thread is down), or null. */
  readerDown?: () => string | null;
  /**
   * Turns by credential on `readDb` and `columns`, and each credential's bound on queries in
   * flight (Node: each store reads one query's statements at a time; Workers: the bound
   * alone). Absent: no turns, no bound.
   */
  queryShare?: FairShare;
  /** The columnar copy of closed days (Node), read where rollups cannot answer. */
  columnar?: ColumnarReader;
  /** Why the columnar copy is not serving (queries then read SQLite alone, more slowly), or null. */
  columnarDown?: () => string | null;
  /** What would stop the next start though events are stored now (Node: write access to the file taken away), or null. */
  restartProblem?: () => string | null;
  /** Processes and stores one Events API request (createIngest, inline or on another thread); resolves once it is durable. */
  ingest: Ingest;
  /** Why events cannot be stored right now (Node: its ingest thread is down), or null. */
  ingestDown?: () => string | null;
  /** The visitor's address as the runtime sees it (socket or CF-Connecting-IP), before trust-proxy. */
  remoteAddress: (request: Request, env: unknown) => string | null;
  /** The location the platform's edge determined for a request (Workers' `request.cf`), if it has one. */
  edgeLocation?: (request: Request) => Location | null;
  /** The dashboard's files its pages name for preloading (dashboard/build.mjs writes them); absent or none found: none named. */
  dashboardPreload?: () => Promise<DashboardPreload | undefined>;
  /**
   * Where the site view's queries, started as its page is answered, wait for the page's batch
   * (http/early-answers.ts). Node keeps them in its one process; absent (Workers, where the
   * batch may reach another isolate): the page's batch runs its queries itself.
   */
  earlyAnswers?: EarlyAnswers;
  /** Outgoing mail for reports and alerts; absent when none is configured (then they say so). */
  mailer?: Mailer;
  clock: Clock;
  config: Config;
  log: Logger;
}
