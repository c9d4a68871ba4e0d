/**
 * Each credential's fair share of the reader thread, over real HTTP on a real SQLite file:
 * one token floods heavy 12-month `contains` queries, and another token's single query is
 * answered right after the query reading now, before the flood's backlog; a credential past
 * its bound (tokens, and a dashboard session) is answered 429 at once while everyone else
 * is served. Order and counts only: the test holds the reader threads' turns itself
 * (`server.queryShare`) until every request is lined up, so nothing depends on timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../server/core/tokens.ts';
import { sendEvent, startTestServer, type TestServer } from '../helpers/server.ts';
import { call, setupOwner } from './dashboard-helpers.ts';

const NOW = Date.parse('2026-01-15T12:00:00Z');
const DOMAIN = 'example.com';

/** Twelve months of raw data: a visit every ten minutes, two pageviews each; no rollups. */
const VISITS = 50_000;

const HEAVY = {
  site_id: DOMAIN,
  metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate'],
  date_range: '12mo',
  filters: [['contains', 'event:page', ['pricing']]],
  include: { compare: 'previous_period' },
};
const LIGHT = { site_id: DOMAIN, metrics: ['visitors', 'pageviews'], date_range: '7d' };
/** Reader threads, and so turns on the reader at once. */
const READERS = 2;

let server: TestServer;
let heavyToken: string;
let lightToken: string;

beforeAll(async () => {
  // SQLite alone: every read of these queries is the reader thread's.
  server = await startTestServer({ env: { TELLER_COLUMNAR: 'off', TELLER_READER_THREADS: String(READERS) }, config: { queryRateLimit: 0 }, clock: () => NOW });
  const siteId = await server.addSite(DOMAIN);
  heavyToken = await createToken(server.db, { siteId }, NOW);
  lightToken = await createToken(server.db, { siteId }, NOW);
  const start = Math.floor(NOW / 1000) - 365 * 86_400;
  server.db.raw
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
       INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, events, entry_page, exit_page, channel, source, country)
       SELECT ?, i, ? + i * 600, ? + i * 600 + 60, 2, 0, '/page-' || (i % 500), CASE WHEN i % 3 = 0 THEN '/pricing' ELSE '/about' END, 'Direct', NULL, 'NO' FROM n`,
    )
    .run(VISITS, siteId, start, start);
  for (const [at, page] of [['started_at', 'entry_page'], ['ended_at', 'exit_page']]) {
    server.db.raw.prepare(`INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) SELECT site_id, id, visitor, ${at}, 'pageview', 'example.com', ${page} FROM visits WHERE site_id = ?`).run(siteId);
  }
}, 60_000);
afterAll(() => server.stop());

function query(token: string, body: unknown): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  return fetch(`${server.url}/api/v2/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() }));
}

/** Takes every turn on the reader as other queries would, until `release()`: what is asked meanwhile lines up. */
function holdReader(): { release(): Promise<void> } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // The reader is free between tests: the turns are taken at once.
  const holding = Array.from({ length: READERS }, (_, i) => server.queryShare.run(`test holding the reader ${i}`, (turns) => turns.read('reader', () => held)));
  return {
    async release() {
      release();
      await Promise.all(holding);
    },
  };
}

describe('fair share of the reader thread', () => {
  it('answers a light token’s query after the heavy query reading now, before the rest of another token’s flood', async () => {
    const expected = await query(lightToken, LIGHT);
    expect(expected.status).toBe(200);
    const reader = holdReader();
    const finished: string[] = [];
    const flood = Array.from({ length: 24 }, (_, i) => query(heavyToken, HEAVY).then((answer) => (finished.push(`heavy ${i}`), answer)));
    await expect.poll(() => server.queryShare.waiting()).toBe(24);
    const light = query(lightToken, LIGHT).then((answer) => (finished.push('light'), answer));
    await expect.poll(() => server.queryShare.waiting()).toBe(25);
    await reader.release();

    const heavy = await Promise.all(flood);
    expect(await light).toEqual(expected);
    expect(heavy.map((a) => a.status)).toEqual(Array(24).fill(200));
    // Every heavy query read the same rows: a visit in three ends on /pricing.
    expect(new Set(heavy.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect((heavy[0]!.body as { results: Array<{ metrics: number[] }> }).results[0]!.metrics[1]).toBeGreaterThan(10_000);
    // The heavy queries that took the two turns first, and at most those, before the light one.
    expect(finished.indexOf('light')).toBeLessThanOrEqual(2);
    expect(finished).toHaveLength(25);
  });

  it('answers a token past 32 queries in flight 429 with Retry-After at once; everything else goes on', async () => {
    const reader = holdReader();
    const answered: Array<{ status: number; retryAfter: string | null; body: unknown }> = [];
    const flood = Array.from({ length: 35 }, () => query(heavyToken, LIGHT).then((answer) => (answered.push(answer), answer)));
    // The three past the bound are refused without waiting for the reader.
    await expect.poll(() => answered.length).toBe(3);
    expect(server.queryShare.waiting()).toBe(32);
    for (const refused of answered) {
      expect(refused).toEqual({
        status: 429,
        retryAfter: '1',
        body: { error: 'Too many queries at once: at most 32 waiting or running per API key, shared link or user. Try again when one has been answered.' },
      });
    }
    // Another token, events and health are not held up by it.
    const other = query(lightToken, LIGHT);
    await expect.poll(() => server.queryShare.waiting()).toBe(33);
    expect((await sendEvent(server, { n: 'pageview', u: 'https://example.com/while-flooded', d: DOMAIN })).status).toBe(202);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await reader.release();

    expect((await Promise.all(flood)).map((a) => a.status).sort()).toEqual([...Array(32).fill(200), 429, 429, 429]);
    expect((await other).status).toBe(200);
    expect((await query(heavyToken, LIGHT)).status).toBe(200);
  });

  it('counts a dashboard user’s requests as one credential: two views at once fit, past 32 the next is refused', async () => {
    const cookie = await setupOwner(server);
    const reader = holdReader();
    // Two site views opened together: 13 Stats API queries and the recent visits each.
    const view = () => [
      ...Array.from({ length: 13 }, () => call(server, 'POST', '/api/v2/query', { cookie, json: LIGHT })),
      call(server, 'GET', `/api/dashboard/sites/${DOMAIN}/visits?date_range=${encodeURIComponent('"7d"')}`, { cookie }),
    ];
    const views = [...view(), ...view()];
    await expect.poll(() => server.queryShare.waiting()).toBe(28);
    const more = Array.from({ length: 4 }, () => call(server, 'POST', '/api/v2/query', { cookie, json: LIGHT }));
    await expect.poll(() => server.queryShare.waiting()).toBe(32);
    const refused = await call(server, 'GET', `/api/dashboard/sites/${DOMAIN}/properties`, { cookie });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toEqual({ error: expect.stringContaining('at most 32 waiting or running per API key, shared link or user') });
    // A token is another credential.
    const token = query(lightToken, LIGHT);
    await expect.poll(() => server.queryShare.waiting()).toBe(33);
    await reader.release();

    expect((await Promise.all([...views, ...more])).map((a) => a.status)).toEqual(Array(32).fill(200));
    expect((await token).status).toBe(200);
    expect((await call(server, 'GET', `/api/dashboard/sites/${DOMAIN}/properties`, { cookie })).status).toBe(200);
  });
});
