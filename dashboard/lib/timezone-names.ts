/**
 * Canonical IANA timezone names. Browsers list zones by CLDR's ids, which keep names IANA has
 * since renamed (`Asia/Calcutta` for `Asia/Kolkata`, `Europe/Kiev` for `Europe/Kyiv`); the
 * dashboard shows and saves the names of IANA's zone.tab instead.
 *
 * The table is every id Chromium's `Intl.supportedValuesOf('timeZone')` returns that is not
 * in zone.tab (tzdata 2025b), mapped to the zone.tab name it was renamed to, and `UTC`, which
 * the CLI and the server store as `Etc/UTC`. Same shape as the server's canonicalisation
 * (a legacy → canonical record and a function); the two are meant to become one module.
 * @module
 */

export const TIMEZONE_ALIASES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
  UTC: 'Etc/UTC',
  'Etc/UCT': 'Etc/UTC',
  'Etc/Universal': 'Etc/UTC',
  'Etc/Zulu': 'Etc/UTC',
};

/** The current IANA name of `zone` (itself when it is not a known old name). */
export function canonicalTimeZone(zone: string): string {
  return TIMEZONE_ALIASES[zone] ?? zone;
}

/** Every zone the browser knows, by canonical name, sorted, with Etc/UTC. */
export function canonicalTimeZones(known: readonly string[]): string[] {
  return [...new Set([...known.map(canonicalTimeZone), 'Etc/UTC'])].sort();
}
