/**
 * The whole view's export (the Export button's ZIP) holds goals.csv when the site has goals:
 * the Goals panel's rows, each goal's unique conversions, total conversions, conversion rate
 * and revenue (amount and currency), equal to the Stats API's answer for the view, filter
 * included; a site without goals gets no goals.csv.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGoal, parseGoal } from '../../server/core/goals/goals.ts';
import { parseCsv, unzip } from '../helpers/privacy-zip.ts';
import { type DashboardHarness, startDashboard } from './dashboard-harness.ts';

const SITE = 'goals-export.example.com';
const BARE = 'no-goals-export.example.com';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
  const siteId = await d.server.addSite(SITE, 'Europe/Oslo');
  await d.server.addSite(BARE, 'Europe/Oslo');
  await addGoal(d.server.db, siteId, parseGoal({ kind: 'event', eventName: 'Purchase', currency: 'NOK' }), Date.now());
  await addGoal(d.server.db, siteId, parseGoal({ kind: 'page', pagePath: '/thanks/**' }), Date.now());
  const visit = (ip: string, body: Record<string, unknown>) => d.sendEvent(SITE, { ip }, UA, { u: `https://${SITE}/shop`, ...body });
  for (const ip of ['84.208.20.110', '84.208.20.111', '85.226.0.1', '91.64.0.1']) await visit(ip, {});
  await visit('84.208.20.110', { n: 'Purchase', $: { amount: '199.50', currency: 'NOK' } });
  await visit('84.208.20.110', { n: 'Purchase', $: { amount: '100', currency: 'NOK' } });
  await visit('84.208.20.111', { u: `https://${SITE}/thanks/order` });
  await d.sendEvent(BARE, { ip: '84.208.20.110' }, UA, { u: `https://${BARE}/` });
});

afterAll(async () => {
  await d?.close();
});

/** Clicks Export and returns the archive's files. */
async function exported(page: Page): Promise<Map<string, string>> {
  await page.waitForSelector('.sv-kpi-value[data-value]');
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Export every panel/ }).click()]);
  return unzip(new Uint8Array(await readFile((await file.path())!)));
}

/** The Stats API's answer for the Goals panel's query over the view's default range (28 days to today), with `filters`. */
async function apiGoals(page: Page, metrics: string[], filters: unknown[] = []): Promise<Array<{ dimensions: string[]; metrics: unknown[] }>> {
  const to = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Oslo' });
  const from = new Date(Date.parse(to) - 27 * 86_400_000).toISOString().slice(0, 10);
  const res = await page.request.post(`${d.url}/api/v2/query`, {
    data: { site_id: SITE, metrics, date_range: [from, to], dimensions: ['event:goal'], filters, order_by: [['visitors', 'desc']] },
    headers: { origin: d.url },
  });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { results: Array<{ dimensions: string[]; metrics: unknown[] }> }).results;
}

describe('goals.csv in the whole view’s export', () => {
  it('holds each goal’s conversions, conversion rate and revenue as the Stats API answers them', async () => {
    const page = await d.ownerPage(`/sites/${SITE}`);
    const files = await exported(page);
    expect([...files.keys()].at(-1)).toBe('goals.csv');
    const csv = parseCsv(files.get('goals.csv')!);
    expect(csv.header).toEqual(['Goal', 'Uniques', 'Total', 'CR', 'Revenue']);
    const counts = await apiGoals(page, ['visitors', 'events', 'conversion_rate']);
    const revenue = new Map((await apiGoals(page, ['visitors', 'total_revenue'])).map((r) => [r.dimensions[0], r.metrics[1] as { value: number; currency: string } | null]));
    expect(csv.rows).toEqual(
      counts.map((r) => {
        const money = revenue.get(r.dimensions[0]);
        return { Goal: r.dimensions[0], Uniques: String(r.metrics[0]), Total: String(r.metrics[1]), CR: String(r.metrics[2]), Revenue: money ? `${money.value} ${money.currency}` : '' };
      }),
    );
    // 1 of the 4 visitors bought twice; 1 reached a thanks page.
    expect(csv.rows).toEqual([
      { Goal: 'Purchase', Uniques: '1', Total: '2', CR: '25', Revenue: '299.5 NOK' },
      { Goal: 'Visit /thanks/**', Uniques: '1', Total: '1', CR: '25', Revenue: '' },
    ]);
  });

  it('holds the filtered goal alone under a goal filter', async () => {
    const page = await d.ownerPage(`/sites/${SITE}?f=${encodeURIComponent('is|event:goal|Purchase')}`);
    const csv = parseCsv((await exported(page)).get('goals.csv')!);
    const counts = await apiGoals(page, ['visitors', 'events', 'conversion_rate'], [['is', 'event:goal', ['Purchase']]]);
    expect(counts.map((r) => r.dimensions[0])).toEqual(['Purchase']);
    expect(csv.rows).toEqual([{ Goal: 'Purchase', Uniques: '1', Total: '2', CR: String(counts[0]!.metrics[2]), Revenue: '299.5 NOK' }]);
  });

  it('is left out for a site without goals', async () => {
    const page = await d.ownerPage(`/sites/${BARE}`);
    const files = await exported(page);
    expect(files.has('goals.csv')).toBe(false);
    expect(files.has('summary.csv')).toBe(true);
  });
});
