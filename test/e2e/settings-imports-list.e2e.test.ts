/**
 * The settings' import section with its list, in real Chromium against a real server held at
 * one instant (Saturday 2026-12-05 10:30 UTC): WP Statistics chosen as the source (its
 * how-to shown), a ZIP of the plugin's real exports (test/fixtures/wp-statistics/export/)
 * built here and uploaded; the import listed with its source, file, days, rows and importer;
 * the site view counting its days in with the note; Delete asking first, naming the import,
 * then the list and the site view without them. A viewer and a shared link are refused the
 * routes. Screenshots in light, dark, 375 px and bokmål.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue as english } from '../../dashboard/i18n/en.ts';
import { UNAUTHORIZED } from '../../server/core/http/api-auth.ts';
import { buildZip } from '../helpers/zip-build.ts';
import { type DashboardHarness, DESKTOP, OWNER, type PageOptions, PHONE, SCREENSHOT_DIR, rawKeysOnPage, seriousA11yViolations, startDashboard, waitFor } from './dashboard-harness.ts';

const DOMAIN = 'example.com';
const NOW = Date.UTC(2026, 11, 5, 10, 30);
const EXPORT_DIR = resolve(import.meta.dirname, '../fixtures/wp-statistics/export');
const EXPORTS = ['statistics_visitor.csv', 'statistics_pages.csv', 'statistics_visitor_relationships.csv'];
/** The fixture's visitor rows: one per visitor and day, 23–26 November 2026. */
const FIXTURE_VISITORS = 33;
const OWN_VISITORS = 1;
let serverNow = NOW;
let d: DashboardHarness;

/** WP Statistics' exclusions table: read, and named in the summary as not imported. */
const EXCLUSIONS = { name: 'statistics_exclusions.csv', data: Buffer.from('"ID","date","reason","count"\n"1","2026-11-20","robot","3"\n'), deflate: true };
const wpZip = (withExclusions = false) =>
  Buffer.from(buildZip([...EXPORTS.map((name) => ({ name, data: readFileSync(join(EXPORT_DIR, name)), deflate: true })), ...(withExclusions ? [EXCLUSIONS] : [])]));
const imports = async () => (await d.server.db.all<{ id: number }>('SELECT id FROM imports')).length;

beforeAll(async () => {
  d = await startDashboard({ clock: () => serverNow });
  await d.server.addSite(DOMAIN, 'Etc/UTC');
  // One own visitor on 1 December, after the imported days: the site view has a day of its own to show.
  serverNow = Date.UTC(2026, 11, 1, 8);
  expect((await d.sendPageview(DOMAIN, '/', '84.208.1.1')).status).toBe(202);
  serverNow = NOW;
}, 120_000);
afterAll(async () => {
  await d?.close();
});

async function open(path: string, options: PageOptions = {}): Promise<Page> {
  await d.ensureOwner();
  const page = await d.newPage(options);
  await page.clock.setFixedTime(NOW);
  await d.loginAs(page, OWNER, path);
  return page;
}

const importSection = (page: Page, nb = false) => page.locator('section').filter({ has: page.getByRole('heading', { name: nb ? 'Importer historikk' : 'Import history', exact: true }) });

async function uploadWp(page: Page, nb = false, withExclusions = false): Promise<void> {
  const section = importSection(page, nb);
  await section.getByLabel(nb ? 'WP Statistics (eksport eller databasedump)' : 'WP Statistics (export or database dump)').check();
  await section.locator('input[type=file]').setInputFiles({ name: 'wp-statistics-export.zip', mimeType: 'application/zip', buffer: wpZip(withExclusions) });
  await section.getByRole('button', { name: nb ? 'Importer' : 'Import', exact: true }).click();
  await section.locator('.import-item').first().waitFor();
}

/** The site view's visitors over the last 30 days, and its note on imported data (null when none). */
async function siteView(page: Page): Promise<{ visitors: number; note: string | null }> {
  await page.goto(`${d.url}/sites/${DOMAIN}?period=30d`);
  await page.waitForSelector('.sv-kpi[data-metric="visitors"] .sv-kpi-value[data-value]');
  await waitFor('every panel filled', () => page.evaluate(() => document.querySelectorAll('.sv-skeleton').length === 0));
  const visitors = await page.$eval('.sv-kpi[data-metric="visitors"] .sv-kpi-value', (el) => Number((el as HTMLElement).dataset.value));
  if (visitors === OWN_VISITORS) return { visitors, note: await page.$eval('.sv-imports', (el) => ((el as HTMLElement).hidden ? null : el.textContent)) };
  await page.waitForSelector('.sv-imports:not([hidden]) .sv-imports-text');
  return { visitors, note: await page.textContent('.sv-imports-text') };
}

describe('settings: the imports of a site', () => {
  it('uploads a WP Statistics export, lists it, counts it in the site view, and deletes it', async () => {
    const page = await open(`/sites/${DOMAIN}/settings`);
    const section = importSection(page);
    await section.getByText('Nothing imported yet.').waitFor();
    // Plausible is the first choice, with its how-to; choosing WP Statistics shows the plugin's.
    await section.getByText(english['settings.import.howto.plausible']).waitFor();
    await section.getByLabel('WP Statistics (export or database dump)').check();
    await section.getByText(english['settings.import.howto.wp-statistics']).waitFor();
    expect(await section.locator('input[type=file]').getAttribute('accept')).toContain('.sql');
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: join(SCREENSHOT_DIR, 'settings-imports-form-desktop-light.png') });

    await uploadWp(page);
    await section.getByText('Imported 23 Nov 2026 to 26 Nov 2026: 4 days,').waitFor();
    const item = section.locator('.import-item');
    expect(await item.count()).toBe(1);
    const text = (await item.textContent())!;
    for (const part of ['WP Statistics', 'wp-statistics-export.zip', '23 Nov 2026 – 26 Nov 2026', '4 days', 'rows', 'by owner@example.com']) expect(text).toContain(part);
    const stored = await d.server.db.first<{ id: number; row_count: number; kind: string; created_by: string }>('SELECT id, row_count, kind, created_by FROM imports');
    expect(stored).toMatchObject({ kind: 'wp-statistics', created_by: OWNER.email });
    expect(text).toContain(`${stored!.row_count} rows`);
    // The site counts itself from 1 December, after the imported days: the note says none was left out.
    expect(await item.locator('.import-note').textContent()).toBe(english['import.note.own-days.none'].replace('{since}', '1 Dec 2026'));
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await rawKeysOnPage(page)).toEqual([]);
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: join(SCREENSHOT_DIR, 'settings-imports-list-desktop-light.png') });

    // The site view counts the imported days in, and says so.
    const view = await open(`/sites/${DOMAIN}?period=30d`);
    const before = await siteView(view);
    expect(before.visitors).toBe(FIXTURE_VISITORS + OWN_VISITORS);
    expect(before.note).toBe(english['sv.imports.included'].replace('{source}', 'WP Statistics').replace('{from}', '23 Nov 2026').replace('{to}', '26 Nov 2026'));

    // Delete asks first, naming the import; Cancel keeps it.
    const remove = section.getByRole('button', { name: `Delete import ${stored!.id} (wp-statistics-export.zip)` });
    await remove.click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain(`Delete import ${stored!.id}, wp-statistics-export.zip from WP Statistics (23 Nov 2026 – 26 Nov 2026, ${stored!.row_count} rows)?`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'settings-imports-list-confirm.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await imports()).toBe(1);
    await remove.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete import', exact: true }).click();
    await section.getByText(`Import ${stored!.id} deleted.`).waitFor();
    await section.getByText('Nothing imported yet.').waitFor();
    expect(await imports()).toBe(0);

    const after = await siteView(view);
    expect(after).toEqual({ visitors: OWN_VISITORS, note: null });
  });

  it('saves screenshots of the form and the list in light, dark, 375 px and bokmål, without sideways scrolling', async () => {
    const variants: Array<[string, PageOptions]> = [
      ['desktop-dark', { viewport: DESKTOP, colorScheme: 'dark' }],
      ['phone-light', { viewport: PHONE, colorScheme: 'light' }],
      ['nb-phone-dark', { viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' }],
      ['nb-desktop-light', { viewport: DESKTOP, colorScheme: 'light', locale: 'nb-NO' }],
    ];
    for (const [variant, options] of variants) {
      const nb = Boolean(options.locale);
      const page = await open(`/sites/${DOMAIN}/settings`, options);
      const section = importSection(page, nb);
      await section.getByText(nb ? 'Ingenting er importert ennå.' : 'Nothing imported yet.').waitFor();
      await section.scrollIntoViewIfNeeded();
      await section.screenshot({ path: join(SCREENSHOT_DIR, `settings-imports-form-${variant}.png`) });
      await uploadWp(page, nb, true);
      const done = section.locator('.status[data-kind=ok]').filter({ hasText: nb ? '4 dager' : '4 days' });
      await done.waitFor();
      // The server's notes in the page's language, from their codes.
      const notes = nb
        ? ['statistics_exclusions.csv: ikke importert, den har utelukkede treff', 'Teller har egne tall for dette nettstedet fra 1. des. 2026']
        : [english['import.note.not-imported.exclusions'].replace('{file}', 'statistics_exclusions.csv'), english['import.note.own-days.none'].replace('{since}', '1 Dec 2026')];
      await section.locator('li').filter({ hasText: notes[0]! }).waitFor();
      await section.locator('.import-note').filter({ hasText: notes[1]! }).waitFor();
      if (nb) expect(await section.textContent()).not.toMatch(/not imported|counts this site/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
      expect(await rawKeysOnPage(page)).toEqual([]);
      await section.screenshot({ path: join(SCREENSHOT_DIR, `settings-imports-list-${variant}.png`) });
      const id = (await d.server.db.first<{ id: number }>('SELECT id FROM imports'))!.id;
      const res = await page.request.delete(`${d.url}/api/dashboard/sites/${DOMAIN}/imports/${id}`, { headers: { origin: d.url } });
      expect(res.status()).toBe(200);
    }
  });
});

describe('imports are the owner’s', () => {
  it('tells a viewer and a shared link 403 on the import list routes (401 on the admin upload), and shows a viewer no settings', async () => {
    const owner = await open('/');
    const ownerApi = (method: string, path: string, data?: unknown) => owner.context().request.fetch(`${d.url}${path}`, { method, data, headers: { origin: d.url }, failOnStatusCode: false });
    expect((await ownerApi('POST', '/api/dashboard/users', { email: 'viewer@example.com', password: 'viewer password 123', role: 'viewer', sites: [DOMAIN] })).ok()).toBe(true);
    const link = (await (await ownerApi('POST', `/api/dashboard/sites/${DOMAIN}/shared-links`, {})).json()) as { link: { url: string } };
    const shareToken = new URL(link.link.url).pathname.split('/').at(-1)!;

    const viewer = await d.newPage();
    await d.loginAs(viewer, { email: 'viewer@example.com', password: 'viewer password 123' }, `/sites/${DOMAIN}/settings`);
    await viewer.getByText(english['error.ownerOnly.title']).waitFor();
    expect(await viewer.getByRole('heading', { name: 'Import history' }).count()).toBe(0);

    type Answer = { status: number; error: string };
    const asViewer = async (method: string, path: string, data?: Buffer): Promise<Answer> => {
      const res = await viewer.context().request.fetch(`${d.url}${path}`, { method, data, headers: { origin: d.url }, failOnStatusCode: false });
      return { status: res.status(), error: ((await res.json()) as { error: string }).error };
    };
    const asLink = async (method: string, path: string, data?: Buffer): Promise<Answer> => {
      const res = await fetch(`${d.url}${path}`, { method, body: data ? new Uint8Array(data) : undefined, headers: { 'x-teller-share': shareToken } });
      return { status: res.status, error: ((await res.json()) as { error: string }).error };
    };
    const OWNER_ONLY = { status: 403, error: 'only the owner may do this' };
    const requests: Array<[string, string, Answer, Buffer?]> = [
      ['GET', `/api/dashboard/sites/${DOMAIN}/imports`, OWNER_ONLY],
      ['DELETE', `/api/dashboard/sites/${DOMAIN}/imports/1`, OWNER_ONLY],
      // The upload is the admin API's route: it answers as the admin API does to anyone else.
      ['POST', `/api/v1/sites/${DOMAIN}/imports/wp-statistics?file_name=x.zip`, { status: 401, error: UNAUTHORIZED }, wpZip()],
    ];
    for (const ask of [asViewer, asLink]) {
      for (const [method, path, answer, data] of requests) {
        expect([method, path, await ask(method, path, data)]).toEqual([method, path, answer]);
      }
    }
    expect(await imports()).toBe(0);

    // The owner is told what is wrong: an unknown site, a bad id, no such import.
    const ownerAnswer = async (method: string, path: string) => {
      const res = await ownerApi(method, path);
      return { status: res.status(), error: ((await res.json()) as { error: string }).error };
    };
    expect(await ownerAnswer('GET', '/api/dashboard/sites/nowhere.example/imports')).toEqual({ status: 404, error: 'unknown site' });
    expect(await ownerAnswer('DELETE', `/api/dashboard/sites/${DOMAIN}/imports/abc`)).toEqual({ status: 400, error: 'id: must be an import\'s number, got "abc"' });
    expect(await ownerAnswer('DELETE', `/api/dashboard/sites/${DOMAIN}/imports/999`)).toEqual({ status: 404, error: `${DOMAIN} has no import 999` });
  });
});
