/**
 * The add-site check says why a test visit was not counted: a `data-local` visit from
 * 127.0.0.1 to a site with allowed hostnames is dropped, and the check names the host, the
 * reason and the fix (in English and bokmål), and mentions data-local from the start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardHarness, PHONE, screenshot, startDashboard } from './dashboard-harness.ts';

let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
});

afterAll(async () => {
  await d?.close();
});

/** A pageview as the tracker sends it with data-local from a page served at 127.0.0.1. */
function localTestVisit(domain: string): Promise<Response> {
  return fetch(`${d.url}/api/event`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'x-forwarded-for': '127.0.0.1' },
    body: JSON.stringify({ n: 'pageview', u: 'http://127.0.0.1:8080/', d: domain, l: 1 }),
  });
}

async function addSite(domain: string, locale: string, viewport = { width: 1280, height: 900 }) {
  const page = await d.ownerPage('/?add', { locale, viewport });
  await page.locator('input[name=domain]').fill(domain);
  await page.locator('input[name=timezone]').fill('Europe/Oslo');
  await page.locator('form button[type=submit]').click();
  await page.locator('.first-event').waitFor();
  const res = await page.context().request.patch(`${d.url}/api/dashboard/sites/${domain}/settings`, {
    data: { allowedHostnames: [domain] },
    headers: { origin: d.url },
  });
  expect(res.status()).toBe(200);
  return page;
}

describe('first-visit check', () => {
  it('says a data-local test visit from 127.0.0.1 was not counted, why, and how to fix it', async () => {
    const page = await addSite('allowed.example.com', 'en-GB');
    await page.getByText('Testing from your own computer (localhost)? Add data-local to the script tag').waitFor();
    expect(await page.locator('.drop-notes').isHidden()).toBe(true);

    const res = await localTestVisit('allowed.example.com');
    expect(res.status).toBe(202);
    expect(res.headers.get('x-teller-dropped') ?? '').toContain('hostname-not-allowed');
    await page
      .locator('.drop-notes')
      .getByText('A test visit from 127.0.0.1 was not counted: its host is not among the allowed hostnames. Add 127.0.0.1 to Allowed hostnames')
      .waitFor({ timeout: 15_000 });
    expect(await page.locator('.first-event').getAttribute('data-kind')).toBe('waiting');
    await screenshot(page, 'first-visit-dropped-desktop-light');

    // Nothing personal is kept: the reason, the page's host and the minute.
    expect(await d.server.db.all('SELECT reason, hostname FROM drop_notes')).toEqual([{ reason: 'hostname-not-allowed', hostname: '127.0.0.1' }]);
  });

  it('says it in bokmål, at 375 px, without sideways scrolling', async () => {
    const page = await addSite('tillatt.example.com', 'nb-NO', PHONE);
    expect((await localTestVisit('tillatt.example.com')).status).toBe(202);
    await page.locator('.drop-notes').getByText('Et testbesøk fra 127.0.0.1 ble ikke telt: vertsnavnet er ikke blant de tillatte vertsnavnene.').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'first-visit-dropped-nb-phone-light');
  });
});
