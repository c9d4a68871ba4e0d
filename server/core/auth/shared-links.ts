/**
 * Shared links: one per site, a long random token in the URL (`/share/<token>`) that
 * reads that site's statistics and nothing else. Stored only as a hash.
 * @module
 */
import type { Db } from '../ports.ts';
import { randomUrlSafe, tokenHash } from '../tokens.ts';

/** Characters of the token kept in clear to recognise the link in the settings. */
const PREFIX_LENGTH = 6;

export interface SharedLink {
  siteId: number;
  prefix: string;
  showVisits: boolean;
  embeddable: boolean;
  createdAt: number;
}

export interface LinkOptions {
  showVisits?: boolean;
  embeddable?: boolean;
}

interface LinkRow {
  site_id: number;
  prefix: string;
  show_visits: number;
  embeddable: number;
  created_at: number;
}

function toLink(row: LinkRow): SharedLink {
  return { siteId: row.site_id, prefix: row.prefix, showVisits: row.show_visits === 1, embeddable: row.embeddable === 1, createdAt: row.created_at };
}

/** Makes a site's link, replacing any old one (which stops working); returns it with its token, shown once. */
export async function createSharedLink(db: Db, siteId: number, options: LinkOptions, nowMs: number): Promise<{ link: SharedLink; token: string }> {
  const token = randomUrlSafe(32);
  await db.run(
    `INSERT INTO shared_links (site_id, token_hash, prefix, show_visits, embeddable, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (site_id) DO UPDATE SET token_hash = excluded.token_hash, prefix = excluded.prefix,
       show_visits = excluded.show_visits, embeddable = excluded.embeddable, created_at = excluded.created_at`,
    [siteId, await tokenHash(token), token.slice(0, PREFIX_LENGTH), options.showVisits ? 1 : 0, options.embeddable ? 1 : 0, Math.floor(nowMs / 1000)],
  );
  const link = await siteLink(db, siteId);
  if (!link) throw new Error('shared link vanished after its insert');
  return { link, token };
}

export async function siteLink(db: Db, siteId: number): Promise<SharedLink | null> {
  const row = await db.first<LinkRow>('SELECT * FROM shared_links WHERE site_id = ?', [siteId]);
  return row ? toLink(row) : null;
}

/** The live link a token opens, or null. */
export async function linkOfToken(db: Db, token: string): Promise<SharedLink | null> {
  if (token.length === 0 || token.length > 200) return null;
  const row = await db.first<LinkRow>('SELECT * FROM shared_links WHERE token_hash = ?', [await tokenHash(token)]);
  return row ? toLink(row) : null;
}

export async function updateSharedLink(db: Db, siteId: number, options: LinkOptions): Promise<SharedLink | null> {
  const link = await siteLink(db, siteId);
  if (!link) return null;
  const next = { ...link, ...options };
  await db.run('UPDATE shared_links SET show_visits = ?, embeddable = ? WHERE site_id = ?', [next.showVisits ? 1 : 0, next.embeddable ? 1 : 0, siteId]);
  return siteLink(db, siteId);
}

export async function revokeSharedLink(db: Db, siteId: number): Promise<boolean> {
  return (await db.run('DELETE FROM shared_links WHERE site_id = ?', [siteId])).changes > 0;
}
