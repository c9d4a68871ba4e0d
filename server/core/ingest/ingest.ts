/**
 * Everything the Events API does to one request after its body is read: parse, find the
 * site, resolve the client address, drop bots and refusals, run the pipeline, store.
 * Its input and output are plain data, so a runtime may run it where it likes: Workers
 * calls it inline, Node on the thread that owns the SQLite file.
 * @module
 */
import type { Config, Db, Location, LocationLookup } from '../ports.ts';
import type { EventWriter } from './event.ts';
import { SiteCache } from '../site-cache.ts';
import { unknownSiteMessage } from '../sites.ts';
import { dropNotes } from './drop-notes.ts';
import { clientAddress, formatIp, type ParsedIp, parseIp, truncateIp } from './ip.ts';
import { type EventPayload, parseEventPayload } from './payload.ts';
import { type HeaderReader, type PipelineTools, processEvent, requestDropReason } from './pipeline.ts';
import { PURPOSE_HEADERS } from './bots.ts';
import { createRateLimiter } from '../rate-limit.ts';
import { isProxyFor } from '../proxy-secret.ts';
import { CLIENT_HINT_HEADERS, createUserAgentParser } from './user-agent.ts';
import { type HmacSha256, Salts, webCryptoHmacSha256 } from './visitor.ts';
import { rememberedLocations, type VisitorLocationLookup } from './visitor-location.ts';

/** The request headers the pipeline reads; nothing else of the request crosses into it. */
export const INGEST_HEADERS: readonly string[] = ['user-agent', 'dnt', 'sec-gpc', ...PURPOSE_HEADERS, ...CLIENT_HINT_HEADERS];

export interface IngestRequest {
  /** The body, already bounded by the HTTP layer. */
  body: string;
  contentType: string;
  /** The address the runtime saw (socket or CF-Connecting-IP), before trust-proxy. */
  remoteAddress: string | null;
  forwardedFor: string | null;
  /** INGEST_HEADERS present on the request, by lower-case name. */
  headers: Record<string, string>;
  /** When the request arrived, in milliseconds since the epoch. */
  receivedAt: number;
  /** The location the platform's edge already determined (Workers); absent when it must be looked up. */
  edgeLocation?: Location | null;
  /**
   * What a first-party proxy sent: its secret (X-Teller-Proxy) and the visitor's address it
   * names (X-Teller-Visitor-IP). Believed only when the secret is that of the event's site.
   */
  proxy?: { secret: string; visitorAddress: string | null };
}

/** `proxyRefused`: the request carried a proxy secret that is not its site's, so the connection's address was used. */
export type IngestOutcome = (
  | { status: 202; dropped?: string }
  | { status: 400; error: string }
  /** Too many events from this address block for this site; `retryAfter` in seconds. */
  | { status: 429; retryAfter: number }
  /** The store failed (disk full, D1 quota, lock timeout): not the client's fault. */
  | { status: 503; failure: string }
) & { proxyRefused?: true };

export type Ingest = (request: IngestRequest) => Promise<IngestOutcome>;

export interface IngestDeps {
  db: Db;
  writer: EventWriter;
  /** Location of a full IP; absent where the edge gives the location instead. */
  location?: LocationLookup;
  config: Pick<Config, 'trustProxy' | 'ipStorage' | 'eventRateLimit'>;
  /** Defaults to Web Crypto; Node passes node:crypto's synchronous HMAC, several times cheaper per event. */
  hmacSha256?: HmacSha256;
}

/** Where the edge locates visitors (Workers) there is nothing to look up, nor to remember. */
const noLocation: VisitorLocationLookup = () => null;

class RecordHeaders implements HeaderReader {
  constructor(private readonly headers: Record<string, string>) {}

  get(name: string): string | null {
    return this.headers[name] ?? null;
  }
}

/**
 * The visitor's address: the one an authenticated proxy names, else the connection's (or,
 * with TELLER_TRUST_PROXY, X-Forwarded-For's). A proxy that names no valid address is told so.
 */
function proxiedAddress(request: IngestRequest, proxied: boolean, trustProxy: number): { ip: ParsedIp } | { error: string } {
  if (proxied) {
    const ip = parseIp(request.proxy?.visitorAddress?.trim() ?? '');
    return ip ? { ip } : { error: 'X-Teller-Visitor-IP: the visitor\'s address, one IPv4 or IPv6 address, is missing or not an IP address' };
  }
  const remote = clientAddress(request.remoteAddress, request.forwardedFor, trustProxy);
  const ip = remote === null ? null : parseIp(remote);
  return ip ? { ip } : { error: 'client address is not a valid IP address (check X-Forwarded-For and TELLER_TRUST_PROXY)' };
}

export function createIngest(deps: IngestDeps): Ingest {
  const sites = new SiteCache(deps.db);
  const limiter = createRateLimiter(deps.config.eventRateLimit);
  const noteDrop = dropNotes(deps.db);
  const tools: PipelineTools = {
    location: deps.location ? rememberedLocations(deps.location) : noLocation,
    parseUserAgent: createUserAgentParser(),
    salts: new Salts(deps.db),
    hmacSha256: deps.hmacSha256 ?? webCryptoHmacSha256(),
    ipStorage: deps.config.ipStorage,
  };

  const accept = async (request: IngestRequest, payload: EventPayload): Promise<IngestOutcome> => {
    const found = await Promise.all(payload.domains.map((d) => sites.get(d)));
    const known = found.filter((s) => s !== null);
    if (known.length === 0) return { status: 400, error: payload.domains.map(unknownSiteMessage).join('; ') };

    const proxied = request.proxy !== undefined && (await isProxyFor(deps.db, known.map((k) => k.site.id), request.proxy.secret));
    const refused: { proxyRefused?: true } = request.proxy !== undefined && !proxied ? { proxyRefused: true } : {};
    const address = proxiedAddress(request, proxied, deps.config.trustProxy);
    if ('error' in address) return { status: 400, error: address.error, ...refused };
    const { ip } = address;
    const block = truncateIp(ip);
    for (const { site } of known) {
      const retryAfter = limiter.take(`${site.id} ${block}`, request.receivedAt);
      if (retryAfter !== null) return { status: 429, retryAfter, ...refused };
    }

    const userAgent = request.headers['user-agent'] ?? '';
    const headers = new RecordHeaders(request.headers);
    const early = requestDropReason(payload, { userAgent, headers });
    if (early) {
      for (const { site } of known) await noteDrop(site.id, early, payload.url, request.receivedAt);
      return { status: 202, dropped: early, ...refused };
    }

    // The edge located the proxy, not the visitor: a proxied address is looked up where a lookup exists.
    const edgeLocation = proxied ? undefined : request.edgeLocation;
    const facts = { ip, ipText: formatIp(ip), userAgent, headers, edgeLocation, nowMs: request.receivedAt };
    const reasons: string[] = [];
    const writes: Promise<void>[] = [];
    for (const { site, exclusions } of known) {
      const result = await processEvent(payload, site, exclusions, facts, tools);
      if ('dropped' in result) {
        reasons.push(result.dropped);
        await noteDrop(site.id, result.dropped, payload.url, request.receivedAt);
      } else writes.push(deps.writer.write(result.event));
    }
    if (writes.length === 0) return { status: 202, dropped: reasons.join(','), ...refused };
    // Returned, not awaited: while the event waits for its group's commit, only the writer holds it, not this frame with the request.
    const stored: IngestOutcome = { status: 202, ...refused };
    return (writes.length === 1 ? writes[0]! : Promise.all(writes)).then(() => stored);
  };

  const unstored = (error: unknown): IngestOutcome => ({ status: 503, failure: error instanceof Error ? error.message : String(error) });
  return (request) => {
    const parsed = parseEventPayload(request.body, request.contentType);
    if (!parsed.ok) return Promise.resolve({ status: 400, error: parsed.error });
    return accept(request, parsed.payload).catch(unstored);
  };
}
