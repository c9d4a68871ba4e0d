import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../server/core/tokens.ts';
import { CHROME_MAC, FIREFOX_WINDOWS, SAFARI_IPHONE, type TestServer, sendEvent, startTestServer } from '../helpers/server.ts';

describe('events in, statistics out, on one Node server', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    // A fixed clock, so "day" is the day the events arrived even across a midnight in Oslo.
    const now = Date.parse('2026-03-10T12:00:00Z');
    server = await startTestServer({ config: { trustProxy: 1 }, clock: () => now });
    const siteId = await server.addSite('example.com', 'Europe/Oslo');
    token = await createToken(server.db, { siteId }, Date.now());
    const visits: Array<[string, string, string, string | null]> = [
      ['84.208.20.110', FIREFOX_WINDOWS, '/', 'https://www.bing.com/search?q=ullsokker'],
      ['81.167.36.1', CHROME_MAC, '/', 'https://www.google.no/'],
      ['8.8.8.8', SAFARI_IPHONE, '/pricing', null],
    ];
    for (const [ip, ua, path, referrer] of visits) {
      const res = await sendEvent(server, { n: 'pageview', u: `https://example.com${path}`, d: 'example.com', r: referrer }, { 'x-forwarded-for': ip, 'user-agent': ua });
      expect(res.status).toBe(202);
    }
    await sendEvent(server, { n: 'pageview', u: 'https://example.com/pricing', d: 'example.com' }, { 'x-forwarded-for': '84.208.20.110', 'user-agent': FIREFOX_WINDOWS });
  });
  afterAll(() => server.stop());

  const query = async (body: object, bearer = token) => {
    const res = await fetch(`${server.url}/api/v2/query`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify({ site_id: 'example.com', date_range: 'day', ...body }) });
    return { status: res.status, body: (await res.json()) as { results: Array<{ metrics: number[]; dimensions: string[] }> } };
  };

  it('counts visitors, visits, pageviews and bounces', async () => {
    const { status, body } = await query({ metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate'] });
    expect(status).toBe(200);
    expect(body.results).toEqual([{ metrics: [3, 3, 4, 67], dimensions: [] }]);
  });

  it('breaks down by country, source and search keyword', async () => {
    expect((await query({ metrics: ['visitors'], dimensions: ['visit:country'] })).body.results).toEqual([
      { metrics: [2], dimensions: ['NO'] },
      { metrics: [1], dimensions: ['US'] },
    ]);
    const sources = (await query({ metrics: ['visitors'], dimensions: ['visit:source'], order_by: [['visit:source', 'asc']] })).body.results;
    expect(sources).toEqual([
      { metrics: [1], dimensions: ['Bing'] },
      { metrics: [1], dimensions: ['Direct / None'] },
      { metrics: [1], dimensions: ['Google'] },
    ]);
    const keywords = (await query({ metrics: ['visitors'], dimensions: ['visit:search_keyword'], filters: [['is_not', 'visit:search_keyword', ['(not set)']]] })).body.results;
    expect(keywords).toContainEqual({ metrics: [1], dimensions: ['ullsokker'] });
  });

  it('refuses a wrong token with 401', async () => {
    expect((await query({ metrics: ['visitors'] }, 'not-a-token')).status).toBe(401);
  });
});
