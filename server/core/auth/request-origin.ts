/**
 * What a request says about where it came from: the origin it was made to (for the
 * same-origin check, the Secure flag and links Teller writes), its client's truncated
 * address (for login throttling). Forwarded headers count only when the instance trusts a proxy.
 * @module
 */
import type { Context } from 'hono';
import { clientAddress, parseIp, truncateIp } from '../ingest/ip.ts';
import type { AppDeps } from '../http/app-deps.ts';

type OriginDeps = Pick<AppDeps, 'config'>;

function firstValue(header: string | undefined): string | null {
  const value = header?.split(',')[0]?.trim();
  return value ? value : null;
}

/**
 * `https://host[:port]` as the client addressed this server: TELLER_PUBLIC_URL when the
 * operator set it; else the Host header, with X-Forwarded-Proto behind a trusted proxy.
 * X-Forwarded-Host is never read: a proxy that does not strip it passes on the client's
 * own value, and the same-origin check would then compare the client with itself.
 */
export function requestOrigin(deps: OriginDeps, c: Context): string {
  if (deps.config.publicOrigin) return deps.config.publicOrigin;
  const url = new URL(c.req.url);
  if (deps.config.trustProxy > 0) {
    const proto = firstValue(c.req.header('x-forwarded-proto'))?.toLowerCase();
    if (proto === 'https' || proto === 'http') return `${proto}://${url.host}`;
  }
  return url.origin;
}

/** True when the client reached this server over TLS. */
export function isHttps(deps: OriginDeps, c: Context): boolean {
  return requestOrigin(deps, c).startsWith('https:');
}

/**
 * A state-changing request is same-origin when its Origin equals this server's origin, or,
 * from a browser that sends no Origin, when Sec-Fetch-Site says so. `Origin: null`, a
 * foreign origin and a request with neither header are not.
 */
export function isSameOrigin(deps: OriginDeps, c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin !== undefined) return origin.toLowerCase() === requestOrigin(deps, c);
  return c.req.header('sec-fetch-site') === 'same-origin';
}

/** The client's address truncated as events store it (IPv4 /24, IPv6 /48), or null. */
export function truncatedClientAddress(deps: Pick<AppDeps, 'config' | 'remoteAddress'>, c: Context): string | null {
  const address = clientAddress(deps.remoteAddress(c.req.raw, c.env), c.req.header('x-forwarded-for') ?? null, deps.config.trustProxy);
  const parsed = address === null ? null : parseIp(address);
  return parsed === null ? null : truncateIp(parsed);
}
