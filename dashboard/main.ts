/**
 * The dashboard's entry: asks the server what to show (first run, login, a shared link, or
 * a logged-in user) and draws the page the path names inside the frame. Each page's code is
 * a chunk of its own, loaded when a route first needs it (the first one beside the strings),
 * with pages.css if that code uses it; the page before stays until the next can be drawn at
 * once, styled. Every redraw first disposes of
 * the page before it, so no timer or listener outlives its page.
 * @module
 */
// The shell's and the site view's styles: app.css, which the shell page links, in the
// cascade's order. A stylesheet any other module imports goes to pages.css (dashboard/build.mjs),
// which a route whose code uses it names among its files: loaded after app.css, before that
// route is first drawn.
import './app.css';
import './site-view/site-view.css';
import './site-view/flags.css';
import 'uplot/dist/uPlot.min.css';
import './site-view/compare-chart.css';
import './site-view/imports.css';
import './site-view/details.css';
import './site-view/filters.css';
import './site-view/locations.css';
import './site-view/range.css';
import './site-view/realtime.css';
import { SESSION_META, type SessionState, type SiteSummary } from '../server/core/dashboard-api/contract.ts';
import { get, onUnauthorized, post, setShareToken } from './lib/api.ts';
import { h, replace } from './lib/dom.ts';
import { type Lang, lang, loadLang, setLang, t } from './lib/i18n.ts';
import { onNavigate } from './lib/router.ts';
import { type Theme, applyTheme, setTheme } from './lib/theme.ts';
import { fromAddress } from './lib/address-choices.ts';
import { errorText } from './lib/ui.ts';
import type { AppContext, Dispose } from './pages/app.ts';
import { LANG_SWITCH_ID, THEME_SWITCH_ID, layout } from './pages/layout.ts';
import { messagePage } from './pages/message.ts';
import { type Route, routeOf, shareHref } from './lib/route.ts';

/** Set by dashboard/build.mjs (JSON): each page's module → its chunk, the chunks that chunk imports and pages.css if it uses it. */
declare const __PAGE_CHUNKS__: string;
const PAGE_CHUNKS = JSON.parse(__PAGE_CHUNKS__) as Partial<Record<string, string[]>>;

/** Each page's code: one chunk per page (and the chunks it shares with others). */
const PAGES = {
  siteView: { module: 'site-view/index.ts', load: () => import('./site-view/index.ts') },
  sites: { module: 'pages/sites.ts', load: () => import('./pages/sites.ts') },
  account: { module: 'pages/account.ts', load: () => import('./pages/account.ts') },
  users: { module: 'pages/users.ts', load: () => import('./pages/users.ts') },
  settings: { module: 'pages/settings.ts', load: () => import('./pages/settings.ts') },
  funnels: { module: 'pages/funnels.ts', load: () => import('./pages/funnels.ts') },
  auth: { module: 'pages/auth.ts', load: () => import('./pages/auth.ts') },
  shareLocked: { module: 'pages/shared-links.ts', load: () => import('./pages/shared-links.ts') },
};
type PageName = keyof typeof PAGES;
type PageCode = { [K in PageName]: Awaited<ReturnType<(typeof PAGES)[K]['load']>> };

const loading = new Map<PageName, Promise<unknown>>();
const loaded: Partial<PageCode> = {};

const stylesheets = new Map<string, Promise<void>>();

/**
 * Links a stylesheet once, after app.css in the cascade; settles when it has loaded. A failed
 * one settles too (the page is drawn, plainer, rather than not at all) and is linked afresh
 * by the next page that names it.
 */
function stylesheet(href: string): Promise<void> {
  let pending = stylesheets.get(href);
  if (!pending) {
    const link = h('link', { rel: 'stylesheet', href });
    pending = new Promise<void>((resolve) => {
      link.addEventListener('load', () => resolve());
      link.addEventListener('error', () => {
        link.remove();
        stylesheets.delete(href);
        resolve();
      });
    });
    stylesheets.set(href, pending);
    document.head.append(link);
  }
  return pending;
}

/**
 * Asks for all of a page's files at once (left to itself, the browser would find the chunks
 * the page's chunk imports only once that chunk has arrived); settles when its stylesheet has.
 */
function preload(name: PageName): Promise<unknown> {
  const styles: Array<Promise<void>> = [];
  for (const file of PAGE_CHUNKS[PAGES[name].module] ?? []) {
    const href = new URL(file, import.meta.url).href;
    if (file.endsWith('.css')) styles.push(stylesheet(href));
    else document.head.append(h('link', { rel: 'modulepreload', href }));
  }
  return Promise.all(styles);
}

/**
 * Loads a page's code and styles once, so the page is never drawn unstyled; a failed load of
 * the code (the network) is tried again on the next draw.
 */
function loadPage(name: PageName | null): Promise<unknown> {
  if (name === null) return Promise.resolve();
  let pending = loading.get(name);
  if (!pending) {
    const styled = preload(name);
    pending = Promise.all([PAGES[name].load(), styled]).then(([module]) => {
      Object.assign(loaded, { [name]: module });
    });
    pending.catch(() => loading.delete(name));
    loading.set(name, pending);
  }
  return pending;
}

/** A page's code, which `draw` loaded before drawing. */
function code<K extends PageName>(name: K): PageCode[K] {
  const module = loaded[name];
  if (!module) throw new Error(`the ${name} page was drawn before its code loaded`);
  return module;
}

/** The page whose code `drawRoute` needs for `route` in `state`; null when the entry draws it alone. */
function pageOf(route: Route, state: SessionState): PageName | null {
  if (route.name === 'share') return state.state === 'shared' ? (route.funnels ? 'funnels' : 'siteView') : state.state === 'share-locked' ? 'shareLocked' : null;
  if (state.state !== 'in') return 'auth';
  const owner = state.user.role === 'owner';
  switch (route.name) {
    case 'setup':
    case 'sites':
      return 'sites';
    case 'add-site':
      return owner ? 'sites' : null;
    case 'account':
      return 'account';
    case 'users':
      return owner ? 'users' : null;
    case 'settings':
      return owner ? 'settings' : null;
    case 'site':
      return 'siteView';
    case 'funnels':
      return 'funnels';
    default:
      return null;
  }
}

const root = document.getElementById('app') ?? document.body;
let session: SessionState = { state: 'login' };
let dispose: Dispose | undefined;
/** The route drawn last: the site view keeps its own query string, so only a new path redraws it. */
let drawn: Route | null = null;
let drawnUrl = '';
/** False until the first page is drawn: the first load keeps the browser's own focus. */
let navigated = false;
/** Counts draws, so a page whose data arrives after the next draw does not draw itself. */
let generation = 0;

function stopPage(): void {
  dispose?.();
  dispose = undefined;
}

function frame(current?: 'sites' | 'users' | 'account'): HTMLElement {
  const user = session.state === 'in' ? session.user : undefined;
  return layout(root, {
    user,
    current,
    onLang: (next: Lang) => {
      void setLang(next).then(() => draw(true, LANG_SWITCH_ID));
    },
    onTheme: (next: Theme) => {
      setTheme(next);
      draw(true, THEME_SWITCH_ID);
    },
    onLogout: user ? logout : undefined,
    embedded: fromAddress.embed,
  });
}

async function logout(): Promise<void> {
  try {
    await post('/api/dashboard/logout');
  } catch {
    // The session may already be gone; the login page is right either way.
  }
  session = { state: 'login' };
  if (location.pathname + location.search !== '/') history.pushState(null, '', '/');
  draw(true);
}

function signedIn(next: SessionState): void {
  session = next;
  // The setup address carries the code: once used it leaves the address bar and the history entry.
  if (location.pathname.startsWith('/setup')) history.replaceState(null, '', '/');
  draw(true);
}

function context(): AppContext {
  if (session.state !== 'in') throw new Error('not signed in');
  return {
    user: session.user,
    loadSites: async () => (await get<{ sites: SiteSummary[] }>('/api/dashboard/sites')).sites,
  };
}

async function drawSiteView(main: HTMLElement, domain: string, app: AppContext): Promise<void> {
  // The sites the session reads came with it; after adding or removing one, ask again.
  const known = session.state === 'in' ? session.sites.some((s) => s.domain === domain) : false;
  if (!known) {
    const drawing = generation;
    session = await get<SessionState>('/api/dashboard/session');
    // Another page was drawn while the state loaded: this one is no longer wanted.
    if (drawing !== generation) return;
  }
  const sites = session.state === 'in' ? session.sites : [];
  const site = sites.find((s) => s.domain === domain);
  if (!site) {
    messagePage(main, t('error.siteMissing.title'), t('error.siteMissing.body', { domain }));
    return;
  }
  dispose = code('siteView').renderSiteView(main, {
    site,
    sites: sites.map((s) => s.domain),
    mode: app.user.role,
    showVisits: true,
    basePath: `/sites/${encodeURIComponent(domain)}`,
  });
}

function drawShared(token: string, funnels = false): void {
  const main = frame();
  if (session.state === 'share-locked') {
    code('shareLocked').renderShareLocked(main, signedIn);
    return;
  }
  if (session.state === 'share-revoked') {
    messagePage(main, t('share.revoked.title'), t('share.revoked.body'), false);
    return;
  }
  if (session.state !== 'shared') {
    messagePage(main, t('error.shareGone.title'), t('error.shareGone.body'), false);
    return;
  }
  if (funnels) {
    dispose = code('funnels').renderFunnels(main, session.site.domain, [session.site], false, shareHref(token));
    return;
  }
  dispose = code('siteView').renderSiteView(main, {
    site: session.site,
    sites: [session.site.domain],
    mode: 'shared',
    showVisits: session.showVisits,
    basePath: shareHref(token),
  });
}

async function drawSignedIn(route: Route): Promise<void> {
  const app = context();
  const owner = app.user.role === 'owner';
  const main = frame(route.name === 'users' || route.name === 'account' ? route.name : 'sites');
  switch (route.name) {
    case 'setup':
      // The owner exists: the setup address has nothing left to do.
      history.replaceState(null, '', '/');
      dispose = code('sites').renderSites(main, app);
      return;
    case 'sites':
      dispose = code('sites').renderSites(main, app);
      return;
    case 'account':
      dispose = code('account').renderAccount(main);
      return;
    case 'add-site':
      dispose = owner ? code('sites').renderAddSite(main) : messagePage(main, t('error.ownerOnly.title'), t('error.ownerOnly.body'));
      return;
    case 'users':
      dispose = owner ? code('users').renderUsers(main, app) : messagePage(main, t('error.ownerOnly.title'), t('error.ownerOnly.body'));
      return;
    case 'settings':
      dispose = owner ? code('settings').renderSettings(main, route.domain) : messagePage(main, t('error.ownerOnly.title'), t('error.ownerOnly.body'));
      return;
    case 'site':
      await drawSiteView(main, route.domain, app);
      return;
    case 'funnels':
      dispose = code('funnels').renderFunnels(main, route.domain, session.state === 'in' ? session.sites : [], owner);
      return;
    default:
      messagePage(main, t('error.notFound.title'), t('error.notFound.body'));
  }
}

function drawRoute(route: Route): Promise<void> {
  if (route.name === 'share') drawShared(route.token, route.funnels);
  else if (session.state === 'setup') dispose = code('auth').renderSetup(frame(), signedIn, route.name === 'setup' ? route.code : '');
  else if (session.state !== 'in') dispose = code('auth').renderLogin(frame(), signedIn, session);
  else return drawSignedIn(route);
  return Promise.resolve();
}

/**
 * Draws the page for the current URL; `force` redraws even when only the query changed.
 * Focus goes to `focusId` when given (the switch just used), else to `<main>` after an
 * in-app navigation, so a screen reader starts at the new page.
 */
function draw(force = false, focusId?: string): void {
  const route = routeOf(location.pathname, location.search);
  const url = location.pathname + location.search;
  // A change of the hash alone (the skip link, a section link) is no new page.
  if (!force && url === drawnUrl) return;
  drawnUrl = url;
  if (!force && drawn && route.name === 'site' && drawn.name === 'site' && route.domain === drawn.domain) return;
  drawn = route;
  generation += 1;
  const drawing = generation;
  // The page before stays until this one's code is here: no empty frame in between.
  loadPage(pageOf(route, session)).then(
    () => {
      if (drawing !== generation) return;
      stopPage();
      document.documentElement.lang = lang();
      drawRoute(route).catch((error: unknown) => messagePage(frame(), t('error.load.title'), errorText(error)));
      if (focusId) document.getElementById(focusId)?.focus();
      else if (navigated && !document.getElementById('main')?.contains(document.activeElement)) document.getElementById('main')?.focus({ preventScroll: true });
      navigated = true;
    },
    (error: unknown) => {
      if (drawing !== generation) return;
      stopPage();
      messagePage(frame(), t('error.load.title'), errorText(error));
    },
  );
}

/** After a 401: if the session (or link) is gone, draw what the server now says to show. */
let rechecking = false;
async function recheckSession(): Promise<void> {
  if (rechecking) return;
  rechecking = true;
  try {
    const next = await get<SessionState>('/api/dashboard/session');
    if (next.state !== session.state) {
      session = next;
      draw(true);
    }
  } catch {
    // Unreachable server: the page already shows the failed request's error.
  } finally {
    rechecking = false;
  }
}

/** The session state the server wrote into the page (SESSION_META), if it did. */
function pageSession(): SessionState | null {
  const content = document.querySelector(`meta[name="${SESSION_META}"]`)?.getAttribute('content');
  if (!content) return null;
  try {
    return JSON.parse(content) as SessionState;
  } catch {
    return null;
  }
}

async function start(): Promise<void> {
  applyTheme();
  const route = routeOf(location.pathname, location.search);
  setShareToken(route.name === 'share' ? route.token : null);
  try {
    // The page carries its session state; the strings and the page's code load beside the
    // entry's own files. A failure shows below, or when draw asks for the code again.
    const state = pageSession() ?? get<SessionState>('/api/dashboard/session');
    void Promise.resolve(state)
      .then((known) => loadPage(pageOf(route, known)))
      .catch(() => undefined);
    [session] = await Promise.all([state, loadLang()]);
  } catch (error) {
    await loadLang();
    replace(root, h('main', { id: 'main' }, h('h1', null, t('error.load.title')), h('p', null, errorText(error))));
    return;
  }
  onUnauthorized(() => void recheckSession());
  onNavigate(() => draw());
  draw();
}

void start();
