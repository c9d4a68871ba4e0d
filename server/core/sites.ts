/**
 * Sites: the domains an instance collects for, and their per-site settings.
 * @module
 */
import { DEFAULT_LOCATION_PRECISION, type LocationPrecision, isLocationPrecision } from './ingest/location.ts';
import type { Db, IpStorage } from './ports.ts';
import { checkTimeZone, type SiteSettings } from './site-settings.ts';
import { clearSiteStatements } from './store/site-days.ts';
import { UTC_ZONE } from './timezones.ts';

export interface Site {
  id: number;
  domain: string;
  timezone: string;
  /** null: the instance default applies. */
  ipStorage: IpStorage | null;
  /** Days of raw events to keep; null keeps them forever. */
  retentionDays: number | null;
  excludedIps: string[];
  excludedPaths: string[];
  allowedHostnames: string[];
  searchParams: string[];
  /** How precisely visitors' location is kept: country, region or city. */
  locationPrecision: LocationPrecision;
  createdAt: number;
}

interface SiteRow {
  id: number;
  domain: string;
  timezone: string;
  ip_storage: string | null;
  retention_days: number | null;
  excluded_ips: string;
  excluded_paths: string;
  allowed_hostnames: string;
  search_params: string;
  location_precision: string;
  created_at: number;
}

const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Lower-cases a hostname and strips a leading `www.`, the form sites are stored under. */
export function normalizeHostname(host: string): string {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  return h.startsWith('www.') ? h.slice(4) : h;
}

/**
 * Allowed hostnames as stored: in the form pages are stored in (so `www.example.com` and
 * `example.com` are one host), each once; an empty entry is no host, so `[""]` clears the list.
 */
export function distinctHostnames(hosts: readonly string[]): string[] {
  return [...new Set(hosts.map(normalizeHostname).filter((h) => h !== ''))];
}

/**
 * Parses a site domain as an owner types it (`Example.com`, `www.example.com`,
 * `https://example.com/`); null when it is not a hostname.
 */
export function parseDomain(input: string): string | null {
  let host = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    try {
      host = new URL(host).hostname;
    } catch {
      return null;
    }
  }
  host = normalizeHostname(host.replace(/\/+$/, ''));
  return DOMAIN_PATTERN.test(host) ? host : null;
}

function jsonList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function toSite(row: SiteRow): Site {
  return {
    id: row.id,
    domain: row.domain,
    timezone: row.timezone,
    ipStorage: row.ip_storage === 'none' || row.ip_storage === 'truncated' ? row.ip_storage : null,
    retentionDays: row.retention_days,
    excludedIps: jsonList(row.excluded_ips),
    excludedPaths: jsonList(row.excluded_paths),
    allowedHostnames: jsonList(row.allowed_hostnames),
    searchParams: jsonList(row.search_params),
    locationPrecision: isLocationPrecision(row.location_precision) ? row.location_precision : DEFAULT_LOCATION_PRECISION,
    createdAt: row.created_at,
  };
}

export class SiteError extends Error {}

/** The zone's current name; a SiteError naming the problem when it is no zone. */
function siteTimeZone(value: string): string {
  const zone = checkTimeZone(value);
  if ('problem' in zone) throw new SiteError(zone.problem);
  return zone.ok;
}

/** What to say when no site has this domain: how to add it, from the dashboard or the command line. */
export function unknownSiteMessage(domain: string): string {
  const shown = domain.slice(0, 100);
  return `unknown site ${shown}: add it in the dashboard (Sites, Add a site) or with: npm run teller -- site add ${shown}`;
}

/** The site for a domain as anyone may write it (`www.Example.com`, `https://example.com/`), as `createSite` stored it. */
export async function findSite(db: Db, domain: string): Promise<Site | null> {
  const normalized = parseDomain(domain);
  if (normalized === null) return null;
  const row = await db.first<SiteRow>('SELECT * FROM sites WHERE domain = ?', [normalized]);
  return row ? toSite(row) : null;
}

export async function listSites(db: Db): Promise<Site[]> {
  const rows = await db.all<SiteRow>('SELECT * FROM sites ORDER BY domain');
  return rows.map(toSite);
}

/** Creates a site; throws SiteError for a bad domain, unknown timezone or a duplicate. */
export async function createSite(db: Db, input: { domain: string; timezone?: string }, nowMs: number): Promise<Site> {
  const domain = parseDomain(input.domain);
  if (!domain) throw new SiteError(`"${input.domain}" is not a valid domain`);
  const timezone = siteTimeZone(input.timezone ?? UTC_ZONE);
  // One statement decides, so two clients adding the same domain at once get a SiteError, not a constraint error.
  const inserted = await db.run('INSERT INTO sites (domain, timezone, created_at) VALUES (?, ?, ?) ON CONFLICT (domain) DO NOTHING', [
    domain,
    timezone,
    Math.floor(nowMs / 1000),
  ]);
  if (inserted.changes === 0) throw new SiteError(`site ${domain} already exists`);
  const site = await findSite(db, domain);
  if (!site) throw new SiteError(`site ${domain} could not be created`);
  return site;
}

/** Changes a site's settings; fields left out keep their value. */
export async function updateSite(db: Db, domain: string, settings: SiteSettings): Promise<Site> {
  const site = await findSite(db, domain);
  if (!site) throw new SiteError(unknownSiteMessage(domain));
  const timezone = settings.timezone === undefined ? site.timezone : siteTimeZone(settings.timezone);
  const next = { ...site, ...settings, timezone };
  await db.run(
    `UPDATE sites SET timezone = ?, ip_storage = ?, retention_days = ?, excluded_ips = ?, excluded_paths = ?,
       allowed_hostnames = ?, search_params = ?, location_precision = ? WHERE id = ?`,
    [
      next.timezone,
      next.ipStorage,
      next.retentionDays,
      JSON.stringify(next.excludedIps),
      JSON.stringify(next.excludedPaths),
      JSON.stringify(distinctHostnames(next.allowedHostnames)),
      JSON.stringify(next.searchParams),
      next.locationPrecision,
      site.id,
    ],
  );
  return (await findSite(db, domain)) ?? next;
}

/** Deletes a site and all of its data in one atomic batch; false when there is no such site. */
export async function removeSite(db: Db, domain: string): Promise<boolean> {
  const site = await findSite(db, domain);
  if (!site) return false;
  await db.batch([
    ...clearSiteStatements(site.id),
    { sql: 'DELETE FROM sites WHERE id = ?', params: [site.id] },
  ]);
  return true;
}
