/**
 * The plugin counts for real: Debian's WordPress with the plugin installed from the zip Teller
 * serves, a real Teller on 127.0.0.1, Chromium as the visitor. The assertions read Teller's
 * database: what a visitor's pages, a missing page and a WordPress search became (page,
 * referrer, country, 404 path, search words); that logged-in administrators send nothing; and
 * that the first-party proxy counts through the site's own origin with the connection's
 * (truncated) address while a forged X-Forwarded-For from the browser is ignored.
 *
 * "Nothing stored" is shown only after a later event from the same test has been stored, so
 * a slow ingest cannot pass for a filter.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue } from '../../server/core/ports.ts';
import { launchChromium, newVisitor, waitFor } from '../e2e/browser.ts';
import { type TellerAndWordPress, startTellerAndWordPress } from './teller-wordpress.ts';

/** A Norwegian visitor's address (Telenor), as a reverse proxy in front of Teller names it. */
const NORWAY = '84.208.20.110';
/** What a browser forges on the proxy path: a German address Teller would place in DE. */
const FORGED = '91.64.0.1';

let site: TellerAndWordPress;
let browser: Browser;
const contexts: BrowserContext[] = [];
const posts: Record<string, { id: number; url: string; path: string }> = {};

beforeAll(async () => {
  [site, browser] = await Promise.all([startTellerAndWordPress(), launchChromium()]);
  await site.configure();
  for (const slug of ['first-post', 'second-post', 'admin-reads-this', 'proxied-post']) {
    const post = await site.wp.createPost(slug.replace('-', ' '), { slug, content: `<p>${slug}</p><p><a id="next" href="/second-post/">Next</a></p>` });
    // Teller keeps a path without its trailing slash.
    posts[slug] = { ...post, path: new URL(post.url).pathname.replace(/\/$/, '') };
  }
}, 180_000);
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

interface EventRow {
  name: string;
  path: string;
  hostname: string;
  site_search: string | null;
  referrer: string | null;
  source: string | null;
  country: string | null;
  ip: string | null;
}

const events = (where = '1 = 1', params: SqlValue[] = []) =>
  site.teller.db.all<EventRow>(
    `SELECT e.name, e.path, e.hostname, e.site_search, v.referrer, v.source, v.country, v.ip
       FROM events e JOIN visits v ON v.id = e.visit_id WHERE e.site_id = ? AND ${where} ORDER BY e.id`,
    [site.siteId, ...params],
  );

const propsOf = (name: string) =>
  site.teller.db.all<{ key: string; value: string }>(
    'SELECT p.key, p.value FROM event_props p JOIN events e ON e.id = p.event_id WHERE e.site_id = ? AND e.name = ? ORDER BY p.key',
    [site.siteId, name],
  );

/** A visitor whose requests to Teller arrive as from `address`, as through the agency's reverse proxy. */
async function visitorFrom(address: string): Promise<{ context: BrowserContext; page: Page; tellerRequests: string[] }> {
  const context = await newVisitor(browser);
  contexts.push(context);
  const tellerRequests: string[] = [];
  await context.route(`${site.teller.url}/**`, (route) => {
    tellerRequests.push(route.request().url());
    return route.continue({ headers: { ...route.request().headers(), 'x-forwarded-for': address } });
  });
  return { context, page: await context.newPage(), tellerRequests };
}

describe('counting through Teller directly', { timeout: 120_000 }, () => {
  it('counts a visitor’s pages with page, referrer and country, in order', async () => {
    const { page } = await visitorFrom(NORWAY);
    await page.goto(posts['first-post']!.url, { referer: 'https://www.nrk.no/kultur/' });
    await waitFor('the first pageview', async () => (await events('e.path = ?', [posts['first-post']!.path])).length === 1);
    await Promise.all([page.waitForURL(posts['second-post']!.url), page.click('#next')]);
    const rows = await waitFor('the second pageview', async () => {
      const all = await events("e.name = 'pageview'");
      return all.length === 2 ? all : undefined;
    });
    expect(rows.map((r) => r.path)).toEqual([posts['first-post']!.path, posts['second-post']!.path]);
    for (const row of rows) {
      expect(row).toMatchObject({ hostname: site.domain, country: 'NO', ip: '84.208.20.0', source: 'nrk.no' });
      expect(row.referrer).toMatch(/nrk\.no/);
    }
  });

  it('sends a 404 event with the missing path, beside the pageview', async () => {
    const { page } = await visitorFrom(NORWAY);
    const response = await page.goto(`${site.wp.url}/no-such-page/?from=test`);
    expect(response?.status()).toBe(404);
    await waitFor('the 404 event', async () => (await events("e.name = '404'")).length === 1);
    expect((await events("e.name = '404'"))[0]).toMatchObject({ path: '/no-such-page', hostname: site.domain });
    expect(await propsOf('404')).toEqual([{ key: 'path', value: '/no-such-page/' }]);
  });

  it('records WordPress’ own search (?s=) as site search', async () => {
    const { page } = await visitorFrom(NORWAY);
    await page.goto(`${site.wp.url}/?s=${encodeURIComponent('øl og brus')}`);
    const [row] = await waitFor('the search pageview', async () => {
      const found = await events('e.site_search IS NOT NULL');
      return found.length ? found : undefined;
    });
    expect(row).toMatchObject({ name: 'pageview', site_search: 'øl og brus' });
  });

  it('leaves out logged-in administrators and editors: no tracker in their pages, no event', async () => {
    const editor = await site.wp.createUser('edith', 'editor');
    for (const user of [site.wp.admin, editor]) {
      const { page, tellerRequests } = await visitorFrom(NORWAY);
      await site.wp.login(page, user);
      await page.goto(posts['admin-reads-this']!.url);
      expect(await page.locator('script#teller-js').count()).toBe(0);
      expect(tellerRequests).toEqual([]);
    }
    // A subscriber is counted: once that event is stored, the earlier visits surely would be too.
    const subscriber = await site.wp.createUser('sam', 'subscriber');
    const { page } = await visitorFrom(NORWAY);
    await site.wp.login(page, subscriber);
    await page.goto(`${posts['admin-reads-this']!.url}?subscriber=1`);
    const rows = await waitFor('the subscriber’s pageview', async () => {
      const found = await events('e.path = ?', [posts['admin-reads-this']!.path]);
      return found.length ? found : undefined;
    });
    expect(rows).toHaveLength(1);
  });

  it('puts no token in the front end’s HTML', async () => {
    const home = await site.wp.request('/');
    expect(home.body).toContain(`data-domain="${site.domain}"`);
    expect(home.body).not.toContain(site.token);
    expect(home.body).not.toContain(site.token.slice(0, 12));
  });
});

describe('what the owner ticks, and what the visitor chooses', { timeout: 120_000 }, () => {
  it('with outbound links and file downloads ticked, loads that tracker and counts both clicks', async () => {
    await site.configure({ outbound_links: true, file_downloads: true });
    try {
      const links = await site.wp.createPost('links', {
        slug: 'links',
        content: `<p><a id="out" href="http://partner.test:${site.wp.port}/">Partner</a> <a id="pdf" href="/wp-content/uploads/price-list.pdf">Price list</a></p>`,
      });
      writeFileSync(join(site.wp.root, 'wp-content', 'uploads', 'price-list.pdf'), '%PDF-1.4\n');
      const { page } = await visitorFrom(NORWAY);
      await page.goto(links.url);
      expect(await page.getAttribute('script#teller-js', 'src')).toBe(`${site.teller.url}/script.file-downloads.outbound-links.js`);
      await page.click('#pdf');
      await waitFor('the file download', async () => (await events("e.name = 'File Download'")).length === 1);
      await page.goto(links.url);
      await page.click('#out');
      await waitFor('the outbound click', async () => (await events("e.name = 'Outbound Link: Click'")).length === 1);
      expect(await propsOf('File Download')).toEqual([{ key: 'url', value: `${site.wp.url}/wp-content/uploads/price-list.pdf` }]);
      expect(await propsOf('Outbound Link: Click')).toEqual([{ key: 'url', value: `http://partner.test:${site.wp.port}/` }]);
    } finally {
      await site.configure();
    }
  });

  it('counts nothing of a visitor whose browser sends Global Privacy Control, nor of one who unticked the opt-out on the privacy page', async () => {
    const privacy = await site.wp.createPost('Privacy', { type: 'page', slug: 'privacy', content: '<p>How we count.</p>[teller_optout]' });
    const unwatched = await site.wp.createPost('unwatched', { slug: 'unwatched' });
    const unwatchedPath = new URL(unwatched.url).pathname.replace(/\/$/, '');

    const gpc = await newVisitor(browser, { gpc: true });
    contexts.push(gpc);
    const gpcEvents: string[] = [];
    gpc.on('request', (r) => void (r.url().endsWith('/api/event') && gpcEvents.push(r.url())));
    await (await gpc.newPage()).goto(unwatched.url);

    const { page, tellerRequests } = await visitorFrom(NORWAY);
    await page.goto(privacy.url);
    const box = page.getByLabel('Count my visits in the anonymous statistics of this website');
    expect(await box.isChecked()).toBe(true);
    await box.uncheck();
    await page.getByText('Your visits are not counted.').waitFor();
    tellerRequests.length = 0;
    await page.goto(unwatched.url);
    await page.waitForFunction(() => document.readyState === 'complete');

    // A visitor who counts, last: once that is stored, the two before would have been too.
    const { page: counted } = await visitorFrom(NORWAY);
    await counted.goto(`${unwatched.url}?counted=1`);
    await waitFor('the counted visitor’s pageview', async () => (await events('e.path = ?', [unwatchedPath])).length > 0);
    expect(await events('e.path = ?', [unwatchedPath])).toHaveLength(1);
    expect(gpcEvents).toEqual([]);
    expect(tellerRequests.filter((url) => url.endsWith('/api/event'))).toEqual([]);
  });
});

describe('counting through the first-party proxy', { timeout: 120_000 }, () => {
  it('serves the script and the events from the site’s own origin, with the connection’s truncated address; a forged X-Forwarded-For is ignored', async () => {
    await site.configure({ proxy: true });
    const secretSet = await site.wp.php<boolean>(`return get_option('teller_proxy_secret', '') !== '';`);
    expect(secretSet).toBe(true);

    const context = await newVisitor(browser);
    contexts.push(context);
    // The forged header goes on every request the browser makes: to WordPress only, since it
    // must never talk to Teller itself on this path.
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': FORGED });
    const hosts = new Set<string>();
    context.on('request', (request) => void hosts.add(new URL(request.url()).host));
    const page = await context.newPage();
    await page.goto(posts['proxied-post']!.url);
    expect(await page.getAttribute('script#teller-js', 'src')).toBe(`${site.wp.url}/wp-json/teller/v1/script.js`);
    const [row] = await waitFor('the proxied pageview', async () => {
      const found = await events('e.path = ?', [posts['proxied-post']!.path]);
      return found.length ? found : undefined;
    });
    expect(row).toMatchObject({ name: 'pageview', hostname: site.domain, ip: '127.0.0.0', country: null });
    expect([...hosts]).toEqual([new URL(site.wp.url).host]);
  });

  it('refuses what is not an event of this site’s own pages', async () => {
    const event = JSON.stringify({ n: 'pageview', u: `${site.wp.url}/proxied-post/`, d: site.domain });
    const post = (body: string, headers: Record<string, string>) =>
      site.wp.request('/wp-json/teller/v1/event', { method: 'POST', body, headers: { 'content-type': 'text/plain', ...headers } });
    expect((await post(event, { origin: 'http://evil.test' })).status).toBe(403);
    expect((await post(event, {})).status).toBe(403);
    const sameSite = { origin: site.wp.url, 'sec-fetch-site': 'same-origin' };
    expect((await post('{"not":"an event"}', sameSite)).status).toBeGreaterThanOrEqual(400);
    expect((await post(JSON.stringify({ n: 'pageview', u: 'https://elsewhere.example/', d: site.domain }), sameSite)).status).toBeGreaterThanOrEqual(400);
    expect((await post('x'.repeat(64 * 1024), sameSite)).status).toBe(413);
  });
});

describe('deactivation', { timeout: 120_000 }, () => {
  it('stops counting: no tracker on the front end once the plugin is deactivated', async () => {
    await site.wp.deactivatePlugin('teller/teller.php');
    try {
      const home = await site.wp.request('/');
      expect(home.status).toBe(200);
      expect(home.body).not.toContain('teller-js');
      expect((await site.wp.request('/wp-json/teller/v1/script.js')).status).toBe(404);
    } finally {
      await site.wp.activatePlugin('teller/teller.php');
    }
  });

  it('logs no PHP warning or error from the plugin', () => {
    const plugin = site.wp.debugLog().split('\n').filter((line) => line.includes('/plugins/teller/'));
    expect(plugin).toEqual([]);
  });
});
