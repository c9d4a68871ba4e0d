/**
 * The settings' visitor-location section in Chromium: the stored precision shown, a change
 * saved and said next to the form, the new value in the database and in the privacy text;
 * screenshots of the section at desktop and 375 px, light and dark, English and bokmål.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardHarness, rawKeysOnPage, SCREEN_VARIANTS, SCREENSHOT_DIR, seriousA11yViolations, startDashboard } from './dashboard-harness.ts';

const SITE = 'where.example.com';

let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
  await d.server.addSite(SITE, 'Europe/Oslo');
});

afterAll(async () => {
  await d?.close();
});

const stored = async () => (await d.server.db.first<{ p: string }>('SELECT location_precision AS p FROM sites WHERE domain = ?', [SITE]))!.p;

describe('settings: visitor location', () => {
  it('shows the stored precision, saves a new one, and the privacy text follows it', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/settings`);
    const section = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Visitor location' }) });
    const select = section.getByLabel('Store');
    await select.waitFor();
    expect(await select.inputValue()).toBe('region');
    await select.selectOption('city');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText('Saved').waitFor();
    expect(await stored()).toBe('city');

    await page.reload();
    await select.waitFor();
    expect(await select.inputValue()).toBe('city');
    const text = await (await page.request.get(`${d.url}/api/v1/sites/${SITE}/privacy-text?lang=en&format=md`)).text();
    expect(text).toContain('the country, region (such as a county or state) and city, looked up from your IP address');

    await select.selectOption('country');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText('Saved').waitFor();
    expect(await stored()).toBe('country');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await rawKeysOnPage(page)).toEqual([]);
  });

  it('saves screenshots of the section for review, without sideways scrolling at 375 px', async () => {
    for (const [variant, options] of SCREEN_VARIANTS) {
      const page = await d.ownerPage(`/sites/${SITE}/settings`, options);
      const heading = page.getByRole('heading', { name: options.locale ? 'Besøkendes sted' : 'Visitor location' });
      await heading.waitFor();
      const section = page.locator('section').filter({ has: heading });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
      await section.scrollIntoViewIfNeeded();
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await section.screenshot({ path: join(SCREENSHOT_DIR, `settings-location-${variant}.png`) });
    }
  });
});
