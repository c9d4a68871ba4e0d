/** English strings of the settings' import section (a Plausible CSV export uploaded). */
export const settingsImport = {
  'settings.import.title': 'Import from Plausible',
  'settings.import.intro':
    'Bring this site’s history along: upload the ZIP of Plausible’s CSV export (in Plausible: Site Settings, Imports & Exports, Export Data) or of a Teller export. Days Teller already counted itself are left out. An import can be deleted again, and the same file is never imported twice.',
  'settings.import.file': 'Export (ZIP, at most 100 MB)',
  'settings.import.submit': 'Import',
  'settings.import.choose': 'Choose the ZIP file first.',
  'settings.import.uploading': 'Uploading… {percent}',
  'settings.import.storing': 'Uploaded. Reading and storing the rows…',
  'settings.import.done': 'Imported {from} to {to}: {days}, {rows}.',
  'settings.import.days.one': '1 day',
  'settings.import.days.other': '{n} days',
  'settings.import.rows.one': '1 row',
  'settings.import.rows.other': '{n} rows',
  'settings.import.clipped.one': '1 day was left out: Teller counted it itself, or an earlier import has it.',
  'settings.import.clipped.other': '{n} days were left out: Teller counted them itself, or an earlier import has them.',
  'settings.import.skipped': 'Not read (not part of Plausible’s export): {files}',
  'settings.import.failed': 'The upload failed: the connection was lost. Nothing was imported.',
};
