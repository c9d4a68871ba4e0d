/**
 * Moving from WP Statistics, for real: WP Statistics' tables (the real fixture it wrote,
 * test/fixtures/wp-statistics/mysqldump) in WordPress' MariaDB, the plugin's import button on
 * Settings → Teller in Chromium, month after month to a real Teller, with a page reload in the
 * middle; then Teller holds WP Statistics' visitors and pageviews per day, except the day
 * Teller already counted itself (both ran side by side), and the page suggests deactivating
 * WP Statistics.
 *
 * The fixture's four days (2026-11-23 to 26) are moved to end today, with the first a month
 * and more earlier, so that the import has at least two months and overlaps Teller's own
 * counting on the last day, whatever day the test runs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORDPRESS_SCOPES } from '../../server/core/tokens.ts';
import { SCREENSHOT_DIR } from '../e2e/dashboard-harness.ts';
import { launchChromium, newVisitor, waitFor } from '../e2e/browser.ts';
import { buildZip } from '../helpers/zip-build.ts';
import { type TellerAndWordPress, startTellerAndWordPress } from './teller-wordpress.ts';

const DUMP = join(import.meta.dirname, '..', 'fixtures', 'wp-statistics', 'mysqldump', 'wp_statistics.sql');
const FIXTURE_DAYS = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'];
const DAY_MS = 86_400_000;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const today = isoDay(Date.now());
/** Where each fixture day goes: the first 40 days back, the others the last three days up to today. */
const moved = new Map(FIXTURE_DAYS.map((day, i) => [day, isoDay(Date.now() - [40, 2, 1, 0][i]! * DAY_MS)]));

/** `CASE DATE(column) WHEN <fixture day> THEN <days to add> … END`, for MariaDB's INTERVAL. */
function shift(column: string): string {
  const whens = [...moved].map(([from, to]) => `WHEN '${from}' THEN ${Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS)}`).join(' ');
  return `${column} = ${column} + INTERVAL (CASE DATE(${column}) ${whens} ELSE 0 END) DAY`;
}

/** A stand-in with WP Statistics' plugin file name, so WordPress reports it active as it would the real one. */
const WP_STATISTICS_STAND_IN = buildZip([
  { name: 'wp-statistics/wp-statistics.php', data: '<?php\n/**\n * Plugin Name: WP Statistics\n * Version: 14.15.6\n */\n' },
]);

let site: TellerAndWordPress;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [site, browser] = await Promise.all([startTellerAndWordPress({ scopes: [...WORDPRESS_SCOPES, 'import'] }), launchChromium()]);
  await site.configure();
  await site.wp.loadSqlFile(DUMP);
  // Each date column on its own: MariaDB applies a row's assignments in order, so none may read another.
  await site.wp.sql(
    [
      `UPDATE wp_statistics_visitor SET ${shift('first_view')}, ${shift('last_view')}, ${shift('last_counter')}`,
      `UPDATE wp_statistics_pages SET ${shift('date')}`,
      `UPDATE wp_statistics_visitor_relationships SET ${shift('date')}`,
    ].join(';\n') + ';',
  );
  const standIn = join(site.wp.dir, 'wp-statistics.zip');
  writeFileSync(standIn, WP_STATISTICS_STAND_IN);
  await site.wp.activatePlugin(await site.wp.installPlugin(standIn));
  context = await newVisitor(browser);
}, 180_000);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await site?.stop();
});

describe('moving from WP Statistics', { timeout: 180_000 }, () => {
  it('imports WP Statistics’ history month by month, surviving a reload, without counting Teller’s own day twice', async () => {
    // Both ran today: a visit counted by Teller itself, through the plugin.
    const visitor = await newVisitor(browser);
    try {
      const page = await visitor.newPage();
      await page.goto(`${site.wp.url}/`);
      await waitFor('Teller’s own pageview today', async () => ((await site.teller.db.all('SELECT id FROM events WHERE site_id = ?', [site.siteId])).length > 0 ? true : undefined));
    } finally {
      await visitor.close();
    }

    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await site.wp.login(page, site.wp.admin);
    // Every month's request after the first is held back, so the page can be reloaded half-way.
    let hold = true;
    let steps = 0;
    const held: Route[] = [];
    await context.route('**/wp-admin/admin-ajax.php', (route) => {
      const step = (route.request().postData() ?? '').includes('action=teller_import_step');
      if (step && hold && ++steps > 1) {
        held.push(route);
        return;
      }
      return route.continue();
    });

    await page.goto(`${site.wp.url}/wp-admin/options-general.php?page=teller-settings`);
    const section = page.locator('#teller-import');
    await section.scrollIntoViewIfNeeded();
    await page.click('.teller-import-start');
    await waitFor('the second month held back', () => held.length === 1);
    const total = await site.wp.php<number>(`return count(get_option('teller_import')['months']);`);
    expect(total).toBeGreaterThanOrEqual(2);
    const halfWay = Math.round((100 * 1) / total);
    await waitFor('the progress after one month', async () => (await page.locator('#teller-import progress').evaluate((bar: HTMLProgressElement) => bar.value)) === halfWay);
    expect(await page.locator('.teller-import-status').innerText()).toContain(`1 of ${total} months sent`);

    // A reload keeps the progress (WordPress holds it) and goes on by itself.
    held.length = 0;
    await page.reload();
    await waitFor('the continued import held again', () => held.length === 1);
    expect(await page.locator('#teller-import progress').getAttribute('value')).toBe(String(halfWay));
    await page.locator('#teller-import').screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-import-half-way-en.png') });
    hold = false;
    for (const route of held.splice(0)) await route.continue();
    await page.locator('.teller-import-done').waitFor();
    expect(await page.locator('#teller-import progress').evaluate((bar: HTMLProgressElement) => bar.value)).toBe(100);
    const done = page.locator('.teller-import-done');
    expect(await done.innerText()).toContain('deactivate WP Statistics');
    expect(await done.locator('a').getAttribute('href')).toBe(`${site.wp.url}/wp-admin/plugins.php`);
    await page.locator('#teller-import').screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-import-done-en.png') });

    // Teller holds WP Statistics' visitors and pageviews per day, every day but today.
    const fixture = await site.wp.php<Array<{ day: string; visitors: string; pageviews: string }>>(`
      global $wpdb;
      return $wpdb->get_results("SELECT last_counter AS day, COUNT(*) AS visitors, SUM(hits) AS pageviews FROM wp_statistics_visitor GROUP BY last_counter ORDER BY last_counter", ARRAY_A);`);
    expect(fixture.map((r) => r.day)).toEqual([...moved.values()]);
    const expected = fixture.filter((r) => r.day < today).map((r) => ({ date: r.day, visitors: Number(r.visitors), pageviews: Number(r.pageviews) }));
    expect(expected.length).toBe(3);
    expect(await site.teller.db.all('SELECT date, SUM(visitors) AS visitors, SUM(pageviews) AS pageviews FROM imported_visitors WHERE site_id = ? GROUP BY date ORDER BY date', [site.siteId])).toEqual(expected);
    // Teller's own count today is its own alone.
    expect(await site.teller.db.all('SELECT date FROM imported_visitors WHERE site_id = ? AND date >= ?', [site.siteId, today])).toEqual([]);
  });
});

describe('PHP', () => {
  it('logs no PHP warning, notice or error from the plugin', () => {
    expect(site.wp.debugLog().split('\n').filter((line) => line.includes('/plugins/teller/'))).toEqual([]);
  });
});
