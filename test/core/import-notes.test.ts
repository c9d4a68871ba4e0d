/**
 * An import's notes as data (server/core/imports/notes.ts): stored as JSON and read back as
 * the same notes with their English text; a sentence stored by an earlier version is read
 * back as itself, with no notes, so the dashboard shows it as it is.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importNoteText, readStoredNotes, storedNotes, type ImportNote } from '../../server/core/imports/notes.ts';

const day = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const file = fc.stringMatching(/^[a-z_]{1,20}\.(csv|tsv|xml)$/);
const note: fc.Arbitrary<ImportNote> = fc.oneof(
  fc.record({ code: fc.constant('own-days' as const), since: day, left: fc.nat(400), first: fc.option(day), last: fc.option(day) }),
  fc.record({ code: fc.constant('held-days' as const), left: fc.integer({ min: 1, max: 400 }), first: day, last: day }),
  fc.record({ code: fc.constant('empty-table' as const), file }),
  fc.record({ code: fc.constant('not-imported' as const), file, table: fc.constantFrom('visit' as const, 'historical' as const, 'exclusions' as const) }),
  fc.record({ code: fc.constant('search-unjoined' as const), count: fc.integer({ min: 1, max: 1e6 }) }),
  fc.record({ code: fc.constant('totals-only' as const), count: fc.integer({ min: 1, max: 1e6 }) }),
  fc.constant({ code: 'no-visitors' as const }),
  fc.constant({ code: 'no-relationships' as const }),
);

describe('import notes', () => {
  it('read back from their stored form as the same notes, with their English text', () => {
    fc.assert(
      fc.property(fc.array(note, { minLength: 1, maxLength: 4 }), (notes) => {
        const read = readStoredNotes(storedNotes(notes));
        expect(read.detail).toEqual(notes);
        expect(read.text).toBe(notes.map(importNoteText).join(' '));
      }),
    );
    expect(storedNotes([])).toBeNull();
    expect(readStoredNotes(null)).toEqual({ text: null, detail: null });
  });

  it('say in English what they said before they were data', () => {
    expect(importNoteText({ code: 'own-days', since: '2024-06-10', left: 3, first: '2024-06-10', last: '2024-06-12' })).toBe(
      'Teller counts this site itself from 2024-06-10, so only imported days before it are kept: 3 imported days (2024-06-10 to 2024-06-12) left out.',
    );
    expect(importNoteText({ code: 'own-days', since: '2024-07-01', left: 0, first: null, last: null })).toBe(
      'Teller counts this site itself from 2024-07-01, so only imported days before it are kept; the import had none on or after it.',
    );
    expect(importNoteText({ code: 'not-imported', file: 'statistics_visit.csv', table: 'visit' })).toBe(
      'statistics_visit.csv: not imported (statistics_visit: daily hit totals only, the same hits the visitor rows count)',
    );
  });

  it('leave a sentence stored by an earlier version as it is, brackets or not', () => {
    for (const old of ['2 imported days (2024-01-05 to 2024-01-10) already held by earlier imports left out.', '[sic] a sentence', '[{"code":"unknown"}]', '[1,2]']) {
      expect(readStoredNotes(old)).toEqual({ text: old, detail: null });
    }
  });
});
