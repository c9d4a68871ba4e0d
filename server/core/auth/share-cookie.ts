/**
 * The cookie that unlocks one password-protected shared link, named after the link so each
 * link is unlocked on its own. HttpOnly, SameSite=Lax, `__Host-` over TLS as the session
 * cookie (session-cookie.ts); path `/` because the Stats API it opens lives outside /share.
 * @module
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { fromHex, timingSafeEqual } from '../bytes.ts';
import type { AppDeps } from '../http/app-deps.ts';
import { isHttps } from './request-origin.ts';
import { shareUnlockValue, type SharedLink } from './shared-links.ts';

type CookieDeps = Pick<AppDeps, 'config'>;

/** A visitor who gave the password stays in for this long. */
const UNLOCK_SECONDS = 30 * 86_400;

function shareCookieName(deps: CookieDeps, c: Context, link: SharedLink): string {
  return `${isHttps(deps, c) ? '__Host-' : ''}teller_share_${link.id}`;
}

/** True when the link needs no password or the request carries its unlock cookie. */
export async function shareUnlocked(deps: CookieDeps, c: Context, link: SharedLink): Promise<boolean> {
  if (link.passwordHash === null) return true;
  const presented = getCookie(c, shareCookieName(deps, c, link)) ?? '';
  if (!/^[0-9a-f]{64}$/.test(presented)) return false;
  return timingSafeEqual(fromHex(presented), fromHex(await shareUnlockValue(link)));
}

export async function setShareCookie(deps: CookieDeps, c: Context, link: SharedLink): Promise<void> {
  setCookie(c, shareCookieName(deps, c, link), await shareUnlockValue(link), { httpOnly: true, sameSite: 'Lax', path: '/', secure: isHttps(deps, c), maxAge: UNLOCK_SECONDS });
}
