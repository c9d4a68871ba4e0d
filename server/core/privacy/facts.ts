/**
 * What the privacy text is written from: a site's settings as they are now, the instance
 * default for IP storage, and whether the site has custom events (and their property keys).
 * @module
 */
import type { Db, IpStorage } from '../ports.ts';
import type { Site } from '../sites.ts';
import { readSitePrivacy } from './site-privacy.ts';

export interface PrivacyFacts {
  domain: string;
  ipStorage: IpStorage;
  /** Days raw events are kept; null: until deleted. */
  retentionDays: number | null;
  /** Site-search parameters of the page address. */
  searchParams: string[];
  customEvents: boolean;
  /** Distinct custom property keys, sorted. */
  propKeys: string[];
  operator: string | null;
  /** Where the opt-out widget script is served: this Teller server's origin. */
  tellerOrigin: string;
}

/** More keys than this are not a list a visitor reads; the text names the first ones. */
const MAX_PROP_KEYS = 50;

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
  const keys = await db.all<{ key: string }>('SELECT DISTINCT key FROM event_props WHERE site_id = ? ORDER BY key LIMIT ?', [
    site.id,
    MAX_PROP_KEYS,
  ]);
  const { operator } = await readSitePrivacy(db, site.id);
  return {
    domain: site.domain,
    ipStorage: site.ipStorage ?? defaultIpStorage,
    retentionDays: site.retentionDays,
    searchParams: site.searchParams,
    customEvents: keys.length > 0 || (await hasCustomEvents(db, site.id)),
    propKeys: keys.map((k) => k.key),
    operator,
    tellerOrigin,
  };
}
