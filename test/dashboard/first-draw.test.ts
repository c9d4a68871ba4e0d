/**
 * The queries a first draw of the site view asks (view-queries/first-draw.ts), which the
 * server starts as it answers the page: the same builders the page's cards use, for the
 * URL's state, the site's time zone and today. test/e2e/early-answers.e2e.test.ts checks in
 * Chromium that a page's batch asks exactly these.
 */
import { describe, expect, it } from 'vitest';
import { firstDrawQueries, panelLimit, panelTab, viewBase } from '../../server/core/dashboard-api/view-queries/first-draw.ts';
import { PANELS } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { breakdownQuery, conversionBaseQuery, everQuery, goalsQuery, kpiQuery, notProvidedQueries, seriesQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { parseView } from '../../server/core/dashboard-api/view-queries/state.ts';

const SITE = { domain: 'example.com', timezone: 'Europe/Oslo', location_precision: 'region' as const };
// 23:30 UTC on 6 December is already the 7th in Oslo.
const NOW = new Date(Date.UTC(2026, 11, 6, 23, 30));

describe('a first draw\'s queries', () => {
  it('are the KPIs, the series, the all-time count, every panel\'s open tab and the goals, for the site\'s today', () => {
    const search = '?period=30d&compare=previous&f=is|visit:country|NO&tab.sources=referrers';
    const state = parseView(search);
    const base = viewBase(SITE, state, '2026-12-07');
    expect(base.range).toEqual(['2026-11-08', '2026-12-07']);
    const panels = PANELS.map((panel) => breakdownQuery(base, panelTab(panel, state), { limit: panelLimit(panel) }));
    // Search words, its first tab, adds the "not provided" share after its rows.
    panels.splice(2, 0, ...notProvidedQueries(base));
    expect(firstDrawQueries(SITE, search, NOW)).toEqual([kpiQuery(base), seriesQuery(base, 'day'), everQuery(SITE.domain, true), ...panels, goalsQuery(base)]);
    expect(panels[0]!.dimensions).toEqual(['visit:referrer']);
    expect(panels.find((q) => q.dimensions?.[0] === 'visit:country')!.pagination!.limit).toBe(300);
  });

  it('ask the conversion base with a custom event filtered, a property tab when chosen, and no rows a site does not store', () => {
    const search = `?period=12mo&f=is|event:name|Signup&tab.events=prop:plan&tab.locations=cities`;
    const state = parseView(search);
    const base = viewBase(SITE, state, '2026-12-07');
    const queries = firstDrawQueries(SITE, search, NOW);
    expect(queries).toContainEqual(conversionBaseQuery(base));
    expect(queries.some((q) => q.dimensions?.[0] === 'event:props:plan')).toBe(true);
    // The site stores regions, not cities: that tab says so without a query.
    expect(queries.some((q) => q.dimensions?.includes('visit:city_name'))).toBe(false);
    expect(firstDrawQueries({ ...SITE, location_precision: 'city' }, search, NOW).some((q) => q.dimensions?.includes('visit:city_name'))).toBe(true);
    expect(queries.find((q) => q.dimensions?.[0]?.startsWith('time'))!.dimensions).toEqual(['time:month']);
  });

  it('are none for the realtime view, and the same text for the same URL and day', () => {
    expect(firstDrawQueries(SITE, '?period=realtime', NOW)).toEqual([]);
    const texts = (now: Date) => firstDrawQueries(SITE, '?period=7d', now).map((q) => JSON.stringify(q));
    expect(texts(NOW)).toEqual(texts(new Date(Date.UTC(2026, 11, 7, 12))));
    expect(texts(NOW)).not.toEqual(texts(new Date(Date.UTC(2026, 11, 6, 12))));
  });
});
