/** English strings of the import section's source choice and its list of the site's imports (issue 21). */
export const settingsImportsList = {
  'settings.import.source': 'Source',
  'settings.import.source.plausible': 'Plausible (CSV export)',
  'settings.import.source.wp-statistics': 'WP Statistics (export or database dump)',
  'settings.import.howto.plausible':
    'In Plausible: Site Settings, Imports & Exports, Export Data. Upload the ZIP it sends as it is. A ZIP of a Teller export works too.',
  'settings.import.howto.wp-statistics':
    'In WordPress: Statistics, Optimization, Export. Export the tables Visitor, Pages and Visitor relationships (CSV, TSV or XML) and upload them together in one ZIP. Or upload a mysqldump of the wp_statistics_* tables (a .sql file, or a ZIP of it).',
  'settings.imports.title': 'Imports of this site',
  'settings.imports.none': 'Nothing imported yet.',
  'settings.imports.range': '{from} – {to}',
  'settings.imports.noDays': 'no days yet',
  'settings.imports.by': 'Imported {when} by {who}',
  'settings.imports.byCli': 'the command line',
  'settings.imports.byApi': 'an API token',
  'settings.imports.loading': 'Still being stored: not counted yet',
  'settings.imports.delete': 'Delete',
  'settings.imports.deleteOne': 'Delete import {id} ({file})',
  'settings.imports.confirm': 'Delete import {id}, {file} from {source} ({range}, {rows})? Its numbers leave every view at once; Teller’s own numbers stay. To have them again, import the file again.',
  'settings.imports.confirmButton': 'Delete import',
  'settings.imports.deleted': 'Import {id} deleted.',
};
