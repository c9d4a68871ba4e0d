/**
 * Stats API bearer tokens: random, shown once, stored only as SHA-256 hashes. A token
 * reads one site, or every site when it is an admin token; the operator's own admin token
 * (TELLER_ADMIN_TOKEN) is compared in constant time and never stored.
 * @module
 */
import { timingSafeEqual, toHex } from './bytes.ts';
import { MIN_ADMIN_TOKEN_LENGTH } from './config.ts';
import type { Config, Db } from './ports.ts';

/** Whom a verified token speaks for: one site, or all of them. */
export type TokenGrant = { admin: true } | { admin: false; siteId: number };

const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** SHA-256 of a token as stored in `tokens.token_hash`. */
export async function tokenHash(token: string): Promise<string> {
  return toHex(await sha256(token));
}

/**
 * Creates a token for one site (siteId) or an admin token (null) and returns its
 * plaintext, which is not kept anywhere: it can be shown once.
 */
export async function createToken(db: Db, grant: { siteId: number | null }, nowMs: number): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = `tlr_${btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
  await db.run('INSERT INTO tokens (token_hash, site_id, created_at) VALUES (?, ?, ?)', [
    await tokenHash(token),
    grant.siteId,
    Math.floor(nowMs / 1000),
  ]);
  return token;
}

/** Compares two secrets in time independent of where they differ (equal-length digests). */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a), sha256(b)]);
  return timingSafeEqual(x, y);
}

/** The bearer token of an Authorization header, or null. */
export function bearerToken(header: string | null | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/** What `token` may read, or null when it is no valid token. */
export async function verifyToken(db: Db, config: Pick<Config, 'adminToken'>, token: string): Promise<TokenGrant | null> {
  const admin = config.adminToken;
  if (admin !== null && admin.length >= MIN_ADMIN_TOKEN_LENGTH && (await sameSecret(token, admin))) return { admin: true };
  const row = await db.first<{ site_id: number | null }>('SELECT site_id FROM tokens WHERE token_hash = ?', [await tokenHash(token)]);
  if (!row) return null;
  return row.site_id === null ? { admin: true } : { admin: false, siteId: row.site_id };
}

/** True when `grant` may read the site with id `siteId`. */
export function mayRead(grant: TokenGrant, siteId: number): boolean {
  return grant.admin || grant.siteId === siteId;
}
