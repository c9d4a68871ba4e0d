/**
 * Sites by domain, kept for a few seconds: the collector needs one for every event, and
 * settings changed from the CLI or the Sites API take effect within the TTL. Unknown
 * domains are not cached, so a site added a moment ago is found at once.
 * @module
 */
import { type Exclusions, compileExclusions } from './ingest/exclusions.ts';
import type { Db } from './ports.ts';
import { type Site, findSite } from './sites.ts';

export interface CachedSite {
  site: Site;
  exclusions: Exclusions;
}

const TTL_MS = 5000;
const MAX_ENTRIES = 10_000;

export class SiteCache {
  private readonly entries = new Map<string, { value: Promise<CachedSite | null>; expires: number }>();

  constructor(private readonly db: Db) {}

  get(domain: string): Promise<CachedSite | null> {
    const now = Date.now();
    const hit = this.entries.get(domain);
    if (hit && hit.expires > now) return hit.value;
    const value = findSite(this.db, domain).then((site) => (site ? { site, exclusions: compileExclusions(site) } : null));
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(domain, { value, expires: now + TTL_MS });
    value.then(
      (v) => v === null && this.entries.delete(domain),
      () => this.entries.delete(domain),
    );
    return value;
  }
}
