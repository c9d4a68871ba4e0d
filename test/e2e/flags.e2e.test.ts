/**
 * Countries' flags as images, the same on every system (Windows draws emoji flags as two
 * letters): each country row of the table and of Details, each recent visit, the map's tip
 * and a country filter's chip show a loaded 16×12 flag from /flags/, no country shows the
 * neutral placeholder, and nothing the page asks for is missing. Screenshots in light,
 * dark and at 375 px (test/screenshots/flags-*.png).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GERMANY, NORWAY, NOWHERE, SWEDEN } from '../shared/target.ts';
import { type DashboardHarness, OWNER, PHONE, type PageOptions, SCREENSHOT_DIR, screenshot, startDashboard, waitFor } from './dashboard-harness.ts';

const DOMAIN = 'flags.example';
const COUNTRIES = ['NO', 'SE', 'DE'];
let harness: DashboardHarness;

beforeAll(async () => {
  harness = await startDashboard();
  await harness.server.addSite(DOMAIN);
  // 192.0.2.1 is a documentation address: no country, the table's "(not set)" row.
  for (const visitor of [NORWAY, SWEDEN, GERMANY, NOWHERE]) expect((await harness.sendPageview(DOMAIN, '/', visitor.ip)).status).toBe(202);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

/**
 * Every answer of 400 or more and every console error, from the page's opening on. The
 * browser's own request for /favicon.ico is not the page's (another item of issue 19).
 */
function watchFailures(page: Page): string[] {
  const failures: string[] = [];
  page.on('response', (res) => {
    if (res.status() >= 400) failures.push(`${res.status()} ${res.url()}`);
  });
  page.on('console', (message) => {
    const at = message.location().url;
    if (message.type() === 'error' && !at.endsWith('/favicon.ico')) failures.push(`console: ${message.text()} (${at})`);
  });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  return failures;
}

async function open(path: string, options: PageOptions = {}, ready = '[data-panel="locations"] tr[data-value]'): Promise<{ page: Page; failures: string[] }> {
  await harness.ensureOwner();
  const page = await harness.newPage(options);
  const failures = watchFailures(page);
  await harness.loginAs(page, OWNER, path);
  await page.locator('main h1').first().waitFor();
  await page.waitForSelector(ready);
  return { page, failures };
}

interface Shown {
  src: string;
  width: number;
  height: number;
  alt: string | null;
}

/**
 * The flags in `selector`'s elements, once every one has loaded (scrolled into view first:
 * they load lazily). One entry per element; null where it has no flag.
 */
async function flagsIn(page: Page, selector: string): Promise<Array<Shown | null>> {
  await page.locator(selector).first().scrollIntoViewIfNeeded();
  await page.locator(selector).last().scrollIntoViewIfNeeded();
  await waitFor(`flags in ${selector} loaded`, () =>
    page.$$eval(selector, (els) => els.every((el) => [...el.querySelectorAll('img.flag')].every((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0))),
  );
  return page.$$eval(selector, (els) =>
    els.map((el) => {
      const img = el.querySelector('img.flag') as HTMLImageElement | null;
      if (!img) return null;
      const box = img.getBoundingClientRect();
      return { src: new URL(img.src).pathname, width: Math.round(box.width), height: Math.round(box.height), alt: img.getAttribute('alt') };
    }),
  );
}

const flagOf = (code: string) => ({ src: `/flags/${code.toLowerCase()}.svg`, width: 16, height: 12, alt: '' });

describe('flags', { timeout: 120_000 }, () => {
  it('shows a loaded flag image beside each country in the table, Details and recent visits, and the placeholder for no country', async () => {
    const { page, failures } = await open(`/sites/${DOMAIN}?period=day&tab.locations=countries`);
    const rows = '[data-panel="locations"] tr[data-value]';
    const values = await page.$$eval(rows, (trs) => trs.map((tr) => (tr as HTMLElement).dataset.value!));
    expect(values.sort()).toEqual([...COUNTRIES, '(not set)'].sort());
    const flags = await flagsIn(page, rows);
    expect(flags).toEqual(values.map((v) => (v === '(not set)' ? flagOf('xx') : flagOf(v))));
    // The name stands beside it, as it was: the flag is decorative, spaced by a margin.
    expect(await page.textContent(`${rows}[data-value="NO"] .sv-pick`)).toBe('Norway');

    const visits = '.sv-visits-body td[data-col="visit:country"]';
    await page.waitForSelector(visits);
    const visitFlags = await flagsIn(page, visits);
    const shownCountries = await page.$$eval(visits, (tds) => tds.map((td) => td.textContent));
    expect(visitFlags.filter(Boolean).map((f) => f!.src).sort()).toEqual(COUNTRIES.map((c) => `/flags/${c.toLowerCase()}.svg`).sort());
    expect(shownCountries).toEqual(expect.arrayContaining(['Norway', 'Sweden', 'Germany']));

    await page.click('[data-panel="locations"] .sv-panel-foot button:first-child');
    await page.waitForSelector('dialog.sv-details tr[data-value]');
    const dialogRows = 'dialog.sv-details tr[data-value]';
    const dialogValues = await page.$$eval(dialogRows, (trs) => trs.map((tr) => (tr as HTMLElement).dataset.value!));
    expect(await flagsIn(page, dialogRows)).toEqual(dialogValues.map((v) => (v === '(not set)' ? flagOf('xx') : flagOf(v))));
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'flags-details.png') });
    await page.keyboard.press('Escape');

    expect(failures).toEqual([]);
    await page.locator('[data-panel="locations"]').screenshot({ path: join(SCREENSHOT_DIR, 'flags-light-countries.png') });
    await screenshot(page, 'flags-light');
  });

  it('shows the flag in the map’s tip and in a country filter’s chip, and in dark mode', async () => {
    const { page, failures } = await open(`/sites/${DOMAIN}?period=day&tab.locations=map&f=${encodeURIComponent('is|visit:country|SE')}`, { colorScheme: 'dark' }, '.sv-map path.has');
    expect(await flagsIn(page, '.sv-chip')).toEqual([flagOf('SE')]);
    await page.waitForSelector('.sv-map path[data-country="SE"]');
    await page.locator('.sv-map path[data-country="SE"]').dispatchEvent('mouseenter');
    await waitFor('the tip names Sweden', async () => /Sweden/.test((await page.textContent('.sv-map-tip')) ?? ''));
    expect(await flagsIn(page, '.sv-map-tip')).toEqual([flagOf('SE')]);
    await screenshot(page, 'flags-dark');
    await page.click('.sv-chip-remove');
    await page.click('#sv-tab-locations-countries');
    await waitFor('every country', async () => (await page.$$('[data-panel="locations"] tr[data-value]')).length === 4);
    expect((await flagsIn(page, '[data-panel="locations"] tr[data-value]')).map((f) => f?.src).sort()).toEqual(['/flags/de.svg', '/flags/no.svg', '/flags/se.svg', '/flags/xx.svg']);
    await page.locator('[data-panel="locations"]').screenshot({ path: join(SCREENSHOT_DIR, 'flags-dark-countries.png') });
    expect(failures).toEqual([]);
  });

  it('keeps the flags on a 375 px phone', async () => {
    const { page, failures } = await open(`/sites/${DOMAIN}?period=day&tab.locations=countries`, { viewport: PHONE });
    const rows = '[data-panel="locations"] tr[data-value]';
    const flags = await flagsIn(page, rows);
    expect(flags.every((f) => f && f.width === 16 && f.height === 12)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(failures).toEqual([]);
    await screenshot(page, 'flags-phone');
  });
});
