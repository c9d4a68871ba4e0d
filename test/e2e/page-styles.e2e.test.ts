/**
 * The pages' own stylesheet (dashboard/pages.css) in Chromium: the site view's cold load
 * never asks for it; the settings page is first drawn only once it has loaded (after app.css
 * in the cascade, allowed by the page's CSP), and still drawn when it fails to load.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardHarness, OWNER, screenshot, startDashboard } from './dashboard-harness.ts';

const SITE = 'styles.example.com';
const PAGES_CSS = '/dashboard/pages.css';

let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
  await d.ensureOwner();
  await d.server.addSite(SITE);
  expect((await d.sendPageview(SITE, '/')).status).toBe(202);
});

afterAll(async () => {
  await d?.close();
});

/** The paths of the stylesheets the page asks for, in order. */
function stylesheetRequests(page: Page): string[] {
  const asked: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'stylesheet') asked.push(new URL(request.url()).pathname);
  });
  return asked;
}

/**
 * Records, when the settings layout is first inserted (before it is painted), whether
 * pages.css was by then among the document's loaded stylesheets.
 */
async function watchFirstDraw(page: Page): Promise<void> {
  await page.addInitScript((href) => {
    const w = window as unknown as { stylesAtFirstDraw?: boolean };
    new MutationObserver((_, observer) => {
      if (!document.querySelector('.settings-layout')) return;
      w.stylesAtFirstDraw = [...document.styleSheets].some((sheet) => sheet.href?.endsWith(href));
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  }, PAGES_CSS);
}

/** Counts the page's script requests; `settled` resolves once none is in flight. */
function scriptsInFlight(page: Page): { settled: () => Promise<void> } {
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const done = () => {
    inFlight -= 1;
    if (inFlight === 0) for (const resolve of waiting.splice(0)) resolve();
  };
  const isScript = (url: string) => new URL(url).pathname.endsWith('.js');
  page.on('request', (request) => {
    if (isScript(request.url())) inFlight += 1;
  });
  page.on('requestfinished', (request) => isScript(request.url()) && done());
  page.on('requestfailed', (request) => isScript(request.url()) && done());
  return { settled: () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve))) };
}

/** Resolves after two frames: by then loaded modules have run and any draw they caused is done. */
const twoFrames = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));

const stylesAtFirstDraw = (page: Page) => page.evaluate(() => (window as unknown as { stylesAtFirstDraw?: boolean }).stylesAtFirstDraw);

describe('pages.css', () => {
  it('stays out of the site view, and is in before the settings page is first drawn', async () => {
    const page = await d.newPage();
    const asked = stylesheetRequests(page);
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await watchFirstDraw(page);
    await d.loginAs(page, OWNER, `/sites/${SITE}`);
    await page.locator('.sv-settings').waitFor();
    expect(asked).toEqual(['/dashboard/app.css']);
    expect(await page.locator(`link[href$="${PAGES_CSS}"]`).count()).toBe(0);
    await page.waitForFunction(() => document.querySelectorAll('.sv-skeleton').length === 0);
    await screenshot(page, 'page-styles-site-view');

    // pages.css held back until the page's code is in and has run (or the page drawn without it).
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let markAsked = () => {};
    const cssAsked = new Promise<void>((resolve) => (markAsked = resolve));
    await page.route(`**${PAGES_CSS}`, async (route) => {
      markAsked();
      await held;
      await route.continue();
    });
    const scripts = scriptsInFlight(page);
    await page.locator('.sv-settings').click();
    await Promise.race([
      page.locator('.settings-layout').waitFor(),
      cssAsked.then(() => scripts.settled()).then(() => page.evaluate(twoFrames)),
    ]);
    release();
    await page.getByRole('heading', { name: `Settings for ${SITE}` }).waitFor();
    await page.getByRole('heading', { name: 'Shared links', exact: true }).waitFor();
    expect(await stylesAtFirstDraw(page)).toBe(true);
    expect(asked).toEqual(['/dashboard/app.css', PAGES_CSS]);
    // After app.css in the document, so its rules win the cascade's ties.
    const links = await page.locator('link[rel=stylesheet]').evaluateAll((els) => els.map((el) => new URL((el as HTMLLinkElement).href).pathname));
    expect(links).toEqual(['/dashboard/app.css', PAGES_CSS]);
    // A rule only pages.css has: the new-link form's top border.
    expect(await page.locator('form.share-new').evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('solid');
    expect(violations).toEqual([]);
    await screenshot(page, 'page-styles-settings');

    // Back and forth: one request for it, one link.
    await page.goBack();
    await page.locator('.sv-settings').click();
    await page.getByRole('heading', { name: 'Shared links', exact: true }).waitFor();
    expect(asked).toEqual(['/dashboard/app.css', PAGES_CSS]);
    expect(await page.locator(`link[href$="${PAGES_CSS}"]`).count()).toBe(1);
  });

  it('comes with a cold load of the settings page', async () => {
    const page = await d.newPage();
    const asked = stylesheetRequests(page);
    await watchFirstDraw(page);
    await d.loginAs(page, OWNER, `/sites/${SITE}/settings`);
    await page.getByRole('heading', { name: 'Shared links', exact: true }).waitFor();
    expect(await stylesAtFirstDraw(page)).toBe(true);
    expect(asked).toEqual(['/dashboard/app.css', PAGES_CSS]);
  });

  it('draws the settings page even when pages.css fails to load', async () => {
    const page = await d.newPage();
    await page.route(`**${PAGES_CSS}`, (route) => route.fulfill({ status: 500, body: 'down' }));
    await d.loginAs(page, OWNER, `/sites/${SITE}/settings`);
    await page.getByRole('heading', { name: 'Shared links', exact: true }).waitFor();
    expect(await page.locator('form.share-new').evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('none');
    // The failed link is gone, so a later page that names it links it afresh.
    expect(await page.locator(`link[href$="${PAGES_CSS}"]`).count()).toBe(0);
  });
});
