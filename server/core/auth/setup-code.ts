/**
 * The first-run setup code: whoever creates the first owner must show it, so reaching a
 * fresh instance before its operator is not enough to own it. On Node it is random for
 * each start and printed in the start banner only (or TELLER_SETUP_CODE); on Workers it is
 * TELLER_SETUP_CODE, or else derived from TELLER_ADMIN_TOKEN, and the admin API tells it.
 * It dies with the first owner: setup refuses once any account exists.
 * @module
 */
import { timingSafeEqual, toBase64Url } from '../bytes.ts';
import type { Config } from '../ports.ts';

const encoder = new TextEncoder();

/**
 * A setup code only the admin token's holder can compute: a keyed hash, so the code in a
 * browser's history or a proxy's log tells nothing about the token.
 */
export async function derivedSetupCode(adminToken: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(adminToken), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode('teller first-run setup code')));
  return toBase64Url(mac.slice(0, 18));
}

/** The code a first-run setup must show, or null when none is configured (setup is then closed). */
export async function expectedSetupCode(config: Pick<Config, 'setupCode' | 'adminToken'>): Promise<string | null> {
  if (config.setupCode) return config.setupCode;
  if (config.adminToken) return derivedSetupCode(config.adminToken);
  return null;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** Compares digests, so the time taken tells neither where the codes differ nor the code's length. */
export async function setupCodeMatches(given: string, expected: string): Promise<boolean> {
  return timingSafeEqual(await digest(given), await digest(expected));
}

/** The address the operator opens to create the owner account. */
export function setupUrl(origin: string, code: string): string {
  return `${origin}/setup?code=${encodeURIComponent(code)}`;
}
