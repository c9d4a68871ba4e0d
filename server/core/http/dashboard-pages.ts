/**
 * The dashboard's page paths, all answered with the same shell and security headers. A site
 * view's page (`/sites/:domain`, `/share/:token`) also starts the view's queries for its URL
 * (view-queries/first-draw.ts) where the runtime keeps them (early-answers.ts): they run
 * while the browser loads the page's files, and the page's batch, which the browser sends
 * with the page's cookie (EARLY_COOKIE), takes their answers.
 * @module
 */
import { Hono, type Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { isHttps } from '../auth/request-origin.ts';
import { linkOfToken } from '../auth/shared-links.ts';
import { EARLY_COOKIE, type SessionState, type SiteRef } from '../dashboard-api/contract.ts';
import { preloadPaths } from '../dashboard-api/preload.ts';
import { pageHeaders, shellHtml } from '../dashboard-api/shell.ts';
import { firstDrawQueries } from '../dashboard-api/view-queries/first-draw.ts';
import type { AppDeps } from './app-deps.ts';
import type { Access, ApiDeps } from './api-auth.ts';
import { answeredQuery, earlyHolder, type AnswerQuery } from './dashboard-queries.ts';
import { sessionStateAndAccess, type SessionDeps } from './dashboard-session.ts';
import { shareState } from './dashboard-share.ts';
import { EARLY_KEEP_MS } from './early-answers.ts';
import { errorAnswer } from './error-answer.ts';
import { SharedReads } from './reader-turns.ts';

/** Paths the shell answers; wrangler.toml's run_worker_first lists the same ones. */
export const PAGE_PATHS: readonly string[] = ['/', '/setup', '/account', '/users', '/sites/*', '/share/*'];

export type PageDeps = SessionDeps & ApiDeps & Pick<AppDeps, 'dashboardPreload' | 'earlyAnswers' | 'log'>;

type ViewAccess = Exclude<Access, { via: 'token' }>;

/** The site a page at `pathname` draws the site view of, as the page finds it in its state. */
function viewedSite(pathname: string, state: SessionState): SiteRef | null {
  const parts = pathname.split('/').filter(Boolean);
  if (parts.length !== 2) return null;
  if (parts[0] === 'share') return state.state === 'shared' ? state.site : null;
  if (parts[0] !== 'sites' || state.state !== 'in') return null;
  try {
    const domain = decodeURIComponent(parts[1]!);
    return state.sites.find((s) => s.domain === domain) ?? null;
  } catch {
    return null;
  }
}

/** `answer`: the Stats API's (stats-api.ts), counted against the same rate limit and fair share as the batch's. */
export function dashboardPages(deps: PageDeps, answer?: AnswerQuery): Hono {
  /** Starts the view's queries for `access`; the key the page sends back, or null. */
  const startView = (c: Context, access: ViewAccess, site: SiteRef, url: URL): string | null => {
    if (!deps.earlyAnswers || !answer) return null;
    const texts = firstDrawQueries(site, url.search, new Date(deps.clock())).map((q) => JSON.stringify(q));
    // As a batch's: the view's queries read the same site settings once (reader-turns.ts).
    const shared = new SharedReads();
    // Once the page's response is sent: the answers' first steps (reading the site, parsing)
    // do not hold up its HTML, and their c.json copies its headers instead of setting the page's.
    const run = (text: string) =>
      new Promise((resolve) => setTimeout(resolve, 0))
        .then(() => answer(c, access, text, shared))
        .catch((e: unknown) => errorAnswer(deps.log, c, e instanceof Error ? e : new Error(String(e))))
        .then(answeredQuery);
    return deps.earlyAnswers.start(earlyHolder(access), texts, run);
  };

  const page = async (c: Context, state: SessionState, embeddable: boolean, access: () => Promise<ViewAccess | null>): Promise<Response> => {
    const url = new URL(c.req.url);
    const preload = preloadPaths(await deps.dashboardPreload?.(), url, state, c.req.header('accept-language'));
    // A page in a frame (an embedded shared link) is cross-site to its top page: the browser
    // would never send the SameSite=Strict cookie back, so nothing is started nor set.
    const framed = /^(i?frame|embed|object)$/.test(c.req.header('sec-fetch-dest') ?? '');
    const site = deps.earlyAnswers && answer && !framed ? viewedSite(url.pathname, state) : null;
    const who = site && (await access());
    const early = site && who ? startView(c, who, site, url) : null;
    // The browser sends it with the page's batch, and with nothing else.
    if (early) setCookie(c, EARLY_COOKIE, early, { httpOnly: true, sameSite: 'Strict', path: '/api/dashboard/queries', secure: isHttps(deps, c), maxAge: EARLY_KEEP_MS / 1000 });
    c.res = c.body(shellHtml(state, preload), 200, pageHeaders(embeddable));
    return c.res;
  };
  /** The page's shell state, and its session's access read with it (the session is looked up once). */
  const signedInPage = async (c: Context, embeddable: boolean) => {
    const { state, access } = await sessionStateAndAccess(deps, c);
    return page(c, state, embeddable, async () => access);
  };
  const app = new Hono();
  // A shared link's site view and its Funnels page (read-only), answered alike.
  const shared = async (c: Context) => {
    const token = c.req.param('token')!;
    const state = await shareState(deps, c, token);
    const link = state?.state === 'shared' ? await linkOfToken(deps.db, token, deps.clock()) : null;
    const embeddable = link?.embeddable === true;
    const linkAccess = async (): Promise<ViewAccess | null> => link && { via: 'share', grant: { admin: false, siteId: link.siteId, scopes: ['stats'] }, link };
    return state ? page(c, state, embeddable, linkAccess) : signedInPage(c, embeddable);
  };
  app.get('/share/:token', shared);
  app.get('/share/:token/funnels', shared);
  for (const path of PAGE_PATHS) app.get(path, (c) => signedInPage(c, false));
  return app;
}
