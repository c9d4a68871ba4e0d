import { describe, expect, it } from 'vitest';
import { QueryError } from '../../../server/core/query/errors.ts';
import { parseQuery, readSiteId } from '../../../server/core/query/parse.ts';
import type { Site } from '../../../server/core/sites.ts';

const site: Site = {
  id: 1,
  domain: 'example.com',
  timezone: 'Europe/Oslo',
  ipStorage: null,
  retentionDays: null,
  excludedIps: [],
  excludedPaths: [],
  allowedHostnames: [],
  searchParams: [],
  createdAt: 0,
};
const NOW = Date.parse('2024-03-15T10:00:00Z') / 1000;

const parse = (body: Record<string, unknown>) => parseQuery({ site_id: 'example.com', date_range: '7d', metrics: ['visitors'], ...body }, site, NOW, null);

function refusal(body: Record<string, unknown>): QueryError {
  try {
    parse(body);
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error('query was accepted');
}

describe('parseQuery', () => {
  it('fills Plausible defaults: order by first metric, pagination 10000/0', () => {
    const q = parse({});
    expect(q.orderBy).toEqual([['visitors', 'desc']]);
    expect(q.pagination).toEqual({ limit: 10_000, offset: 0 });
    expect(q.dimensions).toEqual([]);
    expect(q.dateRangeEcho).toEqual(['2024-03-08T00:00:00+01:00', '2024-03-14T23:59:59+01:00']);
  });

  it('resolves time to a bucket and orders by it first', () => {
    const q = parse({ dimensions: ['time'], metrics: ['pageviews', 'visitors'] });
    expect(q.dimensions).toEqual(['time:day']);
    expect(q.orderBy).toEqual([['time:day', 'asc'], ['pageviews', 'desc']]);
    expect(parse({ dimensions: ['time'], order_by: [['time', 'desc']] }).orderBy).toEqual([['time:day', 'desc']]);
  });

  it('parses filter trees with modifiers', () => {
    const q = parse({
      filters: [
        ['or', [['is', 'visit:country', ['NO']], ['not', ['contains', 'event:page', ['/blog'], { case_sensitive: false }]]]],
        ['is_not', 'event:props:plan', ['free']],
      ],
    });
    expect(q.filters).toEqual([
      {
        op: 'or',
        filters: [
          { op: 'is', dimension: 'visit:country', values: ['NO'], caseSensitive: true },
          { op: 'not', filter: { op: 'contains', dimension: 'event:page', values: ['/blog'], caseSensitive: false } },
        ],
      },
      { op: 'is_not', dimension: 'event:props:plan', values: ['free'], caseSensitive: true },
    ]);
  });

  it('reads include and pagination', () => {
    const q = parse({
      dimensions: ['time:day'],
      include: { time_labels: true, total_rows: true, compare: 'previous_period', imports: false },
      pagination: { limit: 5, offset: 10 },
    });
    expect(q.include).toEqual({ imports: false, timeLabels: true, totalRows: true, compare: { mode: 'previous_period' }, compareMatchDayOfWeek: false });
    expect(q.pagination).toEqual({ limit: 5, offset: 10 });
  });

  it('allows session metrics with event:page (entry-page visits) but not other event dimensions', () => {
    expect(parse({ metrics: ['bounce_rate'], dimensions: ['event:page', 'visit:source'] }).dimensions).toEqual(['event:page', 'visit:source']);
    const e = refusal({ metrics: ['visitors', 'bounce_rate'], dimensions: ['event:name'] });
    expect(e.field).toBe('metrics');
    expect(e.message).toContain('bounce_rate');
  });

  it.each([
    [{ metrics: [] }, 'metrics', 'non-empty'],
    [{ metrics: ['visitors', 'visitors'] }, 'metrics', 'twice'],
    [{ metrics: ['conversion_rate'] }, 'metrics', 'goals'],
    [{ metrics: ['nope'] }, 'metrics', 'Unknown metric'],
    [{ metrics: ['percentage'] }, 'metrics', 'dimensions'],
    [{ date_range: undefined }, 'date_range', 'Missing'],
    [{ dimensions: ['event:goal'] }, 'dimensions', 'goals'],
    [{ dimensions: ['visit:city'] }, 'dimensions', 'cities'],
    [{ dimensions: ['visit:nope'] }, 'dimensions', 'Invalid dimension'],
    [{ dimensions: ['time:day', 'time:week'] }, 'dimensions', 'one time dimension'],
    [{ dimensions: ['event:props:'] }, 'dimensions', 'Invalid dimension'],
    [{ date_range: ['2020-01-01', '2024-01-01'], dimensions: ['time:hour'] }, 'dimensions', 'hourly'],
    [{ filters: [['matches', 'event:page', ['^/a']]] }, 'filters', '`matches`'],
    [{ filters: [['has_done', ['is', 'event:name', ['x']]]] }, 'filters', 'behavioural'],
    [{ filters: [['is', 'event:goal', ['Signup']]] }, 'filters', 'goals'],
    [{ filters: [['is', 'visit:city_name', ['Oslo']]] }, 'filters', 'cities'],
    [{ filters: [['is', 'time:day', ['2024-01-01']]] }, 'filters', 'date_range'],
    [{ filters: [['is', 'visit:country', ['Norway']]] }, 'filters', '2-letter'],
    [{ filters: [['is', 'event:page', '/x']] }, 'filters', 'list of strings'],
    [{ filters: [['is', 'event:page', [1]]] }, 'filters', 'list of strings'],
    [{ filters: [['and', []]] }, 'filters', 'non-empty'],
    [{ filters: [['is', 'event:page', ['/'], { case_sensitive: 'no' }]] }, 'filters', 'modifier'],
    [{ filters: 'x' }, 'filters', 'list'],
    [{ order_by: [['visits', 'desc']] }, 'order_by', 'metric or dimension of the query'],
    [{ order_by: [['visitors', 'up']] }, 'order_by', 'Invalid order_by'],
    [{ include: { time_labels: true } }, 'include', 'time dimension'],
    [{ include: { compare: 'last_week' } }, 'include', 'compare'],
    [{ include: { colour: true } }, 'include', 'colour'],
    [{ pagination: { limit: 0 } }, 'pagination', 'limit'],
    [{ pagination: { offset: -1 } }, 'pagination', 'offset'],
    [{ pagination: { page: 2 } }, 'pagination', 'page'],
    [{ interval: 'date' }, 'interval', 'Unknown field'],
  ])('refuses %j naming %s', (body, field, words) => {
    const e = refusal(body as Record<string, unknown>);
    expect(e.field).toBe(field);
    expect(e.message).toContain(words);
  });

  it('refuses filters nested too deep', () => {
    let f: unknown = ['is', 'event:page', ['/']];
    for (let i = 0; i < 10; i++) f = ['not', f];
    expect(refusal({ filters: [f] }).field).toBe('filters');
  });

  it('reads site_id before anything else', () => {
    expect(readSiteId({ site_id: 'a.com' })).toBe('a.com');
    expect(() => readSiteId([])).toThrow(QueryError);
    expect(() => readSiteId({ site_id: 3 })).toThrow(/site_id/);
  });
});
