import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_MAC, type TestServer, sendEvent, startTestServer } from '../helpers/server.ts';

// 429: random events from one address block may pass the per-client limit, which is a fine answer.
const ALLOWED = new Set([202, 204, 400, 405, 413, 429]);

const fieldValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }));
const url = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.constant('https://example.com/x'), fc.string());
const plausibleish = fc.record(
  {
    n: fc.oneof(fc.constant('pageview'), fc.constant('engagement'), fc.string(), fieldValue),
    u: fc.oneof(url, fieldValue),
    d: fc.oneof(fc.constant('example.com'), fc.constant('example.com,other.example'), fc.domain(), fieldValue),
    r: fc.oneof(fc.webUrl({ withQueryParameters: true }), fieldValue),
    w: fieldValue,
    h: fieldValue,
    i: fieldValue,
    p: fc.oneof(fc.dictionary(fc.string(), fieldValue, { maxKeys: 40 }), fc.string(), fieldValue),
    $: fieldValue,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  plausibleish.map((o) => JSON.stringify(o)),
  fc.string({ maxLength: 2000 }),
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constant('x'.repeat(140_000)),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,80}$/);
const headers = fc.record(
  {
    'content-type': fc.oneof(fc.constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain; charset=utf-8'), headerValue),
    'user-agent': fc.oneof(fc.constant(CHROME_MAC), headerValue),
    'x-forwarded-for': fc.oneof(fc.ipV4(), fc.ipV6(), headerValue),
    dnt: fc.constantFrom('0', '1'),
    'sec-ch-ua-platform': headerValue,
    'sec-ch-ua': headerValue,
  },
  { requiredKeys: [] },
);
const method = fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');

describe('Events API under random input', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { trustProxy: 1 } });
    await server.addSite('example.com');
  });
  afterAll(() => server.stop());

  it('answers only 202, 204, 400, 405, 413 or 429, keeps serving and loses nothing stored', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await sendEvent(server, { n: 'pageview', u: `https://example.com/before/${i}`, d: 'example.com' }, { 'x-forwarded-for': `84.208.20.${i}`, 'user-agent': CHROME_MAC });
      expect(res.status).toBe(202);
    }
    const before = await server.db.all<{ id: number; path: string }>('SELECT id, path FROM events ORDER BY id');
    expect(before).toHaveLength(20);

    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(method, body, headers, async (m, b, h) => {
        const res = await fetch(`${server.url}/api/event`, {
          method: m,
          headers: Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>,
          body: m === 'GET' || m === 'HEAD' ? undefined : b,
        });
        await res.arrayBuffer();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        if (!ALLOWED.has(res.status)) throw new Error(`status ${res.status} for ${m} ${b.slice(0, 200)}`);
        expect(res.headers.get('set-cookie')).toBeNull();
      }),
      { numRuns: 2500 },
    );

    // The generators must reach every branch, or the property proves little.
    for (const status of [202, 204, 400, 405, 413]) expect(seen.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(0);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const after = await server.db.all<{ id: number; path: string }>('SELECT id, path FROM events WHERE id <= ? ORDER BY id', [before.at(-1)!.id]);
    expect(after).toEqual(before);
    expect(server.log.lines.filter((l) => l.includes('unhandled'))).toEqual([]);
  }, 240_000);
});
