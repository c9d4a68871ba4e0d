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
  const proto = forwardedProto(deps, (name) => c.req.header(name));
  return proto ? `${proto}://${url.host}` : url.origin;
}

/** The scheme a trusted proxy says the client used (X-Forwarded-Proto), or null. */
function forwardedProto(deps: OriginDeps, header: (name: string) => string | undefined): 'http' | 'https' | null {
  if (!(deps.config.trustProxy > 0)) return null;
  const proto = firstValue(header('x-forwarded-proto'))?.toLowerCase();
  return proto === 'https' || proto === 'http' ? proto : null;
}

/** isHttps for a request that reached a plain-HTTP listener (Node's), read from its headers alone. */
export function isHttpsOnPlainListener(deps: OriginDeps, header: (name: string) => string | undefined): boolean {
  if (deps.config.publicOrigin) return deps.config.publicOrigin.startsWith('https:');
  return forwardedProto(deps, header) === 'https';
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
