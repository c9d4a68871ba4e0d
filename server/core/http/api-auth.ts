/**
 * Who a request speaks for, shared by the Stats, Sites and dashboard APIs: a bearer token,
 * a shared link's token (SHARE_HEADER) or a dashboard session cookie. One message for a
 * missing or invalid credential and for a site it may not read, so a site's existence
 * never leaks. A state-changing request authenticated by the cookie must be same-origin.
 * @module
 */
import type { Context } from 'hono';
import type { AppDeps } from './app-deps.ts';
import { SHORT_ADMIN_TOKEN } from '../config.ts';
import { isSameOrigin } from '../auth/request-origin.ts';
import { readSessionCookie, setSessionCookie } from '../auth/session-cookie.ts';
import { sessionUser } from '../auth/sessions.ts';
import { shareUnlocked } from '../auth/share-cookie.ts';
import { linkOfToken, type SharedLink } from '../auth/shared-links.ts';
import { SHARE_HEADER } from '../dashboard-api/contract.ts';
import { bearerToken, verifyToken, type TokenGrant } from '../tokens.ts';
import { grantedSiteIds, type User } from '../users.ts';

export const UNAUTHORIZED =
  "Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've requested.";
export const CROSS_ORIGIN = 'cross-origin request refused: changes must come from the dashboard on this server';

export type ApiDeps = Pick<AppDeps, 'db' | 'readDb' | 'columnar' | 'config' | 'clock'>;

/** A recognised credential and what it grants. */
export type Access =
  | { via: 'token'; grant: TokenGrant; token: string }
  | { via: 'session'; grant: TokenGrant; user: User; sessionId: string }
  | { via: 'share'; grant: TokenGrant; link: SharedLink };

/** Access, or a cookie presented on a cross-origin state-changing request, or nothing valid. */
export type AccessResult = Access | { crossOrigin: true } | null;

const SAFE_METHODS = new Set(['GET', 'HEAD']);

async function userGrant(deps: ApiDeps, user: User): Promise<TokenGrant> {
  return user.role === 'owner' ? { admin: true } : { admin: false, siteIds: await grantedSiteIds(deps.db, user.id) };
}

/**
 * The request's credential, in order: an Authorization header, the shared-link header, the
 * session cookie. The first one present decides; an invalid one is not passed over.
 */
export async function requestAccess(deps: ApiDeps, c: Context): Promise<AccessResult> {
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const token = bearerToken(authorization);
    const grant = token === null ? null : await verifyToken(deps.db, deps.config, token, deps.clock());
    return grant && { via: 'token', grant, token: token! };
  }
  const share = c.req.header(SHARE_HEADER);
  if (share !== undefined) {
    const link = await linkOfToken(deps.db, share.trim(), deps.clock());
    // A password-protected link reads nothing until its unlock cookie comes along.
    if (!link || !(await shareUnlocked(deps, c, link))) return null;
    return { via: 'share', grant: { admin: false, siteId: link.siteId, scopes: ['stats'] }, link };
  }
  const sessionId = readSessionCookie(deps, c);
  if (!sessionId) return null;
  if (!SAFE_METHODS.has(c.req.method) && !isSameOrigin(deps, c)) return { crossOrigin: true };
  const session = await sessionUser(deps.db, sessionId, deps.clock());
  if (!session) return null;
  if (session.refreshed) setSessionCookie(deps, c, sessionId);
  return { via: 'session', grant: await userGrant(deps, session.user), user: session.user, sessionId };
}

/** The grant of the request's credential, or null (also for a cross-origin cookie request). */
export async function requestGrant(deps: ApiDeps, c: Context): Promise<TokenGrant | null> {
  const access = await requestAccess(deps, c);
  return access && 'grant' in access ? access.grant : null;
}

export function unauthorized(c: Context): Response {
  return c.json({ error: UNAUTHORIZED }, 401);
}

export function crossOrigin(c: Context): Response {
  return c.json({ error: CROSS_ORIGIN }, 403);
}

export function badRequest(c: Context, message: string): Response {
  return c.json({ error: message }, 400);
}

/**
 * The answer to a request that presents a TELLER_ADMIN_TOKEN too short to be used (Workers
 * goes on collecting events with one): the operator learns why, everyone else gets the
 * usual 401 from the route itself.
 */
export function refusedAdminToken(deps: ApiDeps, c: Context): Response | null {
  const refused = deps.config.refusedAdminToken;
  if (!refused || bearerToken(c.req.header('authorization')) !== refused) return null;
  return c.json({ error: `${SHORT_ADMIN_TOKEN}; this one is refused until it is replaced by a longer one.` }, 401);
}
