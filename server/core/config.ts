/**
 * Instance configuration from environment variables (Node's process.env, Workers' env).
 * @module
 */
import { DEFAULT_EVENT_RATE_LIMIT } from './rate-limit.ts';
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
    adminToken: tooShort ? null : given,
    refusedAdminToken: tooShort ? given : null,
  };
}
