/**
 * Node-only behaviour of the Events API: trust-proxy, the instance-wide IP setting, store
 * failures and the status page. What both runtimes share is in test/shared/events-api.suite.ts,
 * which runs against this server too (test/node/events-api.shared.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { sendEvent, startTestServer } from '../helpers/server.ts';

const NORWAY = '84.208.20.110';

describe('home page', () => {
  it('is the dashboard shell, no longer a status page', async () => {
    const server = await startTestServer();
    try {
      const home = await fetch(`${server.url}/`);
      expect(home.status).toBe(200);
      const text = await home.text();
      expect(text).toContain('<div id="app"></div>');
      expect(text).toContain('src="/dashboard/app.js"');
    } finally {
      await server.stop();
    }
  });
});

describe('client address', () => {
  it('ignores X-Forwarded-For unless trust-proxy is set, and warns once about loopback', async () => {
    const server = await startTestServer();
    try {
      await server.addSite('example.com');
      await sendEvent(server, { n: 'pageview', u: 'https://example.com/', d: 'example.com' }, { 'x-forwarded-for': NORWAY });
      await sendEvent(server, { n: 'pageview', u: 'https://example.com/', d: 'example.com' }, { 'x-forwarded-for': NORWAY });
      const v = await server.db.first<{ ip: string; country: string | null }>('SELECT ip, country FROM visits');
      expect(v).toEqual({ ip: '127.0.0.0', country: null });
      expect(server.log.lines.filter((l) => l.includes('TELLER_TRUST_PROXY'))).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });

  it('stores no address at all for a site that chooses none', async () => {
    const server = await startTestServer({ config: { trustProxy: 1, ipStorage: 'none' } });
    try {
      await server.addSite('example.com');
      await sendEvent(server, { n: 'pageview', u: 'https://example.com/', d: 'example.com' }, { 'x-forwarded-for': NORWAY });
      expect(await server.db.first('SELECT ip, country FROM visits')).toEqual({ ip: null, country: 'NO' });
    } finally {
      await server.stop();
    }
  });

  it('rejects a garbage forwarded address with 400', async () => {
    const server = await startTestServer({ config: { trustProxy: 1 } });
    try {
      await server.addSite('example.com');
      const res = await sendEvent(server, { n: 'pageview', u: 'https://example.com/', d: 'example.com' }, { 'x-forwarded-for': 'not-an-ip' });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatch(/X-Forwarded-For/);
    } finally {
      await server.stop();
    }
  });
});

describe('per-client rate limit', () => {
  it('answers 429 with Retry-After past the limit for one site and address block, and stores nothing more', async () => {
    const server = await startTestServer({ config: { trustProxy: 1, eventRateLimit: 3 } });
    try {
      await server.addSite('example.com');
      await server.addSite('other.example');
      const send = (ip: string, domain = 'example.com') =>
        sendEvent(server, { n: 'pageview', u: `https://${domain}/`, d: domain }, { 'x-forwarded-for': ip });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await send(`84.208.20.${i + 1}`)).status);
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
      const refused = await send('84.208.20.99');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await refused.json()) as { error: string }).error).toMatch(/too many events/);
      // Another address block, and another site from the same block, are not held back.
      expect((await send('84.208.21.1')).status).toBe(202);
      expect((await send('84.208.20.1', 'other.example')).status).toBe(202);
      expect(await server.db.first('SELECT count(*) AS n FROM events')).toEqual({ n: 5 });
    } finally {
      await server.stop();
    }
  });
});

describe('storage failure', () => {
  it('answers 503 with Retry-After, never a bare 500, and keeps serving', async () => {
    const server = await startTestServer({ config: { trustProxy: 1 } });
    try {
      await server.addSite('example.com');
      await server.db.run('DROP TABLE event_props');
      const res = await sendEvent(server, { n: 'Signup', u: 'https://example.com/', d: 'example.com', p: { plan: 'pro' } }, { 'x-forwarded-for': NORWAY });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(server.log.lines.some((l) => l.startsWith('event not stored'))).toBe(true);
      const ok = await sendEvent(server, { n: 'pageview', u: 'https://example.com/', d: 'example.com' }, { 'x-forwarded-for': NORWAY });
      expect(ok.status).toBe(202);
      expect(await server.db.all('SELECT name FROM events')).toEqual([{ name: 'pageview' }]);
    } finally {
      await server.stop();
    }
  });

  it('logs a burst of failures as one line a second, with a count', async () => {
    let now = Date.now();
    const server = await startTestServer({ config: { trustProxy: 1 }, clock: () => now });
    try {
      await server.addSite('example.com');
      await server.db.run('DROP TABLE event_props');
      const failing = () => sendEvent(server, { n: 'Signup', u: 'https://example.com/', d: 'example.com', p: { plan: 'pro' } }, { 'x-forwarded-for': NORWAY });
      const burst = await Promise.all(Array.from({ length: 20 }, failing));
      expect(burst.every((r) => r.status === 503)).toBe(true);
      const failures = () => server.log.lines.filter((l) => l.startsWith('event not stored'));
      expect(failures()).toHaveLength(1);
      now += 999;
      expect((await failing()).status).toBe(503);
      expect(failures()).toHaveLength(1);
      now += 1;
      expect((await failing()).status).toBe(503);
      expect(failures()).toHaveLength(2);
      expect(failures()[1]).toMatch(/\(and 20 more since the last report\)$/);
    } finally {
      await server.stop();
    }
  });
});
