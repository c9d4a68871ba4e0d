/**
 * The settings' danger zone in Chromium: resetting a site's statistics and deleting its data
 * before a day, each only once the domain is typed, with the outcome said next to the form;
 * screenshots at desktop and 375 px, light and dark, English and bokmål.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardHarness, SCREEN_VARIANTS, screenshot, SCREENSHOT_DIR, startDashboard } from './dashboard-harness.ts';

const SITE = 'danger.example.com';
/** A site of its own for the purge: after a reset, the reset day is the boundary a purge reports. */
const OLD = 'old.example.com';

let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
  await d.server.addSite(SITE, 'Europe/Oslo');
  await d.server.addSite(OLD, 'Europe/Oslo');
});

afterAll(async () => {
  await d?.close();
});

const events = async () => (await d.server.db.first<{ n: number }>('SELECT count(*) AS n FROM events'))!.n;

async function noHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
}

describe('settings danger zone', () => {
  it('resets the statistics, today’s included, once the domain is typed', async () => {
    for (const path of ['/', '/pricing']) expect((await d.sendPageview(SITE, path)).status).toBe(202);
    expect(await events()).toBe(2);
    const page = await d.ownerPage(`/sites/${SITE}/settings`);
    const reset = page.locator('section.danger-zone').filter({ hasText: 'Reset statistics' });
    const button = reset.getByRole('button', { name: 'Reset all statistics' });
    await button.waitFor();
    expect(await button.isDisabled()).toBe(true);
    await reset.getByLabel(`Type ${SITE} to confirm`).fill('danger.example');
    expect(await button.isDisabled()).toBe(true);
    await reset.getByLabel(`Type ${SITE} to confirm`).fill(SITE);
    await button.click();
    await reset.getByText('Deleted. Events: 2, visits: 1. The site counts anew from now.').waitFor();
    expect(await events()).toBe(0);
    expect(await button.isDisabled()).toBe(true);
    expect(await d.server.db.first('SELECT domain FROM sites WHERE domain = ?', [SITE])).toEqual({ domain: SITE });
  });

  it('deletes data before a day, and points to reset for today’s', async () => {
    const page = await d.ownerPage(`/sites/${OLD}/settings`);
    const purge = page.locator('section.danger-zone').filter({ hasText: 'Delete data before a day' });
    await purge.getByText('in the site’s timezone, Europe/Oslo').waitFor();
    const before = purge.getByLabel('Delete everything before');
    const confirm = purge.getByLabel(`Type ${OLD} to confirm`);
    const button = purge.getByRole('button', { name: 'Delete data before this day' });

    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await before.fill(tomorrow);
    await confirm.fill(OLD);
    await button.click();
    await purge.getByText(/today's data is still being collected. To delete today's data too, reset the site/).waitFor();

    await before.fill('2024-01-10');
    await button.click();
    await purge.getByText('Data before 10 Jan 2024 deleted, with its sums (raw events and visits: 0).').waitFor();
    expect(await d.server.db.first('SELECT purged_before FROM sites WHERE domain = ?', [OLD])).toEqual({ purged_before: '2024-01-10' });
  });

  it('saves screenshots of the danger zone for review, without sideways scrolling at 375 px', async () => {
    for (const [variant, options] of SCREEN_VARIANTS) {
      const page = await d.ownerPage(`/sites/${SITE}/settings`, options);
      const zone = page.locator('section.danger-zone');
      await zone.last().waitFor();
      expect(await zone.count()).toBe(3);
      await noHorizontalScroll(page);
      await screenshot(page, `settings-danger-${variant}`);
      const top = (await zone.first().boundingBox())!;
      const bottom = (await zone.last().boundingBox())!;
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `settings-danger-zone-${variant}.png`), fullPage: true, clip: { x: 0, y: top.y - 16, width: page.viewportSize()!.width, height: bottom.y + bottom.height - top.y + 32 } });
    }
  });
});
