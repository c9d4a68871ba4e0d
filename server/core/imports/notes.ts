/**
 * What an import tells its owner beside its figures (days left out, tables not imported), as
 * data: the CLI and the API's `note`/`notes` say it in English (`importNoteText`), and the
 * dashboard in the reader's language from the code and values (`note_detail`/`notes_detail`).
 * @module
 */

/** WP Statistics tables read but never imported, each for a reason of its own. */
export type NotImportedTable = 'visit' | 'historical' | 'exclusions';

export type ImportNote =
  /** The site has its own data from `since`: `left` imported days on or after it (`first`..`last`) left out. */
  | { code: 'own-days'; since: string; left: number; first: string | null; last: string | null }
  /** `left` imported days (`first`..`last`) were held by earlier imports and left out. */
  | { code: 'held-days'; left: number; first: string; last: string }
  | { code: 'empty-table'; file: string }
  | { code: 'not-imported'; file: string; table: NotImportedTable }
  /** `count` WP Statistics searches name no visitor: their words have no day or page to go with. */
  | { code: 'search-unjoined'; count: number }
  /** `count` days come from statistics_summary_totals alone: visitors and pageviews only. */
  | { code: 'totals-only'; count: number }
  | { code: 'no-visitors' }
  | { code: 'no-relationships' };

const NOT_IMPORTED_WHY: Readonly<Record<NotImportedTable, string>> = {
  visit: 'statistics_visit: daily hit totals only, the same hits the visitor rows count',
  historical: 'statistics_historical: all-time totals without dates, which no day can hold',
  exclusions: 'statistics_exclusions: excluded (not counted) hits',
};

const days = (n: number) => `${n} imported day${n === 1 ? '' : 's'}`;

/** The note in English, as the CLI prints it and the API's text fields carry it. */
export function importNoteText(note: ImportNote): string {
  switch (note.code) {
    case 'own-days': {
      const kept = `Teller counts this site itself from ${note.since}, so only imported days before it are kept`;
      return note.left === 0 ? `${kept}; the import had none on or after it.` : `${kept}: ${days(note.left)} (${note.first} to ${note.last}) left out.`;
    }
    case 'held-days':
      return `${days(note.left)} (${note.first} to ${note.last}) already held by earlier imports left out.`;
    case 'empty-table':
      return `${note.file}: skipped, the table was empty when exported`;
    case 'not-imported':
      return `${note.file}: not imported (${NOT_IMPORTED_WHY[note.table]})`;
    case 'search-unjoined':
      return `statistics_search: ${note.count} search(es) name no visitor, so their words are not imported`;
    case 'totals-only':
      return `${note.count} day(s) from statistics_summary_totals have visitors and pageviews only (no bounces, durations or breakdowns)`;
    case 'no-visitors':
      return 'no statistics_visitor rows: visitors, sources, countries and devices are not imported';
    case 'no-relationships':
      return 'no statistics_visitor_relationships: pages have pageviews but no visitors';
  }
}

/** Notes as one stored value: JSON, so that each reader can say them in its own language. */
export function storedNotes(notes: readonly ImportNote[]): string | null {
  return notes.length === 0 ? null : JSON.stringify(notes);
}

const CODES: ReadonlySet<string> = new Set(['own-days', 'held-days', 'empty-table', 'not-imported', 'search-unjoined', 'totals-only', 'no-visitors', 'no-relationships']);

/** The notes as a record or summary gives them: their English text and the notes, or nulls for none. */
export function noteFields(notes: readonly ImportNote[]): { text: string | null; detail: ImportNote[] | null } {
  return notes.length === 0 ? { text: null, detail: null } : { text: notes.map(importNoteText).join(' '), detail: [...notes] };
}

/**
 * A stored note read back: its notes, or null for a sentence stored before notes were data
 * (imports made by earlier versions), which is then shown as it is.
 */
export function readStoredNotes(stored: string | null): { text: string | null; detail: ImportNote[] | null } {
  if (stored === null) return noteFields([]);
  if (stored.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(stored);
      if (Array.isArray(parsed) && parsed.every((n) => typeof n === 'object' && n !== null && CODES.has((n as { code?: unknown }).code as string))) {
        return noteFields(parsed as ImportNote[]);
      }
    } catch {
      // Not JSON: an old sentence that happens to start with a bracket.
    }
  }
  return { text: stored, detail: null };
}
