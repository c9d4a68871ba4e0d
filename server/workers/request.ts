/**
 * What Cloudflare tells a Worker about the visitor: the address in `CF-Connecting-IP` and
 * the country in `request.cf.country`, both set by Cloudflare's edge, not by the client.
 * @module
 */

/**
 * Cloudflare's country codes that name no country: `XX` (unknown) and `T1` (Tor exit).
 * Anything else that is not two capital letters is treated as unknown too.
 */
const NOT_A_COUNTRY = new Set(['XX', 'T1']);

/** ISO 3166 alpha-2 code of the visitor's country, or null when Cloudflare does not know it. */
export function cfCountry(request: Request): string | null {
  const cf = (request as { cf?: { country?: unknown } }).cf;
  const country = typeof cf?.country === 'string' ? cf.country.toUpperCase() : '';
  return /^[A-Z]{2}$/.test(country) && !NOT_A_COUNTRY.has(country) ? country : null;
}

/** The visitor's address as Cloudflare's edge saw it. */
export function cfConnectingIp(request: Request): string | null {
  return request.headers.get('cf-connecting-ip');
}
