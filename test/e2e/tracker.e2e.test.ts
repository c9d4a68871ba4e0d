/**
 * End to end: a test site on a second origin (`*.test`, resolved to 127.0.0.1 by Chromium)
 * embeds the snippet; Debian's Chromium visits it; the real Teller server (startServer,
 * SQLite file, real collector with its bot filter untouched) stores what arrives; the
 * assertions read the database.
 *
 * "Nothing stored" is proved twice: in the browser, no event request was made before a
 * later marker request; in the database, no row for the page, checked only after a
 * positive event sent afterwards has been stored.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../../server/core/sites.ts';
import { type RunningServer, startServer } from '../../server/node/server.ts';
import { buildTracker } from '../../tracker/build.mjs';
import { type PageServer, type PrivacySignals, chromeUserAgent, htmlPage, launchChromium, newVisitor, startPageServer, waitFor } from './browser.ts';

const DOMAIN = 'shop.test';

let dir: string;
let teller: RunningServer;
let siteId: number;
let browser: Browser;
let site: PageServer;
let plausibleBundle: string;
const contexts: BrowserContext[] = [];
/** Every response Teller gave the browser, with all headers (Set-Cookie included). */
const tellerResponses: Array<{ url: string; headers: Record<string, string> }> = [];
/** Header reads still under way; settled before a context closes, which would cut them off. */
const pendingHeaders: Array<Promise<void>> = [];
/** Responses whose headers could not be read: the Set-Cookie check fails if there is one. */
const unread: string[] = [];
/**
 * Set while a test's contexts close: a page leaving sends its last event then, and the answer
 * can arrive as its context goes, too late to read. Those are not counted as unread; every
 * route they could be from is read on the other responses (the check below names them).
 */
let closing = false;
/** Why the collector dropped an event, when it did: a test expecting a row fails with the reason. */
const drops: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'teller-e2e-'));
  const publicDir = join(dir, 'public');
  await buildTracker({ outDir: publicDir, quiet: true });
  const quietLog = { info: () => {}, warn: () => {}, error: (m: string) => console.error(m) };
  [teller, browser, site] = await Promise.all([
    startServer({ dbPath: join(dir, 'teller.db'), port: 0, publicDir, log: quietLog }),
    launchChromium(),
    startPageServer(),
  ]);
  siteId = (await createSite(teller.db, { domain: DOMAIN }, Date.now())).id;
  // The official Plausible npm tracker, bundled for the page the way a site's build would.
  const bundled = await build({
    stdin: {
      contents: `import { init, track } from '@plausible-analytics/tracker';
        init({ domain: ${JSON.stringify(DOMAIN)}, endpoint: document.currentScript.dataset.endpoint });
        window.plausibleTrack = track;`,
      resolveDir: process.cwd(),
    },
    bundle: true,
    format: 'iife',
    write: false,
  });
  plausibleBundle = bundled.outputFiles[0]!.text;
});
afterEach(async () => {
  await Promise.all(pendingHeaders.splice(0));
  closing = true;
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  await Promise.all(pendingHeaders.splice(0));
  closing = false;
});
afterAll(async () => {
  await Promise.all([browser?.close(), site?.close()]);
  await teller?.close();
  await rm(dir, { recursive: true, force: true });
});

const endpoint = () => `${teller.url}/api/event`;
const snippet = (file = 'script.js', attrs = '') => `<script defer data-domain="${DOMAIN}" ${attrs} src="${teller.url}/${file}"></script>`;

/** A visitor's browser, watched: Teller's responses and the fate of every event request. */
async function visitor(signals: PrivacySignals = {}): Promise<BrowserContext> {
  const context = await newVisitor(browser, signals);
  contexts.push(context);
  context.on('response', (response) => {
    if (!response.url().startsWith(teller.url)) return;
    pendingHeaders.push(
      response.allHeaders().then(
        (headers) => {
          if (headers['x-teller-dropped']) drops.push(`${response.url()}: ${headers['x-teller-dropped']}`);
          tellerResponses.push({ url: response.url(), headers });
        },
        (error: unknown) => {
          if (closing && /has been closed/.test(String(error))) return;
          unread.push(`${response.url()}: ${String(error)}`);
        },
      ),
    );
  });
  return context;
}

async function open(context: BrowserContext, path: string, html: string, host = DOMAIN): Promise<Page> {
  site.page(new URL(path, 'http://x').pathname, html);
  const page = await context.newPage();
  await page.goto(site.origin(host) + path);
  return page;
}

interface Row {
  id: number;
  name: string;
  hostname: string;
  path: string;
  referrer: string | null;
  source: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
}

/** Events stored for pages under `prefix`, oldest first, with their visit's attributes. */
const stored = (prefix: string) =>
  teller.db.all<Row>(
    `SELECT e.id, e.name, e.hostname, e.path, v.referrer, v.source, v.browser, v.os, v.device
       FROM events e JOIN visits v ON v.id = e.visit_id
      WHERE e.site_id = ? AND substr(e.path, 1, ?) = ? ORDER BY e.id`,
    [siteId, prefix.length, prefix],
  );

const propsOf = async (eventId: number) =>
  Object.fromEntries(
    (await teller.db.all<{ key: string; value: string }>('SELECT key, value FROM event_props WHERE event_id = ?', [eventId])).map(
      (r) => [r.key, r.value],
    ),
  );

/** Waits until `count` events are stored under `prefix` (and fails at once on more). */
const storedCount = (prefix: string, count: number) =>
  waitFor(`${count} stored event(s) under ${prefix} (drops so far: ${drops.join('; ') || 'none'})`, async () => {
    const rows = await stored(prefix);
    expect(rows.length, `events under ${prefix}`).toBeLessThanOrEqual(count);
    return rows.length === count && rows;
  });

/**
 * Every event request the page makes while `run` runs and until a later marker request,
 * and waits for each to be answered: afterwards the database holds all of them (the
 * collector answers 202 only once an event is durable).
 */
async function eventRequests(page: Page, run: () => Promise<unknown>): Promise<Request[]> {
  const seen: Request[] = [];
  const onRequest = (request: Request) => seen.push(request);
  page.on('request', onRequest);
  // The browser reports requests in the order the page makes them, but later than the
  // server may see them: only what comes between two markers belongs to `run`.
  const mark = async () => {
    const marker = `${site.origin()}/marker-${Math.random().toString(36).slice(2)}`;
    await page.evaluate((url) => void fetch(url).catch(() => {}), marker);
    await waitFor('a marker request', () => seen.some((r) => r.url() === marker));
    return seen.findIndex((r) => r.url() === marker);
  };
  try {
    const from = page.url().startsWith('http') ? await mark() : 0;
    await run();
    const to = await mark();
    const events = seen.slice(from, to).filter((r) => r.url() === endpoint());
    await Promise.all(events.map((r) => r.response()));
    return events;
  } finally {
    page.off('request', onRequest);
  }
}

describe('tracker → Teller → SQLite, in Chromium', () => {
  it('stores the pageview with the right page, referrer and browser', async () => {
    const context = await visitor();
    site.page('/t1/products/shoes', htmlPage({ head: snippet() }));
    // The visitor arrives by a link on another site that lets its full URL through.
    const page = await open(
      context,
      '/story',
      htmlPage({ head: '<meta name="referrer" content="unsafe-url">', body: `<a id="go" href="${site.origin()}/t1/products/shoes?color=red">shoes</a>` }),
      'news.test',
    );
    await page.click('#go');
    const [row] = await storedCount('/t1/', 1);
    expect(row).toMatchObject({
      name: 'pageview',
      hostname: DOMAIN,
      path: '/t1/products/shoes',
      referrer: 'news.test/story',
      source: 'news.test',
      // The user agent string says Chrome, but Chromium's Client Hints name the engine's
      // own brand, and the collector rightly believes them; 1280 px wide is a laptop.
      browser: 'Chromium',
      device: 'Laptop',
    });
    expect(row!.os).toMatch(/Linux/);
  });

  it('adds exactly two pageviews for two client-side navigations', async () => {
    const page = await open(await visitor(), '/t2/app', htmlPage({ head: snippet() }));
    await storedCount('/t2/', 1);
    const sent = await eventRequests(page, () =>
      page.evaluate(() => {
        history.pushState({}, '', '/t2/app/cart');
        history.replaceState({ step: 1 }, '', '/t2/app/cart'); // same path: not a new page
        history.pushState({}, '', '/t2/app/checkout');
      }),
    );
    expect(sent.map((r) => (JSON.parse(r.postData() ?? '{}') as { u: string }).u)).toEqual([`${site.origin()}/t2/app/cart`, `${site.origin()}/t2/app/checkout`]);
    const rows = await storedCount('/t2/', 3);
    // Stored as they arrived: the two sent together, each on its own request, in either order.
    expect(rows.map((r) => [r.name, r.path]).sort()).toEqual([
      ['pageview', '/t2/app'],
      ['pageview', '/t2/app/cart'],
      ['pageview', '/t2/app/checkout'],
    ]);
  });

  it('stores a custom event with its props', async () => {
    const page = await open(await visitor(), '/t3/pricing', htmlPage({ head: snippet() }));
    await storedCount('/t3/', 1);
    const status = await page.evaluate(
      () => new Promise((resolve) => window.teller!('Signup', { props: { plan: 'pro', seats: 3 }, callback: resolve })),
    );
    expect(status).toEqual({ status: 202 });
    const [, event] = await storedCount('/t3/', 2);
    expect(event).toMatchObject({ name: 'Signup', path: '/t3/pricing' });
    expect(await propsOf(event!.id)).toEqual({ plan: 'pro', seats: '3' });
  });

  it('stores an outbound click, and the browser still gets where the link goes', async () => {
    site.page('/landing', htmlPage({ body: '<h1>Partner site</h1>' }));
    const target = `${site.origin('partner.test')}/landing?from=shop`;
    const page = await open(
      await visitor(),
      '/t4/links',
      htmlPage({ head: snippet('js/script.outbound-links.js'), body: `<a id="out" href="${target}">partner</a>` }),
    );
    await storedCount('/t4/', 1);
    // Hold the click's event back until the next page has loaded: it must survive the
    // page that sent it (keepalive), not merely win the race against the navigation.
    const next = page.waitForURL(target);
    await page.route(endpoint(), async (route) => {
      await next;
      await route.continue();
    });
    await page.click('#out');
    await next;
    expect(await page.textContent('h1')).toBe('Partner site');
    const [, click] = await storedCount('/t4/', 2);
    expect(click).toMatchObject({ name: 'Outbound Link: Click', path: '/t4/links' });
    expect(await propsOf(click!.id)).toEqual({ url: `${site.origin('partner.test')}/landing` });
  });

  it('stores nothing once the visitor opts out with the widget', async () => {
    const context = await visitor();
    const privacy = await open(
      context,
      '/t5/privacy',
      htmlPage({ head: snippet(), body: `<div id="teller-optout"></div><script defer src="${teller.url}/optout.js"></script>` }),
    );
    await storedCount('/t5/', 1);
    const box = privacy.getByRole('checkbox', { name: /Count my visits/ });
    await box.uncheck();

    site.page('/t5/opted-out', htmlPage({ head: snippet() }));
    const sent = await eventRequests(privacy, async () => {
      await privacy.goto(`${site.origin()}/t5/opted-out`);
      await privacy.evaluate(() => new Promise((resolve) => window.teller!('Signup', { callback: resolve })));
    });
    expect(sent).toEqual([]);

    // Positive control in the same browser: opt back in (this visit to the privacy page is
    // not counted, the flag was still set when it loaded), and the next page is stored.
    await privacy.goto(`${site.origin()}/t5/privacy`);
    await box.check();
    site.page('/t5/opted-in', htmlPage({ head: snippet() }));
    await privacy.goto(`${site.origin()}/t5/opted-in`);
    const rows = await storedCount('/t5/', 2);
    expect(rows.map((r) => r.path)).toEqual(['/t5/privacy', '/t5/opted-in']);
  });

  for (const [label, signals] of [
    ['Global Privacy Control', { gpc: true }],
    ['Do-Not-Track', { dnt: true }],
  ] as const) {
    it(`stores nothing when the browser sends ${label}`, async () => {
      const prefix = signals.gpc ? '/t6/' : '/t7/';
      site.page(`${prefix}signal`, htmlPage({ head: snippet('script.extras.js', 'data-outbound-links') }));
      const context = await visitor(signals);
      const page = await context.newPage();
      const sent = await eventRequests(page, async () => {
        await page.goto(`${site.origin()}${prefix}signal`);
        await page.evaluate(() => new Promise((resolve) => window.teller!('Signup', { callback: resolve })));
      });
      expect(sent).toEqual([]);
      // Control: the same page in a browser without the signal is stored, after which the
      // signalled visit would have been stored too, had it been sent.
      site.page(`${prefix}control`, htmlPage({ head: snippet('script.extras.js', 'data-outbound-links') }));
      await open(await visitor(), `${prefix}control`, htmlPage({ head: snippet('script.extras.js', 'data-outbound-links') }));
      const rows = await storedCount(prefix, 1);
      expect(rows[0]!.path).toBe(`${prefix}control`);
    });
  }

  it("accepts what the official Plausible npm tracker sends, engagement events included", async () => {
    site.page('/t8/plausible.js', plausibleBundle, 'application/javascript; charset=utf-8');
    const context = await visitor();
    const page = await context.newPage();
    site.page('/t8/spa', htmlPage({ head: `<script src="/t8/plausible.js" data-endpoint="${endpoint()}"></script>` }));
    const sent = await eventRequests(page, async () => {
      await page.goto(`${site.origin()}/t8/spa`);
      await storedCount('/t8/', 1);
      const result = await page.evaluate(
        () =>
          new Promise((resolve) =>
            (window as unknown as { plausibleTrack: (n: string, o: object) => void }).plausibleTrack('Purchase', {
              props: { sku: 'boots-42' },
              revenue: { amount: 59.9, currency: 'EUR' },
              callback: resolve,
            }),
          ),
      );
      expect(result).toEqual({ status: 202 });
      // Leaving the tab makes the tracker send an engagement event for the page.
      await page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      });
    });
    const bodies = sent.map((r) => JSON.parse(r.postData() ?? '{}') as { n: string });
    expect(bodies.map((b) => b.n)).toEqual(['pageview', 'Purchase', 'engagement']);
    for (const request of sent) expect((await request.response())?.status()).toBe(202);
    expect(drops.filter((d) => d.includes('/t8/'))).toEqual([]);
    // Engagement extends the visit but is not an event of its own.
    const rows = await storedCount('/t8/', 2);
    expect(rows.map((r) => r.name)).toEqual(['pageview', 'Purchase']);
    expect(await propsOf(rows[1]!.id)).toEqual({ sku: 'boots-42' });
  });

  it("counts the owner's own tests with data-local: a localhost page, a page opened from disk, a headless browser", async () => {
    // Without data-local the tracker on localhost sends nothing (tracker.browser.test.ts);
    // with it, the collector must count what it sends.
    site.page('/local-tests/local', htmlPage({ head: snippet('script.js', 'data-local') }));
    const local = await (await visitor()).newPage();
    await local.goto(`http://localhost:${site.port}/local-tests/local`);
    const [row] = await storedCount('/local-tests/', 1);
    expect(row).toMatchObject({ name: 'pageview', hostname: 'localhost', path: '/local-tests/local' });

    // A file on disk, as an owner opens a draft page; it is stored as a localhost page.
    const file = join(dir, 'local-draft.html');
    await writeFile(file, htmlPage({ head: snippet('script.js', 'data-local') }));
    await (await (await visitor()).newPage()).goto(pathToFileURL(file).href);
    const fromDisk = () => teller.db.all<{ hostname: string; path: string }>('SELECT hostname, path FROM events WHERE site_id = ? AND path = ?', [siteId, file]);
    await waitFor(`the pageview of ${file} (drops so far: ${drops.join('; ') || 'none'})`, async () => (await fromDisk()).length > 0);
    expect(await fromDisk()).toEqual([{ hostname: 'localhost', path: file }]);

    // A headless browser that says so in its user agent, as a CI smoke test would run.
    const headless = await browser.newContext({ userAgent: chromeUserAgent(browser).replace('Chrome/', 'HeadlessChrome/') });
    contexts.push(headless);
    site.page('/local-tests/headless', htmlPage({ head: snippet('script.js', 'data-local') }));
    await (await headless.newPage()).goto(`${site.origin()}/local-tests/headless`);
    await waitFor('the headless pageview', async () => (await stored('/local-tests/headless')).length === 1);
  });

  it('never answered the browser with a Set-Cookie', () => {
    expect(unread).toEqual([]);
    const kinds = new Set(tellerResponses.map((r) => new URL(r.url).pathname.replace(/^\/js\//, '/')));
    // The scripts, the widget and the collector all answered during this file.
    for (const path of ['/script.js', '/script.outbound-links.js', '/optout.js', '/api/event']) expect(kinds.has(path), path).toBe(true);
    expect(tellerResponses.filter((r) => 'set-cookie' in r.headers).map((r) => r.url)).toEqual([]);
  });
});
