/**
 * Property: a site with own visits and imported days answers a query with
 * `include.imports` exactly as a site that counted the imported visits itself (the plain
 * sum of both), whenever it says imports were included; when it says they were not, it
 * answers from own data alone, as without `include.imports`, and names a Plausible reason.
 * Own days are read through rollups, raw rows and both; imported days from the tables.
 */
import { parsedOrRefused } from '../helpers/drawn-query.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { runQuery, type QueryResponse } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import type { Query } from '../../server/core/query/types.ts';
import type { Site } from '../../server/core/sites.ts';
import { dayStart } from '../../server/core/time.ts';
import { acquisitionOf, importStatements, type ImportedVisit } from '../shared/imported-rows.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './query/store.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const NOW = at('2024-04-25T12:00:00Z');
const OWN_START = at('2024-03-10T00:00:00Z');
const OWN_END = at('2024-04-24T00:00:00Z');
const ZONES = ['Etc/UTC', 'Europe/Oslo', 'America/New_York'];
const FIRST_IMPORTED = '2024-02-01';

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const importedDayArb = fc.integer({ min: 0, max: 37 }).map((n) => new Date(Date.parse(`${FIRST_IMPORTED}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10));

const importedVisitArb: fc.Arbitrary<ImportedVisit> = fc.record({
  day: importedDayArb,
  page: pick('/', '/blog', '/Blog/post', '/pricing'),
  hostname: pick('example.com', 'shop.example.com'),
  source: pick('Google', 'Bing', 'newsletter', ''),
  referrer: pick('google.com', ''),
  utm_medium: pick('cpc', 'email', ''),
  utm_campaign: pick('spring', ''),
  utm_term: pick('privacy analytics', ''),
  // Words an importer gives (WP Statistics), else the classifier's (utm_term).
  search_keyword: pick('wordpress stats', '', ''),
  country: pick('NO', 'SE', ''),
  region: pick('NO-03', 'SE-AB', ''),
  city_name: pick('Oslo', ''),
  browser: pick('Chrome', 'Firefox', ''),
  browser_version: pick('120', ''),
  os: pick('Windows', 'iOS', ''),
  os_version: pick('10', ''),
  device: pick('Desktop', 'Mobile', ''),
  pageviews: fc.integer({ min: 1, max: 3 }),
  duration: fc.integer({ min: 0, max: 600 }),
  custom: pick(null, null, 'Signup', 'Click'),
});

const ownVisitArb = fc.record({
  visitor: fc.integer({ min: 1, max: 6 }),
  start: fc.integer({ min: OWN_START, max: OWN_END }),
  source: pick('Google', 'Twitter', null),
  country: pick('NO', 'US', null),
  browser: pick('Chrome', 'Safari', null),
  device: pick('Desktop', 'Mobile', null),
  events: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 900 }), name: pick('pageview', 'pageview', 'Signup'), path: pick('/', '/blog', '/about') }), {
    minLength: 1,
    maxLength: 3,
  }),
});
type OwnVisit = typeof ownVisitArb extends fc.Arbitrary<infer T> ? T : never;

const DIMENSIONS = [
  'time:day', 'time:week', 'time:month', 'time:hour', 'event:page', 'event:name', 'event:hostname', 'visit:source', 'visit:referrer',
  'visit:utm_medium', 'visit:utm_campaign', 'visit:country', 'visit:country_name', 'visit:region', 'visit:city_name', 'visit:browser',
  'visit:browser_version', 'visit:os', 'visit:os_version', 'visit:device', 'visit:entry_page', 'visit:exit_page', 'visit:channel',
  'visit:search_engine', 'visit:search_keyword', 'visit:utm_term',
];
const FILTERED = DIMENSIONS.filter((d) => !d.startsWith('time:'));
const VALUES = ['Google', 'Direct / None', '(not set)', 'NO', 'Norway', 'Oslo', 'Chrome', '/', '/blog', 'blog', 'pageview', 'Signup', 'Desktop', 'example.com', 'cpc', '120', 'Organic Search', 'Paid Search', 'Email', 'Bing', 'privacy analytics', 'wordpress'];
const METRICS = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events', 'percentage'];

const leafArb = fc
  .tuple(pick('is', 'is_not', 'contains', 'contains_not'), pick(...FILTERED), fc.array(pick(...VALUES), { minLength: 1, maxLength: 2 }))
  .map(([op, dim, values]) => [op, dim, values]);
const filterArb: fc.Arbitrary<unknown[]> = fc.oneof(
  { weight: 4, arbitrary: leafArb },
  { weight: 1, arbitrary: fc.tuple(pick('and', 'or'), fc.array(leafArb, { minLength: 1, maxLength: 2 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('not'), leafArb) },
);
const queryArb = fc.record({
  metrics: fc.subarray(METRICS, { minLength: 1, maxLength: 3 }),
  dimensions: fc.oneof(fc.constant([]), fc.tuple(pick(...DIMENSIONS)), fc.tuple(pick('time:day', 'time:week', 'time:month'), pick(...FILTERED))),
  date_range: pick<unknown>('all', 'year', '2mo', ['2024-02-01', '2024-03-31'], ['2024-02-10', '2024-02-20'], ['2024-03-20', '2024-04-20']),
  filters: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(filterArb, { minLength: 1, maxLength: 2 }) }),
  compare: pick(undefined, undefined, 'previous_period', 'year_over_year'),
});

let store: TestStore;
let sites = 0;
let importIds = 0;
beforeAll(() => {
  store = openTestStore();
});
afterAll(() => store.close());

function storeOwn(site: Site, visits: OwnVisit[]): void {
  for (const v of visits) {
    let ts = v.start;
    const events = v.events.map((e) => ({ ts: (ts += e.gap), name: e.name, path: e.path }));
    insertVisitWithEvents(store.db, site.id, { visitor: v.visitor, source: v.source, country: v.country, browser: v.browser, device: v.device }, events);
  }
}

const orNull = (text: string) => (text === '' ? null : text);

/** The imported visits as own visits: at noon of their local day, each its own visitor. */
function storeImportedAsOwn(site: Site, visits: ImportedVisit[]): void {
  visits.forEach((v, n) => {
    const acquisition = acquisitionOf(v);
    const start = dayStart(site.timezone, v.day) + 12 * 3600;
    const pages = Array.from({ length: v.pageviews }, (_, i) => ({ ts: start + i, path: v.page, hostname: v.hostname }));
    const events = v.custom ? [...pages, { ts: start + v.pageviews, name: v.custom, path: v.page, hostname: v.hostname }] : pages;
    insertVisitWithEvents(
      store.db,
      site.id,
      {
        visitor: 100_000 + n,
        ended_at: start + v.duration,
        source: orNull(v.source),
        referrer: orNull(v.referrer),
        utm_medium: orNull(v.utm_medium),
        utm_campaign: orNull(v.utm_campaign),
        utm_term: orNull(v.utm_term ?? ''),
        channel: acquisition.channel,
        search_engine: orNull(acquisition.search_engine),
        search_keyword: orNull(acquisition.search_keyword),
        country: orNull(v.country),
        region: orNull(v.region),
        city_name: orNull(v.city_name),
        browser: orNull(v.browser),
        browser_version: orNull(v.browser_version),
        os: orNull(v.os),
        os_version: orNull(v.os_version),
        device: orNull(v.device),
      },
      events,
    );
  });
}

function parse(body: Record<string, unknown>, site: Site, imports: boolean): Query {
  const include = { ...(body.compare ? { compare: body.compare } : {}), imports };
  return parseQuery({ site_id: site.domain, metrics: body.metrics, date_range: body.date_range, dimensions: body.dimensions, filters: body.filters, include }, site, NOW, FIRST_IMPORTED);
}

const REASONS = ['no_imported_data', 'out_of_range', 'unsupported_interval', 'unsupported_query'];

describe('merged answers equal the sum of own and imported data', () => {
  it('for random own visits, imported days and queries', async () => {
    let included = 0;
    let skipped = 0;
    await fc.assert(
      fc.asyncProperty(
        pick(...ZONES),
        fc.array(ownVisitArb, { minLength: 0, maxLength: 25 }),
        fc.array(importedVisitArb, { minLength: 1, maxLength: 40 }),
        fc.array(queryArb, { minLength: 8, maxLength: 8 }),
        async (zone, own, imported, queries) => {
          sites += 1;
          const merged = await addSite(store.db, `merged${sites}.example`, zone);
          const counted = await addSite(store.db, `counted${sites}.example`, zone);
          storeOwn(merged, own);
          storeOwn(counted, own);
          importIds += 1;
          for (const s of importStatements(merged.id, importIds, imported)) await store.db.run(s.sql, s.params);
          storeImportedAsOwn(counted, imported);
          await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 1000 });
          for (const body of queries) {
            const query = parsedOrRefused(() => parse(body, merged, true));
            if (!query) continue;
            const answer = await runQuery(store.db, query);
            // Imported days are read the same with or without rollups for own days.
            expect(await runQuery(store.db, query, { useRollups: false })).toEqual(answer);
            let expected: QueryResponse;
            if (answer.meta.imports_included === true) {
              included += 1;
              expect(answer.meta).not.toHaveProperty('imports_skip_reason');
              expected = await runQuery(store.db, parse(body, counted, false));
            } else {
              skipped += 1;
              expect(answer.meta.imports_included).toBe(false);
              expect(REASONS).toContain(answer.meta.imports_skip_reason);
              expected = await runQuery(store.db, parse(body, merged, false));
            }
            expect(answer.results).toEqual(expected.results);
          }
        },
      ),
      { numRuns: 30 },
    );
    // Both branches were taken often enough to mean something.
    expect(included).toBeGreaterThan(60);
    expect(skipped).toBeGreaterThan(30);
  }, 300_000);
});
