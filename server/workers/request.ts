/**
 * What Cloudflare tells a Worker about the visitor: the address in `CF-Connecting-IP` and
 * the location in `request.cf` (`country`, `regionCode`, `region`, `city`), both set by
 * Cloudflare's edge, not by the client.
 * @module
 */
import type { Location } from '../core/ports.ts';

/**
 * Cloudflare's country codes that name no country: `XX` (unknown) and `T1` (Tor exit).
 * Anything else that is not two capital letters is treated as unknown too.
 */
const NOT_A_COUNTRY = new Set(['XX', 'T1']);

type Cf = { country?: unknown; regionCode?: unknown; region?: unknown; city?: unknown } | undefined;

const cfOf = (request: Request): Cf => (request as { cf?: Cf }).cf;

const textOf = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** ISO 3166 alpha-2 code of the visitor's country, or null when Cloudflare does not know it. */
export function cfCountry(request: Request): string | null {
  const cf = cfOf(request);
  const country = typeof cf?.country === 'string' ? cf.country.toUpperCase() : '';
  return /^[A-Z]{2}$/.test(country) && !NOT_A_COUNTRY.has(country) ? country : null;
}

/**
 * The visitor's location as Cloudflare gives it: `regionCode` is the part of the ISO 3166-2
 * code after the country (`03` for `NO-03`), `region` its name. The site's precision and the
 * checks of each field's shape are applied in the core (ingest/location.ts).
 */
export function cfLocation(request: Request): Location | null {
  const country = cfCountry(request);
  if (country === null) return null;
  const cf = cfOf(request);
  const code = textOf(cf?.regionCode)?.toUpperCase() ?? null;
  const region = code !== null && /^[A-Z0-9]{1,3}$/.test(code) ? `${country}-${code}` : null;
  return { country, region, regionName: region === null ? null : textOf(cf?.region), city: textOf(cf?.city) };
}

/** The visitor's address as Cloudflare's edge saw it. */
export function cfConnectingIp(request: Request): string | null {
  return request.headers.get('cf-connecting-ip');
}
