/**
 * Instance configuration from environment variables (Node's process.env, Workers' env).
 * @module
 */
import type { Config, IpStorage } from './ports.ts';

export class ConfigError extends Error {}

export const DEFAULT_MAX_BODY_BYTES = 128 * 1024;
export const MIN_ADMIN_TOKEN_LENGTH = 32;

function integer(env: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${String(raw)}"`);
  return n;
}

export function parseConfig(env: Record<string, unknown>): Config {
  // Unset and empty mean the default, as for the numeric settings.
  const ipStorage = env.TELLER_IP_STORAGE === undefined || env.TELLER_IP_STORAGE === '' ? 'truncated' : String(env.TELLER_IP_STORAGE);
  if (ipStorage !== 'truncated' && ipStorage !== 'none') throw new ConfigError(`TELLER_IP_STORAGE must be "truncated" or "none", got "${ipStorage}"`);
  const adminToken = typeof env.TELLER_ADMIN_TOKEN === 'string' && env.TELLER_ADMIN_TOKEN !== '' ? env.TELLER_ADMIN_TOKEN : null;
  if (adminToken !== null && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError(`TELLER_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  }
  return {
    trustProxy: integer(env, 'TELLER_TRUST_PROXY', 0, 0, 10),
    ipStorage: ipStorage as IpStorage,
    maxBodyBytes: integer(env, 'TELLER_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1024, 10 * 1024 * 1024),
    adminToken,
  };
}
