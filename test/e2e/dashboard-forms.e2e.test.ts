/**
 * The admin forms' helpers in Chromium: the timezone picker (canonical IANA names, the
 * browser's zone offered rather than chosen, the offset shown), the password rule shown
 * before typing, field errors in the reader's words next to their field, and a viewer
 * who would see no site.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromeUserAgent } from './browser.ts';
import { type DashboardHarness, DESKTOP, OWNER, PHONE, type PageOptions, screenshot, startDashboard } from './dashboard-harness.ts';

let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
  await d.ensureOwner();
});

afterAll(async () => {
  await d?.close();
});

/** An owner's page whose browser lives in `timezoneId`. */
async function ownerIn(timezoneId: string, path: string, options: PageOptions = {}): Promise<Page> {
  const context = await d.browser.newContext({
    userAgent: chromeUserAgent(d.browser),
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    locale: options.locale ?? 'en-GB',
    timezoneId,
  });
  const page = await context.newPage();
  await d.loginAs(page, OWNER, path);
  return page;
}

const timezoneOf = async (domain: string) =>
  (await d.server.db.first<{ timezone: string }>('SELECT timezone FROM sites WHERE domain = ?', [domain]))?.timezone;

describe('timezone picker', { timeout: 60_000 }, () => {
  it('lists canonical names, offers the browser zone without choosing it, and shows the offset', async () => {
    // Chromium calls this zone Asia/Calcutta; IANA has named it Asia/Kolkata since 2008.
    const page = await ownerIn('Asia/Calcutta', '/?add');
    const zone = page.getByLabel('Timezone');
    await zone.waitFor();
    expect(await zone.inputValue()).toBe('');
    const options = await page.$$eval('datalist option', (els) => els.map((el) => (el as HTMLOptionElement).value));
    expect(options).toContain('Asia/Kolkata');
    expect(options).toContain('Europe/Kyiv');
    expect(options).toContain('America/Argentina/Buenos_Aires');
    expect(options).toContain('Etc/UTC');
    for (const legacy of ['Asia/Calcutta', 'Europe/Kiev', 'Asia/Saigon', 'America/Godthab', 'UTC']) expect(options).not.toContain(legacy);
    expect(await page.locator('.tz-suggestion').innerText()).toMatch(/Your browser's zone: Asia\/Kolkata \(UTC\+05:30\)\s*Use it/);

    // Sending without a choice is refused next to the field; nothing is created.
    await page.getByLabel('Domain').fill('tz.example.com');
    await page.getByRole('button', { name: 'Add site' }).click();
    const error = page.locator('.field', { has: zone }).locator('.field-error');
    expect(await error.innerText()).toBe('Choose the timezone your reports count days in.');
    expect(await timezoneOf('tz.example.com')).toBeUndefined();

    // A name that is no zone is refused the same way.
    await zone.fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Add site' }).click();
    expect(await error.innerText()).toMatch(/"Mars\/Olympus_Mons" is not a timezone Teller knows/);

    // Typed in another case, with spaces, by its old name: the canonical name is kept.
    await zone.fill('asia/calcutta');
    expect(await page.locator('.tz-now').innerText()).toMatch(/^Now \d\d:\d\d there, UTC\+05:30\.$/);
    await zone.fill('');
    await page.getByRole('button', { name: 'Use it' }).click();
    expect(await zone.inputValue()).toBe('Asia/Kolkata');
    expect(await page.locator('.tz-suggestion').isHidden()).toBe(true);
    await screenshot(page, 'forms-timezone-add-desktop-light');
    await page.getByRole('button', { name: 'Add site' }).click();
    await page.getByLabel('Snippet').waitFor();
    expect(await timezoneOf('tz.example.com')).toBe('Asia/Kolkata');
  });

  it('shows the site zone in settings, saves a zone typed loosely by its canonical name and refuses an unknown one', async () => {
    await d.server.addSite('tz-settings.example.com', 'Europe/Kiev');
    const page = await ownerIn('Europe/Oslo', '/sites/tz-settings.example.com/settings', { viewport: PHONE, colorScheme: 'dark' });
    const zone = page.getByRole('combobox', { name: 'Timezone' });
    await zone.waitFor();
    // The old name the site was stored with is shown by its current name.
    expect(await zone.inputValue()).toBe('Europe/Kyiv');
    const section = page.locator('section', { has: zone });
    expect(await section.locator('.tz-suggestion').innerText()).toMatch(/Europe\/Oslo \(UTC\+0[12]:00\)/);
    await screenshot(page, 'forms-timezone-settings-phone-dark');
    await zone.fill('Mars/Olympus_Mons');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.locator('.field-error').filter({ hasText: 'Mars/Olympus_Mons' }).waitFor();
    expect(await timezoneOf('tz-settings.example.com')).toBe('Europe/Kiev');
    await zone.fill('america/new york');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText('Saved.').waitFor();
    expect(await timezoneOf('tz-settings.example.com')).toBe('America/New_York');
    expect(await zone.inputValue()).toBe('America/New_York');
  });
});
