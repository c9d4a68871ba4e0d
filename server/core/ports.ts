/**
 * The adapter seam: everything the runtime-independent core needs from the world.
 * Node fills it with better-sqlite3, geoip-lite and DuckDB's columnar copy, Workers with D1
 * and `request.cf`. It is the ground floor: it imports nothing, so no module of the core can
 * reach an import circle through it (test/core/import-graph.test.ts).
 * @module
 */

export type SqlValue = string | number | null;

/** One SQL statement with positional `?` parameters (at most 100, D1's limit). */
export interface Stmt {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

export interface RunResult {
  changes: number;
  lastRowId: number;
}

/**
 * The store: an async SQL executor over SQLite. There are no interactive transactions
 * because D1 has none; `batch` is the one atomic operation, on both runtimes.
 */
export interface Db {
  all<T = Record<string, SqlValue>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  first<T = Record<string, SqlValue>>(sql: string, params?: readonly SqlValue[]): Promise<T | null>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** Runs all statements in one transaction: all are applied or none. */
  batch(stmts: readonly Stmt[]): Promise<void>;
}

/**
 * A read the store cannot take now (Node: its reader thread is restarting, or too many reads
 * are waiting). The app answers it 503 with Retry-After: the client may simply ask again.
 */
export class StoreBusyError extends Error {}

/**
 * Where a full IP address is, looked up in memory or on local disk (Node: geoip-lite's
 * data). Workers has no lookup: the edge gives the location (workers/request.ts).
 */
export interface Location {
  /** ISO 3166-1 alpha-2, e.g. `NO`. */
  country: string;
  /** ISO 3166-2 code of the first-level subdivision, e.g. `NO-03`, or null. */
  region: string | null;
  /** The region's name, e.g. `Oslo`, or null. */
  regionName: string | null;
  city: string | null;
}

/**
 * The location of a full IP address, or null when not even its country is known. With
 * `belowCountry` false (a site that keeps the country only) region and city are not looked
 * up at all: on Node that saves the city data's disk reads on every event.
 */
export type LocationLookup = (ip: string, belowCountry?: boolean) => Location | null;

/** An image the HTML part shows through `cid:<cid>` (mail clients block remote images). */
export interface InlineImage {
  cid: string;
  filename: string;
  contentType: string;
  content: Uint8Array;
}

/** One e-mail: a plain-text and an HTML part of the same content, for one recipient. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post`. */
  headers?: Readonly<Record<string, string>>;
  inline?: readonly InlineImage[];
}

/**
 * Outgoing mail (Node: SMTP at TELLER_SMTP_URL). `send` resolves once the mail server has
 * accepted the message and rejects with its answer when it refuses it.
 */
export interface Mailer {
  /** The sender address, e.g. `Teller <teller@example.com>`. */
  readonly from: string;
  send(message: MailMessage): Promise<void>;
}

/** Milliseconds since the Unix epoch. Injected so tests control time. */
export type Clock = () => number;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type IpStorage = 'truncated' | 'none';

export interface Config {
  /** Number of reverse proxies in front of Teller whose X-Forwarded-For entries to trust. */
  trustProxy: number;
  /** What to keep of an IP for sites that do not choose for themselves. */
  ipStorage: IpStorage;
  /** Largest accepted Events API body, in bytes. */
  maxBodyBytes: number;
  /** Events per minute accepted per site and client address block (/24, /48); 0: no limit. */
  eventRateLimit: number;
  /** Stats API requests per minute per token, user or shared link; 0: no limit. */
  queryRateLimit: number;
  /** Queries (Stats API, realtime count, recent visits, property keys) one token, user or shared link may have in flight; 0: no limit. */
  queryQueueLimit: number;
  /** Operator's admin bearer token (at least 32 characters), if set. */
  adminToken: string | null;
  /**
   * A TELLER_ADMIN_TOKEN too short to be used (Workers only: Node refuses to start). It
   * grants nothing; a request presenting it is told why it is refused.
   */
  refusedAdminToken?: string | null;
  /**
   * The origin browsers reach Teller at (TELLER_PUBLIC_URL), or null: then the request's own
   * Host header (and, behind a trusted proxy, X-Forwarded-Proto) says it. Never the client's
   * X-Forwarded-Host.
   */
  publicOrigin?: string | null;
  /**
   * The code that proves a first-run setup comes from the operator (TELLER_SETUP_CODE; on
   * Node a random one per start when unset; on Workers derived from the admin token when
   * unset). Null: no first-run setup is possible through the dashboard.
   */
  setupCode?: string | null;
}

/**
 * The port to the columnar copy of closed days (Node: DuckDB in a process of its own). It
 * holds the same visits, events and properties as SQLite's raw tables for whole closed
 * days, and answers the SQL raw-sql.ts writes in the DuckDB dialect.
 */
export interface ColumnarReader {
  /**
   * The whole days of the site the copy holds, as days of `timeZone`; null when it holds
   * none, or holds them cut along another timezone's days.
   */
  coverage(siteId: number, timeZone: string): Promise<ColumnarCoverage | null>;
  /**
   * Rows of a statement; integers come back as numbers. `sets`: statements selecting one
   * column `id` whose rows the copy keeps as a table, until it is next written, for every
   * statement that names the same set; `sql` names the i-th as `kept_set_<i>` (query/kept-sets.ts).
   */
  all(sql: string, params: readonly SqlValue[], sets?: readonly Stmt[]): Promise<Array<Record<string, SqlValue>>>;
}

/** The whole local days first..through a site's columnar copy holds. */
export interface ColumnarCoverage {
  first: string;
  through: string;
  /** The days on which some visitor hash had two values of a column, and those columns. */
  varying: Readonly<Record<string, readonly string[]>>;
}

/** The columnar copy: the reader's queries plus the writes columnar/sync.ts makes. */
export interface ColumnarStore extends ColumnarReader {
  held(): Promise<HeldSite[]>;
  /** Writes one day [start, end) atomically, replacing anything it held of that day. */
  writeDay(siteId: number, timezone: string, day: string, start: number, end: number, rows: DayRows): Promise<void>;
  /** Removes the site's days before `day` (which starts at `before`) and their rows. */
  deleteBefore(siteId: number, day: string, before: number): Promise<void>;
  deleteSite(siteId: number): Promise<void>;
}

/** What the copy holds of one site: whole days first..through, cut along `timezone`'s days. */
export interface HeldSite {
  siteId: number;
  timezone: string;
  first: string;
  through: string;
}

/** A day of the raw tables as rows, arrays in the order of day-rows.ts's columns. */
export interface DayRows {
  visits: SqlValue[][];
  events: SqlValue[][];
  props: SqlValue[][];
  /** VISITOR_COLUMNS some visitor hash of the day had two values of (see first-flags.ts). */
  varying: string[];
}
