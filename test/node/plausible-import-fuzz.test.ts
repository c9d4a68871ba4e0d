/**
 * The Plausible import under random input, as the collector is fuzzed: CSV files with
 * headers and fields drawn from good and bad values, wrapped in ZIPs stored or deflated,
 * then bytes flipped or cut. Every run into a real SQLite store; each must either import or
 * be refused with an ImportFormatError or ImportError, never another error, and a refused
 * import leaves nothing stored.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plausibleZipSource, PLAUSIBLE_FORMATS } from '../../server/core/imports/plausible-csv.ts';
import { ImportError, runImport } from '../../server/core/imports/store.ts';
import { IMPORTED_TABLES, ImportFormatError } from '../../server/core/imports/tables.ts';
import type { Site } from '../../server/core/sites.ts';
import { addSite, openTestStore, type TestStore } from '../core/query/store.ts';
import { buildZip } from '../helpers/zip-build.ts';

const field = fc.oneof(
  { weight: 4, arbitrary: fc.nat({ max: 1000 }).map(String) },
  { weight: 3, arbitrary: fc.constantFrom('2024-01-01', '2024-01-15', '2024-01-31') },
  fc.constantFrom('2024-02-01', '2023-12-31', '2024-02-30', '-1', '1.5', '1e3', '', '\\N', 'NO', 'SE', 'NO-03', 'SE-AB', 'QQ', 'no', '/', 'Firefox', '99999999999999999'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('"', '""', 'a"b', '\r', '\n', '\r\n', ',', '\u0000', 'x'.repeat(5000)),
);

/** A CSV text for one of Plausible's tables: mostly its own columns, sometimes a stranger's. */
const csvFile = fc
  .record({
    format: fc.constantFrom(...PLAUSIBLE_FORMATS),
    extra: fc.option(fc.constantFrom('duration', 'page', 'scroll', ''), { freq: 5 }),
    rows: fc.array(fc.array(field, { minLength: 1, maxLength: 12 }), { maxLength: 6 }),
    quote: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n'),
    wellFormed: fc.boolean(),
    seed: fc.nat(),
  })
  .map(({ format, extra, rows, quote, eol, wellFormed, seed }) => {
    const names = Object.keys(format.columns).filter((_, i) => format.required.includes(Object.keys(format.columns)[i]!) || (seed >> i) % 2 === 0);
    const header = extra === null ? names : [...names, extra];
    const cell = (v: string) => (quote || /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const lines = rows.map((r) => {
      if (!wellFormed) return r.join(',');
      // The right number of fields, a date in the first one most of the time.
      const cells = header.map((name, i) => (name === 'date' && i % 2 === 0 ? '2024-01-0' + ((seed % 9) + 1) : r[i % r.length]!));
      return cells.map(cell).join(',');
    });
    return { name: `${format.table}_20240101_20240131.csv`, text: [header.join(','), ...lines].join(eol) + eol };
  });

const archive = fc
  .record({
    files: fc.uniqueArray(csvFile, { minLength: 1, maxLength: 4, selector: (f) => f.name }),
    deflate: fc.boolean(),
    damage: fc.oneof(
      { weight: 5, arbitrary: fc.constant({ kind: 'none' as const }) },
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    ),
  })
  .map(({ files, deflate, damage }) => {
    const bytes = buildZip(files.map((f) => ({ name: f.name, data: f.text, deflate })));
    if (damage.kind === 'flip') {
      const copy = bytes.slice();
      copy[damage.at % copy.length] = damage.byte;
      return copy;
    }
    if (damage.kind === 'cut') return bytes.subarray(0, damage.at % bytes.length);
    return bytes;
  });

const input = fc.oneof({ weight: 8, arbitrary: archive }, fc.uint8Array({ maxLength: 300 }));

describe('Plausible import under random input', () => {
  let store: TestStore;
  let site: Site;
  beforeAll(async () => {
    store = openTestStore();
    site = await addSite(store.db, 'fuzz.example');
  });
  afterAll(() => store.close());

  const storedRows = () => IMPORTED_TABLES.reduce((n, t) => n + (store.db.raw.prepare(`SELECT count(*) AS n FROM ${t.name} WHERE site_id = ?`).get(site.id) as { n: number }).n, 0);

  it('imports or refuses with an ImportFormatError or ImportError, and a refusal stores nothing', async () => {
    const seen = { imported: 0, format: 0, refused: 0 };
    let importNo = 0;
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        const before = storedRows();
        try {
          const source = await plausibleZipSource(`fuzz-${importNo++}.zip`, bytes);
          const summary = await runImport(store.db, site, source, { by: 'cli', nowSec: 1_700_000_000, rowsPerBatch: 3 });
          seen.imported++;
          expect(storedRows()).toBe(before + summary.rows);
        } catch (error) {
          if (error instanceof ImportFormatError) seen.format++;
          else if (error instanceof ImportError) seen.refused++;
          else throw error;
          expect(storedRows()).toBe(before);
          expect(store.db.raw.prepare("SELECT count(*) AS n FROM imports WHERE site_id = ? AND status = 'loading'").get(site.id)).toEqual({ n: 0 });
        }
      }),
      { numRuns: 600 },
    );
    // The generators must reach each outcome, or the property proves little.
    expect(seen.imported, 'imports').toBeGreaterThan(0);
    expect(seen.format, 'format errors').toBeGreaterThan(0);
    expect(seen.refused, 'store refusals').toBeGreaterThan(0);
  }, 240_000);
});
