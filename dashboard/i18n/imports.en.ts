/** English strings of the note on imported history under the site view's chart (issue 21). */
export const imports = {
  'sv.imports.included': 'Includes imported data from {source} ({from} – {to}).',
  'sv.imports.excluded': 'Imported data from {source} ({from} – {to}) is left out.',
  'sv.imports.exclude': 'Leave out',
  'sv.imports.include': 'Include',
  'sv.imports.skip.unsupported_interval': 'Imported data has no hourly numbers: the chart shows Teller’s own only.',
  'sv.imports.skip.unsupported_query': 'Imported data cannot answer these filters: the chart shows Teller’s own numbers only.',
  'sv.imports.panel': 'Imported data cannot answer this tab: only Teller’s own numbers here.',
  'sv.imports.kind.plausible': 'Plausible',
  'sv.imports.kind.wp-statistics': 'WP Statistics',
} as const;
