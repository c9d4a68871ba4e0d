/**
 * The Plausible CSV reader on its own: file names, the current and the older column sets
 * (from Plausible's source, see docs/import.md), every kind of bad field named by file,
 * line and column, and the ZIP reader's defences (bomb, lying directory, truncation, CRC,
 * a 2 GB entry), with bytes arriving in any chunking.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  parsePlausibleFileName,
  plausibleFileRows,
  plausibleSource,
  zipCsvFiles,
  type CsvFile,
} from '../../server/core/imports/plausible-csv.ts';
import { ImportFormatError, type ImportedRow } from '../../server/core/imports/tables.ts';
import { bytesAccess } from '../../server/core/unzip.ts';
import { buildZip } from '../helpers/zip-build.ts';

const enc = new TextEncoder();

function csvFile(name: string, text: string | Uint8Array, chunk = 1 << 20): CsvFile {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  return {
    name,
    size: bytes.length,
    async *bytes() {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    },
  };
}

async function rowsOf(name: string, text: string | Uint8Array, chunk?: number): Promise<ImportedRow[]> {
  const file = csvFile(name, text, chunk);
  const parsed = parsePlausibleFileName(name);
  if (!parsed) throw new Error(`not a Plausible file name: ${name}`);
  const out: ImportedRow[] = [];
  for await (const row of plausibleFileRows(file, parsed)) out.push(row);
  return out;
}

async function refusal(name: string, text: string | Uint8Array): Promise<ImportFormatError> {
  try {
    await rowsOf(name, text);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFormatError);
    return error as ImportFormatError;
  }
  throw new Error('not refused');
}

const PAGES = 'imported_pages_20240101_20240131.csv';

describe('file names', () => {
  it("reads Plausible's pattern, with or without imported_", () => {
    expect(parsePlausibleFileName('imported_pages_20240101_20241231.csv')).toMatchObject({ format: { table: 'imported_pages' }, from: '2024-01-01', to: '2024-12-31' });
    expect(parsePlausibleFileName('export/operating_systems_20240101_20240102.csv')).toMatchObject({ format: { table: 'imported_operating_systems' } });
    for (const bad of ['events_20240101_20240102.csv', 'imported_pages_20240231_20240301.csv', 'imported_pages_20240301_20240201.csv', 'imported_pages.csv', 'imported_widgets_20240101_20240102.csv']) {
      expect(parsePlausibleFileName(bad), bad).toBeNull();
    }
  });
});

describe('current columns', () => {
  it('reads every table of an export as rows, quoted fields and LF or CRLF alike', async () => {
    const pages = await rowsOf(
      PAGES,
      'date,hostname,page,visits,visitors,pageviews,total_scroll_depth,total_scroll_depth_visits,total_time_on_page,total_time_on_page_visits\n' +
        '2024-01-02,shop.example,/,3,2,5,120,2,40,2\n' +
        '2024-01-31,shop.example,"/a,""b""\nc",1,1,1,\\N,\\N,,\n',
    );
    expect(pages).toEqual([
      { table: 'imported_pages', date: '2024-01-02', values: { hostname: 'shop.example', page: '/', visits: 3, visitors: 2, pageviews: 5, total_scroll_depth: 120, total_scroll_depth_visits: 2, total_time_on_page: 40, total_time_on_page_visits: 2 } },
      { table: 'imported_pages', date: '2024-01-31', values: { hostname: 'shop.example', page: '/a,"b"\nc', visits: 1, visitors: 1, pageviews: 1, total_scroll_depth: 0, total_scroll_depth_visits: 0, total_time_on_page: 0, total_time_on_page_visits: 0 } },
    ]);
    const locations = await rowsOf(
      'imported_locations_20240101_20240101.csv',
      'date,country,region,city,visitors,visits,visit_duration,bounces,pageviews\r\n2024-01-01,NO,NO-03,3143244,1,2,30,1,4\r\n2024-01-01,,,0,1,1,0,1,1\r\n',
    );
    expect(locations.map((r) => r.values)).toEqual([
      { country: 'NO', region: 'NO-03', city: 3143244, visitors: 1, visits: 2, visit_duration: 30, bounces: 1, pageviews: 4 },
      { country: '', region: '', city: 0, visitors: 1, visits: 1, visit_duration: 0, bounces: 1, pageviews: 1 },
    ]);
  });

  it('gives the same rows however the bytes are cut into chunks (a quote, a CRLF or a UTF-8 character split)', async () => {
    const text = 'date,name,link_url,path,visitors,events\r\n2024-01-05,"Signup ""pro"", æøå 📈",https://x.example/?a=1,/p,2,3\r\n2024-01-06,404,,"/a\r\nb",1,1';
    const name = 'imported_custom_events_20240101_20240131.csv';
    const whole = await rowsOf(name, text);
    expect(whole).toHaveLength(2);
    expect(whole[0]!.values.name).toBe('Signup "pro", æøå 📈');
    expect(whole[1]!.values.path).toBe('/a\r\nb');
    for (const chunk of [1, 2, 3, 7]) expect(await rowsOf(name, text, chunk), `chunks of ${chunk}`).toEqual(whole);
  });
});

describe('older column sets', () => {
  it('reads the first CSV export (2024): pages with exits and time_on_page, sources without referrer, browsers without version', async () => {
    const pages = await rowsOf(PAGES, 'date,hostname,page,visitors,pageviews,exits,time_on_page\n2024-01-03,a.example,/x,4,6,2,300\n');
    expect(pages[0]!.values).toEqual({ hostname: 'a.example', page: '/x', visitors: 4, pageviews: 6, exits: 2 });
    const sources = await rowsOf('imported_sources_20240101_20240131.csv', 'date,source,utm_medium,utm_campaign,utm_content,utm_term,visitors,visits,visit_duration,bounces\n2024-01-03,Google,,,,,1,1,10,0\n');
    expect(sources[0]!.values).toEqual({ source: 'Google', utm_medium: '', utm_campaign: '', utm_content: '', utm_term: '', visitors: 1, visits: 1, visit_duration: 10, bounces: 0 });
    const browsers = await rowsOf('imported_browsers_20240101_20240131.csv', 'date,browser,visitors,visits,visit_duration,bounces\n2024-01-03,Firefox,1,1,0,1\n');
    expect(browsers[0]!.values).toEqual({ browser: 'Firefox', visitors: 1, visits: 1, visit_duration: 0, bounces: 1 });
    const exits = await rowsOf('imported_exit_pages_20240101_20240131.csv', 'date,exit_page,visitors,exits\n2024-01-03,/x,1,1\n');
    expect(exits[0]!.values).toEqual({ exit_page: '/x', visitors: 1, exits: 1 });
  });

  it('reads the December 2024 pages: scroll_depth (empty when unknown) over pageleave_visitors, as the 2025 totals', async () => {
    const pages = await rowsOf(
      PAGES,
      'date,hostname,page,visits,visitors,pageviews,scroll_depth,pageleave_visitors\n2024-01-03,a.example,/x,2,2,3,150,2\n2024-01-03,a.example,/y,1,1,1,,0\n2024-01-04,a.example,/z,1,1,1,\\N,0\n',
    );
    expect(pages.map((r) => [r.values.total_scroll_depth, r.values.total_scroll_depth_visits])).toEqual([[150, 2], [0, 0], [0, 0]]);
  });

  it('imports an export without custom events (before April 2024) and skips files not Plausible’s', async () => {
    const source = plausibleSource('old.zip', 'hash', [
      csvFile('imported_visitors_20240101_20240102.csv', 'date,visitors,pageviews,bounces,visits,visit_duration\n2024-01-01,1,2,0,1,5\n'),
      csvFile('events_20240101_20240102.csv', 'timestamp,name\n'),
      csvFile('__MACOSX/._imported_visitors_20240101_20240102.csv', 'junk'),
    ]);
    expect(source.skipped).toEqual(['events_20240101_20240102.csv', '__MACOSX/._imported_visitors_20240101_20240102.csv']);
    expect(source.range).toEqual({ from: '2024-01-01', to: '2024-01-02' });
    const rows: ImportedRow[] = [];
    for await (const r of source.rows()) rows.push(r);
    expect(rows).toEqual([{ table: 'imported_visitors', date: '2024-01-01', values: { visitors: 1, pageviews: 2, bounces: 0, visits: 1, visit_duration: 5 } }]);
  });
});

describe('bad input, named by file, line and column', () => {
  const VISITORS = 'imported_visitors_20240101_20240131.csv';
  const HEAD = 'date,visitors,pageviews,bounces,visits,visit_duration\n';
  const cases: Array<[string, string, string, RegExp]> = [
    ['wrong header', VISITORS, 'date,visitors,pageviews,bounces,visits,duration\n2024-01-01,1,1,1,1,1\n', /imported_visitors_20240101_20240131\.csv, line 1, column duration: unknown column "duration"/],
    ['header lacking a column', VISITORS, 'pageviews,visits\n1,1\n', /line 1: the header lacks date, visitors/],
    ['a date outside the range', VISITORS, `${HEAD}2024-01-01,1,1,1,1,1\n2024-02-01,1,1,1,1,1\n`, /line 3, column date: 2024-02-01 is outside the file's range 2024-01-01 to 2024-01-31/],
    ['an impossible date', VISITORS, `${HEAD}2024-01-32,1,1,1,1,1\n`, /line 2, column date: "2024-01-32" is not a date/],
    ['a negative count', VISITORS, `${HEAD}2024-01-01,1,-3,1,1,1\n`, /line 2, column pageviews: "-3" is not a whole number/],
    ['a non-numeric count', VISITORS, `${HEAD}2024-01-01,1,1,1,1,1.5\n`, /line 2, column visit_duration: "1.5" is not a whole number/],
    ['a count past 15 digits', VISITORS, `${HEAD}2024-01-01,1234567890123456,1,1,1,1\n`, /column visitors/],
    ['a missing field', VISITORS, `${HEAD}2024-01-01,1,1,1,1\n`, /line 2: 5 fields where the header has 6/],
    ['an unclosed quote', VISITORS, `${HEAD}"2024-01-01,1,1,1,1,1\n`, /line 3: a quoted field is not closed/],
    ['a stray quote', VISITORS, `${HEAD}2024-01-01,1"1,1,1,1,1\n`, /line 2: a quote inside an unquoted field/],
    ['an empty file', VISITORS, '', /the file is empty/],
    ['an unknown country', 'imported_locations_20240101_20240131.csv', 'date,country,region,city,visitors,visits,visit_duration,bounces,pageviews\n2024-01-01,QQ,,0,1,1,1,1,1\n', /line 2, column country: "QQ" is not an ISO 3166-1/],
    ['a lower-case country', 'imported_locations_20240101_20240131.csv', 'date,country,region,city,visitors,visits,visit_duration,bounces,pageviews\n2024-01-01,no,,0,1,1,1,1,1\n', /column country/],
    ['a region of another country', 'imported_locations_20240101_20240131.csv', 'date,country,region,city,visitors,visits,visit_duration,bounces,pageviews\n2024-01-01,SE,NO-03,0,1,1,1,1,1\n', /column region: region "NO-03" is not in country "SE"/],
    ['a column twice', VISITORS, 'date,visitors,visitors\n', /column visitors: column "visitors" twice/],
    ['a column of another table', VISITORS, 'date,visitors,page\n', /column page: unknown column/],
  ];
  for (const [what, name, text, message] of cases) {
    it(`refuses ${what}`, async () => {
      expect((await refusal(name, text)).message).toMatch(message);
    });
  }

  it('refuses text that is not UTF-8, naming the line', async () => {
    const bytes = new Uint8Array([...enc.encode(`${HEAD}2024-01-01,1,1,1,1,1\n2024-01-02,`), 0xff, 0xfe, ...enc.encode(',1,1,1,1\n')]);
    expect((await refusal(VISITORS, bytes)).message).toMatch(/line 3: not UTF-8 text/);
  });

  it('refuses a field past 2048 characters without reading on', async () => {
    expect((await refusal(PAGES, `date,hostname,page\n2024-01-01,a,${'x'.repeat(3000)}\n`)).message).toMatch(/line 2: a field longer than 2048/);
  });

  it('refuses a 2 GB file by its size before reading it, and one that grows past the limit while read', async () => {
    const parsed = parsePlausibleFileName(PAGES)!;
    const huge: CsvFile = { name: PAGES, size: 2 * 1024 ** 3, bytes: () => { throw new Error('must not be read'); } };
    await expect(plausibleFileRows(huge, parsed).next()).rejects.toThrow(/at most 1073741824 \(1 GiB\) are read from one file/);
    const line = enc.encode('2024-01-01,a,/,1,1,1\n'.repeat(50_000));
    const endless: CsvFile = {
      name: PAGES,
      size: null,
      async *bytes() {
        yield enc.encode('date,hostname,page,visits,visitors,pageviews\n');
        for (;;) yield line;
      },
    };
    let rows = 0;
    await expect(
      (async () => {
        for await (const _ of plausibleFileRows(endless, parsed, 8 * 1024 * 1024)) rows++;
      })(),
    ).rejects.toThrow(/larger than 8388608 bytes/);
    expect(rows).toBeGreaterThan(300_000);
  });

  it('refuses two files of one table and an archive with no Plausible file', () => {
    const v = (name: string) => csvFile(name, '');
    expect(() => plausibleSource('x.zip', 'h', [v('imported_pages_20240101_20240102.csv'), v('pages_20240103_20240104.csv')])).toThrow(/a second file for imported_pages/);
    expect(() => plausibleSource('x.zip', 'h', [v('README.txt')])).toThrow(/x\.zip: no file of a Plausible CSV export/);
  });
});

describe('ZIP archives', () => {
  const visitors = 'date,visitors,pageviews,bounces,visits,visit_duration\n2024-01-01,1,2,0,1,5\n';

  async function readAll(zip: Uint8Array): Promise<ImportedRow[]> {
    const files = await zipCsvFiles('export.zip', bytesAccess(zip));
    const rows: ImportedRow[] = [];
    for await (const r of plausibleSource('export.zip', 'h', files).rows()) rows.push(r);
    return rows;
  }

  async function zipRefusal(zip: Uint8Array): Promise<string> {
    try {
      await readAll(zip);
    } catch (error) {
      expect(error).toBeInstanceOf(ImportFormatError);
      return (error as Error).message;
    }
    throw new Error('not refused');
  }

  it('reads stored and deflated entries, folders and Teller’s events file skipped', async () => {
    const zip = buildZip([
      { name: 'export/', data: '' },
      { name: 'export/imported_visitors_20240101_20240102.csv', data: visitors, deflate: true },
      { name: 'export/imported_devices_20240101_20240102.csv', data: 'date,device,visitors,visits,visit_duration,bounces,pageviews\n2024-01-02,Desktop,1,1,0,1,1\n' },
      { name: 'events_20240101_20240102.csv', data: 'timestamp\n' },
    ]);
    expect((await readAll(zip)).map((r) => r.table)).toEqual(['imported_visitors', 'imported_devices']);
  });

  it('refuses a zip bomb: past the ratio by its directory, and past its claimed size when the directory lies', async () => {
    const zeros = new Uint8Array(20 * 1024 * 1024);
    expect(await zipRefusal(buildZip([{ name: 'imported_visitors_20240101_20240102.csv', data: zeros, deflate: true }]))).toMatch(
      /imported_visitors_20240101_20240102\.csv: inflates \d+ times its size \(at most 200\): refused as a zip bomb/,
    );
    const lying = buildZip([{ name: 'imported_visitors_20240101_20240102.csv', data: zeros, deflate: true, claimedSize: 1000 }]);
    expect(await zipRefusal(lying)).toMatch(/inflates past the 1000 bytes its directory record states: refused as a zip bomb/);
  });

  it('refuses an entry claiming 2 GB, before inflating anything', async () => {
    const zip = buildZip([{ name: 'imported_pages_20240101_20240102.csv', data: deflateRawSync(Buffer.alloc(10)), claimedSize: 2 * 1024 ** 3 }]);
    expect(await zipRefusal(zip)).toMatch(/inflates to 2147483648 bytes; at most 1073741824 are read/);
  });

  it('refuses a truncated archive, at any cut', async () => {
    const zip = buildZip([{ name: 'imported_visitors_20240101_20240102.csv', data: visitors.repeat(1), deflate: true }]);
    for (const cut of [1, 10, 22, 60, zip.length - 30]) {
      expect(await zipRefusal(zip.subarray(0, zip.length - cut)), `cut ${cut}`).toMatch(/export\.zip: not a ZIP archive, or a truncated one|truncated|corrupt/);
    }
  });

  it('refuses a wrong CRC-32 and a deflate stream that does not inflate', async () => {
    expect(await zipRefusal(buildZip([{ name: 'imported_visitors_20240101_20240102.csv', data: visitors, claimedCrc: 1234 }]))).toMatch(/wrong CRC-32/);
    const zip = buildZip([{ name: 'imported_visitors_20240101_20240102.csv', data: visitors, deflate: true }]);
    const broken = zip.slice();
    broken.fill(0xff, 30 + 'imported_visitors_20240101_20240102.csv'.length, 30 + 'imported_visitors_20240101_20240102.csv'.length + 8);
    expect(await zipRefusal(broken)).toMatch(/imported_visitors_20240101_20240102\.csv: .*(does not inflate|corrupt)/);
  });
});
