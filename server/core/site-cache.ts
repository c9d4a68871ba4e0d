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

export class SiteCache {
  private readonly entries = new Map<string, { value: Promise<CachedSite | null>; expires: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
    private readonly ttlMs = 5000,
    private readonly maxEntries = 10_000,
  ) {}

  get(domain: string): Promise<CachedSite | null> {
    const now = this.clock();
    const hit = this.entries.get(domain);
    if (hit && hit.expires > now) return hit.value;
    const value = findSite(this.db, domain).then((site) => (site ? { site, exclusions: compileExclusions(site) } : null));
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(domain, { value, expires: now + this.ttlMs });
    value.then(
      (v) => v === null && this.entries.delete(domain),
      () => this.entries.delete(domain),
    );
    return value;
  }
}
