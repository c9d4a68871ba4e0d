/**
 * The state between a right password and the second factor: no session, only a random id
 * in its own cookie (its SHA-256 in `login_pending`) naming the user and what is still
 * owed: a code ('code'), or an enrolment because the owner requires two-factor login
 * ('enrol'). It lives ten minutes and opens nothing but the code and enrolment routes.
 * The cookie is HttpOnly, SameSite=Lax and `__Host-` over TLS, as the session cookie.
 * @module
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppDeps } from '../http/app-deps.ts';
import type { Db } from '../ports.ts';
import { randomUrlSafe, tokenHash } from '../tokens.ts';
import type { User } from '../users.ts';
import { isHttps } from './request-origin.ts';
import { hasTwoFactor, twoFactorRequired } from './two-factor.ts';

export const PENDING_SECONDS = 10 * 60;
const PENDING_COOKIE = 'teller_pending';

export type PendingPurpose = 'code' | 'enrol';

export interface PendingLogin {
  id: string;
  userId: number;
  purpose: PendingPurpose;
}

type CookieDeps = Pick<AppDeps, 'config'>;

/** Starts a pending login; returns the id for the cookie. Old ones go as new ones come. */
export async function createPending(db: Db, userId: number, purpose: PendingPurpose, nowMs: number): Promise<string> {
  const id = randomUrlSafe(32);
  const now = Math.floor(nowMs / 1000);
  await db.batch([
    { sql: 'DELETE FROM login_pending WHERE created_at <= ?', params: [now - PENDING_SECONDS] },
    { sql: 'INSERT INTO login_pending (id_hash, user_id, purpose, created_at) VALUES (?, ?, ?, ?)', params: [await tokenHash(id), userId, purpose, now] },
  ]);
  return id;
}

async function pendingOf(db: Db, id: string, nowMs: number): Promise<PendingLogin | null> {
  const row = await db.first<{ user_id: number; purpose: string; created_at: number }>('SELECT user_id, purpose, created_at FROM login_pending WHERE id_hash = ?', [await tokenHash(id)]);
  if (!row || Math.floor(nowMs / 1000) - row.created_at >= PENDING_SECONDS) return null;
  return { id, userId: row.user_id, purpose: row.purpose === 'enrol' ? 'enrol' : 'code' };
}

export async function deletePending(db: Db, id: string): Promise<void> {
  await db.run('DELETE FROM login_pending WHERE id_hash = ?', [await tokenHash(id)]);
}

function cookieName(deps: CookieDeps, c: Context): string {
  return isHttps(deps, c) ? `__Host-${PENDING_COOKIE}` : PENDING_COOKIE;
}

/** The live pending login the request's cookie names, if any. */
export async function requestPending(deps: CookieDeps & { db: Db; clock: () => number }, c: Context): Promise<PendingLogin | null> {
  const id = getCookie(c, cookieName(deps, c));
  return id ? pendingOf(deps.db, id, deps.clock()) : null;
}

export function setPendingCookie(deps: CookieDeps, c: Context, id: string): void {
  setCookie(c, cookieName(deps, c), id, { httpOnly: true, sameSite: 'Lax', path: '/', secure: isHttps(deps, c), maxAge: PENDING_SECONDS });
}

export function clearPendingCookie(deps: CookieDeps, c: Context): void {
  deleteCookie(c, cookieName(deps, c), { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(deps, c) });
}

/** What a login with the right password still owes: a code, an enrolment, or nothing (null). */
export async function owedStep(db: Db, user: User): Promise<PendingPurpose | null> {
  if (await hasTwoFactor(db, user.id)) return 'code';
  return (await twoFactorRequired(db)) ? 'enrol' : null;
}
