/**
 * Referrer classification: where a visit came from (source, channel, search engine and
 * search words) and its UTM tags, worked out from the referrer and the landing page URL.
 *
 * Channels follow Plausible's rules (GA4's default channel grouping plus Plausible's own
 * additions), with Teller's 'AI Assistants' channel for chat assistants. It runs for every
 * event, so the source tables become Maps once, at module load, and a lookup is a few
 * Map reads: the host, then each parent domain, then the `brand.*` country-domain pattern.
 * @module
 */
import { normalizeHostname } from '../sites.ts';
import { withoutPathParams } from './page.ts';
import { cleanWords, truncate } from './bound-text.ts';
import {
  AI_ASSISTANTS,
  DISPLAY_AD_NETWORKS,
  EMAIL_PROVIDERS,
  SEARCH_AD_NETWORKS,
  SEARCH_ENGINES,
  SHOPPING_SITES,
  SOCIAL_NETWORKS,
  VIDEO_SITES,
  type KnownSource,
} from './referrer-sources.ts';

export interface UtmTags {
  source: string | null;
  medium: string | null;
  campaign: string | null;
  term: string | null;
  content: string | null;
}

export interface Acquisition {
  /** Referrer host (lower-case, no `www.`) and path, never its query, fragment or `;` parameters; null for direct/internal. */
  referrer: string | null;
  /** 'Google', 'Facebook'..., the host of an unknown referrer, or the tagged source; null = direct. */
  source: string | null;
  /** Plausible's channel names, plus 'AI Assistants'. */
  channel: string;
  /** The search engine when the source is one (organic or paid). */
  searchEngine: string | null;
  /** The engine's query parameter when the referrer carries one, else utm_term. */
  searchKeyword: string | null;
  utm: UtmTags;
}

type Kind = 'search' | 'ai' | 'social' | 'video' | 'shopping' | 'email' | 'searchAds' | 'displayAds';

type Channel =
  | 'Direct'
  | 'Organic Search'
  | 'Paid Search'
  | 'Organic Social'
  | 'Paid Social'
  | 'Organic Video'
  | 'Paid Video'
  | 'Organic Shopping'
  | 'Paid Shopping'
  | 'Paid Other'
  | 'Display'
  | 'Cross-network'
  | 'Email'
  | 'Affiliates'
  | 'Audio'
  | 'SMS'
  | 'Mobile Push Notifications'
  | 'AI Assistants'
  | 'Referral';

interface Source {
  readonly name: string;
  readonly kind: Kind;
  readonly queryParams: readonly string[];
  /** For `brand.*` matches: the subdomains that belong to the source; null = any. */
  readonly subdomains: ReadonlySet<string> | null;
}

/** A resolved source: its name, and what Teller knows about it (null for unknown sites and tags). */
interface Origin {
  readonly name: string;
  readonly known: Source | null;
}

const TABLES: ReadonlyArray<readonly [Kind, readonly KnownSource[]]> = [
  ['search', SEARCH_ENGINES],
  ['ai', AI_ASSISTANTS],
  ['social', SOCIAL_NETWORKS],
  ['video', VIDEO_SITES],
  ['shopping', SHOPPING_SITES],
  ['email', EMAIL_PROVIDERS],
  ['searchAds', SEARCH_AD_NETWORKS],
  ['displayAds', DISPLAY_AD_NETWORKS],
];

/**
 * The lookup maps. Where two entries claim the same key the first table wins, so a
 * `utm_source=gmx` tag means GMX's search (listed first) rather than its webmail.
 */
function buildIndex() {
  const byHost = new Map<string, Source>();
  const byBrand = new Map<string, Source>();
  const byApp = new Map<string, Source>();
  const byTag = new Map<string, Source>();
  const paidTags = new Set<string>();
  const claim = (map: Map<string, Source>, key: string, source: Source) => {
    if (!map.has(key)) map.set(key, source);
  };
  for (const [kind, table] of TABLES) {
    for (const entry of table) {
      const source: Source = {
        name: entry.name,
        kind,
        queryParams: entry.queryParams ?? [],
        subdomains: entry.subdomains ? new Set(entry.subdomains) : null,
      };
      for (const host of entry.hosts) {
        if (host.endsWith('.*')) claim(byBrand, host.slice(0, -2), source);
        else claim(byHost, host, source);
      }
      for (const app of entry.apps ?? []) claim(byApp, app, source);
      for (const tag of [entry.name.toLowerCase(), ...(entry.aliases ?? []), ...(entry.paidAliases ?? [])]) {
        claim(byTag, tag, source);
      }
      for (const tag of entry.paidAliases ?? []) paidTags.add(tag);
    }
  }
  return { byHost, byBrand, byApp, byTag, paidTags };
}

const INDEX = buildIndex();

/** Referrers other schemes (file:, about:, chrome-extension:...) say nothing about a source. */
const REFERRER_SCHEMES = new Set(['http:', 'https:', 'android-app:']);

/** UTM values and keywords are bounded like this; a referrer gets more room for its path. */
const MAX_TAG_LENGTH = 300;
const MAX_REFERRER_LENGTH = 2000;

/** Country domains a `brand.*` entry matches: `brand.com`, `brand.net`, `brand.<cc>`. */
const BRAND_GENERIC_TLDS = new Set(['com', 'net']);
/** ...and the second-level forms `brand.co.<cc>` and `brand.com.<cc>`. */
const BRAND_SECOND_LEVELS = new Set(['co', 'com']);

/** Click ids that only the ad platform of that search engine appends (gbraid/wbraid: Google's iOS variants). */
const SEARCH_CLICK_IDS: ReadonlyArray<readonly [param: string, engine: string]> = [
  ['gclid', 'Google'],
  ['gbraid', 'Google'],
  ['wbraid', 'Google'],
  ['msclkid', 'Bing'],
];

// Plausible's (and GA4's) medium and campaign rules.
const PAID_MEDIUM = /cp|^(?:ppc|retargeting)$|^paid/;
const SHOPPING_CAMPAIGN = /(?:^|[^a-df-z])shop|shopping/;
const DISPLAY_MEDIUMS = new Set(['display', 'banner', 'expandable', 'interstitial', 'cpm']);
const SOCIAL_MEDIUMS = new Set(['social', 'social-network', 'social-media', 'sm', 'social network', 'social media']);
const REFERRAL_MEDIUMS = new Set(['referral', 'app', 'link']);
const EMAIL_TAGS = ['email', 'e-mail', 'e_mail', 'e mail', 'newsletter'];


/** pageUrl: the full page URL as sent by the tracker; siteDomain: the site's domain (lower-case, no www). */
export function classifyReferrer(referrer: string | null, pageUrl: URL, siteDomain: string): Acquisition {
  const utm = readUtm(pageUrl);
  const external = externalReferrer(referrer, pageUrl, siteDomain);
  const fromReferrer = external && originOfReferrer(external);
  const tag = taggedSource(pageUrl, utm);
  // As in Plausible, a tag on the page URL (utm_source, source, ref) names the source before the referrer does.
  const origin = (tag === null ? null : originOfTag(tag)) || fromReferrer;
  const known = origin?.known ?? null;
  return {
    referrer: external && formatReferrer(external),
    source: origin?.name ?? null,
    channel: channelOf(origin, utm, pageUrl),
    searchEngine: known && (known.kind === 'search' || known.kind === 'searchAds') ? known.name : null,
    searchKeyword: (external && fromReferrer && searchWords(external.url, fromReferrer.known)) || cleanWords(utm.term, MAX_TAG_LENGTH),
    utm,
  };
}

interface Referrer {
  url: URL;
  /** Lower-case, without `www.`. */
  host: string;
}

/**
 * The referrer when it is a usable URL from outside the site; null for none, garbage and
 * internal navigation (the site's domain, its subdomains, the page's own host, localhost).
 */
function externalReferrer(raw: string | null, pageUrl: URL, siteDomain: string): Referrer | null {
  const url = parseUrl(raw);
  if (url === null || !REFERRER_SCHEMES.has(url.protocol) || url.hostname === '') return null;
  const host = normalizeHostname(url.hostname);
  const internal =
    host === 'localhost' ||
    host === normalizeHostname(pageUrl.hostname) ||
    (siteDomain !== '' && (host === siteDomain || host.endsWith(`.${siteDomain}`)));
  return internal ? null : { url, host };
}

function parseUrl(raw: string | null): URL | null {
  if (!raw) return null;
  try {
    return new URL(raw.trim());
  } catch {
    return null;
  }
}

/** Native apps send `android-app://<package>`; Plausible keeps that prefix so it reads as an app. */
function appPrefix(url: URL): string {
  return url.protocol === 'android-app:' ? 'android-app://' : '';
}

function originOfReferrer({ url, host }: Referrer): Origin {
  const known = (appPrefix(url) ? INDEX.byApp.get(host) : lookupHost(host)) ?? null;
  return { name: known?.name ?? appPrefix(url) + host, known };
}

function formatReferrer({ url, host }: Referrer): string {
  return truncate(appPrefix(url) + host + trimTrailingSlashes(withoutPathParams(url.pathname)), MAX_REFERRER_LENGTH);
}

function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === '/') end--;
  return path.slice(0, end);
}

/** The host's source: the host itself or its closest listed parent domain, else a `brand.*` match. */
function lookupHost(host: string): Source | undefined {
  for (let candidate = host; ; ) {
    const hit = INDEX.byHost.get(candidate);
    if (hit) return hit;
    const dot = candidate.indexOf('.');
    if (dot < 0) return lookupBrand(host);
    candidate = candidate.slice(dot + 1);
  }
}

/** Matches `[sub.]brand.<tld>`, `brand.co.<cc>` and `brand.com.<cc>` against the `brand.*` entries. */
function lookupBrand(host: string): Source | undefined {
  const labels = host.split('.');
  const tld = labels[labels.length - 1] ?? '';
  const secondLevel = labels[labels.length - 2] ?? '';
  const countrySecondLevel = labels.length >= 3 && tld.length === 2 && BRAND_SECOND_LEVELS.has(secondLevel);
  if (!countrySecondLevel && tld.length !== 2 && !BRAND_GENERIC_TLDS.has(tld)) return undefined;
  const brandAt = labels.length - (countrySecondLevel ? 3 : 2);
  const source = INDEX.byBrand.get(labels[brandAt] ?? '');
  if (!source) return undefined;
  const subdomain = labels.slice(0, Math.max(brandAt, 0)).join('.');
  return source.subdomains === null || source.subdomains.has(subdomain) ? source : undefined;
}

/** Plausible's tagged source: `utm_source`, else `source`, else `ref` from the page URL. */
function taggedSource(pageUrl: URL, utm: UtmTags): string | null {
  if (utm.source !== null || pageUrl.search === '') return utm.source;
  return clip(pageUrl.searchParams.get('source')) ?? clip(pageUrl.searchParams.get('ref'));
}

/** A known tag (`google`, `fb`, `chatgpt.com`) takes the source's name; others are kept as written. */
function originOfTag(tag: string): Origin {
  const lower = tag.toLowerCase();
  const known = INDEX.byTag.get(lower) ?? lookupHost(lower) ?? null;
  return { name: known?.name ?? tag, known };
}

function searchWords(url: URL, source: Source | null): string | null {
  for (const param of source?.queryParams ?? []) {
    const words = cleanWords(url.searchParams.get(param), MAX_TAG_LENGTH);
    if (words !== null) return words;
  }
  return null;
}

const NO_UTM: UtmTags = Object.freeze({ source: null, medium: null, campaign: null, term: null, content: null });

function readUtm(pageUrl: URL): UtmTags {
  // Most page URLs have no query: then there is nothing to parse.
  if (pageUrl.search === '') return NO_UTM;
  const params = pageUrl.searchParams;
  return {
    source: clip(params.get('utm_source')),
    medium: clip(params.get('utm_medium')),
    campaign: clip(params.get('utm_campaign')),
    term: clip(params.get('utm_term')),
    content: clip(params.get('utm_content')),
  };
}

/** Plausible's channel rules, in its order; the first that matches wins. */
function channelOf(origin: Origin | null, utm: UtmTags, pageUrl: URL): Channel {
  const kind = origin?.known?.kind ?? null;
  const medium = (utm.medium ?? '').toLowerCase();
  const campaign = (utm.campaign ?? '').toLowerCase();
  const tagSource = (utm.source ?? '').toLowerCase();
  const paid = PAID_MEDIUM.test(medium) || INDEX.paidTags.has(tagSource);
  const shopping = kind === 'shopping' || SHOPPING_CAMPAIGN.test(campaign);

  if (campaign.includes('cross-network')) return 'Cross-network';
  if (shopping && PAID_MEDIUM.test(medium)) return 'Paid Shopping';
  if ((kind === 'search' && (paid || hasSearchClickId(origin, pageUrl))) || kind === 'searchAds') return 'Paid Search';
  if (kind === 'social' && paid) return 'Paid Social';
  if (kind === 'video' && paid) return 'Paid Video';
  if (DISPLAY_MEDIUMS.has(medium) || kind === 'displayAds') return 'Display';
  if (PAID_MEDIUM.test(medium)) return 'Paid Other';
  if (shopping) return 'Organic Shopping';
  if (kind === 'social' || SOCIAL_MEDIUMS.has(medium)) return 'Organic Social';
  if (kind === 'video' || medium.includes('video')) return 'Organic Video';
  if (kind === 'ai') return 'AI Assistants';
  if (kind === 'search') return 'Organic Search';
  if (kind === 'email' || EMAIL_TAGS.some((t) => tagSource.includes(t) || medium.includes(t))) return 'Email';
  if (medium === 'affiliate') return 'Affiliates';
  if (medium === 'audio') return 'Audio';
  if (tagSource === 'sms' || medium === 'sms') return 'SMS';
  if (medium.endsWith('push') || medium.includes('mobile') || medium.includes('notification') || tagSource === 'firebase') {
    return 'Mobile Push Notifications';
  }
  if (REFERRAL_MEDIUMS.has(medium) || origin !== null) return 'Referral';
  return 'Direct';
}

/**
 * An ad click id is paid search only together with its own engine as the source: Google
 * Ads appends gclid to clicks on YouTube and partner sites too, and those are not search.
 */
function hasSearchClickId(origin: Origin | null, pageUrl: URL): boolean {
  return SEARCH_CLICK_IDS.some(([param, engine]) => origin?.name === engine && pageUrl.searchParams.has(param));
}


/** Trimmed and bounded; null when empty. */
function clip(value: string | null): string | null {
  const trimmed = value?.trim();
  return trimmed ? truncate(trimmed, MAX_TAG_LENGTH) : null;
}
