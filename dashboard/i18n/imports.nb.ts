/** Bokmål strings of the note on imported history under the site view's chart (issue 21). */
import type { imports as English } from './imports.en.ts';

export const imports: Record<keyof typeof English, string> = {
  'sv.imports.included': 'Inkluderer importerte data fra {source} ({from} – {to}).',
  'sv.imports.excluded': 'Importerte data fra {source} ({from} – {to}) er utelatt.',
  'sv.imports.exclude': 'Utelat',
  'sv.imports.include': 'Ta med',
  'sv.imports.skip.unsupported_interval': 'Importerte data har ikke tall per time: grafen viser bare Tellers egne.',
  'sv.imports.skip.unsupported_query': 'Importerte data kan ikke svare på disse filtrene: grafen viser bare Tellers egne tall.',
  'sv.imports.panel': 'Importerte data kan ikke svare på denne fanen: her er bare Tellers egne tall.',
  'sv.imports.kind.plausible': 'Plausible',
  'sv.imports.kind.wp-statistics': 'WP Statistics',
};
