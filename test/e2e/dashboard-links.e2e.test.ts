/**
 * The links and 404 panel and the hostnames tab, fed by the real tracker: Chromium visits a
 * test site (`*.test`, two hostnames) whose snippet has the outbound-link and file-download
 * extras, clicks an outbound link and a download, and loads a missing page that sends
 * Plausible's `404` event; the collector stores them; the owner's site view must show the
 * Stats API's rows for each tab, and before any such event, a hint on how to count them.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateRange, localDay } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { PANELS, TOP_ROWS, activeTab } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { breakdownQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { parseView } from '../../server/core/dashboard-api/view-queries/state.ts';
import { createToken } from '../../server/core/tokens.ts';
import { type PageServer, htmlPage, newVisitor, startPageServer } from './browser.ts';
import { type DashboardHarness, DESKTOP, PHONE, type PageOptions, screenshot, startDashboard, waitFor } from './dashboard-harness.ts';

const DOMAIN = 'links.test';
let d: DashboardHarness;
let site: PageServer;
let token: string;

const eventCount = async (name: string) =>
  (await d.server.db.first<{ n: number }>('SELECT count(*) AS n FROM events WHERE name = ?', [name]))!.n;

beforeAll(async () => {
  [d, site] = await Promise.all([startDashboard(), startPageServer()]);
  const siteId = await d.server.addSite(DOMAIN);
  token = await createToken(d.server.db, { siteId }, Date.now());
  const snippet = `<script defer data-domain="${DOMAIN}" src="${d.url}/js/script.file-downloads.outbound-links.js"></script>`;
  // Plausible's way of counting a missing page: the site's 404 page sends the event itself.
  const notFound = `${snippet}<script>window.plausible = window.plausible || function () { (window.plausible.q = window.plausible.q || []).push(arguments) };
    plausible('404', { props: { path: document.location.pathname } });</script>`;
  site.page('/', htmlPage({ head: snippet, body: `<a id="out" href="${site.origin('elsewhere.test')}/away?token=secret">Away</a> <a id="pdf" href="/files/report.pdf">Report</a>` }));
  site.page('/docs', htmlPage({ head: snippet, body: '<p>Docs</p>' }));
  site.page('/old-page', htmlPage({ head: notFound, body: '<p>Not found</p>' }));
  site.page('/away', htmlPage({ body: '<p>Elsewhere</p>' }));
  site.page('/files/report.pdf', 'pdf', 'application/pdf');
});

afterAll(async () => {
  await Promise.all([d?.close(), site?.close()]);
});

async function stats(q: unknown): Promise<{ results: Array<{ dimensions: string[]; metrics: Array<number | null> }> }> {
  const res = await fetch(`${d.url}/api/v2/query`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(q) });
  expect(res.status).toBe(200);
  return res.json();
}

async function settled(p: Page): Promise<void> {
  await p.waitForSelector('.sv-kpi-value[data-value]');
  await waitFor('every panel filled', () => p.evaluate(() => document.querySelectorAll('.sv-skeleton').length === 0));
}

async function rows(p: Page, panel: string): Promise<Array<[string, number, number]>> {
  return p.$$eval(`[data-panel="${panel}"] .sv-panel-body tr[data-value]`, (trs) =>
    trs.map((tr) => {
      const data = (tr as HTMLElement).dataset;
      return [data.value ?? '', Number(data.visitors), Number(data.second)] as [string, number, number];
    }),
  );
}

/** The rows the Stats API gives for a tab of the view at the page's URL. */
async function apiRows(p: Page, panelId: string, tabId: string): Promise<Array<[string, number, number]>> {
  const state = parseView(new URL(p.url()).search);
  const base = { siteId: DOMAIN, range: dateRange(state, localDay(new Date(), 'Etc/UTC')), filters: state.filters, compare: state.compare };
  const panel = PANELS.find((x) => x.id === panelId)!;
  const answer = await stats(breakdownQuery(base, activeTab(panel, tabId, state.filters), { limit: TOP_ROWS }));
  return answer.results.map((r) => [r.dimensions[0]!, r.metrics[0]!, r.metrics[1]!]);
}

async function ownerView(options: PageOptions = {}): Promise<Page> {
  const p = await d.ownerPage(`/sites/${DOMAIN}?period=day`, options);
  await settled(p);
  return p;
}

async function openTab(p: Page, panel: string, tab: string): Promise<void> {
  await p.click(`#sv-tab-${panel}-${tab}`);
  await waitFor(`the ${tab} tab`, async () => (await p.getAttribute(`#sv-tab-${panel}-${tab}`, 'aria-selected')) === 'true');
  await settled(p);
}

describe('links, downloads, 404 pages and hostnames', { timeout: 120_000 }, () => {
  it('says how to count each kind before any arrives', async () => {
    const visitor = await newVisitor(d.browser);
    const page = await visitor.newPage();
    await page.goto(`${site.origin(DOMAIN)}/`);
    await waitFor('the first pageview', async () => (await eventCount('pageview')) === 1);
    const p = await ownerView();
    const panel = p.locator('[data-panel="links"]');
    expect(await panel.locator('h2').innerText()).toBe('Links and missing pages');
    expect(await panel.locator('.sv-empty').innerText()).toMatch(/data-outbound-links/);
    await openTab(p, 'links', 'downloads');
    expect(await panel.locator('.sv-empty').innerText()).toMatch(/data-file-downloads/);
    await openTab(p, 'links', 'notfound');
    expect(await panel.locator('.sv-empty').innerText()).toContain("plausible('404', { props: { path: location.pathname } })");
    await screenshot(p, 'links-empty-desktop-light');
    await visitor.close();
  });

  it('shows outbound links, downloads, 404 pages and hostnames as the Stats API counts them', async () => {
    const visitor = await newVisitor(d.browser);
    const page = await visitor.newPage();
    await page.goto(`${site.origin(DOMAIN)}/`);
    await page.click('#pdf');
    await waitFor('the download event', async () => (await eventCount('File Download')) === 1);
    await page.goto(`${site.origin(DOMAIN)}/`);
    await page.click('#out');
    await waitFor('the outbound event', async () => (await eventCount('Outbound Link: Click')) === 1);
    await page.goto(`${site.origin(DOMAIN)}/old-page`);
    await page.goto(`${site.origin(`docs.${DOMAIN}`)}/docs`);
    await waitFor('the 404 event', async () => (await eventCount('404')) === 1);
    await waitFor('the pageview on docs.', async () => (await d.server.db.first<{ n: number }>("SELECT count(*) AS n FROM events WHERE hostname = 'docs.links.test'"))!.n === 1);
    await visitor.close();

    const p = await ownerView();
    // The link as the tracker sends it: without its query string.
    const outbound = await rows(p, 'links');
    expect(outbound.map((r) => r[0])).toEqual([`${site.origin('elsewhere.test')}/away`]);
    expect(outbound).toEqual(await apiRows(p, 'links', 'outbound'));
    await openTab(p, 'links', 'downloads');
    expect((await rows(p, 'links')).map((r) => r[0])).toEqual([`${site.origin(DOMAIN)}/files/report.pdf`]);
    expect(await rows(p, 'links')).toEqual(await apiRows(p, 'links', 'downloads'));
    await openTab(p, 'links', 'notfound');
    expect(await rows(p, 'links')).toEqual([['/old-page', 1, 1]]);
    expect(await rows(p, 'links')).toEqual(await apiRows(p, 'links', 'notfound'));
    await openTab(p, 'pages', 'hostnames');
    const hosts = await rows(p, 'pages');
    expect(hosts.map((r) => r[0]).sort()).toEqual([`docs.${DOMAIN}`, DOMAIN]);
    expect(hosts).toEqual(await apiRows(p, 'pages', 'hostnames'));
    await screenshot(p, 'links-desktop-light');

    // A row filters the view by that page, as every panel's rows do.
    await openTab(p, 'links', 'notfound');
    await p.click('[data-panel="links"] tr[data-value="/old-page"] .sv-pick');
    await waitFor('the filter in the URL', () => new URL(p.url()).search.includes('old-page'));

    for (const [name, options] of [
      ['links-phone-dark', { viewport: PHONE, colorScheme: 'dark' }],
      ['links-nb-desktop-light', { viewport: DESKTOP, locale: 'nb-NO' }],
    ] as Array<[string, PageOptions]>) {
      const other = await ownerView(options);
      await other.locator('[data-panel="links"]').scrollIntoViewIfNeeded();
      await screenshot(other, name);
    }
  });
});
