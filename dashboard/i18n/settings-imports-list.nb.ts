/** Bokmål strings of the import section's source choice and import list: the same keys as settings-imports-list.en.ts. */
import type { settingsImportsList as English } from './settings-imports-list.en.ts';

export const settingsImportsList: Record<keyof typeof English, string> = {
  'settings.import.source': 'Kilde',
  'settings.import.source.plausible': 'Plausible (CSV-eksport)',
  'settings.import.source.wp-statistics': 'WP Statistics (eksport eller databasedump)',
  'settings.import.howto.plausible':
    'I Plausible: Site Settings, Imports & Exports, Export Data. Last opp ZIP-filen du får, slik den er. En ZIP-fil fra en Teller-eksport virker også.',
  'settings.import.howto.wp-statistics':
    'I WordPress: Statistics, Optimization, Export. Eksporter tabellene Visitor, Pages og Visitor relationships (CSV, TSV eller XML) og last dem opp sammen i én ZIP-fil. Eller last opp en mysqldump av tabellene wp_statistics_* (en .sql-fil, eller en ZIP-fil med den).',
  'settings.imports.title': 'Importer til dette nettstedet',
  'settings.imports.none': 'Ingenting er importert ennå.',
  'settings.imports.range': '{from} – {to}',
  'settings.imports.noDays': 'ingen dager ennå',
  'settings.imports.by': 'Importert {when} av {who}',
  'settings.imports.byCli': 'kommandolinjen',
  'settings.imports.byApi': 'en API-nøkkel',
  'settings.imports.loading': 'Lagres fortsatt: ikke talt med ennå',
  'settings.imports.delete': 'Slett',
  'settings.imports.deleteOne': 'Slett import {id} ({file})',
  'settings.imports.confirm': 'Slette import {id}, {file} fra {source} ({range}, {rows})? Tallene forsvinner fra alle visninger med en gang; Tellers egne tall blir stående. For å få dem tilbake, importer filen på nytt.',
  'settings.imports.confirmButton': 'Slett import',
  'settings.imports.deleted': 'Import {id} er slettet.',
};
