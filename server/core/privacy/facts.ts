/**
 * What the privacy text is written from: a site's settings as they are now, the instance
 * default for IP storage, and whether the site has custom events (and the property names
 * its owner confirmed).
 * @module
 */
import type { LocationPrecision } from '../ingest/location.ts';
import type { Db, IpStorage } from '../ports.ts';
import type { Site } from '../sites.ts';
import { readPrivacyProps, readSitePrivacy, unconfirmedPropCount } from './site-privacy.ts';

export interface PrivacyFacts {
  domain: string;
  ipStorage: IpStorage;
  /** Days raw events are kept; null: until deleted. */
  retentionDays: number | null;
  /** Site-search parameters of the page address. */
  searchParams: string[];
  /** How precisely visitors' location is stored. */
  locationPrecision: LocationPrecision;
  customEvents: boolean;
  /** Custom property names the owner confirmed, sorted: the only ones the text names. */
  propKeys: string[];
  /** How many names the site received that are not confirmed: the owner is told, the text names none. */
  unconfirmedPropKeys: number;
  operator: string | null;
  /** Where the opt-out widget script is served: this Teller server's origin. */
  tellerOrigin: string;
}

async function hasCustomEvents(db: Db, siteId: number): Promise<boolean> {
  // Raw events first; rolled-up names still tell once retention deleted the raw rows.
  const raw = await db.first("SELECT 1 AS x FROM events WHERE site_id = ? AND name <> 'pageview' LIMIT 1", [siteId]);
  if (raw) return true;
  const rolled = await db.first(
    "SELECT 1 AS x FROM rollup_events WHERE site_id = ? AND dimension = 'event:name' AND value <> 'pageview' LIMIT 1",
    [siteId],
  );
  return rolled !== null;
}

export async function readPrivacyFacts(db: Db, site: Site, defaultIpStorage: IpStorage, tellerOrigin: string): Promise<PrivacyFacts> {
  const propKeys = await readPrivacyProps(db, site.id);
  const unconfirmedPropKeys = await unconfirmedPropCount(db, site.id, propKeys);
  const { operator } = await readSitePrivacy(db, site.id);
  return {
    domain: site.domain,
    ipStorage: site.ipStorage ?? defaultIpStorage,
    retentionDays: site.retentionDays,
    searchParams: site.searchParams,
    locationPrecision: site.locationPrecision,
    customEvents: propKeys.length > 0 || unconfirmedPropKeys > 0 || (await hasCustomEvents(db, site.id)),
    propKeys,
    unconfirmedPropKeys,
    operator,
    tellerOrigin,
  };
}
