/**
 * The WordPress shared link as wp-admin frames it, in Chromium: a site with no visit yet
 * shows a plain read-only empty state (never the owner's snippet and Copy button), shared or
 * framed; and `embed`, `lang` and `theme` stay in the frame's address while the viewer picks
 * a period, a filter, a panel's full list, the realtime view and back, so a reload of the frame keeps its look.
 * Screenshots: the empty state framed (bokmål, dark) and at 375 px (English, light).
 */
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PageServer, startPageServer } from './browser.ts';
import { type DashboardHarness, PHONE, screenshot, startDashboard } from './dashboard-harness.ts';

const SITE = 'wp-embed.example.com';
const EMPTY = 'wp-empty.example.com';
let d: DashboardHarness;
/** Another origin, as wp-admin is, to frame the shared link. */
let wpAdmin: PageServer;

beforeAll(async () => {
  d = await startDashboard();
  await d.ensureOwner();
  await d.server.addSite(SITE);
  await d.server.addSite(EMPTY);
  wpAdmin = await startPageServer();
  expect((await d.sendPageview(SITE, '/about/')).status).toBe(202);
});

afterAll(async () => {
  await d?.close();
  await wpAdmin?.close();
});

/** The site's shared link, made the way the plugin makes it: a site token with the share scope. */
async function sharedLink(domain: string): Promise<string> {
  const owner = await d.ownerPage('/');
  const res = await owner.context().request.post(`${d.url}/api/dashboard/sites/${domain}/tokens`, { data: { scopes: ['share'] }, headers: { origin: d.url } });
  const { token } = (await res.json()) as { token: string };
  await owner.close();
  const link = await fetch(`${d.url}/api/v1/sites/${domain}/shared-link`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return ((await link.json()) as { url: string }).url;
}

/** wp-admin's page framing `src`; returns the frame once the site view's heading is drawn. */
async function framed(page: Page, src: string, domain: string): Promise<Frame> {
  wpAdmin.page('/wp-admin/admin.php', `<!doctype html><title>wp-admin</title><body style="margin:0"><iframe src="${src}" style="border:0;width:100%;height:880px"></iframe>`);
  await page.goto(`${wpAdmin.origin('wp-admin.test')}/wp-admin/admin.php`);
  await page.frameLocator('iframe').getByRole('heading', { name: domain }).waitFor();
  return page.frames().find((f) => f.url().startsWith(src.split('?')[0]!))!;
}

/** Waits until the frame's address (rewritten in place, no navigation) satisfies `test`. */
async function until(frame: Frame, test: (u: URL) => boolean): Promise<void> {
  await expect.poll(async () => test(new URL(await frame.evaluate(() => location.href))), { timeout: 10_000 }).toBe(true);
}

/** What of the frame's look the address still asks for. */
const choices = async (frame: Frame) => {
  const params = new URL(await frame.evaluate(() => location.href)).searchParams;
  return { embed: params.get('embed'), lang: params.get('lang'), theme: params.get('theme') };
};

describe('the WordPress shared link in a frame', () => {
  it('shows a site with no visit yet as a plain empty state, with no snippet to copy', async () => {
    const url = await sharedLink(EMPTY);
    const page = await d.newPage({ viewport: { width: 900, height: 900 }, colorScheme: 'light', locale: 'en-GB' });
    page.setDefaultTimeout(10_000);
    const frame = await framed(page, `${url}?embed=1&lang=nb&theme=dark`, EMPTY);
    await frame.getByRole('heading', { name: 'Ingen besøk ennå' }).waitFor();
    expect(await frame.getByText(`Besøkene vises her når noen har besøkt ${EMPTY}.`).count()).toBe(1);
    expect(await frame.locator('.sv-snippet, .sv-empty-site button').count()).toBe(0);
    expect(await frame.getByText('Venter på det første besøket').count()).toBe(0);
    await screenshot(page, 'wordpress-embed-empty-nb-dark');

    // Not framed, the shared link is just as read-only.
    const phone = await d.newPage({ viewport: PHONE, colorScheme: 'light', locale: 'en-GB' });
    phone.setDefaultTimeout(10_000);
    await phone.goto(url);
    await phone.getByRole('heading', { name: 'No visits yet' }).waitFor();
    expect(await phone.locator('.sv-snippet, .sv-empty-site button').count()).toBe(0);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone, 'wordpress-shared-empty-phone-en-light');

    // The owner's own view still offers the snippet.
    const owner = await d.ownerPage(`/sites/${EMPTY}`);
    await owner.getByRole('heading', { name: 'Waiting for the first visit' }).waitFor();
    expect(await owner.locator('.sv-snippet').count()).toBe(1);
  });

  it('keeps embed, lang and theme in the address across a period, a filter, a full list, realtime and back', async () => {
    const url = await sharedLink(SITE);
    const page = await d.newPage({ viewport: { width: 1100, height: 900 }, colorScheme: 'light', locale: 'en-GB' });
    page.setDefaultTimeout(10_000);
    const frame = await framed(page, `${url}?embed=1&lang=nb&theme=dark`, SITE);
    const want = { embed: '1', lang: 'nb', theme: 'dark' };

    await frame.locator('.sv-pick', { hasText: '/about' }).first().waitFor();
    await frame.locator('.sv-range select').selectOption('7d');
    await until(frame, (u) => u.searchParams.get('period') === '7d');
    expect(await choices(frame)).toEqual(want);

    await frame.locator('.sv-pick', { hasText: '/about' }).first().click();
    await until(frame, (u) => u.searchParams.getAll('f').length === 1);
    expect(await choices(frame)).toEqual(want);
    expect(new URL(await frame.evaluate(() => location.href)).searchParams.get('period')).toBe('7d');

    // A panel's full list writes its own state into the address, and keeps the choices too.
    await frame.locator('[data-key^="details:"]:not([disabled])').first().click();
    await frame.locator('dialog[open]').waitFor();
    await until(frame, (u) => u.searchParams.has('details'));
    expect(await choices(frame)).toEqual(want);
    await frame.locator('dialog[open]').press('Escape');
    await frame.locator('dialog[open]').waitFor({ state: 'detached' });

    await frame.locator('.sv-realtime').click();
    await until(frame, (u) => u.searchParams.get('period') === 'realtime');
    expect(await choices(frame)).toEqual(want);
    await frame.getByRole('link', { name: 'Tilbake' }).click();
    await until(frame, (u) => u.searchParams.get('period') === null);
    expect(await choices(frame)).toEqual(want);

    // A reload of the frame (what wp-admin's own navigation does not do, but a viewer may) keeps its look.
    await frame.locator('.sv-range select').selectOption('month');
    await until(frame, (u) => u.searchParams.get('period') === 'month');
    await frame.evaluate(() => location.reload());
    await page.frameLocator('iframe').getByRole('heading', { name: SITE }).waitFor();
    const again = page.frames().find((f) => f.url().startsWith(url))!;
    await again.waitForFunction(() => document.documentElement.lang === 'nb');
    expect(await again.evaluate(() => ({ theme: document.documentElement.dataset.theme, topbar: document.querySelectorAll('.topbar').length, period: new URLSearchParams(location.search).get('period') }))).toEqual({ theme: 'dark', topbar: 0, period: 'month' });
    await screenshot(page, 'wordpress-embed-after-navigation-nb-dark');
  });
});
