/**
 * The WP Statistics reader under random input: arbitrary text and bytes, and the real
 * fixture files cut, spliced and corrupted. It must either map the input or refuse it with
 * an ImportFormatError naming the file, never throw anything else.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportFormatError } from '../../server/core/imports/tables.ts';
import { mapWpStatistics } from '../../server/core/imports/wp-statistics.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures/wp-statistics');
const seeds = [fixtures, join(fixtures, 'v13')]
  .flatMap((dir) => [...readdirSync(join(dir, 'export')).map((f) => join(dir, 'export', f)), join(dir, 'mysqldump/wp_statistics.sql')])
  .filter((path) => !path.includes('.empty.'))
  .map((path) => ({ name: path.split('/').pop() as string, text: readFileSync(path, 'utf8') }));

const encoder = new TextEncoder();

function outcome(name: string, bytes: Uint8Array): 'mapped' | 'refused' {
  try {
    mapWpStatistics([{ name, bytes }], { domain: 'example.com', locationPrecision: 'city' });
    return 'mapped';
  } catch (error) {
    if (!(error instanceof ImportFormatError)) throw error;
    expect(error.file).toBe(name);
    return 'refused';
  }
}

/** A seed with a few edits at random places: deletions, insertions of CSV/SQL/XML syntax, truncation. */
const corrupted = fc
  .record({
    seed: fc.constantFrom(...seeds),
    edits: fc.array(
      fc.record({
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        cut: fc.nat({ max: 40 }),
        insert: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('"', '\\', "'", ',', '\t', '\n', '(', ')', ';', '<Row>', '</Data>', '&amp', 'NULL', '-1', '9999-99-99', '<Cell><Data ss:Type="String">x</Data></Cell>')),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    truncate: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
  })
  .map(({ seed, edits, truncate }) => {
    let text = seed.text;
    for (const e of edits) {
      const at = Math.floor(e.at * text.length);
      text = text.slice(0, at) + e.insert + text.slice(at + e.cut);
    }
    if (truncate !== null) text = text.slice(0, Math.floor(truncate * text.length));
    return { name: seed.name, bytes: encoder.encode(text) };
  });

describe('WP Statistics reader under random input', () => {
  it('maps or refuses with ImportFormatError: corrupted real exports and dumps', () => {
    fc.assert(fc.property(corrupted, ({ name, bytes }) => void outcome(name, bytes)), { numRuns: 400 });
  });

  it('maps or refuses with ImportFormatError: arbitrary text and bytes', () => {
    const input = fc.oneof(
      fc.string({ maxLength: 500 }).map((s) => encoder.encode(s)),
      fc.uint8Array({ maxLength: 500 }),
      fc.array(fc.array(fc.string({ maxLength: 8 }), { maxLength: 25 }), { maxLength: 6 }).map((rows) => encoder.encode(rows.map((r) => r.map((c) => `"${c}"`).join(',')).join('\n'))),
    );
    fc.assert(fc.property(input, (bytes) => void outcome('random.csv', bytes)), { numRuns: 400 });
  });

  it('still maps every fixture untouched', () => {
    for (const seed of seeds) expect(outcome(seed.name, encoder.encode(seed.text))).toBe('mapped');
  });
});
