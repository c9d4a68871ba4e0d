/**
 * Instance configuration from environment variables (Node's process.env, Workers' env).
 * @module
 */
import { DEFAULT_EVENT_RATE_LIMIT } from './rate-limit.ts';
import { DEFAULT_QUERIES_PER_CREDENTIAL } from './query/fair-share.ts';
import type { Config, IpStorage } from './ports.ts';

export class ConfigError extends Error {}

export const DEFAULT_MAX_BODY_BYTES = 128 * 1024;
export const MIN_ADMIN_TOKEN_LENGTH = 32;
/** Stats API requests a minute per credential: a dashboard view makes about twenty. */
export const DEFAULT_QUERY_RATE_LIMIT = 600;

function integer(env: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${String(raw)}"`);
  return n;
}

export interface ParseOptions {
  /**
   * What a TELLER_ADMIN_TOKEN shorter than MIN_ADMIN_TOKEN_LENGTH does: `fail` (Node, which
   * then refuses to start) or `refuse` (Workers, which cannot refuse to start: events keep
   * being collected and only the admin token is refused, see `Config.refusedAdminToken`).
   */
  shortAdminToken?: 'fail' | 'refuse';
}

export const SHORT_ADMIN_TOKEN = `TELLER_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`;
/** A setup code the operator chooses must be as hard to guess as the one Teller makes. */
export const MIN_SETUP_CODE_LENGTH = 20;

/**
 * TELLER_PUBLIC_URL as an origin (`https://stats.example.com`), or null when unset. Only
 * scheme, host and port count: a path would mean Teller is served under a prefix, which it
 * is not built for.
 */
export function parsePublicUrl(raw: unknown): string | null {
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new ConfigError(`TELLER_PUBLIC_URL must be an absolute URL such as https://stats.example.com, got "${String(raw)}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`TELLER_PUBLIC_URL must start with https:// or http://, got "${String(raw)}"`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(`TELLER_PUBLIC_URL must be an origin only (scheme, host, port), without a path, query or login, got "${String(raw)}"`);
  }
  return url.origin;
}

function parseSetupCode(raw: unknown): string | null {
  if (raw === undefined || raw === '') return null;
  const code = String(raw);
  if (code.length < MIN_SETUP_CODE_LENGTH || !/^[\x21-\x7e]+$/.test(code)) {
    throw new ConfigError(`TELLER_SETUP_CODE must be at least ${MIN_SETUP_CODE_LENGTH} printable characters without spaces`);
  }
  return code;
}

export function parseConfig(env: Record<string, unknown>, options: ParseOptions = {}): Config {
  // Unset and empty mean the default, as for the numeric settings.
  const ipStorage = env.TELLER_IP_STORAGE === undefined || env.TELLER_IP_STORAGE === '' ? 'truncated' : String(env.TELLER_IP_STORAGE);
  if (ipStorage !== 'truncated' && ipStorage !== 'none') throw new ConfigError(`TELLER_IP_STORAGE must be "truncated" or "none", got "${ipStorage}"`);
  const given = typeof env.TELLER_ADMIN_TOKEN === 'string' && env.TELLER_ADMIN_TOKEN !== '' ? env.TELLER_ADMIN_TOKEN : null;
  const tooShort = given !== null && given.length < MIN_ADMIN_TOKEN_LENGTH;
  if (tooShort && options.shortAdminToken !== 'refuse') throw new ConfigError(SHORT_ADMIN_TOKEN);
  return {
    trustProxy: integer(env, 'TELLER_TRUST_PROXY', 0, 0, 10),
    ipStorage: ipStorage as IpStorage,
    maxBodyBytes: integer(env, 'TELLER_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1024, 10 * 1024 * 1024),
    eventRateLimit: integer(env, 'TELLER_EVENT_RATE_LIMIT', DEFAULT_EVENT_RATE_LIMIT, 0, 1_000_000),
    queryRateLimit: integer(env, 'TELLER_QUERY_RATE_LIMIT', DEFAULT_QUERY_RATE_LIMIT, 0, 1_000_000),
    queryQueueLimit: integer(env, 'TELLER_QUERY_QUEUE_LIMIT', DEFAULT_QUERIES_PER_CREDENTIAL, 0, 100_000),
    adminToken: tooShort ? null : given,
    refusedAdminToken: tooShort ? given : null,
    publicOrigin: parsePublicUrl(env.TELLER_PUBLIC_URL),
    setupCode: parseSetupCode(env.TELLER_SETUP_CODE),
  };
}
