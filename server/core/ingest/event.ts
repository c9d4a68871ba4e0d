/**
 * The event as the pipeline hands it to the writer: anonymised and classified.
 * It has no field that could hold a full IP address or a user-agent string.
 * @module
 */

/** pageview and custom events are stored; engagement only extends its visit. */
export type EventKind = 'pageview' | 'custom' | 'engagement';

export interface VisitAttributes {
  referrer: string | null;
  source: string | null;
  channel: string;
  searchEngine: string | null;
  searchKeyword: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  country: string | null;
  /** ISO 3166-2 code, e.g. `NO-03`; null unless the site keeps regions or cities. */
  region: string | null;
  regionName: string | null;
  /** Null unless the site keeps cities. */
  city: string | null;
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  device: string | null;
  /** Truncated address, or null when the site stores none. */
  ip: string | null;
}

export interface ProcessedEvent {
  siteId: number;
  /** Unix seconds. */
  ts: number;
  kind: EventKind;
  name: string;
  /** Keyed, day-scoped hash of (salt, site, IP, user agent); 53 bits so every runtime holds it exactly. */
  visitor: number;
  hostname: string;
  path: string;
  siteSearch: string | null;
  props: ReadonlyArray<readonly [string, string]>;
  revenue: { amount: string; currency: string } | null;
  visit: VisitAttributes;
}

/** Where processed events go (inline or on the ingest thread, with group commit or without). */
export interface EventWriter {
  write(event: ProcessedEvent): Promise<void>;
  /** Resolves once everything accepted so far is committed; later writes are refused. */
  close(): Promise<void>;
}
