/**
 * The event as the pipeline hands it to the writer: anonymised and classified.
 * It has no field that could hold a full IP address or a user-agent string.
 * @module
 */
import type { VisitAttributes } from '../store/schema.ts';

/** pageview and custom events are stored; engagement only extends its visit. */
export type EventKind = 'pageview' | 'custom' | 'engagement';

/** The attributes a visit takes from its first event, one per visit attribute of store/schema.ts. */
export type { VisitAttributes };

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
