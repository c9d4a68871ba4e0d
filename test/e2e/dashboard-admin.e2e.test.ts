/**
 * The dashboard's admin side end to end: a real Teller server (fresh SQLite file) serving
 * the built dashboard, driven by Debian's Chromium. First run, login and logout, throttling,
 * adding a site until its first event arrives, settings that survive a reload, a viewer
 * who sees only their site, both languages (shared links: shared-links.e2e.test.ts), a phone's
 * width, and axe-core on the main screens. Screenshots land in test/screenshots/.
 */
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, unzip } from '../helpers/privacy-zip.ts';
import {
  type DashboardHarness,
  DESKTOP,
  OWNER,
  PHONE,
  type PageOptions,
  rawKeysOnPage,
  screenshot,
  seriousA11yViolations,
  startDashboard,
  waitFor,
} from './dashboard-harness.ts';

const SHOP = 'shop.example.com';
const BLOG = 'blog.example.com';
const VIEWER = { email: 'viewer@example.com', password: 'viewer password 123' };

let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
});

afterAll(async () => {
  await d?.close();
});

/** The owner's API calls from the test itself (same-origin, with the owner's cookie). */
async function ownerApi(method: 'POST' | 'PATCH' | 'DELETE' | 'GET', path: string, data?: unknown) {
  const page = await d.ownerPage();
  const res = await page.context().request.fetch(`${d.url}${path}`, { method, data, headers: { origin: d.url }, failOnStatusCode: false });
  return { status: res.status(), json: (await res.json()) as Record<string, unknown> };
}

const VARIANTS: Array<[string, PageOptions]> = [
  ['desktop-light', { viewport: DESKTOP, colorScheme: 'light' }],
  ['desktop-dark', { viewport: DESKTOP, colorScheme: 'dark' }],
  ['phone', { viewport: PHONE, colorScheme: 'dark' }],
  ['nb-desktop-light', { viewport: DESKTOP, colorScheme: 'light', locale: 'nb-NO' }],
];

/** Waits until nothing in the page still says it is loading. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => ![...document.querySelectorAll('main .muted')].some((el) => /^(Loading|Laster)/.test(el.textContent ?? '')));
}

async function noHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
}

describe('dashboard admin', () => {
  it('creates the owner on a fresh database only with the setup code, with the mismatch shown inline', async () => {
    const page = await d.newPage();
    await page.goto(d.url);
    await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
    // Without the start banner's address the code field is empty, and says where the code is.
    expect(await page.getByLabel('Setup code').inputValue()).toBe('');
    expect(await page.getByText(/Printed by Teller when it started/).count()).toBe(1);
    await page.getByLabel('Setup code').fill('a-guessed-code-that-is-wrong');
    await page.getByLabel('E-mail').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Password again').fill('something else');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('The two passwords differ.').waitFor();
    // A password under the rule is refused under its field before anything is sent.
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password again').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    const passwordError = page.locator('.field', { has: page.getByLabel('Password', { exact: true }) }).locator('.field-error');
    await passwordError.waitFor();
    expect(await passwordError.innerText()).toMatch(/^Too short: a password needs at least \d+ characters/);
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    // Everything right but the code: refused, and said under the code.
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Password again').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('This setup code is wrong.', { exact: false }).waitFor();
    expect(await page.getByLabel('Setup code').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'setup-wrong-code-desktop-light');
    expect((await d.server.db.all('SELECT id FROM users')).length).toBe(0);

    // The address the start banner prints fills the code in; once used it leaves the address bar.
    await page.goto(`${d.url}/setup?code=${encodeURIComponent(d.server.setupCode)}`);
    await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
    expect(await page.getByLabel('Setup code').inputValue()).toBe(d.server.setupCode);
    await page.getByLabel('E-mail').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Password again').fill(OWNER.password);
    await screenshot(page, 'setup-desktop-light');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Add your first site' }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/');
    expect(await page.getByRole('banner').innerText()).toContain(OWNER.email);
    await screenshot(page, 'sites-empty-desktop-light');
    // A second owner cannot be made once one exists, not even with the code.
    const again = await fetch(`${d.url}/api/dashboard/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: d.url },
      body: JSON.stringify({ email: 'other@example.com', password: OWNER.password, password2: OWNER.password, code: d.server.setupCode }),
    });
    expect(again.status).toBe(409);
  });

  it('logs out and in again without reloading the page', async () => {
    const page = await d.ownerPage('/');
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect((await page.context().cookies()).some((c) => c.name === 'teller_session' && c.value !== '')).toBe(false);
    // By keyboard alone: the e-mail field has focus, Tab reaches the password, Enter submits.
    await page.keyboard.type(OWNER.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OWNER.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // After the login, focus is in <main>, where the new page begins.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // On a fresh load the skip link is the first stop and lands in <main>.
    await page.reload();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('refuses a wrong password with the server’s message, then throttles', async () => {
    await ownerApi('POST', '/api/dashboard/users', { email: 'locked@example.com', password: 'locked password 123', role: 'viewer', sites: [], noSites: true });
    const page = await d.newPage();
    await page.goto(d.url);
    await page.getByLabel('E-mail').fill('locked@example.com');
    await page.getByLabel('Password').fill('not the password');
    const attempt = async () => {
      const answer = page.waitForResponse((r) => r.url().endsWith('/api/dashboard/login'));
      await page.getByRole('button', { name: 'Log in' }).click();
      return (await answer).status();
    };
    expect(await attempt()).toBe(401);
    const alert = page.locator('.form-error');
    // The message is drawn a moment after the answer arrives.
    await alert.filter({ hasText: /wrong e-mail or password/i }).waitFor();
    let status = 401;
    for (let i = 0; i < 10 && status === 401; i++) status = await attempt();
    expect(status).toBe(429);
    await waitFor('the throttle message', async () => /Too many attempts\. Try again in \d+ minutes?\./.test(await alert.innerText()));
    // The right password is refused too while throttled.
    await page.getByLabel('Password').fill('locked password 123');
    expect(await attempt()).toBe(429);
  });

  it('adds a site, shows the snippet and turns the check green on the first event', async () => {
    const page = await d.ownerPage('/');
    await page.getByRole('link', { name: 'Add site' }).first().click();
    await page.getByLabel('Domain').fill(SHOP);
    expect(await page.getByLabel('Timezone').inputValue()).toBe('');
    await page.getByLabel('Timezone').fill('Europe/Oslo');
    await page.getByRole('button', { name: 'Add site' }).click();
    const snippet = page.getByLabel('Snippet');
    await snippet.waitFor();
    expect(await snippet.inputValue()).toBe(`<script defer data-domain="${SHOP}" src="${d.url}/script.js"></script>`);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: d.url });
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await snippet.inputValue());
    const check = page.locator('.first-event');
    expect(await check.innerText()).toContain('Waiting for the first event');
    await screenshot(page, 'add-site-snippet-desktop-light');
    const sent = await d.sendPageview(SHOP, '/pricing');
    expect(sent.status).toBe(202);
    expect(sent.headers.get('x-teller-dropped')).toBeNull();
    await page.locator('.first-event[data-kind=ok]').waitFor({ timeout: 15_000 });
    expect(await check.innerText()).toContain('First event received.');
    // The site list now shows it, with a labelled sparkline.
    await page.getByRole('link', { name: 'Sites', exact: true }).click();
    await page.getByRole('link', { name: SHOP, exact: true }).waitFor();
    expect(await page.locator('svg.sparkline').getAttribute('aria-label')).toMatch(/Visitors over the last 30 days/);
  });

  it('stops polling for the first event once the page changes', async () => {
    const page = await d.ownerPage('/?add');
    await page.getByLabel('Domain').fill(BLOG);
    await page.getByRole('button', { name: 'Use it' }).click();
    const polls: string[] = [];
    page.on('request', (r) => void (r.url().endsWith('/first-event') && polls.push(r.url())));
    await page.getByRole('button', { name: 'Add site' }).click();
    await waitFor('a first poll', () => polls.length > 0);
    await page.getByRole('link', { name: 'Sites', exact: true }).click();
    await page.getByRole('link', { name: BLOG, exact: true }).waitFor();
    const seen = polls.length;
    // Two poll intervals: a poll still running would have asked again.
    await page.waitForTimeout(6500);
    expect(polls.length).toBe(seen);
  });

  it('saves settings, shows the server’s error next to a bad one, and keeps them after a reload', async () => {
    const page = await d.ownerPage(`/sites/${SHOP}/settings`);
    const retention = page.locator('section', { has: page.getByRole('heading', { name: 'Raw event retention' }) });
    await retention.getByLabel('Keep for', { exact: true }).check();
    await retention.getByLabel('Days to keep raw events').fill('0');
    await retention.getByRole('button', { name: 'Save' }).click();
    await retention.locator('.status[data-kind=error]').waitFor();
    expect(await retention.locator('.status').innerText()).toMatch(/retention/i);
    await retention.getByLabel('Days to keep raw events').fill('90');
    await retention.getByRole('button', { name: 'Save' }).click();
    await retention.getByText('Saved.').waitFor();

    const exclusions = page.locator('section', { has: page.getByRole('heading', { name: 'Exclusions' }) });
    await exclusions.getByLabel('Pages').fill('/admin/*');
    await exclusions.getByRole('button', { name: 'Add' }).nth(1).click();
    await exclusions.getByText('/admin/*', { exact: true }).waitFor();

    await page.reload();
    await retention.getByLabel('Days to keep raw events').waitFor();
    expect(await retention.getByLabel('Keep for', { exact: true }).isChecked()).toBe(true);
    expect(await retention.getByLabel('Days to keep raw events').inputValue()).toBe('90');
    await exclusions.getByText('/admin/*', { exact: true }).waitFor();
    const privacy = page.locator('section', { has: page.getByRole('heading', { name: 'Privacy policy' }) });
    await privacy.getByLabel('Language of the text').selectOption('nb');
    await privacy.getByLabel('Format').selectOption('txt');
    await waitFor('the bokmål privacy text', async () => /besøk/i.test(await privacy.locator('textarea').inputValue()));
    await privacy.getByLabel('Responsible for the site').fill('Butikken AS');
    await privacy.getByRole('button', { name: 'Save' }).click();
    await waitFor('the operator in the text', async () => (await privacy.locator('textarea').inputValue()).includes('Butikken AS'));
    const saved = await ownerApi('GET', `/api/dashboard/sites/${SHOP}/settings`);
    expect(saved.json).toMatchObject({ retentionDays: 90, excludedPaths: ['/admin/*'], timezone: 'Europe/Oslo' });
  });

  it('downloads the site’s data as a ZIP of CSV files from the settings', async () => {
    const page = await d.ownerPage(`/sites/${SHOP}/settings`);
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Export' }) });
    const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('link', { name: 'Download ZIP' }).click()]);
    const path = await download.path();
    const files = unzip(new Uint8Array(await readFile(path)));
    // Plausible's names: imported_<table>_<YYYYMMDD>_<YYYYMMDD>.csv.
    const named = (table: string) => [...files.keys()].find((name) => new RegExp(`^imported_${table}_\\d{8}_\\d{8}\\.csv$`).test(name));
    for (const table of ['visitors', 'sources', 'pages', 'locations', 'devices', 'browsers']) expect(named(table), table).toBeDefined();
    // The first event sent in this run (the add-site test) is in the daily totals.
    const visitors = parseCsv(files.get(named('visitors')!)!);
    expect(visitors.rows.reduce((sum, row) => sum + Number(row.visitors), 0)).toBeGreaterThan(0);
  });

  it('creates a token shown once, lists it by prefix and revokes it after a confirm', async () => {
    const page = await d.ownerPage(`/sites/${SHOP}/settings`);
    const tokens = page.locator('section', { has: page.getByRole('heading', { name: 'Stats API tokens' }) });
    await tokens.getByRole('button', { name: 'Create token' }).click();
    const shown = tokens.locator('.secret input');
    await shown.waitFor();
    const token = await shown.inputValue();
    expect(token).toMatch(/^tlr_/);
    const query = (auth: string) =>
      fetch(`${d.url}/api/v2/query`, { method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, body: JSON.stringify({ site_id: SHOP, metrics: ['visitors'], date_range: 'all' }) });
    expect((await query(token)).status).toBe(200);
    const row = tokens.locator('tbody tr');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain(token.slice(0, 6));
    expect(await row.innerText()).not.toContain(token);
    await row.getByRole('button', { name: /Revoke token/ }).click();
    await page.locator('dialog').getByRole('button', { name: 'Revoke' }).click();
    await tokens.getByText('No tokens.').waitFor();
    expect((await query(token)).status).toBe(401);
  });

  it('gives a viewer one site: they see only it, and the API refuses the other', async () => {
    const page = await d.ownerPage('/users');
    const form = page.locator('section', { has: page.getByRole('heading', { name: 'Add a viewer' }) });
    await form.getByLabel('E-mail').fill(VIEWER.email);
    await form.getByLabel('Password').fill(VIEWER.password);
    await form.getByLabel(SHOP).check();
    await form.getByRole('button', { name: 'Add viewer' }).click();
    await page.getByRole('heading', { name: VIEWER.email }).waitFor();

    const viewer = await d.newPage();
    await d.loginAs(viewer, VIEWER);
    await viewer.getByRole('link', { name: SHOP, exact: true }).waitFor();
    expect(await viewer.locator('.site-card').count()).toBe(1);
    expect(await viewer.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await viewer.getByRole('link', { name: /Settings/ }).count()).toBe(0);
    const refused = await viewer.context().request.get(`${d.url}/api/dashboard/sites/${BLOG}/first-event`, { failOnStatusCode: false });
    expect([403, 404]).toContain(refused.status());
    const stats = await viewer.context().request.post(`${d.url}/api/v2/query`, {
      data: { site_id: BLOG, metrics: ['visitors'], date_range: 'all' },
      headers: { origin: d.url },
      failOnStatusCode: false,
    });
    expect([401, 403, 404]).toContain(stats.status());
    await viewer.goto(`${d.url}/sites/${BLOG}`);
    await viewer.getByRole('heading', { name: 'Site not found' }).waitFor();
  });

  it('changes a viewer’s sites and deletes a user after a confirm', async () => {
    const page = await d.ownerPage('/users');
    const card = page.locator('li.user', { has: page.getByRole('heading', { name: VIEWER.email }) });
    await card.getByLabel(BLOG).check();
    await card.getByRole('button', { name: 'Save sites' }).click();
    await card.getByText('Saved.').waitFor();
    const users = (await ownerApi('GET', '/api/dashboard/users')).json.users as Array<{ email: string; sites: string[] }>;
    expect(users.find((u) => u.email === VIEWER.email)?.sites.sort()).toEqual([BLOG, SHOP]);

    const locked = page.locator('li.user', { has: page.getByRole('heading', { name: 'locked@example.com' }) });
    await locked.getByRole('button', { name: 'Delete user' }).click();
    await page.locator('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await locked.count()).toBe(1);
    await locked.getByRole('button', { name: 'Delete user' }).click();
    await page.locator('dialog').getByRole('button', { name: 'Delete user' }).click();
    await page.getByText('locked@example.com is deleted.').waitFor();
    expect(await page.getByRole('heading', { name: 'locked@example.com' }).count()).toBe(0);
  });

  it('goes back to the login form when the session ends elsewhere', async () => {
    const made = await ownerApi('POST', '/api/dashboard/users', { email: 'leaving@example.com', password: 'leaving password 1', role: 'viewer', sites: [SHOP] });
    const page = await d.newPage();
    await d.loginAs(page, { email: 'leaving@example.com', password: 'leaving password 1' });
    await page.getByRole('link', { name: SHOP, exact: true }).waitFor();
    const id = (made.json.user as { id: number }).id;
    expect((await ownerApi('DELETE', `/api/dashboard/users/${id}`)).status).toBe(200);
    await page.getByRole('link', { name: SHOP, exact: true }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
  });

  it('changes the password on the account page, which signs the other sessions out', async () => {
    const person = { email: 'account@example.com', password: 'account password 1' };
    await ownerApi('POST', '/api/dashboard/users', { ...person, role: 'viewer', sites: [SHOP] });
    const elsewhere = await d.newPage();
    await d.loginAs(elsewhere, person);
    const page = await d.newPage();
    await d.loginAs(page, person);
    await page.getByRole('navigation').getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText('You are also signed in on 1 other browser or device.').waitFor();
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill('account password 2');
    await page.getByLabel('Password again').fill('account password 2');
    await page.getByRole('button', { name: 'Change password' }).click();
    const currentError = page.locator('.field', { has: page.getByLabel('Current password') }).locator('.field-error');
    // In words under the field, without the API's field name.
    await currentError.filter({ hasText: /^Wrong password$/ }).waitFor();
    await page.getByLabel('Current password').fill(person.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Sessions ended elsewhere: 1.').waitFor();
    await page.getByText('You are signed in here only.').waitFor();
    await screenshot(page, 'account-desktop-light');
    // The other browser is out; this one stays in.
    const other = await elsewhere.context().request.get(`${d.url}/api/dashboard/session`);
    expect(await other.json()).toEqual({ state: 'login' });
    await page.reload();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
  });

  it('renders both languages with no missing key, and remembers the switch', async () => {
    const pages = ['/', '/?add', `/sites/${SHOP}/settings`, '/users'];
    for (const locale of ['en-GB', 'nb-NO']) {
      const page = await d.ownerPage('/', { locale });
      for (const path of pages) {
        await page.goto(`${d.url}${path}`);
        await page.locator('main h1').waitFor();
        await settled(page);
        expect(await rawKeysOnPage(page), `${locale} ${path}`).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale.slice(0, 2));
        expect(await page.getByRole('button', { name: locale === 'nb-NO' ? 'Logg ut' : 'Log out' }).count()).toBe(1);
      }
    }
    const page = await d.ownerPage('/');
    await page.getByLabel('Language').selectOption('nb');
    await page.getByRole('heading', { name: 'Nettsteder' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Logg ut' }).waitFor();
    await page.getByLabel('Språk').selectOption('en');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
  });

  it('switches the theme and remembers it', async () => {
    const page = await d.ownerPage('/');
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.getByLabel('Theme').selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background()).not.toBe(light);
    await page.reload();
    await page.getByLabel('Theme').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background()).not.toBe(light);
  });

  it('fits a 375 px phone without horizontal scrolling', async () => {
    const page = await d.ownerPage('/', { viewport: PHONE });
    for (const path of ['/', '/?add', `/sites/${SHOP}/settings`, '/users', '/account']) {
      await page.goto(`${d.url}${path}`);
      await page.locator('main h1').waitFor();
      await settled(page);
      await noHorizontalScroll(page);
    }
    const loggedOut = await d.newPage({ viewport: PHONE });
    await loggedOut.goto(d.url);
    await loggedOut.getByRole('heading', { name: 'Log in' }).waitFor();
    await noHorizontalScroll(loggedOut);
  });

  it.each(['light', 'dark'] as const)('has no serious or critical axe violations on login, site list and settings (%s)', async (colorScheme) => {
    const login = await d.newPage({ colorScheme });
    await login.goto(d.url);
    await login.getByRole('heading', { name: 'Log in' }).waitFor();
    expect(await seriousA11yViolations(login), `login ${colorScheme}`).toEqual([]);
    const sites = await d.ownerPage('/', { colorScheme });
    await sites.locator('.site-card').first().waitFor();
    expect(await seriousA11yViolations(sites), `sites ${colorScheme}`).toEqual([]);
    const settings = await d.ownerPage(`/sites/${SHOP}/settings`, { colorScheme });
    await settings.locator('.danger-zone').last().waitFor();
    await settled(settings);
    expect(await seriousA11yViolations(settings), `settings ${colorScheme}`).toEqual([]);
  });

  // One test a variant: each loads six pages and saves them whole.
  it.each(VARIANTS)('saves screenshots of login, site list, add-site and settings for review (%s)', async (variant, options) => {
    const login = await d.newPage(options);
    await login.goto(d.url);
    await login.locator('main h1').waitFor();
    await screenshot(login, `login-${variant}`);
    const page = await d.ownerPage('/', options);
    await page.locator('.site-card').first().waitFor();
    await screenshot(page, `sites-${variant}`);
    await page.goto(`${d.url}/?add`);
    await page.locator('input[name=domain]').waitFor();
    await screenshot(page, `add-site-${variant}`);
    await page.goto(`${d.url}/sites/${SHOP}/settings`);
    await page.locator('.danger-zone').last().waitFor();
    await settled(page);
    await screenshot(page, `settings-${variant}`);
    await page.goto(`${d.url}/users`);
    await page.locator('.user').first().waitFor();
    await screenshot(page, `users-${variant}`);
    await page.goto(`${d.url}/account`);
    await page.locator('form').first().waitFor();
    await screenshot(page, `account-${variant}`);
  });

  it('offers a search box once there are more than five sites', async () => {
    const page = await d.ownerPage('/');
    await page.locator('.site-card').first().waitFor();
    expect(await page.getByLabel('Search sites').count()).toBe(0);
    for (const name of ['one', 'two', 'three', 'four']) await d.server.addSite(`${name}.example.org`);
    await page.reload();
    const search = page.getByLabel('Search sites');
    await search.fill('thr');
    await waitFor('the list to narrow', async () => (await page.locator('.site-card').count()) === 1);
    expect(await page.locator('.site-card').innerText()).toContain('three.example.org');
    await search.fill('nothing-like-it');
    await page.getByText('No site matches.').waitFor();
  });

  it('removes a site after its domain is typed', async () => {
    const page = await d.ownerPage(`/sites/${BLOG}/settings`);
    const remove = page.locator('section.danger-zone').filter({ hasText: 'Remove site' });
    const button = remove.getByRole('button', { name: 'Remove site and its data' });
    expect(await button.isDisabled()).toBe(true);
    await remove.getByLabel(`Type ${BLOG} to confirm`).fill(BLOG);
    await button.click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.getByRole('link', { name: SHOP, exact: true }).waitFor();
    expect(await page.getByRole('link', { name: BLOG, exact: true }).count()).toBe(0);
  });
});
