/**
 * Issue 19's leftovers, in real Chromium against a real server: the R shortcut to the
 * realtime view and the keys that come back from it; the chart and Top Pages under a
 * custom-event filter; a direct visit's source and the phone's recent visits; the login
 * screen's theme switch; renaming a shared link in place; bokmål channel and device names in
 * the filter suggestions; and the filter dialog's limit of values. Screenshots for a person
 * to judge: desktop and 375 px, light and dark, English and bokmål.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VIEW_VALUES } from '../../dashboard/site-view/filter-values.ts';
import { parseView } from '../../server/core/dashboard-api/view-queries/state.ts';
import { CHROME_MAC, FIREFOX_WINDOWS, GERMANY, NORWAY, SAFARI_IPHONE, SWEDEN, type Visitor } from '../shared/target.ts';
import { type DashboardHarness, PHONE, SCREENSHOT_DIR, screenshot, startDashboard, waitFor } from './dashboard-harness.ts';

const DOMAIN = 'polish.example';
let harness: DashboardHarness;

const send = (visitor: Visitor, userAgent: string, path: string, extra: Record<string, unknown> = {}) =>
  harness.sendEvent(DOMAIN, visitor, userAgent, { u: `https://${DOMAIN}${path}`, ...extra });

/*
 * Today:
 *   NORWAY   direct, Firefox on Windows: / → /pricing → Signup on /pricing
 *   GERMANY  from Facebook, Chrome on a Mac: /blog → Signup on /pricing (no page view there)
 *   SWEDEN   from Google, Safari on an iPhone (Mobile, Organic Search): /
 * Signup: 2 conversions, both on /pricing.
 */
beforeAll(async () => {
  harness = await startDashboard();
  await harness.server.addSite(DOMAIN);
  await send(NORWAY, FIREFOX_WINDOWS, '/');
  await send(NORWAY, FIREFOX_WINDOWS, '/pricing');
  await send(NORWAY, FIREFOX_WINDOWS, '/pricing', { n: 'Signup' });
  await send(GERMANY, CHROME_MAC, '/blog', { r: 'https://www.facebook.com/' });
  await send(GERMANY, CHROME_MAC, '/pricing', { n: 'Signup' });
  await send(SWEDEN, SAFARI_IPHONE, '/', { r: 'https://www.google.com/' });
});

afterAll(async () => {
  await harness?.close();
});

const search = (p: Page) => new URL(p.url()).search;
/** What the window shows (a full-page shot hides a modal dialog in a long page). */
const screen = (p: Page, name: string) => p.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });

async function settled(p: Page): Promise<void> {
  await p.waitForSelector('.sv-kpi-value[data-value]');
  await waitFor('every panel filled', () => p.evaluate(() => document.querySelectorAll('.sv-skeleton').length === 0));
}

describe('keyboard shortcuts and the realtime view', { timeout: 120_000 }, () => {
  it('R opens the realtime view; a range key or Escape comes back', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=7d`);
    await settled(p);
    await p.keyboard.press('r');
    await p.waitForSelector('.sv-rt .sv-rt-figure [data-rt="now"][data-value]');
    expect(search(p)).toBe('?period=realtime');
    await screenshot(p, 'polish-realtime-by-key');
    // A range's letter opens the site view on that range.
    await p.keyboard.press('d');
    await waitFor('today’s view', () => search(p) === '?period=day');
    await settled(p);
    expect(await p.locator('.sv-rt').count()).toBe(0);
    // Escape goes back to the default view; the realtime view's own keys are gone with it.
    await p.keyboard.press('r');
    await p.waitForSelector('.sv-rt');
    await p.keyboard.press('Escape');
    await waitFor('the default view', () => search(p) === '');
    await settled(p);
    await p.keyboard.press('Escape');
    expect(search(p)).toBe('');
    // Back in history returns to the realtime view, as any other change of view.
    await p.goBack();
    await p.waitForSelector('.sv-rt');
    expect(search(p)).toBe('?period=realtime');
  });

  it('a key typed in a field is the field’s', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day`);
    await settled(p);
    await p.click('[data-key="filter-add"]');
    await p.locator('dialog input[role="combobox"]').pressSequentially('r');
    expect(search(p)).toBe('?period=day');
  });
});

describe('a custom-event filter', { timeout: 120_000 }, () => {
  const goal = `/sites/${DOMAIN}?period=day&f=${encodeURIComponent('is|event:name|Signup')}`;

  it('titles the chart as the KPI it draws and counts the events in Top Pages', async () => {
    const p = await harness.ownerPage(goal);
    await settled(p);
    expect(await p.textContent('#sv-chart-title')).toBe('Unique conversions');
    const pages = p.locator('[data-panel="pages"]');
    expect(await pages.locator('thead th').nth(2).textContent()).toBe('Events');
    const rows = await pages.locator('.sv-panel-body tr[data-value]').evaluateAll((trs) => trs.map((tr) => [(tr as HTMLElement).dataset.value, Number((tr as HTMLElement).dataset.visitors), Number((tr as HTMLElement).dataset.second)]));
    expect(rows).toEqual([['/pricing', 2, 2]]);
    await screenshot(p, 'polish-goal-desktop');
    // Without the filter the column is pageviews again, of page views only.
    const all = await harness.ownerPage(`/sites/${DOMAIN}?period=day`);
    await settled(all);
    expect(await all.textContent('#sv-chart-title')).toBe('Unique visitors');
    expect(await all.locator('[data-panel="pages"] thead th').nth(2).textContent()).toContain('Pageviews');
  });

  it('says so in bokmål on a phone, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const p = await harness.ownerPage(goal, { viewport: PHONE, colorScheme, locale: 'nb-NO' });
      await settled(p);
      expect(await p.textContent('#sv-chart-title')).toBe('Unike konverteringer');
      expect(await p.locator('[data-panel="pages"] thead th').nth(2).textContent()).toContain('Hendelser');
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await screenshot(p, `polish-goal-phone-nb-${colorScheme}`);
    }
  });
});

describe('recent visits', { timeout: 120_000 }, () => {
  const sourceOf = (p: Page, ip: string) =>
    p.locator('[data-panel="visits"] tbody tr:not(.sv-trail-row)').filter({ has: p.locator('td.mono', { hasText: ip }) }).locator('td[data-col="visit:source"]').textContent();

  it('names a direct visit’s source as the Sources panel does', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day`);
    await p.waitForSelector('[data-panel="visits"] .sv-trail-toggle');
    expect(await sourceOf(p, '84.208.20.0')).toBe('Direct / None');
    expect(await sourceOf(p, '91.64.0.0')).toBe('Facebook');
    const nb = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { locale: 'nb-NO' });
    await nb.waitForSelector('[data-panel="visits"] .sv-trail-toggle');
    expect(await sourceOf(nb, '84.208.20.0')).toBe('Direkte / ingen');
  });

  it('fits a country’s name and a source on a phone’s line, in both languages', async () => {
    for (const [locale, colorScheme] of [['en-GB', 'light'], ['nb-NO', 'dark']] as const) {
      const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { viewport: PHONE, colorScheme, locale });
      await p.waitForSelector('[data-panel="visits"] .sv-trail-toggle', { state: 'attached' });
      const cut = await p.$$eval('[data-panel="visits"] td[data-col="visit:country"], [data-panel="visits"] td[data-col="visit:source"]', (cells) =>
        cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
      );
      expect(cut).toEqual([]);
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await p.locator('[data-panel="visits"]').scrollIntoViewIfNeeded();
      await p.locator('[data-panel="visits"]').screenshot({ path: join(SCREENSHOT_DIR, `polish-visits-phone-${locale}-${colorScheme}.png`) });
    }
  });
});

/**
 * Chromium draws a select's arrow beyond its padding and cuts a name too long for the rest
 * right at the arrow: each switch is as wide as its own widest size, with a gap before the arrow.
 */
async function switchesWhole(p: Page): Promise<void> {
  const sizes = await p.$$eval('.topbar-tools select', (selects) =>
    selects.map((s) => {
      const free = s.cloneNode(true) as HTMLSelectElement;
      free.style.cssText = 'position: absolute; width: max-content; max-width: none; min-width: 0; flex: none';
      s.parentElement!.append(free);
      const natural = free.getBoundingClientRect().width;
      free.remove();
      return { width: s.getBoundingClientRect().width, natural, gap: parseFloat(getComputedStyle(s).paddingRight) };
    }),
  );
  for (const size of sizes) {
    expect(size.width).toBeGreaterThanOrEqual(size.natural - 0.5);
    expect(size.gap).toBeGreaterThanOrEqual(8);
  }
}

describe('the login screen', { timeout: 60_000 }, () => {
  it('keeps the switches’ text clear of their arrows', async () => {
    for (const [viewport, locale] of [[{ width: 1280, height: 800 }, 'en-GB'], [PHONE, 'en-GB'], [PHONE, 'nb-NO']] as const) {
      const p = await harness.newPage({ viewport, locale });
      await p.goto(`${harness.url}/`);
      await p.waitForSelector('form #theme-switch, #theme-switch');
      await p.waitForSelector('input[type="password"]');
      await p.locator('.topbar').screenshot({ path: join(SCREENSHOT_DIR, `polish-login-switches-${viewport.width}-${locale}.png`) });
      await switchesWhole(p);
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    }
    // Logged in on a phone, beside "Log out" in bokmål, they still fit.
    for (const path of ['/', `/sites/${DOMAIN}?period=day`]) {
      const owner = await harness.ownerPage(path, { viewport: PHONE, locale: 'nb-NO', colorScheme: 'dark' });
      await owner.waitForSelector('#theme-switch');
      await owner.waitForSelector('.topbar-tools button');
      const right = await owner.$$eval('.topbar-tools > *', (els) => Math.max(...els.map((el) => el.getBoundingClientRect().right)));
      expect(right).toBeLessThanOrEqual(PHONE.width);
      await switchesWhole(owner);
      await owner.locator('.topbar').screenshot({ path: join(SCREENSHOT_DIR, `polish-owner-switches-375-nb-${path === '/' ? 'sites' : 'site'}.png`) });
    }
  });
});

describe('shared links', { timeout: 120_000 }, () => {
  it('renames a link in place: Enter saves, Escape cancels, focus stays on its button', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}/settings`);
    const section = p.locator('section', { has: p.getByRole('heading', { name: 'Shared links', exact: true }) });
    await section.getByLabel('Name', { exact: true }).fill('Acme');
    await section.getByRole('button', { name: 'Create link' }).click();
    await section.getByRole('heading', { name: 'Acme', exact: true }).waitFor();
    const address = await section.locator('li.share-link .copy-box input').inputValue();

    await section.getByRole('button', { name: 'Rename “Acme”' }).click();
    const box = section.getByLabel('New name of “Acme”');
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.fill('Board');
    await p.keyboard.press('Escape');
    await section.getByRole('heading', { name: 'Acme', exact: true }).waitFor();
    expect(await p.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Rename “Acme”');

    await p.keyboard.press('Enter');
    await box.fill('Acme marketing');
    await screenshot(p, 'polish-share-rename');
    await p.keyboard.press('Enter');
    await section.getByRole('heading', { name: 'Acme marketing', exact: true }).waitFor();
    await section.getByText('Renamed.').waitFor();
    await waitFor('focus back on the renamed link’s button', () => p.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'Rename “Acme marketing”'));
    // The same link (its address unchanged), and the name is the server's.
    expect(await section.locator('li.share-link .copy-box input').inputValue()).toBe(address);
    await p.reload();
    await section.getByRole('heading', { name: 'Acme marketing', exact: true }).waitFor();

    // An empty name is the server's error, said where the owner looks; the field stays open.
    await section.getByRole('button', { name: 'Rename “Acme marketing”' }).click();
    await section.getByLabel('New name of “Acme marketing”').fill('');
    await p.keyboard.press('Enter');
    await section.locator('p.status[data-kind="error"]', { hasText: 'name' }).waitFor();
    expect(await section.getByLabel('New name of “Acme marketing”').isVisible()).toBe(true);
  });

  it('fits a phone in bokmål, dark', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}/settings`, { viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' });
    const item = p.locator('li.share-link').first();
    await item.waitFor();
    await item.getByRole('button', { name: /^Gi «.*» nytt navn$/ }).click();
    await item.locator('.share-rename-form input').waitFor();
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await item.screenshot({ path: join(SCREENSHOT_DIR, 'polish-share-rename-phone-nb-dark.png') });
  });
});

describe('the filter dialog', { timeout: 120_000 }, () => {
  const combobox = 'dialog input[role="combobox"]';
  const options = (p: Page) => p.$$eval('#sv-filter-suggest [role="option"]', (els) => els.map((el) => (el as HTMLElement).dataset.value));

  async function type(p: Page, text: string): Promise<void> {
    await p.fill(combobox, '');
    await p.locator(combobox).pressSequentially(text);
    await p.waitForSelector(`#sv-filter-suggest[data-for="${text}"]`, { state: 'attached' });
  }

  it('finds channels and devices by their bokmål names and stores the API’s values', async () => {
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day`, { locale: 'nb-NO' });
    await settled(p);
    await p.click('[data-key="filter-add"]');
    await p.selectOption('dialog select >> nth=0', 'visit:channel');
    await type(p, 'Organisk');
    // Sweden came from Google, Germany from Facebook.
    expect((await options(p)).sort()).toEqual(['Organic Search', 'Organic Social']);
    expect(await p.textContent(`#sv-filter-suggest [data-value="Organic Search"]`)).toContain('Organisk søk');
    await screen(p, 'polish-suggest-channel-nb');
    // The English value still matches as typed.
    await type(p, 'direct');
    expect(await options(p)).toEqual(['Direct']);
    await p.selectOption('dialog select >> nth=0', 'visit:device');
    await type(p, 'Mobil');
    expect(await options(p)).toEqual(['Mobile']);
    // Typed in full and added without picking: stored as the API's value.
    const before = p.url();
    await p.click('dialog button[type="submit"]');
    await waitFor('the filtered view', () => p.url() !== before);
    await settled(p);
    expect(parseView(search(p)).filters).toEqual([{ op: 'is', dimension: 'visit:device', values: ['Mobile'] }]);
    expect(await p.$$eval('.sv-error', (els) => els.length)).toBe(0);
    expect(await p.textContent('.sv-filters .sv-chip')).toContain('Mobil');
  });

  it(`stops at ${MAX_VIEW_VALUES} values in all, with a message`, async () => {
    const pages = Array.from({ length: MAX_VIEW_VALUES - 1 }, (_, i) => `/nowhere-${i}`);
    const p = await harness.ownerPage(`/sites/${DOMAIN}?period=day&f=${encodeURIComponent(['is_not', 'event:page', ...pages].join('|'))}`);
    await settled(p);
    expect(await p.$$eval('.sv-error', (els) => els.length)).toBe(0);
    await p.click('[data-key="filter-add"]');
    await p.selectOption('dialog select >> nth=0', 'visit:browser');
    await p.focus(combobox);
    await p.waitForSelector('#sv-filter-suggest [role="option"]');
    expect((await options(p)).length).toBeGreaterThanOrEqual(2);
    await p.click('#sv-filter-suggest [role="option"] >> nth=0');
    await p.click('#sv-filter-suggest [role="option"] >> nth=0');
    await p.waitForSelector('#sv-filter-error:not(:empty)');
    expect(await p.textContent('#sv-filter-error')).toBe(`A view can filter on at most ${MAX_VIEW_VALUES} values in all: remove some before adding more.`);
    expect(await p.locator('dialog .sv-filter-values li').count()).toBe(1);
    await screen(p, 'polish-filter-limit');
    // Typed text past the limit is refused on Add as well, and nothing is sent.
    await p.fill(combobox, 'Opera');
    await p.click('dialog button[type="submit"]');
    expect(await p.isVisible('dialog.sv-filter-dialog')).toBe(true);
    expect(await p.textContent('#sv-filter-error')).toContain(String(MAX_VIEW_VALUES));
    // The one value that fits is added, and every card answers.
    await p.fill(combobox, '');
    const before = p.url();
    await p.click('dialog button[type="submit"]');
    await waitFor('the filtered view', () => p.url() !== before);
    await settled(p);
    expect(parseView(search(p)).filters.reduce((n, f) => n + f.values.length, 0)).toBe(MAX_VIEW_VALUES);
    expect(await p.$$eval('.sv-error', (els) => els.length)).toBe(0);
  });
});
