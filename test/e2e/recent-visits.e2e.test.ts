/**
 * Recent visits in real Chromium against a real server: the pages count opens the visit's
 * trail (pages and custom events in order, as the API gives them), words searched in the
 * site's own search box show as such, and the Source column keeps whole words. Screenshots
 * for a person to judge: desktop light and dark, English and bokmål, and 375 px.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_MAC, FIREFOX_WINDOWS, GERMANY, NORWAY, SWEDEN, type Visitor } from '../shared/target.ts';
import { type DashboardHarness, PHONE, screenshot, startDashboard, waitFor } from './dashboard-harness.ts';

const DOMAIN = 'visits.example';
let harness: DashboardHarness;

const send = (visitor: Visitor, userAgent: string, path: string, extra: Record<string, unknown> = {}) =>
  harness.sendEvent(DOMAIN, visitor, userAgent, { u: `https://${DOMAIN}${path}`, ...extra });

beforeAll(async () => {
  harness = await startDashboard();
  await harness.server.addSite(DOMAIN);
  await send(NORWAY, FIREFOX_WINDOWS, '/');
  await send(NORWAY, FIREFOX_WINDOWS, '/search?q=red+shoes');
  await send(NORWAY, FIREFOX_WINDOWS, '/search?q=red+shoes', { n: 'Signup' });
  await send(NORWAY, FIREFOX_WINDOWS, '/pricing');
  await send(SWEDEN, CHROME_MAC, '/blog/a-rather-long-article-name', { r: 'https://www.facebook.com/' });
  await send(GERMANY, CHROME_MAC, '/docs', { r: 'https://news.ycombinator.com/item?id=1' });
});

afterAll(async () => {
  await harness?.close();
});

async function visitsShown(p: Page): Promise<void> {
  await p.waitForSelector('[data-panel="visits"] .sv-trail-toggle', { state: 'attached' });
}

/** The visit row whose IP cell reads `ip` (truncated as stored), shown or not (a phone folds it). */
const rowOf = (p: Page, ip: string) => p.locator('[data-panel="visits"] tbody tr:not(.sv-trail-row)').filter({ has: p.locator('td.mono', { hasText: ip }) });

describe('recent visits', { timeout: 120_000 }, () => {
  it('opens a visit’s trail from its pages count and shows the site’s own search words as such', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day`);
    await visitsShown(p);
    const norway = rowOf(p, '84.208.20.0');
    const toggle = norway.locator('.sv-trail-toggle');
    expect(await toggle.textContent()).toBe('3');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    // The trail's row is made when asked for: the table holds one row per visit until then.
    expect(await p.locator('.sv-trail-row').count()).toBe(0);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const trail = p.locator(`#${await toggle.getAttribute('aria-controls')}`);
    await waitFor('trail shown', () => trail.isVisible());
    // Right below its visit's row, across the whole table.
    expect(await norway.evaluate((tr) => tr.nextElementSibling?.classList.contains('sv-trail-row'))).toBe(true);
    expect(await trail.locator('td').getAttribute('colspan')).toBe(String(await norway.locator('td').count()));
    const steps = await trail.locator('li').evaluateAll((lis) => lis.map((li) => [...li.querySelectorAll('span')].slice(1).map((s) => s.textContent).join(' | ')));
    expect(steps).toEqual(['/', '/search | searched “red shoes”', 'Signup on /search', '/pricing']);
    expect(await trail.locator('.sv-trail-time').first().textContent()).toMatch(/^\+0/);
    const words = norway.locator('td').nth(9);
    expect(await words.textContent()).toBe('red shoes site search');
    await screenshot(p, 'visits-trail-desktop');
    await toggle.click();
    await waitFor('trail closed', async () => (await p.locator('.sv-trail-row').count()) === 0);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  });

  it('keeps whole words in the Source column', async () => {
    // A tablet-wide window, the narrowest that still shows the table: the columns are squeezed.
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { viewport: { width: 780, height: 900 } });
    await visitsShown(p);
    const sources = p.locator('[data-panel="visits"] td.sv-source');
    expect(await sources.allTextContents()).toEqual(expect.arrayContaining(['Facebook', 'Hacker News']));
    // Each word of a source name is laid out on one line: none broken across lines.
    const broken = await sources.evaluateAll((tds) =>
      tds.flatMap((td) => {
        const text = td.firstChild!;
        return [...(text.textContent ?? '').matchAll(/\S+/g)].filter((word) => {
          const range = document.createRange();
          range.setStart(text, word.index);
          range.setEnd(text, word.index + word[0].length);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
        }).map((word) => word[0]);
      }),
    );
    expect(broken).toEqual([]);
  });

  it('reads in bokmål and dark mode, and on a phone', async () => {
    const nb = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { colorScheme: 'dark', locale: 'nb-NO' });
    await visitsShown(nb);
    const toggle = rowOf(nb, '84.208.20.0').locator('.sv-trail-toggle');
    expect(await toggle.getAttribute('aria-label')).toBe('Sider: 3. Vis sidene i dette besøket i rekkefølge');
    await toggle.click();
    await nb.waitForSelector('.sv-trail-row li');
    expect(await nb.locator('.sv-trail-row li').nth(2).textContent()).toContain('Signup på /search');
    expect(await rowOf(nb, '84.208.20.0').locator('td').nth(9).textContent()).toBe('red shoes søk på nettstedet');
    await screenshot(nb, 'visits-trail-desktop-nb-dark');

    const phone = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { viewport: PHONE });
    await visitsShown(phone);
    const visit = rowOf(phone, '84.208.20.0');
    // Where a phone folds each visit to one line, open it first.
    const more = visit.locator('.sv-visit-toggle button');
    if ((await more.count()) > 0 && (await more.isVisible())) await more.click();
    await visit.locator('.sv-trail-toggle').click();
    await phone.waitForSelector('.sv-trail-row li');
    const panel = await phone.locator('[data-panel="visits"]').boundingBox();
    expect(panel!.x + panel!.width).toBeLessThanOrEqual(PHONE.width);
    await phone.locator('[data-panel="visits"]').screenshot({ path: (await screenshot(phone, 'visits-trail-phone')).replace('.png', '-panel.png') });
  });
});
