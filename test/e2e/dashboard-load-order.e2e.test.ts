/**
 * What a cold load of the site view asks, and in which order, in Chromium: the view's
 * queries go in one request, the first the view sends, with the goal list, annotations and
 * recent visits right behind it; the header's current-visitors count is asked only once
 * their answers have all arrived (so the server reads the view first), yet still shows; its
 * refresh keeps coming. The view's content is shown with its first answer, not as a skeleton
 * first, unless the answers are late. No timing: the order of the requests and of the
 * browser's own Resource Timing entries, and the page's timers on Playwright's paused clock.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardHarness, startDashboard } from './dashboard-harness.ts';

const SITE = 'order.example.com';
let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
  await d.ensureOwner();
  await d.server.addSite(SITE);
  expect((await d.sendPageview(SITE, '/', '84.208.40.10')).status).toBe(202);
  expect((await d.sendPageview(SITE, '/pricing', '84.208.40.11')).status).toBe(202);
});

afterAll(async () => {
  await d?.close();
});

/** The count's requests, as the page asks them. */
function realtimeRequests(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/stats/realtime/visitors') sent.push(r.url());
  });
  return sent;
}

/** From the browser's Resource Timing: whether the first count was asked after the batch's last byte arrived. */
const countAfterBatch = (page: Page) =>
  page.evaluate(() => {
    const real = (window as unknown as { realPerformance: Performance }).realPerformance;
    const entries = real.getEntriesByType('resource') as PerformanceResourceTiming[];
    const batch = entries.filter((e) => new URL(e.name).pathname === '/api/dashboard/queries');
    const count = entries.find((e) => new URL(e.name).pathname === '/api/v1/stats/realtime/visitors');
    return { batches: batch.length, after: count !== undefined && batch.length === 1 && count.startTime >= batch[0]!.responseEnd };
  });

/** The view's batch and the site's dashboard requests, path only, in the order the page sends them. */
function viewRequests(page: Page): string[] {
  const sent: string[] = [];
  const site = `/api/dashboard/sites/${SITE}/`;
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path === '/api/dashboard/queries' || path.startsWith(site)) sent.push(path.replace(site, 'site/'));
  });
  return sent;
}

describe('a cold load of the site view', () => {
  it('sends the view\'s queries first, then the goal list, annotations and recent visits', async () => {
    const page = await d.ownerPage('/');
    const sent = viewRequests(page);
    await page.goto(`${d.url}/sites/${SITE}?period=30d`);
    await page.locator('.sv-visits').waitFor();
    await page.locator('.sv-kpi-value[data-value]').first().waitFor();
    expect(sent.slice(0, 4)).toEqual(['/api/dashboard/queries', 'site/goals', 'site/annotations', 'site/visits']);
  });

  it('asks the current-visitors count after the view\'s queries are answered, and shows it', async () => {
    const page = await d.ownerPage('/');
    // Playwright's clock replaces `performance` too: the browser's own is kept for the timings.
    await page.addInitScript('window.realPerformance = performance');
    await page.clock.install();
    const sent = realtimeRequests(page);
    await page.goto(`${d.url}/sites/${SITE}?period=30d`);
    await page.locator('.sv-realtime:not([hidden])').filter({ hasText: '2 current visitors' }).waitFor();
    await page.locator('.sv-kpi-value[data-value]').first().waitFor();
    expect(await countAfterBatch(page)).toEqual({ batches: 1, after: true });

    // The count keeps refreshing on its own timer (every 30 s, site-view/index.ts).
    expect((await d.sendPageview(SITE, '/docs', '84.208.40.12')).status).toBe(202);
    await page.clock.runFor(30_000);
    await page.locator('.sv-realtime').filter({ hasText: '3 current visitors' }).waitFor();
    expect(sent.length).toBeGreaterThanOrEqual(2);
  });

  /** The page on a paused clock, its batch held until `release`; resolves once the batch is asked. */
  async function heldBatch(page: Page): Promise<{ release: () => void }> {
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 60_000);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const asked = new Promise<void>((resolve) => {
      void page.route('**/api/dashboard/queries', async (route) => {
        resolve();
        await held;
        await route.continue();
      });
    });
    await page.goto(`${d.url}/sites/${SITE}?period=30d`, { waitUntil: 'commit' });
    await asked;
    return { release };
  }

  it('shows its content with the first answer, not a skeleton before it', async () => {
    const page = await d.ownerPage('/');
    const batch = await heldBatch(page);
    await page.locator('.sv-content .sv-skeleton').first().waitFor({ state: 'attached' });
    expect(await page.locator('.sv-content').isHidden()).toBe(true);
    batch.release();
    await page.locator('.sv-kpi-value[data-value]').first().waitFor();
    expect(await page.locator('.sv-content').isVisible()).toBe(true);
  });

  it('shows its skeleton when the answers are late', async () => {
    const page = await d.ownerPage('/');
    const batch = await heldBatch(page);
    await page.locator('.sv-content .sv-skeleton').first().waitFor({ state: 'attached' });
    // SKELETON_AFTER_MS (site-view/index.ts).
    await page.clock.runFor(150);
    await page.locator('.sv-content .sv-skeleton').first().waitFor();
    batch.release();
    await page.locator('.sv-kpi-value[data-value]').first().waitFor();
  });
});
