/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site
 * posts), Secure when the client reached us over TLS. Its Max-Age is the idle limit, and
 * it is sent again whenever the session's last-seen time moves, so an active session's
 * cookie does not expire under it.
 * @module
 */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { SESSION_COOKIE } from '../dashboard/contract.ts';
import type { AppDeps } from '../ports.ts';
import { isHttps } from './request-origin.ts';
import { SESSION_IDLE_SECONDS } from './sessions.ts';

export function setSessionCookie(deps: Pick<AppDeps, 'config'>, c: Context, id: string): void {
  setCookie(c, SESSION_COOKIE, id, { httpOnly: true, sameSite: 'Lax', path: '/', secure: isHttps(deps, c), maxAge: SESSION_IDLE_SECONDS });
}

export function clearSessionCookie(deps: Pick<AppDeps, 'config'>, c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(deps, c) });
}
