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
 * Country of a visitor as ISO 3166 alpha-2, or null when unknown. Node looks up the full
 * IP in memory; Workers reads `request.cf.country` and ignores the IP.
 */
export type CountryLookup = (ip: string, request: Request) => string | null;

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
  /** Operator's admin bearer token (at least 32 characters), if set. */
  adminToken: string | null;
}

/** What the Hono app needs, built once by each runtime's entry point. */
export interface AppDeps {
  db: Db;
  /** Hands a processed event to storage; resolves once it is durable. */
  writer: EventWriter;
  country: CountryLookup;
  /** The visitor's address as the runtime sees it (socket or CF-Connecting-IP), before trust-proxy. */
  remoteAddress: (request: Request, env: unknown) => string | null;
  clock: Clock;
  config: Config;
  log: Logger;
  /** Defaults to Web Crypto; Node passes node:crypto's synchronous HMAC, several times cheaper per event. */
  hmacSha256?: import('./ingest/visitor.ts').HmacSha256;
}

export interface EventWriter {
  write(event: import('./ingest/event.ts').ProcessedEvent): Promise<void>;
  /** Resolves once everything accepted so far is committed; later writes are refused. */
  close(): Promise<void>;
}
