/**
 * For the dashboard's browser tests: a real Teller server (SQLite file in a temporary
 * directory, trusting one proxy so tests can name a visitor's address in X-Forwarded-For)
 * serving the freshly built tracker and dashboard, Debian's Chromium, and helpers to get
 * an owner, log in, open pages at a viewport and colour scheme, send events and keep
 * screenshots (test/screenshots/, git-ignored) for a person to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { onTestFinished } from 'vitest';
import { buildDashboard } from '../../dashboard/build.mjs';
import { catalogue as english } from '../../dashboard/i18n/en.ts';
import { buildTracker } from '../../tracker/build.mjs';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { chromeUserAgent, launchChromium, waitFor } from './browser.ts';

export { waitFor };

export const OWNER = { email: 'owner@example.com', password: 'correct horse battery staple' };
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', 'screenshots');

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 812 };

export interface PageOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** The browser's language (the dashboard picks bokmål for nb/nn/no). */
  locale?: string;
}

/** The screenshots every screen is looked at in: light and dark, a desktop and a 375 px phone, bokmål. */
export const SCREEN_VARIANTS: ReadonlyArray<readonly [string, PageOptions]> = [
  ['desktop-light', { viewport: DESKTOP, colorScheme: 'light' }],
  ['desktop-dark', { viewport: DESKTOP, colorScheme: 'dark' }],
  ['phone-light', { viewport: PHONE, colorScheme: 'light' }],
  ['nb-phone-dark', { viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' }],
];

export interface DashboardHarness {
  server: TestServer;
  browser: Browser;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** A fresh context (own cookies and storage) and a page in it. */
  newPage(options?: PageOptions): Promise<Page>;
  /** Creates the owner through the API when the database is fresh (idempotent within a run). */
  ensureOwner(): Promise<void>;
  /** Logs the page's context in through the API (the cookie lands in the context), then opens `path`. */
  loginAs(page: Page, credentials: { email: string; password: string }, path?: string): Promise<void>;
  /** A page logged in as the owner at `path`. */
  ownerPage(path?: string, options?: PageOptions): Promise<Page>;
  /** Sends a pageview for `domain` as an ordinary Chrome visitor at `ip`. */
  sendPageview(domain: string, path?: string, ip?: string): Promise<Response>;
  /**
   * Sends an event (`body` in the Events API's short form, a pageview unless it names `n`)
   * for `domain` from `ip` with `userAgent`; throws unless it was counted (202, nothing dropped).
   */
  sendEvent(domain: string, visitor: { ip: string }, userAgent: string, body: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/**
 * `clock`: the server's time in ms (a test that needs yesterday's events moves it);
 * `addPublic`: writes more built files (the plugin zip) before the server reads them;
 * `env`: TELLER_* variables for the server (e.g. TELLER_SMTP_URL).
 */
export async function startDashboard(options: { clock?: () => number; addPublic?: (publicDir: string) => void; env?: Record<string, string> } = {}): Promise<DashboardHarness> {
  const publicDir = await mkdtemp(join(tmpdir(), 'teller-dashboard-public-'));
  await buildTracker({ outDir: publicDir, quiet: true });
  await buildDashboard({ outDir: publicDir, quiet: true });
  options.addPublic?.(publicDir);
  const quietLog = { info: () => {}, warn: () => {}, error: (m: string) => console.error(m) };
  const [server, browser] = await Promise.all([
    startTestServer({ publicDir, log: quietLog as never, config: { trustProxy: 1 }, ...(options.clock ? { clock: options.clock } : {}), ...(options.env ? { env: options.env } : {}) }),
    launchChromium(),
  ]);
  const contexts: BrowserContext[] = [];
  let ownerExists = false;

  const newPage = async ({ viewport = DESKTOP, colorScheme = 'light', locale = 'en-GB' }: PageOptions = {}) => {
    const context = await browser.newContext({ userAgent: chromeUserAgent(browser), viewport, colorScheme, locale });
    contexts.push(context);
    // Opened by a test: closed when it ends, since pages left open (a renderer each, some of
    // them polling) slowed a file's later tests. One opened by a hook lives until close().
    try {
      onTestFinished(() => context.close().catch(() => {}));
    } catch {
      // Not inside a test.
    }
    return context.newPage();
  };

  const postJson = (page: Page, path: string, data: unknown) =>
    page.context().request.post(`${server.url}${path}`, { data, headers: { origin: server.url }, failOnStatusCode: false });

  const ensureOwner = async () => {
    if (ownerExists) return;
    const res = await fetch(`${server.url}/api/dashboard/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ ...OWNER, password2: OWNER.password, code: server.setupCode }),
    });
    if (res.status !== 200 && res.status !== 409) throw new Error(`owner setup answered ${res.status}: ${await res.text()}`);
    ownerExists = true;
  };

  const loginAs = async (page: Page, credentials: { email: string; password: string }, path = '/') => {
    const res = await postJson(page, '/api/dashboard/login', credentials);
    if (!res.ok()) throw new Error(`login as ${credentials.email} answered ${res.status()}: ${await res.text()}`);
    await page.goto(`${server.url}${path}`);
  };

  return {
    server,
    browser,
    url: server.url,
    newPage,
    ensureOwner,
    loginAs,
    async ownerPage(path = '/', options = {}) {
      await ensureOwner();
      const page = await newPage(options);
      await loginAs(page, OWNER, path);
      return page;
    },
    sendPageview(domain, path = '/', ip = '84.208.20.110') {
      return fetch(`${server.url}/api/event`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': chromeUserAgent(browser), 'x-forwarded-for': ip },
        body: JSON.stringify({ n: 'pageview', u: `https://${domain}${path}`, d: domain, w: 1440 }),
      });
    },
    async sendEvent(domain, visitor, userAgent, body) {
      const res = await fetch(`${server.url}/api/event`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': userAgent, 'x-forwarded-for': visitor.ip },
        body: JSON.stringify({ d: domain, w: 1440, n: 'pageview', ...body }),
      });
      const dropped = res.headers.get('x-teller-dropped');
      if (res.status !== 202 || dropped !== null) throw new Error(`event for ${domain} not counted: ${res.status} ${dropped ?? ''}`);
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close().catch(() => {})));
      await browser.close();
      await server.stop();
      await rm(publicDir, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page PNG as test/screenshots/<name>.png, for a person to judge. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  const at = await page.evaluate(() => [window.scrollX, window.scrollY] as const);
  // A full-page shot does not scroll, so lazy images below the fold (the flags of Recent visits)
  // would show as empty boxes no visitor ever sees: they are loaded first, for at most 2 s.
  await page.evaluate(async () => {
    const lazy = [...document.querySelectorAll<HTMLImageElement>('img[loading="lazy"]')];
    for (const img of lazy) img.loading = 'eager';
    const loaded = lazy.filter((img) => !img.complete).map((img) => new Promise((done) => {
      img.addEventListener('load', done, { once: true });
      img.addEventListener('error', done, { once: true });
    }));
    await Promise.race([Promise.all(loaded), new Promise((done) => setTimeout(done, 2000))]);
  });
  await page.screenshot({ path, fullPage: true });
  // A full-page shot lays the page out at its whole height and back, and scroll anchoring can
  // leave it some pixels off (seen under load): the page is left where the test had it.
  await page.evaluate(([x, y]) => {
    if (window.scrollX !== x || window.scrollY !== y) window.scrollTo(x, y);
  }, at);
  return path;
}

/** Runs axe-core in the page; returns the serious and critical violations, described. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the dashboard's CSP rightly refuses an inline <script>.
  await page.evaluate(readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.targets.slice(0, 3).join(', ')}`);
}

/**
 * Catalogue keys showing on the page (text, labels, placeholders, titles): a string that
 * was never translated, or a key missing from the language shown.
 */
export async function rawKeysOnPage(page: Page): Promise<string[]> {
  const shown = await page.evaluate(() => {
    const attributes = [...document.querySelectorAll('[aria-label],[placeholder],[title]')].flatMap((el) =>
      ['aria-label', 'placeholder', 'title'].map((name) => el.getAttribute(name) ?? ''),
    );
    return [document.body.innerText, document.title, ...attributes].join('\n');
  });
  return Object.keys(english).filter((key) => new RegExp(`(^|[^\\w.])${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w.])`).test(shown));
}
