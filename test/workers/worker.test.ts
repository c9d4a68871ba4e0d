/**
 * What only the Workers adapter does, in real workerd with a local D1: country from
 * request.cf (XX and T1 are unknown), the address from CF-Connecting-IP and never from
 * X-Forwarded-For, and a clear answer when the configuration is wrong.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TellerWorker, startWorker } from './harness.ts';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

let worker: TellerWorker;

beforeAll(async () => {
  worker = await startWorker();
  await worker.db.prepare("INSERT INTO sites (domain, timezone, created_at) VALUES ('example.com', 'Europe/Oslo', 0)").run();
});
afterAll(() => worker?.close());
beforeEach(async () => {
  await worker.db.batch(['events', 'event_props', 'visits'].map((t) => worker.db.prepare(`DELETE FROM ${t}`)));
});

function pageview(headers: Record<string, string> = {}, country?: string, ip = '84.208.20.110'): Promise<Response> {
  return worker.fetch(
    '/api/event',
    {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'user-agent': FIREFOX, ...headers },
      body: JSON.stringify({ n: 'pageview', u: 'https://example.com/ull', d: 'example.com' }),
    },
    country === undefined ? undefined : { ip, country },
  );
}

const visits = async () =>
  (await worker.db.prepare('SELECT country, ip, browser, entry_page FROM visits ORDER BY id').all<Record<string, string | null>>()).results;

describe('the Worker entry in workerd', () => {
  it('stores an event in D1 with the country from request.cf and the address from CF-Connecting-IP', async () => {
    const res = await pageview({}, 'NO');
    expect(res.status).toBe(202);
    expect(res.headers.get('x-plausible-dropped')).toBeNull();
    expect(await visits()).toEqual([{ country: 'NO', ip: '84.208.20.0', browser: 'Firefox', entry_page: '/ull' }]);
    const events = await worker.db.prepare('SELECT name, path FROM events').all();
    expect(events.results).toEqual([{ name: 'pageview', path: '/ull' }]);
  });

  it('counts Cloudflare’s XX (unknown) and T1 (Tor) as no country', async () => {
    await pageview({}, 'XX', '192.0.2.10');
    await pageview({}, 'T1', '198.51.100.20');
    await pageview({}, 'se', '85.226.0.1');
    expect((await visits()).map((v) => v.country)).toEqual([null, null, 'SE']);
  });

  it('ignores X-Forwarded-For, which any client can send', async () => {
    await pageview({ 'x-forwarded-for': '203.0.113.9, 10.0.0.1' }, 'NO', '84.208.20.110');
    expect((await visits()).map((v) => v.ip)).toEqual(['84.208.20.0']);
  });

  it('answers 400, not 5xx, when CF-Connecting-IP is not an address', async () => {
    const res = await pageview({}, 'NO', 'unknown');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/client address/);
    expect(await visits()).toEqual([]);
  });
});

describe('a misconfigured Worker', () => {
  it('answers 500 naming the setting, never echoing the secret', async () => {
    const bad = await startWorker({ vars: { TELLER_ADMIN_TOKEN: 'short-secret' } });
    try {
      const res = await bad.fetch('/healthz');
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).toContain('TELLER_ADMIN_TOKEN');
      expect(text).not.toContain('short-secret');
    } finally {
      await bad.close();
    }
  });
});
