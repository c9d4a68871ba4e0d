/**
 * A cold load of the site view in Chromium takes its answers from the queries the server
 * started as it answered the page (http/early-answers.ts): its one batch comes with the
 * page's cookie, every query of it is handed a started answer (the server's counter), and the view shows
 * the numbers a batch run afresh gives. A shared link's page does the same. No timing.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../node/dashboard-helpers.ts';
import { type DashboardHarness, startDashboard } from './dashboard-harness.ts';

const SITE = 'early.example.com';
let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
  await d.ensureOwner();
  await d.server.addSite(SITE);
  for (const [i, path] of ['/', '/pricing', '/docs'].entries()) expect((await d.sendPageview(SITE, path, `84.208.41.${10 + i}`)).status).toBe(202);
});

afterAll(async () => {
  await d?.close();
});

/** The bodies of the page's batches, as it sends them. */
function batches(page: Page): Array<{ queries: unknown[] }> {
  const sent: Array<{ queries: unknown[] }> = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/dashboard/queries') sent.push(JSON.parse(r.postData() ?? '{}') as { queries: unknown[] });
  });
  return sent;
}

/** The KPI row's figures as drawn, once all are. */
async function kpiValues(page: Page): Promise<string[]> {
  await page.locator('.sv-kpi-value[data-value]').first().waitFor();
  await page.locator('.sv-panel[data-panel="pages"] tbody tr').first().waitFor();
  return page.locator('.sv-kpi-value').allTextContents();
}

/** What the batch answers its queries afresh, as the page's session or link (no key). */
async function afresh(headers: Record<string, string>, queries: unknown[]): Promise<unknown[]> {
  const res = await fetch(`${d.url}/api/dashboard/queries`, { method: 'POST', headers: { origin: d.url, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ queries }) });
  return (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as { i: number; body: unknown }).sort((a, b) => a.i - b.i).map((l) => l.body);
}

describe('the site view\'s queries started with its page', () => {
  it('fill a signed-in user\'s view, every one of its batch\'s queries taken from the start', async () => {
    const page = await d.ownerPage('/');
    const sent = batches(page);
    const served = d.server.earlyAnswers.served;
    await page.goto(`${d.url}/sites/${SITE}?period=30d&f=${encodeURIComponent('contains|event:page|/')}`);
    const shown = await kpiValues(page);
    expect(sent).toHaveLength(1);
    expect(d.server.earlyAnswers.served - served).toBe(sent[0]!.queries.length);
    expect(shown[0]).toBe('3');
    // The same numbers as a run of the same queries now.
    const cookie = (await page.context().cookies()).find((c) => c.name === 'teller_session')!.value;
    const answers = (await afresh({ cookie: `teller_session=${cookie}` }, sent[0]!.queries)) as Array<{ results: Array<{ metrics: unknown[] }> }>;
    expect(answers[0]!.results[0]!.metrics[0]).toBe(3);
  });

  it('are exactly what the page asks, for any period, comparison, filter and tab of its URL', async () => {
    const page = await d.ownerPage('/');
    const sent = batches(page);
    const views = [
      'period=12mo&compare=year&interval=week',
      'period=all&imports=off',
      'period=day&tab.locations=regions&tab.pages=entry',
      'period=custom&from=2026-01-01&to=2026-02-15&compare=previous&match=date',
      `period=7d&f=${encodeURIComponent('is|event:name|Signup')}&tab.events=prop:plan&tab.words=site_search`,
      `period=28d&f=${encodeURIComponent('is|visit:browser|Chrome')}&f=${encodeURIComponent('contains_not|event:page|/docs')}&tab.sources=utm_campaign`,
    ];
    for (const view of views) {
      const served = d.server.earlyAnswers.served;
      await page.goto(`${d.url}/sites/${SITE}?${view}`);
      await page.locator('.sv-kpi-value[data-value]').first().waitFor();
      await expect.poll(() => sent.length).toBeGreaterThan(0);
      const batch = sent.splice(0);
      expect(batch).toHaveLength(1);
      expect({ view, served: d.server.earlyAnswers.served - served }).toEqual({ view, served: batch[0]!.queries.length });
    }
  });

  it('fill a shared link\'s view the same way', async () => {
    const owner = (await (await d.ownerPage('/')).context().cookies()).find((c) => c.name === 'teller_session')!.value;
    const link = (await call(d.server, 'POST', `/api/dashboard/sites/${SITE}/shared-links`, { cookie: owner, json: {} })).body.link as { url: string };
    const page = await d.newPage();
    const sent = batches(page);
    const served = d.server.earlyAnswers.served;
    await page.goto(`${d.url}${new URL(link.url).pathname}?period=7d`);
    expect((await kpiValues(page))[0]).toBe('3');
    expect(sent).toHaveLength(1);
    expect(d.server.earlyAnswers.served - served).toBe(sent[0]!.queries.length);
  });
});
