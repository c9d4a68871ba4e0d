/**
 * Login sessions: a random 32-byte id in the cookie, only its SHA-256 in the database.
 * A session ends at logout, when its user is deleted, or after 30 days without a request.
 * @module
 */
import type { Db } from '../ports.ts';
import { randomUrlSafe, tokenHash } from '../tokens.ts';
import { findUserById, type User } from '../users.ts';

export const SESSION_IDLE_SECONDS = 30 * 86_400;
/** last_seen_at is written at most this often, so reading a page does not cost a write. */
export const SESSION_TOUCH_SECONDS = 3_600;

/** Starts a session for a user; returns the id for the cookie (not stored anywhere). */
export async function createSession(db: Db, userId: number, nowMs: number): Promise<string> {
  const id = randomUrlSafe(32);
  const now = Math.floor(nowMs / 1000);
  await db.run('INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)', [await tokenHash(id), userId, now, now]);
  return id;
}

/**
 * The user of a live session, refreshing its idle clock (`refreshed` when it was written);
 * an expired session is deleted.
 */
export async function sessionUser(db: Db, id: string, nowMs: number): Promise<{ user: User; refreshed: boolean } | null> {
  const hash = await tokenHash(id);
  const row = await db.first<{ user_id: number; last_seen_at: number }>('SELECT user_id, last_seen_at FROM sessions WHERE id_hash = ?', [hash]);
  if (!row) return null;
  const now = Math.floor(nowMs / 1000);
  if (now - row.last_seen_at >= SESSION_IDLE_SECONDS) {
    await db.run('DELETE FROM sessions WHERE id_hash = ?', [hash]);
    return null;
  }
  const user = await findUserById(db, row.user_id);
  if (!user) return null;
  const refreshed = now - row.last_seen_at >= SESSION_TOUCH_SECONDS;
  if (refreshed) await db.run('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?', [now, hash]);
  return { user, refreshed };
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.run('DELETE FROM sessions WHERE id_hash = ?', [await tokenHash(id)]);
}

/**
 * Ends every session of a user but the one whose id is given (null: all of them), as a
 * password change or "sign out other sessions" does. Returns how many ended.
 */
export async function endSessionsOf(db: Db, userId: number, keepId: string | null): Promise<number> {
  const keep = keepId === null ? '' : await tokenHash(keepId);
  return (await db.run('DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?', [userId, keep])).changes;
}

/** How many live sessions a user has (expired ones not yet presented are not counted). */
export async function sessionCount(db: Db, userId: number, nowMs: number): Promise<number> {
  const since = Math.floor(nowMs / 1000) - SESSION_IDLE_SECONDS;
  return (await db.first<{ n: number }>('SELECT count(*) AS n FROM sessions WHERE user_id = ? AND last_seen_at > ?', [userId, since]))?.n ?? 0;
}
