/**
 * Every screen on a 375 px phone, in English and bokmål (and some in dark): no sideways
 * scroll, no text of a table header, tab row, KPI row or top bar running into its
 * neighbour's, and a tab row that scrolls says so. Screenshots of each for a person to
 * judge (test/screenshots/phone-<lang>-<screen>.png). Also what bokmål shows of
 * Plausible's English vocabulary (channels, devices) and where the search-words note
 * belongs.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_MAC, FIREFOX_WINDOWS, GERMANY, NORWAY, NORWAY_2, NORWAY_3, NOWHERE, SAFARI_IPHONE, SWEDEN, type Visitor } from '../shared/target.ts';
import { type DashboardHarness, PHONE, type PageOptions, SCREENSHOT_DIR, screenshot, startDashboard, waitFor } from './dashboard-harness.ts';

const DOMAIN = 'example.com';
const EMPTY = 'empty.example';
let harness: DashboardHarness;

const send = (visitor: Visitor, userAgent: string, body: Record<string, unknown>) => harness.sendEvent(DOMAIN, visitor, userAgent, body);

const url = (path: string) => `https://${DOMAIN}${path}`;

beforeAll(async () => {
  harness = await startDashboard();
  await harness.server.addSite(DOMAIN);
  await harness.server.addSite(EMPTY);
  await send(NORWAY, FIREFOX_WINDOWS, { u: url('/'), r: 'https://www.bing.com/search?q=privacy+analytics' });
  await send(NORWAY, FIREFOX_WINDOWS, { u: url('/pricing') });
  await send(NORWAY_2, CHROME_MAC, { u: url('/?utm_source=newsletter&utm_medium=email&utm_campaign=launch&utm_term=analytics') });
  await send(NORWAY_3, SAFARI_IPHONE, { u: url('/blog/a-rather-long-article-name-about-privacy-friendly-analytics'), r: 'https://news.ycombinator.com/item?id=1' });
  await send(NORWAY_3, SAFARI_IPHONE, { u: url('/search?q=teller') });
  await send(SWEDEN, FIREFOX_WINDOWS, { u: url('/pricing'), r: 'https://www.google.com/' });
  await send(SWEDEN, FIREFOX_WINDOWS, { u: url('/pricing'), n: 'Signup', p: { plan: 'pro' } });
  await send(GERMANY, CHROME_MAC, { u: url('/docs'), r: 'https://www.facebook.com/' });
  await send(NOWHERE, FIREFOX_WINDOWS, { u: url('/about') });
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

const LANGS = [
  ['en', 'en-GB'],
  ['nb', 'nb-NO'],
] as const;

/**
 * Text that runs into its neighbour's: in each row of table headers, tab list, KPI row, top
 * bar and panel head, the boxes of the children's text must not intersect, and a table
 * header's text must stay inside its cell. A tab list wider than its box must show a cue
 * (`data-more`) that it scrolls. Returns what is wrong, described.
 */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const clipped = (el: Element | null) => {
      for (let at = el; at; at = at.parentElement) if (getComputedStyle(at).clip !== 'auto') return true;
      return false;
    };
    // The boxes of the text a reader sees (a visually hidden span's text is for screen readers).
    const textBox = (el: Element): DOMRect | null => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const rects: DOMRect[] = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (clipped(node.parentElement)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        rects.push(...[...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0));
      }
      if (rects.length === 0) return null;
      const left = Math.min(...rects.map((r) => r.left));
      const right = Math.max(...rects.map((r) => r.right));
      const top = Math.min(...rects.map((r) => r.top));
      const bottom = Math.max(...rects.map((r) => r.bottom));
      return new DOMRect(left, top, right - left, bottom - top);
    };
    const meet = (a: DOMRect, b: DOMRect) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
    // Shown, and not in a visually hidden box (the sr-only pattern: clipped to 1 px).
    const visible = (el: Element) => (el as HTMLElement).offsetParent !== null && getComputedStyle(el).visibility !== 'hidden' && !clipped(el);
    for (const row of document.querySelectorAll('thead tr, [role="tablist"], .sv-kpis, .topbar-inner, .sv-panel-head, .sv-dialog-foot, .page-head')) {
      if (!visible(row)) continue;
      const children = [...row.children].filter(visible);
      const boxes = children.map(textBox);
      for (let i = 0; i < children.length; i++) {
        for (let j = i + 1; j < children.length; j++) {
          const a = boxes[i];
          const b = boxes[j];
          if (a && b && meet(a, b)) problems.push(`${name(children[i]!)} runs into ${name(children[j]!)}`);
        }
      }
    }
    for (const cell of document.querySelectorAll('thead th')) {
      if (!visible(cell)) continue;
      const box = textBox(cell);
      const own = cell.getBoundingClientRect();
      if (box && (box.left < own.left - 1 || box.right > own.right + 1)) problems.push(`${name(cell)} overflows its cell`);
    }
    for (const list of document.querySelectorAll<HTMLElement>('[role="tablist"]')) {
      if (!visible(list) || list.scrollWidth <= list.clientWidth + 1) continue;
      const cue = list.closest('[data-more]')?.getAttribute('data-more') ?? '';
      if (!cue) problems.push(`${name(list)} scrolls without a cue`);
    }
    return problems;
  });
}

/** `dialog`: the screenshot is of the screen as seen (a full-page one would centre the dialog on the whole page). */
async function fits(page: Page, screen: string, dialog = false): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect.soft(width, `${screen}: page width`).toBeLessThanOrEqual(PHONE.width);
  expect.soft(await layoutProblems(page), screen).toEqual([]);
  if (dialog) await page.screenshot({ path: join(SCREENSHOT_DIR, `phone-${screen}.png`) });
  else await screenshot(page, `phone-${screen}`);
}

async function settled(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await waitFor('nothing loading', () =>
    page.evaluate(() => document.querySelectorAll('.sv-skeleton').length === 0 && ![...document.querySelectorAll('main .muted')].some((el) => /^(Loading|Laster|Henter)/.test(el.textContent ?? ''))),
  );
}

async function siteView(page: Page): Promise<void> {
  await settled(page);
  await page.waitForSelector('.sv-kpi-value[data-value]');
  await page.waitForSelector('.sv-visits-body tbody tr, .sv-visits-body .sv-empty');
}

const phone = (lang: string, colorScheme: 'light' | 'dark' = 'light'): PageOptions => ({ viewport: PHONE, colorScheme, locale: lang });

describe('375 px phone, English and bokmål', { timeout: 240_000 }, () => {
  it('the first-run and login screens fit', async () => {
    for (const [lang, locale] of LANGS) {
      const page = await harness.newPage(phone(locale));
      await page.goto(`${harness.url}/setup`);
      await page.locator('input[type="password"]').first().waitFor();
      await fits(page, `${lang}-setup`);
    }
    await harness.ensureOwner();
    for (const [lang, locale] of LANGS) {
      const page = await harness.newPage(phone(locale, lang === 'nb' ? 'dark' : 'light'));
      await page.goto(harness.url);
      await page.locator('input[type="password"]').waitFor();
      await fits(page, `${lang}-login`);
    }
  });

  it('the owner pages fit: site list, add site, settings (access, privacy), users, account', async () => {
    for (const [lang, locale] of LANGS) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const page = await harness.ownerPage('/', phone(locale, colorScheme));
        const suffix = colorScheme === 'dark' ? '-dark' : '';
        for (const [screen, path] of [
          ['sites', '/'],
          ['add-site', '/?add'],
          ['settings', `/sites/${DOMAIN}/settings`],
          ['users', '/users'],
          ['account', '/account'],
        ] as const) {
          await page.goto(`${harness.url}${path}`);
          await settled(page);
          await fits(page, `${lang}-${screen}${suffix}`);
        }
      }
    }
  });

  it('the site view fits, with data and empty, with its details and filter dialogs', async () => {
    for (const [lang, locale] of LANGS) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const suffix = colorScheme === 'dark' ? '-dark' : '';
        const page = await harness.ownerPage(`/sites/${DOMAIN}?period=day&tab.pages=exit&tab.sources=utm`, phone(locale, colorScheme));
        await siteView(page);
        await page.waitForSelector('.sv-map');
        await fits(page, `${lang}-site-view${suffix}`);

        await page.click('[data-panel="pages"] .sv-panel-foot button:first-child');
        await page.waitForSelector('dialog[open] tbody tr');
        await fits(page, `${lang}-details${suffix}`, true);
        await page.keyboard.press('Escape');
        await page.keyboard.press('Escape');
        await waitFor('details closed', () => page.evaluate(() => !document.querySelector('dialog[open]')));

        // Top pages: the longest heading ("Sidevisninger"), with the sort arrow.
        await page.click('#sv-tab-pages-top');
        await page.waitForSelector('#sv-tab-pages-top[aria-selected="true"]');
        await siteView(page);
        await page.click('[data-panel="pages"] .sv-panel-foot button:first-child');
        await page.waitForSelector('dialog[open] tbody tr');
        await page.click('dialog[open] th.num:last-child .sv-sort');
        await page.waitForSelector('dialog[open] th.num:last-child[aria-sort]');
        await fits(page, `${lang}-details-top${suffix}`, true);
        await page.keyboard.press('Escape');
        await page.keyboard.press('Escape');
        await waitFor('details closed', () => page.evaluate(() => !document.querySelector('dialog[open]')));

        await page.click('[data-key="filter-add"]');
        await page.waitForSelector('dialog[open]');
        await fits(page, `${lang}-filter${suffix}`, true);
        await page.keyboard.press('Escape');

        await page.goto(`${harness.url}/sites/${EMPTY}`);
        await settled(page);
        await fits(page, `${lang}-empty-site${suffix}`);
      }
    }
  });
});

describe('what a phone and a bokmål reader see', { timeout: 120_000 }, () => {
  it('keeps the page in 375 px over long ranges too (the chart’s hidden table)', async () => {
    const page = await harness.ownerPage(`/sites/${DOMAIN}`, phone('nb-NO'));
    for (const period of ['28d', '91d', '12mo', 'all']) {
      await page.goto(`${harness.url}/sites/${DOMAIN}?period=${period}`);
      await siteView(page);
      await page.waitForSelector('.sv-chart-table');
      expect(await page.evaluate(() => document.documentElement.scrollWidth), period).toBeLessThanOrEqual(PHONE.width);
    }
  });

  it('shows that a tab row scrolls, with the chosen tab in sight', async () => {
    const page = await harness.ownerPage(`/sites/${DOMAIN}?period=day&tab.pages=exit`, phone('nb-NO'));
    await siteView(page);
    const cue = (panel: string) => page.$eval(`[data-panel="${panel}"] [role="tablist"]`, (list) => list.parentElement!.dataset.more);
    await waitFor('the cues drawn', async () => (await cue('sources')) === 'end');
    expect(await cue('pages')).toMatch(/^(start|both)$/);
    const inSight = await page.$eval('#sv-tab-pages-exit', (tab) => {
      const list = tab.parentElement!.getBoundingClientRect();
      const own = tab.getBoundingClientRect();
      return own.left >= list.left - 1 && own.right <= list.right + 1;
    });
    expect(inSight).toBe(true);
    await page.$eval('[data-panel="sources"] [role="tablist"]', (list) => list.scrollTo({ left: list.scrollWidth }));
    await waitFor('the sources cue turned', async () => (await cue('sources')) === 'start');
    // A wide screen wraps the tabs: no cue.
    const desktop = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { locale: 'nb-NO' });
    await siteView(desktop);
    expect(await desktop.$eval('[data-panel="sources"] [role="tablist"]', (list) => list.parentElement!.dataset.more)).toBe('');
  });

  it('lists recent visits on a phone as one line each, ten to a page, each opening to the rest', async () => {
    const page = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, phone('en-GB'));
    await siteView(page);
    const rows = page.locator('.sv-visits tbody tr');
    const count = await rows.count();
    expect(count).toBeGreaterThan(1);
    expect(count).toBeLessThanOrEqual(10);
    const first = rows.first();
    const closed = (await first.boundingBox())!.height;
    expect(closed).toBeLessThan(48);
    expect(await first.locator('td[data-col="visit:browser"]').isVisible()).toBe(false);
    await first.getByRole('button', { name: 'More about this visit' }).click();
    expect(await first.getByRole('button', { name: 'More about this visit' }).getAttribute('aria-expanded')).toBe('true');
    expect(await first.locator('td[data-col="visit:browser"]').isVisible()).toBe(true);
    expect((await first.boundingBox())!.height).toBeGreaterThan(closed * 3);
    await screenshot(page, 'phone-en-visit-open');
    // A wide screen keeps the table, 20 to a page, without the buttons.
    const desktop = await harness.ownerPage(`/sites/${DOMAIN}?period=day`);
    await siteView(desktop);
    expect(await desktop.locator('.sv-visit-toggle').first().isVisible()).toBe(false);
    expect(await desktop.locator('.sv-visits th').count()).toBe(10);
    const requested = await desktop.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.includes('/visits?')) ?? '');
    expect(new URL(requested).searchParams.get('limit')).toBe('20');
  });

  it('names channels, devices and direct visits in bokmål, in rows, chips and recent visits', async () => {
    const page = await harness.ownerPage(`/sites/${DOMAIN}?period=day&tab.devices=device`, { locale: 'nb-NO' });
    await siteView(page);
    const names = (panel: string) => page.$$eval(`[data-panel="${panel}"] .sv-panel-body tr[data-value]`, (trs) => trs.map((tr) => [(tr as HTMLElement).dataset.value, tr.querySelector('.sv-pick')!.textContent]));
    expect(await names('sources')).toEqual(expect.arrayContaining([['Organic Search', 'Organisk søk'], ['Organic Social', 'Organisk sosialt'], ['Email', 'E-post'], ['Direct', 'Direkte']]));
    expect(await names('devices')).toEqual(expect.arrayContaining([['Desktop', 'Datamaskin'], ['Mobile', 'Mobil']]));
    await page.click('#sv-tab-sources-sources');
    await page.waitForSelector('[data-panel="sources"] tr[data-value="Direct / None"]');
    expect(await names('sources')).toEqual(expect.arrayContaining([['Direct / None', 'Direkte / ingen'], ['Google', 'Google']]));
    await page.click('#sv-tab-sources-channels');
    await page.waitForSelector('[data-panel="sources"] tr[data-value="Organic Search"]');
    await page.click('[data-panel="sources"] tr[data-value="Organic Search"] .sv-pick');
    await page.waitForSelector('.sv-chip');
    expect(await page.textContent('.sv-chip')).toContain('Organisk søk');
    expect(new URL(page.url()).searchParams.toString()).toContain('Organic+Search');
    await siteView(page);
    expect(await page.textContent('.sv-visits tbody')).toMatch(/Datamaskin/);
    expect(await page.textContent('.sv-visits tbody')).not.toMatch(/Desktop|Mobile/);
    // The Stats API keeps Plausible's names.
    expect(await page.textContent('body')).not.toMatch(/Organic Search|Desktop/);
  });

  it('says search engines hide search words on the search-engine tab only', async () => {
    const page = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { locale: 'en-GB' });
    await siteView(page);
    const note = () => page.locator('[data-panel="words"] .sv-note').count();
    await page.waitForSelector('[data-panel="words"] .sv-note:text-matches("search engines hide")');
    for (const tab of ['utm_term', 'site_search']) {
      await page.click(`#sv-tab-words-${tab}`);
      await page.waitForSelector(`#sv-tab-words-${tab}[aria-selected="true"]`);
      await siteView(page);
      expect(await note(), tab).toBe(0);
    }
    await page.click('#sv-tab-words-keywords');
    await page.waitForSelector('[data-panel="words"] .sv-note:text-matches("search engines hide")');
  });

  it('gives the map a legend from the fewest to the most visitors, and countries without any show in dark mode', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { colorScheme });
      await siteView(page);
      const legend = page.locator('.sv-map-legend');
      await legend.waitFor();
      // Norway 3 visitors, Sweden and Germany 1 each.
      expect(await legend.getAttribute('data-min')).toBe('1');
      expect(await legend.getAttribute('data-max')).toBe('3');
      expect(await legend.textContent()).toMatch(/Visitors per country.*None.*1.*3/);
      const contrast = await page.evaluate(() => {
        const rgb = (text: string) => {
          const srgb = text.match(/color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)/);
          if (srgb) return srgb.slice(1, 4).map((v) => Number(v) * 255);
          return (text.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        };
        const luminance = (text: string) => {
          const [r, g, b] = rgb(text).map((v) => {
            const c = v / 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const empty = getComputedStyle(document.querySelector('.sv-country:not(.has)')!).fill;
        const card = getComputedStyle(document.querySelector('[data-panel="locations"]')!).backgroundColor;
        const [a, b] = [luminance(empty), luminance(card)].sort((x, y) => y - x);
        return (a! + 0.05) / (b! + 0.05);
      });
      expect(contrast, colorScheme).toBeGreaterThan(1.15);
      await page.locator('[data-panel="locations"]').screenshot({ path: join(SCREENSHOT_DIR, `map-${colorScheme}.png`) });
    }
  });
});
