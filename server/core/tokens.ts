/**
 * Stats API bearer tokens: random, shown once, stored only as SHA-256 hashes. A token
 * reads one site, or every site when it is an admin token; the operator's own admin token
 * (TELLER_ADMIN_TOKEN) is compared in constant time and never stored.
 * @module
 */
import { timingSafeEqual, toBase64Url, toHex } from './bytes.ts';
import { MIN_ADMIN_TOKEN_LENGTH } from './config.ts';
import type { Config, Db } from './ports.ts';

/**
 * Whom a verified credential speaks for: every site (an admin token, an owner's session),
 * one site (a site token, a shared link) or a viewer's granted sites.
 */
export type TokenGrant = { admin: true } | { admin: false; siteId: number } | { admin: false; siteIds: readonly number[] };

/** Characters of a token kept in clear to recognise it in a list (`tlr_` and eight more). */
export const TOKEN_PREFIX_LENGTH = 12;

const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** SHA-256 of a token as stored in `tokens.token_hash`. */
export async function tokenHash(token: string): Promise<string> {
  return toHex(await sha256(token));
}

/** `length` random bytes from the runtime's CSPRNG as base64url without padding. */
export function randomUrlSafe(length: number): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(length)));
}

/**
 * Creates a token for one site (siteId) or an admin token (null) and returns its
 * plaintext, which is not kept anywhere: it can be shown once.
 */
export async function createToken(db: Db, grant: { siteId: number | null }, nowMs: number): Promise<string> {
  return (await createTokenRow(db, grant, nowMs)).token;
}

/** As createToken, also returning the new row's id. */
export async function createTokenRow(db: Db, grant: { siteId: number | null }, nowMs: number): Promise<{ token: string; id: number }> {
  const token = `tlr_${randomUrlSafe(32)}`;
  const { lastRowId } = await db.run('INSERT INTO tokens (token_hash, prefix, site_id, created_at) VALUES (?, ?, ?, ?)', [
    await tokenHash(token),
    token.slice(0, TOKEN_PREFIX_LENGTH),
    grant.siteId,
    Math.floor(nowMs / 1000),
  ]);
  return { token, id: lastRowId };
}

export interface TokenRow {
  id: number;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** A site's tokens, newest first; tokens made before prefixes were kept show `tlr_…`. */
export async function listSiteTokens(db: Db, siteId: number): Promise<TokenRow[]> {
  const rows = await db.all<{ id: number; prefix: string | null; created_at: number; last_used_at: number | null }>(
    'SELECT id, prefix, created_at, last_used_at FROM tokens WHERE site_id = ? ORDER BY id DESC',
    [siteId],
  );
  return rows.map((r) => ({ id: r.id, prefix: r.prefix ?? 'tlr_…', createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** Deletes one of a site's tokens; false when the site has no such token. */
export async function revokeSiteToken(db: Db, siteId: number, id: number): Promise<boolean> {
  return (await db.run('DELETE FROM tokens WHERE id = ? AND site_id = ?', [id, siteId])).changes > 0;
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

/** last_used_at moves at most this often, so a busy client does not cost a write per query. */
const LAST_USED_RESOLUTION_SECONDS = 3_600;

/**
 * What `token` may read, or null when it is no valid token. With `nowMs`, a stored token's
 * last use is recorded (to the hour), for the dashboard's token list.
 */
export async function verifyToken(db: Db, config: Pick<Config, 'adminToken'>, token: string, nowMs?: number): Promise<TokenGrant | null> {
  const admin = config.adminToken;
  if (admin !== null && admin.length >= MIN_ADMIN_TOKEN_LENGTH && (await sameSecret(token, admin))) return { admin: true };
  const hash = await tokenHash(token);
  const row = await db.first<{ site_id: number | null; last_used_at: number | null }>('SELECT site_id, last_used_at FROM tokens WHERE token_hash = ?', [hash]);
  if (!row) return null;
  if (nowMs !== undefined) {
    const now = Math.floor(nowMs / 1000);
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_SECONDS) {
      await db.run('UPDATE tokens SET last_used_at = ? WHERE token_hash = ?', [now, hash]);
    }
  }
  return row.site_id === null ? { admin: true } : { admin: false, siteId: row.site_id };
}

/** True when `grant` may read the site with id `siteId`. */
export function mayRead(grant: TokenGrant, siteId: number): boolean {
  if (grant.admin) return true;
  return 'siteId' in grant ? grant.siteId === siteId : grant.siteIds.includes(siteId);
}
