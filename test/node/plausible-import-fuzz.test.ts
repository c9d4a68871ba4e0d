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
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { buildZip } from '../helpers/zip-build.ts';

const field = fc.oneof(
  { weight: 4, arbitrary: fc.nat({ max: 1000 }).map(String) },
  { weight: 3, arbitrary: fc.constantFrom('2024-01-01', '2024-01-15', '2024-01-31') },
  fc.constantFrom('2024-02-01', '2023-12-31', '2024-02-30', '-1', '1.5', '1e3', '', '\\N', 'NO', 'SE', 'NO-03', 'SE-AB', 'QQ', 'no', '/', 'Firefox', '99999999999999999'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('"', '""', 'a"b', '\r', '\n', '\r\n', ',', '\u0000', 'x'.repeat(2048), 'x'.repeat(2049)),
);

/** `arbitrary` once in `1 + nulls` times, null otherwise. */
function seldom<T>(arbitrary: fc.Arbitrary<T>, nulls: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: nulls, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

/** A valid value of a column of `kind`, on a day of January of `year`. */
function validValue(kind: string, year: number, n: number): string {
  switch (kind) {
    case 'date':
      return `${year}-01-${String((n % 31) + 1).padStart(2, '0')}`;
    case 'country':
      return ['NO', 'SE', '', 'XK'][n % 4]!;
    case 'region':
      return '';
    case 'text':
      return ['/', 'Google', 'a, "b"', 'æøå 📈', ''][n % 5]!;
    default:
      return String(n);
  }
}

/**
 * A CSV text for one of Plausible's tables: a valid file (its own columns, valid values, in
 * January of a random year so imports seldom overlap), then maybe one cell, the header or
 * the whole shape spoiled.
 */
const csvFile = fc
  .record({
    format: fc.constantFrom(...PLAUSIBLE_FORMATS),
    year: fc.integer({ min: 1990, max: 2040 }),
    pick: fc.nat(),
    values: fc.array(fc.array(fc.nat({ max: 100_000 }), { minLength: 16, maxLength: 16 }), { maxLength: 6 }),
    spoil: seldom(fc.record({ row: fc.nat(), column: fc.nat(), value: field }), 3),
    extra: seldom(fc.constantFrom('duration', 'page', 'scroll', ''), 6),
    raw: seldom(fc.array(fc.array(field, { minLength: 1, maxLength: 12 }), { maxLength: 4 }), 6),
    quote: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n'),
  })
  .map(({ format, year, pick, values, spoil, extra, raw, quote, eol }) => {
    const all = Object.keys(format.columns);
    const names = all.filter((name, i) => format.required.includes(name) || (pick >> i) % 2 === 0);
    const header = extra === null ? names : [...names, extra];
    const cell = (v: string) => (quote || /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const rows = raw ?? values.map((r) => header.map((name, i) => (format.columns[name] ? validValue(format.columns[name]!.kind, year, r[i]!) : 'x')));
    if (spoil && rows.length > 0) rows[spoil.row % rows.length]![spoil.column % header.length] = spoil.value;
    const lines = rows.map((r) => (raw ? r.join(',') : r.map(cell).join(',')));
    return { name: `${format.table}_${year}0101_${year}0131.csv`, text: [header.join(','), ...lines].join(eol) + eol };
  });

const archive = fc
  .record({
    files: fc.uniqueArray(csvFile, { minLength: 1, maxLength: 4, selector: (f) => f.name.replace(/_\d{8}_\d{8}\.csv$/, '') }),
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

describe('the import route under random input', () => {
  const ADMIN = 'plausible-fuzz-admin-token-0123456789abcdef';
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { adminToken: ADMIN } });
    await server.addSite('fuzz.example');
  });
  afterAll(() => server.stop());

  it('answers only 201, 400 or 409, names the problem, and keeps serving', async () => {
    const seen = new Map<number, number>();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        const res = await fetch(`${server.url}/api/v1/sites/fuzz.example/imports/plausible?file_name=f${n++}.zip`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/zip' },
          body: bytes as Uint8Array<ArrayBuffer>,
        });
        const body = (await res.json()) as { error?: string };
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        if (![201, 400, 409].includes(res.status)) throw new Error(`status ${res.status}: ${JSON.stringify(body)}`);
        if (res.status !== 201) expect(body.error).toBeTruthy();
      }),
      { numRuns: 300 },
    );
    for (const status of [201, 400]) expect(seen.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(0);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.log.lines.filter((l) => l.includes('unhandled'))).toEqual([]);
  }, 240_000);
});
