/**
 * The imported-data store against a real migrated SQLite file: the migration creates
 * exactly the tables imports/tables.ts describes; bad rows are refused with nothing stored;
 * readers count complete imports within their days only; an import removed while it runs
 * stops and leaves nothing; own days are found in the site's timezone and in rollups.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { countedRowSql, importedRange, ImportError, purgeImportsBefore, removeAbandonedImports, runImport, type ImportOptions } from '../../server/core/imports/store.ts';
import { IMPORTED_TABLES, type ImportedColumn, type ImportedRow, type ImportedTableSpec, type ImportSource } from '../../server/core/imports/tables.ts';
import type { Site } from '../../server/core/sites.ts';
import type { SqliteDb } from '../../server/node/sqlite-db.ts';
import { memorySource, rowsOfDay, rowsOfDays } from '../helpers/import-source.ts';
import { addSite, openTestStore, type TestStore } from './query/store.ts';

const NOW_SEC = Date.parse('2024-07-01T12:00:00Z') / 1000;
const OPTIONS: ImportOptions = { by: 'cli', nowSec: NOW_SEC };

let store: TestStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

async function open(timezone = 'Etc/UTC'): Promise<{ db: SqliteDb; site: Site }> {
  store = openTestStore();
  return { db: store.db, site: await addSite(store.db, 'import.example', timezone) };
}

const n = (db: SqliteDb, sql: string, ...params: unknown[]) => (db.raw.prepare(sql).get(...params) as { n: number }).n;
const storedRows = (db: SqliteDb) => IMPORTED_TABLES.reduce((sum, t) => sum + n(db, `SELECT count(*) AS n FROM ${t.name}`), 0) + n(db, 'SELECT count(*) AS n FROM imports');

describe('imported tables', () => {
  const column = (d: ImportedColumn) => ({ name: d.name, type: d.type === 'text' ? 'TEXT' : 'INTEGER' });
  it('are in the migrated schema exactly as tables.ts lists them', async () => {
    const { db } = await open();
    for (const spec of IMPORTED_TABLES as readonly ImportedTableSpec[]) {
      const columns = db.raw.prepare('SELECT name, type, "notnull" AS required FROM pragma_table_info(?)').all(spec.name) as Array<{ name: string; type: string; required: number }>;
      const expected = [
        { name: 'site_id', type: 'INTEGER' },
        { name: 'import_id', type: 'INTEGER' },
        { name: 'date', type: 'TEXT' },
        ...spec.dimensions.filter((d) => !d.appended).map(column),
        ...spec.metrics.map((m) => ({ name: m, type: 'INTEGER' })),
        ...spec.dimensions.filter((d) => d.appended).map(column),
      ].map((c) => ({ ...c, required: 1 }));
      expect(columns, spec.name).toEqual(expected);
      const indexes = (db.raw.prepare('SELECT name FROM pragma_index_list(?)').all(spec.name) as Array<{ name: string }>).map((i) => i.name).sort();
      expect(indexes, spec.name).toEqual([`${spec.name}_import`, `${spec.name}_site_date`]);
    }
  });
});

describe('runImport', () => {
  const bad: Array<[string, ImportedRow, string]> = [
    ['an unknown table', { table: 'imported_things' as ImportedRow['table'], date: '2024-01-01', values: {} }, 'export.zip: no imported table "imported_things"'],
    ['an impossible day', { table: 'imported_visitors', date: '2024-02-30', values: { visitors: 1 } }, 'imported_visitors: date must be a day written YYYY-MM-DD, got "2024-02-30"'],
    ['an unknown column', { table: 'imported_pages', date: '2024-01-01', values: { page: '/', scroll_depth: 3 } }, 'imported_pages: no column "scroll_depth"'],
    ['a negative count', { table: 'imported_visitors', date: '2024-01-01', values: { visitors: -1 } }, 'imported_visitors: visitors on 2024-01-01 must be a whole number ≥ 0, got -1'],
    ['a fraction', { table: 'imported_visitors', date: '2024-01-01', values: { pageviews: 1.5 } }, 'imported_visitors: pageviews on 2024-01-01 must be a whole number ≥ 0, got 1.5'],
    ['a number as text', { table: 'imported_devices', date: '2024-01-01', values: { visitors: '3' } }, 'imported_devices: visitors on 2024-01-01 must be a whole number ≥ 0, got "3"'],
    ['a number for a text dimension', { table: 'imported_devices', date: '2024-01-01', values: { device: 3 } }, 'imported_devices: device on 2024-01-01 must be text'],
    ['text for the city id', { table: 'imported_locations', date: '2024-01-01', values: { city: 'Oslo' } }, 'imported_locations: city on 2024-01-01 must be a whole number ≥ 0, got "Oslo"'],
    ['an endless page', { table: 'imported_pages', date: '2024-01-01', values: { page: `/${'a'.repeat(2048)}` } }, 'imported_pages: page on 2024-01-01 is longer than 2048 characters'],
  ];
  it.each(bad)('refuses %s after good rows, and stores nothing', async (_, row, message) => {
    const { db, site } = await open();
    const rows = [...rowsOfDays(['2023-12-30', '2023-12-31']), row];
    const result = runImport(db, site, memorySource(rows), { ...OPTIONS, rowsPerBatch: 5 });
    await expect(result).rejects.toThrow(ImportError);
    await expect(result).rejects.toThrow(message);
    expect(storedRows(db)).toBe(0);
  });

  it('stores a dimension left out as empty (0 for the city id) and a metric left out as 0', async () => {
    const { db, site } = await open();
    await runImport(db, site, memorySource([{ table: 'imported_locations', date: '2024-01-01', values: { country: 'NO', visitors: 4 } }]), OPTIONS);
    expect(db.raw.prepare('SELECT country, region, city, city_name, visitors, visits, bounces FROM imported_locations').all()).toEqual([
      { country: 'NO', region: '', city: 0, city_name: '', visitors: 4, visits: 0, bounces: 0 },
    ]);
  });

  it('clips at the first own day in the site’s timezone, found in rollups too once raw rows are gone', async () => {
    const { db, site } = await open('Europe/Oslo');
    // 23:30 UTC on 9 June is 10 June in Oslo.
    const t = Date.parse('2024-06-09T23:30:00Z') / 1000;
    db.raw.prepare("INSERT INTO visits (site_id, visitor, started_at, ended_at, channel) VALUES (?, 1, ?, ?, 'Direct')").run(site.id, t, t);
    const summary = await runImport(db, site, memorySource(rowsOfDays(['2024-06-08', '2024-06-09', '2024-06-10'])), OPTIONS);
    expect(summary).toMatchObject({ firstDay: '2024-06-08', lastDay: '2024-06-09', clippedDays: 1 });

    // Retention deleted the raw rows of May; the rollups still hold the days.
    db.raw.prepare("INSERT INTO rollup_visits (site_id, dimension, day, value, visitors, visits, bounces, duration, pageviews, events) VALUES (?, '', '2024-05-20', '', 1, 1, 1, 0, 1, 1)").run(site.id);
    const next = await runImport(db, site, memorySource(rowsOfDays(['2024-05-19', '2024-05-20'])), OPTIONS);
    expect(next).toMatchObject({ days: 1, firstDay: '2024-05-19', clippedDays: 1 });
    expect(next.note).toBe('Teller counts this site itself from 2024-05-20, so only imported days before it are kept: 1 imported day (2024-05-20 to 2024-05-20) left out.');
  });

  it('says the policy when nothing needed clipping', async () => {
    const { db, site } = await open();
    db.raw.prepare("INSERT INTO visits (site_id, visitor, started_at, ended_at, channel) VALUES (?, 1, ?, ?, 'Direct')").run(site.id, NOW_SEC, NOW_SEC);
    const summary = await runImport(db, site, memorySource(rowsOfDays(['2024-01-01'])), OPTIONS);
    expect(summary.note).toBe('Teller counts this site itself from 2024-07-01, so only imported days before it are kept; the import had none on or after it.');
  });

  it('never counts a day twice: days an earlier import spans are left out, or refuse the import', async () => {
    const { db, site } = await open();
    // The first import spans 1–10 January, with rows on its first and last day only.
    const first = await runImport(db, site, memorySource(rowsOfDays(['2024-01-01', '2024-01-10'])), OPTIONS);
    const overlapping = memorySource(rowsOfDays(['2024-01-05', '2024-01-10', '2024-01-11', '2024-01-12']));
    await expect(runImport(db, site, overlapping, { ...OPTIONS, clip: 'refuse' })).rejects.toThrow(
      `export.zip has 2024-01-05, which import ${first.id} holds already (2024-01-01 to 2024-01-10): delete that import first, or let the import clip the days`,
    );
    const second = await runImport(db, site, overlapping, OPTIONS);
    expect(second).toMatchObject({ days: 2, firstDay: '2024-01-11', lastDay: '2024-01-12', clippedDays: 2 });
    expect(second.note).toBe('2 imported days (2024-01-05 to 2024-01-10) already held by earlier imports left out.');
    expect(n(db, "SELECT count(*) AS n FROM imported_visitors WHERE date = '2024-01-10'")).toBe(1);
    await expect(runImport(db, site, memorySource(rowsOfDays(['2024-01-03'])), OPTIONS)).rejects.toThrow('export.zip: nothing to import, earlier imports hold every day in it');

    // With own days too, the note says both.
    db.raw.prepare("INSERT INTO visits (site_id, visitor, started_at, ended_at, channel) VALUES (?, 1, ?, ?, 'Direct')").run(site.id, NOW_SEC, NOW_SEC);
    const third = await runImport(db, site, memorySource(rowsOfDays(['2024-01-12', '2024-01-13', '2024-07-01'])), OPTIONS);
    expect(third.note).toBe(
      'Teller counts this site itself from 2024-07-01, so only imported days before it are kept: 1 imported day (2024-07-01 to 2024-07-01) left out. 1 imported day (2024-01-12 to 2024-01-12) already held by earlier imports left out.',
    );
  });

  it('stops and leaves nothing when the clean-up of crashes removes it while it runs', async () => {
    const { db, site } = await open();
    let now = NOW_SEC;
    const source: ImportSource = {
      ...memorySource([]),
      async *rows() {
        yield* rowsOfDays(['2024-01-01', '2024-01-02']);
        // The import stalls past the time a crash is assumed, and another pass cleans up.
        now += 3_600;
        await removeAbandonedImports(db, now, null);
        yield* rowsOfDays(['2024-01-03']);
      },
    };
    const result = runImport(db, site, source, { ...OPTIONS, rowsPerBatch: 11 });
    await expect(result).rejects.toThrow(/was removed while it ran/);
    expect(storedRows(db)).toBe(0);
  });

  it('refuses a site that no longer exists', async () => {
    const { db, site } = await open();
    db.raw.prepare('DELETE FROM sites WHERE id = ?').run(site.id);
    await expect(runImport(db, site, memorySource(rowsOfDays(['2024-01-01'])), OPTIONS)).rejects.toThrow('there is no site import.example');
    expect(storedRows(db)).toBe(0);
  });
});

describe('what readers count', () => {
  /** Visitors of the site's imported days that count, by countedRowSql. */
  const counted = (db: SqliteDb, siteId: number) =>
    n(db, `SELECT coalesce(sum(t.visitors), 0) AS n FROM imported_visitors t WHERE t.site_id = ? AND ${countedRowSql('t')}`, siteId, siteId);

  it('counts complete imports within their days only, and says which days they hold', async () => {
    const { db, site } = await open();
    expect(await importedRange(db, site.id)).toBeNull();
    const a = await runImport(db, site, memorySource(rowsOfDays(['2024-01-01', '2024-01-02'], 3)), OPTIONS);
    const b = await runImport(db, site, memorySource(rowsOfDays(['2024-03-05'], 5)), OPTIONS);
    expect(counted(db, site.id)).toBe(11);
    expect(await importedRange(db, site.id)).toEqual({
      firstDay: '2024-01-01',
      lastDay: '2024-03-05',
      imports: [
        { id: a.id, firstDay: '2024-01-01', lastDay: '2024-01-02' },
        { id: b.id, firstDay: '2024-03-05', lastDay: '2024-03-05' },
      ],
    });

    // A loading import's rows are there but do not count.
    db.raw.prepare("INSERT INTO imports (site_id, kind, file_name, file_hash, status, created_at, updated_at, created_by) VALUES (?, 'plausible', 'x.zip', 'x', 'loading', 0, ?, 'cli')").run(site.id, NOW_SEC);
    const loading = n(db, "SELECT id AS n FROM imports WHERE file_hash = 'x'");
    db.raw.prepare("INSERT INTO imported_visitors (site_id, import_id, date, visitors) VALUES (?, ?, '2024-01-01', 100)").run(site.id, loading);
    expect(counted(db, site.id)).toBe(11);
    expect((await importedRange(db, site.id))!.imports.map((i) => i.id)).toEqual([a.id, b.id]);

    // A purge cut short has moved the import's first day: its older rows stop counting at once.
    await purgeImportsBefore(db, site.id, '2024-01-02', { more: () => false, run: () => Promise.reject(new Error('no budget')) });
    let budget = 1;
    await purgeImportsBefore(db, site.id, '2024-01-02', { more: () => budget-- > 0, run: (s) => db.run(s.sql, s.params) });
    expect(n(db, "SELECT count(*) AS n FROM imported_visitors WHERE import_id = ? AND date = '2024-01-01'", a.id)).toBe(1);
    expect(counted(db, site.id)).toBe(8);
    await purgeImportsBefore(db, site.id, '2024-01-02', { more: () => true, run: (s) => db.run(s.sql, s.params) });
    expect(db.raw.prepare('SELECT first_day, last_day, day_count, row_count FROM imports WHERE id = ?').get(a.id)).toEqual({
      first_day: '2024-01-02',
      last_day: '2024-01-02',
      day_count: 1,
      row_count: rowsOfDay('2024-01-02').length,
    });
    expect(counted(db, site.id)).toBe(8);
  });
});
