/**
 * "Connect WordPress" end to end in Chromium: in a site's settings the owner downloads the
 * plugin zip Teller serves, makes a token with the plugin's scopes (import when ticked),
 * shown once with a copy button and then listed with its scopes; the add-site flow's
 * WordPress tab does the same beside the snippet and the first-event check turns green; the
 * WordPress shared link framed with ?embed=1&lang=nb&theme=dark shows the site view in
 * bokmål and dark without Teller's top bar, whatever the browser prefers. Screenshots:
 * desktop and 375 px, light and dark, English and bokmål.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWordPressZip } from '../../scripts/wordpress-zip.mjs';
import { wordpressFixture } from '../helpers/wordpress-fixture.ts';
import { type PageServer, startPageServer } from './browser.ts';
import { type DashboardHarness, PHONE, SCREENSHOT_DIR, screenshot, seriousA11yViolations, startDashboard } from './dashboard-harness.ts';

const SITE = 'wp.example.com';
const source = wordpressFixture();
let d: DashboardHarness;
/** Another origin, as wp-admin is, to frame the shared link. */
let wpAdmin: PageServer;

beforeAll(async () => {
  d = await startDashboard({ addPublic: (publicDir) => void buildWordPressZip({ sourceDir: source, outDir: publicDir, quiet: true }) });
  await d.ensureOwner();
  await d.server.addSite(SITE);
  wpAdmin = await startPageServer();
});

afterAll(async () => {
  await d?.close();
  await wpAdmin?.close();
  rmSync(join(source, '..'), { recursive: true, force: true });
});

const wpSection = (page: Page, title = 'Connect WordPress') => page.locator('section', { has: page.getByRole('heading', { name: title, exact: true }) });

async function connection(token: string): Promise<{ domain: string; scopes: string[] }> {
  const res = await fetch(`${d.url}/api/v1/connection`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { domain: string; scopes: string[] };
}

async function noHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
}

describe('Connect WordPress', () => {
  it('downloads the plugin and makes a token with the plugin’s scopes, shown once and then listed', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/settings`);
    const section = wpSection(page);
    await section.waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('link', { name: 'Download the plugin (teller.zip)' }).click()]);
    expect(download.suggestedFilename()).toBe('teller.zip');
    const zip = await fetch(`${d.url}/wordpress/teller.zip`);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(Buffer.from(await zip.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');

    expect(await section.locator('.copy-box input').first().inputValue()).toBe(d.url);
    await section.getByRole('button', { name: 'Create token for WordPress' }).click();
    await section.getByText('Token created. Paste it into the plugin now').waitFor();
    const token = await section.locator('.wp-token .copy-box input').inputValue();
    expect(token).toMatch(/^tlr_/);
    expect(await connection(token)).toMatchObject({ domain: SITE, scopes: ['stats', 'privacy', 'share', 'proxy'] });

    await section.getByLabel('Also let it import WP Statistics’ history').check();
    await section.getByRole('button', { name: 'Create token for WordPress' }).click();
    await page.waitForFunction((first) => document.querySelector<HTMLInputElement>('.wp-token .copy-box input')?.value !== first, token);
    const withImport = await section.locator('.wp-token .copy-box input').inputValue();
    expect((await connection(withImport)).scopes).toEqual(['stats', 'privacy', 'share', 'proxy', 'import']);

    // The token list shows both, newest first, with what each may do; neither token itself.
    const tokens = page.locator('section', { has: page.getByRole('heading', { name: 'Stats API tokens', exact: true }) });
    await tokens.getByRole('cell', { name: 'statistics, privacy text, shared link, proxy, import' }).waitFor();
    expect(await tokens.getByRole('cell', { name: 'statistics, privacy text, shared link, proxy', exact: true }).count()).toBe(1);
    expect(await tokens.innerText()).not.toContain(withImport);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await section.screenshot({ path: shot('wordpress-settings-desktop-light') });
    await tokens.screenshot({ path: shot('wordpress-tokens-desktop-light') });
  });

  it('reads well at 375 px in dark mode and in bokmål', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/settings`, { viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' });
    const section = wpSection(page, 'Koble til WordPress');
    await section.waitFor();
    await section.getByRole('button', { name: 'Lag nøkkel for WordPress' }).click();
    await section.getByText('Nøkkelen er laget. Lim den inn').waitFor();
    await noHorizontalScroll(page);
    await section.screenshot({ path: shot('wordpress-settings-phone-dark-nb') });
    const tokens = page.locator('section', { has: page.getByRole('heading', { name: 'Nøkler til statistikk-API-et', exact: true }) });
    await tokens.getByRole('cell', { name: 'statistikk, personverntekst, delt lenke, proxy' }).first().waitFor();
    await noHorizontalScroll(page);
    await tokens.screenshot({ path: shot('wordpress-tokens-phone-dark-nb') });
  });

  it('the add-site flow offers WordPress beside the snippet, with the same first-event check', async () => {
    const page = await d.ownerPage('/?add', { viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' });
    page.setDefaultTimeout(10_000);
    await page.getByLabel('Domene').fill('new-wp.example.com');
    await page.getByLabel('Tidssone').fill('Europe/Oslo');
    await page.getByRole('button', { name: 'Legg til nettsted' }).click();
    const tabs = page.getByRole('tablist', { name: 'Slik installerer du' });
    await tabs.waitFor();
    expect(await page.getByRole('tab', { name: 'Skriptkode' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByRole('tabpanel', { name: 'WordPress' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Skriptkode' }).press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'WordPress' }).getAttribute('aria-selected')).toBe('true');
    const panel = page.getByRole('tabpanel', { name: 'WordPress' });
    await panel.getByRole('link', { name: 'Last ned utvidelsen (teller.zip)' }).waitFor();
    expect(await page.getByRole('tabpanel', { name: 'Skriptkode' }).count()).toBe(0);
    await panel.getByLabel('La den også importere historikken fra WP Statistics').check();
    await panel.getByRole('button', { name: 'Lag nøkkel for WordPress' }).click();
    await panel.getByText('Nøkkelen er laget. Lim den inn').waitFor();
    const token = await panel.locator('.wp-token .copy-box input').inputValue();
    expect(await connection(token)).toEqual(expect.objectContaining({ domain: 'new-wp.example.com', scopes: ['stats', 'privacy', 'share', 'proxy', 'import'] }));
    await noHorizontalScroll(page);
    await screenshot(page, 'wordpress-add-site-phone-dark-nb');

    // The plugin's first pageview turns the check green, as the snippet's would.
    expect((await d.sendPageview('new-wp.example.com', '/hello-world/')).status).toBe(202);
    await page.locator('.first-event[data-kind="ok"]').waitFor();
    await screenshot(page, 'wordpress-add-site-received-phone-dark-nb');
  });

  it('the WordPress shared link, framed with embed, lang and theme, follows wp-admin rather than the browser', async () => {
    const token = await d.ownerPage('/').then(async (page) => {
      const res = await page.context().request.post(`${d.url}/api/dashboard/sites/${SITE}/tokens`, { data: { scopes: ['share'] }, headers: { origin: d.url } });
      return ((await res.json()) as { token: string }).token;
    });
    expect((await d.sendPageview(SITE, '/about/')).status).toBe(202);
    const res = await fetch(`${d.url}/api/v1/sites/${SITE}/shared-link`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const { url } = (await res.json()) as { url: string };

    // The browser prefers English and light; the address asks for bokmål and dark.
    const page = await d.newPage({ viewport: { width: 900, height: 900 }, colorScheme: 'light', locale: 'en-GB' });
    page.setDefaultTimeout(10_000);
    wpAdmin.page('/wp-admin/admin.php', `<!doctype html><title>wp-admin</title><body style="margin:0"><iframe src="${url}?embed=1&lang=nb&theme=dark" style="border:0;width:100%;height:880px"></iframe>`);
    await page.goto(`${wpAdmin.origin('wp-admin.test')}/wp-admin/admin.php`);
    const frame = page.frameLocator('iframe');
    await frame.getByRole('heading', { name: SITE }).waitFor();
    await frame.getByText('Besøkende').first().waitFor();
    const inFrame = page.frames().find((f) => f.url().startsWith(url))!;
    expect(await inFrame.evaluate(() => ({ lang: document.documentElement.lang, theme: document.documentElement.dataset.theme, topbar: document.querySelectorAll('.topbar, .skip-link').length }))).toEqual({ lang: 'nb', theme: 'dark', topbar: 0 });
    await screenshot(page, 'wordpress-embed-nb-dark');

    // Nothing was remembered: the same link on its own follows the browser again, with the top bar.
    const plain = await d.newPage({ colorScheme: 'light', locale: 'en-GB' });
    await plain.goto(url);
    await plain.getByRole('heading', { name: SITE }).waitFor();
    expect(await plain.evaluate(() => ({ lang: document.documentElement.lang, theme: document.documentElement.dataset.theme ?? null, topbar: document.querySelectorAll('.topbar').length }))).toEqual({ lang: 'en', theme: null, topbar: 1 });

    const phone = await d.newPage({ viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' });
    await phone.goto(`${url}?embed=1&lang=en&theme=light`);
    await phone.getByRole('heading', { name: SITE }).waitFor();
    await phone.getByText('Visitors').first().waitFor();
    expect(await phone.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await noHorizontalScroll(phone);
    await screenshot(phone, 'wordpress-embed-phone-en-light');
  });
});

/** Where a section's screenshot goes (test/screenshots/<name>.png). */
function shot(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name}.png`);
}
