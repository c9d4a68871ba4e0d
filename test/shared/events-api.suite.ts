/**
 * The Events API (POST /api/event) and the tracker files, over HTTP, with the same inputs
 * and the same expected answers for every runtime: each adapter's runner calls
 * `describeEventsApi` with a function that starts its server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ApiTarget, CHROME_MAC, FIREFOX_WINDOWS, GERMANY, NORWAY, NORWAY_2, NORWAY_3, NORWAY_V6, NOWHERE,
  SAFARI_IPHONE, SWEDEN, type StartTarget, sendEvent,
} from './target.ts';

export function describeEventsApi(runtime: string, start: StartTarget): void {
  describe(`Events API on ${runtime}`, () => {
    let target: ApiTarget;
    beforeAll(async () => {
      target = await start();
      await target.addSite('example.com', 'Europe/Oslo');
    });
    afterAll(() => target?.close());
    beforeEach(async () => {
      for (const table of ['events', 'event_props', 'visits']) await target.execute(`DELETE FROM ${table}`);
    });

    const visits = () => target.query('SELECT * FROM visits ORDER BY id');
    const events = () => target.query('SELECT * FROM events ORDER BY id');

    it('stores a pageview anonymised and classified', async () => {
      const res = await sendEvent(
        target,
        { n: 'pageview', u: 'https://www.example.com/produkter/ull?utm_campaign=vinter&email=kari@example.no', d: 'example.com', r: 'https://www.bing.com/search?q=varme+ullsokker&form=QBLH', w: 1920 },
        NORWAY,
      );
      expect(res.status).toBe(202);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('x-plausible-dropped')).toBeNull();
      const [v, ...more] = await visits();
      expect(more).toEqual([]);
      expect(v).toMatchObject({
        country: 'NO', browser: 'Firefox', os: 'Windows', device: 'Desktop', source: 'Bing', channel: 'Organic Search',
        search_engine: 'Bing', search_keyword: 'varme ullsokker', utm_campaign: 'vinter', referrer: 'bing.com/search',
        ip: '84.208.20.0', entry_page: '/produkter/ull', exit_page: '/produkter/ull', hostname: 'example.com', pageviews: 1, events: 0,
      });
      const [e] = await events();
      expect(e).toMatchObject({ name: 'pageview', path: '/produkter/ull', hostname: 'example.com', visit_id: v!.id, visitor: v!.visitor });
      // Nothing of the query string but the UTM tag is kept anywhere.
      const everything = JSON.stringify([await visits(), await events()]);
      expect(everything).not.toContain('kari');
      expect(everything).not.toContain('84.208.20.110');
    });

    it('keeps no query string or fragment parameters: not of hash-routed pages, addresses in props or referrers', async () => {
      const secrets = 'token=SECRET&email=jane@example.com';
      const bodies = [
        { n: 'pageview', u: `https://example.com/app#/account/reset?${secrets}`, d: 'example.com', h: 1, r: `https://partner.example/mail;jsessionid=SECRET?${secrets}#SECRET` },
        { n: 'pageview', u: `https://example.com/callback#access_token=SECRET&state=${secrets}`, d: 'example.com', h: 1 },
        { n: 'pageview', u: `https://example.com/sok;jsessionid=SECRET?q=varme+sokker&${secrets}#SECRET`, d: 'example.com' },
        {
          n: 'Outbound Link: Click', u: 'https://example.com/app', d: 'example.com',
          p: { url: `https://jane:SECRET@partner.example/checkout?${secrets}#pay`, return_to: `/account/reset?${secrets}`, plan: 'pro', note: 'Hva? #1' },
        },
      ];
      for (const body of bodies) expect((await sendEvent(target, body, NORWAY)).status).toBe(202);
      expect((await events()).map((e) => [e.path, e.site_search])).toEqual([
        ['/app#/account/reset', null], ['/callback#access_token', null], ['/sok', 'varme sokker'], ['/app', null],
      ]);
      expect(await target.query('SELECT key, value FROM event_props ORDER BY key')).toEqual([
        { key: 'note', value: 'Hva? #1' }, { key: 'plan', value: 'pro' }, { key: 'return_to', value: '/account/reset' }, { key: 'url', value: 'https://partner.example/checkout' },
      ]);
      const [v] = await visits();
      expect(v).toMatchObject({ referrer: 'partner.example/mail', entry_page: '/app#/account/reset' });
      const everything = JSON.stringify([await visits(), await events(), await target.query('SELECT * FROM event_props')]);
      expect(everything).not.toMatch(/SECRET|jane/);
    });

    it('accepts what the official Plausible tracker sends, in one visit', async () => {
      const h = { 'user-agent': CHROME_MAC };
      const page = 'https://example.com/pricing';
      const bodies = [
        { n: 'pageview', u: page, d: 'example.com', r: null, w: 1440 },
        { n: 'Signup', u: page, d: 'example.com', r: null, w: 1440, p: { plan: 'pro', seats: 3, trial: true } },
        { n: 'Purchase', u: page, d: 'example.com', r: null, $: { amount: '49.90', currency: 'NOK' } },
        { n: 'engagement', u: page, d: 'example.com', r: null, sd: 80, e: 12000 },
        { n: 'pageview', u: 'https://example.com/app#/settings', d: 'example.com', r: null, h: 1 },
      ];
      for (const body of bodies) expect((await sendEvent(target, body, NORWAY_3, h)).status).toBe(202);
      const stored = await events();
      expect(stored.map((e) => [e.name, e.path])).toEqual([
        ['pageview', '/pricing'], ['Signup', '/pricing'], ['Purchase', '/pricing'], ['pageview', '/app#/settings'],
      ]);
      expect(stored[2]).toMatchObject({ revenue_amount: '49.90', revenue_currency: 'NOK' });
      const props = await target.query('SELECT key, value FROM event_props ORDER BY key');
      expect(props).toEqual([{ key: 'plan', value: 'pro' }, { key: 'seats', value: '3' }, { key: 'trial', value: 'true' }]);
      // The props belong to the Signup event (last_insert_rowid() inside the batch).
      const signup = stored[1]!;
      expect(await target.query('SELECT DISTINCT event_id FROM event_props')).toEqual([{ event_id: signup.id }]);
      const [v, ...more] = await visits();
      expect(more).toHaveLength(0);
      expect(v).toMatchObject({ pageviews: 2, events: 2, browser: 'Chrome', os: 'Mac', channel: 'Direct', source: null, entry_page: '/pricing', exit_page: '/app#/settings' });
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
        const res = await sendEvent(target, { ...base, u: url ?? base.u }, NORWAY, headers);
        expect(res.status, reason).toBe(202);
        expect(res.headers.get('x-plausible-dropped'), reason).toBe('1');
        expect(res.headers.get('x-teller-dropped'), reason).toContain(reason);
      }
      expect(await events()).toHaveLength(0);
    });

    it('drops excluded IPs and paths and hostnames outside the allow-list', async () => {
      const id = await target.addSite('shop.test');
      await target.execute('UPDATE sites SET excluded_ips = ?, excluded_paths = ?, allowed_hostnames = ? WHERE id = ?', [
        JSON.stringify(['85.226.0.0/16']), JSON.stringify(['/admin/**']), JSON.stringify(['shop.test', '*.shop.test']), id,
      ]);
      const send = (u: string, visitor = NORWAY) => sendEvent(target, { n: 'pageview', u, d: 'shop.test' }, visitor);
      expect((await send('https://shop.test/', SWEDEN)).headers.get('x-teller-dropped')).toBe('excluded-ip');
      expect((await send('https://shop.test/admin/users')).headers.get('x-teller-dropped')).toBe('excluded-path');
      expect((await send('https://copycat.example/')).headers.get('x-teller-dropped')).toBe('hostname-not-allowed');
      const ok = await send('https://blog.shop.test/post');
      expect(ok.status).toBe(202);
      expect(ok.headers.get('x-teller-dropped')).toBeNull();
      expect((await events()).map((e) => e.hostname)).toEqual(['blog.shop.test']);
    });

    it('answers 400 naming the problem, 413 for a large body, 405 and 204', async () => {
      const unknown = await sendEvent(target, { n: 'pageview', u: 'https://nope.example/', d: 'nope.example' }, NORWAY);
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { error: string }).error).toContain('nope.example');
      const missing = await sendEvent(target, { u: 'https://example.com/', d: 'example.com' }, NORWAY);
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { error: string }).error).toMatch(/name/);
      const noUrl = await sendEvent(target, { n: 'pageview', d: 'example.com' }, NORWAY);
      expect(((await noUrl.json()) as { error: string }).error).toMatch(/url/);
      const garbage = await sendEvent(target, '{"n": "pageview", "u": ', NORWAY);
      expect(garbage.status).toBe(400);
      const get = await target.request('/api/event', {}, NORWAY);
      expect(get.status).toBe(405);
      const preflight = await target.request('/api/event', { method: 'OPTIONS', headers: { origin: 'https://shop.test', 'access-control-request-method': 'POST' } }, NORWAY);
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(await events()).toHaveLength(0);
    });

    it('answers an oversized body with a 413 the client can read, with or without Content-Length', async () => {
      const big = { n: 'pageview', u: 'https://example.com/', d: 'example.com', p: { x: 'a'.repeat(200_000) } };
      const sized = await sendEvent(target, big, NORWAY);
      expect(sized.status).toBe(413);
      expect(((await sized.json()) as { error: string }).error).toMatch(/larger than \d+ bytes/);
      const bytes = new TextEncoder().encode(JSON.stringify(big));
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 16_384) controller.enqueue(bytes.subarray(i, i + 16_384));
          controller.close();
        },
      });
      const streamed = await target.request(
        '/api/event',
        { method: 'POST', headers: { 'content-type': 'text/plain' }, body: chunked, duplex: 'half' } as RequestInit,
        NORWAY,
      );
      expect(streamed.status).toBe(413);
      expect(await events()).toHaveLength(0);
      // The connection is still good for the next event.
      expect((await sendEvent(target, { n: 'pageview', u: 'https://example.com/after', d: 'example.com' }, NORWAY)).status).toBe(202);
    });

    it('parses the body whatever its content type', async () => {
      const body = JSON.stringify({ n: 'pageview', u: 'https://example.com/json', d: 'example.com' });
      expect((await sendEvent(target, body, NORWAY, { 'content-type': 'application/json' })).status).toBe(202);
      const form = new URLSearchParams({ n: 'pageview', u: 'https://example.com/form', d: 'example.com' }).toString();
      expect((await sendEvent(target, form, NORWAY, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(202);
      expect((await events()).map((e) => e.path)).toEqual(['/json', '/form']);
    });

    it('records each of several comma-separated domains', async () => {
      await target.addSite('rollup.example');
      await sendEvent(target, { n: 'pageview', u: 'https://example.com/x', d: 'example.com,rollup.example' }, NORWAY, { 'user-agent': SAFARI_IPHONE });
      const rows = await target.query('SELECT s.domain, v.device FROM visits v JOIN sites s ON s.id = v.site_id ORDER BY s.domain');
      expect(rows).toEqual([{ domain: 'example.com', device: 'Mobile' }, { domain: 'rollup.example', device: 'Mobile' }]);
    });

    it('tells visitors apart by IP and user agent, without cookies', async () => {
      const page = { n: 'pageview', u: 'https://example.com/', d: 'example.com' };
      await sendEvent(target, page, NORWAY, { 'user-agent': FIREFOX_WINDOWS });
      await sendEvent(target, page, NORWAY, { 'user-agent': FIREFOX_WINDOWS });
      await sendEvent(target, page, NORWAY_2, { 'user-agent': FIREFOX_WINDOWS });
      await sendEvent(target, page, NORWAY, { 'user-agent': CHROME_MAC });
      const v = await visits();
      expect(v.map((x) => x.pageviews)).toEqual([2, 1, 1]);
      expect(new Set(v.map((x) => x.visitor)).size).toBe(3);
      // Same /24, so the stored address cannot tell the first two visitors apart.
      expect(v.map((x) => x.ip)).toEqual(['84.208.20.0', '84.208.20.0', '84.208.20.0']);
    });

    it('finds each visitor’s country and truncates IPv4 to /24 and IPv6 to /48', async () => {
      const page = { n: 'pageview', u: 'https://example.com/', d: 'example.com' };
      for (const visitor of [SWEDEN, GERMANY, NORWAY_V6, NOWHERE]) expect((await sendEvent(target, page, visitor)).status).toBe(202);
      expect((await visits()).map((v) => [v.country, v.ip])).toEqual([
        ['SE', '85.226.0.0'], ['DE', '91.64.0.0'], ['NO', '2a02:2121:1234::'], [null, '192.0.2.0'],
      ]);
    });

    it('keeps no address at all for a site that chose so', async () => {
      const id = await target.addSite('private.example');
      await target.execute("UPDATE sites SET ip_storage = 'none' WHERE id = ?", [id]);
      await sendEvent(target, { n: 'pageview', u: 'https://private.example/', d: 'private.example' }, GERMANY);
      expect(await target.query('SELECT country, ip FROM visits WHERE site_id = ?', [id])).toEqual([{ country: 'DE', ip: null }]);
    });

    it('reports the database writable at /healthz', async () => {
      const health = await target.request('/healthz');
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', database: 'writable', ingest: 'ok' });
    });

    it('serves the tracker, Plausible’s file names in any order, and the opt-out widget', async () => {
      const script = await target.request('/script.js');
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect(script.headers.get('set-cookie')).toBeNull();
      const core = await script.text();
      expect(core).toContain('/api/event');
      const js = await target.request('/js/script.js');
      expect(await js.text()).toBe(core);
      const canonical = await (await target.request('/js/script.hash.tagged-events.js')).text();
      const reordered = await target.request('/js/script.tagged-events.hash.js');
      expect(reordered.status).toBe(200);
      expect(await reordered.text()).toBe(canonical);
      expect(canonical).not.toBe(core);
      const optout = await target.request('/optout.js');
      expect(optout.status).toBe(200);
      expect(await optout.text()).toContain('teller_ignore');
      expect((await target.request('/js/script.nonsense.js')).status).toBe(404);
    });
  });
}
