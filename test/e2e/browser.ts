/**
 * Shared by the browser tests (test/tracker/*.browser.test.ts, test/e2e): Debian's Chromium
 * driven by playwright-core, and a second origin that serves the tracked test pages.
 *
 * The browser looks like an ordinary visitor's, so Teller's bot filter (which the tests
 * never relax) lets it through: a plain Chrome user agent instead of `HeadlessChrome`, and
 * `--disable-blink-features=AutomationControlled` so `navigator.webdriver` is false
 * (browser.test.ts checks both). Pages live on `*.test` host names that Chromium resolves
 * to 127.0.0.1, because the tracker ignores localhost.
 */
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TELLER_CHROMIUM ?? '/usr/bin/chromium';

/** Desktop Chrome on Linux, of the engine's own version, as Chrome itself would say it. */
export function chromeUserAgent(browser: Browser): string {
  const major = browser.version().split('.')[0];
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

/** `executablePath`: another way to start the same Chromium (bench/dashboard.ts pins it to one core). */
export async function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    // `npm test` runs scripts/ensure-chromium.mjs first; a direct `vitest run` does not.
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}: run \`node scripts/ensure-chromium.mjs\` (or set TELLER_CHROMIUM)`,
    );
  }
  // launch() gives the browser a fresh temporary profile and deletes it on close.
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--host-resolver-rules=MAP *.test 127.0.0.1',
      '--disable-blink-features=AutomationControlled',
    ],
  });
}

export interface PrivacySignals {
  /** navigator.globalPrivacyControl === true */
  gpc?: boolean;
  /** navigator.doNotTrack === '1' */
  dnt?: boolean;
  /** navigator.webdriver === true, as in an automated browser that does not hide it */
  webdriver?: boolean;
}

/**
 * A fresh context (own storage) with an ordinary user agent. The signals are set in the
 * page only, by init scripts, never as request headers: the tests must show that the
 * tracker itself sends nothing, not that the server drops what it was sent.
 */
export async function newVisitor(browser: Browser, signals: PrivacySignals = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ userAgent: chromeUserAgent(browser), locale: 'en-GB' });
  const overrides: Array<[string, unknown]> = [];
  if (signals.gpc) overrides.push(['globalPrivacyControl', true]);
  if (signals.dnt) overrides.push(['doNotTrack', '1']);
  if (signals.webdriver) overrides.push(['webdriver', true]);
  if (overrides.length) {
    await context.addInitScript((pairs: Array<[string, unknown]>) => {
      for (const [name, value] of pairs) Object.defineProperty(Navigator.prototype, name, { get: () => value, configurable: true });
    }, overrides);
  }
  return context;
}

/** A tiny site on a second origin: pages registered by path, served to any `*.test` host. */
export interface PageServer {
  port: number;
  /** `http://<host>:<port>`; the host must end in `.test`. */
  origin(host?: string): string;
  /** Serves `body` at `path` (HTML unless another content type is given). */
  page(path: string, body: string, contentType?: string): void;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const pages = new Map<string, { body: string; contentType: string }>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const page = pages.get(path);
    if (page === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': page.contentType, 'cache-control': 'no-store' }).end(page.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: (host = 'shop.test') => `http://${host}:${port}`,
    page: (path, body, contentType = 'text/html; charset=utf-8') => void pages.set(path, { body, contentType }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HTML page embedding a script tag with the given attributes. */
export function htmlPage({ head = '', body = '', lang = 'en' }: { head?: string; body?: string; lang?: string }): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Test page</title>${head}</head><body>${body}</body></html>`;
}

/** Polls until `check` returns a value other than undefined/false, or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
