/**
 * The adapter seam: everything the runtime-independent core needs from the world.
 * Node fills it with better-sqlite3 and geoip-lite, Workers with D1 and `request.cf`.
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
 * Country of a full IP address as ISO 3166 alpha-2, or null when unknown, looked up in
 * memory (Node: geoip-lite). Workers has no lookup: the edge gives the country.
 */
export type CountryLookup = (ip: string) => string | null;

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
