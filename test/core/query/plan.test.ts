import { describe, expect, it } from 'vitest';
import { resolveDateRange } from '../../../server/core/query/date-range.ts';
import { dimensionSpec } from '../../../server/core/query/dimensions.ts';
import { QueryError } from '../../../server/core/query/errors.ts';
import { checkRetention, granularityFor, planSegments, rollupsCanServe } from '../../../server/core/query/plan.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const NOW = at('2024-04-10T12:00:00Z');
const period = (range: unknown, tz = 'Etc/UTC') => resolveDateRange(range, tz, NOW, null);
const coverage = { daysThrough: '2024-04-09', monthsThrough: '2024-03', ranges: new Set(['2024-03-11|2024-04-09']) };
const DAYS = { months: false, ranges: false };
const ANY = { months: true, ranges: true };

describe('planSegments', () => {
  it('reads rolled-up days from rollups and the open day raw', () => {
    expect(planSegments(period(['2024-04-01', '2024-04-10']), 'Etc/UTC', coverage, DAYS)).toEqual([
      { kind: 'days', first: '2024-04-01', last: '2024-04-09' },
      { kind: 'raw', start: at('2024-04-10T00:00:00Z'), end: at('2024-04-11T00:00:00Z') },
    ]);
  });

  it('uses whole rolled-up months where buckets allow, days around them', () => {
    expect(planSegments(period(['2024-01-20', '2024-04-05']), 'Etc/UTC', coverage, ANY)).toEqual([
      { kind: 'days', first: '2024-01-20', last: '2024-01-31' },
      { kind: 'months', first: '2024-02', last: '2024-03' },
      { kind: 'days', first: '2024-04-01', last: '2024-04-05' },
    ]);
    expect(planSegments(period(['2024-02-01', '2024-02-29']), 'Etc/UTC', coverage, DAYS)).toEqual([{ kind: 'days', first: '2024-02-01', last: '2024-02-29' }]);
  });

  it('reads the partial days of a date-time range raw', () => {
    const p = period(['2024-03-10T12:00:00Z', '2024-03-12T06:00:00Z']);
    expect(planSegments(p, 'Etc/UTC', coverage, DAYS)).toEqual([
      { kind: 'raw', start: at('2024-03-10T12:00:00Z'), end: at('2024-03-11T00:00:00Z') },
      { kind: 'days', first: '2024-03-11', last: '2024-03-11' },
      { kind: 'raw', start: at('2024-03-12T00:00:00Z'), end: at('2024-03-12T06:00:01Z') },
    ]);
  });

  it('cuts days at site-local midnight', () => {
    const p = period(['2024-03-30', '2024-03-31'], 'Europe/Oslo');
    expect(planSegments(p, 'Europe/Oslo', { daysThrough: '2024-03-30', monthsThrough: null, ranges: new Set() }, DAYS)).toEqual([
      { kind: 'days', first: '2024-03-30', last: '2024-03-30' },
      { kind: 'raw', start: at('2024-03-30T23:00:00Z'), end: at('2024-03-31T22:00:00Z') },
    ]);
  });

  it('reads a ready preset range in one piece when no time buckets are asked for', () => {
    // 30d on 2024-04-10: 11 March to 9 April, all rolled up.
    expect(planSegments(period('30d'), 'Etc/UTC', coverage, ANY)).toEqual([{ kind: 'range', first: '2024-03-11', last: '2024-04-09' }]);
    expect(planSegments(period('30d'), 'Etc/UTC', coverage, { months: false, ranges: false })).toEqual([{ kind: 'days', first: '2024-03-11', last: '2024-04-09' }]);
  });

  it('reads everything raw without coverage', () => {
    const p = period('7d');
    expect(planSegments(p, 'Etc/UTC', null, ANY)).toEqual([{ kind: 'raw', start: p.start, end: p.end }]);
  });
});

describe('what rollups can serve', () => {
  const spec = (n: string) => ({ spec: dimensionSpec(n)! });
  it('one rolled-up dimension, no hourly buckets', () => {
    expect(rollupsCanServe([spec('visit:source'), { time: 'time:week' }])).toBe(true);
    expect(rollupsCanServe([spec('visit:source'), spec('visit:country')])).toBe(false);
    expect(rollupsCanServe([spec('event:props:plan')])).toBe(false);
    expect(rollupsCanServe([{ time: 'time:hour' }])).toBe(false);
    expect(granularityFor([spec('visit:source')])).toEqual({ months: true, ranges: true });
    expect(granularityFor([spec('visit:source'), { time: 'time:month' }])).toEqual({ months: true, ranges: false });
    expect(granularityFor([{ time: 'time:day' }])).toEqual({ months: false, ranges: false });
  });
});

describe('checkRetention', () => {
  it('refuses raw reads before the kept raw data, naming date_range', () => {
    const segments = [{ kind: 'raw' as const, start: at('2024-03-01T00:00:00Z'), end: at('2024-03-02T00:00:00Z') }];
    expect(() => checkRetention(segments, 'Etc/UTC', '2024-03-02')).toThrow(QueryError);
    expect(() => checkRetention(segments, 'Etc/UTC', '2024-03-01')).not.toThrow();
    expect(() => checkRetention([{ kind: 'days', first: '2023-01-01', last: '2023-12-31' }], 'Etc/UTC', '2024-03-02')).not.toThrow();
  });
});
