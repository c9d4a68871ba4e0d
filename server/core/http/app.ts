/**
 * The Hono app both runtimes serve: built from its dependencies, so tests and each
 * runtime's entry point inject their own store, country lookup, clock and settings.
 * @module
 */
import { Hono, type Context } from 'hono';
import { isHttps } from '../auth/request-origin.ts';
import type { AppDeps } from './app-deps.ts';
import { refusedAdminToken } from './api-auth.ts';
import { collectRoutes } from './collect.ts';
import { dashboardPages } from './dashboard-pages.ts';
import { dashboardSession } from './dashboard-session.ts';
import { dashboardShare } from './dashboard-share.ts';
import { dashboardImports } from './dashboard-imports.ts';
import { dashboardSiteData } from './dashboard-site-data.ts';
import { dashboardSiteKeys } from './dashboard-site-keys.ts';
import { dashboardSites } from './dashboard-sites.ts';
import { dashboardTwoFactor } from './dashboard-two-factor.ts';
import { dashboardUsers } from './dashboard-users.ts';
import { errorAnswer } from './error-answer.ts';
import { funnelsApi } from './funnels-api.ts';
import { healthRoutes } from './health.ts';
import { importsApi } from './imports-api.ts';
import { dashboardImportList } from './dashboard-import-list.ts';
import { dashboardGoals } from './dashboard-goals.ts';
import { dashboardAlerts } from './dashboard-alerts.ts';
import { privacyRoutes } from './privacy-routes.ts';
import { reportRoutes } from './report-routes.ts';
import { importRoutes } from './import-routes.ts';
import { statsAnswers, statsApi } from './stats-api.ts';
import { wordpressApi } from './wordpress-api.ts';
import { StoreStatus } from './store-status.ts';

/** A year: browsers then keep to https for this host, as they should once it has TLS. */
const HSTS = 'max-age=31536000';

/**
 * Headers every answer gets: API answers (sessions, e-mails, statistics) are never stored
 * by a cache or read as another type; over TLS, browsers are told to keep to it.
 */
function securityHeaders(deps: AppDeps, c: Context): void {
  if (c.req.path.startsWith('/api/')) {
    if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
  }
  if (isHttps(deps, c)) c.header('Strict-Transport-Security', HSTS);
}

/** securityHeaders for an /api/ answer that sets no Cache-Control of its own, sent without Hono (Node's Events API path). */
export function apiSecurityHeaders(https: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (https) headers['strict-transport-security'] = HSTS;
  return headers;
}

/** `store` is shared with a runtime that also takes events outside Hono (Node's event-listener.ts). */
export function createApp(deps: AppDeps, store = new StoreStatus()): Hono {
  const app = new Hono();
  if (deps.config.refusedAdminToken) {
    app.use('/api/v1/*', async (c, next) => refusedAdminToken(deps, c) ?? next());
    app.use('/api/v2/*', async (c, next) => refusedAdminToken(deps, c) ?? next());
  }
  app.use('*', async (c, next) => {
    await next();
    securityHeaders(deps, c);
  });
  app.route('/', collectRoutes(deps, store));
  app.route('/', healthRoutes(deps, store));
  // Before the Stats API, which mounts the Sites API's admin-only `/api/v1/sites/*`.
  app.route('/', funnelsApi(deps));
  // One rate limit for the Stats API, the dashboard's batch and the site view's page, which starts the view's queries.
  const stats = statsAnswers(deps);
  app.route('/', statsApi(deps, stats));
  app.route('/', wordpressApi(deps));
  app.route('/', importsApi(deps));
  app.route('/', importRoutes(deps));
  app.route('/', privacyRoutes(deps));
  app.route('/', dashboardSession(deps));
  app.route('/', dashboardTwoFactor(deps));
  app.route('/', dashboardShare(deps));
  app.route('/', dashboardSites(deps));
  app.route('/', dashboardSiteKeys(deps));
  app.route('/', dashboardSiteData(deps));
  app.route('/', dashboardImports(deps));
  app.route('/', dashboardImportList(deps));
  app.route('/', dashboardGoals(deps));
  app.route('/', dashboardAlerts(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', dashboardUsers(deps));
  app.route('/', dashboardPages(deps, stats.answer));
  // Hono's default 404 is plain text; an API client gets JSON it can read like every other error.
  app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404) : c.text('Not Found', 404)));
  app.onError((error, c) => errorAnswer(deps.log, c, error));
  return app;
}
