/**
 * The Stats API over real HTTP: tokens and the 401/400 contract, the response shape, the
 * realtime count, retention refusals, and random bodies that must never break the server.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { updateSite, type Site } from '../../server/core/sites.ts';
import { createToken } from '../../server/core/tokens.ts';
import { addSite, insertVisitWithEvents } from '../core/query/store.ts';
import { startTestServer } from '../helpers/server.ts';
import { startStatsServer, type StatsServer } from './stats-server.ts';

const ADMIN = 'operator-admin-token-0123456789abcdef';
const at = (iso: string) => Date.parse(iso) / 1000;

let server: StatsServer;
let site: Site;
let other: Site;
let siteToken: string;
let otherToken: string;

beforeAll(async () => {
  server = await startStatsServer(ADMIN);
  const db = server.db;
  site = await addSite(db, 'example.com', 'Europe/Oslo');
  other = await addSite(db, 'other.example');
  siteToken = await createToken(db, { siteId: site.id }, server.now.ms);
  otherToken = await createToken(db, { siteId: other.id }, server.now.ms);
  insertVisitWithEvents(db, site.id, { visitor: 1, source: 'Google', country: 'NO' }, [
    { ts: at('2024-03-10T10:00:00Z'), path: '/' },
    { ts: at('2024-03-10T10:02:00Z'), path: '/about' },
  ]);
  insertVisitWithEvents(db, site.id, { visitor: 2, country: 'SE' }, [{ ts: at('2024-03-11T10:00:00Z'), path: '/' }]);
});
afterAll(() => server.close());

function post(body: unknown, token: string | null = siteToken): Promise<Response> {
  return fetch(`${server.url}/api/v2/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const QUERY = { site_id: 'example.com', metrics: ['visitors', 'pageviews'], date_range: ['2024-03-10', '2024-03-11'] };

describe('POST /api/v2/query', () => {
  it('answers in the Plausible v2 shape', async () => {
    const res = await post({ ...QUERY, dimensions: ['visit:country'], include: { total_rows: true } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      results: [
        { metrics: [1, 2], dimensions: ['NO'] },
        { metrics: [1, 1], dimensions: ['SE'] },
      ],
      meta: { total_rows: 2 },
      query: {
        site_id: 'example.com',
        metrics: ['visitors', 'pageviews'],
        date_range: ['2024-03-10T00:00:00+01:00', '2024-03-11T23:59:59+01:00'],
        filters: [],
        dimensions: ['visit:country'],
        order_by: [['visitors', 'desc']],
        include: { total_rows: true },
        pagination: { limit: 10000, offset: 0 },
      },
    });
  });

  it('accepts the operator admin token and admin tokens for any site', async () => {
    expect((await post(QUERY, ADMIN)).status).toBe(200);
    const admin = await createToken(server.db, { siteId: null }, server.now.ms);
    expect((await post({ ...QUERY, site_id: 'other.example' }, admin)).status).toBe(200);
  });

  it('answers 401 with one message for no token, a bad token, another site and an unknown site', async () => {
    const answers = await Promise.all([
      post(QUERY, null),
      post(QUERY, 'tlr_not-a-token'),
      post(QUERY, otherToken),
      post({ ...QUERY, site_id: 'unknown.example' }, siteToken),
      post({ ...QUERY, site_id: 'unknown.example' }, ADMIN),
    ]);
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    const messages = new Set(await Promise.all(answers.map(async (r) => JSON.stringify(await r.json()))));
    expect(messages.size).toBe(1);
  });

  it.each([
    ['{not json', 'JSON'],
    [JSON.stringify({ metrics: ['visitors'], date_range: '7d' }), 'site_id'],
    [JSON.stringify({ ...QUERY, metrics: ['visitorz'] }), 'metric'],
    [JSON.stringify({ ...QUERY, filters: [['matches', 'event:page', ['^/']]] }), 'matches'],
    [JSON.stringify({ ...QUERY, dimensions: ['visit:city'] }), 'GeoNames city ids'],
    [JSON.stringify({ ...QUERY, metrics: ['conversion_rate'] }), 'event:goal filters or dimensions'],
    [JSON.stringify({ ...QUERY, filters: [['is', 'event:goal', ['Nope']]] }), 'The goal `Nope` is not configured for this site'],
    [JSON.stringify({ ...QUERY, date_range: 'fortnight' }), 'date_range'],
  ])('answers 400 naming the problem for %s', async (body, words) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(words);
  });

  it('refuses a query that needs raw events deleted by retention, naming date_range', async () => {
    const kept = await addSite(server.db, 'kept.example');
    await updateSite(server.db, 'kept.example', { retentionDays: 30 });
    insertVisitWithEvents(server.db, kept.id, { visitor: 5, country: 'NO' }, [{ ts: at('2024-01-05T10:00:00Z'), path: '/' }]);
    insertVisitWithEvents(server.db, kept.id, { visitor: 6, country: 'NO' }, [{ ts: at('2024-03-11T10:00:00Z'), path: '/' }]);
    for (let i = 0; i < 5 && (await runMaintenance(server.db, server.now.ms)).daysRolledUp > 0; i++);
    const purged = server.db.raw.prepare('SELECT count(*) AS n FROM visits WHERE site_id = ?').get(kept.id);
    expect(purged).toEqual({ n: 1 });

    const range = { site_id: 'kept.example', metrics: ['visitors'], date_range: ['2024-01-01', '2024-03-11'] };
    const fromRollups = await post({ ...range, dimensions: ['visit:country'] }, ADMIN);
    expect(fromRollups.status).toBe(200);
    expect(((await fromRollups.json()) as { results: unknown }).results).toEqual([{ metrics: [2], dimensions: ['NO'] }]);

    const needsRaw = await post({ ...range, filters: [['is', 'visit:country', ['NO']]], dimensions: ['visit:source'] }, ADMIN);
    expect(needsRaw.status).toBe(400);
    expect(((await needsRaw.json()) as { error: string }).error).toContain('date_range');
    const recent = await post({ ...range, date_range: ['2024-03-01', '2024-03-11'], filters: [['is', 'visit:country', ['NO']]] }, ADMIN);
    expect(recent.status).toBe(200);
  });

  it('keeps serving 200, 400 or 401 whatever body it is sent', async () => {
    const filterLeaf = fc.tuple(
      fc.constantFrom('is', 'is_not', 'contains', 'contains_not', 'matches', 'has_done', 'nope'),
      fc.constantFrom('event:page', 'visit:source', 'visit:country', 'visit:country_name', 'event:props:x', 'event:goal', 'time:day', 'bogus'),
      fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.string(), fc.integer()),
    );
    const filter = fc.oneof(filterLeaf, fc.tuple(fc.constantFrom('and', 'or'), fc.array(filterLeaf, { maxLength: 3 })), fc.tuple(fc.constant('not'), filterLeaf));
    const body = fc.record(
      {
        site_id: fc.oneof(fc.constant('example.com'), fc.constant('other.example'), fc.string()),
        metrics: fc.oneof(fc.subarray(['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events', 'percentage', 'x']), fc.anything()),
        date_range: fc.oneof(
          fc.constantFrom('day', '7d', '30d', 'month', '6mo', '12mo', 'year', 'all', '0d', '99999d'),
          fc.tuple(fc.constantFrom('2024-03-01', '2024-02-30', '2024-03-10T10:00:00Z', 'x'), fc.constantFrom('2024-03-11', '2023-01-01', '2024-03-11T10:00:00+05:30')),
          fc.anything(),
        ),
        dimensions: fc.oneof(fc.subarray(['time', 'time:hour', 'time:week', 'event:page', 'visit:source', 'event:props:x', 'event:name', 'visit:city']), fc.anything()),
        filters: fc.oneof(fc.array(filter, { maxLength: 3 }), fc.anything()),
        order_by: fc.oneof(fc.array(fc.tuple(fc.constantFrom('visitors', 'time', 'event:page', 'x'), fc.constantFrom('asc', 'desc', 'up'))), fc.anything()),
        include: fc.oneof(
          fc.record({ time_labels: fc.boolean(), total_rows: fc.boolean(), compare: fc.constantFrom('previous_period', 'year_over_year', 'x') }, { requiredKeys: [] }),
          fc.anything(),
        ),
        pagination: fc.oneof(fc.record({ limit: fc.integer({ min: -1, max: 20_000 }), offset: fc.integer({ min: -1, max: 10 }) }, { requiredKeys: [] }), fc.anything()),
        extra: fc.anything(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(body, fc.anything()), async (b) => {
        const res = await post(b === undefined ? 'null' : JSON.stringify(b));
        expect([200, 400, 401]).toContain(res.status);
        await res.text();
      }),
      { numRuns: 300 },
    );
    expect((await post(QUERY)).status).toBe(200);
  });
});

/** The query body with `filters` written as JSON text: deep values are built as text, since JSON.stringify would overflow on them. */
const withFilters = (filters: string) => `${JSON.stringify(QUERY).slice(0, -1)},"filters":${filters}}`;
/** `depth` wrappers around `inner`, as text. */
const wrapText = (depth: number, [open, close]: readonly [string, string], inner: string) => open.repeat(depth) + inner + close.repeat(depth);
const WRAPPERS = { not: ['["not",', ']'], and: ['["and",[', ']]'], or: ['["or",[', ']]'], list: ['[', ']'], has_done: ['["has_done",', ']'] } as const;
/** The Stats API's largest body (stats-api.ts): beyond it the answer is 413 before any parsing. */
const MAX_BODY = 64 * 1024;

describe('filter limits over HTTP', () => {
  const error = async (res: Response) => ((await res.json()) as { error: string }).error;

  it('answers 400 naming the depth limit for a filter 10,000 deep, not 500', async () => {
    const lists = await post(withFilters(`[${wrapText(10_000, WRAPPERS.list, '["is","event:page",["/"]]')}]`));
    expect(lists.status).toBe(400);
    expect(await error(lists)).toBe('Invalid filters: nested deeper than 8 levels.');
    // 10,000 `not`s take 80 kB, past the body limit; the deepest that fits gets the same 400.
    const nots = await post(withFilters(`[${wrapText(7_000, WRAPPERS.not, '["is","event:page",["/"]]')}]`));
    expect(nots.status).toBe(400);
    expect(await error(nots)).toBe('Invalid filters: nested deeper than 8 levels.');
    expect((await post(withFilters(`[${wrapText(10_000, WRAPPERS.not, '["is","event:page",["/"]]')}]`))).status).toBe(413);
    const range = await post(`${JSON.stringify({ ...QUERY, date_range: undefined }).slice(0, -1)},"date_range":${wrapText(10_000, WRAPPERS.list, '"7d"')}}`);
    expect(range.status).toBe(400);
    expect(await error(range)).toBe('Invalid date_range: nested deeper than 8 levels.');
  });

  it('answers 400 naming the condition limit for an or of 1,100 empty leaves, not 500', async () => {
    const leaves = Array.from({ length: 1_100 }, () => ['is', 'visit:country', []]);
    const res = await post({ ...QUERY, filters: [['or', leaves]] });
    expect(res.status).toBe(400);
    expect(await error(res)).toBe('Invalid filters: at most 50 conditions in all.');
    const fifty = await post({ ...QUERY, filters: [['or', leaves.slice(0, 50)]] });
    expect(fifty.status).toBe(200);
  });

  it('answers 200 or 400, never 5xx, for generated filter trees of any depth and width', async () => {
    const value = fc.oneof(fc.constantFrom('NO', 'SE', '/', '/about', 'Google', '(not set)', 'Direct / None', ''), fc.string({ maxLength: 4 }));
    const leaf = fc.tuple(
      fc.constantFrom('is', 'is', 'is_not', 'contains', 'contains_not', 'matches'),
      fc.constantFrom('visit:country', 'visit:country_name', 'visit:source', 'visit:browser', 'event:page', 'event:name', 'event:props:plan', 'time:day'),
      fc.array(value, { maxLength: 4 }),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', maxDepth: 6 },
        leaf,
        fc.tuple(fc.constantFrom('and', 'or'), fc.array(tie('tree'), { minLength: 1, maxLength: 4 })),
        fc.tuple(fc.constantFrom('not', 'not', 'not', 'has_done', 'has_not_done'), tie('tree')),
      ),
    }));
    // One leaf many times: with an empty value list, a thousand of them reach SQLite's expression depth.
    const wideLeaf = fc.tuple(fc.constantFrom('is', 'is_not', 'contains', 'contains_not'), fc.constantFrom('visit:country', 'visit:source', 'event:page'), fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, fc.array(value, { maxLength: 2 })));
    const width = fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1_000, max: 1_200 }));
    const wide = fc.tuple(fc.constantFrom('and', 'or'), wideLeaf, width).map(([op, l, n]) => [op, Array.from({ length: n }, () => l)]);
    const wrapped = fc.record({
      inner: fc.oneof(tree, { arbitrary: wide, weight: 2 }),
      wrapper: fc.constantFrom(...Object.values(WRAPPERS)),
      depth: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 4 }), weight: 3 }, fc.integer({ min: 0, max: 5_000 })),
    });
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(wrapped, { minLength: 1, maxLength: 2 }), async (filters) => {
        const body = withFilters(`[${filters.map(({ inner, wrapper, depth }) => wrapText(depth, wrapper, JSON.stringify(inner))).join(',')}]`);
        const res = await post(body);
        await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(Buffer.byteLength(body) > MAX_BODY ? [413] : [200, 400], body.slice(0, 300)).toContain(res.status);
      }),
      { numRuns: 200 },
    );
    // The generator reaches accepted trees as well as refused ones.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect((await post(QUERY)).status).toBe(200);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past TELLER_QUERY_RATE_LIMIT for one token, not for another', async () => {
    const limited = await startTestServer({ config: { queryRateLimit: 2 } });
    try {
      const site = await addSite(limited.db, 'limited.example');
      const [one, two] = [await createToken(limited.db, { siteId: site.id }, Date.now()), await createToken(limited.db, { siteId: site.id }, Date.now())];
      const ask = (token: string) =>
        fetch(`${limited.url}/api/v2/query`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ site_id: 'limited.example', metrics: ['visitors'], date_range: 'day' }),
        });
      expect([(await ask(one)).status, (await ask(one)).status]).toEqual([200, 200]);
      const refused = await ask(one);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await refused.json()) as { error: string }).error).toMatch(/at most 2 a minute per API key/);
      const realtime = await fetch(`${limited.url}/api/v1/stats/realtime/visitors?site_id=limited.example`, { headers: { authorization: `Bearer ${one}` } });
      expect(realtime.status).toBe(429);
      expect((await ask(two)).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});

describe('GET /api/v1/stats/realtime/visitors', () => {
  it('counts distinct visitors of the last five minutes as a bare integer', async () => {
    const now = server.now.ms / 1000;
    insertVisitWithEvents(server.db, site.id, { visitor: 40 }, [{ ts: now - 60 }, { ts: now - 30 }]);
    insertVisitWithEvents(server.db, site.id, { visitor: 41 }, [{ ts: now - 299 }]);
    insertVisitWithEvents(server.db, site.id, { visitor: 42 }, [{ ts: now - 301 }]);
    const res = await fetch(`${server.url}/api/v1/stats/realtime/visitors?site_id=example.com`, { headers: { authorization: `Bearer ${siteToken}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('2');
  });

  it('answers 401 for another site and 400 without site_id', async () => {
    const headers = { authorization: `Bearer ${otherToken}` };
    expect((await fetch(`${server.url}/api/v1/stats/realtime/visitors?site_id=example.com`, { headers })).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/stats/realtime/visitors`, { headers })).status).toBe(400);
  });
});
