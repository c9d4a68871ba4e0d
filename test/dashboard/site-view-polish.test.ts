/**
 * Pure parts of issue 19's leftovers: the chart's title and Top Pages' second column under a
 * custom-event filter, display names turned back into stored values for the filter
 * suggestions, and the filter dialog's limit of values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phone as bokmal } from '../../dashboard/i18n/phone.nb.ts';
import { MAX_VIEW_VALUES, valuesLeft } from '../../dashboard/site-view/filter-values.ts';
import { chartLabelKey } from '../../server/core/dashboard-api/view-queries/kpi-set.ts';
import { NAMED_PREFIX, NAMED_VALUES, nameKey } from '../../dashboard/site-view/names.ts';
import { PANELS, activeTab } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { MAX_FILTER_VALUES } from '../../server/core/query/parse.ts';
import { namedMatches, namedValue, suggestionQuery, suggestionsOf } from '../../dashboard/site-view/suggest.ts';
import type { Filter } from '../../server/core/dashboard-api/view-queries/state.ts';

const signup: Filter = { op: 'is', dimension: 'event:name', values: ['Signup'] };
const pages = PANELS.find((p) => p.id === 'pages')!;
/** Bokmål display names, as valueLabel gives them with the bokmål catalogue loaded. */
const nb = (dimension: string) => (value: string) => (bokmal as Record<string, string>)[NAMED_PREFIX[dimension]! + nameKey(value)] ?? value;

function unionMembers(file: string, type: string): string[] {
  const source = readFileSync(join(import.meta.dirname, '..', '..', file), 'utf8');
  return [...(source.match(new RegExp(`type ${type} =([^;]+);`))?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

describe('under a custom-event filter', () => {
  it('titles the chart as the KPI row names its metric', () => {
    expect(chartLabelKey('visitors', [signup])).toBe('sv.kpi.conversions');
    expect(chartLabelKey('visitors', [])).toBe('sv.kpi.visitors');
    expect(chartLabelKey('bounce_rate', [{ op: 'contains', dimension: 'event:page', values: ['/blog'] }])).toBe('sv.kpi.bounce_rate');
  });

  it('counts the events in the pageviews columns, and page views otherwise', () => {
    expect(activeTab(pages, 'top', [signup]).second).toBe('events');
    expect(activeTab(pages, 'hostnames', [signup]).second).toBe('events');
    expect(activeTab(pages, 'top', [{ op: 'is_not', dimension: 'event:name', values: ['pageview'] }]).second).toBe('events');
    expect(activeTab(pages, 'top', []).second).toBe('pageviews');
    expect(activeTab(pages, 'top', [{ op: 'is', dimension: 'event:name', values: ['pageview'] }]).second).toBe('pageviews');
    expect(activeTab(pages, 'top', [{ op: 'is_not', dimension: 'event:name', values: ['Signup'] }]).second).toBe('pageviews');
    // Other columns stay as they are.
    expect(activeTab(pages, 'entry', [signup]).second).toBe('visits');
  });
});

describe('display names in the filter suggestions', () => {
  it('know every value the server stores for a named dimension', () => {
    expect([...NAMED_VALUES['visit:channel']!].sort()).toEqual(unionMembers('server/core/ingest/referrer.ts', 'Channel').sort());
    expect([...NAMED_VALUES['visit:device']!].sort()).toEqual(unionMembers('server/core/ingest/user-agent.ts', 'DeviceType').sort());
  });

  it('turn typed bokmål names into the stored values and ask for those too', () => {
    expect(namedMatches('visit:channel', 'organisk', nb('visit:channel'))).toEqual(['Organic Search', 'Organic Social', 'Organic Video', 'Organic Shopping']);
    expect(namedMatches('visit:device', 'Mobil', nb('visit:device'))).toEqual(['Mobile']);
    expect(namedMatches('event:page', '/blog', nb('event:page'))).toEqual([]);
    expect(namedValue('visit:device', 'mobil', nb('visit:device'))).toBe('Mobile');
    expect(namedValue('visit:source', 'Direkte / ingen', nb('visit:source'))).toBe('Direct / None');
    expect(namedValue('visit:device', 'Mob', nb('visit:device'))).toBeNull();
    const q = suggestionQuery({ siteId: 's', range: 'day', filters: [], compare: null }, 'visit:device', 'Mobil', nb('visit:device'));
    expect(q.filters).toEqual([['or', [['contains', 'visit:device', ['Mobil'], { case_sensitive: false }], ['is', 'visit:device', ['Mobile']]]]]);
    // English typed as stored still asks as before.
    expect(suggestionQuery({ siteId: 's', range: 'day', filters: [], compare: null }, 'visit:device', 'xyz', nb('visit:device')).filters).toEqual([['contains', 'visit:device', ['xyz'], { case_sensitive: false }]]);
    const rows = { results: [{ dimensions: ['Mobile'], metrics: [3] }, { dimensions: ['Desktop'], metrics: [2] }] } as never;
    expect(suggestionsOf(rows, 'Mobil', [], nb('visit:device'))).toEqual([{ value: 'Mobile', visitors: 3 }]);
    expect(suggestionsOf(rows, 'datamaskin', [], nb('visit:device'))).toEqual([{ value: 'Desktop', visitors: 2 }]);
  });
});

describe('the filter dialog’s limit', () => {
  it('leaves room for what a panel adds within the API’s 50 values', () => {
    expect(MAX_VIEW_VALUES).toBeLessThanOrEqual(MAX_FILTER_VALUES - 2);
    const others: Filter[] = [{ op: 'is_not', dimension: 'event:page', values: ['/a', '/b', '/c'] }, { op: 'is', dimension: 'visit:browser', values: ['Firefox'] }];
    expect(valuesLeft(others, 'visit:country', 'is')).toBe(MAX_VIEW_VALUES - 4);
    // The filter of the same field and condition is replaced, so its values are not counted.
    expect(valuesLeft(others, 'visit:browser', 'is')).toBe(MAX_VIEW_VALUES - 3);
  });
});
