/**
 * A site's first-party proxy secret: the credential with which the site's own origin (the
 * WordPress plugin's REST route) forwards its visitors' events and names each visitor's
 * address. Random, shown once, stored only as a SHA-256 hash; one per site at most, so
 * making a new one (rotation) ends the old one.
 * @module
 */
import { fromHex, timingSafeEqual } from './bytes.ts';
import type { Db } from './ports.ts';
import { randomUrlSafe, tokenHash } from './tokens.ts';

/** The header carrying the secret. Never logged, stored or echoed. */
export const PROXY_SECRET_HEADER = 'x-teller-proxy';

/** The header in which an authenticated proxy names the visitor's address (one IPv4 or IPv6 address). */
export const VISITOR_IP_HEADER = 'x-teller-visitor-ip';

/** Makes (or replaces) the site's proxy secret and returns it: it is not kept anywhere, so it can be shown once. */
export async function createProxySecret(db: Db, siteId: number, nowMs: number): Promise<string> {
  const secret = `tlp_${randomUrlSafe(32)}`;
  await db.run(
    `INSERT INTO proxy_secrets (site_id, secret_hash, created_at) VALUES (?, ?, ?)
     ON CONFLICT (site_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at`,
    [siteId, await tokenHash(secret), Math.floor(nowMs / 1000)],
  );
  return secret;
}

/** Removes the site's proxy secret; false when it had none. */
export async function revokeProxySecret(db: Db, siteId: number): Promise<boolean> {
  return (await db.run('DELETE FROM proxy_secrets WHERE site_id = ?', [siteId])).changes > 0;
}

/** When the site's proxy secret was made (Unix seconds), or null when it has none. */
export async function proxySecretCreatedAt(db: Db, siteId: number): Promise<number | null> {
  const row = await db.first<{ created_at: number }>('SELECT created_at FROM proxy_secrets WHERE site_id = ?', [siteId]);
  return row?.created_at ?? null;
}

/** The ids of the sites that have a proxy secret. */
export async function sitesWithProxySecret(db: Db): Promise<Set<number>> {
  return new Set((await db.all<{ site_id: number }>('SELECT site_id FROM proxy_secrets')).map((r) => r.site_id));
}

/**
 * True when `secret` is the proxy secret of every site in `siteIds` (an event may name
 * several): a proxy may speak only for its own site. Looked up by site and compared in
 * constant time, so how much of a guess is right does not show.
 */
export async function isProxyFor(db: Db, siteIds: readonly number[], secret: string): Promise<boolean> {
  if (siteIds.length === 0 || secret === '') return false;
  const presented = fromHex(await tokenHash(secret));
  for (const siteId of siteIds) {
    const row = await db.first<{ secret_hash: string }>('SELECT secret_hash FROM proxy_secrets WHERE site_id = ?', [siteId]);
    if (!row || !/^[0-9a-f]{64}$/.test(row.secret_hash) || !timingSafeEqual(presented, fromHex(row.secret_hash))) return false;
  }
  return true;
}
