/**
 * Which `/api/v1/sites/:domain/…` routes a site token may call, and with which scope
 * (tokens.ts SCOPES); every other route under `/api/v1/sites` stays for admin credentials.
 * One table, read by the guard each of those routes' modules puts in front of them, so a
 * route added later is admin-only until it is listed here.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import { findSite } from '../sites.ts';
import { mayUse, type Scope } from '../tokens.ts';
import { type ApiDeps, requestGrant, unauthorized } from './api-auth.ts';

const SITE = String.raw`^/api/v1/sites/([^/]+)`;

/** Method, path below the site, scope. HEAD is answered as GET. */
const SCOPED_ROUTES: ReadonlyArray<readonly [string, RegExp, Scope]> = [
  ['GET', new RegExp(`${SITE}/privacy-text$`), 'privacy'],
  ['POST', new RegExp(`${SITE}/shared-link$`), 'share'],
  ['POST', new RegExp(`${SITE}/proxy-secret$`), 'proxy'],
  ['DELETE', new RegExp(`${SITE}/proxy-secret$`), 'proxy'],
  ['POST', new RegExp(`${SITE}/imports/wp-statistics$`), 'import'],
  ['GET', new RegExp(`${SITE}/imports$`), 'import'],
  ['DELETE', new RegExp(`${SITE}/imports/[^/]+$`), 'import'],
];

function decoded(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** The scope a site token needs for this request and the domain it names, or null when the route is admin-only. */
export function routeScope(method: string, path: string): { scope: Scope; domain: string } | null {
  const verb = method === 'HEAD' ? 'GET' : method;
  for (const [routeMethod, pattern, scope] of SCOPED_ROUTES) {
    const match = routeMethod === verb ? pattern.exec(path) : null;
    const domain = match ? decoded(match[1]!) : null;
    if (domain !== null) return { scope, domain };
  }
  return null;
}

/** True when the request's credential is an admin's, or a site token with the route's scope for the site the path names. */
export async function mayCallSiteRoute(deps: ApiDeps, c: Context): Promise<boolean> {
  const grant = await requestGrant(deps, c);
  if (!grant) return false;
  if (grant.admin) return true;
  const route = routeScope(c.req.method, c.req.path);
  if (!route) return false;
  const site = await findSite(deps.db, route.domain);
  return site !== null && mayUse(grant, site.id, route.scope);
}

/** Middleware: the next handler when mayCallSiteRoute, else 401 (also for a site that does not exist, so none leaks). */
export function siteRouteGuard(deps: ApiDeps): MiddlewareHandler {
  return async (c, next) => ((await mayCallSiteRoute(deps, c)) ? next() : unauthorized(c));
}
