/**
 * Every Stats API token of the instance, for the operator: listed by prefix (the token
 * itself is shown once and never stored) and revoked by id or prefix, which is how a
 * leaked token is recovered from.
 * @module
 */
import type { Db } from './ports.ts';
import { SCOPES, type Scope } from './tokens.ts';

export interface RegisteredToken {
  id: number;
  /** `tlr_` and the first characters; null for tokens made before prefixes were kept. */
  prefix: string | null;
  /** The site it acts on, or null for an admin token. */
  site: string | null;
  /** What it may do on its site; every scope for an admin token. */
  scopes: Scope[];
  createdAt: number;
  lastUsedAt: number | null;
}

export async function listTokens(db: Db): Promise<RegisteredToken[]> {
  const rows = await db.all<{ id: number; prefix: string | null; domain: string | null; site_id: number | null; scopes: string; created_at: number; last_used_at: number | null }>(
    'SELECT t.id, t.prefix, t.site_id, s.domain, t.scopes, t.created_at, t.last_used_at FROM tokens t LEFT JOIN sites s ON s.id = t.site_id ORDER BY t.id',
  );
  return rows.map((r) => ({
    id: r.id,
    prefix: r.prefix,
    site: r.site_id === null ? null : (r.domain ?? `#${r.site_id}`),
    scopes: r.site_id === null ? [...SCOPES] : SCOPES.filter((scope) => r.scopes.split(',').includes(scope)),
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

/**
 * Deletes the token with this id, or the one token whose prefix starts with `key`.
 * Returns what was revoked, or a reason when nothing was (unknown, or ambiguous).
 */
export async function revokeToken(db: Db, key: string): Promise<{ revoked: RegisteredToken } | { problem: string }> {
  const all = await listTokens(db);
  const matches = /^\d+$/.test(key) ? all.filter((t) => t.id === Number(key)) : all.filter((t) => t.prefix !== null && key.startsWith('tlr_') && (t.prefix.startsWith(key) || key.startsWith(t.prefix)));
  if (matches.length === 0) return { problem: `no token with id or prefix "${key}" (see: token list)` };
  if (matches.length > 1) return { problem: `"${key}" matches ${matches.length} tokens; give its id instead (see: token list)` };
  const token = matches[0]!;
  await db.run('DELETE FROM tokens WHERE id = ?', [token.id]);
  return { revoked: token };
}
