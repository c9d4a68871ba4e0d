/**
 * The realtime view and the self-refreshing "Today" view in Chromium. The page's clock is
 * Playwright's (page.clock): the test moves it past a refresh instead of sleeping, and each
 * event is first seen through the API, so what the page shows next is known. Events sent
 * during the test appear without a reload; "Today" refreshes without moving the scroll
 * position and waits while a dialog is open. Screenshots desktop and 375 px.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_REFRESH_MS, TODAY_REFRESH_MS } from '../../dashboard/site-view/realtime-times.ts';
import { type DashboardHarness, DESKTOP, PHONE, screenshot, seriousA11yViolations, startDashboard, waitFor } from './dashboard-harness.ts';

const SITE = 'live.example.com';
let d: DashboardHarness;
let nextIp = 10;

beforeAll(async () => {
  d = await startDashboard();
  await d.ensureOwner();
  await d.server.addSite(SITE);
  await visit('/');
});

afterAll(async () => {
  await d?.close();
});

/** One pageview from a new visitor; resolves once the realtime API counts it. */
async function visit(path: string): Promise<void> {
  const before = await currentVisitors();
  expect((await d.sendPageview(SITE, path, `84.208.30.${nextIp++}`)).status).toBe(202);
  await waitFor(`the realtime API to count a visit to ${path}`, async () => (await currentVisitors()) > before);
}

async function currentVisitors(): Promise<number> {
  const res = await fetch(`${d.url}/api/v1/stats/realtime/visitors?site_id=${SITE}`, { headers: { cookie: await ownerCookie() } });
  return (await res.json()) as number;
}

let cookie = '';
async function ownerCookie(): Promise<string> {
  if (!cookie) {
    const page = await d.ownerPage('/');
    cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  }
  return cookie;
}

/** Marks the document, so the test can tell a redraw in place from a reload. */
const mark = (page: Page) => page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);
const figure = (page: Page, key: string) => page.locator(`[data-rt="${key}"]`).getAttribute('data-value');
const kpi = (page: Page, metric: string) => page.locator(`.sv-kpi[data-metric="${metric}"] .sv-kpi-value`).getAttribute('data-value');

/** No sideways scroll; on failure the message names what sticks out. */
async function noHorizontalScroll(page: Page): Promise<void> {
  const width = page.viewportSize()!.width;
  const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w).map((e) => `${e.tagName.toLowerCase()}.${e.className}`), width);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), wide.slice(0, 5).join(', ')).toBeLessThanOrEqual(width);
}

describe('realtime', () => {
  it('opens from the current-visitors label and shows new visits without a reload', async () => {
    const page = await d.ownerPage('/');
    await page.clock.install();
    // From the default view (no query string) and back to it: the view must tell realtime from its own state.
    await page.goto(`${d.url}/sites/${SITE}`);
    const label = page.locator('a.sv-realtime');
    await label.filter({ hasText: '1 current visitor' }).waitFor();
    await mark(page);
    await label.click();
    expect(new URL(page.url()).searchParams.get('period')).toBe('realtime');
    await page.getByRole('heading', { name: SITE }).waitFor();
    await page.locator('[data-rt="now"][data-value="1"]').waitFor();
    expect(await figure(page, 'visitors')).toBe('1');
    expect(await figure(page, 'pageviews')).toBe('1');
    await page.locator('[data-rt-panel="pages"] tr[data-value="/"]').waitFor();
    await page.locator('[data-rt-panel="sources"] tr[data-value="Direct / None"]').waitFor();

    await visit('/pricing');
    await page.clock.runFor(REALTIME_REFRESH_MS);
    await page.locator('[data-rt-panel="pages"] tr[data-value="/pricing"]').waitFor();
    await page.locator('[data-rt="now"][data-value="2"]').waitFor();
    expect(await figure(page, 'pageviews')).toBe('2');
    expect(await sameDocument(page)).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'realtime-desktop-light');

    // Back to the dashboard, in place.
    await page.getByRole('link', { name: 'Back to the dashboard' }).click();
    await page.locator('.sv-kpis .sv-kpi').first().waitFor();
    expect(new URL(page.url()).searchParams.get('period')).toBeNull();
    expect(await sameDocument(page)).toBe(true);
    // The browser's back and forward move between the two as well.
    await page.goBack();
    await page.locator('[data-rt="now"]').waitFor();
    await page.goBack();
    await page.locator('[data-rt="now"]').waitFor({ state: 'detached' });
    await page.locator('.sv-kpis .sv-kpi').first().waitFor();
  });

  it('is reachable by its URL, on a phone, in dark mode and in bokmål', async () => {
    const page = await d.ownerPage(`/sites/${SITE}?period=realtime`, { viewport: PHONE, colorScheme: 'dark' });
    await page.locator('[data-rt="now"][data-value]').waitFor();
    await page.locator('[data-rt-panel="pages"] tr[data-value="/pricing"]').waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, 'realtime-phone-dark');
    const nb = await d.ownerPage(`/sites/${SITE}?period=realtime`, { viewport: PHONE, locale: 'nb-NO' });
    await nb.getByText('Besøkende nå (siste 5 minutter)').waitFor();
    await nb.locator('[data-rt-panel="pages"] tr[data-value="/pricing"]').waitFor();
    await noHorizontalScroll(nb);
    await screenshot(nb, 'realtime-phone-light-nb');
  });

  it('works for a shared link, bookmarked with ?period=realtime', async () => {
    const owner = await d.ownerPage('/');
    const res = await owner.context().request.post(`${d.url}/api/dashboard/sites/${SITE}/shared-links`, { data: { name: 'Wall screen' }, headers: { origin: d.url } });
    const { url } = ((await res.json()) as { link: { url: string } }).link;
    const page = await d.newPage();
    await page.goto(`${url}?period=realtime`);
    await page.locator('[data-rt-panel="pages"] tr[data-value="/pricing"]').waitFor();
    expect(Number(await figure(page, 'now'))).toBeGreaterThanOrEqual(2);
    await page.getByText('Read-only shared view').waitFor();
  });
});

describe('the Today view', () => {
  it('refreshes itself in place, keeping the scroll position, and waits while a dialog is open', async () => {
    const page = await d.ownerPage('/', { viewport: DESKTOP });
    await page.clock.install();
    await page.goto(`${d.url}/sites/${SITE}?period=day`);
    await page.locator('.sv-kpi[data-metric="visitors"] .sv-kpi-value[data-value]').waitFor();
    const before = Number(await kpi(page, 'visitors'));
    await mark(page);
    await page.evaluate(() => window.scrollTo(0, 500));
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(0);

    // While a dialog is open nothing is redrawn under it.
    await page.locator('[data-panel="pages"]').getByRole('button', { name: 'Details' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    await visit('/while-dialog');
    await page.clock.runFor(TODAY_REFRESH_MS);
    expect(await dialog.count()).toBe(1);
    expect(Number(await kpi(page, 'visitors'))).toBe(before);
    // Closing goes back in history, and the browser then restores that entry's scroll (where
    // the click on Details had scrolled to): scroll back only once that step is over.
    const wentBack = page.evaluate(() => new Promise<void>((resolve) => window.addEventListener('popstate', () => resolve(), { once: true })));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await wentBack;
    await page.evaluate((y) => window.scrollTo(0, y), scrolled);

    await visit('/after-dialog');
    await page.clock.runFor(TODAY_REFRESH_MS);
    await page.locator(`.sv-kpi[data-metric="visitors"] .sv-kpi-value[data-value="${before + 2}"]`).waitFor();
    await page.locator('[data-panel="pages"] tr[data-value="/after-dialog"]').waitFor();
    expect(await sameDocument(page)).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
  });

  it('does not refresh a view of past days', async () => {
    const page = await d.ownerPage('/');
    await page.clock.install();
    await page.goto(`${d.url}/sites/${SITE}?period=7d`);
    await page.locator('.sv-kpi[data-metric="visitors"] .sv-kpi-value[data-value]').waitFor();
    let queries = 0;
    page.on('request', (r) => void (r.url().endsWith('/api/v2/query') && queries++));
    await page.clock.runFor(TODAY_REFRESH_MS * 2);
    expect(queries).toBe(0);
  });
});
