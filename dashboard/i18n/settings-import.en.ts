/** English strings of the settings' import section (an export uploaded: Plausible's or WP Statistics'). */
export const settingsImport = {
  'settings.import.title': 'Import history',
  'settings.import.intro':
    'Bring this site’s history along from Plausible or WP Statistics. Days Teller already counted itself are left out. An import can be deleted again, and the same data is never imported twice.',
  'settings.import.file': 'File (at most 100 MB)',
  'settings.import.submit': 'Import',
  'settings.import.choose': 'Choose the file first.',
  'settings.import.uploading': 'Uploading… {percent}',
  'settings.import.storing': 'Uploaded. Reading and storing the rows…',
  'settings.import.done': 'Imported {from} to {to}: {days}, {rows}.',
  'settings.import.days.one': '1 day',
  'settings.import.days.other': '{n} days',
  'settings.import.rows.one': '1 row',
  'settings.import.rows.other': '{n} rows',
  'settings.import.clipped.one': '1 day was left out: Teller counted it itself, or an earlier import has it.',
  'settings.import.clipped.other': '{n} days were left out: Teller counted them itself, or an earlier import has them.',
  'settings.import.skipped': 'Not read (not part of the export): {files}',
  'settings.import.failed': 'The upload failed: the connection was lost. Nothing was imported.',
};
