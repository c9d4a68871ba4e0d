/**
 * The dashboard's page paths, all answered with the same shell and security headers.
 * @module
 */
import { Hono, type Context } from 'hono';
import { linkOfToken } from '../auth/shared-links.ts';
import type { SessionState } from '../dashboard-api/contract.ts';
import { preloadPaths } from '../dashboard-api/preload.ts';
import { pageHeaders, shellHtml } from '../dashboard-api/shell.ts';
import type { AppDeps } from './app-deps.ts';
import { sessionState, type SessionDeps } from './dashboard-session.ts';
import { shareState } from './dashboard-share.ts';

/** Paths the shell answers; wrangler.toml's run_worker_first lists the same ones. */
export const PAGE_PATHS: readonly string[] = ['/', '/setup', '/account', '/users', '/sites/*', '/share/*'];

export type PageDeps = SessionDeps & Pick<AppDeps, 'dashboardPreload'>;

export function dashboardPages(deps: PageDeps): Hono {
  const page = async (c: Context, state: SessionState, embeddable: boolean): Promise<Response> => {
    const preload = preloadPaths(await deps.dashboardPreload?.(), new URL(c.req.url), state, c.req.header('accept-language'));
    return c.body(shellHtml(state, preload), 200, pageHeaders(embeddable));
  };
  const app = new Hono();
  // A shared link's site view and its Funnels page (read-only), answered alike.
  const shared = async (c: Context) => {
    const token = c.req.param('token')!;
    const state = await shareState(deps, c, token);
    const embeddable = state?.state === 'shared' && (await linkOfToken(deps.db, token))?.embeddable === true;
    return page(c, state ?? (await sessionState(deps, c)), embeddable);
  };
  app.get('/share/:token', shared);
  app.get('/share/:token/funnels', shared);
  for (const path of PAGE_PATHS) app.get(path, async (c) => page(c, await sessionState(deps, c), false));
  return app;
}
