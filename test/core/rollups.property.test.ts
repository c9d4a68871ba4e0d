/**
 * Property: for random event streams and random valid queries, the planner's answer
 * (rollups wherever it can use them, raw tables elsewhere), the answer with the columnar
 * copy of closed days (DuckDB) in the plan too, with and without rollups, the raw-only
 * answer and a straightforward computation in JavaScript over the stored rows are identical.
 */
import { countedColumns, type ColumnarTally } from '../helpers/counted-columns.ts';
import { apiBody, parsedOrRefused } from '../helpers/drawn-query.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { syncColumnarCopy } from '../../server/core/columnar/sync.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { openDuckStore, type DuckStore } from '../../server/node/columnar/duckdb-store.ts';
import { countryNames } from '../../server/core/query/country-names.ts';
import { dimensionSpec, isTimeDimension } from '../../server/core/query/dimensions.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { leafMatches } from '../../server/core/query/filters.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import type { Filter, Query } from '../../server/core/query/types.ts';
import type { Site } from '../../server/core/sites.ts';
import { localDay } from '../../server/core/time.ts';
import { countingPageReads, makeRollupsOld, type PageReads } from '../helpers/pageview-pages.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './query/store.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const WINDOW_START = at('2024-02-20T00:00:00Z');
const WINDOW_END = at('2024-04-30T00:00:00Z');
const NOW = at('2024-04-25T12:00:00Z');
const ZONES = ['Etc/UTC', 'Europe/Oslo', 'America/New_York', 'Asia/Kolkata', 'Australia/Adelaide', 'Pacific/Chatham'];

interface GenEvent {
  ts: number;
  name: string;
  path: string;
  hostname: string;
  site_search: string | null;
  props: Record<string, string>;
}
interface GenVisit {
  visitor: number;
  attrs: Record<string, string | null>;
  events: GenEvent[];
}

const VISIT_POOLS: Record<string, (string | null)[]> = {
  source: ['Google', 'Bing', 'Twitter', null],
  channel: ['Organic Search', 'Direct', 'Referral'],
  referrer: ['google.com', 't.co', null],
  search_engine: ['Google', null],
  search_keyword: ['shoes', 'Shoes', null],
  utm_source: ['news', null],
  utm_campaign: ['spring', null],
  country: ['NO', 'SE', 'US', null],
  browser: ['Chrome', 'Firefox', 'Safari', null],
  browser_version: ['120', '17', null],
  os: ['Windows', 'Mac', 'iOS', null],
  device: ['Desktop', 'Mobile', 'Tablet', null],
};

const eventArb = fc.record({
  gap: fc.integer({ min: 0, max: 2400 }),
  name: fc.constantFrom('pageview', 'pageview', 'pageview', 'Signup', 'Click'),
  path: fc.constantFrom('/', '/blog', '/Blog/post', '/pricing', '/search'),
  hostname: fc.constantFrom('example.com', 'shop.example.com'),
  site_search: fc.constantFrom(null, null, null, 'red', 'Red shoes'),
  props: fc.constantFrom({}, {}, { plan: 'pro' }, { plan: 'free' }, { author: 'ann', plan: 'pro' }),
});

/** Visits of `visitors` visitors begun in [from, to]. */
const visitsArb = (from: number, to: number, visitors: number) => fc.record({
  visitor: fc.integer({ min: 1, max: visitors }),
  start: fc.integer({ min: from, max: to }),
  attrs: fc.record(Object.fromEntries(Object.entries(VISIT_POOLS).map(([k, pool]) => [k, fc.constantFrom(...pool)]))),
  events: fc.array(eventArb, { minLength: 1, maxLength: 4 }),
}).map((v): GenVisit => {
  let ts = v.start;
  const events = v.events.map((e) => {
    ts += e.gap;
    return { ts, name: e.name, path: e.path, hostname: e.hostname, site_search: e.site_search, props: e.props as Record<string, string> };
  });
  return { visitor: v.visitor, attrs: v.attrs as Record<string, string | null>, events };
});
const visitArb = visitsArb(WINDOW_START, WINDOW_END, 6);
/** A busy week: visitors come back the same day, by other sources and pages. */
const busyVisitArb = visitsArb(at('2024-04-17T00:00:00Z'), at('2024-04-24T00:00:00Z'), 4);

const DIMENSIONS = [
  'time', 'time:hour', 'time:day', 'time:week', 'time:month', 'event:page', 'event:name', 'event:hostname', 'event:site_search',
  'event:props:plan', 'visit:source', 'visit:referrer', 'visit:channel', 'visit:utm_source', 'visit:country', 'visit:country_name',
  'visit:browser', 'visit:browser_version', 'visit:os', 'visit:device', 'visit:entry_page', 'visit:exit_page', 'visit:search_engine',
  'visit:search_keyword',
];
const FILTER_DIMENSIONS = DIMENSIONS.filter((d) => !d.startsWith('time'));
const FILTER_VALUES = [
  'Google', 'google', 'Twitter', 'Direct / None', '(not set)', '(none)', 'NO', 'SE', 'Norway', 'nor', 'Chrome', 'o', '/', '/blog', 'blog',
  '/pricing', 'pageview', 'Signup', 'pro', 'Red shoes', 'red', 'shoes', 'Desktop', 'example.com', 'Organic Search', '120',
];
const METRICS = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events', 'percentage'];

const leafArb = fc.tuple(
  fc.constantFrom('is', 'is_not', 'contains', 'contains_not'),
  fc.constantFrom(...FILTER_DIMENSIONS),
  fc.array(fc.constantFrom(...FILTER_VALUES), { minLength: 1, maxLength: 3 }),
  fc.constantFrom(undefined, { case_sensitive: false }),
).map(([op, dim, values, modifiers]) => (modifiers ? [op, dim, values, modifiers] : [op, dim, values]));
const filterArb: fc.Arbitrary<unknown[]> = fc.oneof(
  { weight: 4, arbitrary: leafArb },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('and', 'or'), fc.array(leafArb, { minLength: 1, maxLength: 3 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('not'), leafArb) },
);

const dayArb = fc.integer({ min: 0, max: 75 }).map((n) => new Date((WINDOW_START + n * 86_400) * 1000).toISOString().slice(0, 10));
const dateRangeArb = fc.oneof(
  fc.constantFrom('day', '7d', '30d', 'month', '6mo', '12mo', 'year', 'all', '2mo'),
  fc.tuple(dayArb, dayArb).map(([a, b]) => (a <= b ? [a, b] : [b, a])),
  fc.tuple(fc.integer({ min: WINDOW_START, max: WINDOW_END }), fc.integer({ min: 0, max: 20 * 86_400 })).map(([s, len]) => [
    new Date(s * 1000).toISOString().replace('.000Z', 'Z'),
    new Date((s + len) * 1000).toISOString().replace('.000Z', '+00:00'),
  ]),
);

const queryArb = fc.record({
  metrics: fc.subarray(METRICS, { minLength: 1 }),
  dimensions: fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 4, arbitrary: fc.uniqueArray(fc.constantFrom(...DIMENSIONS), { minLength: 1, maxLength: 2 }) }),
  date_range: dateRangeArb,
  filters: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(filterArb, { minLength: 1, maxLength: 2 }) }),
  compare: fc.constantFrom(undefined, undefined, 'previous_period', 'year_over_year'),
});

/** Rows as stored, read back for the reference computation. */
interface Stored {
  visits: Array<Record<string, string | number | null>>;
  events: Array<Record<string, string | number | null> & { props: Record<string, string> }>;
}

function readStored(store: TestStore, siteId: number): Stored {
  const visits = store.db.raw.prepare('SELECT * FROM visits WHERE site_id = ?').all(siteId) as Stored['visits'];
  const rows = store.db.raw.prepare('SELECT * FROM events WHERE site_id = ?').all(siteId) as Array<Record<string, string | number | null>>;
  const events: Stored['events'] = rows.map((e) => Object.assign({}, e, { props: {} as Record<string, string> }));
  const byId = new Map(events.map((e) => [e.id, e]));
  for (const p of store.db.raw.prepare('SELECT event_id, key, value FROM event_props WHERE site_id = ?').all(siteId) as Array<{ event_id: number; key: string; value: string }>) {
    byId.get(p.event_id)!.props[p.key] = p.value;
  }
  return { visits, events };
}

const wallClock = new Map<string, Intl.DateTimeFormat>();
function wall(ts: number, timeZone: string): string {
  let f = wallClock.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    wallClock.set(timeZone, f);
  }
  return f.format(ts * 1000);
}

function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/**
 * The meaning of a query, computed the plain way: filter the stored rows, group them by
 * their labels and local day, count, and add the days up.
 */
function reference(data: Stored, q: Query): Map<string, Array<number | null>> {
  const tz = q.site.timezone;
  const { start, end, firstDay } = q.period;
  const visitById = new Map(data.visits.map((v) => [v.id, v]));
  const visitLabel = (v: Record<string, string | number | null>, dim: string): string => {
    const spec = dimensionSpec(dim)!;
    const value = v[spec.column!] ?? null;
    if (dim === 'visit:country_name') return (value !== null && countryNames().get(String(value))) || '(not set)';
    return value === null ? spec.nullLabel : String(value);
  };
  const eventLabel = (e: Stored['events'][number], dim: string): string => {
    const spec = dimensionSpec(dim)!;
    if (spec.scope === 'visit') return visitLabel(visitById.get(e.visit_id)!, dim);
    const value = spec.prop !== null ? (e.props[spec.prop] ?? null) : (e[spec.column!] ?? null);
    return value === null ? spec.nullLabel : String(value);
  };
  const bucket = (ts: number, time: string): string => {
    const day = localDay(ts * 1000, tz);
    if (time === 'time:hour') return `${wall(ts, tz).slice(0, 13)}:00:00`;
    if (time === 'time:day') return day;
    if (time === 'time:week') return mondayOf(day) < firstDay ? firstDay : mondayOf(day);
    return `${day.slice(0, 7)}-01`;
  };
  const inPeriod = (ts: number) => ts >= start && ts < end;
  const visitPasses = (f: Filter, v: Record<string, string | number | null>): boolean => {
    switch (f.op) {
      case 'and':
      case 'or':
        return f.op === 'and' ? f.filters.every((g) => visitPasses(g, v)) : f.filters.some((g) => visitPasses(g, v));
      case 'not':
        return !visitPasses(f.filter, v);
      case 'same_event':
        return data.events.some((e) => e.visit_id === v.id && inPeriod(e.ts as number) && f.filters.every((g) => eventPasses(g, e)));
      default: {
        const leaf = f;
        if (dimensionSpec(leaf.dimension)!.scope === 'visit') return leafMatches(leaf, visitLabel(v, leaf.dimension));
        return data.events.some((e) => e.visit_id === v.id && inPeriod(e.ts as number) && leafMatches(leaf, eventLabel(e, leaf.dimension)));
      }
    }
  };
  const eventPasses = (f: Filter, e: Stored['events'][number]): boolean => {
    switch (f.op) {
      case 'and':
      case 'or':
        return f.op === 'and' ? f.filters.every((g) => eventPasses(g, e)) : f.filters.some((g) => eventPasses(g, e));
      case 'not':
        return !eventPasses(f.filter, e);
      case 'same_event':
        return f.filters.every((g) => eventPasses(g, e));
      default:
        return leafMatches(f, eventLabel(e, f.dimension));
    }
  };
  // A visit passes the top-level filters on event dimensions alone through one event that passes them all.
  const dims = (f: Filter): string[] => (f.op === 'not' ? dims(f.filter) : 'filters' in f ? f.filters.flatMap(dims) : [f.dimension]);
  const onEvents = (f: Filter) => dims(f).every((d) => dimensionSpec(d)!.scope === 'event');
  const visitPassesAll = (filters: Filter[], v: Record<string, string | number | null>): boolean => {
    const events = filters.filter(onEvents);
    if (events.length < 2) return filters.every((f) => visitPasses(f, v));
    const rest = filters.filter((f) => !onEvents(f));
    return rest.every((f) => visitPasses(f, v)) && visitPasses({ op: 'same_event', filters: events }, v);
  };

  const byEvent = q.dimensions.some((d) => !isTimeDimension(d) && dimensionSpec(d)!.scope === 'event');
  const visits = data.visits.filter((v) => inPeriod(v.started_at as number) && visitPassesAll(q.filters, v));
  const events = data.events.filter((e) => inPeriod(e.ts as number) && q.filters.every((f) => eventPasses(f, e)));

  type Day = { visitors: Set<number>; visitIds: Set<number>; n: number; bounces: number; duration: number; pageviews: number; events: number };
  const group = <T>(rows: T[], keyOf: (r: T) => string[], ts: (r: T) => number, add: (d: Day, r: T) => void) => {
    const groups = new Map<string, Map<string, Day>>();
    for (const r of rows) {
      const key = JSON.stringify(keyOf(r));
      const days = groups.get(key) ?? new Map<string, Day>();
      groups.set(key, days);
      const day = localDay(ts(r) * 1000, tz);
      const d = days.get(day) ?? { visitors: new Set(), visitIds: new Set(), n: 0, bounces: 0, duration: 0, pageviews: 0, events: 0 };
      days.set(day, d);
      add(d, r);
    }
    return new Map(
      [...groups].map(([key, days]) => {
        const all = [...days.values()];
        const sum = (f: (d: Day) => number) => all.reduce((n, d) => n + f(d), 0);
        return [key, { visitors: sum((d) => d.visitors.size), visits: sum((d) => d.visitIds.size), n: sum((d) => d.n), bounces: sum((d) => d.bounces), duration: sum((d) => d.duration), pageviews: sum((d) => d.pageviews), events: sum((d) => d.events) }];
      }),
    );
  };
  const visitKey = (v: Record<string, string | number | null>) =>
    q.dimensions.map((d) => (isTimeDimension(d) ? bucket(v.started_at as number, d) : visitLabel(v, byEvent && d === 'event:page' ? 'visit:entry_page' : d)));
  const addVisit = (d: Day, v: Record<string, string | number | null>) => {
    d.visitors.add(v.visitor as number);
    d.n += 1;
    d.bounces += v.pageviews === 1 && v.events === 0 ? 1 : 0;
    d.duration += (v.ended_at as number) - (v.started_at as number);
    d.pageviews += v.pageviews as number;
    d.events += (v.pageviews as number) + (v.events as number);
  };
  const vGroups = group(visits, visitKey, (v) => v.started_at as number, addVisit);
  // Session metrics under a page filter: the visits whose entry page passes it.
  const asEntry = (f: Filter): Filter => {
    switch (f.op) {
      case 'and':
      case 'or':
        return { op: f.op, filters: f.filters.map(asEntry) };
      case 'not':
        return { op: 'not', filter: asEntry(f.filter) };
      case 'same_event':
        return f;
      default:
        return f.dimension === 'event:page' ? { ...f, dimension: 'visit:entry_page' } : f;
    }
  };
  const entered = data.visits.filter((v) => inPeriod(v.started_at as number) && visitPassesAll(q.filters.map(asEntry), v));
  const sGroups = group(entered, visitKey, (v) => v.started_at as number, addVisit);
  const eventKey = (e: Stored['events'][number]) => q.dimensions.map((d) => (isTimeDimension(d) ? bucket(e.ts as number, d) : eventLabel(e, d)));
  const eGroups = group(events, eventKey, (e) => e.ts as number, (d, e) => {
    d.visitors.add(e.visitor as number);
    d.visitIds.add(e.visit_id as number);
    d.events += 1;
    d.pageviews += e.name === 'pageview' ? 1 : 0;
  });

  // Without an event filter, pageviews and events of visit-level rows are the visits' own counters.
  const names = (f: Filter): string[] => (f.op === 'not' ? names(f.filter) : 'filters' in f ? f.filters.flatMap(names) : [f.dimension]);
  const fromCounters = !byEvent && !q.filters.flatMap(names).some((d) => dimensionSpec(d)!.scope === 'event');
  const wantsEvents = q.metrics.some((m) => m === 'pageviews' || m === 'events');
  const needVisits = byEvent
    ? q.metrics.some((m) => ['bounce_rate', 'visit_duration', 'views_per_visit'].includes(m))
    : fromCounters || q.metrics.some((m) => m !== 'pageviews' && m !== 'events');
  const needEvents = byEvent || (!fromCounters && wantsEvents);
  const keys = new Set<string>([...(needEvents ? eGroups.keys() : []), ...(!byEvent && needVisits ? vGroups.keys() : [])]);
  if (q.dimensions.length === 0) keys.add('[]');
  const totalVisitors = visits.reduce((acc, v) => acc.add(`${localDay((v.started_at as number) * 1000, tz)}|${v.visitor}`), new Set<string>()).size;
  const round = (n: number, d: number, decimals: number) => Math.floor((2 * n * 10 ** decimals + d) / (2 * d)) / 10 ** decimals;
  const out = new Map<string, Array<number | null>>();
  for (const key of keys) {
    const v = vGroups.get(key) ?? { visitors: 0, n: 0, bounces: 0, duration: 0, pageviews: 0, events: 0 };
    const s = sGroups.get(key) ?? { visitors: 0, n: 0, bounces: 0, duration: 0, pageviews: 0, events: 0 };
    const e = fromCounters ? { visitors: 0, visits: 0, pageviews: v.pageviews, events: v.events } : (eGroups.get(key) ?? { visitors: 0, visits: 0, pageviews: 0, events: 0 });
    const visitors = byEvent ? e.visitors : v.visitors;
    const values = q.metrics.map((m): number | null => {
      switch (m) {
        case 'visitors': return visitors;
        case 'visits': return byEvent ? e.visits : v.n;
        case 'pageviews': return e.pageviews;
        case 'events': return e.events;
        case 'bounce_rate': return s.n ? round(100 * s.bounces, s.n, 0) : 0;
        case 'visit_duration': return s.n ? round(s.duration, s.n, 0) : 0;
        case 'views_per_visit': return s.n ? round(s.pageviews, s.n, 2) : 0;
        default: return totalVisitors ? round(100 * visitors, totalVisitors, 1) : null;
      }
    });
    out.set(key, values);
  }
  return out;
}

let store: TestStore;
let duck: DuckStore;
const columnar: ColumnarTally = { reads: 0, errors: [] };
let flagReads = 0;
/** Reads of visits from a kept set of their rows, in place of the visits table (query/kept-sets.ts). */
let keptRowReads = 0;
/** Of those, reads counting a visitor's only kept visit of a day once (kept-sets.ts KEPT_ALONE). */
let keptFlagReads = 0;
/** Planned reads of Top Pages' rollup rows (pageview-pages.ts). */
const pageReads: PageReads = { pages: 0 };
let sites = 0;
beforeAll(async () => {
  store = openTestStore();
  duck = await openDuckStore({ path: join(store.dir, 'columns.duckdb'), memoryLimit: '128MB', threads: 1 });
});
afterAll(() => {
  duck.close();
  store.close();
});

/** What a visitor hash is made from (address, user agent) fixes these for the day, as in real traffic. */
const CLIENT_ATTRS = ['country', 'browser', 'browser_version', 'os', 'os_version', 'device'].filter((k) => k in VISIT_POOLS);

/**
 * `steady`: each visitor keeps one country and client, so the copy's first-of-day flags serve
 * their filters too; `mixed`: so on two days in three, and the third the copy counts distinct.
 */
type Clients = 'random' | 'steady' | 'mixed';

async function seed(zone: string, visits: GenVisit[], clients: Clients): Promise<Site> {
  sites += 1;
  const site = await addSite(store.db, `site${sites}.example`, zone);
  for (const v of visits) {
    const steady = clients === 'steady' || (clients === 'mixed' && Math.floor(v.events[0]!.ts / 86400) % 3 !== 0);
    const client = steady ? Object.fromEntries(CLIENT_ATTRS.map((k) => [k, VISIT_POOLS[k]![v.visitor % VISIT_POOLS[k]!.length]!])) : {};
    insertVisitWithEvents(store.db, site.id, { visitor: v.visitor, channel: 'Direct', ...v.attrs, ...client }, v.events);
  }
  return site;
}

/** Flags of a dimension the query filtered but did not group by, summed by a read, by name (first_day_source, …). */
const filterFlagsSummed = new Map<string, number>();
let asked: Record<string, unknown> = {};

/**
 * Asks each of `queries` of the site five ways (planned, raw, with the copy with and without
 * rollups, and the plain computation) and expects one answer; returns how many were valid.
 */
async function checkQueries(site: Site, queries: Array<Record<string, unknown>>): Promise<number> {
  const data = readStored(store, site.id);
  let served = 0;
  for (const body of queries) {
    asked = body;
    const query = parsedOrRefused(() => parseQuery(apiBody(site.domain, body), site, NOW, '2024-02-20'));
    if (!query) continue;
    const planned = await runQuery(countingPageReads(store.db, pageReads), query);
    const raw = await runQuery(store.db, query, { useRollups: false });
    expect(planned).toEqual(raw);
    const columns = countedColumns(duck, columnar, (sql) => {
      if (sql.includes('first_day')) flagReads += 1;
      if (/FROM kept_set_\d+ v\b/.test(sql)) keptRowReads += 1;
      if (/FROM kept_set_\d+ v\b/.test(sql) && /\bv\.alone = 1\b/.test(sql)) keptFlagReads += 1;
      for (const [flag] of sql.matchAll(/\bfirst_day_\w+/g)) {
        const grouped = (asked.dimensions as string[] | undefined)?.some((d) => d.endsWith(`:${flag.slice('first_day_'.length)}`));
        if (!grouped) filterFlagsSummed.set(flag, (filterFlagsSummed.get(flag) ?? 0) + 1);
      }
    });
    expect(await runQuery(store.db, query, { useRollups: true, columnar: columns })).toEqual(raw);
    expect(await runQuery(store.db, query, { useRollups: false, columnar: columns })).toEqual(raw);
    const expected = reference(data, query);
    // A compared time series also lists its empty buckets, with zero metrics.
    const filled = (r: { dimensions: string[]; metrics: unknown[] }) =>
      query.include.compare !== null && !expected.has(JSON.stringify(r.dimensions)) && r.metrics.every((m) => m === 0 || m === null);
    const got = new Map(planned.results.filter((r) => !filled(r)).map((r) => [JSON.stringify(r.dimensions), r.metrics]));
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
    served += 1;
  }
  return served;
}

/**
 * The dashboard's two- and three-filter views: one filter passing a single label of a visit
 * or event dimension, beside filters on what the visitor hash fixes or on anything else, and
 * the panels' breakdowns. The copy sums the filtered dimension's flags for many of them.
 */
const SINGLE_LABEL: Array<[string, string[]]> = [
  ['visit:source', ['Google', 'Twitter', 'Direct / None']],
  ['visit:channel', ['Organic Search', 'Direct']],
  ['visit:entry_page', ['/', '/blog']],
  ['visit:search_keyword', ['shoes', 'Shoes', '(not set)']],
  ['event:page', ['/', '/blog', '/pricing']],
  ['event:name', ['pageview', 'Signup']],
  ['event:hostname', ['example.com']],
];
const singleLabelArb = fc.constantFrom(...SINGLE_LABEL).chain(([dim, values]) => fc.constantFrom(...values).map((v) => ['is', dim, [v]]));
/** The same filters passing two labels: two values, or any case ('shoes' and 'Shoes'). */
const twoLabelArb = fc
  .tuple(fc.constantFrom(...SINGLE_LABEL.filter(([, values]) => values.length > 1)), fc.boolean())
  .map(([[dim, values], anyCase]) => (anyCase ? ['is', dim, [values[0]], { case_sensitive: false }] : ['is', dim, values.slice(0, 2)]));
const attributeArb = fc.tuple(
  fc.constantFrom('is', 'is', 'is_not', 'contains'),
  fc.constantFrom('visit:country', 'visit:browser', 'visit:os', 'visit:device', 'visit:country_name'),
  fc.constantFrom(['US'], ['NO', 'SE'], ['Chrome'], ['Mac'], ['Desktop'], ['Norway'], ['o']),
);
const mixQueryArb = fc.record({
  metrics: fc.constantFrom(['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'], ['visitors', 'pageviews'], ['visitors', 'percentage'], ['visitors', 'events']),
  dimensions: fc.constantFrom([], ['time:day'], ['time:month'], ['visit:source'], ['visit:channel'], ['visit:country'], ['visit:browser'], ['visit:device'], ['visit:entry_page'], ['event:page'], ['event:name']),
  date_range: dateRangeArb,
  filters: fc.oneof(
    fc.tuple(attributeArb, singleLabelArb).map(([a, b]) => [a, b]),
    fc.tuple(singleLabelArb, singleLabelArb).map(([a, b]) => [a, b]),
    fc.tuple(singleLabelArb, leafArb).map(([a, b]) => [a, b]),
    fc.tuple(singleLabelArb, singleLabelArb, attributeArb).map(([a, b, c]) => [a, b, c]),
    fc.tuple(twoLabelArb, attributeArb).map(([a, b]) => [a, b]),
  ),
  compare: fc.constantFrom(undefined, 'previous_period'),
});

/**
 * For `numRuns` random sites (a timezone, visits, how steady their clients are), rolled up
 * and copied as the server does, checks each run's `queries` (checkQueries); returns how
 * many were valid.
 */
async function checkRandomSites(visits: fc.Arbitrary<GenVisit[]>, queries: fc.Arbitrary<Array<Record<string, unknown>>>, numRuns: number): Promise<number> {
  let served = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ZONES), visits, queries, fc.constantFrom<Clients>('random', 'steady', 'mixed'), async (zone, drawn, asked, clients) => {
      const site = await seed(zone, drawn, clients);
      await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 1000 });
      while ((await syncColumnarCopy(store.db, duck, 1000, NOW)).behind);
      served += await checkQueries(site, asked);
    }),
    { numRuns },
  );
  return served;
}

describe('rollup path, raw path and a plain computation agree', () => {
  it('for random event streams and random valid queries', async () => {
    const served = await checkRandomSites(fc.array(visitArb, { minLength: 1, maxLength: 60 }), fc.array(queryArb, { minLength: 6, maxLength: 6 }), 40);
    expect(served).toBeGreaterThan(100);
    // The copy took part: not every query fell back to SQLite.
    expect(columnar.reads).toBeGreaterThan(100);
    // And summed first-of-day flags in place of distinct counts, for some of them.
    expect(flagReads).toBeGreaterThan(30);
    // And read kept visit sets in place of joins, for filters on events (visits) or visits (events).
    expect(columnar.keptReads ?? 0).toBeGreaterThan(30);
    expect(columnar.errors).toEqual([]);
    // Five answers per query, 240 queries: a minute or two on a busy 2-core machine.
  }, 300_000);
});

/** Queries each run asks besides the random ones, so every filtered dimension's flag is summed whatever the draw. */
const FLAG_QUERIES: Array<Record<string, unknown>> = [
  { metrics: ['visitors', 'visits'], dimensions: ['time:day'], date_range: 'all', filters: [['is', 'visit:source', ['Google']], ['is', 'visit:country', ['US']]] },
  { metrics: ['visitors'], dimensions: ['visit:country'], date_range: 'all', filters: [['is', 'visit:channel', ['Direct']]] },
  { metrics: ['visitors', 'percentage'], dimensions: ['visit:device'], date_range: 'all', filters: [['is', 'visit:entry_page', ['/']]] },
];

/** The bench's views whose reads of the copy name kept visit sets: visits with an event on a page, events of visits by channel or source. */
const KEPT_QUERIES: Array<Record<string, unknown>> = [
  { metrics: ['visitors', 'visits', 'pageviews'], dimensions: ['event:page'], date_range: 'all', filters: [['is', 'visit:channel', ['Organic Search']], ['contains', 'event:page', ['blog']]] },
  { metrics: ['visitors', 'visits', 'bounce_rate'], dimensions: ['visit:source'], date_range: 'all', filters: [['is', 'visit:channel', ['Organic Search']], ['contains', 'event:page', ['blog']]] },
  { metrics: ['visitors', 'events'], dimensions: ['event:name'], date_range: '7d', filters: [['is', 'event:page', ['/']], ['is', 'visit:source', ['Google']], ['is', 'visit:device', ['Desktop']]] },
];

describe('the dashboard\'s two- and three-filter views', () => {
  it('answer alike five ways, the copy summing the filtered dimension\'s flags', async () => {
    let served = 0;
    const keptBefore = columnar.keptReads ?? 0;
    filterFlagsSummed.clear();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.oneof(fc.array(visitArb, { minLength: 1, maxLength: 60 }), fc.array(busyVisitArb, { minLength: 10, maxLength: 60 })),
        fc.array(mixQueryArb, { minLength: 6, maxLength: 6 }),
        fc.constantFrom<Clients>('random', 'steady', 'mixed'),
        async (zone, visits, queries, clients) => {
          const site = await seed(zone, visits, clients);
          await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 1000 });
          while ((await syncColumnarCopy(store.db, duck, 1000, NOW)).behind);
          served += await checkQueries(site, [...queries, ...FLAG_QUERIES, ...KEPT_QUERIES]);
        },
      ),
      { numRuns: 25 },
    );
    expect(served).toBeGreaterThan(80);
    // Flags of filtered dimensions that were not grouped by stood in for distinct counts.
    for (const flag of ['first_day_source', 'first_day_channel', 'first_day_entry_page']) expect(filterFlagsSummed.get(flag) ?? 0).toBeGreaterThan(0);
    expect(columnar.keptReads ?? 0).toBeGreaterThan(keptBefore + 10);
    expect(columnar.errors).toEqual([]);
  }, 300_000);
  it('and for a visitor who came back the same day by another source, entry page and keyword', async () => {
    // Visitor 2 keeps country US and one client ('steady').
    const visit = (ts: string, attrs: Record<string, string | null>, path: string): GenVisit => ({
      visitor: 2,
      attrs: { ...Object.fromEntries(Object.keys(VISIT_POOLS).map((k) => [k, null])), channel: 'Direct', ...attrs },
      events: [{ ts: at(ts), name: 'pageview', path, hostname: 'example.com', site_search: null, props: {} }],
    });
    const site = await seed('Europe/Oslo', [
      visit('2024-04-20T08:00:00Z', { source: 'Twitter', channel: 'Referral', search_keyword: 'Shoes' }, '/blog'),
      visit('2024-04-20T10:00:00Z', { source: 'Google', channel: 'Organic Search', search_keyword: 'shoes' }, '/'),
      visit('2024-04-20T12:00:00Z', { source: 'Google', channel: 'Direct', search_keyword: null }, '/pricing'),
    ], 'steady');
    await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 1000 });
    while ((await syncColumnarCopy(store.db, duck, 1000, NOW)).behind);
    const country = ['is', 'visit:country', ['US']];
    const asked = (filters: unknown[][], dimensions: string[] = []) => ({ metrics: ['visitors', 'visits'], date_range: '7d', dimensions, filters });
    const served = await checkQueries(site, [
      asked([country, ['is', 'visit:source', ['Google', 'Twitter']]]),
      asked([country, ['is', 'visit:search_keyword', ['shoes'], { case_sensitive: false }]]),
      asked([country, ['is', 'visit:entry_page', ['/blog']]], ['visit:channel']),
      asked([country, ['is', 'visit:source', ['Google']]], ['visit:channel']),
      asked([country, ['is', 'visit:source', ['Google']]], ['time:day']),
      asked([['is', 'visit:source', ['Google']], ['is', 'visit:channel', ['Direct']]]),
    ]);
    expect(served).toBe(6);
  });
});

/** Filters of both kinds, as the dashboard's two- and three-filter views send them, and trees beside them. */
const CHANNEL = ['is', 'visit:channel', ['Organic Search', 'Direct']];
const BOTH_KINDS: unknown[][][] = [
  [['is', 'visit:channel', ['Organic Search']], ['contains', 'event:page', ['blog']]],
  [['is', 'event:page', ['/']], ['is', 'visit:source', ['Google']], ['is', 'visit:device', ['Desktop']]],
  [CHANNEL, ['contains', 'event:page', ['blog']], ['is', 'event:name', ['Signup']]],
  [CHANNEL, ['contains', 'event:page', ['blog']], ['not', ['contains', 'event:page', ['pricing']]]],
  [CHANNEL, ['contains_not', 'event:page', ['blog']]],
  [CHANNEL, ['contains', 'event:page', ['blog']], ['or', [['is', 'event:page', ['/pricing']], ['is', 'visit:source', ['Google']]]]],
  [['contains', 'visit:source', ['o']], ['is', 'event:page', ['/blog', '/']], ['is_not', 'visit:country', ['SE']]],
];
/** The panels of a view, with the filters each adds of its own (dashboard-api/view-queries/queries.ts), and a breakdown no panel has. */
const PANELS: Array<Record<string, unknown>> = [
  { metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'] },
  { metrics: ['visitors', 'pageviews'], dimensions: ['time:day'] },
  { metrics: ['visitors'], dimensions: ['visit:channel'] },
  { metrics: ['visitors'], dimensions: ['visit:search_keyword'], own: [['is_not', 'visit:search_keyword', ['(not set)']]] },
  { metrics: ['visitors', 'pageviews'], dimensions: ['event:page'], own: [['is', 'event:name', ['pageview']]] },
  { metrics: ['visitors', 'visits'], dimensions: ['visit:entry_page'] },
  { metrics: ['visitors', 'percentage'], dimensions: ['visit:country'] },
  { metrics: ['visitors', 'events'], dimensions: ['event:name'], own: [['is_not', 'event:name', ['pageview']]] },
  { metrics: ['visitors', 'visits'], dimensions: ['visit:utm_source'] },
  { metrics: ['visitors'], dimensions: ['visit:search_engine'], own: [['is_not', 'visit:search_engine', ['(not set)']]] },
  { metrics: ['visitors', 'visits'], dimensions: ['time:week'] },
  { metrics: ['visitors', 'visits'], dimensions: ['visit:source', 'time:month'] },
  { metrics: ['visitors', 'visits'], dimensions: ['time:hour'] },
  // A filter of its own on another dimension than the one grouped by: the kept rows' flags do not serve it.
  { metrics: ['visitors', 'visits'], dimensions: ['visit:device'], own: [['is_not', 'visit:source', ['Google']]] },
];
const viewQueryArb = fc.record({ filters: fc.constantFrom(...BOTH_KINDS), panel: fc.constantFrom(...PANELS), date_range: dateRangeArb, compare: fc.constantFrom(undefined, 'previous_period') }).map(
  ({ filters, panel: { own, ...panel }, date_range, compare }) => ({ ...panel, date_range, compare, filters: [...filters, ...((own as unknown[][] | undefined) ?? [])] }),
);

describe('views filtered on both visit and event dimensions', () => {
  it('answer alike five ways, the copy reading one combined set of the view\'s visits', async () => {
    const rowReads = keptRowReads;
    const flagReads = keptFlagReads;
    const served = await checkRandomSites(
      fc.oneof(fc.array(visitArb, { minLength: 1, maxLength: 60 }), fc.array(busyVisitArb, { minLength: 10, maxLength: 60 })),
      fc.array(viewQueryArb, { minLength: 8, maxLength: 8 }),
      20,
    );
    expect(served).toBeGreaterThan(80);
    // Visit panels read the combined set's rows in place of the visits table.
    expect(keptRowReads).toBeGreaterThan(rowReads + 20);
    // Counting a visitor's only kept visit of a day once, the others distinct.
    expect(keptFlagReads).toBeGreaterThan(flagReads + 10);
    expect(columnar.errors).toEqual([]);
  }, 300_000);
  it('and for a visitor with two such visits a day, by two sources, on one device, beside one with one', async () => {
    const visit = (ts: string, source: string, path: string, visitor = 3): GenVisit => ({
      visitor,
      attrs: { ...Object.fromEntries(Object.keys(VISIT_POOLS).map((k) => [k, null])), channel: 'Organic Search', source, device: 'Desktop' },
      events: [{ ts: at(ts), name: 'pageview', path, hostname: 'example.com', site_search: null, props: {} }],
    });
    const site = await seed('Europe/Oslo', [visit('2024-04-20T08:00:00Z', 'Google', '/blog/a'), visit('2024-04-20T12:00:00Z', 'Bing', '/blog/b'), visit('2024-04-20T09:00:00Z', 'Google', '/blog/c', 4)], 'steady');
    await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 1000 });
    while ((await syncColumnarCopy(store.db, duck, 1000, NOW)).behind);
    const both = [['is', 'visit:channel', ['Organic Search']], ['contains', 'event:page', ['blog']]];
    const asked = (dimensions: string[], own: unknown[][] = []) => ({ metrics: ['visitors', 'visits'], date_range: '7d', dimensions, filters: [...both, ...own] });
    const flagReads = keptFlagReads;
    const served = await checkQueries(site, [
      asked([]),
      asked(['visit:source']),
      asked(['time:day']),
      asked(['visit:device'], [['is_not', 'visit:source', ['Google']]]),
      asked(['visit:device'], [['is_not', 'visit:source', ['Bing']]]),
      asked([], [['is_not', 'visit:source', ['Google']]]),
      asked([], [['is_not', 'visit:source', ['Bing']]]),
    ]);
    expect(served).toBe(7);
    expect(keptFlagReads).toBeGreaterThan(flagReads);
  });
});

/**
 * Top Pages as the dashboard asks (dashboard-api/view-queries/queries.ts): pages of page views alone, with
 * the metrics and time buckets the events rollups hold, and some they do not (bounce rate,
 * hours) beside.
 */
const topPagesArb = fc.record({
  metrics: fc.oneof(fc.constant(['visitors', 'pageviews']), fc.subarray(['visitors', 'visits', 'pageviews', 'events', 'bounce_rate'], { minLength: 1 })),
  dimensions: fc.constantFrom(['event:page'], ['event:page'], ['event:page', 'time:day'], ['time:week', 'event:page'], ['event:page', 'time:month'], ['event:page', 'time:hour'], [], ['time:day']),
  date_range: dateRangeArb,
  filters: fc.oneof(
    { weight: 4, arbitrary: fc.constant([['is', 'event:name', ['pageview']]]) },
    { weight: 1, arbitrary: fc.constantFrom([['is', 'event:name', ['pageview'], { case_sensitive: false }]], [['is', 'event:name', ['pageview']], ['contains', 'event:page', ['blog']]]) },
  ),
  compare: fc.constantFrom(undefined, 'previous_period'),
});

/**
 * How old the site's rollups are: built with Top Pages' rows (`new`), built before them and
 * not yet built back (`old`), or built back some days by maintenance since (a number).
 */
const ageArb = fc.oneof({ weight: 2, arbitrary: fc.constant<'new' | 'old'>('new') }, { weight: 1, arbitrary: fc.constant<'new' | 'old'>('old') }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }) });

describe('Top Pages (event:page under is event:name [pageview])', () => {
  it('answers alike five ways from the rollups\' own rows, on new, old and half built-back rollups', async () => {
    let served = 0;
    const before = pageReads.pages;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.oneof(fc.array(visitArb, { minLength: 1, maxLength: 60 }), fc.array(busyVisitArb, { minLength: 10, maxLength: 60 })),
        fc.array(topPagesArb, { minLength: 6, maxLength: 6 }),
        ageArb,
        async (zone, visits, queries, age) => {
          const site = await seed(zone, visits, 'random');
          await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 1000 });
          if (age !== 'new') {
            await makeRollupsOld(store.db, site.id);
            if (age !== 'old') await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 1000, maxPageviewDaysPerSite: age });
          }
          while ((await syncColumnarCopy(store.db, duck, 1000, NOW)).behind);
          served += await checkQueries(site, queries);
        },
      ),
      { numRuns: 30 },
    );
    expect(served).toBeGreaterThan(100);
    // Answered from Top Pages' rows, not only from raw rows and the copy.
    expect(pageReads.pages - before).toBeGreaterThan(30);
    expect(columnar.errors).toEqual([]);
  }, 300_000);
});
