/**
 * A site's settings and the one check of them: the dashboard's PATCH, `teller site set` and
 * site creation (dashboard and Sites API) all pass through here, so each setting has one
 * set of limits and one wording of its problems. Each caller names the fields in its own
 * words (the settings page's labels, the CLI's options).
 * @module
 */
import { parseCidr } from './ingest/ip.ts';
import { LOCATION_PRECISIONS, type LocationPrecision, isLocationPrecision } from './ingest/location.ts';
import type { IpStorage } from './ports.ts';
import { canonicalTimeZone } from './timezones.ts';

export interface SiteSettings {
  timezone?: string;
  ipStorage?: IpStorage | null;
  retentionDays?: number | null;
  excludedIps?: string[];
  excludedPaths?: string[];
  allowedHostnames?: string[];
  searchParams?: string[];
  locationPrecision?: LocationPrecision;
}

export type SettingField = keyof SiteSettings;

/** What a caller calls each setting: the start of every message about it. */
export type SettingNames = Readonly<Record<SettingField, string>>;

/** The settings as the settings page names them. */
export const SETTING_LABELS: SettingNames = {
  timezone: 'Timezone',
  ipStorage: 'IP addresses',
  retentionDays: 'Raw event retention',
  excludedIps: 'Excluded IP addresses and ranges',
  excludedPaths: 'Excluded pages',
  allowedHostnames: 'Allowed hostnames',
  searchParams: 'Site search query parameters',
  locationPrecision: 'Visitor location',
};

/** A bad setting: `field` is the API's name of it, the message names it as the caller does. */
export class SettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export const MAX_LIST_LENGTH = 100;
export const MAX_ITEM_LENGTH = 300;
/** A hundred years: "forever" is null, and a larger number is a typo. */
export const MAX_RETENTION_DAYS = 36_500;

const quote = (value: string) => `"${value.slice(0, 60)}"`;

/** The zone's current IANA name, or the problem with it. */
export function checkTimeZone(value: unknown): { ok: string } | { problem: string } {
  const zone = typeof value === 'string' ? canonicalTimeZone(value) : null;
  if (zone !== null) return { ok: zone };
  const shown = typeof value === 'string' ? `unknown timezone "${value.slice(0, 100)}"; ` : '';
  return { problem: `${shown}an IANA timezone such as Europe/Oslo is expected` };
}

interface ListRule {
  fits: (item: string) => boolean;
  what: (item: string) => string;
}

const LIST_RULES: Readonly<Record<'excludedIps' | 'excludedPaths' | 'allowedHostnames' | 'searchParams', ListRule>> = {
  excludedIps: { fits: (s) => parseCidr(s) !== null, what: () => 'is not an IP address or CIDR range' },
  // A path without its leading slash can never match: say so, with the likely meaning.
  excludedPaths: { fits: (s) => s.startsWith('/'), what: (s) => `can never match: paths start with "/" (did you mean ${quote(`/${s}`)}?)` },
  allowedHostnames: { fits: (s) => /^[a-z0-9.*-]+$/i.test(s), what: () => 'is not a hostname' },
  searchParams: { fits: (s) => /^[^\s&=#]+$/.test(s), what: () => 'is not a query parameter name' },
};

/** Problem of one value of a setting, or the value as stored (lists trimmed, blanks dropped, each entry once). */
function checkValue(field: SettingField, value: unknown): { ok: unknown } | { problem: string } {
  if (field === 'timezone') return checkTimeZone(value);
  if (field === 'ipStorage') {
    return value === null || value === 'truncated' || value === 'none' ? { ok: value } : { problem: 'truncated, none or the server default is expected' };
  }
  if (field === 'locationPrecision') {
    return isLocationPrecision(value) ? { ok: value } : { problem: `${LOCATION_PRECISIONS.join(', ').replace(/, (?=[^,]*$)/, ' or ')} is expected` };
  }
  if (field === 'retentionDays') {
    const fits = value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_RETENTION_DAYS);
    return fits ? { ok: value } : { problem: `a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or forever` };
  }
  const rule = LIST_RULES[field];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return { problem: 'a list of strings is expected' };
  if (value.length > MAX_LIST_LENGTH) return { problem: `at most ${MAX_LIST_LENGTH} entries` };
  const items: string[] = [];
  for (const item of value.map((s: string) => s.trim()).filter((s) => s !== '')) {
    if (item.length > MAX_ITEM_LENGTH) return { problem: `entries must be at most ${MAX_ITEM_LENGTH} characters` };
    if (!rule.fits(item)) return { problem: `${quote(item)} ${rule.what(item)}` };
    if (!items.includes(item)) items.push(item);
  }
  return { ok: items };
}

const FIELDS = Object.keys(SETTING_LABELS) as SettingField[];

/**
 * The settings an object sets, checked and as they are stored; throws SettingsError for the
 * first unknown or bad field, its message starting with the caller's name of the field.
 */
export function parseSiteSettings(input: Record<string, unknown>, names: SettingNames = SETTING_LABELS): SiteSettings {
  const unknown = Object.keys(input).find((k) => !(FIELDS as string[]).includes(k));
  if (unknown !== undefined) throw new SettingsError(unknown.slice(0, 60), `${quote(unknown)} is not a setting that can be changed here`);
  const settings: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if (!(field in input)) continue;
    const checked = checkValue(field, input[field]);
    if ('problem' in checked) throw new SettingsError(field, `${names[field]}: ${checked.problem}`);
    settings[field] = checked.ok;
  }
  return settings as SiteSettings;
}
