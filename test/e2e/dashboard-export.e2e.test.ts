/**
 * The whole view's export in Chromium: with a filter, a range and a comparison set, the
 * Export button downloads one ZIP; it unzips (CRCs checked, and by Python's zipfile), holds
 * one CSV per panel tab plus the key figures and the series, under a name that says the site,
 * the days and the filter, and every file's rows are the Stats API's answer to the view's query.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateRange, localDay } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { EXPORT_ROWS, exportTabs } from '../../dashboard/site-view/export-tabs.ts';
import { breakdownQuery, kpiQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { type ViewState, defaultState, serializeView } from '../../server/core/dashboard-api/view-queries/state.ts';
import { createToken } from '../../server/core/tokens.ts';
import { parseCsv, unzip } from '../helpers/privacy-zip.ts';
import { CHROME_MAC, FIREFOX_WINDOWS, GERMANY, NORWAY, NORWAY_2, SWEDEN, type Visitor } from '../shared/target.ts';
import { type DashboardHarness, PHONE, screenshot, startDashboard } from './dashboard-harness.ts';

const DOMAIN = 'export.example.com';
let d: DashboardHarness;
let token: string;

const send = (visitor: Visitor, userAgent: string, body: Record<string, unknown>) => d.sendEvent(DOMAIN, visitor, userAgent, body);

const url = (path: string) => `https://${DOMAIN}${path}`;

beforeAll(async () => {
  d = await startDashboard();
  const siteId = await d.server.addSite(DOMAIN);
  token = await createToken(d.server.db, { siteId }, Date.now());
  await send(NORWAY, FIREFOX_WINDOWS, { u: url('/'), r: 'https://www.google.com/' });
  await send(NORWAY, FIREFOX_WINDOWS, { u: url('/pricing?utm_source=news&utm_campaign=winter') });
  await send(NORWAY_2, CHROME_MAC, { u: url('/docs, "quoted"'), r: 'https://news.ycombinator.com/' });
  await send(NORWAY_2, CHROME_MAC, { u: url('/docs'), n: 'Outbound Link: Click', p: { url: 'https://github.com/teller' } });
  await send(SWEDEN, FIREFOX_WINDOWS, { u: url('/pricing'), n: 'Signup', p: { plan: 'pro' } });
  await send(GERMANY, CHROME_MAC, { u: url('/'), r: 'https://duckduckgo.com/' });
});

afterAll(async () => {
  await d?.close();
});

async function stats(q: unknown): Promise<{ results: Array<{ dimensions: string[]; metrics: Array<number | null>; comparison?: { metrics: Array<number | null> } }> }> {
  const res = await fetch(`${d.url}/api/v2/query`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(q) });
  expect(res.status).toBe(200);
  return res.json();
}

/** Clicks Export and returns the downloaded file's name and bytes. */
async function download(p: Page): Promise<{ name: string; bytes: Uint8Array; path: string }> {
  const [file] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: /Export every panel/ }).click()]);
  const path = (await file.path())!;
  return { name: file.suggestedFilename(), bytes: new Uint8Array(await readFile(path)), path };
}

describe('export of the whole view', { timeout: 120_000 }, () => {
  it('downloads one ZIP of CSVs whose files are the Stats API answers for the view, filters and range included', async () => {
    const state: ViewState = { ...defaultState(), period: 'day', compare: 'previous', filters: [{ op: 'is', dimension: 'visit:country', values: ['NO'] }] };
    const p = await d.ownerPage(`/sites/${DOMAIN}?${serializeView(state)}`);
    await p.waitForSelector('.sv-kpi-value[data-value]');
    await screenshot(p, 'export-header-desktop-light');
    const { name, bytes, path } = await download(p);
    const today = localDay(new Date(), 'Etc/UTC');
    expect(name).toBe(`export.example.com_view_${today}_${today}_country-NO.zip`);

    const files = unzip(bytes);
    const base = { siteId: DOMAIN, range: dateRange(state, today), filters: state.filters, compare: state.compare };
    const tabs = exportTabs(state.filters);
    expect([...files.keys()]).toEqual(['summary.csv', 'over-time.csv', ...tabs.map((x) => `${x.name}.csv`)]);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['pages-top.csv', 'pages-hostnames.csv', 'sources-utm_campaign.csv', 'links-outbound.csv', 'locations-countries.csv']));
    // Any unzip reads it, not only ours.
    const listed = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(z.namelist()))', path], { encoding: 'utf8' });
    expect(listed.trim().split('\n')).toEqual([...files.keys()]);

    // The key figures, with the comparison the view asked for.
    const kpis = (await stats(kpiQuery(base))).results[0]!;
    const summary = parseCsv(files.get('summary.csv')!);
    expect(summary.header).toEqual(['Metric', 'Value', 'Comparison']);
    expect(summary.rows.map((r) => Number(r.Value))).toEqual(kpis.metrics);
    expect(summary.rows.map((r) => r.Comparison)).toEqual(kpis.comparison!.metrics.map((m) => (m === null ? '' : String(m))));
    expect(summary.rows[0]).toMatchObject({ Metric: 'Unique visitors', Value: '2' });

    // Every panel tab: the rows of the same query, in order (values as the panel labels them).
    for (const { name: part, tab } of tabs) {
      const expected = (await stats(breakdownQuery(base, tab, { limit: EXPORT_ROWS }))).results;
      const csv = parseCsv(files.get(`${part}.csv`)!);
      const [, visitorsColumn, secondColumn] = csv.header.slice(-3);
      expect(csv.rows.map((r) => Number(r[visitorsColumn!])), part).toEqual(expected.map((r) => r.metrics[0]));
      expect(csv.rows.map((r) => (r[secondColumn!] === '' ? null : Number(r[secondColumn!]))), part).toEqual(expected.map((r) => r.metrics[1]));
    }
    const pages = parseCsv(files.get('pages-top.csv')!);
    // Top pages count page views: /docs only sent an outbound-link click.
    expect(pages.rows.map((r) => r.Page).sort()).toEqual(['/', '/docs, "quoted"', '/pricing']);
    expect(parseCsv(files.get('locations-countries.csv')!).rows).toEqual([{ Country: 'Norway', ISO: 'NO', Visitors: '2', Share: '100' }]);
    expect(parseCsv(files.get('links-outbound.csv')!).rows.map((r) => r.Link)).toEqual(['https://github.com/teller']);
    // The filter holds: Germany's and Sweden's visits are in no file.
    expect(parseCsv(files.get('sources-sources.csv')!).rows.map((r) => r.Source).sort()).toEqual(['Google', 'Hacker News']);
  });

  it('fits the header on a phone', async () => {
    const p = await d.ownerPage(`/sites/${DOMAIN}?period=day`, { viewport: PHONE, colorScheme: 'dark' });
    await p.waitForSelector('.sv-kpi-value[data-value]');
    const box = (await p.getByRole('button', { name: /Export every panel/ }).boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(p, 'export-header-phone-dark');
  });
});
