import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROME_MAC, FIREFOX_WINDOWS, SAFARI_IPHONE, type TestServer, sendEvent, startTestServer } from '../helpers/server.ts';

const NORWAY = '84.208.20.110';

describe('POST /api/event', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { trustProxy: 1 } });
    await server.addSite('example.com', 'Europe/Oslo');
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    await server.db.batch([
      { sql: 'DELETE FROM events', params: [] },
      { sql: 'DELETE FROM event_props', params: [] },
      { sql: 'DELETE FROM visits', params: [] },
    ]);
  });

  const visits = () => server.db.all<Record<string, string | number | null>>('SELECT * FROM visits ORDER BY id');
  const events = () => server.db.all<Record<string, string | number | null>>('SELECT * FROM events ORDER BY id');

  it('stores a pageview anonymised and classified', async () => {
    const res = await sendEvent(
      server,
      { n: 'pageview', u: 'https://www.example.com/produkter/ull?utm_campaign=vinter&email=kari@example.no', d: 'example.com', r: 'https://www.bing.com/search?q=varme+ullsokker&form=QBLH', w: 1920 },
      { 'x-forwarded-for': NORWAY },
    );
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('x-plausible-dropped')).toBeNull();
    const [v] = await visits();
    expect(v).toMatchObject({
      country: 'NO', browser: 'Firefox', os: 'Windows', device: 'Desktop', source: 'Bing', channel: 'Organic Search',
      search_engine: 'Bing', search_keyword: 'varme ullsokker', utm_campaign: 'vinter', referrer: 'bing.com/search',
      ip: '84.208.20.0', entry_page: '/produkter/ull', hostname: 'example.com',
    });
    const [e] = await events();
    expect(e).toMatchObject({ name: 'pageview', path: '/produkter/ull', hostname: 'example.com' });
  });

  it('accepts what the official Plausible tracker sends', async () => {
    const h = { 'x-forwarded-for': '81.167.36.1', 'user-agent': CHROME_MAC };
    const page = 'https://example.com/pricing';
    expect((await sendEvent(server, { n: 'pageview', u: page, d: 'example.com', r: null, w: 1440 }, h)).status).toBe(202);
    expect((await sendEvent(server, { n: 'Signup', u: page, d: 'example.com', r: null, w: 1440, p: { plan: 'pro', seats: 3, trial: true } }, h)).status).toBe(202);
    expect((await sendEvent(server, { n: 'Purchase', u: page, d: 'example.com', r: null, $: { amount: '49.90', currency: 'NOK' } }, h)).status).toBe(202);
    expect((await sendEvent(server, { n: 'engagement', u: page, d: 'example.com', r: null, sd: 80, e: 12000 }, h)).status).toBe(202);
    expect((await sendEvent(server, { n: 'pageview', u: 'https://example.com/app#/settings', d: 'example.com', r: null, h: 1 }, h)).status).toBe(202);
    const stored = await events();
    expect(stored.map((e) => [e.name, e.path])).toEqual([
      ['pageview', '/pricing'], ['Signup', '/pricing'], ['Purchase', '/pricing'], ['pageview', '/app#/settings'],
    ]);
    expect(stored[2]).toMatchObject({ revenue_amount: '49.90', revenue_currency: 'NOK' });
    const props = await server.db.all('SELECT key, value FROM event_props ORDER BY key');
    expect(props).toEqual([{ key: 'plan', value: 'pro' }, { key: 'seats', value: '3' }, { key: 'trial', value: 'true' }]);
    const [v, ...more] = await visits();
    expect(more).toHaveLength(0);
    expect(v).toMatchObject({ pageviews: 2, events: 2, browser: 'Chrome', os: 'Mac', channel: 'Direct', source: null });
  });

  it('drops bots, Do-Not-Track, GPC and local pages with 202 and a reason', async () => {
    const base = { n: 'pageview', u: 'https://example.com/', d: 'example.com' };
    const cases: Array<[Record<string, string>, string, string?]> = [
      [{ 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }, 'bot'],
      [{ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36' }, 'headless'],
      [{ dnt: '1' }, 'do-not-track'],
      [{ 'sec-gpc': '1' }, 'global-privacy-control'],
      [{}, 'localhost', 'http://localhost:3000/'],
    ];
    for (const [headers, reason, url] of cases) {
      const res = await sendEvent(server, { ...base, u: url ?? base.u }, { 'x-forwarded-for': NORWAY, ...headers });
      expect(res.status, reason).toBe(202);
      expect(res.headers.get('x-plausible-dropped'), reason).toBe('1');
      expect(res.headers.get('x-teller-dropped'), reason).toContain(reason === 'headless' ? 'headless' : reason);
    }
    expect(await events()).toHaveLength(0);
  });

  it('drops excluded IPs and paths and hostnames outside the allow-list', async () => {
    const id = await server.addSite('shop.test');
    await server.db.run('UPDATE sites SET excluded_ips = ?, excluded_paths = ?, allowed_hostnames = ? WHERE id = ?', [
      JSON.stringify(['203.0.113.0/24']), JSON.stringify(['/admin/**']), JSON.stringify(['shop.test', '*.shop.test']), id,
    ]);
    const send = (u: string, ip: string) => sendEvent(server, { n: 'pageview', u, d: 'shop.test' }, { 'x-forwarded-for': ip });
    expect((await send('https://shop.test/', '203.0.113.7')).headers.get('x-teller-dropped')).toBe('excluded-ip');
    expect((await send('https://shop.test/admin/users', NORWAY)).headers.get('x-teller-dropped')).toBe('excluded-path');
    expect((await send('https://copycat.example/', NORWAY)).headers.get('x-teller-dropped')).toBe('hostname-not-allowed');
    const okRes = await send('https://blog.shop.test/post', NORWAY);
    expect(okRes.headers.get('x-teller-dropped')).toBeNull();
    expect((await events()).map((e) => e.hostname)).toEqual(['blog.shop.test']);
  });

  it('answers 400 naming the problem, 413 for a large body, 405 and 204', async () => {
    const unknown = await sendEvent(server, { n: 'pageview', u: 'https://nope.example/', d: 'nope.example' });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toContain('nope.example');
    const missing = await sendEvent(server, { u: 'https://example.com/', d: 'example.com' });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatch(/name/);
    const noUrl = await sendEvent(server, { n: 'pageview', d: 'example.com' });
    expect((await noUrl.json()).error).toMatch(/url/);
    const big = await sendEvent(server, { n: 'pageview', u: 'https://example.com/', d: 'example.com', p: { x: 'a'.repeat(200_000) } });
    expect(big.status).toBe(413);
    const get = await fetch(`${server.url}/api/event`);
    expect(get.status).toBe(405);
    const preflight = await fetch(`${server.url}/api/event`, { method: 'OPTIONS', headers: { origin: 'https://shop.test', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('records each of several comma-separated domains', async () => {
    await server.addSite('rollup.example');
    await sendEvent(server, { n: 'pageview', u: 'https://example.com/x', d: 'example.com,rollup.example' }, { 'x-forwarded-for': NORWAY, 'user-agent': SAFARI_IPHONE });
    const rows = await server.db.all<{ domain: string; device: string }>('SELECT s.domain, v.device FROM visits v JOIN sites s ON s.id = v.site_id ORDER BY s.domain');
    expect(rows).toEqual([{ domain: 'example.com', device: 'Mobile' }, { domain: 'rollup.example', device: 'Mobile' }]);
  });

  it('tells visitors apart by IP and user agent, without cookies', async () => {
    const page = { n: 'pageview', u: 'https://example.com/', d: 'example.com' };
    await sendEvent(server, page, { 'x-forwarded-for': NORWAY, 'user-agent': FIREFOX_WINDOWS });
    await sendEvent(server, page, { 'x-forwarded-for': NORWAY, 'user-agent': FIREFOX_WINDOWS });
    await sendEvent(server, page, { 'x-forwarded-for': '84.208.20.111', 'user-agent': FIREFOX_WINDOWS });
    await sendEvent(server, page, { 'x-forwarded-for': NORWAY, 'user-agent': CHROME_MAC });
    const v = await visits();
    expect(v.map((x) => x.pageviews)).toEqual([2, 1, 1]);
    expect(new Set(v.map((x) => x.visitor)).size).toBe(3);
  });

  it('reports the database writable at /healthz and serves a status page', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'writable' });
    const home = await fetch(`${server.url}/`);
    expect(await home.text()).toContain('Teller is running');
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
    } finally {
      await server.stop();
    }
  });
});
