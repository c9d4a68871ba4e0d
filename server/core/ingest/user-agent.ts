/**
 * Browser, operating system and device from the User-Agent header and Client Hints, named
 * in Plausible's vocabulary. Pure and runtime-independent (Node and Workers alike).
 * @module
 */
import { UAParser } from 'ua-parser-js';
import { BrowserName } from 'ua-parser-js/enums';

export type DeviceType = 'Desktop' | 'Laptop' | 'Tablet' | 'Mobile';

export interface ClientInfo {
  browser: string | null;
  /** major.minor, as Plausible stores it ('120.0'). */
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  device: DeviceType | null;
}

/** Client Hints request headers, lower-case names, as received (e.g. 'sec-ch-ua-platform': '"Windows"'). */
export type ClientHintHeaders = Readonly<Record<string, string | undefined>>;

/** What the user agent and hints say, before the screen width refines the device: the part worth caching. */
interface AgentInfo {
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  /** A phone or tablet by its UA, 'Desktop' for any other recognised agent, null when nothing was recognised. */
  device: 'Mobile' | 'Tablet' | 'Desktop' | null;
}

/** ua-parser reads only this many characters of a UA; cutting here as well bounds what a cache key holds. */
export const MAX_UA_LENGTH = 500;
/** Real hint values are well under 200 characters; longer ones are abuse and are ignored. */
const MAX_HINT_LENGTH = 500;
const DEFAULT_CACHE_ENTRIES = 2000;

/** Plausible's bucket for browsers embedded in apps (Facebook, Instagram, WebViews...). */
const MOBILE_APP = 'Mobile App';

/** ua-parser's browser names where Plausible's differ. */
const BROWSER_NAMES: ReadonlyMap<string, string> = new Map([
  ['Mobile Chrome', 'Chrome'],
  ['Mobile Safari', 'Safari'],
  ['Mobile Firefox', 'Firefox'],
  ['Edge', 'Microsoft Edge'],
  ['Samsung Internet', 'Samsung Browser'],
  ['Yandex', 'Yandex Browser'],
  ['Opera Mini', 'Opera'],
  ['Opera Mobi', 'Opera'],
  ['Opera Touch', 'Opera'],
  ['UCBrowser', 'UC Browser'],
  ['QQBrowser', 'QQ Browser'],
  ['Whale', 'Whale Browser'],
  ['Silk', 'Mobile Silk'],
  ['IE', 'Internet Explorer'],
  ['DuckDuckGo', 'DuckDuckGo Privacy Browser'],
  ['Chrome Headless', 'Headless Chrome'],
  ['Chrome WebView', MOBILE_APP],
  ['Edge WebView', MOBILE_APP],
  ['Edge WebView2', MOBILE_APP],
]);

/** ua-parser's OS names where Plausible's differ (Linux distributions are handled apart). */
const OS_NAMES: ReadonlyMap<string, string> = new Map([
  ['macOS', 'Mac'],
  // What Chromium builds send in sec-ch-ua-platform.
  ['Chromium OS', 'Chrome OS'],
]);

/** Plausible counts every distribution as one OS; a distribution's release is not a GNU/Linux version. */
const LINUX_DISTRIBUTIONS: ReadonlySet<string> = new Set([
  'Linux', 'GNU', 'Arch', 'CentOS', 'Debian', 'Deepin', 'elementary OS', 'Fedora', 'Gentoo', 'Knoppix',
  'Kubuntu', 'Linpus', 'Linspire', 'Mageia', 'Mandriva', 'Manjaro', 'Mint', 'PCLinuxOS', 'Raspbian',
  'RedHat', 'Sabayon', 'Slackware', 'SUSE', 'Ubuntu', 'VectorLinux', 'Xubuntu', 'Zenwalk',
]);

/** ua-parser device types that are not desktop-class (Plausible counts wearables as phones, cars as tablets). */
const DEVICE_TYPES: ReadonlyMap<string, 'Mobile' | 'Tablet'> = new Map([
  ['mobile', 'Mobile'],
  ['wearable', 'Mobile'],
  ['tablet', 'Tablet'],
  ['embedded', 'Tablet'],
]);

/** Brand names in sec-ch-ua are free text: only a browser ua-parser knows may replace what the UA says. */
const KNOWN_BROWSERS: ReadonlySet<string> = new Set(Object.values(BrowserName));

/** sec-ch-ua-platform values Chromium sends; any other value would become a made-up OS name. */
const HINT_PLATFORMS: ReadonlySet<string> = new Set(['"Android"', '"Chrome OS"', '"Chromium OS"', '"iOS"', '"Linux"', '"macOS"', '"Windows"']);

/**
 * The hint headers that change browser, OS or device, each with the values it may take.
 * Anything else is left out both of the parse and of the cache key, so junk can neither reach
 * the result nor fragment the cache.
 */
const HINTS: ReadonlyArray<readonly [name: string, accepts: (value: string) => boolean]> = [
  ['sec-ch-ua', () => true],
  ['sec-ch-ua-full-version-list', () => true],
  ['sec-ch-ua-mobile', (v) => v === '?0' || v === '?1'],
  ['sec-ch-ua-model', () => true],
  ['sec-ch-ua-platform', (v) => HINT_PLATFORMS.has(v)],
  ['sec-ch-ua-platform-version', (v) => /^"\d+(?:\.\d+)*"$/.test(v)],
];

/** The request headers that carry Client Hints. */
export const CLIENT_HINT_HEADERS: readonly string[] = HINTS.map(([name]) => name);

function relevantHints(hints: ClientHintHeaders): Record<string, string> {
  const relevant: Record<string, string> = {};
  for (const [name, accepts] of HINTS) {
    const value = hints[name]?.trim();
    if (value && value.length <= MAX_HINT_LENGTH && accepts(value)) relevant[name] = value;
  }
  return relevant;
}

/** Length-prefixed, so no UA or hint value can run into the next and pose as another request's key. */
function cacheKey(userAgent: string, hints: Record<string, string>): string {
  let key = `${userAgent.length}:${userAgent}`;
  for (const [name] of HINTS) {
    const value = hints[name];
    key += value === undefined ? '|' : `${value.length}:${value}`;
  }
  return key;
}

/** ua-parser goes asynchronous only inside a browser page exposing navigator.userAgentData, which no server runtime has. */
function settled<T>(data: PromiseLike<T> | T): T {
  return data as T;
}

/**
 * Plausible keeps major.minor ('120.0.6099.130' → '120.0'). A bare major gets '.0' so that
 * low-entropy Client Hints ('131') and Chrome's frozen UA ('131.0.0.0') land in one bucket.
 */
function browserVersion(version: string | undefined): string | null {
  const match = version ? /^(\d+)(?:\.(\d+))?/.exec(version) : null;
  return match ? `${match[1]}.${match[2] ?? '0'}` : null;
}

/** major.minor as Plausible keeps it; OS versions may be words ('XP', 'Vista'), kept as they are. */
function osVersion(version: string | undefined): string | null {
  return version ? version.split('.').slice(0, 2).join('.') : null;
}

function browserName(name: string | undefined, type: string | undefined): string | null {
  if (!name) return null;
  if (type === 'inapp') return MOBILE_APP;
  return BROWSER_NAMES.get(name) ?? name;
}

function osName(name: string | undefined, deviceModel: string | undefined): string | null {
  if (!name) return null;
  // An iPad that sends its own UA (not the Mac one Safari uses by default) says iOS; Plausible says iPadOS.
  if (name === 'iOS' && deviceModel === 'iPad') return 'iPadOS';
  if (LINUX_DISTRIBUTIONS.has(name)) return 'GNU/Linux';
  return OS_NAMES.get(name) ?? name;
}

/** One full parse: 40–130 µs, hence the cache in createUserAgentParser. Hints win over the UA where they say more. */
function parseAgent(userAgent: string, hints: Record<string, string>): AgentInfo {
  const parser = new UAParser(userAgent, hints);

  const browserData = parser.getBrowser();
  // withClientHints() rewrites the object it is called on: keep what the UA alone said.
  const uaBrowser = { name: browserData.name, version: browserData.version, type: browserData.type };
  const hinted = settled(browserData.withClientHints());
  const browser = hinted.name && KNOWN_BROWSERS.has(hinted.name) ? hinted : uaBrowser;

  const device = settled(parser.getDevice().withClientHints());

  const osData = parser.getOS();
  const uaOs = osName(osData.name, device.model);
  const uaOsVersion = osData.version;
  const hintedOs = settled(osData.withClientHints());
  const os = osName(hintedOs.name, device.model);
  // sec-ch-ua-platform names the OS but only the high-entropy platform-version tells its version:
  // without it, keep the UA's version when both name the same OS.
  const version = hintedOs.version ?? (os === uaOs ? uaOsVersion : undefined);

  const name = browserName(browser.name, browser.type);
  const recognised = name !== null || os !== null;
  return {
    browser: name,
    browserVersion: name === MOBILE_APP ? null : browserVersion(browser.version),
    os,
    osVersion: os === 'GNU/Linux' ? null : osVersion(version),
    device: DEVICE_TYPES.get(device.type ?? '') ?? (recognised ? 'Desktop' : null),
  };
}

/** Plausible's breakpoints on the tracker's `w` (the window's inner width, in CSS pixels). */
function deviceFromWidth(width: number): DeviceType {
  if (width < 576) return 'Mobile';
  if (width < 992) return 'Tablet';
  if (width < 1440) return 'Laptop';
  return 'Desktop';
}

function withScreenWidth(agent: AgentInfo, screenWidth: number | null): ClientInfo {
  const width = screenWidth !== null && Number.isFinite(screenWidth) && screenWidth > 0 ? screenWidth : null;
  // A phone or tablet UA is trusted over the width (a landscape phone is tablet-wide, an iPad Pro laptop-wide);
  // a desktop-class UA may be an iPad (Safari sends a Mac UA) or a phone asking for the desktop site, which only the width reveals.
  const device = agent.device === 'Mobile' || agent.device === 'Tablet' || width === null ? agent.device : deviceFromWidth(width);
  return {
    browser: agent.browser,
    browserVersion: agent.browserVersion,
    os: agent.os,
    osVersion: agent.osVersion,
    device,
  };
}

export function parseUserAgent(userAgent: string, hints: ClientHintHeaders, screenWidth: number | null): ClientInfo {
  return withScreenWidth(parseAgent(userAgent.slice(0, MAX_UA_LENGTH), relevantHints(hints)), screenWidth);
}

export interface UserAgentParser {
  (userAgent: string, hints: ClientHintHeaders, screenWidth: number | null): ClientInfo;
  /** Entries held now; never more than maxEntries. */
  cacheSize(): number;
}

/**
 * parseUserAgent with a bounded LRU cache (a Map in recency order) keyed by the UA and the hint
 * headers that affect the result. The screen width is applied after the cache so it does not fragment it.
 */
export function createUserAgentParser(options: { maxEntries?: number } = {}): UserAgentParser {
  const maxEntries = options.maxEntries ?? DEFAULT_CACHE_ENTRIES;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  const cache = new Map<string, AgentInfo>();

  function agentInfo(userAgent: string, hints: ClientHintHeaders): AgentInfo {
    const ua = userAgent.slice(0, MAX_UA_LENGTH);
    const relevant = relevantHints(hints);
    const key = cacheKey(ua, relevant);
    const hit = cache.get(key);
    if (hit) {
      // Re-inserting moves the entry to the most recently used end.
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const parsed = parseAgent(ua, relevant);
    if (cache.size >= maxEntries) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(key, parsed);
    return parsed;
  }

  return Object.assign(
    (userAgent: string, hints: ClientHintHeaders, screenWidth: number | null) => withScreenWidth(agentInfo(userAgent, hints), screenWidth),
    { cacheSize: () => cache.size },
  );
}
