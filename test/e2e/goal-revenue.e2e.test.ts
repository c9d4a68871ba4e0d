/**
 * Revenue in the KPI row, in real Chromium against a real server: filtered by a revenue goal
 * (an event goal with a currency) the row adds total and average revenue beside the
 * conversion rate, equal to the Stats API's answer to the same query, in the goal's currency,
 * with their change against the comparison; their question goes out in the view's one batch.
 * A goal without a currency, and no goal filter, leave the row as it was. Screenshots at
 * desktop, 375 px and dark, English and bokmål, for a person to judge.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateRange, localDay } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { kpiQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { revenueQuery } from '../../dashboard/site-view/revenue-query.ts';
import { parseView } from '../../server/core/dashboard-api/view-queries/state.ts';
import { addGoal, parseGoal } from '../../server/core/goals/goals.ts';
import { createToken } from '../../server/core/tokens.ts';
import { type DashboardHarness, DESKTOP, OWNER, type PageOptions, PHONE, rawKeysOnPage, SCREENSHOT_DIR, seriousA11yViolations, startDashboard, waitFor } from './dashboard-harness.ts';

const SITE = 'revenue.example.com';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const DAY_MS = 86_400_000;

let d: DashboardHarness;
let token: string;
/** The server's clock runs this far behind the real one while the comparison period's events are sent. */
let behind = 0;

const purchase = (ip: string, amount: string) => d.sendEvent(SITE, { ip }, UA, { n: 'Purchase', u: `https://${SITE}/checkout`, $: { amount, currency: 'NOK' } });

/*
 * 40 days ago (in the previous 28 days): one purchase of NOK 100.
 * Today: purchases of NOK 199 and NOK 301 by two visitors (total 500, average 250: +400 %
 * and +150 %), a Signup by a third, a fourth who only looks, and a Subscription of NOK 1,234,567.89.
 */
beforeAll(async () => {
  d = await startDashboard({ clock: () => Date.now() - behind });
  const siteId = await d.server.addSite(SITE, 'Etc/UTC');
  token = await createToken(d.server.db, { siteId }, Date.now());
  await addGoal(d.server.db, siteId, parseGoal({ kind: 'event', eventName: 'Purchase', currency: 'NOK' }), Date.now());
  await addGoal(d.server.db, siteId, parseGoal({ kind: 'event', eventName: 'Signup' }), Date.now());
  await addGoal(d.server.db, siteId, parseGoal({ kind: 'event', eventName: 'Subscription', currency: 'NOK' }), Date.now());
  behind = 40 * DAY_MS;
  await purchase('84.208.20.100', '100');
  behind = 0;
  await purchase('84.208.20.110', '199');
  await purchase('84.208.20.111', '301');
  await d.sendEvent(SITE, { ip: '85.226.0.1' }, UA, { n: 'Signup', u: `https://${SITE}/signup` });
  await d.sendEvent(SITE, { ip: '91.64.0.1' }, UA, { u: `https://${SITE}/` });
  // An amount too long for a phone's cell in full.
  await d.sendEvent(SITE, { ip: '91.64.0.2' }, UA, { n: 'Subscription', u: `https://${SITE}/subscribe`, $: { amount: '1234567.89', currency: 'NOK' } });
});

afterAll(async () => {
  await d?.close();
});

const goalView = (goal: string, more = '') => `?f=${encodeURIComponent(`is|event:goal|${goal}`)}${more}`;

/** The view's query base, as index.ts builds it from the URL. */
function baseOf(search: string) {
  const state = parseView(search);
  return { siteId: SITE, range: dateRange(state, localDay(new Date(), 'Etc/UTC')), filters: state.filters, compare: state.compare, matchWeekday: state.matchWeekday, imports: state.imports };
}

type Revenue = { value: number; currency: string } | null;
type Answer = { results: Array<{ metrics: Revenue[]; comparison?: { metrics: Revenue[]; change: Array<number | null> } }> };

async function stats(q: unknown): Promise<Answer> {
  const res = await fetch(`${d.url}/api/v2/query`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(q) });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json() as Promise<Answer>;
}

/** The row once every figure is in: each cell's metric, label, value and change. */
async function row(page: Page) {
  await page.locator('.sv-kpis .sv-kpi-value[data-value]').first().waitFor();
  await waitFor('every KPI filled', () => page.evaluate(() => document.querySelectorAll('.sv-kpis .sv-skeleton-text').length === 0));
  return page.$$eval('.sv-kpi', (cells) =>
    cells.map((c) => ({
      metric: (c as HTMLElement).dataset.metric ?? '',
      label: c.querySelector('.sv-kpi-label')?.textContent ?? '',
      value: (c.querySelector('.sv-kpi-value') as HTMLElement).dataset.value ?? '',
      text: c.querySelector('.sv-kpi-value')?.textContent ?? '',
      change: (c.querySelector('.sv-kpi-change') as HTMLElement).dataset.change ?? null,
    })),
  );
}

/** The batch requests the page sends, each the list of its queries' metrics. */
function batches(page: Page): string[][][] {
  const sent: string[][][] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/dashboard/queries')) sent.push((request.postDataJSON() as { queries: Array<{ metrics: string[] }> }).queries.map((q) => q.metrics));
  });
  return sent;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const kpis = page.locator('.sv-kpis');
  await kpis.scrollIntoViewIfNeeded();
  await kpis.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Nothing in the row wider than its box (a phone's two columns). */
const overflowing = (page: Page) =>
  page.$$eval('.sv-kpis, .sv-kpis .sv-kpi, .sv-kpis .sv-kpi > *', (els) => els.filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.className));

describe('revenue KPIs', () => {
  it('filtered by a revenue goal: total and average revenue as the Stats API answers, with their change, in one batch', async () => {
    const search = goalView('Purchase', '&compare=previous');
    const page = await d.newPage({ viewport: DESKTOP });
    const sent = batches(page);
    await d.ensureOwner();
    await d.loginAs(page, OWNER, `/sites/${SITE}${search}`);
    const cells = await row(page);
    const api = (await stats(revenueQuery(kpiQuery(baseOf(search))))).results[0]!;
    expect(api.metrics).toEqual([expect.objectContaining({ value: 500, currency: 'NOK' }), expect.objectContaining({ value: 250, currency: 'NOK' })]);
    expect(api.comparison!.metrics).toEqual([expect.objectContaining({ value: 100 }), expect.objectContaining({ value: 100 })]);
    expect(cells.map((c) => c.metric)).toEqual(['visitors', 'events', 'conversion_rate', 'total_revenue', 'average_revenue']);
    expect(cells.slice(3).map((c) => c.label)).toEqual(['Total revenue', 'Average revenue']);
    expect(cells.slice(3).map((c) => Number(c.value))).toEqual(api.metrics.map((m) => m!.value));
    expect(cells.slice(3).map((c) => c.text)).toEqual([expect.stringMatching(/^NOK\s500\.00$/), expect.stringMatching(/^NOK\s250\.00$/)]);
    expect(cells.slice(3).map((c) => Number(c.change))).toEqual(api.comparison!.change);
    expect(api.comparison!.change).toEqual([400, 150]);
    expect(await page.locator('[data-metric="total_revenue"] .sv-kpi-change.good').textContent()).toMatch(/^↑ 400%/);
    // The revenue question went out with the view's others, in the first batch.
    expect(sent[0]).toContainEqual(['total_revenue', 'average_revenue']);
    expect(sent.flat().filter((m) => m.includes('total_revenue'))).toHaveLength(1);
    expect(await page.locator('.sv-error').count()).toBe(0);
    expect(await rawKeysOnPage(page)).toEqual([]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await shot(page, 'goal-revenue-kpis-desktop-light');
  });

  it('a goal without a currency, and no goal filter, show no revenue', async () => {
    const page = await d.newPage({ viewport: DESKTOP });
    const sent = batches(page);
    await d.ensureOwner();
    await d.loginAs(page, OWNER, `/sites/${SITE}${goalView('Signup')}`);
    expect((await row(page)).map((c) => c.metric)).toEqual(['visitors', 'events', 'conversion_rate']);
    await page.goto(`${d.url}/sites/${SITE}`);
    expect((await row(page)).map((c) => c.metric)).toEqual(['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration']);
    expect(await page.locator('.sv-kpis.sv-kpis-6').count()).toBe(1);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.flat().filter((m) => m.includes('total_revenue'))).toEqual([]);
  });

  for (const [variant, options] of [
    ['phone-light', { viewport: PHONE, colorScheme: 'light' }],
    ['desktop-dark', { viewport: DESKTOP, colorScheme: 'dark' }],
    ['nb-phone-dark', { viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' }],
  ] as Array<[string, PageOptions]>) {
    it(`fits the row: ${variant}`, async () => {
      const page = await d.ownerPage(`/sites/${SITE}${goalView('Purchase', '&compare=previous')}`, options);
      const cells = await row(page);
      expect(cells.slice(3).map((c) => c.value)).toEqual(['500', '250']);
      if (options.locale) expect(cells.slice(3).map((c) => c.label)).toEqual(['Total inntekt', 'Snittinntekt']);
      expect(await overflowing(page)).toEqual([]);
      await shot(page, `goal-revenue-kpis-${variant}`);
    });
  }

  it('prints a large amount short on a phone, exactly in its title', async () => {
    const page = await d.ownerPage(`/sites/${SITE}${goalView('Subscription')}`, { viewport: PHONE });
    const cells = await row(page);
    expect(cells.slice(3).map((c) => c.value)).toEqual(['1234567.89', '1234567.89']);
    expect(cells.slice(3).map((c) => c.text)).toEqual([expect.stringMatching(/^NOK\s1\.2[mM]$/), expect.stringMatching(/^NOK\s1\.2[mM]$/)]);
    expect(await page.locator('[data-metric="total_revenue"] .sv-kpi-value').getAttribute('title')).toMatch(/^NOK\s1,234,567\.89$/);
    expect(await overflowing(page)).toEqual([]);
    await shot(page, 'goal-revenue-kpis-large-phone-light');
  });
});
