/**
 * Plausible's own CSV import test data (test/fixtures/plausible-csv/csv-importer-test, see
 * its SOURCE.md) imported by the CLI as a folder: every row stored, the columns read by
 * header name whatever their order, and the number Plausible's own test asserts (99
 * imported pageviews). Plausible's own example of an invalid file is refused, nothing stored.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORTED_TABLES } from '../../server/core/imports/tables.ts';
import { runCli } from '../../server/node/cli.ts';
import { buildZip } from '../helpers/zip-build.ts';
import { openTestStore, type TestStore } from '../core/query/store.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'plausible-csv', 'csv-importer-test');
let store: TestStore;

function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l), prompt: async () => null, env: { TELLER_DB: store.db.raw.name } };
  return runCli(args, io).then((code) => ({ code, out, err }));
}

const one = <T>(sql: string) => store.db.raw.prepare(sql).get() as T;

beforeAll(async () => {
  store = openTestStore();
  expect((await cli(['site', 'add', 'lucky.numbers.com'])).code).toBe(0);
});
afterAll(() => store.close());

describe("Plausible's own CSV import test data", () => {
  it('imports every row of the nine files, read by header name', async () => {
    const csvs = readdirSync(FIXTURE).filter((n) => n.endsWith('.csv'));
    const rows = csvs.reduce((n, name) => n + readFileSync(join(FIXTURE, name), 'utf8').trimEnd().split('\n').length - 1, 0);
    const { code, out, err } = await cli(['import', 'plausible', '--site', 'lucky.numbers.com', FIXTURE]);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toEqual([`Imported csv-importer-test into lucky.numbers.com (import 1): 11 days, ${rows} rows, 2011-12-25 to 2022-01-06.`, "Not read (not files of Plausible's export): SOURCE.md"]);
    expect(IMPORTED_TABLES.reduce((n, t) => n + one<{ n: number }>(`SELECT count(*) AS n FROM ${t.name}`).n, 0)).toBe(rows);

    // Plausible's test: Plausible.Stats.Clickhouse.imported_pageview_count(site) == 99.
    expect(one<{ n: number }>('SELECT sum(pageviews) AS n FROM imported_visitors')).toEqual({ n: 99 });
    expect(one("SELECT visitors, entrances, visit_duration, bounces FROM imported_entry_pages WHERE date = '2021-12-30' AND entry_page = '/9874837495456455794'")).toEqual({
      visitors: 31,
      entrances: 31,
      visit_duration: 211,
      bounces: 30,
    });
    expect(one("SELECT hostname, visitors, pageviews, visits FROM imported_pages WHERE date = '2021-12-30' AND page = '/9874837495456455794'")).toEqual({
      hostname: 'lucky.numbers.com',
      visitors: 32,
      pageviews: 33,
      visits: 0,
    });
    expect(one("SELECT utm_term FROM imported_sources WHERE date = '2022-01-06' AND utm_term != ''")).toEqual({ utm_term: 'how lucky am I as UInt64' });
    expect(one("SELECT count(*) AS n FROM imported_operating_systems WHERE operating_system = ''")).toEqual({ n: 1 });
    expect(one("SELECT sum(city) AS c FROM imported_locations WHERE country = 'AU'")).toEqual({ c: 2078025 + 2147714 + 2158177 + 2174003 + 2147714 + 2158177 });
  });

  it("refuses Plausible's own invalid file, naming its line, and stores nothing", async () => {
    expect((await cli(['site', 'add', 'invalid.numbers.com'])).code).toBe(0);
    const zip = buildZip([
      { name: 'imported_browsers_20211230_20211231.csv', data: readFileSync(join(FIXTURE, 'imported_browsers_20211230_20211231.csv')) },
      { name: 'imported_devices_20211230_20211231.csv', data: '"date","device","visitors","visit_duration","bounces"\n"2021-12-30","Desktop",28,ehhhh....\n' },
    ]);
    const file = join(store.dir, 'invalid.zip');
    writeFileSync(file, zip);
    const { code, err } = await cli(['import', 'plausible', '--site', 'invalid.numbers.com', file]);
    expect(code).toBe(1);
    expect(err).toEqual(['teller: import refused, nothing stored: imported_devices_20211230_20211231.csv, line 2: 4 fields where the header has 5']);
    expect(one<{ n: number }>("SELECT count(*) AS n FROM imports i JOIN sites s ON s.id = i.site_id WHERE s.domain = 'invalid.numbers.com'")).toEqual({ n: 0 });
  });
});
