/**
 * Stats API bearer tokens: random, shown once, stored only as SHA-256 hashes. A token
 * acts on one site within its scopes (SCOPES), or on every site when it is an admin token;
 * the operator's own admin token (TELLER_ADMIN_TOKEN) is compared in constant time and never stored.
 * @module
 */
import { timingSafeEqual, toBase64Url, toHex } from './bytes.ts';
import { MIN_ADMIN_TOKEN_LENGTH } from './config.ts';
import type { Config, Db } from './ports.ts';

/**
 * What a site token may do on its site: read its statistics (`stats`), its generated
 * privacy text (`privacy`), get its embeddable shared link (`share`), make or revoke its
 * first-party proxy secret (`proxy`) and run, list and delete its imports (`import`).
 */
export const SCOPES = ['stats', 'privacy', 'share', 'proxy', 'import'] as const;
export type Scope = (typeof SCOPES)[number];

/** What the WordPress plugin needs (import is added when the owner ticks it). */
export const WORDPRESS_SCOPES: readonly Scope[] = ['stats', 'privacy', 'share', 'proxy'];

/** What a site token made without naming scopes may do (all tokens could, before scopes). */
export const DEFAULT_SCOPES: readonly Scope[] = ['stats'];

/**
 * Whom a verified credential speaks for: every site (an admin token, an owner's session),
 * one site within scopes (a site token; a shared link reads stats) or a viewer's granted sites.
 */
export type TokenGrant = { admin: true } | { admin: false; siteId: number; scopes: readonly Scope[] } | { admin: false; siteIds: readonly number[] };

/** Scopes named in a list (`stats,privacy`), in SCOPES order without repeats, or the problem with it. */
export function parseScopes(names: readonly string[]): { scopes: Scope[] } | { problem: string } {
  const unknown = names.find((name) => !SCOPES.includes(name as Scope));
  if (unknown !== undefined) return { problem: `unknown scope "${unknown.slice(0, 40)}": the scopes are ${SCOPES.join(', ')}` };
  if (names.length === 0) return { problem: `name at least one scope of ${SCOPES.join(', ')}` };
  return { scopes: SCOPES.filter((scope) => names.includes(scope)) };
}

/** The scopes stored in `tokens.scopes`; an unknown name (from a newer Teller) grants nothing. */
function storedScopes(text: string): Scope[] {
  const names = text.split(',');
  return SCOPES.filter((scope) => names.includes(scope));
}

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

/** A new token's site (null: an admin token) and, for a site token, its scopes (DEFAULT_SCOPES when absent). */
export interface NewToken {
  siteId: number | null;
  scopes?: readonly Scope[];
}

/**
 * Creates a token for one site (siteId) or an admin token (null) and returns its
 * plaintext, which is not kept anywhere: it can be shown once.
 */
export async function createToken(db: Db, grant: NewToken, nowMs: number): Promise<string> {
  return (await createTokenRow(db, grant, nowMs)).token;
}

/** As createToken, also returning the new row's id. */
export async function createTokenRow(db: Db, grant: NewToken, nowMs: number): Promise<{ token: string; id: number }> {
  const token = `tlr_${randomUrlSafe(32)}`;
  const scopes = SCOPES.filter((scope) => (grant.scopes ?? DEFAULT_SCOPES).includes(scope));
  const { lastRowId } = await db.run('INSERT INTO tokens (token_hash, prefix, site_id, created_at, scopes) VALUES (?, ?, ?, ?, ?)', [
    await tokenHash(token),
    token.slice(0, TOKEN_PREFIX_LENGTH),
    grant.siteId,
    Math.floor(nowMs / 1000),
    scopes.join(','),
  ]);
  return { token, id: lastRowId };
}

export interface TokenRow {
  id: number;
  prefix: string;
  scopes: Scope[];
  createdAt: number;
  lastUsedAt: number | null;
}

/** A site's tokens, newest first; tokens made before prefixes were kept show `tlr_…`. */
export async function listSiteTokens(db: Db, siteId: number): Promise<TokenRow[]> {
  const rows = await db.all<{ id: number; prefix: string | null; scopes: string; created_at: number; last_used_at: number | null }>(
    'SELECT id, prefix, scopes, created_at, last_used_at FROM tokens WHERE site_id = ? ORDER BY id DESC',
    [siteId],
  );
  return rows.map((r) => ({ id: r.id, prefix: r.prefix ?? 'tlr_…', scopes: storedScopes(r.scopes), createdAt: r.created_at, lastUsedAt: r.last_used_at }));
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
  const row = await db.first<{ site_id: number | null; scopes: string; last_used_at: number | null }>('SELECT site_id, scopes, last_used_at FROM tokens WHERE token_hash = ?', [hash]);
  if (!row) return null;
  if (nowMs !== undefined) {
    const now = Math.floor(nowMs / 1000);
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_SECONDS) {
      await db.run('UPDATE tokens SET last_used_at = ? WHERE token_hash = ?', [now, hash]);
    }
  }
  return row.site_id === null ? { admin: true } : { admin: false, siteId: row.site_id, scopes: storedScopes(row.scopes) };
}

/** True when `grant` may do what `scope` allows on the site with id `siteId`; a viewer's grant reads statistics only. */
export function mayUse(grant: TokenGrant, siteId: number, scope: Scope): boolean {
  if (grant.admin) return true;
  if ('siteId' in grant) return grant.siteId === siteId && grant.scopes.includes(scope);
  return scope === 'stats' && grant.siteIds.includes(siteId);
}

/** True when `grant` may read the statistics of the site with id `siteId`. */
export function mayRead(grant: TokenGrant, siteId: number): boolean {
  return mayUse(grant, siteId, 'stats');
}
