/**
 * One event, in the SPEC's order: drop bots, Do-Not-Track, GPC and exclusions; visitor
 * hash; location (country, region, city, as precisely as the site keeps it) from the full
 * IP, looked up once per visitor hash (visitor-location.ts); truncate the IP; user agent;
 * referrer. Every step is a small function; the result
 * is a ProcessedEvent or the reason it was dropped.
 * Addresses lose their query strings here: the page's path and any address in a property.
 * The full IP and the user-agent string exist only inside this function.
 * @module
 */
import type { IpStorage, Location } from '../ports.ts';
import type { Site } from '../sites.ts';
import { localDay } from '../time.ts';
import { type BotReason, botReason } from './bots.ts';
import type { EventKind, ProcessedEvent } from './event.ts';
import type { Exclusions } from './exclusions.ts';
import { type ParsedIp, isPublicIp, truncateIp } from './ip.ts';
import { NO_LOCATION, storedLocation } from './location.ts';
import { addressWithoutQuery, describePage } from './page.ts';
import type { EventPayload } from './payload.ts';
import { classifyReferrer } from './referrer.ts';
import { CLIENT_HINT_HEADERS, type ClientHintHeaders, type ClientInfo } from './user-agent.ts';
import { type HmacSha256, type Salts, visitorHash } from './visitor.ts';
import type { VisitorLocationLookup } from './visitor-location.ts';

export interface HeaderReader {
  get(name: string): string | null | undefined;
}

/** What the collector knows about the request, beyond the payload. */
export interface RequestFacts {
  ip: ParsedIp;
  /** The full address in canonical form: hashed and looked up, never stored. */
  ipText: string;
  userAgent: string;
  headers: HeaderReader;
  /** The location the platform's edge already determined, when it gives one (Workers). */
  edgeLocation?: Location | null;
  nowMs: number;
}

export interface PipelineTools {
  location: VisitorLocationLookup;
  parseUserAgent: (userAgent: string, hints: ClientHintHeaders, screenWidth: number | null) => ClientInfo;
  salts: Salts;
  hmacSha256: HmacSha256;
  ipStorage: IpStorage;
}

export type DropReason =
  | BotReason
  | 'do-not-track' | 'global-privacy-control' | 'localhost'
  | 'excluded-ip' | 'excluded-path' | 'hostname-not-allowed';

export type PipelineResult = { event: ProcessedEvent } | { dropped: DropReason };

function clientHints(headers: HeaderReader): ClientHintHeaders {
  const hints: Record<string, string> = {};
  for (const name of CLIENT_HINT_HEADERS) {
    const value = headers.get(name);
    if (value) hints[name] = value;
  }
  return hints;
}

/** Do-Not-Track and Global Privacy Control: the visitor said no; nothing overrides it. */
export function privacySignal(headers: HeaderReader): DropReason | null {
  if (headers.get('dnt') === '1') return 'do-not-track';
  if (headers.get('sec-gpc') === '1') return 'global-privacy-control';
  return null;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

export function isLocalPage(url: URL): boolean {
  return LOCAL_HOSTS.has(url.hostname) || url.hostname.endsWith('.localhost');
}

export function eventKind(payload: EventPayload): EventKind {
  if (payload.name === 'pageview') return 'pageview';
  return payload.interactive ? 'custom' : 'engagement';
}

/**
 * Checks that need no site: bots, privacy signals, local pages. The owner's own tests
 * (`payload.ownerTest`) may come from localhost and from a headless browser; crawlers,
 * previews, prefetches and the visitor's Do-Not-Track or GPC are refused all the same.
 */
export function requestDropReason(payload: EventPayload, facts: Pick<RequestFacts, 'userAgent' | 'headers'>): DropReason | null {
  const bot = botReason(facts.userAgent, facts.headers);
  if (bot !== null && !(bot === 'headless' && payload.ownerTest)) return bot;
  return privacySignal(facts.headers) ?? (isLocalPage(payload.url) && !payload.ownerTest ? 'localhost' : null);
}

export async function processEvent(
  payload: EventPayload,
  site: Site,
  exclusions: Exclusions,
  facts: RequestFacts,
  tools: PipelineTools,
): Promise<PipelineResult> {
  const page = describePage(payload.url, payload.hashMode, site.searchParams);
  if (exclusions.ipExcluded(facts.ip)) return { dropped: 'excluded-ip' };
  if (exclusions.pathExcluded(page.path)) return { dropped: 'excluded-path' };
  if (!exclusions.hostnameAllowed(page.hostname)) return { dropped: 'hostname-not-allowed' };

  const salt = await tools.salts.get(site.id, localDay(facts.nowMs, site.timezone));
  const visitor = await visitorHash(tools.hmacSha256, salt, site.id, facts.ipText, facts.userAgent);
  const location = !isPublicIp(facts.ip)
    ? NO_LOCATION
    : storedLocation(facts.edgeLocation !== undefined ? facts.edgeLocation : tools.location(visitor, facts.ipText, site.locationPrecision !== 'country'), site.locationPrecision);
  const ip = (site.ipStorage ?? tools.ipStorage) === 'none' ? null : truncateIp(facts.ip);
  const client = tools.parseUserAgent(facts.userAgent, clientHints(facts.headers), payload.screenWidth);
  const acquisition = classifyReferrer(payload.referrer, payload.url, site.domain);

  return {
    event: {
      siteId: site.id,
      ts: Math.floor(facts.nowMs / 1000),
      kind: eventKind(payload),
      name: payload.name,
      visitor,
      hostname: page.hostname,
      path: page.path,
      siteSearch: page.siteSearch,
      props: payload.props.map(([key, value]) => [key, addressWithoutQuery(value)] as const),
      revenue: payload.revenue,
      visit: {
        referrer: acquisition.referrer,
        source: acquisition.source,
        channel: acquisition.channel,
        searchEngine: acquisition.searchEngine,
        searchKeyword: acquisition.searchKeyword,
        utmSource: acquisition.utm.source,
        utmMedium: acquisition.utm.medium,
        utmCampaign: acquisition.utm.campaign,
        utmTerm: acquisition.utm.term,
        utmContent: acquisition.utm.content,
        country: location.country,
        region: location.region,
        regionName: location.regionName,
        city: location.city,
        browser: client.browser,
        browserVersion: client.browserVersion,
        os: client.os,
        osVersion: client.osVersion,
        device: client.device,
        ip,
      },
    },
  };
}
