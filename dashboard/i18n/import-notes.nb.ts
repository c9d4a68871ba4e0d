/** Bokmål strings of an import's notes: the same keys as import-notes.en.ts. */
import type { importNotes as English } from './import-notes.en.ts';

export const importNotes: Record<keyof typeof English, string> = {
  'import.note.own-days': 'Teller har egne tall for dette nettstedet fra {since}, så bare importerte dager før det beholdes: {left} er utelatt ({first} – {last}).',
  'import.note.own-days.none': 'Teller har egne tall for dette nettstedet fra {since}, så bare importerte dager før det beholdes; importen hadde ingen fra og med den dagen.',
  'import.note.held-days': '{left} som tidligere importer allerede har, er utelatt ({first} – {last}).',
  'import.note.days.one': '1 importert dag',
  'import.note.days.other': '{n} importerte dager',
  'import.note.empty-table': '{file}: hoppet over, tabellen var tom da den ble eksportert.',
  'import.note.not-imported.visit': '{file}: ikke importert, den har bare daglige treff totalt, de samme treffene som besøksradene teller.',
  'import.note.not-imported.historical': '{file}: ikke importert, den har totaler for all tid uten datoer, som ingen dag kan romme.',
  'import.note.not-imported.exclusions': '{file}: ikke importert, den har utelukkede treff, som WP Statistics ikke talte med.',
  'import.note.search-unjoined': 'statistics_search: {count} søk nevner ingen besøkende, så søkeordene deres importeres ikke.',
  'import.note.totals-only': '{count} dager fra statistics_summary_totals har bare besøkende og sidevisninger (ingen fluktfrekvens, varighet eller fordelinger).',
  'import.note.no-visitors': 'Ingen rader i statistics_visitor: besøkende, kilder, land og enheter importeres ikke.',
  'import.note.no-relationships': 'Ingen rader i statistics_visitor_relationships: sidene har sidevisninger, men ingen besøkende.',
};
