/**
 * Per-site settings as the dashboard reads and writes them: everything `teller site set`
 * does, validated field by field so an error names the field.
 * @module
 */
import { parseCidr } from '../ingest/ip.ts';
import type { IpStorage } from '../ports.ts';
import type { Site, SiteSettings } from '../sites.ts';
import { isValidTimeZone } from '../time.ts';
import type { SiteSettingsJson } from './contract.ts';

/** A bad setting: `field` is the API's name of it, the message names it as the settings page does. */
export class SettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_LIST_LENGTH = 100;
const MAX_ITEM_LENGTH = 300;
const MAX_RETENTION_DAYS = 36_500;
const WRITABLE = ['timezone', 'ipStorage', 'retentionDays', 'excludedIps', 'excludedPaths', 'allowedHostnames', 'searchParams'];

export function settingsJson(site: Site, instanceIpStorage: IpStorage): SiteSettingsJson {
  return {
    domain: site.domain,
    timezone: site.timezone,
    ipStorage: site.ipStorage,
    instanceIpStorage,
    retentionDays: site.retentionDays,
    excludedIps: site.excludedIps,
    excludedPaths: site.excludedPaths,
    allowedHostnames: site.allowedHostnames,
    searchParams: site.searchParams,
  };
}

/** The settings as the settings page names them: an error says which one is wrong in the owner's words, not the API's. */
const LABELS: Record<string, string> = {
  timezone: 'Timezone',
  ipStorage: 'IP addresses',
  retentionDays: 'Raw event retention',
  excludedIps: 'Excluded IP addresses and ranges',
  excludedPaths: 'Excluded pages',
  allowedHostnames: 'Allowed hostnames',
  searchParams: 'Site search query parameters',
};

function stringList(body: Record<string, unknown>, field: string, check?: (item: string) => boolean, what = 'value'): string[] {
  const value = body[field];
  const label = LABELS[field]!;
  if (!Array.isArray(value)) throw new SettingsError(field, `${label}: a list of strings is expected`);
  if (value.length > MAX_LIST_LENGTH) throw new SettingsError(field, `${label}: at most ${MAX_LIST_LENGTH} entries`);
  const items: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string') throw new SettingsError(field, `${label}: a list of strings is expected`);
    const trimmed = item.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_ITEM_LENGTH) throw new SettingsError(field, `${label}: entries must be 1 to ${MAX_ITEM_LENGTH} characters`);
    if (check && !check(trimmed)) throw new SettingsError(field, `${label}: "${trimmed.slice(0, 60)}" is not ${what}`);
    if (!items.includes(trimmed)) items.push(trimmed);
  }
  return items;
}

/** The settings a PATCH body changes; throws SettingsError naming the first bad field. */
export function parseSettingsPatch(body: Record<string, unknown>): SiteSettings {
  const unknown = Object.keys(body).find((k) => !WRITABLE.includes(k));
  if (unknown !== undefined) throw new SettingsError(unknown.slice(0, 60), `"${unknown.slice(0, 60)}" is not a setting that can be changed here`);
  const settings: SiteSettings = {};
  if ('timezone' in body) {
    if (typeof body.timezone !== 'string' || !isValidTimeZone(body.timezone)) {
      throw new SettingsError('timezone', `${LABELS.timezone}: an IANA timezone such as Europe/Oslo is expected`);
    }
    settings.timezone = body.timezone;
  }
  if ('ipStorage' in body) {
    const v = body.ipStorage;
    if (v !== null && v !== 'truncated' && v !== 'none') throw new SettingsError('ipStorage', `${LABELS.ipStorage}: shortened ("truncated"), none ("none") or the server default (null) is expected`);
    settings.ipStorage = v;
  }
  if ('retentionDays' in body) {
    const v = body.retentionDays;
    if (v !== null && !(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_RETENTION_DAYS)) {
      throw new SettingsError('retentionDays', `${LABELS.retentionDays}: a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or forever (null)`);
    }
    settings.retentionDays = v;
  }
  if ('excludedIps' in body) settings.excludedIps = stringList(body, 'excludedIps', (s) => parseCidr(s) !== null, 'an IP address or CIDR range');
  if ('excludedPaths' in body) settings.excludedPaths = stringList(body, 'excludedPaths', (s) => s.startsWith('/'), 'a path starting with /');
  if ('allowedHostnames' in body) settings.allowedHostnames = stringList(body, 'allowedHostnames', (s) => /^[a-z0-9.*-]+$/i.test(s), 'a hostname');
  if ('searchParams' in body) settings.searchParams = stringList(body, 'searchParams', (s) => /^[^\s&=#]+$/.test(s), 'a query parameter name');
  return settings;
}
