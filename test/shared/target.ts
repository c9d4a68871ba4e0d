/**
 * One running Teller, whichever runtime serves it: the shared API suites talk to a target
 * and never learn whether Node + better-sqlite3 or workerd + D1 answers.
 */
import type { Db, SqlValue } from '../../server/core/ports.ts';

/** Where a request comes from. */
export interface Visitor {
  ip: string;
  /**
   * The country Cloudflare reports for `ip` (`XX` when it has none). On Node the same
   * answer has to come from geoip-lite's lookup of `ip`, so pairs are chosen to agree.
   */
  country: string;
}

export type Row = Record<string, SqlValue>;

export interface ApiTarget {
  /** The origin the server sees requests made to (`http://127.0.0.1:<port>` on Node, an https one on Workers). */
  origin: string;
  /** An HTTP request to the server, from `visitor` when given (X-Forwarded-For on Node, CF-Connecting-IP and request.cf on Workers). */
  request(path: string, init?: RequestInit, visitor?: Visitor): Promise<Response>;
  /** Adds a site directly in the database, as the CLI does; returns its id. */
  addSite(domain: string, timezone?: string): Promise<number>;
  query<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** The server's store as the core's Db port, for suites that run core functions against it. */
  db: Db;
  execute(sql: string, params?: SqlValue[]): Promise<void>;
  close(): Promise<void>;
}

export interface TargetOptions {
  /** TELLER_ADMIN_TOKEN: an environment variable on Node, a secret (var) on Workers. */
  adminToken?: string;
}

export type StartTarget = (options?: TargetOptions) => Promise<ApiTarget>;

export const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
export const CHROME_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Addresses whose country geoip-lite (Node) and Cloudflare (Workers) agree on. */
export const NORWAY: Visitor = { ip: '84.208.20.110', country: 'NO' };
export const NORWAY_2: Visitor = { ip: '84.208.20.111', country: 'NO' };
export const NORWAY_3: Visitor = { ip: '81.167.36.1', country: 'NO' };
export const SWEDEN: Visitor = { ip: '85.226.0.1', country: 'SE' };
export const GERMANY: Visitor = { ip: '91.64.0.1', country: 'DE' };
export const NORWAY_V6: Visitor = { ip: '2a02:2121:1234:5678::1', country: 'NO' };
/** TEST-NET-1: no country in geoip-lite, and Cloudflare's XX. */
export const NOWHERE: Visitor = { ip: '192.0.2.1', country: 'XX' };

/** POST /api/event as the tracker sends it (text/plain, no preflight). */
export function sendEvent(target: ApiTarget, body: unknown, visitor: Visitor, headers: Record<string, string> = {}): Promise<Response> {
  return target.request(
    '/api/event',
    {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'user-agent': FIREFOX_WINDOWS, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
    visitor,
  );
}
