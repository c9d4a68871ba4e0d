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

describe('the per-client rate limit on Workers', () => {
  it('answers 429 with Retry-After past TELLER_EVENT_RATE_LIMIT', async () => {
    const limited = await startWorker({ vars: { TELLER_EVENT_RATE_LIMIT: '2' } });
    try {
      await limited.db.prepare("INSERT INTO sites (domain, timezone, created_at) VALUES ('example.com', 'Europe/Oslo', 0)").run();
      const send = () =>
        limited.fetch(
          '/api/event',
          { method: 'POST', headers: { 'content-type': 'text/plain', 'user-agent': FIREFOX }, body: JSON.stringify({ n: 'pageview', u: 'https://example.com/', d: 'example.com' }) },
          { ip: '84.208.20.110', country: 'NO' },
        );
      const statuses = [(await send()).status, (await send()).status];
      const third = await send();
      expect([...statuses, third.status]).toEqual([202, 202, 429]);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await limited.db.prepare('SELECT count(*) AS n FROM events').first<{ n: number }>())?.n).toBe(2);
    } finally {
      await limited.close();
    }
  });
});

describe('a misconfigured Worker', () => {
  it('goes on collecting events with a short admin token, and tells whoever presents that token why it is refused', async () => {
    const bad = await startWorker({ vars: { TELLER_ADMIN_TOKEN: 'short-secret' } });
    try {
      await bad.db.prepare("INSERT INTO sites (domain, timezone, created_at) VALUES ('example.com', 'Europe/Oslo', 0)").run();
      const event = await bad.fetch(
        '/api/event',
        { method: 'POST', headers: { 'content-type': 'text/plain', 'user-agent': FIREFOX }, body: JSON.stringify({ n: 'pageview', u: 'https://example.com/', d: 'example.com' }) },
        { ip: '84.208.20.110', country: 'NO' },
      );
      expect(event.status).toBe(202);
      expect((await bad.db.prepare('SELECT count(*) AS n FROM events').first<{ n: number }>())?.n).toBe(1);
      expect((await bad.fetch('/healthz')).status).toBe(200);

      for (const path of ['/api/v1/sites', '/api/v1/stats/realtime/visitors?site_id=example.com']) {
        const refused = await bad.fetch(path, { headers: { authorization: 'Bearer short-secret' } });
        expect(refused.status).toBe(401);
        const text = await refused.text();
        expect(text).toContain('TELLER_ADMIN_TOKEN must be at least 32 characters');
        expect(text).not.toContain('short-secret');
      }
      const query = await bad.fetch('/api/v2/query', {
        method: 'POST',
        headers: { authorization: 'Bearer short-secret', 'content-type': 'application/json' },
        body: JSON.stringify({ site_id: 'example.com', metrics: ['visitors'], date_range: 'day' }),
      });
      expect(query.status).toBe(401);
      expect(await query.text()).toContain('TELLER_ADMIN_TOKEN');
      // Anyone else learns nothing about the configuration.
      const stranger = await bad.fetch('/api/v1/sites', { headers: { authorization: 'Bearer something-else' } });
      expect(stranger.status).toBe(401);
      expect(await stranger.text()).not.toContain('TELLER_ADMIN_TOKEN');
    } finally {
      await bad.close();
    }
  });

  it('answers 500 naming any other wrong setting', async () => {
    const bad = await startWorker({ vars: { TELLER_IP_STORAGE: 'full' } });
    try {
      const res = await bad.fetch('/healthz');
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('TELLER_IP_STORAGE');
    } finally {
      await bad.close();
    }
  });
});

describe('first run on Workers', () => {
  const setup = (w: TellerWorker, code?: string) =>
    w.fetch('/api/dashboard/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://teller.example.workers.dev' },
      body: JSON.stringify({ email: 'owner@teller.example', password: 'correct horse battery', password2: 'correct horse battery', code }),
    });

  it('is closed without TELLER_SETUP_CODE or TELLER_ADMIN_TOKEN, and says what to set', async () => {
    const res = await setup(worker, 'anything-at-all-0123456789');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/^setup is closed: .*TELLER_SETUP_CODE/);
    expect((await worker.db.prepare('SELECT count(*) AS n FROM users').first<{ n: number }>())?.n).toBe(0);
  });

  it('takes the operator\'s TELLER_SETUP_CODE secret', async () => {
    const own = await startWorker({ vars: { TELLER_SETUP_CODE: 'set-with-wrangler-secret-put' } });
    try {
      expect((await setup(own, 'set-with-wrangler-secret-pu')).status).toBe(403);
      const res = await setup(own, 'set-with-wrangler-secret-put');
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/^__Host-teller_session=[^;]+;.*Secure/);
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
    } finally {
      await own.close();
    }
  });
});
