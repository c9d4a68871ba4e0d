/**
 * The tracker in Chromium, against a stand-in collector that records the exact requests
 * (test/tracker/harness.ts). Each test uses its own `data-domain`, so events never mix.
 * Negative cases prove the negative: `eventRequestsMadeBy` waits for a later marker
 * request, and each one has a positive control in the same setup.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type PrivacySignals, htmlPage, waitFor } from '../e2e/browser.ts';
import { eventRequestsMadeBy, useTrackerBrowser } from './harness.ts';

const env = useTrackerBrowser();

let counter = 0;
const newDomain = () => `site${++counter}.example`;

const tag = (domain: string, file = 'script.js', attrs = '') =>
  `<script defer data-domain="${domain}" ${attrs} src="${env.stub.origin}/${file}"></script>`;

const visitor = (signals: PrivacySignals = {}): Promise<BrowserContext> => env.visitor(signals);

/** Registers `html` at `path` on the test site and opens it in a new tab of `context`. */
async function open(context: BrowserContext, path: string, html: string, host = 'shop.test'): Promise<Page> {
  env.site.page(new URL(path, 'http://x').pathname, html);
  const page = await context.newPage();
  await page.goto(env.site.origin(host) + path);
  return page;
}

/** Order-free form of a list of events, to compare what arrived with what was sent. */
const asSet = (list: Array<Record<string, unknown>>) => list.map((e) => JSON.stringify(e)).sort();

/**
 * The first `count` events for `domain`, once the stub has received them all, in the order
 * the page sent them (two sent close together may arrive in either order).
 */
const events = (domain: string, count: number) =>
  waitFor(`${count} event(s) for ${domain}`, () => {
    const received = env.stub.events(domain);
    expect(received.length).toBeLessThanOrEqual(count);
    const sent = env.sent(domain);
    if (received.length < count || sent.length < count) return false;
    expect(asSet(received)).toEqual(asSet(sent));
    return sent;
  });

/** Calls teller() in the page and resolves with what its callback received. */
const callTeller = (page: Page, name: string, options: Record<string, unknown> = {}) =>
  page.evaluate(
    ([n, o]) => new Promise((resolve) => window.teller!(n, { ...o, callback: (r?: unknown) => resolve(r ?? 'ignored') })),
    [name, options] as const,
  );

describe('tracker in Chromium', () => {
  it('runs as an ordinary visitor would: no webdriver flag, no HeadlessChrome', async () => {
    const page = await open(await visitor(), '/plain', htmlPage({}));
    const [webdriver, ua] = await page.evaluate(() => [navigator.webdriver, navigator.userAgent]);
    expect(webdriver).toBe(false);
    expect(ua).toMatch(/ Chrome\/\d+/);
    expect(ua).not.toContain('Headless');
  });

  it('sends a pageview on load as a simple text/plain POST to its own origin', async () => {
    const domain = newDomain();
    const context = await visitor();
    // Arrive by a link on another site, whose referrer policy lets the full URL through.
    env.site.page('/products/shoes', htmlPage({ head: tag(domain) }));
    const page = await context.newPage();
    env.site.page('/story', htmlPage({ head: '<meta name="referrer" content="unsafe-url">', body: `<a id="go" href="${env.site.origin()}/products/shoes?color=red">shoes</a>` }));
    await page.goto(`${env.site.origin('news.test')}/story`);
    await page.click('#go');
    const [event] = await events(domain, 1);
    expect(event).toEqual({
      n: 'pageview',
      u: `${env.site.origin()}/products/shoes?color=red`,
      d: domain,
      r: `${env.site.origin('news.test')}/story`,
      w: 1280,
    });
    const request = env.stub.requests.find((r) => r.body.d === domain)!;
    expect(request.contentType).toBe('text/plain;charset=UTF-8');
    // text/plain needs no CORS preflight: not one OPTIONS request reached the collector.
    expect(env.stub.requests.filter((r) => r.method === 'OPTIONS')).toEqual([]);
  });

  it('sends to data-api when given, and omits d when there is no data-domain', async () => {
    const domain = newDomain();
    const page = await visitor().then((c) =>
      eventRequestsMadeByOpen(c, '/api-override', tag(domain, 'script.js', `data-api="${env.stub.origin.replace('127.0.0.1', 'collector.test')}/api/event"`)),
    );
    expect(page.urls).toEqual([`${env.stub.origin.replace('127.0.0.1', 'collector.test')}/api/event`]);
    await events(domain, 1);

    const bare = await visitor();
    await open(bare, '/no-domain', htmlPage({ head: `<script defer src="${env.stub.origin}/script.js"></script>` }));
    const event = await waitFor('the event without domain', () =>
      env.stub.requests.find((r) => typeof r.body.u === 'string' && r.body.u.endsWith('/no-domain'))?.body,
    );
    expect(event).not.toHaveProperty('d');
  });

  it('counts one pageview per real change of path in a single-page app', async () => {
    const domain = newDomain();
    const page = await open(await visitor(), '/app', htmlPage({ head: tag(domain) }));
    await events(domain, 1);
    await page.evaluate(() => {
      history.pushState({}, '', '/app/a'); // new path: pageview
      history.pushState({}, '', '/app/a?tab=2'); // same path, other query: none
      history.replaceState({}, '', '/app/a'); // replace, same path: none
      history.replaceState({}, '', '/app/b'); // replace, new path: pageview
    });
    await events(domain, 3);
    await page.goBack(); // popstate to /app/a
    const list = await events(domain, 4);
    expect(list.map((e) => e.u)).toEqual(['/app', '/app/a', '/app/b', '/app/a'].map((p) => env.site.origin() + p));
    expect(list.every((e) => e.n === 'pageview' && !('h' in e))).toBe(true);

    const none = await eventRequestsMadeBy(page, env.stub.origin, () =>
      page.evaluate(() => {
        history.replaceState({ x: 1 }, '', location.pathname);
        history.pushState({}, '', `${location.pathname}?q=1`);
        location.hash = '#section'; // fragment navigation without hash mode: same page
      }),
    );
    expect(none).toEqual([]);
  });

  it('counts fragments as pages in hash mode (data-hash or script.hash.js) and sends h: 1', async () => {
    for (const [file, attrs] of [
      ['script.js', 'data-hash'],
      ['script.hash.js', ''],
      ['js/script.outbound-links.hash.js', ''],
    ] as const) {
      const domain = newDomain();
      const page = await open(await visitor(), '/spa#/home', htmlPage({ head: tag(domain, file, attrs) }));
      await events(domain, 1);
      await page.evaluate(() => {
        location.hash = '#/cart';
      });
      await page.evaluate(() => history.pushState({}, '', '#/checkout'));
      const list = await events(domain, 3);
      expect(list.map((e) => [e.u, e.h]), file).toEqual(
        ['#/home', '#/cart', '#/checkout'].map((h) => [`${env.site.origin()}/spa${h}`, 1]),
      );
    }
  });

  it('replays calls queued before it loaded, under both names, and answers callbacks', async () => {
    const domain = newDomain();
    const stubs = `<script>
      window.teller = window.teller || function () { (window.teller.q = window.teller.q || []).push(arguments) };
      window.plausible = window.plausible || function () { (window.plausible.q = window.plausible.q || []).push(arguments) };
      teller('Signup', { props: { plan: 'pro', seats: 3 } });
      plausible('Download', { props: { file: 'a.pdf' } });
    </script>`;
    const page = await open(await visitor(), '/queue', htmlPage({ head: stubs + tag(domain) }));
    const list = await events(domain, 3);
    expect(list.map((e) => [e.n, e.p])).toEqual([
      ['pageview', undefined],
      ['Signup', { plan: 'pro', seats: 3 }],
      ['Download', { file: 'a.pdf' }],
    ]);
    expect(await page.evaluate(() => window.teller === window.plausible)).toBe(true);
    expect(await callTeller(page, 'Later', { props: { x: '1' }, interactive: false })).toEqual({ status: 202 });
    const later = (await events(domain, 4))[3]!;
    expect(later).toMatchObject({ n: 'Later', p: { x: '1' }, i: false, u: `${env.site.origin()}/queue` });
  });

  it('sends nothing when the visitor opted out with either flag, and again once the flag is cleared', async () => {
    for (const flag of ['teller_ignore', 'plausible_ignore']) {
      const domain = newDomain();
      const context = await visitor();
      await context.addInitScript((f) => {
        if (!sessionStorage.getItem('test-cleared')) localStorage.setItem(f, 'true');
      }, flag);
      env.site.page('/flag', htmlPage({ head: tag(domain, 'script.local.js', 'data-local') }));
      const page = await context.newPage();
      const sent = await eventRequestsMadeBy(page, env.stub.origin, async () => {
        await page.goto(`${env.site.origin()}/flag`);
        expect(await callTeller(page, 'Probe')).toBe('ignored');
      });
      expect(sent, flag).toEqual([]);
      // Control: the same page in the same browser counts once the flag is gone.
      await page.evaluate((f) => {
        localStorage.removeItem(f);
        sessionStorage.setItem('test-cleared', '1');
      }, flag);
      await page.reload();
      await events(domain, 1);
    }
  });

  it('sends nothing under Do-Not-Track or Global Privacy Control, whatever the tag says', async () => {
    for (const signals of [{ dnt: true }, { gpc: true }]) {
      const domain = newDomain();
      const context = await visitor(signals);
      env.site.page('/signal', htmlPage({ head: tag(domain, 'script.local.outbound-links.js', 'data-local') }));
      const page = await context.newPage();
      const sent = await eventRequestsMadeBy(page, env.stub.origin, async () => {
        await page.goto(`${env.site.origin()}/signal`);
        expect(await page.evaluate(() => [navigator.doNotTrack, navigator.globalPrivacyControl])).toEqual(
          signals.dnt ? ['1', undefined] : [null, true],
        );
        expect(await callTeller(page, 'Probe')).toBe('ignored');
      });
      expect(sent, JSON.stringify(signals)).toEqual([]);
      // Control: the same page in a browser without the signal is counted.
      await open(await visitor(), '/signal', htmlPage({ head: tag(domain, 'script.local.outbound-links.js', 'data-local') }));
      await events(domain, 1);
    }
  });

  it('ignores automated browsers and localhost unless the tag says data-local (or script.local.js)', async () => {
    const cases: Array<{ signals: PrivacySignals; host: string }> = [
      { signals: { webdriver: true }, host: 'shop.test' },
      { signals: {}, host: 'localhost' },
      { signals: {}, host: '127.0.0.1' },
    ];
    for (const { signals, host } of cases) {
      const domain = newDomain();
      const context = await visitor(signals);
      const page = await context.newPage();
      env.site.page('/local', htmlPage({ head: tag(domain) }));
      const origin = `http://${host}:${env.site.port}`;
      const sent = await eventRequestsMadeBy(page, env.stub.origin, async () => {
        await page.goto(`${origin}/local`);
        expect(await callTeller(page, 'Probe')).toBe('ignored');
      });
      expect(sent, host).toEqual([]);
      for (const [file, attrs] of [
        ['script.js', 'data-local'],
        ['script.local.js', ''],
      ] as const) {
        env.site.page(`/local-${file}`, htmlPage({ head: tag(domain, file, attrs) }));
        await page.goto(`${origin}/local-${file}`);
      }
      await events(domain, 2);
    }
  });

  it('sends no automatic pageview in manual mode and takes the URL the site gives', async () => {
    for (const [file, attrs] of [
      ['script.js', 'data-manual'],
      ['script.manual.js', ''],
    ] as const) {
      const domain = newDomain();
      const context = await visitor();
      const page = await context.newPage();
      env.site.page('/users/4711', htmlPage({ head: tag(domain, file, attrs) }));
      const sent = await eventRequestsMadeBy(page, env.stub.origin, async () => {
        await page.goto(`${env.site.origin()}/users/4711`);
        await page.evaluate(() => history.pushState({}, '', '/users/4712'));
      });
      expect(sent, file).toEqual([]);
      expect(await callTeller(page, 'pageview', { u: '/users/:id' })).toEqual({ status: 202 });
      const [event] = await events(domain, 1);
      expect(event).toMatchObject({ n: 'pageview', u: `${env.site.origin()}/users/:id` });
    }
  });

  it('skips pages matched by data-exclude and pages outside data-include', async () => {
    const domain = newDomain();
    const context = await visitor();
    const exclude = tag(domain, 'script.js', 'data-exclude="/admin/*, /private/**,/exact.html"');
    const include = tag(domain, 'script.js', 'data-include="/blog/**"');
    const page = await context.newPage();
    const cases: Array<[string, string, boolean]> = [
      ['/admin/users', exclude, false],
      ['/admin/users/', exclude, false],
      ['/admin/users/42', exclude, true],
      ['/private/a/b', exclude, false],
      ['/exact.html', exclude, false],
      ['/exactxhtml', exclude, true],
      ['/public', exclude, true],
      ['/blog/2024/post', include, true],
      ['/shop', include, false],
    ];
    const sent = await eventRequestsMadeBy(page, env.stub.origin, async () => {
      for (const [path, head] of cases) {
        env.site.page(path, htmlPage({ head }));
        await page.goto(env.site.origin() + path);
      }
    });
    const expected = cases.filter(([, , counted]) => counted).map(([path]) => env.site.origin() + path);
    expect(sent).toHaveLength(expected.length);
    expect((await events(domain, expected.length)).map((e) => e.u)).toEqual(expected);
  });

  it('records an outbound click without holding up the navigation', async () => {
    const domain = newDomain();
    env.site.page('/landing', htmlPage({ body: '<h1>Elsewhere</h1>' }));
    const target = `${env.site.origin('other.test')}/landing?ref=shop`;
    const body = `<a id="out" href="${target}">out</a> <a id="in" href="/inside">in</a> <a id="mail" href="mailto:a@b.test">mail</a>`;
    const context = await visitor();
    const page = await open(context, '/links', htmlPage({ head: tag(domain, 'js/script.outbound-links.js'), body }));
    await events(domain, 1);
    await page.click('#out');
    await page.waitForURL(target);
    expect(await page.textContent('h1')).toBe('Elsewhere');
    const [, click] = await events(domain, 2);
    // The link's query string stays out of the event: it can carry a token or an address.
    expect(click).toMatchObject({ n: 'Outbound Link: Click', p: { url: `${env.site.origin('other.test')}/landing` }, u: `${env.site.origin()}/links` });

    // Middle-click opens a tab and counts; internal and mailto: links do not.
    const again = await open(context, '/links', htmlPage({ head: tag(domain, 'js/script.outbound-links.js'), body }));
    await events(domain, 3);
    const opened = context.waitForEvent('page');
    await again.click('#out', { button: 'middle' });
    await (await opened).close();
    await events(domain, 4);
    const none = await eventRequestsMadeBy(again, env.stub.origin, async () => {
      await again.evaluate(() => document.addEventListener('click', (e) => e.preventDefault()));
      await again.click('#mail');
      await again.click('#out', { button: 'right' });
      await again.click('#in');
    });
    expect(none).toEqual([]);
  });

  it('switches the extras on by attribute in files that carry them', async () => {
    const body = `<a id="out" href="${env.site.origin('other.test')}/landing">out</a> <a id="pdf" href="/files/guide.pdf">pdf</a>`;
    const run = async (file: string, attrs: string) => {
      const domain = newDomain();
      const page = await open(await visitor(), '/extras', htmlPage({ head: tag(domain, file, attrs), body }));
      await events(domain, 1);
      await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault()));
      const sent = await eventRequestsMadeBy(page, env.stub.origin, async () => {
        await page.click('#out');
        await page.click('#pdf');
      });
      return { domain, sent: sent.length };
    };
    const both = await run('script.extras.js', 'data-outbound-links data-file-downloads');
    expect(both.sent).toBe(2);
    expect((await events(both.domain, 3)).map((e) => e.n)).toEqual(['pageview', 'Outbound Link: Click', 'File Download']);
    expect((await run('script.outbound-links.js', 'data-file-downloads')).sent).toBe(2);
    expect((await run('script.extras.js', '')).sent).toBe(0);
    // The core file stays under 1 KB by not carrying them: the attribute needs an extras file.
    expect((await run('script.js', 'data-outbound-links data-file-downloads')).sent).toBe(0);
  });

  it('records file downloads by extension, with the list replaceable and extendable', async () => {
    const body = ['report.PDF?token=secret', 'notes.txt', 'data.foo', 'page.html']
      .map((f, i) => `<a id="l${i}" href="/files/${f}">${f}</a>`)
      .join(' ');
    const clickAll = async (attrs: string) => {
      const domain = newDomain();
      const page = await open(await visitor(), '/downloads', htmlPage({ head: tag(domain, 'script.file-downloads.js', attrs), body }));
      await events(domain, 1);
      await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault()));
      const sent = await eventRequestsMadeBy(page, env.stub.origin, async () => {
        for (let i = 0; i < 4; i++) await page.click(`#l${i}`);
      });
      const list = await events(domain, 1 + sent.length);
      return list.slice(1).map((e) => {
        expect(e.n).toBe('File Download');
        return (e.p as { url: string }).url.replace(`${env.site.origin()}/files/`, '');
      });
    };
    // The query string is left out of the URL: it can carry tokens.
    expect(await clickAll('')).toEqual(['report.PDF', 'notes.txt']);
    expect(await clickAll('file-types="foo, html"')).toEqual(['data.foo', 'page.html']);
    expect(await clickAll('data-add-file-types="foo"')).toEqual(['report.PDF', 'notes.txt', 'data.foo']);
  });

  it("sends Plausible's tagged events from classes, on click and on submit", async () => {
    const domain = newDomain();
    const body = `
      <button id="b" class="big plausible-event-name=Sign+up plausible-event-plan=pro"><span id="inner">Go</span></button>
      <a id="a" class="plausible-event-name--Pricing" href="/pricing">pricing</a>
      <button id="buy" class="plausible-event-name=Buy plausible-revenue-amount=9.50 plausible-revenue-currency=EUR">buy</button>
      <form id="f" class="plausible-event-name=Newsletter" action="/thanks"><input name="e"><button id="submit">ok</button></form>
      <button id="plain">plain</button>`;
    const page = await open(await visitor(), '/tagged', htmlPage({ head: tag(domain, 'script.tagged-events.js'), body }));
    await events(domain, 1);
    await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault()));
    await page.click('#inner');
    await page.click('#a');
    await page.click('#buy');
    await page.click('#plain');
    await page.evaluate(() => {
      const form = document.getElementById('f') as HTMLFormElement;
      form.addEventListener('submit', (e) => e.preventDefault());
      form.requestSubmit();
    });
    const list = await events(domain, 5);
    expect(list.slice(1).map((e) => [e.n, e.p, e.$])).toEqual([
      ['Sign up', { plan: 'pro' }, {}],
      ['Pricing', { url: `${env.site.origin()}/pricing` }, {}],
      ['Buy', {}, { amount: '9.50', currency: 'EUR' }],
      ['Newsletter', {}, {}],
    ]);
  });

  it("adds the tag's event-* attributes to every event (pageview-props)", async () => {
    const domain = newDomain();
    const page = await open(
      await visitor(),
      '/article',
      htmlPage({ head: tag(domain, 'js/script.pageview-props.js', 'event-author="Ann Berg" event-section="news"') }),
    );
    expect((await events(domain, 1))[0]!.p).toEqual({ author: 'Ann Berg', section: 'news' });
    await callTeller(page, 'Share', { props: { author: 'override', network: 'x' } });
    expect((await events(domain, 2))[1]!.p).toEqual({ author: 'override', section: 'news', network: 'x' });
  });

  it('tells the callback about a failed request', async () => {
    const domain = newDomain();
    const page = await open(await visitor(), '/down', htmlPage({ head: tag(domain, 'script.js', 'data-manual data-api="http://127.0.0.1:9/api/event"') }));
    const result = (await callTeller(page, 'Probe')) as { error?: unknown };
    expect(result).toHaveProperty('error');
  });

  it('leaves no cookie and nothing in any storage', async () => {
    const domain = newDomain();
    const context = await visitor();
    const body = `<a id="out" href="${env.site.origin('other.test')}/landing">out</a>`;
    const page = await open(context, '/clean', htmlPage({ head: tag(domain, 'script.extras.js', 'data-outbound-links data-hash'), body }));
    await events(domain, 1);
    await callTeller(page, 'Something', { props: { a: 1 } });
    await page.click('#out');
    await events(domain, 3);
    await page.goto(`${env.site.origin()}/clean`);
    await events(domain, 4);
    const storage = await page.evaluate(async () => ({
      cookie: document.cookie,
      local: localStorage.length,
      session: sessionStorage.length,
      idb: (await indexedDB.databases()).length,
    }));
    expect(storage).toEqual({ cookie: '', local: 0, session: 0, idb: 0 });
    expect(await context.cookies()).toEqual([]);
  });
});

/** Opens a page and returns the event requests it made (see eventRequestsMadeBy). */
async function eventRequestsMadeByOpen(context: BrowserContext, path: string, head: string) {
  env.site.page(path, htmlPage({ head }));
  const page = await context.newPage();
  const urls = await eventRequestsMadeBy(page, env.stub.origin, () => page.goto(env.site.origin() + path));
  return { page, urls };
}
