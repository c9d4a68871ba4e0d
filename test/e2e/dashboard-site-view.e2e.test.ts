/**
 * The site view in real Chromium against a real server: a known set of events goes in
 * through /api/event, and every number the view shows (KPIs, the chart's table, each
 * panel) must be the Stats API's answer to the same query; clicks filter, the URL carries
 * the view, CSV holds the panel's rows, a shared link is read-only, axe finds nothing
 * serious, a phone has no horizontal scroll. Screenshots for a person to judge.
 */
import type { Page } from 'playwright-core';
import type { RecentVisitsPage } from '../../server/core/dashboard-api/contract.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../server/core/tokens.ts';
import { dateRange, localDay } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { PANELS, TOP_ROWS, activeTab } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { breakdownQuery, kpiQuery, seriesQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { type Filter, parseView } from '../../server/core/dashboard-api/view-queries/state.ts';
import { CHROME_MAC, FIREFOX_WINDOWS, GERMANY, NORWAY, NORWAY_2, NORWAY_3, NORWAY_V6, SAFARI_IPHONE, SWEDEN, type Visitor } from '../shared/target.ts';
import { type DashboardHarness, OWNER, PHONE, rawKeysOnPage, screenshot, seriousA11yViolations, startDashboard, waitFor } from './dashboard-harness.ts';

const DOMAIN = 'example.com';
let harness: DashboardHarness;
let token: string;

const send = (visitor: Visitor, userAgent: string, body: Record<string, unknown>) => harness.sendEvent(DOMAIN, visitor, userAgent, body);

const page = (path: string) => `https://${DOMAIN}${path}`;

async function ingest(): Promise<void> {
  await send(NORWAY, FIREFOX_WINDOWS, { u: page('/'), r: 'https://www.bing.com/search?q=privacy+analytics' });
  await send(NORWAY, FIREFOX_WINDOWS, { u: page('/pricing') });
  await send(NORWAY_2, CHROME_MAC, { u: page('/?utm_source=newsletter&utm_medium=email&utm_campaign=launch') });
  await send(NORWAY_3, SAFARI_IPHONE, { u: page('/blog/hello'), r: 'https://news.ycombinator.com/item?id=1' });
  await send(NORWAY_3, SAFARI_IPHONE, { u: page('/search?q=teller') });
  await send(SWEDEN, FIREFOX_WINDOWS, { u: page('/pricing'), r: 'https://www.google.com/' });
  await send(SWEDEN, FIREFOX_WINDOWS, { u: page('/pricing'), n: 'Signup', p: { plan: 'pro' } });
  await send(GERMANY, CHROME_MAC, { u: page('/docs'), r: 'https://duckduckgo.com/' });
}

async function stats(q: unknown): Promise<{ results: Array<{ dimensions: string[]; metrics: Array<number | null>; comparison?: { metrics: Array<number | null> } }>; meta: { time_labels?: string[] } }> {
  const res = await fetch(`${harness.url}/api/v2/query`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(q) });
  expect(res.status).toBe(200);
  return res.json();
}

/** The queries the view sends for the URL's state, rebuilt here from the same modules. */
function baseOf(search: string) {
  const state = parseView(search);
  const today = localDay(new Date(), 'Etc/UTC');
  return { state, base: { siteId: DOMAIN, range: dateRange(state, today), filters: state.filters, compare: state.compare } };
}

beforeAll(async () => {
  harness = await startDashboard();
  const siteId = await harness.server.addSite(DOMAIN);
  token = await createToken(harness.server.db, { siteId }, Date.now());
  await ingest();
});

afterAll(async () => {
  await harness?.close();
});

type Row = [string, number, number | null];

async function kpiValues(p: Page): Promise<number[]> {
  return p.$$eval('.sv-kpi-value', (els) => els.map((el) => Number((el as HTMLElement).dataset.value)));
}

async function panelRows(p: Page, panel: string): Promise<Row[]> {
  return p.$$eval(`[data-panel="${panel}"] .sv-panel-body tr[data-value]`, (trs) =>
    trs.map((tr) => {
      const d = (tr as HTMLElement).dataset;
      return [d.value ?? '', Number(d.visitors), d.second === '' ? null : Number(d.second)] as [string, number, number | null];
    }),
  );
}

async function settled(p: Page): Promise<void> {
  await p.waitForSelector('.sv-kpi-value[data-value]');
  await waitFor('every panel filled', () => p.evaluate(() => document.querySelectorAll('.sv-skeleton').length === 0));
}

const search = (p: Page) => new URL(p.url()).search;

/**
 * Submits the open dialog and waits for the view it asks for. The dialog applies its choice
 * on its close event, a task after the submit, so until then the old view is still on the
 * page, settled.
 */
async function submitDialog(p: Page): Promise<void> {
  const before = p.url();
  await p.click('dialog button[type="submit"]');
  await waitFor('the view the dialog asked for', () => p.url() !== before);
  await settled(p);
}

/** The KPI row and every tab of every panel show the Stats API's numbers for the page's URL. */
async function expectViewMatchesApi(p: Page): Promise<void> {
  await settled(p);
  const { base } = baseOf(search(p));
  const kpi = await stats(kpiQuery(base));
  expect(await kpiValues(p)).toEqual(kpi.results[0]!.metrics);

  for (const panel of PANELS) {
    for (const tabDef of panel.tabs) {
      if (tabDef.id === 'map') continue;
      if (panel.tabs.length > 1) await p.click(`#sv-tab-${panel.id}-${tabDef.id}`);
      await settled(p);
      const { state } = baseOf(search(p));
      const tab = activeTab(panel, state.tabs[panel.id], state.filters);
      const expected = await stats(breakdownQuery(base, tab, { limit: panel.id === 'locations' ? 300 : TOP_ROWS }));
      const rows = expected.results.slice(0, TOP_ROWS).map((r) => [r.dimensions[0], r.metrics[0], r.metrics[1]] as Row);
      expect(await panelRows(p, panel.id), `${panel.id}/${tabDef.id}`).toEqual(rows);
    }
  }
}

describe('site view', { timeout: 120_000 }, () => {
  it('shows exactly the Stats API numbers in the KPIs, the chart table and every panel tab', async () => {
    await harness.ensureOwner();
    const p = await harness.newPage();
    // Every API call the page makes, in order, and every answer's arrival.
    await p.addInitScript(() => {
      const log: Array<[string, string]> = [];
      (window as unknown as { apiLog: typeof log }).apiLog = log;
      const original = window.fetch;
      window.fetch = (input, init) => {
        const url = new URL(String(input instanceof Request ? input.url : input), location.href).pathname;
        log.push(['call', url]);
        return original(input, init).finally(() => log.push(['done', url]));
      };
    });
    await harness.loginAs(p, OWNER, `/sites/${DOMAIN}?period=day&compare=previous`);
    await settled(p);
    // A cold load: the page carries the session and its sites, so after the page's own files
    // the view's calls are the first and only round, all started before any answer; its Stats
    // API queries go in one request, answered line by line (api/dashboard/queries).
    const apiLog = (await p.evaluate(() => (window as unknown as { apiLog: Array<[string, string]> }).apiLog)).filter(([, url]) => url.startsWith('/api/'));
    expect(apiLog.filter(([, url]) => url === '/api/dashboard/session' || url === '/api/dashboard/sites')).toEqual([]);
    expect(apiLog.filter(([kind, url]) => kind === 'call' && url.startsWith('/api/v2/'))).toEqual([]);
    expect(apiLog.filter(([kind, url]) => kind === 'call' && url === '/api/dashboard/queries')).toHaveLength(1);
    const firstAnswer = apiLog.findIndex(([kind]) => kind === 'done');
    expect(firstAnswer).toBeGreaterThanOrEqual(4);
    // Only the header's current-visitors count waits for the view's answers (dashboard-load-order.e2e.test.ts).
    expect(apiLog.slice(firstAnswer).filter(([kind, url]) => kind === 'call' && url !== '/api/v1/stats/realtime/visitors')).toEqual([]);
    await p.waitForSelector('.sv-map');
    await screenshot(p, 'site-view-desktop-light');
    // Every event arrived today: yesterday, before tracking began, is nothing to compare with, and no line is drawn for it.
    expect(await p.getAttribute('.sv-compare-note', 'data-coverage')).toBe('none');
    // On a bucket a tooltip beside the cursor gives the time and values; away, it hides.
    const tip = () => p.locator('.sv-chart .sv-tip').innerText();
    const over = (await p.locator('.sv-chart .u-over').boundingBox())!;
    // The day's first hour, which has begun whatever the time (a later one may be in the future, shown as –).
    await p.mouse.move(over.x + 2, over.y + over.height / 2);
    await expect.poll(tip).toMatch(/^\d+ \w+ \d{4} 00:00\s*Unique visitors\s*\d+$/);
    await p.mouse.move(0, 0);
    await p.locator('.sv-chart .sv-tip').waitFor({ state: 'hidden' });
    await expectViewMatchesApi(p);

    const { base } = baseOf('?period=day&compare=previous');
    const series = await stats(seriesQuery(base, 'hour'));
    const byLabel = new Map(series.results.map((r) => [r.dimensions[0], r]));
    const table = await p.$$eval('.sv-chart-table tbody tr', (trs) =>
      trs.map((tr) => [(tr as HTMLElement).dataset.bucket, ...[...tr.querySelectorAll('td')].map((td) => Number(td.dataset.value))]),
    );
    expect(table).toEqual(series.meta.time_labels!.map((label) => [label, byLabel.get(label)?.metrics[0] ?? 0]));
    expect(table.reduce((sum, row) => sum + Number(row[1]), 0)).toBeGreaterThan(0);

    const params = new URLSearchParams({ date_range: JSON.stringify('day'), filters: '[]', page: '1', limit: '20' });
    const answer = await p.context().request.get(`${harness.url}/api/dashboard/sites/${DOMAIN}/visits?${params}`);
    const { visits } = (await answer.json()) as RecentVisitsPage;
    expect(visits.length).toBeGreaterThan(0);
    const shown = await p.$$eval('[data-panel="visits"] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(shown.map((cells) => [cells[1], cells[5], cells[6], cells[7]])).toEqual(visits.map((v) => [v.ip ?? 'not stored', v.device, v.entryPage, String(v.pageviews)]));
  });

  it('filters every panel by a clicked country row and by a clicked map country, and the URL carries the view through a reload', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day&tab.locations=countries`);
    await settled(p);
    await p.click('[data-panel="locations"] tr[data-value="SE"] button');
    await settled(p);
    expect(parseView(search(p)).filters).toEqual([{ op: 'is', dimension: 'visit:country', values: ['SE'] }] satisfies Filter[]);
    await expect.poll(() => p.locator('.sv-chip').count()).toBe(1);
    await expectViewMatchesApi(p);
    expect(await kpiValues(p).then((v) => v[0])).toBe(1);

    await p.click('.sv-chip-remove');
    await p.click('#sv-tab-locations-map');
    await p.waitForSelector('.sv-map path[data-country="NO"]');
    // Norway's outline is concave: the middle of its box is Sweden, so the click goes to the path itself.
    await p.locator('.sv-map path[data-country="NO"]').dispatchEvent('click');
    await settled(p);
    expect(parseView(search(p)).filters).toEqual([{ op: 'is', dimension: 'visit:country', values: ['NO'] }] satisfies Filter[]);
    await expectViewMatchesApi(p);

    const before = { url: p.url(), kpis: await kpiValues(p), pages: await panelRows(p, 'pages'), tabs: await p.$$eval('[role=tab][aria-selected=true]', (els) => els.map((el) => el.id)) };
    await p.reload();
    await settled(p);
    expect({ url: p.url(), kpis: await kpiValues(p), pages: await panelRows(p, 'pages'), tabs: await p.$$eval('[role=tab][aria-selected=true]', (els) => els.map((el) => el.id)) }).toEqual(before);
    // The last click of the tour above was the last tabbed panel's last tab: back shows the tab before it again.
    const last = PANELS.filter((x) => x.tabs.length > 1).at(-1)!;
    const previous = last.tabs.at(-2)!;
    await p.goBack();
    await settled(p);
    expect(parseView(search(p)).tabs[last.id]).toBe(previous.id);
    expect(await p.getAttribute(`#sv-tab-${last.id}-${previous.id}`, 'aria-selected')).toBe('true');
    expect(await panelRows(p, last.id)).toEqual((await stats(breakdownQuery(baseOf(search(p)).base, previous, { limit: TOP_ROWS }))).results.map((r) => [r.dimensions[0], r.metrics[0], r.metrics[1]]));
  });

  it('Details lists, searches and sorts the full list; the filter dialog, event properties, tabs by keyboard and the calendar work', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day`);
    await settled(p);
    const { base } = baseOf('?period=day');
    const top = PANELS.find((x) => x.id === 'pages')!.tabs[0]!;
    const dialogRows = () => p.$$eval('dialog.sv-details tr[data-value]', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.value));

    await p.click('[data-panel="pages"] .sv-panel-foot button:first-child');
    await p.waitForSelector('dialog.sv-details tr[data-value]');
    expect(await dialogRows()).toEqual((await stats(breakdownQuery(base, top, { limit: 50 }))).results.map((r) => r.dimensions[0]));
    await p.fill('dialog.sv-details input[type="search"]', 'pri');
    await waitFor('search applied', async () => JSON.stringify(await dialogRows()) === JSON.stringify(['/pricing']));
    await p.fill('dialog.sv-details input[type="search"]', '');
    await p.click('dialog.sv-details th:first-child .sv-sort');
    const byPage = (await stats(breakdownQuery(base, top, { limit: 50, orderBy: ['event:page', 'desc'] }))).results.map((r) => r.dimensions[0]);
    await waitFor('sorted by page', async () => JSON.stringify(await dialogRows()) === JSON.stringify(byPage));
    expect(await p.textContent('dialog.sv-details .sv-dialog-foot p')).toContain(String(byPage.length));
    await p.keyboard.press('Escape');
    // The dialog leaves the page on its close event, a moment after the key.
    await p.waitForSelector('dialog.sv-details', { state: 'detached' });

    await p.click('[data-key="filter-add"]');
    await p.selectOption('dialog select >> nth=0', 'visit:browser');
    await p.selectOption('dialog select >> nth=1', 'is_not');
    await p.fill('dialog input', 'Firefox');
    await submitDialog(p);
    expect(parseView(search(p)).filters).toEqual([{ op: 'is_not', dimension: 'visit:browser', values: ['Firefox'] }] satisfies Filter[]);
    expect(await kpiValues(p)).toEqual((await stats(kpiQuery(baseOf(search(p)).base))).results[0]!.metrics);
    await p.click('.sv-chip-remove');
    await settled(p);

    // Clicking an event filters by it and offers the property names it was sent with.
    await p.click('[data-panel="events"] tr[data-value="Signup"] button');
    await settled(p);
    await p.waitForSelector('[data-panel="events"] .sv-prop');
    expect(await p.$$eval('[data-panel="events"] .sv-prop', (bs) => bs.map((b) => b.textContent))).toEqual(['Events', 'plan']);
    await p.click('[data-panel="events"] .sv-prop:text-is("plan")');
    await settled(p);
    expect(parseView(search(p)).tabs.events).toBe('prop:plan');
    expect(await panelRows(p, 'events')).toEqual([['pro', 1, 1]]);
    expect(await p.getAttribute('[data-panel="events"] .sv-prop:text-is("plan")', 'aria-pressed')).toBe('true');
    await p.click('.sv-chip-remove');

    await p.focus('#sv-tab-devices-browser');
    await p.keyboard.press('ArrowRight');
    await settled(p);
    expect(parseView(search(p)).tabs.devices).toBe('os');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('sv-tab-devices-os');

    await p.selectOption('#sv-range', 'pick');
    await p.waitForSelector('dialog input[type="date"]');
    const today = localDay(new Date(), 'Etc/UTC');
    await p.fill('dialog input[type="date"] >> nth=0', today);
    await p.fill('dialog input[type="date"] >> nth=1', today);
    await submitDialog(p);
    expect(parseView(search(p))).toMatchObject({ period: 'custom', from: today, to: today });
    expect(await kpiValues(p)).toEqual((await stats(kpiQuery(base))).results[0]!.metrics);
    await p.selectOption('#sv-range', 'pick');
    await p.waitForSelector('dialog input[type="date"]');
    await p.keyboard.press('Escape');
    await expect.poll(() => p.inputValue('#sv-range')).toBe('custom');
  });

  it('shows a failing query in its own panel only, with the server\'s message', async () => {
    await harness.ensureOwner();
    const p = await harness.newPage();
    // The channels query is made invalid on its way, so the real server refuses it (its line
    // of the view's one request of queries) and answers the others.
    await p.route('**/api/dashboard/queries', (route) => {
      const body = route.request().postDataJSON() as { queries: Array<{ dimensions?: string[] }> };
      const queries = body.queries.map((q) => (q.dimensions?.[0] === 'visit:channel' ? { ...q, metrics: ['bogus'] } : q));
      return route.continue({ postData: JSON.stringify({ queries }) });
    });
    await harness.loginAs(p, OWNER, `/sites/${DOMAIN}?period=day`);
    await settled(p);
    expect(await p.textContent('[data-panel="sources"] .sv-error')).toContain('Unknown metric "bogus"');
    expect(await p.locator('.sv-error').count()).toBe(1);
    expect((await panelRows(p, 'pages')).length).toBeGreaterThan(0);
    expect((await kpiValues(p))[0]).toBeGreaterThan(0);
  });

  it('exports a panel as the CSV of exactly its rows, named by site, range and filter', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day&f=${encodeURIComponent('is|visit:country|NO')}`);
    await settled(p);
    const rows = await panelRows(p, 'pages');
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-panel="pages"] .sv-panel-foot button:last-child')]);
    const today = localDay(new Date(), 'Etc/UTC');
    expect(download.suggestedFilename()).toBe(`${DOMAIN}_pages-page_${today}_${today}_country-NO.csv`);
    const text = await new Response((await download.createReadStream()) as unknown as ReadableStream).text();
    expect(text).toBe(['Page,Visitors,Pageviews', ...rows.map(([value, visitors, second]) => `${value},${visitors},${second}`)].join('\r\n') + '\r\n');
  });

  it('lets the owner add and delete an annotation, drawn on the chart with its text', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=7d`);
    await settled(p);
    await p.click('.sv-notes summary');
    await p.fill('.sv-note-form input[name="text"]', 'Launch');
    await p.click('.sv-note-form button[type="submit"]');
    await p.waitForSelector('.sv-marker[aria-label$="Launch"]');
    await p.click('.sv-note-delete');
    await p.click('.sv-note-confirm');
    await waitFor('annotation deleted', async () => (await p.locator('.sv-marker').count()) === 0 && (await p.locator('.sv-note-delete').count()) === 0);
  });

  it('teaches: the snippet before the first event, and a way out of a filter that matches nothing', async () => {
    await harness.server.addSite('empty.example');
    const p = await harness.ownerPage('/sites/empty.example');
    await p.waitForSelector('.sv-empty-site');
    expect(await p.textContent('.sv-snippet')).toBe(`<script defer data-domain="empty.example" src="${harness.url}/script.js"></script>`);

    await p.goto(`${harness.url}/sites/${DOMAIN}?period=day&f=${encodeURIComponent('is|visit:country|JP')}`);
    await p.waitForSelector('.sv-no-match');
    await p.click('.sv-no-match button');
    await settled(p);
    expect(parseView(search(p)).filters).toEqual([]);
    expect((await kpiValues(p))[0]).toBeGreaterThan(0);
  });

  it('shows a shared link read-only', async () => {
    const owner = await harness.ownerPage('/');
    const res = await owner.context().request.post(`${harness.url}/api/dashboard/sites/${DOMAIN}/shared-links`, { data: { showVisits: false }, headers: { origin: harness.url } });
    expect(res.status()).toBe(200);
    const { url } = ((await res.json()) as { link: { url: string } }).link;
    const p = await harness.newPage();
    await p.goto(`${url}${url.includes('?') ? '&' : '?'}period=day`);
    await settled(p);
    const { base } = baseOf('?period=day');
    expect(await kpiValues(p)).toEqual((await stats(kpiQuery(base))).results[0]!.metrics);
    expect(await p.locator('.sv-note-form').count()).toBe(0);
    expect(await p.locator('[data-panel="visits"]').count()).toBe(0);
  });

  it('passes axe in light and dark, speaks bokmål with no raw key, and fits a phone without horizontal scroll', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { colorScheme });
      await settled(p);
      await p.waitForSelector('.sv-map');
      expect(await seriousA11yViolations(p), colorScheme).toEqual([]);
      if (colorScheme === 'dark') await screenshot(p, 'site-view-desktop-dark');
    }
    const nb = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { locale: 'nb-NO' });
    await settled(nb);
    expect(await rawKeysOnPage(nb)).toEqual([]);
    expect(await nb.textContent('[data-metric="visitors"] .sv-kpi-label')).toBe('Unike besøkende');
    expect(await nb.textContent('#sv-title-visits')).toBe('Nylige besøk');

    const phone = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { viewport: PHONE });
    await settled(phone);
    await phone.waitForSelector('.sv-map');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone, 'site-view-phone');
  });
  it('counts current visitors and refreshes the count every 30 seconds by itself', async () => {
    await harness.ensureOwner();
    const p = await harness.newPage();
    await p.clock.install();
    await harness.loginAs(p, OWNER, `/sites/${DOMAIN}?period=day`);
    const realtime = async () => {
      const res = await fetch(`${harness.url}/api/v1/stats/realtime/visitors?site_id=${DOMAIN}`, { headers: { authorization: `Bearer ${token}` } });
      return Number(await res.text());
    };
    const before = await realtime();
    await p.waitForSelector(`.sv-realtime:not([hidden]):text("${before} current visitors")`);
    await send(NORWAY_V6, SAFARI_IPHONE, { u: page('/late') });
    expect(await realtime()).toBe(before + 1);
    await p.clock.runFor(30_000);
    await p.waitForSelector(`.sv-realtime:text("${before + 1} current visitors")`);
  });
});
