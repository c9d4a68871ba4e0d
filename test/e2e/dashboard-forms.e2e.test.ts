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

/** The hint and error a field's control is described by, as a reader hears them. */
async function descriptionOf(page: Page, label: string): Promise<string> {
  return page.getByLabel(label, { exact: true }).evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' | '),
  );
}

const RULE = 'At least 10 characters. A few unrelated words make a strong password that is easy to remember.';

describe('password rule and field errors', { timeout: 60_000 }, () => {
  it('states the rule on setup before typing, counts down, and says what is wrong next to each field in plain words', async () => {
    const page = await d.newPage();
    const sent: string[] = [];
    page.on('request', (r) => void (r.method() === 'POST' && sent.push(new URL(r.url()).pathname)));
    await page.goto(`${d.url}/setup?code=${encodeURIComponent(d.server.setupCode)}`);
    await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
    expect(await descriptionOf(page, 'Password')).toBe(RULE);
    await page.getByLabel('Password', { exact: true }).fill('abc');
    expect(await descriptionOf(page, 'Password')).toBe('At least 10 characters: 7 more to go.');
    await screenshot(page, 'forms-password-rule-setup-desktop-light');
    // No e-mail: said next to the e-mail field, in words, without the API's field name.
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await descriptionOf(page, 'E-mail')).toBe('Enter an e-mail address.');
    await page.getByLabel('E-mail').fill('not-an-email');
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await descriptionOf(page, 'E-mail')).toBe('"not-an-email" is not an e-mail address.');
    await page.getByLabel('E-mail').fill(OWNER.email);
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await descriptionOf(page, 'Password')).toBe('At least 10 characters: 7 more to go. | Too short: a password needs at least 10 characters.');
    expect(await page.locator('main').innerText()).not.toMatch(/\b(email|password|password2):/);
    expect(sent).toEqual([]);
    await screenshot(page, 'forms-field-errors-setup-desktop-light');
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Password again').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Add your first site' }).waitFor();
  });

  it('states the rule on the account and user forms and shows a server message next to its field without the field name', async () => {
    const page = await d.ownerPage('/account');
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    expect(await descriptionOf(page, 'New password')).toBe(RULE);
    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByLabel('Password again').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    // The server answers `current: wrong password`: shown under Current password, in words.
    await page.locator('.field', { has: page.getByLabel('Current password') }).locator('.field-error:not([hidden])').waitFor();
    expect(await descriptionOf(page, 'Current password')).toBe('Wrong password');
    expect(await page.locator('main').innerText()).not.toContain('current:');

    await page.goto(`${d.url}/users`);
    await page.getByRole('heading', { name: 'Add a viewer' }).waitFor();
    const form = page.locator('section', { has: page.getByRole('heading', { name: 'Add a viewer' }) });
    expect(await descriptionOf(page, 'Password')).toBe(`${RULE} Give it to them in person or through a password manager.`);
    await form.getByLabel('E-mail').fill('short@example.com');
    await form.getByLabel('Password', { exact: true }).fill('short');
    await form.getByRole('button', { name: 'Add viewer' }).click();
    expect(await form.locator('.field-error:not([hidden])').innerText()).toBe('Too short: a password needs at least 10 characters.');
    // A server message naming the e-mail (a duplicate) lands under the e-mail field.
    await d.server.addSite('forms.example.com');
    await page.reload();
    await form.getByLabel('E-mail').fill(OWNER.email);
    await form.getByLabel('Password', { exact: true }).fill('long enough password');
    await form.getByLabel('forms.example.com').check();
    await form.getByRole('button', { name: 'Add viewer' }).click();
    const emailError = form.locator('.field', { has: page.getByLabel('E-mail') }).locator('.field-error:not([hidden])');
    await emailError.waitFor();
    expect(await emailError.innerText()).toMatch(/^User owner@example\.com already exists/);
  });
});

describe('a viewer with no site', { timeout: 60_000 }, () => {
  it('asks before adding a viewer who would see nothing, and marks them', async () => {
    const page = await d.ownerPage('/users', { viewport: DESKTOP });
    const form = page.locator('section', { has: page.getByRole('heading', { name: 'Add a viewer' }) });
    await form.getByLabel('E-mail').waitFor();
    await form.getByLabel('E-mail').fill('nobody@example.com');
    await form.getByLabel('Password', { exact: true }).fill('nobody password 1');
    await form.getByRole('button', { name: 'Add viewer' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('nobody@example.com will see no site until you tick one for them here. Add this viewer anyway?');
    await screenshot(page, 'forms-viewer-no-site-confirm-desktop-light');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    const exists = async () => (await d.server.db.first('SELECT id FROM users WHERE email = ?', ['nobody@example.com'])) !== null;
    expect(await exists()).toBe(false);

    await form.getByRole('button', { name: 'Add viewer' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Add without sites' }).click();
    await page.getByText('nobody@example.com can now log in, but sees no site until you tick one.').waitFor();
    expect(await exists()).toBe(true);
    const row = page.locator('li.user', { has: page.getByRole('heading', { name: 'nobody@example.com' }) });
    expect(await row.locator('.chip-warn').innerText()).toBe('Sees no site');
    await screenshot(page, 'forms-viewer-no-site-added-desktop-light');
    // Given a site, the mark goes; it comes back when the last site is taken away.
    await row.getByLabel('forms.example.com').check();
    await row.getByRole('button', { name: 'Save sites' }).click();
    await row.getByText('Saved.').waitFor();
    expect(await row.locator('.chip-warn').isHidden()).toBe(true);
    await row.getByLabel('forms.example.com').uncheck();
    await row.getByRole('button', { name: 'Save sites' }).click();
    await row.locator('.chip-warn').waitFor();

    // With a site ticked nothing is asked.
    await form.getByLabel('E-mail').fill('somebody@example.com');
    await form.getByLabel('Password', { exact: true }).fill('somebody password 1');
    await form.getByLabel('forms.example.com').check();
    await form.getByRole('button', { name: 'Add viewer' }).click();
    await page.getByText('somebody@example.com can now log in.').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
  });
});

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

    // The server's refusal (`domain: site … already exists`) shows under Domain, in words.
    await page.goto(`${d.url}/?add`);
    await page.getByLabel('Domain').fill('tz.example.com');
    await page.getByRole('button', { name: 'Use it' }).click();
    await page.getByRole('button', { name: 'Add site' }).click();
    const domainError = page.locator('.field', { has: page.getByLabel('Domain') }).locator('.field-error:not([hidden])');
    await domainError.waitFor();
    expect(await domainError.innerText()).toBe('Site tz.example.com already exists');
  });

  it('shows the site zone in settings, saves a zone typed loosely by its canonical name and refuses an unknown one', async () => {
    await d.server.addSite('tz-settings.example.com', 'Europe/Kiev');
    const page = await ownerIn('Europe/Oslo', '/sites/tz-settings.example.com/settings', { viewport: PHONE, colorScheme: 'dark' });
    const zone = page.getByRole('combobox', { name: 'Timezone' });
    await zone.waitFor();
    // The old name the site was given is stored and shown by its current name.
    expect(await zone.inputValue()).toBe('Europe/Kyiv');
    expect(await timezoneOf('tz-settings.example.com')).toBe('Europe/Kyiv');
    const section = page.locator('section', { has: zone });
    expect(await section.locator('.tz-suggestion').innerText()).toMatch(/Europe\/Oslo \(UTC\+0[12]:00\)/);
    await screenshot(page, 'forms-timezone-settings-phone-dark');
    await zone.fill('Mars/Olympus_Mons');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.locator('.field-error').filter({ hasText: 'Mars/Olympus_Mons' }).waitFor();
    expect(await timezoneOf('tz-settings.example.com')).toBe('Europe/Kyiv');
    await zone.fill('america/new york');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText('Saved.').waitFor();
    expect(await timezoneOf('tz-settings.example.com')).toBe('America/New_York');
    expect(await zone.inputValue()).toBe('America/New_York');

    // A zone set from the CLI that browsers do not list is kept when another setting is saved.
    await d.server.db.run("UPDATE sites SET timezone = 'Etc/GMT-3' WHERE domain = 'tz-settings.example.com'");
    await page.reload();
    await zone.waitFor();
    expect(await zone.inputValue()).toBe('Etc/GMT-3');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText('Saved.').waitFor();
    expect(await timezoneOf('tz-settings.example.com')).toBe('Etc/GMT-3');
  });

  it('speaks bokmål and fits a phone: the picker, the rule and the viewer form', async () => {
    const page = await ownerIn('Europe/Oslo', '/?add', { viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' });
    await page.getByText('Nettleserens tidssone: Europe/Oslo').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'forms-timezone-add-nb-phone-dark');
    await page.goto(`${d.url}/users`);
    await page.getByText('Minst 10 tegn. Noen ord som ikke hører sammen', { exact: false }).last().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'forms-users-nb-phone-dark');
  });
});
