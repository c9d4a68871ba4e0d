/**
 * Shared links: any number per site, each named by the owner, a long random token in the
 * URL (`/share/<token>`) that reads that site's statistics and nothing else. Requests find
 * a link by the token's SHA-256; the token itself is kept too, so the owner can copy the
 * address again (why that is acceptable: migrations/0009_named_shared_links.sql). A link
 * may need a password (hashed as users' passwords are); the visitor who gives it gets a
 * cookie for that link only (shareUnlockValue). A revoked link keeps its row without its
 * token, so its address can say it was revoked.
 * @module
 */
import type { Db } from '../ports.ts';
import { randomUrlSafe, tokenHash } from '../tokens.ts';
import { hashPassword } from './passwords.ts';

/** Characters of the token kept in clear to recognise the link in the settings. */
const PREFIX_LENGTH = 6;
export const MAX_LINK_NAME = 100;
export const DEFAULT_LINK_NAME = 'Shared link';
/** last_used_at moves at most this often, so a busy dashboard does not cost a write per query. */
const LAST_USED_RESOLUTION_SECONDS = 3_600;

export interface SharedLink {
  id: number;
  siteId: number;
  name: string;
  prefix: string;
  /** null for a link made before tokens were kept (migration 0009), and once revoked. */
  token: string | null;
  showVisits: boolean;
  embeddable: boolean;
  passwordHash: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface LinkOptions {
  name?: string;
  showVisits?: boolean;
  embeddable?: boolean;
  /** A new password; null removes it. */
  password?: string | null;
}

interface LinkRow {
  id: number;
  site_id: number;
  name: string;
  prefix: string;
  token: string | null;
  show_visits: number;
  embeddable: number;
  password_hash: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

function toLink(row: LinkRow): SharedLink {
  return {
    id: row.id,
    siteId: row.site_id,
    name: row.name,
    prefix: row.prefix,
    token: row.token,
    showVisits: row.show_visits === 1,
    embeddable: row.embeddable === 1,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Makes a new link for a site (the others stay); returns it with its token. */
export async function createSharedLink(db: Db, siteId: number, options: LinkOptions, nowMs: number): Promise<{ link: SharedLink; token: string }> {
  const token = randomUrlSafe(32);
  const passwordHash = options.password ? await hashPassword(options.password) : null;
  const { lastRowId } = await db.run(
    `INSERT INTO shared_links (site_id, name, token_hash, token, prefix, show_visits, embeddable, password_hash, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [siteId, options.name ?? DEFAULT_LINK_NAME, await tokenHash(token), token, token.slice(0, PREFIX_LENGTH), options.showVisits ? 1 : 0, options.embeddable ? 1 : 0, passwordHash, Math.floor(nowMs / 1000)],
  );
  const link = await siteLink(db, siteId, lastRowId);
  if (!link) throw new Error('shared link vanished after its insert');
  return { link, token };
}

/** A site's live links, oldest first. */
export async function siteLinks(db: Db, siteId: number): Promise<SharedLink[]> {
  return (await db.all<LinkRow>('SELECT * FROM shared_links WHERE site_id = ? AND revoked_at IS NULL ORDER BY id', [siteId])).map(toLink);
}

/** One live link of a site, or null. */
export async function siteLink(db: Db, siteId: number, id: number): Promise<SharedLink | null> {
  const row = await db.first<LinkRow>('SELECT * FROM shared_links WHERE id = ? AND site_id = ? AND revoked_at IS NULL', [id, siteId]);
  return row ? toLink(row) : null;
}

/** The link a token names, live or revoked, or null; with `nowMs` a live link's last use is recorded (to the hour). */
export async function linkOfTokenAnyState(db: Db, token: string, nowMs?: number): Promise<SharedLink | null> {
  if (token.length === 0 || token.length > 200) return null;
  const row = await db.first<LinkRow>('SELECT * FROM shared_links WHERE token_hash = ?', [await tokenHash(token)]);
  if (!row) return null;
  if (nowMs !== undefined && row.revoked_at === null) {
    const now = Math.floor(nowMs / 1000);
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_SECONDS) {
      await db.run('UPDATE shared_links SET last_used_at = ? WHERE id = ?', [now, row.id]);
      row.last_used_at = now;
    }
  }
  return toLink(row);
}

/** The live link a token opens, or null. */
export async function linkOfToken(db: Db, token: string, nowMs?: number): Promise<SharedLink | null> {
  const link = await linkOfTokenAnyState(db, token, nowMs);
  return link && link.revokedAt === null ? link : null;
}

/** Changes a live link; null when the site has no such link. A new password locks out whoever had the old one. */
export async function updateSharedLink(db: Db, siteId: number, id: number, options: LinkOptions): Promise<SharedLink | null> {
  const link = await siteLink(db, siteId, id);
  if (!link) return null;
  const passwordHash = options.password === undefined ? link.passwordHash : options.password === null ? null : await hashPassword(options.password);
  await db.run('UPDATE shared_links SET name = ?, show_visits = ?, embeddable = ?, password_hash = ? WHERE id = ?', [
    options.name ?? link.name,
    (options.showVisits ?? link.showVisits) ? 1 : 0,
    (options.embeddable ?? link.embeddable) ? 1 : 0,
    passwordHash,
    id,
  ]);
  return siteLink(db, siteId, id);
}

/** Revokes one link: it stops working at once; its row keeps only what says it was revoked. */
export async function revokeSharedLink(db: Db, siteId: number, id: number, nowMs: number): Promise<boolean> {
  const sql = 'UPDATE shared_links SET revoked_at = ?, token = NULL, password_hash = NULL WHERE id = ? AND site_id = ? AND revoked_at IS NULL';
  return (await db.run(sql, [Math.floor(nowMs / 1000), id, siteId])).changes > 0;
}

/**
 * The value of the cookie that unlocks a password-protected link: a hash of the link's id
 * and its stored password hash (random salt included), so it cannot be made without the
 * database, works for this link only, and stops working when the password changes.
 */
export async function shareUnlockValue(link: SharedLink): Promise<string> {
  return tokenHash(`unlock|${link.id}|${link.passwordHash ?? ''}`);
}
