import { describe, expect, it } from 'vitest';
import { QueryError } from '../../../server/core/query/errors.ts';
import { MAX_FIELD_NESTING, MAX_FILTER_CONDITIONS, MAX_FILTER_DEPTH, MAX_FILTER_VALUES, nestsDeeper, parseQuery, readSiteId } from '../../../server/core/query/parse.ts';
import type { Site } from '../../../server/core/sites.ts';

const site: Site = {
  id: 1,
  domain: 'example.com',
  timezone: 'Europe/Oslo',
  ipStorage: null,
  locationPrecision: 'region',
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
    [{ metrics: ['conversion_rate'] }, 'metrics', 'Metric `conversion_rate` can only be queried with event:goal filters or dimensions.'],
    [{ metrics: ['group_conversion_rate'], dimensions: ['visit:source'] }, 'metrics', 'Metric `group_conversion_rate` can only be queried with event:goal filters or dimensions.'],
    [{ metrics: ['nope'] }, 'metrics', 'Unknown metric'],
    [{ metrics: ['percentage'] }, 'metrics', 'dimensions'],
    [{ date_range: undefined }, 'date_range', 'Missing'],
    [{ dimensions: ['event:goal'], metrics: ['bounce_rate'] }, 'metrics', 'Session metric(s) `bounce_rate` cannot be queried along with event dimension(s) `event:goal`.'],
    [{ dimensions: ['visit:city'] }, 'dimensions', 'GeoNames city ids'],
    [{ dimensions: ['visit:nope'] }, 'dimensions', 'Invalid dimension'],
    [{ dimensions: ['time:day', 'time:week'] }, 'dimensions', 'one time dimension'],
    [{ dimensions: ['event:props:'] }, 'dimensions', 'Invalid dimension'],
    [{ date_range: ['2020-01-01', '2024-01-01'], dimensions: ['time:hour'] }, 'dimensions', 'hourly'],
    [{ filters: [['matches', 'event:page', ['^/a']]] }, 'filters', '`matches`'],
    [{ filters: [['has_done', ['is', 'event:name', ['x']]]] }, 'filters', 'behavioural'],
    [{ filters: [['is', 'event:goal', ['Signup']]] }, 'filters', 'Invalid filters. The goal `Signup` is not configured for this site. Find out how to configure goals here: https://plausible.io/docs/stats-api#filtering-by-goals'],
    [{ filters: [['not', ['is', 'event:goal', ['Signup']]]] }, 'filters', 'Invalid filters. Dimension `event:goal` can only be filtered at the top level.'],
    [{ filters: [['is', 'visit:city', ['3143244']]] }, 'filters', 'visit:city_name'],
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

/** `depth` levels of `wrap` around `leaf`, built in a loop: deeper than any recursion could build. */
function nest(depth: number, wrap: (inner: unknown) => unknown, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

const page = (value = '/') => ['is', 'event:page', [value]];
const not = (f: unknown) => ['not', f];
const and = (f: unknown) => ['and', [f]];
const list = (v: unknown) => [v];
const tooDeep = `Invalid filters: nested deeper than ${MAX_FILTER_DEPTH} levels.`;

describe('query limits', () => {
  it('accepts filters exactly 8 levels deep, of and/or as of not', () => {
    expect(() => parse({ filters: [nest(MAX_FILTER_DEPTH - 1, and, ['contains', 'event:page', ['/'], { case_sensitive: false }])] })).not.toThrow();
    expect(() => parse({ filters: [nest(MAX_FILTER_DEPTH - 1, not, page())] })).not.toThrow();
    expect(refusal({ filters: [nest(MAX_FILTER_DEPTH, and, page())] }).message).toBe(tooDeep);
    expect(refusal({ filters: [nest(MAX_FILTER_DEPTH, not, page())] }).message).toBe(tooDeep);
  });

  it.each([
    ['not', not],
    ['and', and],
    ['bare lists', list],
  ])('refuses filters of %s 10,000 deep with a 400 naming the limit, not a stack overflow', (_, wrap) => {
    const e = refusal({ filters: [nest(10_000, wrap, page())] });
    expect(e.field).toBe('filters');
    expect(e.message).toBe(tooDeep);
  });

  it('refuses deep lists inside a leaf the same way, without quoting them', () => {
    expect(refusal({ filters: [['is', 'event:page', nest(10_000, list, '/')]] }).message).toBe(tooDeep);
    expect(refusal({ filters: [['not', ['is', 'event:page', ['/'], nest(10_000, (m) => ({ case_sensitive: m }), true)]]] }).message).toBe(tooDeep);
  });

  it.each(['metrics', 'dimensions', 'date_range', 'order_by', 'include', 'pagination'])('refuses %s nested 10,000 deep, naming the field and the limit', (field) => {
    const e = refusal({ [field]: nest(10_000, list, 'x') });
    expect(e.field).toBe(field);
    expect(e.message).toBe(`Invalid ${field}: nested deeper than ${MAX_FIELD_NESTING} levels.`);
  });

  it('still names the problem of a shallow bad value, quoting at most 100 characters of it', () => {
    expect(refusal({ metrics: [['visitors']] }).message).toBe('Unknown metric ["visitors"].');
    const long = refusal({ filters: [['is', 'event:page', 'x'.repeat(10_000)]] }).message;
    expect(long).toContain('list of strings');
    expect(long.length).toBeLessThan(250);
  });

  it(`counts every leaf toward ${MAX_FILTER_CONDITIONS} conditions, empty value lists included`, () => {
    const empty = (i: number) => [['is', 'visit:country', []], ['is_not', 'event:page', []], ['contains', 'event:props:plan', []], ['not', ['contains_not', 'visit:source', []]]][i % 4];
    const leaves = (n: number) => Array.from({ length: n }, (_, i) => empty(i));
    expect(parse({ filters: [['or', leaves(MAX_FILTER_CONDITIONS)]] }).filters).toHaveLength(1);
    for (const filters of [[['or', leaves(1_100)]], [['and', leaves(1_100)]], leaves(1_100), [['or', leaves(25)], ['and', leaves(26)]]]) {
      const e = refusal({ filters });
      expect(e.field).toBe('filters');
      expect(e.message).toBe(`Invalid filters: at most ${MAX_FILTER_CONDITIONS} conditions in all.`);
    }
  });

  it(`counts values across the whole tree toward ${MAX_FILTER_VALUES}`, () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `/p${i}`);
    expect(() => parse({ filters: [['is', 'event:page', values(MAX_FILTER_VALUES)]] })).not.toThrow();
    const e = refusal({ filters: [['or', [['is', 'event:page', values(30)], ['not', ['contains', 'visit:source', values(21)]]]]] });
    expect(e.message).toBe(`Invalid filters: at most ${MAX_FILTER_VALUES} values in all.`);
  });

  it('accepts an empty value list as Plausible does', () => {
    expect(parse({ filters: [['is', 'visit:country', []]] }).filters).toEqual([{ op: 'is', dimension: 'visit:country', values: [], caseSensitive: true }]);
  });

  it('refuses behavioural filters before reading what they wrap', () => {
    for (const op of ['has_done', 'has_not_done']) {
      expect(refusal({ filters: [[op, ['or', Array.from({ length: 1_100 }, () => ['is', 'event:name', []])]]] }).message).toContain(`\`${op}\``);
    }
  });

  it('finds nesting with a stack of its own', () => {
    expect(nestsDeeper('x', 0)).toBe(false);
    expect(nestsDeeper([], 0)).toBe(true);
    expect(nestsDeeper([[1], { a: [2] }], 3)).toBe(false);
    expect(nestsDeeper([[1], { a: [[2]] }], 3)).toBe(true);
    expect(nestsDeeper(nest(100_000, list, 1), 8)).toBe(true);
  });
});
