/**
 * Moving around the site view in real Chromium against a real server: the default view
 * shows today (a new site's first visit is seen at once, as the site card counts it); a tab
 * switch draws its panel only (same scroll, same chart, recent visits on the same page, no
 * query but the panel's); the range picker shows its days, moves by period with arrows and
 * keys, and takes Plausible's shortcuts; the owner, and only the owner, has a way to the
 * site's settings. Screenshots for a person to judge.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, localDay } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { parseView } from '../../server/core/dashboard-api/view-queries/state.ts';
import { type DashboardHarness, DESKTOP, PHONE, SCREENSHOT_DIR, screenshot, startDashboard, waitFor } from './dashboard-harness.ts';

const DOMAIN = 'busy.example';
const FRESH = 'fresh.example';
/** More visits than one page of recent visits holds (20), so there is a page 2 to keep. */
const VISITS = 24;
let harness: DashboardHarness;

beforeAll(async () => {
  harness = await startDashboard();
  await harness.server.addSite(DOMAIN);
  await harness.server.addSite(FRESH);
  const paths = ['/', '/pricing', '/docs', '/blog'];
  for (let i = 0; i < VISITS; i++) {
    const res = await harness.sendPageview(DOMAIN, paths[i % paths.length], `84.208.21.${i + 1}`);
    expect(res.status).toBe(202);
  }
});

afterAll(async () => {
  await harness?.close();
});

const today = () => localDay(new Date(), 'Etc/UTC');
const search = (p: Page) => new URL(p.url()).search;

async function settled(p: Page): Promise<void> {
  await p.waitForSelector('.sv-kpi-value[data-value]');
  await waitFor('every panel filled', () => p.evaluate(() => document.querySelectorAll('.sv-skeleton').length === 0));
}

async function visitorsKpi(p: Page): Promise<number> {
  return Number(await p.getAttribute('[data-metric="visitors"] .sv-kpi-value', 'data-value'));
}

/** The URL after a click or key that changes the view, once the view it names has settled. */
async function after(p: Page, action: () => Promise<unknown>): Promise<string> {
  const before = p.url();
  await action();
  await waitFor('the view to change', () => p.url() !== before);
  await settled(p);
  return search(p);
}

describe('site view navigation', { timeout: 120_000 }, () => {
  it('opens a new site on a range that ends today: its one visit shows in the KPIs, the chart and the pages panel, as on the site card', async () => {
    const res = await harness.sendPageview(FRESH, '/hello', '84.208.22.1');
    expect(res.status).toBe(202);
    const p = await harness.ownerPage('/');
    const card = p.locator('.site-card', { has: p.locator(`a.site-link:text-is("${FRESH}")`) });
    await expect.poll(() => card.locator('.site-today .figure').textContent()).toBe('1');

    await card.locator('a.site-link').click();
    await settled(p);
    // The default view: no period in the URL, "Last 28 days" ending today.
    expect(search(p)).toBe('');
    expect(await p.inputValue('#sv-range')).toBe('28d');
    expect(await p.getAttribute('.sv-range-days', 'data-to')).toBe(today());
    expect(await p.getAttribute('.sv-range-days', 'data-from')).toBe(addDays(today(), -27));
    expect(await p.textContent('.sv-range-dates')).toContain('today included');
    expect(await visitorsKpi(p)).toBe(1);
    const chart = await p.$$eval('.sv-chart-table tbody tr', (trs) => trs.map((tr) => [(tr as HTMLElement).dataset.bucket, Number(tr.querySelector('td')!.dataset.value)]));
    expect(chart).toHaveLength(28);
    expect(chart.at(-1)).toEqual([today(), 1]);
    expect(chart.reduce((sum, [, n]) => sum + Number(n), 0)).toBe(1);
    const pages = await p.$$eval('[data-panel="pages"] .sv-panel-body tr[data-value]', (trs) => trs.map((tr) => [(tr as HTMLElement).dataset.value, Number((tr as HTMLElement).dataset.visitors)]));
    expect(pages).toEqual([['/hello', 1]]);
    await screenshot(p, 'site-view-navigation-first-visit');
  });

  it('switches a tab without moving the page: one query, the same chart and recent visits on their page; back and forward restore the tab', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { viewport: DESKTOP });
    await settled(p);
    await p.waitForSelector('.sv-chart canvas');
    await p.click('.sv-pager button:last-child');
    await p.waitForSelector('.sv-pager:has-text("Page 2")');
    await p.evaluate(() => {
      document.querySelector('[data-panel="sources"]')!.scrollIntoView({ block: 'start' });
      // Marks on nodes that must survive the switch: a redraw would make new ones without them.
      for (const selector of ['.sv-chart canvas', '[data-panel="pages"]', '[data-panel="visits"] tbody', '.sv-kpis']) (document.querySelector(selector) as HTMLElement).dataset.kept = 'yes';
    });
    const scrollBefore = await p.evaluate(() => window.scrollY);
    expect(scrollBefore).toBeGreaterThan(100);

    const requests: string[] = [];
    p.on('request', (request) => {
      if (!new URL(request.url()).pathname.startsWith('/api/')) return;
      const body = request.postDataJSON() as { dimensions?: string[] } | null;
      requests.push(`${new URL(request.url()).pathname} ${body?.dimensions?.join(',') ?? ''}`.trim());
    });
    const kept = () =>
      p.evaluate(() => ['.sv-chart canvas', '[data-panel="pages"]', '[data-panel="visits"] tbody', '.sv-kpis'].map((s) => (document.querySelector(s) as HTMLElement | null)?.dataset.kept ?? 'redrawn'));

    await p.click('#sv-tab-sources-referrers');
    await waitFor('the referrers tab drawn', () => p.evaluate(() => document.querySelector('#sv-tab-sources-referrers')?.getAttribute('aria-selected') === 'true' && !document.querySelector('[data-panel="sources"] .sv-skeleton')));
    expect(parseView(search(p)).tabs.sources).toBe('referrers');
    expect(await p.evaluate(() => window.scrollY)).toBe(scrollBefore);
    expect(await kept()).toEqual(['yes', 'yes', 'yes', 'yes']);
    expect(await p.textContent('.sv-pager')).toContain('Page 2');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('sv-tab-sources-referrers');
    expect(requests).toEqual(['/api/v2/query visit:referrer']);
    await screenshot(p, 'site-view-navigation-tab-switch');

    await p.goBack();
    await waitFor('channels again', () => p.evaluate(() => document.querySelector('#sv-tab-sources-channels')?.getAttribute('aria-selected') === 'true'));
    expect(parseView(search(p)).tabs.sources).toBeUndefined();
    await p.goForward();
    await waitFor('referrers again', () => p.evaluate(() => document.querySelector('#sv-tab-sources-referrers')?.getAttribute('aria-selected') === 'true'));
    await settled(p);
    expect(await p.evaluate(() => window.scrollY)).toBe(scrollBefore);
    expect(await kept()).toEqual(['yes', 'yes', 'yes', 'yes']);
    // Both tabs' rows were known: back and forward asked the server nothing more.
    expect(requests).toEqual(['/api/v2/query visit:referrer']);

    // Clicking the open tab again changes nothing, not even the history.
    const length = await p.evaluate(() => history.length);
    await p.click('#sv-tab-sources-referrers');
    expect(await p.evaluate(() => history.length)).toBe(length);

    // A row of another panel filters with the tab kept; a filter redraws the whole view.
    await after(p, () => p.click('[data-panel="pages"] tr[data-value="/docs"] button'));
    expect(parseView(search(p))).toMatchObject({ tabs: { sources: 'referrers' }, filters: [{ op: 'is', dimension: 'event:page', values: ['/docs'] }] });
    expect(await kept()).toEqual(['redrawn', 'redrawn', 'redrawn', 'redrawn']);
    await p.click('#sv-tab-sources-sources');
    await waitFor('sources tab', () => p.evaluate(() => new URLSearchParams(location.search).get('tab.sources') === 'sources'));
    // The arrows, drawn before that switch, keep it too.
    expect(parseView(await after(p, () => p.click('[data-key="range-prev"]')))).toMatchObject({ period: 'yesterday', tabs: { sources: 'sources' } });
  });

  it('shows the days a range covers, moves by period with the arrows and keys, never past today, and takes Plausible\'s shortcuts', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}`);
    await settled(p);
    const days = async () => [await p.getAttribute('.sv-range-days', 'data-from'), await p.getAttribute('.sv-range-days', 'data-to')];
    expect(await days()).toEqual([addDays(today(), -27), today()]);
    expect(await p.isDisabled('[data-key="range-next"]')).toBe(true);

    expect(parseView(await after(p, () => p.click('[data-key="range-prev"]')))).toMatchObject({ period: 'custom', from: addDays(today(), -55), to: addDays(today(), -28) });
    expect(await p.evaluate(() => document.activeElement?.getAttribute('data-key'))).toBe('range-prev');
    expect(await p.isDisabled('[data-key="range-next"]')).toBe(false);
    expect(await after(p, () => p.click('[data-key="range-next"]'))).toBe('');

    await p.locator('body').focus();
    await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    expect(parseView(await after(p, () => p.keyboard.press('d'))).period).toBe('day');
    expect(await days()).toEqual([today(), today()]);
    expect(parseView(await after(p, () => p.keyboard.press('ArrowLeft'))).period).toBe('yesterday');
    expect(await days()).toEqual([addDays(today(), -1), addDays(today(), -1)]);
    expect(parseView(await after(p, () => p.keyboard.press('ArrowRight'))).period).toBe('day');
    await p.keyboard.press('ArrowRight');
    expect(parseView(search(p)).period).toBe('day');
    expect(await p.isDisabled('[data-key="range-next"]')).toBe(true);

    expect(parseView(await after(p, () => p.keyboard.press('e'))).period).toBe('yesterday');
    expect(parseView(await after(p, () => p.keyboard.press('w'))).period).toBe('7d');
    expect(await days()).toEqual([addDays(today(), -6), today()]);
    expect(parseView(await after(p, () => p.keyboard.press('t'))).period).toBe('30d');
    expect(await days()).toEqual([addDays(today(), -29), today()]);
    expect(await p.textContent('.sv-range-dates')).toContain('today included');
    expect(parseView(await after(p, () => p.keyboard.press('n'))).period).toBe('91d');
    expect(parseView(await after(p, () => p.keyboard.press('l'))).period).toBe('12mo');
    expect(await days()).toEqual([addMonths(today(), -11), today()]);
    expect(await p.textContent('.sv-range-dates')).toContain('today included');
    expect(parseView(await after(p, () => p.keyboard.press('p'))).period).toBe('last_month');
    expect(await p.textContent('.sv-range-dates')).not.toContain('today');
    expect(parseView(await after(p, () => p.keyboard.press('m'))).period).toBe('month');
    expect(parseView(await after(p, () => p.keyboard.press('y'))).period).toBe('year');
    expect(parseView(await after(p, () => p.keyboard.press('a'))).period).toBe('all');
    await waitFor('the first day of all time', async () => (await days())[0] === today());
    expect(parseView(await after(p, () => p.keyboard.press('f'))).period).toBe('28d');
    expect(parseView(await after(p, () => p.keyboard.press('x'))).compare).toBe('previous');
    expect(parseView(await after(p, () => p.keyboard.press('x'))).compare).toBeNull();

    // C opens the calendar; keys typed while a dialog or a field has them are not shortcuts.
    await p.keyboard.press('c');
    await p.waitForSelector('dialog[open] input[type="date"]');
    await p.keyboard.press('w');
    await p.keyboard.press('Escape');
    await p.waitForSelector('dialog', { state: 'detached' });
    expect(search(p)).toBe('');
    await p.click('[data-key="filter-add"]');
    await p.waitForSelector('dialog[open] input');
    await p.fill('dialog[open] input[type="text"]', 'dwm');
    expect(search(p)).toBe('');
    await p.keyboard.press('Escape');
    // Alt+← is the browser's back, not the previous period.
    await p.keyboard.press('Alt+ArrowLeft');
    expect(search(p)).toBe('');
    await screenshot(p, 'site-view-navigation-range');
  });

  it('leaves room for the chart\'s last x label', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=12mo`);
    await settled(p);
    await p.waitForSelector('.sv-chart canvas');
    const room = await p.evaluate(() => {
      const over = document.querySelector('.sv-chart .u-over')!.getBoundingClientRect();
      const canvas = document.querySelector('.sv-chart canvas')!.getBoundingClientRect();
      const labels = [...document.querySelectorAll('.sv-chart-table tbody th')].map((th) => th.textContent ?? '');
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = '12px system-ui, sans-serif';
      const widest = Math.max(...labels.map((label) => context.measureText(label.replace(/^\d+\s/, '')).width));
      return { right: canvas.right - over.right, half: widest / 2 };
    });
    expect(room.right).toBeGreaterThanOrEqual(room.half);
    await p.locator('.sv-chart').screenshot({ path: join(SCREENSHOT_DIR, 'site-view-navigation-chart-12mo.png') });
  });

  it('gives the owner a way to the site\'s settings, and a viewer or a shared link none', async () => {
    const owner = await harness.ownerPage(`/sites/${DOMAIN}?period=day`);
    await settled(owner);
    const res = await owner.context().request.post(`${harness.url}/api/dashboard/users`, {
      data: { email: 'viewer@example.com', password: 'another long password', role: 'viewer', sites: [DOMAIN] },
      headers: { origin: harness.url },
    });
    expect(res.status()).toBe(200);
    const shared = await owner.context().request.post(`${harness.url}/api/dashboard/sites/${DOMAIN}/shared-links`, { data: { name: 'Board', showVisits: false }, headers: { origin: harness.url } });
    expect(shared.status()).toBe(200);
    const { url } = ((await shared.json()) as { link: { url: string } }).link;

    expect(await owner.getAttribute('.sv-header a.sv-settings', 'href')).toBe(`/sites/${DOMAIN}/settings`);
    await owner.click('.sv-header a.sv-settings');
    await waitFor('the settings page', () => new URL(owner.url()).pathname === `/sites/${DOMAIN}/settings`);
    await owner.waitForSelector('main h1');

    const viewer = await harness.newPage();
    await harness.loginAs(viewer, { email: 'viewer@example.com', password: 'another long password' }, `/sites/${DOMAIN}?period=day`);
    await settled(viewer);
    expect(await viewer.locator('.sv-settings').count()).toBe(0);

    const link = await harness.newPage();
    await link.goto(url);
    await settled(link);
    expect(await link.locator('.sv-settings').count()).toBe(0);
  });

  it('fits the header at 375 px in both languages, light and dark', async () => {
    for (const [locale, colorScheme] of [['en-GB', 'light'], ['nb-NO', 'dark']] as const) {
      const p = await harness.ownerPage(`/sites/${DOMAIN}`, { viewport: PHONE, locale, colorScheme });
      await settled(p);
      // The header itself: the page's own width is the phone work's (the chart's hidden table).
      expect(await p.$$eval('.sv-header *', (els) => Math.max(...els.map((el) => el.getBoundingClientRect().right)))).toBeLessThanOrEqual(PHONE.width);
      const boxes = await p.$$eval('.sv-range > *', (els) => els.map((el) => el.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom })));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i]!, boxes[j]!];
          const overlap = a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
          expect(overlap, `range parts ${i} and ${j} overlap at ${locale}`).toBe(false);
        }
      }
      if (locale === 'nb-NO') expect(await p.textContent('.sv-range-dates')).toContain('i dag medregnet');
      await screenshot(p, `site-view-navigation-phone-${locale}-${colorScheme}`);
      await p.locator('.sv-header').screenshot({ path: join(SCREENSHOT_DIR, `site-view-navigation-phone-header-${locale}-${colorScheme}.png`) });
    }
    const desktop = await harness.ownerPage(`/sites/${DOMAIN}`, { colorScheme: 'dark', locale: 'nb-NO' });
    await settled(desktop);
    await screenshot(desktop, 'site-view-navigation-desktop-nb-dark');
  });
});
