/** English strings of an import's notes (server/core/imports/notes.ts), by code. */
export const importNotes = {
  'import.note.own-days': 'Teller counts this site itself from {since}, so only imported days before it are kept: {left} left out ({first} – {last}).',
  'import.note.own-days.none': 'Teller counts this site itself from {since}, so only imported days before it are kept; the import had none on or after it.',
  'import.note.held-days': '{left} already held by earlier imports left out ({first} – {last}).',
  'import.note.days.one': '1 imported day',
  'import.note.days.other': '{n} imported days',
  'import.note.empty-table': '{file}: skipped, the table was empty when exported.',
  'import.note.not-imported.visit': '{file}: not imported, it holds daily hit totals only, the same hits the visitor rows count.',
  'import.note.not-imported.historical': '{file}: not imported, it holds all-time totals without dates, which no day can hold.',
  'import.note.not-imported.exclusions': '{file}: not imported, it holds excluded hits, which WP Statistics did not count.',
  'import.note.search-unjoined': 'statistics_search: {count} searches name no visitor, so their words are not imported.',
  'import.note.totals-only': '{count} days from statistics_summary_totals have visitors and pageviews only (no bounces, durations or breakdowns).',
  'import.note.no-visitors': 'No statistics_visitor rows: visitors, sources, countries and devices are not imported.',
  'import.note.no-relationships': 'No statistics_visitor_relationships rows: pages have pageviews but no visitors.',
};
