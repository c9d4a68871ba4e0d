/**
 * A cold load of the site view names, in its HTML, every script it needs before it asks its
 * queries (the entry's chunks, the site view's and the reader's language's strings), so the
 * browser asks for them all with app.js instead of in three waves; in Chromium, against a real
 * server and a fresh build.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardHarness, OWNER, startDashboard } from './dashboard-harness.ts';

const DOMAIN = 'preload.example';
let harness: DashboardHarness;

beforeAll(async () => {
  harness = await startDashboard();
  await harness.server.addSite(DOMAIN);
  const sent = await harness.sendPageview(DOMAIN, '/');
  expect(sent.status).toBe(202);
  await harness.ensureOwner();
}, 120_000);
afterAll(() => harness?.close());

/** A cold load of the site view: the modulepreload links its HTML named, and the scripts it asked for before its queries. */
async function coldLoad(locale: string): Promise<{ named: string[]; before: string[]; page: Page }> {
  const page = await harness.newPage({ locale });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await harness.loginAs(page, OWNER, `/sites/${DOMAIN}?period=30d`);
  await page.waitForFunction(() => document.querySelector('.sv-kpi-value[data-value]') !== null && document.querySelectorAll('.sv-skeleton').length === 0);
  const named = await page.evaluate(() => [...document.querySelectorAll('link[rel="modulepreload"]')].map((l) => new URL((l as HTMLLinkElement).href).pathname));
  const batch = requests.indexOf('/api/dashboard/queries');
  expect(batch).toBeGreaterThan(0);
  return { named, before: requests.slice(0, batch).filter((path) => path.startsWith('/dashboard/') && path.endsWith('.js')), page };
}

describe('the site view’s files on a cold load', () => {
  it('are all named in the page, the reader’s language’s strings among them', async () => {
    const en = await coldLoad('en-GB');
    const nb = await coldLoad('nb-NO');
    for (const load of [en, nb]) {
      expect(load.named.length).toBeGreaterThan(5);
      // Every script the view needed before its queries was named.
      expect(load.before.filter((path) => path !== '/dashboard/app.js' && !load.named.includes(path))).toEqual([]);
    }
    // The entry's and the site view's chunks are the same in both languages; the strings differ.
    const enOnly = en.named.filter((path) => !nb.named.includes(path));
    const nbOnly = nb.named.filter((path) => !en.named.includes(path));
    expect(enOnly.length).toBeGreaterThan(0);
    expect(nbOnly.length).toBeGreaterThan(0);
    expect(await nb.page.locator('html').getAttribute('lang')).toBe('nb');
  }, 120_000);
});
