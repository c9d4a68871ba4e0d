/**
 * What a shared link's address shows (its site's view, its password page, or that it was
 * revoked) and the password page's one route. Wrong passwords are throttled as logins are
 * (throttle.ts), the link standing in for the account.
 * @module
 */
import { Hono, type Context } from 'hono';
import { verifyPassword } from '../auth/passwords.ts';
import { isSameOrigin, truncatedClientAddress } from '../auth/request-origin.ts';
import { setShareCookie, shareUnlocked } from '../auth/share-cookie.ts';
import { linkOfToken, linkOfTokenAnyState, type SharedLink } from '../auth/shared-links.ts';
import { admitAttempt, attemptSucceeded, throttleKeys } from '../auth/throttle.ts';
import { SHARE_HEADER, type SessionState, type SiteRef } from '../dashboard-api/contract.ts';
import type { AppDeps } from './app-deps.ts';
import { crossOrigin } from './api-auth.ts';
import { fail, jsonBody, stringField } from './dashboard-access.ts';

export const WRONG_SHARE_PASSWORD = 'wrong password';
export const NO_SUCH_LINK = 'this shared link does not exist or was revoked';

type ShareDeps = Pick<AppDeps, 'db' | 'config' | 'clock' | 'remoteAddress'>;

/** A live shared link's state, or null when its site is gone. */
export async function sharedState(deps: Pick<AppDeps, 'db'>, link: SharedLink): Promise<SessionState | null> {
  const site = await deps.db.first<SiteRef>('SELECT domain, timezone, location_precision FROM sites WHERE id = ?', [link.siteId]);
  return site && { state: 'shared', site, showVisits: link.showVisits };
}

/** What the address of the link `token` shows to this request; null when no link ever had that token. */
export async function shareState(deps: ShareDeps, c: Context, token: string): Promise<SessionState | null> {
  const link = await linkOfTokenAnyState(deps.db, token);
  if (!link) return null;
  if (link.revokedAt !== null) return { state: 'share-revoked' };
  if (!(await shareUnlocked(deps, c, link))) return { state: 'share-locked' };
  return sharedState(deps, link);
}

function tooManyAttempts(c: Context, wait: number): Response {
  return fail(c, 429, `too many wrong passwords: try again in ${Math.ceil(wait / 60)} minutes`, { 'Retry-After': String(wait) }).response;
}

export function dashboardShare(deps: ShareDeps): Hono {
  const app = new Hono();

  // A foreign page must not unlock a link in the visitor's browser (as login CSRF).
  app.post('/api/dashboard/share/unlock', async (c) => {
    if (!isSameOrigin(deps, c)) return crossOrigin(c);
    const link = await linkOfToken(deps.db, (c.req.header(SHARE_HEADER) ?? '').trim());
    if (!link) return fail(c, 404, NO_SUCH_LINK).response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const password = stringField(c, body.ok, 'password');
    if ('response' in password) return password.response;
    if (link.passwordHash !== null) {
      const keys = throttleKeys(`shared-link:${link.id}`, truncatedClientAddress(deps, c));
      const wait = await admitAttempt(deps.db, keys, deps.clock());
      if (wait > 0) return tooManyAttempts(c, wait);
      if (!(await verifyPassword(password.ok, link.passwordHash))) return fail(c, 401, WRONG_SHARE_PASSWORD).response;
      await attemptSucceeded(deps.db, keys, deps.clock());
      await setShareCookie(deps, c, link);
    }
    const state = await sharedState(deps, link);
    return state ? c.json(state) : fail(c, 404, NO_SUCH_LINK).response;
  });

  return app;
}
