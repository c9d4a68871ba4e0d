/**
 * The settings' import section in Chromium: a Plausible export (ZIP) chosen and uploaded,
 * the summary shown next to the form and the rows in the database; a bad file refused with
 * the server's message naming file, line and column, nothing stored; screenshots at desktop
 * and 375 px, light and dark, English and bokmål.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../helpers/zip-build.ts';
import { type DashboardHarness, rawKeysOnPage, SCREEN_VARIANTS, SCREENSHOT_DIR, seriousA11yViolations, startDashboard } from './dashboard-harness.ts';

const SITE = 'import.example.com';
let d: DashboardHarness;

const GOOD = Buffer.from(
  buildZip([
    { name: 'imported_visitors_20240101_20240131.csv', data: 'date,visitors,pageviews,bounces,visits,visit_duration\n2024-01-02,3,7,1,4,120\n2024-01-03,1,1,1,1,0\n', deflate: true },
    { name: 'imported_pages_20240101_20240131.csv', data: 'date,hostname,page,visits,visitors,pageviews\n2024-01-02,import.example.com,/,4,3,7\n', deflate: true },
    { name: 'events_20240101_20240131.csv', data: 'timestamp\n' },
  ]),
);
const BAD = Buffer.from(buildZip([{ name: 'imported_visitors_20240201_20240229.csv', data: 'date,visitors,pageviews,bounces,visits,visit_duration\n2024-02-02,3,many,1,4,120\n' }]));

const count = async (table: string) => (await d.server.db.first<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;

beforeAll(async () => {
  d = await startDashboard();
  await d.server.addSite(SITE, 'Europe/Oslo');
});
afterAll(async () => {
  await d?.close();
});

describe('settings: import from Plausible', () => {
  it('uploads an export, shows the summary, and refuses a bad one naming the line', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/settings`);
    const section = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Import history' }) });
    const file = section.getByLabel('File (at most 100 MB)');
    await file.waitFor();
    await section.getByRole('button', { name: 'Import', exact: true }).click();
    await section.getByText('Choose the file first.').waitFor();

    await file.setInputFiles({ name: 'plausible-export.zip', mimeType: 'application/zip', buffer: GOOD });
    await section.getByRole('button', { name: 'Import', exact: true }).click();
    await section.getByText('Imported 2 Jan 2024 to 3 Jan 2024: 2 days, 3 rows.').waitFor();
    await section.getByText('Not read (not part of the export): events_20240101_20240131.csv').waitFor();
    expect(await count('imported_visitors')).toBe(2);
    expect((await d.server.db.first<{ file_name: string; created_by: string }>('SELECT file_name, created_by FROM imports'))).toEqual({ file_name: 'plausible-export.zip', created_by: 'owner@example.com' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await rawKeysOnPage(page)).toEqual([]);

    // The same days again, in another file: left out, as an earlier import has them, and said so.
    const again = Buffer.from(
      buildZip([
        { name: 'imported_visitors_20240101_20240131.csv', data: 'date,visitors,pageviews,bounces,visits,visit_duration\n2024-01-03,1,1,1,1,0\n2024-01-04,2,2,1,2,10\n' },
      ]),
    );
    await file.setInputFiles({ name: 'more.zip', mimeType: 'application/zip', buffer: again });
    await section.getByRole('button', { name: 'Import', exact: true }).click();
    await section.getByText('Imported 4 Jan 2024 to 4 Jan 2024: 1 day, 1 row.').waitFor();
    await section.getByText('1 day was left out: Teller counted it itself, or an earlier import has it.').waitFor();

    await file.setInputFiles({ name: 'bad.zip', mimeType: 'application/zip', buffer: BAD });
    await section.getByRole('button', { name: 'Import', exact: true }).click();
    await section.getByText('imported_visitors_20240201_20240229.csv, line 2, column pageviews: "many" is not a whole number of 0 or more').waitFor();
    expect(await count('imports')).toBe(2);
  });

  it('saves screenshots of the section after an import, without sideways scrolling at 375 px', async () => {
    for (const [i, [variant, options]] of SCREEN_VARIANTS.entries()) {
      const page = await d.ownerPage(`/sites/${SITE}/settings`, options);
      const heading = page.getByRole('heading', { name: options.locale ? 'Importer historikk' : 'Import history' });
      await heading.waitFor();
      const section = page.locator('section').filter({ has: heading });
      const zip = buildZip([
        { name: 'imported_visitors_20230101_20231231.csv', data: `date,visitors,pageviews,bounces,visits,visit_duration\n2023-0${i + 1}-01,1,1,1,1,1\n` },
        { name: 'events_20230101_20231231.csv', data: 'timestamp\n' },
      ]);
      await section.locator('input[type=file]').setInputFiles({ name: `export-${variant}.zip`, mimeType: 'application/zip', buffer: Buffer.from(zip) });
      await section.getByRole('button', { name: options.locale ? 'Importer' : 'Import', exact: true }).click();
      await section.locator('.status[data-kind=ok]').filter({ hasText: options.locale ? '1 dag, 1 rad' : '1 day, 1 row' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
      await section.scrollIntoViewIfNeeded();
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await section.screenshot({ path: join(SCREENSHOT_DIR, `settings-import-${variant}.png`) });
    }
  });
});
