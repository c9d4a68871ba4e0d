/**
 * Property: for random event streams, random goals (page goals with wildcards, event goals
 * with and without a property, revenue goals) and random goal queries (the goal breakdown,
 * goal filters on visit and event breakdowns, conversion rates, revenue), the planner's
 * answer (rollups where it can, raw tables, the columnar copy of closed days) equals a
 * brute-force count over the stored raw events in JavaScript, built on goalMatchesEvent.
 * The goal rollups (migration 0022) are read where they cover the period, also right after
 * goals were added and removed with only part of their history rolled up again, and across
 * midnight when a visit completes its goal the day after it started.
 */
import { countedColumns, type ColumnarTally } from '../helpers/counted-columns.ts';
import { parsedOrRefused } from '../helpers/drawn-query.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { syncColumnarCopy } from '../../server/core/columnar/sync.ts';
import { addGoal, type Goal, listGoals, parseGoal, removeGoal } from '../../server/core/goals/goals.ts';
import type { Db } from '../../server/core/ports.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { openDuckStore, type DuckStore } from '../../server/node/columnar/duckdb-store.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { leafMatches } from '../../server/core/query/filters.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import type { FilterLeaf, Query } from '../../server/core/query/types.ts';
import type { Site } from '../../server/core/sites.ts';
import { localDay } from '../../server/core/time.ts';
import { goalMatchesEvent } from '../../server/core/goals/goals.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './query/store.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const WINDOW_START = at('2024-03-01T00:00:00Z');
const WINDOW_END = at('2024-03-20T00:00:00Z');
const NOW = at('2024-03-18T12:00:00Z');
const ZONES = ['Etc/UTC', 'Europe/Oslo', 'America/New_York'];

const eventArb = fc.record({
  gap: fc.integer({ min: 0, max: 2400 }),
  name: fc.constantFrom('pageview', 'pageview', 'pageview', 'Signup', 'Purchase', 'Click'),
  path: fc.constantFrom('/', '/blog', '/blog/post', '/en/thanks', '/pricing'),
  props: fc.constantFrom({}, {}, { plan: 'pro' }, { plan: 'free' }),
  revenue: fc.option(fc.record({ amount: fc.integer({ min: 1, max: 99_999 }).map((c) => (c / 100).toFixed(2)), currency: fc.constantFrom('EUR', 'EUR', 'USD') }), { nil: null }),
});

const visitArb = fc.record({
  visitor: fc.integer({ min: 1, max: 5 }),
  start: fc.integer({ min: WINDOW_START, max: WINDOW_END }),
  source: fc.constantFrom('Google', 'Twitter', null),
  events: fc.array(eventArb, { minLength: 1, maxLength: 4 }),
});

const GOALS = [
  { kind: 'page', pagePath: '/blog**' },
  { kind: 'page', pagePath: '/*/thanks' },
  { kind: 'page', pagePath: '/pricing' },
  { kind: 'page', pagePath: '/**' },
  { kind: 'event', eventName: 'Signup' },
  { kind: 'event', eventName: 'Signup', prop: { plan: 'pro' } },
  { kind: 'event', eventName: 'Purchase', currency: 'EUR' },
  { kind: 'event', eventName: 'Click', currency: 'USD' },
] as const;
const NAMES = ['Visit /blog**', 'Visit /*/thanks', 'Visit /pricing', 'Visit /**', 'Signup', 'Signup (plan: pro)', 'Purchase', 'Click', 'sign', 'Visit'];

const goalFilterArb = fc.tuple(
  fc.constantFrom('is', 'is', 'is_not', 'contains'),
  fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 2 }),
  fc.constantFrom(undefined, { case_sensitive: false }),
).map(([op, values, modifiers]) => ['event:goal', op, values, modifiers] as const);

const queryArb = fc.record({
  dimensions: fc.constantFrom([], ['event:goal'], ['event:goal', 'time:day'], ['event:goal', 'visit:source'], ['visit:source'], ['event:page'], ['time:day']),
  goalFilters: fc.array(goalFilterArb, { maxLength: 2 }),
  otherFilter: fc.constantFrom(null, ['is', 'visit:source', ['Google']], ['is', 'event:page', ['/pricing', '/blog']], ['is', 'event:props:plan', ['pro']]),
  metrics: fc.subarray(['visitors', 'visits', 'events', 'pageviews', 'conversion_rate', 'group_conversion_rate', 'total_revenue', 'average_revenue'], { minLength: 1 }),
  range: fc.constantFrom<unknown>('7d', '30d', 'month', ['2024-03-05', '2024-03-18']),
});

interface StoredEvent {
  id: number;
  visit_id: number;
  visitor: number;
  ts: number;
  name: string;
  path: string;
  revenue_amount: string | null;
  revenue_currency: string | null;
  props: Array<[string, string]>;
}
interface StoredVisit {
  id: number;
  visitor: number;
  started_at: number;
  source: string | null;
  pageviews: number;
  events: number;
}

function readStored(store: TestStore, siteId: number): { visits: StoredVisit[]; events: StoredEvent[] } {
  const visits = store.db.raw.prepare('SELECT id, visitor, started_at, source, pageviews, events FROM visits WHERE site_id = ?').all(siteId) as StoredVisit[];
  const rows = store.db.raw.prepare('SELECT id, visit_id, visitor, ts, name, path, revenue_amount, revenue_currency FROM events WHERE site_id = ?').all(siteId) as StoredEvent[];
  const events = rows.map((e) => ({ ...e, props: [] as Array<[string, string]> }));
  const byId = new Map(events.map((e) => [e.id, e]));
  for (const p of store.db.raw.prepare('SELECT event_id, key, value FROM event_props WHERE site_id = ?').all(siteId) as Array<{ event_id: number; key: string; value: string }>) {
    byId.get(p.event_id)!.props.push([p.key, p.value]);
  }
  return { visits, events };
}

const round = (n: number, d: number, decimals: number) => Math.floor((2 * n * 10 ** decimals + d) / (2 * d)) / 10 ** decimals;
const money = (x: number) => Math.round(x * 1000) / 1000;

/** The meaning of a goal query, computed the plain way over the stored rows. */
function reference(data: { visits: StoredVisit[]; events: StoredEvent[] }, q: Query): Map<string, unknown[]> {
  const tz = q.site.timezone;
  const inPeriod = (ts: number) => ts >= q.period.start && ts < q.period.end;
  const visitById = new Map(data.visits.map((v) => [v.id, v]));
  const completes = (e: StoredEvent, g: Goal) => goalMatchesEvent(g, { name: e.name, path: e.path, props: e.props });
  const leaves = q.filters as FilterLeaf[];
  const goalLeaves = leaves.filter((f) => f.dimension === 'event:goal');
  const eventLabel = (e: StoredEvent, dim: string): string => {
    if (dim === 'event:page') return e.path;
    if (dim === 'event:props:plan') return e.props.find(([k]) => k === 'plan')?.[1] ?? '(none)';
    return visitById.get(e.visit_id)!.source ?? 'Direct / None';
  };
  const eventLeafPasses = (f: FilterLeaf, e: StoredEvent) => {
    if (f.dimension !== 'event:goal') return leafMatches(f, eventLabel(e, f.dimension));
    const hit = q.goals.some((g) => leafMatches({ ...f, op: f.op === 'is_not' ? 'is' : f.op }, g.displayName) && completes(e, g));
    return f.op === 'is_not' ? !hit : hit;
  };
  const isEventLeaf = (f: FilterLeaf) => f.dimension !== 'visit:source';
  /** Visits passing `filters`: visit leaves on the visit, event leaves through one event passing them all. */
  const visitsPassing = (filters: FilterLeaf[]) =>
    data.visits.filter((v) => {
      if (!inPeriod(v.started_at)) return false;
      if (!filters.filter((f) => !isEventLeaf(f)).every((f) => leafMatches(f, v.source ?? 'Direct / None'))) return false;
      const events = filters.filter(isEventLeaf);
      return events.length === 0 || data.events.some((e) => e.visit_id === v.id && inPeriod(e.ts) && events.every((f) => eventLeafPasses(f, e)));
    });
  const eventsPassing = (filters: FilterLeaf[]) => data.events.filter((e) => inPeriod(e.ts) && filters.every((f) => eventLeafPasses(f, e)));
  const dayVisitors = (rows: Array<{ visitor: number; ts: number }>) => new Set(rows.map((r) => `${localDay(r.ts * 1000, tz)}|${r.visitor}`)).size;
  const dayVisits = (rows: StoredEvent[]) => new Set(rows.map((r) => `${localDay(r.ts * 1000, tz)}|${r.visit_id}`)).size;

  const byGoal = q.dimensions.includes('event:goal');
  const byEvent = byGoal || q.dimensions.includes('event:page');
  const breakdownGoals = q.goals.filter((g) => goalLeaves.every((f) => leafMatches(f, g.displayName)));
  /** Each event's key rows: one per goal it completes in a goal breakdown. */
  const eventKeys = (e: StoredEvent, dims: string[]): string[][] => {
    const goals = dims.includes('event:goal') ? breakdownGoals.filter((g) => completes(e, g)) : [null];
    return goals.map((g) => dims.map((d) => (d === 'event:goal' ? g!.displayName : d === 'time:day' ? localDay(e.ts * 1000, tz) : eventLabel(e, d))));
  };
  const visitKey = (v: StoredVisit, dims: string[]) => dims.map((d) => (d === 'time:day' ? localDay(v.started_at * 1000, tz) : v.source ?? 'Direct / None'));
  const groupEvents = (rows: StoredEvent[], dims: string[]) => {
    const groups = new Map<string, StoredEvent[]>();
    for (const e of rows) for (const key of eventKeys(e, dims)) groups.set(JSON.stringify(key), [...(groups.get(JSON.stringify(key)) ?? []), e]);
    return groups;
  };
  const visitorsBy = (filters: FilterLeaf[], dims: string[]): Map<string, number> => {
    if (dims.some((d) => d.startsWith('event:'))) return new Map([...groupEvents(eventsPassing(filters), dims)].map(([k, rows]) => [k, dayVisitors(rows)]));
    const groups = new Map<string, StoredVisit[]>();
    for (const v of visitsPassing(filters)) groups.set(JSON.stringify(visitKey(v, dims)), [...(groups.get(JSON.stringify(visitKey(v, dims))) ?? []), v]);
    return new Map([...groups].map(([k, rows]) => [k, dayVisitors(rows.map((v) => ({ visitor: v.visitor, ts: v.started_at })))]));
  };

  const events = groupEvents(eventsPassing(leaves), q.dimensions);
  const visits = new Map<string, StoredVisit[]>();
  if (!byEvent) for (const v of visitsPassing(leaves)) visits.set(JSON.stringify(visitKey(v, q.dimensions)), [...(visits.get(JSON.stringify(visitKey(v, q.dimensions))) ?? []), v]);
  // Visit-level rows: without event filters, a visit's own counters are its pageviews and
  // events; with them, the events passing them give those, and their groups count too.
  const fromCounters = !byEvent && !leaves.some(isEventLeaf);
  const needEvents = !fromCounters && q.metrics.some((m) => ['events', 'pageviews', 'total_revenue', 'average_revenue'].includes(m));
  const keys = new Set(byEvent ? events.keys() : [...visits.keys(), ...(needEvents ? events.keys() : [])]);
  if (q.dimensions.length === 0) keys.add('[]');

  const withoutGoals = leaves.filter((f) => f.dimension !== 'event:goal' && !f.dimension.startsWith('event:props:'));
  const conversionTotal = visitorsBy(withoutGoals, []).get('[]') ?? 0;
  const groupDims = q.dimensions.filter((d) => d !== 'event:goal');
  const groupTotals = visitorsBy(withoutGoals, groupDims);

  const revenueGoals = breakdownGoals.filter((g) => g.kind === 'event' && g.currency);
  const currencies = new Set(revenueGoals.map((g) => (g.kind === 'event' ? g.currency : null)));
  const revenueOf = (key: string): { total: number; n: number } | null => {
    if (currencies.size === 0 || (!byGoal && currencies.size > 1)) return null;
    const label = JSON.parse(key) as string[];
    const goals = byGoal ? revenueGoals.filter((g) => g.displayName === label[q.dimensions.indexOf('event:goal')]) : revenueGoals;
    if (goals.length === 0) return null;
    let total = 0;
    let n = 0;
    for (const e of eventsPassing(leaves)) {
      if (e.revenue_amount === null || !goals.some((g) => completes(e, g) && g.kind === 'event' && g.currency === e.revenue_currency)) continue;
      const ek = byEvent ? eventKeys(e, q.dimensions).map((k) => JSON.stringify(k)) : [JSON.stringify(visitKeyOfEvent(e))];
      if (!ek.includes(key)) continue;
      total += Number(e.revenue_amount);
      n += 1;
    }
    return { total, n };
  };
  const visitKeyOfEvent = (e: StoredEvent) => q.dimensions.map((d) => (d === 'time:day' ? localDay(e.ts * 1000, tz) : visitById.get(e.visit_id)!.source ?? 'Direct / None'));

  const out = new Map<string, unknown[]>();
  for (const key of keys) {
    const ev = events.get(key) ?? [];
    const vs = visits.get(key) ?? [];
    const visitors = byEvent ? dayVisitors(ev) : dayVisitors(vs.map((v) => ({ visitor: v.visitor, ts: v.started_at })));
    const label = JSON.parse(key) as string[];
    const groupKey = JSON.stringify(label.filter((_, i) => q.dimensions[i] !== 'event:goal'));
    out.set(key, q.metrics.map((m) => {
      switch (m) {
        case 'visitors': return visitors;
        case 'visits': return byEvent ? dayVisits(ev) : vs.length;
        case 'events': return fromCounters ? vs.reduce((n, v) => n + v.pageviews + v.events, 0) : ev.length;
        case 'pageviews': return fromCounters ? vs.reduce((n, v) => n + v.pageviews, 0) : ev.filter((e) => e.name === 'pageview').length;
        case 'conversion_rate': return conversionTotal > 0 ? round(100 * visitors, conversionTotal, 1) : 0;
        case 'group_conversion_rate': {
          const total = groupTotals.get(groupKey) ?? 0;
          return total > 0 ? round(100 * visitors, total, 1) : 0;
        }
        default: {
          const r = revenueOf(key);
          if (r === null) return null;
          return m === 'total_revenue' ? money(r.total) : r.n > 0 ? money(r.total / r.n) : 0;
        }
      }
    }));
  }
  return out;
}

let store: TestStore;
let duck: DuckStore;
let sites = 0;
const columnar: ColumnarTally = { reads: 0, errors: [] };
beforeAll(async () => {
  store = openTestStore();
  duck = await openDuckStore({ path: join(store.dir, 'columns.duckdb'), memoryLimit: '128MB', threads: 1 });
});
afterAll(() => {
  duck.close();
  store.close();
});

type GenVisit = typeof visitArb extends fc.Arbitrary<infer T> ? T : never;

async function seed(zone: string, visits: GenVisit[], goals: ReadonlyArray<(typeof GOALS)[number]>): Promise<Site> {
  sites += 1;
  const site = await addSite(store.db, `goals${sites}.example`, zone);
  for (const v of visits) {
    let ts = v.start;
    const events = v.events.map((e) => ({ ts: (ts += e.gap), name: e.name, path: e.path, props: e.props as Record<string, string> }));
    const visitId = insertVisitWithEvents(store.db, site.id, { visitor: v.visitor, channel: 'Direct', source: v.source }, events);
    const ids = store.db.raw.prepare('SELECT id FROM events WHERE visit_id = ? ORDER BY id').all(visitId) as Array<{ id: number }>;
    v.events.forEach((e, i) => {
      if (e.revenue) store.db.raw.prepare('UPDATE events SET revenue_amount = ?, revenue_currency = ? WHERE id = ?').run(e.revenue.amount, e.revenue.currency, ids[i]!.id);
    });
  }
  for (const g of goals) await addGoal(store.db, site.id, parseGoal(g), NOW * 1000);
  return site;
}

describe('goal queries agree with a brute-force count over raw events', () => {
  it('for random event streams, goals and goal queries, on every path', async () => {
    let served = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.array(visitArb, { minLength: 1, maxLength: 25 }),
        // Any subset: event goals alone are read as event:name (rollups, flags), others by their conditions.
        fc.subarray([...GOALS], { minLength: 1 }),
        fc.array(queryArb, { minLength: 5, maxLength: 5 }),
        async (zone, visits, chosen, queries) => {
          const site = await seed(zone, visits, chosen);
          await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 1000 });
          while ((await syncColumnarCopy(store.db, duck, 1000, NOW)).behind);
          const goals = await listGoals(store.db, site.id);
          const data = readStored(store, site.id);
          for (const body of queries) {
            const filters = [...body.goalFilters.map(([dim, op, values, modifiers]) => (modifiers ? [op, dim, values, modifiers] : [op, dim, values])), ...(body.otherFilter ? [body.otherFilter] : [])];
            const query = parsedOrRefused(() => parseQuery({ site_id: site.domain, metrics: body.metrics, date_range: body.range, dimensions: body.dimensions, filters }, site, NOW, '2024-03-01', goals));
            if (!query) continue;
            const raw = await runQuery(store.db, query, { useRollups: false });
            expect(await runQuery(store.db, query)).toEqual(raw);
            const columns = countedColumns(duck, columnar);
            expect(await runQuery(store.db, query, { useRollups: true, columnar: columns })).toEqual(raw);
            const expected = reference(data, query);
            const plain = (m: unknown) => (m !== null && typeof m === 'object' ? (m as { value: number }).value : m);
            const got = new Map(raw.results.map((r) => [JSON.stringify(r.dimensions), r.metrics.map(plain)]));
            expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
            served += 1;
          }
        },
      ),
      { numRuns: 30 },
    );
    expect(served).toBeGreaterThan(40);
    expect(columnar.reads).toBeGreaterThan(30);
    expect(columnar.errors).toEqual([]);
  }, 300_000);
});

/** store.db, counting the reads of goal rollup rows. */
let goalRollupReads = 0;
const counting = (): Db => ({
  all: (sql, params) => {
    if (/goal_rollup_(visits|events)/.test(sql)) goalRollupReads += 1;
    return store.db.all(sql, params);
  },
  first: (sql, params) => store.db.first(sql, params),
  run: (sql, params) => store.db.run(sql, params),
  batch: (stmts) => store.db.batch(stmts),
});

/** The planner's answers (goal rollups, raw, columnar) and the brute-force count, for one query body. */
async function checkQuery(site: Site, goals: Goal[], body: Record<string, unknown>): Promise<boolean> {
  const query = parsedOrRefused(() => parseQuery({ site_id: site.domain, ...body }, site, NOW, '2024-03-01', goals));
  if (!query) return false;
  const raw = await runQuery(store.db, query, { useRollups: false });
  expect(await runQuery(counting(), query)).toEqual(raw);
  expect(await runQuery(counting(), query, { useRollups: true, columnar: { coverage: duck.coverage, all: (sql, params, sets) => duck.all(sql, params, sets) } })).toEqual(raw);
  const plain = (m: unknown) => (m !== null && typeof m === 'object' ? (m as { value: number }).value : m);
  const got = new Map(raw.results.map((r) => [JSON.stringify(r.dimensions), r.metrics.map(plain)]));
  expect(Object.fromEntries(got)).toEqual(Object.fromEntries(reference(readStored(store, site.id), query)));
  return true;
}

const goalQueryArb = fc.record({
  dimensions: fc.constantFrom([], ['time:day'], ['visit:source'], ['event:goal'], ['event:goal', 'time:day'], ['event:page']),
  goal: fc.nat(),
  /** One goal (the goal rollups' case), two (not additive: read the present way) or none. */
  count: fc.constantFrom(1, 1, 1, 2, 0),
  /** A filter on the source: with the source breakdown, it picks whole rows of the goal rollups. */
  other: fc.constantFrom(null, null, ['is_not', 'visit:source', ['Google']], ['is', 'visit:source', ['Twitter', 'Direct / None']]),
  metrics: fc.subarray(['visitors', 'visits', 'events', 'pageviews', 'conversion_rate'], { minLength: 1 }),
  range: fc.constantFrom<unknown>('7d', '30d', 'month', ['2024-03-05', '2024-03-18'], ['2024-03-02', '2024-03-02'], ['2024-03-09', '2024-03-10']),
});

describe('goal rollups agree with raw events while goals change', () => {
  it('after goals are added and removed, with part of their history rolled up again', async () => {
    goalRollupReads = 0;
    let served = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.array(visitArb, { minLength: 1, maxLength: 25 }),
        fc.subarray([...GOALS], { minLength: 1 }),
        fc.subarray([...GOALS]),
        fc.integer({ min: 0, max: 40 }),
        fc.array(goalQueryArb, { minLength: 6, maxLength: 6 }),
        async (zone, visits, before, after, budget, queries) => {
          const site = await seed(zone, visits, before);
          await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 1000 });
          while ((await syncColumnarCopy(store.db, duck, 1000, NOW)).behind);
          // Goals change after their days were rolled up: some go, others come; one pass rolls part of it up.
          const old = await listGoals(store.db, site.id);
          for (const g of old.slice(0, Math.ceil(old.length / 2))) await removeGoal(store.db, site.id, g.id);
          for (const g of after) await addGoal(store.db, site.id, parseGoal(g), NOW * 1000);
          await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: budget });
          const goals = await listGoals(store.db, site.id);
          if (goals.length === 0) return;
          for (const q of queries) {
            const names = Array.from({ length: q.count }, (_, i) => goals[(q.goal + i) % goals.length]!.displayName);
            const filters = [...(names.length > 0 ? [['is', 'event:goal', [...new Set(names)]]] : []), ...(q.other ? [q.other] : [])];
            if (await checkQuery(site, goals, { metrics: q.metrics, date_range: q.range, dimensions: q.dimensions, filters })) served += 1;
          }
        },
      ),
      // A run over a minute (one took the whole 300 s once in a clean clone, not reproduced in
      // 900 runs since) fails at once with its seed and values, instead of an opaque timeout.
      { numRuns: 25, timeout: 60_000, endOnFailure: true },
    );
    expect(served).toBeGreaterThan(60);
    expect(goalRollupReads).toBeGreaterThan(20);
  }, 300_000);

  it('counts a visit that completes its goal after midnight only in periods reaching the conversion', async () => {
    const site = await seed('Etc/UTC', [], [{ kind: 'page', pagePath: '/pricing' }]);
    const before = at('2024-03-09T23:50:00Z');
    insertVisitWithEvents(store.db, site.id, { visitor: 7, channel: 'Direct', source: 'Google' }, [
      { ts: before, name: 'pageview', path: '/' },
      { ts: before + 1200, name: 'pageview', path: '/pricing' },
    ]);
    insertVisitWithEvents(store.db, site.id, { visitor: 8, channel: 'Direct', source: null }, [{ ts: at('2024-03-09T12:00:00Z'), name: 'pageview', path: '/pricing' }]);
    await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 1000 });
    while ((await syncColumnarCopy(store.db, duck, 1000, NOW)).behind);
    const goals = await listGoals(store.db, site.id);
    expect(store.db.raw.prepare('SELECT day FROM goal_rollup_pending WHERE site_id = ?').pluck().all(site.id)).toEqual(['2024-03-09']);
    const reads = goalRollupReads;
    const visitors = async (range: [string, string]) => {
      const body = { metrics: ['visitors', 'visits'], date_range: range, dimensions: ['time:day'], filters: [['is', 'event:goal', ['Visit /pricing']]] };
      expect(await checkQuery(site, goals, body)).toBe(true);
      const query = parseQuery({ site_id: site.domain, ...body }, site, NOW, '2024-03-01', goals);
      return (await runQuery(counting(), query)).results.map((r) => [r.dimensions[0], r.metrics[0]]);
    };
    expect(await visitors(['2024-03-09', '2024-03-09'])).toEqual([['2024-03-09', 1]]);
    expect(await visitors(['2024-03-08', '2024-03-10'])).toEqual([['2024-03-09', 2]]);
    expect(await visitors(['2024-03-01', '2024-03-08'])).toEqual([]);
    expect(goalRollupReads).toBeGreaterThan(reads);
  });
});
