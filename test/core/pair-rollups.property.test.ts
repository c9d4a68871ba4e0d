/**
 * Property: a query with one `is` filter of one value on a pair-rollup filter dimension
 * (pair-rollups.ts), answered from pair rollups for the days they hold and raw rows for the
 * rest, equals the raw-only answer and a plain count over the stored rows in JavaScript; and
 * filters pair rollups cannot answer exactly (several values, contains, case-insensitive,
 * filters on other dimensions) are read raw. Labels come and go from day to day; pair
 * rollups cover all, part or none of the period.
 */
import { apiBody, parsedOrRefused } from '../helpers/drawn-query.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/core/ports.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { buildPairRollups, PAIR_FILTER_DIMENSIONS, PAIR_GROUPED } from '../../server/core/pair-rollups.ts';
import { dimensionSpec, isTimeDimension } from '../../server/core/query/dimensions.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { leafMatches } from '../../server/core/query/filters.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import { readRollupState } from '../../server/core/query/rollup-state.ts';
import type { FilterLeaf, Query } from '../../server/core/query/types.ts';
import type { Site } from '../../server/core/sites.ts';
import { localDay } from '../../server/core/time.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './query/store.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const WINDOW_START = at('2024-03-01T00:00:00Z');
const DAYS = 40;
const NOW = at('2024-04-12T12:00:00Z');
const ZONES = ['Etc/UTC', 'Europe/Oslo', 'America/New_York', 'Pacific/Chatham'];

const POOLS: Record<string, Array<string | null>> = {
  country: ['NO', 'SE', null],
  source: ['Google', 'Twitter', null],
  channel: ['Organic Search', 'Direct', 'Referral'],
  device: ['Desktop', 'Mobile', null],
  browser: ['Chrome', 'Firefox', null],
  os: ['Windows', 'iOS', null],
  search_engine: ['Google', null],
  entry_page: ['/', '/blog'],
  exit_page: ['/', '/pricing'],
};

interface GenVisit {
  visitor: number;
  day: number;
  offset: number;
  attrs: Record<string, string | null>;
  events: Array<{ gap: number; name: string; path: string; site_search: string | null }>;
}

const visitArb: fc.Arbitrary<GenVisit> = fc.record({
  visitor: fc.integer({ min: 1, max: 5 }),
  day: fc.integer({ min: 0, max: DAYS - 1 }),
  offset: fc.integer({ min: 0, max: 86_399 }),
  attrs: fc.record(Object.fromEntries(Object.entries(POOLS).map(([k, pool]) => [k, fc.constantFrom(...pool)]))) as fc.Arbitrary<Record<string, string | null>>,
  events: fc.array(
    fc.record({
      gap: fc.integer({ min: 0, max: 3_000 }),
      name: fc.constantFrom('pageview', 'pageview', 'Signup'),
      path: fc.constantFrom('/', '/blog', '/pricing'),
      site_search: fc.constantFrom(null, null, 'red'),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

/** 'US' exists on every third day only: a filter label that appears and disappears. */
const usOnSomeDays = (v: GenVisit) => (v.day % 3 === 0 && v.visitor % 2 === 0 ? { country: 'US' } : {});

const pairDimensionArb = fc.constantFrom(...PAIR_FILTER_DIMENSIONS);
const valueArb = fc.constantFrom('NO', 'SE', 'US', 'Google', 'Twitter', 'Direct / None', '(not set)', 'Direct', 'Organic Search', 'Desktop', 'Mobile', 'Chrome', 'iOS', 'Windows');
const pairLeafArb = fc.tuple(pairDimensionArb, valueArb).map(([d, v]) => ['is', d, [v]]);
/** Filters pair rollups must not answer: several values, contains, case-insensitive, or a second filter on another dimension. */
const otherLeafArb = fc.oneof(
  fc.tuple(pairDimensionArb, valueArb, valueArb).map(([d, a, b]) => ['is', d, [a, b]]),
  fc.tuple(pairDimensionArb, fc.constantFrom('o', 'e', 'i')).map(([d, v]) => ['contains', d, [v]]),
  fc.tuple(pairDimensionArb, valueArb).map(([d, v]) => ['is', d, [v.toLowerCase()], { case_sensitive: false }]),
  fc.tuple(pairDimensionArb, valueArb).map(([d, v]) => ['is_not', d, [v]]),
);
const GROUPED = [...PAIR_GROUPED.visits.filter((d) => d !== ''), ...PAIR_GROUPED.events, 'visit:referrer'];
const dimensionsArb = fc.oneof(
  fc.constant([] as string[]),
  fc.constantFrom('time:day', 'time:week', 'time:month').map((d) => [d]),
  fc.constantFrom(...GROUPED).map((d) => [d]),
  fc.constantFrom('visit:country_name').map((d) => [d]),
);
const queryArb = fc
  .record({
    metrics: fc.subarray(['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events', 'percentage'], { minLength: 1 }),
    dimensions: dimensionsArb,
    pair: pairLeafArb,
    // Another filter on the grouped dimension (picks groups), one pair rollups cannot answer, or none.
    extra: fc.constantFrom('none', 'none', 'grouped', 'other'),
    otherLeaf: otherLeafArb,
    groupedValue: valueArb,
    date_range: fc.oneof(
      fc.constantFrom('7d', '30d', 'month', '6mo', '12mo', 'all'),
      fc.tuple(fc.integer({ min: 0, max: DAYS }), fc.integer({ min: 0, max: DAYS })).map(([a, b]) =>
        [a, b].sort((x, y) => x - y).map((n) => new Date((WINDOW_START + n * 86_400) * 1000).toISOString().slice(0, 10)),
      ),
    ),
    compare: fc.constantFrom(undefined, 'previous_period'),
  })
  .map((q) => {
    const grouped = q.dimensions.find((d) => !isTimeDimension(d));
    const filters: unknown[][] = [q.pair];
    if (q.extra === 'grouped' && grouped) filters.push(['is_not', grouped, [q.groupedValue]]);
    if (q.extra === 'other') filters.push(q.otherLeaf);
    // A leaf on the grouped dimension picks among its groups, which pair rollups may answer.
    const extra = q.extra === 'other' && q.otherLeaf[1] === grouped ? 'grouped' : q.extra;
    return { ...q, extra, filters };
  });

let store: TestStore;
let sites = 0;
beforeAll(() => {
  store = openTestStore();
});
afterAll(() => store.close());

async function seed(zone: string, visits: GenVisit[]): Promise<Site> {
  sites += 1;
  const site = await addSite(store.db, `pairs${sites}.example`, zone);
  for (const v of visits) {
    let ts = WINDOW_START + v.day * 86_400 + v.offset;
    const events = v.events.map((e) => ({ ts: (ts += e.gap), name: e.name, path: e.path, site_search: e.site_search }));
    insertVisitWithEvents(store.db, site.id, { visitor: v.visitor, channel: 'Direct', ...v.attrs, ...usOnSomeDays(v) }, events);
  }
  return site;
}

/** Pair rollups over all, part or none of the rolled-up days: `cover` days from `from` days after the first. */
async function coverPairs(site: Site, from: number, cover: number): Promise<void> {
  await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 1000, pairRollups: true });
  const state = await readRollupState(store.db, site.id);
  if (!state?.pairs) return;
  const first = new Date((Date.parse(`${state.pairs.first}T00:00:00Z`) / 1000 + from * 86_400) * 1000).toISOString().slice(0, 10);
  store.db.raw.prepare('DELETE FROM rollup_pair_visits WHERE site_id = ?').run(site.id);
  store.db.raw.prepare('DELETE FROM rollup_pair_events WHERE site_id = ?').run(site.id);
  store.db.raw.prepare('DELETE FROM rollup_pair_state WHERE site_id = ?').run(site.id);
  // Built from a later first day, as after retention: raw rows are still there, so the planner reads them before it.
  await buildPairRollups(store.db, site, { ...state, pairs: null, rawKeptFrom: first }, cover);
  store.db.raw.prepare('UPDATE rollup_state SET raw_kept_from = NULL WHERE site_id = ?').run(site.id);
}

/** Visitors, visits and pageviews of the visits passing one leaf per day, grouped by local day: the plain count for a KPI query. */
function plainTotals(site: Site, q: Query, leaf: FilterLeaf): { visitors: number; visits: number; pageviews: number } {
  const rows = store.db.raw.prepare('SELECT * FROM visits WHERE site_id = ? AND started_at >= ? AND started_at < ?').all(site.id, q.period.start, q.period.end) as Array<Record<string, string | number | null>>;
  const spec = dimensionSpec(leaf.dimension)!;
  const passing = rows.filter((v) => leafMatches(leaf, v[spec.column!] === null ? spec.nullLabel : String(v[spec.column!])));
  const dayVisitors = new Set(passing.map((v) => `${localDay((v.started_at as number) * 1000, site.timezone)}|${v.visitor}`));
  return { visitors: dayVisitors.size, visits: passing.length, pageviews: passing.reduce((n, v) => n + (v.pageviews as number), 0) };
}

/** A Db that counts the statements reading pair rollups. */
function counting(db: Db): { db: Db; pairReads: () => number } {
  let n = 0;
  const seen = (sql: string) => (/FROM rollup_pair_(visits|events)/.test(sql) ? (n += 1) : n);
  return {
    db: { ...db, all: (sql, params) => (seen(sql), db.all(sql, params)), first: (sql, params) => (seen(sql), db.first(sql, params)) } as Db,
    pairReads: () => n,
  };
}

describe('pair rollups', () => {
  it('answer one-label filtered queries as the raw path and a plain count do, and leave other filters to the raw path', async () => {
    let pairAnswered = 0;
    let rawAnswered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.array(visitArb, { minLength: 1, maxLength: 50 }),
        fc.tuple(fc.integer({ min: 0, max: 15 }), fc.constantFrom(0, 5, 20, 1000)),
        fc.array(queryArb, { minLength: 5, maxLength: 5 }),
        async (zone, visits, [from, cover], queries) => {
          const site = await seed(zone, visits);
          await coverPairs(site, from, cover);
          for (const body of queries) {
            const query = parsedOrRefused(() => parseQuery(apiBody(site.domain, body), site, NOW, '2024-03-01'));
            if (!query) continue;
            const counted = counting(store.db);
            const planned = await runQuery(counted.db, query);
            expect(planned).toEqual(await runQuery(store.db, query, { useRollups: false }));
            if (counted.pairReads() > 0) pairAnswered += 1;
            if (body.extra === 'other') {
              expect(counted.pairReads(), JSON.stringify(body.filters)).toBe(0);
              rawAnswered += 1;
            }
            if (body.dimensions.length === 0 && body.extra === 'none') {
              const plain = plainTotals(site, query, query.filters[0] as FilterLeaf);
              const value = (m: string) => planned.results[0]!.metrics[query.metrics.indexOf(m as never)];
              for (const m of ['visitors', 'visits', 'pageviews'] as const) if (query.metrics.includes(m)) expect(value(m)).toBe(plain[m]);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
    expect(pairAnswered).toBeGreaterThan(40);
    expect(rawAnswered).toBeGreaterThan(10);
  }, 300_000);
});
