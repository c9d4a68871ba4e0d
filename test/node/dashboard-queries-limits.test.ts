/**
 * A batch of queries (POST /api/dashboard/queries) counts as its queries: against a shared
 * link's requests a minute (each query past the limit is its own 429 line, with Retry-After,
 * and the Stats API then refuses the link too) and against a credential's queries in flight
 * (the fair share: a user's queries past the bound are 429 lines). Counts only, no timing:
 * every query of a batch starts before any read of the reader thread has answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, setupOwner } from './dashboard-helpers.ts';

const SITE = 'limits.example';
const QUERY = { site_id: SITE, metrics: ['visitors'], date_range: '7d' };

let server: TestServer;
let owner: string;
let share: string;

beforeAll(async () => {
  server = await startTestServer({ config: { queryRateLimit: 3, queryQueueLimit: 2 } });
  await server.addSite(SITE);
  owner = await setupOwner(server);
  const link = (await call(server, 'POST', `/api/dashboard/sites/${SITE}/shared-links`, { cookie: owner, json: {} })).body.link as { url: string };
  share = link.url.slice(link.url.lastIndexOf('/') + 1);
});
afterAll(() => server?.stop());

async function batch(headers: Record<string, string>, queries: unknown[]): Promise<Array<{ i: number; status: number; retry_after?: number }>> {
  const res = await fetch(`${server.url}/api/dashboard/queries`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ queries }) });
  expect(res.status).toBe(200);
  return (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as { i: number; status: number; retry_after?: number }).sort((a, b) => a.i - b.i);
}

describe('query batch limits', () => {
  it('counts each query of a shared link\'s batch against its requests a minute', async () => {
    // Two at a time: the queries in flight are bounded too (the next test).
    expect((await batch({ 'x-teller-share': share }, [QUERY, QUERY])).map((l) => l.status)).toEqual([200, 200]);
    const lines = await batch({ 'x-teller-share': share }, [QUERY, QUERY]);
    expect(lines.map((l) => l.status).sort()).toEqual([200, 429]);
    expect(lines.find((l) => l.status === 429)!.retry_after).toBeGreaterThan(0);
    const alone = await call(server, 'POST', '/api/v2/query', { headers: { 'x-teller-share': share }, json: QUERY });
    expect(alone.status).toBe(429);
  });

  it('counts each query of a user\'s batch against the queries in flight', async () => {
    const lines = await batch({ cookie: `teller_session=${owner}` }, [QUERY, { ...QUERY, date_range: '30d' }, { ...QUERY, date_range: '12mo' }, { ...QUERY, date_range: 'day' }]);
    expect(lines.map((l) => l.status).sort()).toEqual([200, 200, 429, 429]);
    // The next batch finds them answered: nothing is left counted.
    expect((await batch({ cookie: `teller_session=${owner}` }, [QUERY, QUERY])).map((l) => l.status)).toEqual([200, 200]);
  });
});
