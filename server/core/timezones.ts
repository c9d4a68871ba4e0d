/**
 * Timezone names as Teller stores and lists them: the IANA database's current (canonical)
 * names. Browsers and runtimes answer with CLDR's older ones (`Asia/Calcutta`, `Europe/Kiev`,
 * `UTC`) and accept every old alias, so the same zone could be stored under several names;
 * every write goes through canonicalTimeZone, and the dashboard's picker lists
 * canonicalTimeZones. No runtime-specific code: the server and the dashboard both import it.
 * @module
 */

/** UTC's canonical name, and the default zone of a new site. */
export const UTC_ZONE = 'Etc/UTC';

/** Old names (IANA `backward` links, CLDR's canonical forms) → the current IANA name. */
export const TIMEZONE_ALIASES: Readonly<Record<string, string>> = {
  UTC: UTC_ZONE, UCT: UTC_ZONE, 'Etc/UCT': UTC_ZONE, 'Etc/Universal': UTC_ZONE, Universal: UTC_ZONE, 'Etc/Zulu': UTC_ZONE, Zulu: UTC_ZONE,
  GMT: UTC_ZONE, 'Etc/GMT': UTC_ZONE, 'Etc/GMT0': UTC_ZONE, 'Etc/GMT+0': UTC_ZONE, 'Etc/GMT-0': UTC_ZONE, 'Etc/Greenwich': UTC_ZONE,
  GMT0: UTC_ZONE, 'GMT+0': UTC_ZONE, 'GMT-0': UTC_ZONE, Greenwich: UTC_ZONE,
  'Africa/Asmera': 'Africa/Asmara', 'Africa/Timbuktu': 'Africa/Bamako',
  'America/Argentina/ComodRivadavia': 'America/Argentina/Catamarca', 'America/Atka': 'America/Adak',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires', 'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba', 'America/Ensenada': 'America/Tijuana', 'America/Fort_Wayne': 'America/Indiana/Indianapolis',
  'America/Godthab': 'America/Nuuk', 'America/Indianapolis': 'America/Indiana/Indianapolis', 'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Knox_IN': 'America/Indiana/Knox', 'America/Louisville': 'America/Kentucky/Louisville', 'America/Mendoza': 'America/Argentina/Mendoza',
  'America/Montreal': 'America/Toronto', 'America/Porto_Acre': 'America/Rio_Branco', 'America/Rosario': 'America/Argentina/Cordoba',
  'America/Santa_Isabel': 'America/Tijuana', 'America/Shiprock': 'America/Denver',
  'Asia/Ashkhabad': 'Asia/Ashgabat', 'Asia/Calcutta': 'Asia/Kolkata', 'Asia/Chongqing': 'Asia/Shanghai', 'Asia/Chungking': 'Asia/Shanghai',
  'Asia/Dacca': 'Asia/Dhaka', 'Asia/Harbin': 'Asia/Shanghai', 'Asia/Istanbul': 'Europe/Istanbul', 'Asia/Kashgar': 'Asia/Urumqi',
  'Asia/Katmandu': 'Asia/Kathmandu', 'Asia/Macao': 'Asia/Macau', 'Asia/Rangoon': 'Asia/Yangon', 'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Tel_Aviv': 'Asia/Jerusalem', 'Asia/Thimbu': 'Asia/Thimphu', 'Asia/Ujung_Pandang': 'Asia/Makassar', 'Asia/Ulan_Bator': 'Asia/Ulaanbaatar',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Australia/ACT': 'Australia/Sydney', 'Australia/Canberra': 'Australia/Sydney', 'Australia/LHI': 'Australia/Lord_Howe',
  'Australia/NSW': 'Australia/Sydney', 'Australia/North': 'Australia/Darwin', 'Australia/Queensland': 'Australia/Brisbane',
  'Australia/South': 'Australia/Adelaide', 'Australia/Tasmania': 'Australia/Hobart', 'Australia/Victoria': 'Australia/Melbourne',
  'Australia/West': 'Australia/Perth', 'Australia/Yancowinna': 'Australia/Broken_Hill',
  'Brazil/Acre': 'America/Rio_Branco', 'Brazil/East': 'America/Sao_Paulo', 'Brazil/West': 'America/Manaus',
  'Canada/Atlantic': 'America/Halifax', 'Canada/Central': 'America/Winnipeg', 'Canada/Eastern': 'America/Toronto',
  'Canada/Mountain': 'America/Edmonton', 'Canada/Newfoundland': 'America/St_Johns', 'Canada/Pacific': 'America/Vancouver',
  'Chile/Continental': 'America/Santiago', 'Chile/EasterIsland': 'Pacific/Easter', Cuba: 'America/Havana', Egypt: 'Africa/Cairo',
  Eire: 'Europe/Dublin', 'Europe/Belfast': 'Europe/London', 'Europe/Kiev': 'Europe/Kyiv', 'Europe/Tiraspol': 'Europe/Chisinau',
  'Europe/Uzhgorod': 'Europe/Kyiv', 'Europe/Zaporozhye': 'Europe/Kyiv', GB: 'Europe/London', 'GB-Eire': 'Europe/London',
  Hongkong: 'Asia/Hong_Kong', Iceland: 'Atlantic/Reykjavik', Iran: 'Asia/Tehran', Israel: 'Asia/Jerusalem', Jamaica: 'America/Jamaica',
  Japan: 'Asia/Tokyo', Kwajalein: 'Pacific/Kwajalein', Libya: 'Africa/Tripoli', 'Mexico/BajaNorte': 'America/Tijuana',
  'Mexico/BajaSur': 'America/Mazatlan', 'Mexico/General': 'America/Mexico_City', NZ: 'Pacific/Auckland', 'NZ-CHAT': 'Pacific/Chatham',
  Navajo: 'America/Denver', PRC: 'Asia/Shanghai', 'Pacific/Enderbury': 'Pacific/Kanton', 'Pacific/Johnston': 'Pacific/Honolulu',
  'Pacific/Ponape': 'Pacific/Pohnpei', 'Pacific/Samoa': 'Pacific/Pago_Pago', 'Pacific/Truk': 'Pacific/Chuuk', 'Pacific/Yap': 'Pacific/Chuuk',
  Poland: 'Europe/Warsaw', Portugal: 'Europe/Lisbon', ROC: 'Asia/Taipei', ROK: 'Asia/Seoul', Singapore: 'Asia/Singapore', Turkey: 'Europe/Istanbul',
  'US/Alaska': 'America/Anchorage', 'US/Aleutian': 'America/Adak', 'US/Arizona': 'America/Phoenix', 'US/Central': 'America/Chicago',
  'US/East-Indiana': 'America/Indiana/Indianapolis', 'US/Eastern': 'America/New_York', 'US/Hawaii': 'Pacific/Honolulu',
  'US/Indiana-Starke': 'America/Indiana/Knox', 'US/Michigan': 'America/Detroit', 'US/Mountain': 'America/Denver',
  'US/Pacific': 'America/Los_Angeles', 'US/Samoa': 'Pacific/Pago_Pago', 'W-SU': 'Europe/Moscow',
  'America/Coral_Harbour': 'America/Atikokan',
};

const LEGACY: ReadonlyMap<string, string> = new Map(Object.entries(TIMEZONE_ALIASES));

/** The name the runtime knows the zone by (its own spelling and case), or null when it knows none. */
function runtimeName(timeZone: string): string | null {
  if (!timeZone || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(timeZone)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * The current IANA name of a zone given by any of its names (`UTC` and `etc/utc` →
 * `Etc/UTC`, `Asia/Calcutta` → `Asia/Kolkata`); null when it is no zone. A current name the
 * runtime does not know yet stays as the runtime spells it, so what is stored always works.
 */
export function canonicalTimeZone(timeZone: string): string | null {
  const known = runtimeName(timeZone);
  if (known === null) return null;
  const current = LEGACY.get(known) ?? LEGACY.get(timeZone) ?? known;
  return current === known || runtimeName(current) !== null ? current : known;
}

/**
 * Every zone the runtime knows (and the `extra` ones, such as a site's zone set elsewhere),
 * once each by its current name, sorted, with Etc/UTC: what a picker lists.
 */
export function canonicalTimeZones(extra: readonly string[] = []): string[] {
  const names = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const canonical = new Set([UTC_ZONE]);
  for (const name of [...names, ...extra]) canonical.add(canonicalTimeZone(name) ?? name);
  return [...canonical].sort();
}
