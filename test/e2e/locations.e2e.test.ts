/**
 * The locations panel in real Chromium against a real server: a click on a country filters
 * by it and zooms the map to it (smoothly, or at once for a reader who prefers less motion),
 * a country filter set any other way shows the map zoomed, and removing it (the chip, or the
 * map's "World" button by keyboard) zooms back out; the Regions and Cities tabs list what the
 * site stores, with flags, and say so when the site's location precision keeps less.
 * Screenshots in light, dark and at 375 px (test/screenshots/locations-*.png).
 *
 * The visitors' addresses are those of test/shared/target.ts, whose regions and cities
 * geoip-lite's city data knows: 84.208.20.110 and .111 Oslo (NO-03), 85.226.0.1 Mjölby in
 * Östergötland (SE-E), 91.64.0.1 Berlin (DE-BE); 8.8.8.8 is in the United States.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX_WINDOWS, GERMANY, NORWAY, NORWAY_2, SWEDEN, type Visitor } from '../shared/target.ts';
import { type DashboardHarness, OWNER, type PageOptions, PHONE, SCREENSHOT_DIR, screenshot, seriousA11yViolations, startDashboard, waitFor } from './dashboard-harness.ts';

const DOMAIN = 'locations.example';
const US: Visitor = { ip: '8.8.8.8', country: 'US' };
const VISITORS = [NORWAY, NORWAY_2, SWEDEN, GERMANY, US];
const PANEL = '[data-panel="locations"]';
const ROWS = `${PANEL} tr[data-value]`;
let harness: DashboardHarness;

const send = (domain: string, visitor: Visitor) => harness.sendEvent(domain, visitor, FIREFOX_WINDOWS, { u: `https://${domain}/` });

beforeAll(async () => {
  harness = await startDashboard();
  await harness.server.addSite(DOMAIN);
  for (const visitor of VISITORS) await send(DOMAIN, visitor);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

/** The owner's page at `path` (a fresh context; `reducedMotion` before the first draw), and every answer of 400 or more. */
async function open(path: string, options: PageOptions & { reducedMotion?: boolean } = {}): Promise<{ page: Page; bad: string[] }> {
  await harness.ensureOwner();
  const page = await harness.newPage(options);
  if (options.reducedMotion) await page.emulateMedia({ reducedMotion: 'reduce' });
  const bad: string[] = [];
  page.on('response', (res) => {
    if (res.status() >= 400 && !res.url().endsWith('/favicon.ico')) bad.push(`${res.status()} ${res.url()}`);
  });
  await harness.loginAs(page, OWNER, path);
  await page.locator('main h1').first().waitFor();
  return { page, bad };
}

type ViewBox = [number, number, number, number];

/** The map's view once it has arrived where it was going (data-view), and the countries it zooms to. */
async function settledMap(page: Page): Promise<{ view: ViewBox; zoom: string | null }> {
  await page.waitForSelector(`${PANEL} svg.sv-map`);
  await waitFor('the map’s view to arrive', () => page.$eval(`${PANEL} svg.sv-map`, (svg) => svg.getAttribute('viewBox') === svg.getAttribute('data-view')));
  return page.$eval(`${PANEL} svg.sv-map`, (svg) => ({ view: svg.getAttribute('viewBox')!.split(' ').map(Number) as ViewBox, zoom: svg.getAttribute('data-zoom') }));
}

/** The bounding box of a country's outline on the map, as [x, y, width, height]. */
const outline = (page: Page, code: string) =>
  page.$eval(`${PANEL} path[data-country="${code}"]`, (path) => {
    const b = (path as SVGGraphicsElement).getBBox();
    return [b.x, b.y, b.width, b.height] as ViewBox;
  });

const contains = (outer: ViewBox, inner: ViewBox) => outer[0] <= inner[0] && outer[1] <= inner[1] && outer[0] + outer[2] >= inner[0] + inner[2] && outer[1] + outer[3] >= inner[1] + inner[3];

/** Counts changes of the map's viewBox from now on (an animation makes many; the first draw of a map none). */
async function countViewChanges(page: Page): Promise<() => Promise<number>> {
  // The whole document: a filter draws the view, and so the panel, anew.
  await page.evaluate(() => {
    const w = window as unknown as { viewChanges: number };
    w.viewChanges = 0;
    new MutationObserver((records) => {
      w.viewChanges += records.length;
    }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['viewBox'] });
  });
  return () => page.evaluate(() => (window as unknown as { viewChanges: number }).viewChanges);
}

const filtersOf = (page: Page) => new URL(page.url()).searchParams.getAll('f');

describe('the map zooms to a country', { timeout: 120_000 }, () => {
  it('zooms to a clicked country as it filters by it, highlighted, and back out when the filter is removed', async () => {
    const { page, bad } = await open(`/sites/${DOMAIN}?period=day&tab.locations=map`);
    const world = await settledMap(page);
    expect(world.zoom).toBeNull();
    expect(await page.$$(`${PANEL} .sv-map-world`)).toHaveLength(0);
    const changes = await countViewChanges(page);

    // Germany: the middle of its outline is Germany (Norway's, with Svalbard, is Sweden).
    await page.click(`${PANEL} path[data-country="DE"]`);
    await page.waitForSelector(`${PANEL} svg.sv-map[data-zoom="DE"]`);
    const zoomed = await settledMap(page);
    expect(filtersOf(page)).toEqual(['is|visit:country|DE']);
    // Germany's whole outline in view, and the view a small part of the world's.
    expect(contains(zoomed.view, await outline(page, 'DE'))).toBe(true);
    expect(zoomed.view[2]).toBeLessThan(world.view[2] / 4);
    expect(zoomed.view[2] / zoomed.view[3]).toBeCloseTo(world.view[2] / world.view[3], 2);
    expect(await page.getAttribute(`${PANEL} path[data-country="DE"]`, 'class')).toContain('picked');
    // It moved there in steps, not in one jump.
    expect(await changes()).toBeGreaterThan(2);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator(PANEL).screenshot({ path: join(SCREENSHOT_DIR, 'locations-map-zoomed-light.png') });

    await page.click('.sv-chip-remove');
    await waitFor('the map without zoom', async () => (await page.$$(`${PANEL} svg.sv-map[data-zoom]`)).length === 0 && (await page.$$(`${PANEL} svg.sv-map`)).length === 1);
    expect((await settledMap(page)).view).toEqual(world.view);
    expect(bad).toEqual([]);
  });

  it('shows the map zoomed for a country filter set elsewhere (a Countries row), and the World button zooms out by keyboard', async () => {
    const { page, bad } = await open(`/sites/${DOMAIN}?period=day&tab.locations=countries`);
    await page.waitForSelector(ROWS);
    await page.click(`${ROWS}[data-value="SE"] button`);
    await waitFor('the Sweden filter', async () => filtersOf(page).includes('is|visit:country|SE'));
    await page.click('#sv-tab-locations-map');
    await page.waitForSelector(`${PANEL} svg.sv-map[data-zoom="SE"]`);
    const zoomed = await settledMap(page);
    expect(contains(zoomed.view, await outline(page, 'SE'))).toBe(true);

    await page.focus(`${PANEL} .sv-map-world`);
    await page.keyboard.press('Enter');
    await waitFor('the filter removed', async () => filtersOf(page).length === 0);
    const world = await settledMap(page);
    expect(world.zoom).toBeNull();
    expect(world.view[2]).toBeGreaterThan(zoomed.view[2] * 4);
    // Focus stays in the panel: on the Map tab, not back at the top of the page.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sv-tab-locations-map');
    expect(bad).toEqual([]);
  });

  it('opens zoomed from the URL, spans the United States without the far side of the antimeridian, zooms at once for less motion, at 375 px in dark mode', async () => {
    const { page, bad } = await open(`/sites/${DOMAIN}?period=day&tab.locations=map&f=${encodeURIComponent('is|visit:country|US')}`, { viewport: PHONE, colorScheme: 'dark', reducedMotion: true });
    await page.waitForSelector(`${PANEL} svg.sv-map[data-zoom="US"]`);
    const zoomed = await settledMap(page);
    // The left half of the map: not stretched to the Aleutians' far side of 180°, on the right edge.
    expect(zoomed.view[0] + zoomed.view[2]).toBeLessThan(800 / 2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.locator(PANEL).scrollIntoViewIfNeeded();
    await page.locator(PANEL).screenshot({ path: join(SCREENSHOT_DIR, 'locations-map-zoomed-phone-dark.png') });

    const changes = await countViewChanges(page);
    await page.click(`${PANEL} .sv-map-world`);
    await waitFor('the map without zoom', async () => (await page.$$(`${PANEL} svg.sv-map[data-zoom]`)).length === 0 && (await page.$$(`${PANEL} svg.sv-map`)).length === 1);
    await settledMap(page);
    expect(await changes()).toBe(0);
    expect(bad).toEqual([]);
  });
});

describe('regions and cities', { timeout: 120_000 }, () => {
  it('adds Regions and Cities tabs; Cities of a site storing regions says so, with the way to the setting for the owner, and asks nothing', async () => {
    const { page, bad } = await open(`/sites/${DOMAIN}?period=day&tab.locations=countries`);
    const queried: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/api/v2/query')) queried.push(req.postData() ?? '');
    });
    expect(await page.$$eval(`${PANEL} [role="tab"]`, (tabs) => tabs.map((t) => t.textContent))).toEqual(['Map', 'Countries', 'Regions', 'Cities']);
    await page.click('#sv-tab-locations-cities');
    const note = `${PANEL} .sv-loc-unstored[data-precision="region"]`;
    await page.waitForSelector(note);
    expect(await page.textContent(`${note} p`)).toBe('This site stores location down to the region, not the city.');
    expect(await page.getAttribute(`${note} a`, 'href')).toBe(`/sites/${DOMAIN}/settings`);
    expect(await page.isDisabled(`${PANEL} [data-key="details:locations"]`)).toBe(true);
    expect(queried.filter((body) => body.includes('visit:city_name'))).toEqual([]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator(PANEL).screenshot({ path: join(SCREENSHOT_DIR, 'locations-cities-region-only-light.png') });
    expect(bad).toEqual([]);
  });

  it('says it in bokmål too, in dark mode at 375 px, without sideways scrolling', async () => {
    const { page, bad } = await open(`/sites/${DOMAIN}?period=day&tab.locations=cities`, { locale: 'nb-NO', colorScheme: 'dark', viewport: PHONE });
    const note = `${PANEL} .sv-loc-unstored[data-precision="region"]`;
    await page.waitForSelector(note);
    expect(await page.$$eval(`${PANEL} [role="tab"]`, (tabs) => tabs.map((t) => t.textContent))).toEqual(['Kart', 'Land', 'Regioner', 'Byer']);
    expect(await page.textContent(`${note} p`)).toBe('Dette nettstedet lagrer sted ned til regionen, ikke byen.');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.locator(PANEL).scrollIntoViewIfNeeded();
    await page.locator(PANEL).screenshot({ path: join(SCREENSHOT_DIR, 'locations-cities-region-only-phone-dark.png') });
    expect(bad).toEqual([]);
  });

  // Waits for the server: the Stats API answers visit:region and visit:region_name.
  it('lists regions by name with their country’s flag; a click filters by the region’s code and the chip names it', async () => {
    const { page, bad } = await open(`/sites/${DOMAIN}?period=day&tab.locations=regions`);
    await page.waitForSelector(ROWS);
    const rows = await page.$$eval(ROWS, (trs) => trs.map((tr) => [(tr as HTMLElement).dataset.value, tr.querySelector('.sv-pick')!.textContent, new URL((tr.querySelector('img.flag') as HTMLImageElement).src).pathname, (tr as HTMLElement).dataset.visitors]));
    expect(rows).toEqual(
      expect.arrayContaining([
        ['NO-03', 'Oslo', '/flags/no.svg', '2'],
        ['DE-BE', 'Berlin', '/flags/de.svg', '1'],
        ['SE-E', 'Östergötlands län', '/flags/se.svg', '1'],
      ]),
    );
    // 8.8.8.8 has a country but no region: left out, not an "Unknown" row.
    expect(rows).toHaveLength(3);
    await page.locator(PANEL).screenshot({ path: join(SCREENSHOT_DIR, 'locations-regions-light.png') });

    // Details searches the names people read.
    await page.click('[data-key="details:locations"]');
    await page.waitForSelector('dialog.sv-details tr[data-value]');
    await page.fill('dialog.sv-details input[type="search"]', 'götland');
    await waitFor('the search narrowed to Östergötland', async () => (await page.$$eval('dialog.sv-details tr[data-value]', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.value))).join() === 'SE-E');
    await page.keyboard.press('Escape');
    await waitFor('Details closed', async () => (await page.$$('dialog.sv-details')).length === 0);

    await page.click(`${ROWS}[data-value="NO-03"] button`);
    await waitFor('the region filter', async () => filtersOf(page).includes('is|visit:region|NO-03'));
    expect(await page.textContent('.sv-chip-edit')).toBe('Region is Oslo');
    expect(bad).toEqual([]);

    // A cold load (a shared link) has not read the name yet: the chip names the country beside the code.
    const cold = await open(`/sites/${DOMAIN}?period=day&f=${encodeURIComponent('is|visit:region|NO-03')}`);
    expect(await cold.page.textContent('.sv-chip-edit')).toBe('Region is NO-03 (Norway)');
    expect(cold.bad).toEqual([]);
  });
});

/**
 * Waits for the server: the `location_precision` column (helper C's migration of the
 * setting), the session's site object carrying it as `location_precision` (SiteRef), and
 * visit:city_name in the Stats API.
 */
describe('location precision', { timeout: 120_000 }, () => {
  const COUNTRY_ONLY = 'country.locations.example';
  const CITIES = 'city.locations.example';

  beforeAll(async () => {
    for (const [domain, precision] of [[COUNTRY_ONLY, 'country'], [CITIES, 'city']] as const) {
      await harness.server.addSite(domain);
      await harness.server.db.run('UPDATE sites SET location_precision = ? WHERE domain = ?', [precision, domain]);
      for (const visitor of VISITORS) await send(domain, visitor);
    }
  }, 60_000);

  it('says in Regions and Cities that a site stores the country only, in English and bokmål, light and dark, at 375 px', async () => {
    for (const [locale, colorScheme, viewport] of [['en-GB', 'light', undefined], ['nb-NO', 'dark', PHONE]] as const) {
      const { page, bad } = await open(`/sites/${COUNTRY_ONLY}?period=day&tab.locations=regions`, { locale, colorScheme, viewport });
      for (const tab of ['regions', 'cities']) {
        await page.click(`#sv-tab-locations-${tab}`);
        await page.waitForSelector(`${PANEL} .sv-loc-unstored[data-precision="country"]`);
        expect(await page.textContent(`${PANEL} .sv-loc-unstored p`)).toBe(
          locale === 'en-GB' ? 'This site stores only the country of each visit, so there are no regions or cities to show.' : 'Dette nettstedet lagrer bare landet for hvert besøk, så det er ingen regioner eller byer å vise.',
        );
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport?.width ?? 1280);
        await page.locator(PANEL).screenshot({ path: join(SCREENSHOT_DIR, `locations-${tab}-country-only-${colorScheme}.png`) });
      }
      expect(bad).toEqual([]);
    }
  });

  it('lists cities with their country’s flag; a click filters by the city and its country, and the map shows that country', async () => {
    const { page, bad } = await open(`/sites/${CITIES}?period=day&tab.locations=cities`, { colorScheme: 'dark' });
    await page.waitForSelector(ROWS);
    const rows = await page.$$eval(ROWS, (trs) => trs.map((tr) => [(tr as HTMLElement).dataset.value, new URL((tr.querySelector('img.flag') as HTMLImageElement).src).pathname, (tr as HTMLElement).dataset.visitors]));
    expect(rows).toEqual(expect.arrayContaining([['Oslo', '/flags/no.svg', '2'], ['Berlin', '/flags/de.svg', '1'], ['Mjölby', '/flags/se.svg', '1']]));
    await page.locator(PANEL).screenshot({ path: join(SCREENSHOT_DIR, 'locations-cities-dark.png') });

    await page.click(`${ROWS}[data-value="Berlin"] button`);
    await waitFor('the city and country filters', async () => filtersOf(page).length === 2);
    expect(filtersOf(page)).toEqual(['is|visit:country|DE', 'is|visit:city_name|Berlin']);
    await page.click('#sv-tab-locations-map');
    await page.waitForSelector(`${PANEL} svg.sv-map[data-zoom="DE"]`);
    await screenshot(page, 'locations-city-filtered-dark');
    expect(bad).toEqual([]);
  });
});
