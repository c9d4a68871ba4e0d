/**
 * When a columnar read may sum first-of-day flags instead of counting distinct visitors, and
 * which columns it then relies on being fixed by the visitor hash. That the sums equal the
 * distinct counts is the rollup property test's job; this pins down the cases where they
 * would not, and so must not be used.
 */
import { describe, expect, it } from 'vitest';
import { dimensionSpec } from '../../server/core/query/dimensions.ts';
import { firstFlags } from '../../server/core/query/first-flags.ts';
import type { Key } from '../../server/core/query/sums.ts';
import type { Filter } from '../../server/core/query/types.ts';

const key = (name: string): Key => ({ spec: dimensionSpec(name)! });
const is = (dimension: string, value: string): Filter => ({ op: 'is', dimension, values: [value], caseSensitive: true });

describe('firstFlags', () => {
  it('sums the day flag, or the flag of the dimension grouped by, without filters', () => {
    expect(firstFlags('visits', [], [])).toEqual({ visitors: 'first_day', visits: null, relyOn: [] });
    expect(firstFlags('visits', [{ time: 'time:month' }], [])).toEqual({ visitors: 'first_day', visits: null, relyOn: [] });
    expect(firstFlags('visits', [{ time: 'time:week' }, key('visit:source')], [])).toEqual({ visitors: 'first_day_source', visits: null, relyOn: [] });
    expect(firstFlags('events', [key('event:page')], [])).toEqual({ visitors: 'first_day_page', visits: 'first_visit_page', relyOn: [] });
    expect(firstFlags('events', [], [])).toEqual({ visitors: 'first_day', visits: 'first_visit', relyOn: [] });
  });

  it('counts distinct values for hours, two dimensions, properties, and a dimension of the other table', () => {
    expect(firstFlags('visits', [{ time: 'time:hour' }], [])).toBeNull();
    expect(firstFlags('visits', [key('visit:source'), key('visit:country')], [])).toBeNull();
    expect(firstFlags('events', [key('event:props:plan')], [])).toBeNull();
    expect(firstFlags('events', [key('visit:source')], [])).toBeNull();
  });

  it('takes filters on what the visitor hash is made from, and names the columns they rely on', () => {
    const country = is('visit:country', 'US');
    expect(firstFlags('visits', [key('visit:source')], [country])).toEqual({ visitors: 'first_day_source', visits: null, relyOn: ['country'] });
    expect(firstFlags('events', [key('event:page')], [country, { op: 'not', filter: is('visit:device', 'Mobile') }])).toEqual({
      visitors: 'first_day_page',
      visits: 'first_visit_page',
      relyOn: ['country', 'device'],
    });
    expect(firstFlags('events', [key('event:page')], [is('visit:country_name', 'Norway')])?.relyOn).toEqual(['country']);
    // The dimension grouped by is its own group: nothing to rely on.
    expect(firstFlags('visits', [key('visit:country')], [country])?.relyOn).toEqual([]);
  });

  it('takes a filter on the dimension grouped by, and no other that varies within a visitor’s day', () => {
    expect(firstFlags('visits', [key('visit:search_engine')], [{ op: 'is_not', dimension: 'visit:search_engine', values: ['(not set)'], caseSensitive: true }])).not.toBeNull();
    expect(firstFlags('events', [key('event:name')], [is('event:name', 'Signup')])).not.toBeNull();
    expect(firstFlags('events', [key('event:page')], [is('event:name', 'Signup')])).toBeNull();
    expect(firstFlags('visits', [], [is('event:page', '/checkout')])).toBeNull();
    expect(firstFlags('events', [key('event:page')], [is('event:props:plan', 'pro')])).toBeNull();
  });

  it('sums the flag of a dimension one filter passes a single label of, grouped by time, by it, or by what the visitor hash fixes', () => {
    const google = is('visit:source', 'Google');
    const country = is('visit:country', 'US');
    expect(firstFlags('visits', [], [country, google])).toEqual({ visitors: 'first_day_source', visits: null, relyOn: ['country'] });
    expect(firstFlags('visits', [{ time: 'time:day' }], [google, country])).toEqual({ visitors: 'first_day_source', visits: null, relyOn: ['country'] });
    // Grouped by a column the hash fixes: it is relied on too, as the filters' are.
    expect(firstFlags('visits', [key('visit:browser')], [google, country])).toEqual({ visitors: 'first_day_source', visits: null, relyOn: ['country', 'browser'] });
    expect(firstFlags('visits', [key('visit:country')], [country, google])).toEqual({ visitors: 'first_day_source', visits: null, relyOn: ['country'] });
    expect(firstFlags('visits', [key('visit:source')], [google, country])).toEqual({ visitors: 'first_day_source', visits: null, relyOn: ['country'] });
    expect(firstFlags('events', [], [is('event:page', '/'), is('visit:device', 'Desktop')])).toEqual({ visitors: 'first_day_page', visits: 'first_visit_page', relyOn: ['device'] });
    // A second filter on the same dimension narrows the one label further: still one group per visitor.
    const contains: Filter = { op: 'contains', dimension: 'visit:source', values: ['oo'], caseSensitive: true };
    expect(firstFlags('visits', [], [google, contains])?.visitors).toBe('first_day_source');
  });

  it('counts distinct values when the filter may pass two labels, or rows of one visitor fall in two groups', () => {
    const google = is('visit:source', 'Google');
    // Several labels pass: a visitor with two of them would count twice.
    expect(firstFlags('visits', [], [{ op: 'is', dimension: 'visit:source', values: ['Google', 'Bing'], caseSensitive: true }])).toBeNull();
    expect(firstFlags('visits', [], [{ op: 'is', dimension: 'visit:source', values: ['google'], caseSensitive: false }])).toBeNull();
    expect(firstFlags('visits', [], [{ op: 'contains', dimension: 'visit:source', values: ['oo'], caseSensitive: true }])).toBeNull();
    expect(firstFlags('visits', [], [{ op: 'is_not', dimension: 'visit:source', values: ['Google'], caseSensitive: true }])).toBeNull();
    expect(firstFlags('visits', [], [{ op: 'not', filter: google }])).toBeNull();
    expect(firstFlags('visits', [], [{ op: 'or', filters: [google, is('visit:channel', 'Direct')] }])).toBeNull();
    // Two dimensions the hash does not fix.
    expect(firstFlags('visits', [], [google, is('visit:channel', 'Direct')])).toBeNull();
    // Grouped by a dimension that varies within a visitor's day.
    expect(firstFlags('visits', [key('visit:channel')], [google])).toBeNull();
    expect(firstFlags('visits', [key('visit:entry_page')], [google])).toBeNull();
    expect(firstFlags('events', [key('event:page')], [is('event:name', 'Signup')])).toBeNull();
    // A filter on the other table's rows, or on a dimension without flags.
    expect(firstFlags('visits', [], [is('event:page', '/')])).toBeNull();
    expect(firstFlags('events', [], [google])).toBeNull();
    expect(firstFlags('events', [], [is('event:props:plan', 'pro')])).toBeNull();
    expect(firstFlags('visits', [], [is('visit:country_name', 'Norway'), google])?.relyOn).toEqual(['country']);
  });
});
