/**
 * The dashboard's icons in Chromium: pages load without a failed request or console error
 * (the browser's favicon request used to answer 404), the page names its icons and
 * manifest, and each answers 200 with its type and, for a PNG, the size the manifest says.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardHarness, OWNER, startDashboard } from './dashboard-harness.ts';

const DOMAIN = 'icons.example.com';
let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
  await d.server.addSite(DOMAIN);
  await d.sendPageview(DOMAIN, '/');
});

afterAll(async () => {
  await d?.close();
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
  return `${view.getUint32(16)}x${view.getUint32(20)}`;
}

/**
 * Records every failed response and console error of the page from now on; the list is
 * read once the page's failed requests have been looked at.
 */
function recordFailures(page: Page): () => Promise<string[]> {
  const failures: string[] = [];
  const looked: Array<Promise<void>> = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') failures.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    const error = r.failure()?.errorText ?? '?';
    looked.push(
      r.response().then((answered) => {
        // Chromium reports a streamed answer (the view's query batch) that the page read to its
        // end as aborted when the page lets go of it before the network's own "finished" arrives.
        // An aborted request with no answer yet (a page left too early) still counts.
        if (error === 'net::ERR_ABORTED' && answered?.ok()) return;
        failures.push(`failed ${r.url()}: ${error}`);
      }),
    );
  });
  return async () => {
    await Promise.all(looked);
    return failures;
  };
}

async function get(path: string): Promise<{ status: number; type: string; body: Uint8Array }> {
  const res = await fetch(`${d.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: new Uint8Array(await res.arrayBuffer()) };
}

describe('dashboard icons', () => {
  it('loads the setup, sites and site pages with no 404 and no console error, favicon included', async () => {
    const setup = await d.newPage();
    const setupFailures = recordFailures(setup);
    await setup.goto(d.url);
    await setup.getByRole('heading', { name: 'Create the owner account' }).waitFor();
    // The browser's own favicon request (headless Chromium may skip it): as it would ask.
    expect((await setup.context().request.get(`${d.url}/favicon.ico`)).status()).toBe(200);
    expect(await setupFailures()).toEqual([]);

    await d.ensureOwner();
    const page = await d.newPage();
    const failures = recordFailures(page);
    await d.loginAs(page, OWNER, '/');
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    // The list has arrived (leaving before would cancel its request, which counts as failed).
    await page.locator(`a[href="/sites/${DOMAIN}"]`).first().waitFor();
    await page.goto(`${d.url}/sites/${DOMAIN}`);
    await page.waitForSelector('.sv-kpi-value[data-value]');
    expect(await failures()).toEqual([]);

    const links = await page.$$eval('link[rel~="icon"], link[rel="apple-touch-icon"], link[rel="manifest"]', (els) =>
      els.map((el) => `${el.getAttribute('rel')} ${el.getAttribute('href')}`),
    );
    expect(links).toEqual(['icon /favicon.ico', 'icon /icon.svg', 'apple-touch-icon /apple-touch-icon.png', 'manifest /manifest.webmanifest']);
    // Chromium reads the manifest and fetches its icons without an error.
    const manifestUrl = await page.evaluate(() => (document.querySelector('link[rel="manifest"]') as HTMLLinkElement).href);
    expect(manifestUrl).toBe(`${d.url}/manifest.webmanifest`);
  });

  it('serves the manifest and every icon it names with the right type and size', async () => {
    const manifest = await get('/manifest.webmanifest');
    expect(manifest.status).toBe(200);
    expect(manifest.type).toBe('application/manifest+json');
    const json = JSON.parse(new TextDecoder().decode(manifest.body)) as { name: string; start_url: string; display: string; icons: Array<{ src: string; sizes: string; type: string; purpose?: string }> };
    expect(json).toMatchObject({ name: 'Teller', start_url: '/', display: 'standalone' });
    const sizes = json.icons.filter((i) => i.type === 'image/png').map((i) => `${i.sizes} ${i.purpose}`);
    expect(sizes).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of json.icons) {
      const res = await get(icon.src);
      expect(res.status, icon.src).toBe(200);
      expect(res.type, icon.src).toBe(icon.type);
      if (icon.type === 'image/png') expect(pngSize(res.body), icon.src).toBe(icon.sizes);
    }
    const touch = await get('/apple-touch-icon.png');
    expect([touch.status, touch.type, pngSize(touch.body)]).toEqual([200, 'image/png', '180x180']);
    const ico = await get('/favicon.ico');
    expect([ico.status, ico.type]).toEqual([200, 'image/x-icon']);
    // An ICO header (reserved 0, type 1) with its 16, 32 and 48 px images.
    expect([...ico.body.subarray(0, 6)]).toEqual([0, 0, 1, 0, 3, 0]);
    expect([ico.body[6], ico.body[22], ico.body[38]]).toEqual([16, 32, 48]);
  });
});
