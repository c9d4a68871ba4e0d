/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site
 * posts), Secure when the client reached us over TLS. Its Max-Age is the idle limit, and
 * it is sent again whenever the session's last-seen time moves, so an active session's
 * cookie does not expire under it. Over TLS it carries the `__Host-` prefix, which browsers
 * accept only from a secure origin, for path `/` and without Domain: no sibling subdomain
 * or plain-http page can plant or overwrite it.
 * @module
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SESSION_COOKIE } from '../dashboard-api/contract.ts';
import type { AppDeps } from '../http/app-deps.ts';
import { isHttps } from './request-origin.ts';
import { SESSION_IDLE_SECONDS } from './sessions.ts';

type CookieDeps = Pick<AppDeps, 'config'>;

/** The cookie's name for this request: `__Host-teller_session` over TLS, `teller_session` over plain http. */
export function sessionCookieName(deps: CookieDeps, c: Context): string {
  return isHttps(deps, c) ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/** The session id the request presents, under the name its scheme allows. */
export function readSessionCookie(deps: CookieDeps, c: Context): string | undefined {
  return getCookie(c, sessionCookieName(deps, c));
}

export function setSessionCookie(deps: CookieDeps, c: Context, id: string): void {
  setCookie(c, sessionCookieName(deps, c), id, { httpOnly: true, sameSite: 'Lax', path: '/', secure: isHttps(deps, c), maxAge: SESSION_IDLE_SECONDS });
}

export function clearSessionCookie(deps: CookieDeps, c: Context): void {
  deleteCookie(c, sessionCookieName(deps, c), { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(deps, c) });
}
