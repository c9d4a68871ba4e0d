import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Filter, INTERVALS, METRICS, OPS, PERIODS, type ViewState, decodeFilter, defaultState, encodeFilter, parseView, serializeView, tabChanges, withFilter, withoutFilter } from '../../server/core/dashboard-api/view-queries/state.ts';

const day = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const filter: fc.Arbitrary<Filter> = fc.record({
  op: fc.constantFrom(...OPS),
  dimension: fc.constantFrom('event:page', 'visit:country', 'visit:source', 'event:props:plan', 'visit:utm_campaign'),
  values: fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 3 }),
}).map((f) =>
  // A country `is` takes codes only (a URL's other values are repaired or dropped: site-view-filters.test.ts).
  f.dimension === 'visit:country' && (f.op === 'is' || f.op === 'is_not') ? { ...f, values: f.values.map((v, i) => ['NO', 'SE', '(not set)'][(v.length + i) % 3]!) } : f,
);
const state: fc.Arbitrary<ViewState> = fc
  .record({
    period: fc.constantFrom(...PERIODS),
    days: fc.tuple(day, day),
    compare: fc.constantFrom(null, 'previous' as const, 'year' as const),
    match: fc.boolean(),
    metric: fc.constantFrom(...METRICS),
    interval: fc.constantFrom(null, ...INTERVALS),
    filters: fc.array(filter, { maxLength: 4 }),
    tabs: fc.dictionary(fc.constantFrom('sources', 'pages', 'locations', 'devices', 'words', 'events'), fc.string({ minLength: 1 })),
    imports: fc.boolean(),
  })
  .map(({ period, days, match, ...rest }) => {
    const [a, b] = days.sort();
    return { ...rest, matchWeekday: rest.compare === null || match, period, from: period === 'custom' ? a! : null, to: period === 'custom' ? b! : null };
  });

describe('site view URL state', () => {
  it('round-trips every state through the query string', () => {
    fc.assert(
      fc.property(state, (s) => {
        expect(parseView(serializeView(s))).toEqual(s);
      }),
    );
  });

  it('keeps values holding | and % intact', () => {
    const f: Filter = { op: 'contains', dimension: 'event:page', values: ['/a|b', '100%7C', '%25'] };
    expect(decodeFilter(encodeFilter(f))).toEqual(f);
    expect(parseView(serializeView({ ...defaultState(), filters: [f] })).filters).toEqual([f]);
  });

  it('reads the documented form of a filter', () => {
    expect(parseView('f=is%7Cvisit%3Acountry%7CNO%7CSE').filters).toEqual([{ op: 'is', dimension: 'visit:country', values: ['NO', 'SE'] }]);
  });

  it('leaves defaults out of the URL', () => {
    expect(serializeView(defaultState())).toBe('');
    expect(serializeView({ ...defaultState(), period: 'day', compare: 'previous' })).toBe('period=day&compare=previous');
  });

  it('matches the day of week unless told match=date, as Plausible does', () => {
    expect(parseView('compare=year')).toMatchObject({ compare: 'year', matchWeekday: true });
    expect(parseView('compare=year&match=weekday').matchWeekday).toBe(true);
    expect(parseView('compare=previous&match=date').matchWeekday).toBe(false);
    expect(parseView('match=date').matchWeekday).toBe(true);
    expect(serializeView({ ...defaultState(), compare: 'previous', matchWeekday: false })).toBe('compare=previous&match=date');
    expect(serializeView({ ...defaultState(), compare: 'previous' })).toBe('compare=previous');
  });

    it('falls back to defaults on malformed parameters', () => {
    const s = parseView('period=forever&metric=x&interval=minute&compare=maybe&f=matches|visit:country|NO&f=is|bogus|x&f=is|event:page&period=custom');
    expect(s).toEqual(defaultState());
    expect(parseView('period=custom&from=2026-02-01').period).toBe('28d');
    expect(parseView('period=custom&from=2026-03-01&to=2026-02-01')).toMatchObject({ from: '2026-02-01', to: '2026-03-01' });
  });

  it('a click replaces a filter of the same dimension and operator; removal by position', () => {
    let s = withFilter(defaultState(), { op: 'is', dimension: 'visit:country', values: ['NO'] });
    s = withFilter(s, { op: 'is', dimension: 'event:page', values: ['/'] });
    s = withFilter(s, { op: 'is', dimension: 'visit:country', values: ['SE'] });
    expect(s.filters).toEqual([{ op: 'is', dimension: 'event:page', values: ['/'] }, { op: 'is', dimension: 'visit:country', values: ['SE'] }]);
    expect(withoutFilter(s, 0).filters).toEqual([{ op: 'is', dimension: 'visit:country', values: ['SE'] }]);
  });

  it('tells a tab switch, which redraws its panel only, from any other change', () => {
    const s = parseView('tab.sources=channels&tab.pages=entry');
    expect(tabChanges(s, { ...s, tabs: { ...s.tabs, sources: 'referrers' } })).toEqual(['sources']);
    expect(tabChanges(s, { ...s, tabs: { pages: 'entry', devices: 'os' } })).toEqual(['sources', 'devices']);
    expect(tabChanges(s, { ...s })).toEqual([]);
    expect(tabChanges(s, { ...s, period: 'day', tabs: { ...s.tabs, sources: 'referrers' } })).toBeNull();
    expect(tabChanges(s, withFilter(s, { op: 'is', dimension: 'visit:country', values: ['NO'] }))).toBeNull();
  });
});
