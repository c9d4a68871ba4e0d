/**
 * Synthetic traffic for the query benchmark, written straight into the store: 13 months
 * of a growing site with weekly and daily rhythm, Zipf-distributed pages, a realistic mix
 * of devices, operating systems, browsers and countries, referrers from search engines
 * (mostly without search words, as browsers send them today), social sites, links, paid
 * and e-mail campaigns, the site's own search box, and a few custom events with
 * properties. Deterministic: the same size gives the same database.
 */
import type Database from 'better-sqlite3';
import { dayStart, addDays, localDayAt } from '../server/core/time.ts';

/** A seeded PRNG (mulberry32): the benchmark database is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Weighted<T> = ReadonlyArray<readonly [T, number]>;

/** Picks from weighted choices by a cumulative table and binary search. */
function picker<T>(choices: Weighted<T>): (r: number) => T {
  const values = choices.map(([v]) => v);
  const cumulative: number[] = [];
  let total = 0;
  for (const [, w] of choices) cumulative.push((total += w));
  return (r) => {
    const x = r * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return values[lo]!;
  };
}

function zipf<T>(items: T[], s: number): (r: number) => T {
  return picker(items.map((item, i) => [item, 1 / (i + 1) ** s] as const));
}

const SECTIONS = ['blog', 'docs', 'products', 'guides', 'news', 'help'];
const PAGES = [
  '/', '/pricing', '/about', '/contact', '/features', '/login', '/signup', '/search',
  ...Array.from({ length: 2_000 }, (_, i) => `/${SECTIONS[i % SECTIONS.length]}/${['intro', 'how-to', 'review', 'update', 'notes'][i % 5]}-${i}`),
];
const pickPage = zipf(PAGES, 1.07);

const WORDS = ['analytics', 'privacy', 'cookie', 'free', 'self hosted', 'open source', 'tracker', 'gdpr', 'dashboard', 'plausible', 'alternative', 'wordpress', 'stats', 'visitors', 'how to', 'best', 'simple', 'website', 'counter', 'report'];
const PHRASES = Array.from({ length: 600 }, (_, i) => `${WORDS[i % WORDS.length]} ${WORDS[(i * 7 + 3) % WORDS.length]}${i >= 40 ? ` ${WORDS[(i * 13 + 5) % WORDS.length]}` : ''}`);
const pickPhrase = zipf(PHRASES, 1.0);
const SEARCH_TERMS = Array.from({ length: 300 }, (_, i) => `${WORDS[(i * 3) % WORDS.length]}${i >= 20 ? ` ${WORDS[(i * 11 + 1) % WORDS.length]}` : ''}`);
const pickSearchTerm = zipf(SEARCH_TERMS, 1.1);

interface Acquisition {
  referrer: string | null;
  source: string | null;
  channel: string;
  engine: string | null;
  /** Share of visits that still carry search words (referrer query or utm_term). */
  keywordShare: number;
  utm: [string, string, string] | null;
}

const ACQUISITIONS: Weighted<Acquisition> = [
  [{ referrer: null, source: null, channel: 'Direct', engine: null, keywordShare: 0, utm: null }, 38],
  [{ referrer: 'www.google.com', source: 'Google', channel: 'Organic Search', engine: 'Google', keywordShare: 0.02, utm: null }, 27],
  [{ referrer: 'www.bing.com', source: 'Bing', channel: 'Organic Search', engine: 'Bing', keywordShare: 0.05, utm: null }, 3],
  [{ referrer: 'duckduckgo.com', source: 'DuckDuckGo', channel: 'Organic Search', engine: 'DuckDuckGo', keywordShare: 0, utm: null }, 2],
  [{ referrer: 'yandex.ru', source: 'Yandex', channel: 'Organic Search', engine: 'Yandex', keywordShare: 0.6, utm: null }, 0.5],
  [{ referrer: 'www.google.com', source: 'Google', channel: 'Paid Search', engine: 'Google', keywordShare: 1, utm: ['google', 'cpc', 'brand'] }, 2],
  [{ referrer: 'news.ycombinator.com', source: 'Hacker News', channel: 'Referral', engine: null, keywordShare: 0, utm: null }, 4],
  [{ referrer: 'github.com', source: 'GitHub', channel: 'Referral', engine: null, keywordShare: 0, utm: null }, 4],
  [{ referrer: 'en.wikipedia.org', source: 'Wikipedia', channel: 'Referral', engine: null, keywordShare: 0, utm: null }, 1],
  [{ referrer: 't.co', source: 'Twitter', channel: 'Organic Social', engine: null, keywordShare: 0, utm: null }, 3],
  [{ referrer: 'www.reddit.com', source: 'Reddit', channel: 'Organic Social', engine: null, keywordShare: 0, utm: null }, 3],
  [{ referrer: 'www.facebook.com', source: 'Facebook', channel: 'Organic Social', engine: null, keywordShare: 0, utm: null }, 2],
  [{ referrer: 'www.linkedin.com', source: 'LinkedIn', channel: 'Organic Social', engine: null, keywordShare: 0, utm: null }, 1.5],
  [{ referrer: null, source: 'Newsletter', channel: 'Email', engine: null, keywordShare: 0, utm: ['newsletter', 'email', 'monthly'] }, 4],
  [{ referrer: 'chatgpt.com', source: 'ChatGPT', channel: 'AI Assistants', engine: null, keywordShare: 0, utm: null }, 1],
];
const pickAcquisition = picker(ACQUISITIONS);

const COUNTRIES: Weighted<string | null> = [
  ['US', 24], ['DE', 9], ['GB', 7], ['NO', 6], ['FR', 5], ['IN', 5], ['CA', 4], ['NL', 3.5], ['SE', 3], ['BR', 3], ['ES', 2.5], ['IT', 2.5],
  ['PL', 2], ['AU', 2], ['JP', 2], ['DK', 1.5], ['FI', 1.2], ['CH', 1.2], ['AT', 1], ['BE', 1], ['CZ', 0.8], ['RU', 0.8], ['UA', 0.7],
  ['MX', 0.7], ['AR', 0.5], ['ZA', 0.5], ['KR', 0.5], ['SG', 0.5], ['NZ', 0.4], ['IE', 0.4], ['PT', 0.4], ['TR', 0.4], ['ID', 0.4],
  ['VN', 0.3], ['PH', 0.3], ['EG', 0.2], ['NG', 0.2], ['KE', 0.1], ['IS', 0.1], [null, 0.5],
];
const pickCountry = picker(COUNTRIES);

interface Client {
  device: string;
  os: string;
  osVersions: string[];
  browsers: Weighted<[string, string[]]>;
}

const CHROME: [string, string[]] = ['Chrome', ['138', '137', '136', '135', '134']];
const CLIENTS: Weighted<Client> = [
  [{ device: 'Desktop', os: 'Windows', osVersions: ['10', '11'], browsers: [[CHROME, 65], [['Microsoft Edge', ['138', '137', '136']], 20], [['Firefox', ['140', '139', '128']], 10], [['Opera', ['120', '119']], 5]] }, 30],
  [{ device: 'Desktop', os: 'Mac', osVersions: ['15', '14', '13'], browsers: [[CHROME, 50], [['Safari', ['18.5', '18.4', '17.6']], 38], [['Firefox', ['140', '139']], 8], [['Arc', ['1.98']], 4]] }, 14],
  [{ device: 'Desktop', os: 'GNU/Linux', osVersions: ['(not set)'], browsers: [[['Firefox', ['140', '139', '128']], 55], [CHROME, 45]] }, 3],
  [{ device: 'Laptop', os: 'Chrome OS', osVersions: ['16328'], browsers: [[CHROME, 100]] }, 1],
  [{ device: 'Mobile', os: 'iOS', osVersions: ['18.5', '18.4', '17.7'], browsers: [[['Safari', ['18.5', '18.4', '17.7']], 85], [CHROME, 12], [['Firefox', ['140']], 3]] }, 24],
  [{ device: 'Mobile', os: 'Android', osVersions: ['15', '14', '13', '12'], browsers: [[CHROME, 78], [['Samsung Internet', ['28.0', '27.0']], 15], [['Firefox', ['140']], 4], [['Opera', ['90']], 3]] }, 23],
  [{ device: 'Tablet', os: 'iPadOS', osVersions: ['18.5', '17.7'], browsers: [[['Safari', ['18.5', '17.7']], 90], [CHROME, 10]] }, 4],
  [{ device: 'Tablet', os: 'Android', osVersions: ['14', '13'], browsers: [[CHROME, 80], [['Samsung Internet', ['28.0']], 20]] }, 1],
];
const pickClient = picker(CLIENTS);

/** A visitor of one day: its hash, and what the address and user agent behind it fix. */
interface Returning {
  id: number;
  country: string | null;
  client: Client;
  browser: string;
  version: string;
  osVersion: string;
}
const browserPickers = new Map(CLIENTS.map(([c]) => [c, picker(c.browsers)]));

/** Relative traffic by local hour: quiet nights, a working-day plateau, an evening peak. */
const HOURS = picker([0.8, 0.5, 0.35, 0.3, 0.3, 0.45, 0.9, 1.8, 3, 3.8, 4.2, 4.3, 4.1, 4.2, 4.3, 4.2, 4, 3.8, 3.6, 3.9, 4.1, 3.6, 2.5, 1.5].map((w, h) => [h, w] as const));

export interface GeneratedSet {
  events: number;
  visits: number;
  firstDay: string;
  lastDay: string;
}

/**
 * Writes about `targetEvents` pageviews and custom events for `siteId` over the 13 months
 * (395 local days) ending at `now`, the last day partly, as the collector would store them.
 */
export function generateTraffic(raw: Database.Database, siteId: number, timeZone: string, now: number, targetEvents: number): GeneratedSet {
  const random = prng(20_260_101 + targetEvents);
  const lastDay = localDayAt(timeZone, now);
  const firstDay = addDays(lastDay, -394);
  const dayWeights: number[] = [];
  for (let i = 0; i < 395; i++) {
    const weekday = new Date(`${addDays(firstDay, i)}T12:00:00Z`).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 0.65 : 1;
    // The site grows by half over the year, with day-to-day noise and a few launch spikes.
    const spike = random() < 0.01 ? 3 : 1;
    dayWeights.push((1 + (0.5 * i) / 395) * weekend * (0.85 + 0.3 * random()) * spike);
  }
  const weightSum = dayWeights.reduce((a, b) => a + b, 0);

  const insertVisit = raw.prepare(`INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, events, entry_page, exit_page, hostname,
    referrer, source, channel, search_engine, search_keyword, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
    country, browser, browser_version, os, os_version, device, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertEvent = raw.prepare('INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path, site_search) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertProp = raw.prepare('INSERT INTO event_props (event_id, site_id, key, value) VALUES (?, ?, ?, ?)');

  let events = 0;
  let visits = 0;
  const hostname = 'example.com';
  const writeDay = raw.transaction((day: string, budget: number) => {
    const start = dayStart(timeZone, day);
    const end = dayStart(timeZone, addDays(day, 1));
    const returning: Returning[] = [];
    let written = 0;
    while (written < budget) {
      const hour = HOURS(random());
      let startedAt = start + hour * 3600 + Math.floor(random() * 3600);
      if (startedAt > end - 4) startedAt = end - 4;
      if (startedAt > now) break;
      // A returning visitor keeps its country and client: the visitor hash is made from the address and user agent.
      let visitor: Returning;
      if (returning.length > 0 && random() < 0.15) {
        visitor = returning[Math.floor(random() * returning.length)]!;
      } else {
        const client = pickClient(random());
        const [browser, versions] = browserPickers.get(client)!(random());
        visitor = {
          // 53 bits from two draws: one draw has 32, and ids of one day would collide, as real visitor hashes do not.
          id: Math.floor(random() * 2 ** 21) * 2 ** 32 + Math.floor(random() * 2 ** 32),
          country: pickCountry(random()),
          client,
          browser,
          version: versions[Math.floor(random() * versions.length)]!,
          osVersion: client.osVersions[Math.floor(random() * client.osVersions.length)]!,
        };
        if (returning.length < 500) returning.push(visitor);
      }
      const acquisition = pickAcquisition(random());
      const bounce = random() < 0.42;
      const pageCount = bounce ? 1 : 2 + Math.min(18, Math.floor(Math.log(1 - random()) / Math.log(0.55)));
      const keyword = random() < acquisition.keywordShare ? pickPhrase(random()) : null;

      const pages: Array<{ ts: number; path: string; search: string | null }> = [];
      let ts = startedAt;
      let path = pickPage(random());
      for (let p = 0; p < pageCount; p++) {
        if (p > 0) {
          // Visits stay within their day, as the day-scoped visitor hash makes them.
          ts = Math.max(startedAt, Math.min(ts + 5 + Math.floor(random() * random() * 300), end - 4, now));
          path = pickPage(random());
        }
        const search = path === '/search' || random() < 0.02 ? pickSearchTerm(random()) : null;
        pages.push({ ts, path: search ? '/search' : path, search });
      }
      const customs: Array<{ ts: number; name: string; path: string; props: Array<[string, string]> }> = [];
      if (!bounce && random() < 0.06) customs.push({ ts: ts + 2, name: 'Outbound Link: Click', path: pages.at(-1)!.path, props: [['url', `https://github.com/example/repo${Math.floor(random() * 30)}`]] });
      if (!bounce && random() < 0.015) customs.push({ ts: ts + 3, name: 'Signup', path: '/signup', props: [['plan', random() < 0.7 ? 'free' : 'pro']] });
      if (random() < 0.01) customs.push({ ts: ts + 1, name: 'File Download', path: pages.at(-1)!.path, props: [['url', `https://example.com/files/guide-${Math.floor(random() * 12)}.pdf`]] });
      const lastTs = Math.max(ts, ...customs.map((c) => c.ts));
      const endedAt = Math.max(lastTs, Math.min(end - 1, lastTs + (bounce ? 0 : Math.floor(random() * 45))));

      const visitId = Number(
        insertVisit.run(
          siteId, visitor.id, startedAt, endedAt, pages.length, customs.length, pages[0]!.path, pages.at(-1)!.path, hostname,
          acquisition.referrer, acquisition.source, acquisition.channel, acquisition.engine, keyword,
          acquisition.utm?.[0] ?? null, acquisition.utm?.[1] ?? null, acquisition.utm?.[2] ?? null, acquisition.utm && keyword ? keyword : null, null,
          visitor.country, visitor.browser, visitor.version, visitor.client.os, visitor.osVersion, visitor.client.device, '192.0.2.0',
        ).lastInsertRowid,
      );
      for (const p of pages) insertEvent.run(siteId, visitId, visitor.id, p.ts, 'pageview', hostname, p.path, p.search);
      for (const c of customs) {
        const id = insertEvent.run(siteId, visitId, visitor.id, c.ts, c.name, hostname, c.path, null).lastInsertRowid;
        for (const [k, v] of c.props) insertProp.run(id, siteId, k, v);
      }
      written += pages.length + customs.length;
      visits += 1;
    }
    events += written;
  });
  for (let i = 0; i < 395; i++) writeDay(addDays(firstDay, i), Math.round((targetEvents * dayWeights[i]!) / weightSum));
  return { events, visits, firstDay, lastDay };
}
