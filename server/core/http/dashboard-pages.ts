/**
 * The dashboard's page paths, all answered with the same shell and security headers.
 * @module
 */
import { Hono, type Context } from 'hono';
import { linkOfToken } from '../auth/shared-links.ts';
import { pageHeaders, SHELL_HTML } from '../dashboard/shell.ts';
import type { AppDeps } from '../ports.ts';

/** Paths the shell answers; wrangler.toml's run_worker_first lists the same ones. */
export const PAGE_PATHS: readonly string[] = ['/', '/users', '/sites/*', '/share/*'];

function page(c: Context, embeddable: boolean): Response {
  return c.body(SHELL_HTML, 200, pageHeaders(embeddable));
}

export function dashboardPages(deps: Pick<AppDeps, 'db'>): Hono {
  const app = new Hono();
  app.get('/share/:token', async (c) => {
    const link = await linkOfToken(deps.db, c.req.param('token'));
    return page(c, link?.embeddable === true);
  });
  for (const path of PAGE_PATHS) app.get(path, (c) => page(c, false));
  return app;
}
