/**
 * Per-site settings as the dashboard reads them; a PATCH is checked by `parseSiteSettings`
 * (`server/core/site-settings.ts`), the validator the CLI uses too.
 * @module
 */
import type { IpStorage } from '../ports.ts';
import type { Site } from '../sites.ts';
import type { SiteSettingsJson } from './contract.ts';

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
    locationPrecision: site.locationPrecision,
  };
}

