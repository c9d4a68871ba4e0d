/** Bokmål strings of the settings' import section: the same keys as settings-import.en.ts. */
import type { settingsImport as English } from './settings-import.en.ts';

export const settingsImport: Record<keyof typeof English, string> = {
  'settings.import.title': 'Importer historikk',
  'settings.import.intro':
    'Ta med historikken til nettstedet fra Plausible eller WP Statistics. Dager Teller allerede har talt selv, utelates. En import kan slettes igjen, og de samme dataene importeres aldri to ganger.',
  'settings.import.file': 'Fil (høyst 100 MB)',
  'settings.import.submit': 'Importer',
  'settings.import.choose': 'Velg filen først.',
  'settings.import.uploading': 'Laster opp … {percent}',
  'settings.import.storing': 'Lastet opp. Leser og lagrer radene …',
  'settings.import.done': 'Importerte {from} til {to}: {days}, {rows}.',
  'settings.import.days.one': '1 dag',
  'settings.import.days.other': '{n} dager',
  'settings.import.rows.one': '1 rad',
  'settings.import.rows.other': '{n} rader',
  'settings.import.clipped.one': '1 dag ble utelatt: Teller har talt den selv, eller en tidligere import har den.',
  'settings.import.clipped.other': '{n} dager ble utelatt: Teller har talt dem selv, eller en tidligere import har dem.',
  'settings.import.skipped': 'Ikke lest (ikke del av eksporten): {files}',
  'settings.import.failed': 'Opplastingen mislyktes: forbindelsen ble brutt. Ingenting ble importert.',
};
