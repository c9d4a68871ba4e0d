/**
 * Ten thousand generated requests against every route the server has (events, Stats API,
 * Sites API, realtime, health, privacy and admin routes, static files, dashboard pages and
 * JSON routes), from every kind of caller that may not change anything: nobody, wrong and
 * read-only tokens, a viewer, a shared link, and the owner's cookie sent from a foreign
 * origin. Nothing answers 5xx, the server stays up, nothing already stored changes, and no
 * log line of the whole run (nor the CLI's output around it) holds a secret, a full IP
 * address or a user-agent string.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../server/core/tokens.ts';
import { runCli } from '../../server/node/cli.ts';
import { CHROME_MAC, FIREFOX_WINDOWS, SAFARI_IPHONE, type TestServer, sendEvent, startTestServer } from '../helpers/server.ts';
import { sessionCookieOf } from '../shared/dashboard-api.suite.ts';
import { OWNER, call, setupOwner } from './dashboard-helpers.ts';

const ADMIN_TOKEN = 'fuzz-admin-token-0123456789abcdef-0123';
const VIEWER = { email: 'viewer@teller.example', password: 'viewer password 1' };
/** Visitors of the seeded events: their full addresses and agents must never reach a log line. */
const SEEDED = [
  { ip: '84.208.20.110', ua: FIREFOX_WINDOWS },
  { ip: '85.226.0.1', ua: SAFARI_IPHONE },
  { ip: '2a02:2121:1234:5678::1', ua: CHROME_MAC },
];

let server: TestServer;
let ownerCookie: string;
let viewerCookie: string;
let shareToken: string;
let siteToken: string;
const cliOutput: string[] = [];

/**
 * Every stored row a caller without write rights must leave as it is: events may be added
 * (an event is anyone's to send), so rows are compared up to the last ids seen before.
 */
const snapshot = (last: { event: number; visit: number }) =>
  Promise.all([
    server.db.all('SELECT * FROM sites ORDER BY id'),
    server.db.all('SELECT * FROM users ORDER BY id'),
    // Using a token records when (to the hour); nothing else of it may change.
    server.db.all('SELECT id, token_hash, prefix, site_id, created_at FROM tokens ORDER BY id'),
    server.db.all('SELECT * FROM user_sites ORDER BY site_id, user_id'),
    // Using a shared link records when (to the hour), as a token.
    server.db.all('SELECT id, site_id, name, token_hash, token, prefix, show_visits, embeddable, password_hash, created_at, revoked_at FROM shared_links ORDER BY id'),
    server.db.all('SELECT * FROM annotations ORDER BY id'),
    server.db.all('SELECT * FROM goals ORDER BY id'),
    server.db.all('SELECT * FROM events WHERE id <= ? ORDER BY id', [last.event]),
    server.db.all('SELECT * FROM event_props WHERE event_id <= ? ORDER BY event_id, key', [last.event]),
    // A visit may be lengthened by a new event of the same visitor; what it was stays.
    server.db.all('SELECT id, site_id, visitor, started_at, entry_page, referrer, source, country, browser, os, device, ip FROM visits WHERE id <= ? ORDER BY id', [last.visit]),
  ]);

beforeAll(async () => {
  server = await startTestServer({ config: { trustProxy: 1, adminToken: ADMIN_TOKEN } });
  ownerCookie = await setupOwner(server);
  const siteId = await server.addSite('fuzz.example');
  await server.addSite('other.example');
  for (const [i, v] of SEEDED.entries()) {
    const res = await sendEvent(server, { n: i === 2 ? 'Signup' : 'pageview', u: `https://fuzz.example/seed/${i}?q=words`, d: 'fuzz.example', p: { plan: 'pro' } }, { 'x-forwarded-for': v.ip, 'user-agent': v.ua });
    expect(res.status).toBe(202);
  }
  await call(server, 'POST', '/api/dashboard/users', { cookie: ownerCookie, json: { ...VIEWER, sites: ['fuzz.example'] } });
  viewerCookie = sessionCookieOf((await call(server, 'POST', '/api/dashboard/login', { json: VIEWER })).headers)!;
  const link = await call(server, 'POST', '/api/dashboard/sites/fuzz.example/shared-links', { cookie: ownerCookie, json: { showVisits: true } });
  shareToken = (link.body.link as { url: string }).url.split('/share/')[1]!;
  await call(server, 'POST', '/api/dashboard/sites/fuzz.example/annotations', { cookie: ownerCookie, json: { day: '2026-11-01', text: 'relaunch' } });
  await call(server, 'POST', '/api/dashboard/sites/fuzz.example/goals', { cookie: ownerCookie, json: { kind: 'event', eventName: 'Signup' } });
  siteToken = await createToken(server.db, { siteId }, Date.now());
  // The CLI around the run, its errors included.
  const cli = (...argv: string[]) =>
    runCli(argv, { stdout: (l) => cliOutput.push(l), stderr: (l) => cliOutput.push(l), prompt: async () => null, env: { TELLER_DB: server.dbPath, TELLER_PASSWORD: 'cli password 12345' } });
  await cli('user', 'add', 'cli@teller.example');
  await cli('user', 'add', 'cli@teller.example');
  await cli('user', 'add', 'not-an-email');
  await cli('site', 'list');
  await cli('site', 'set', 'fuzz.example', '--exclude-ip', 'banana');
}, 60_000);
afterAll(() => server.stop());

const domain = fc.constantFrom('fuzz.example', 'other.example', 'missing.example', 'WWW.Fuzz.Example', '', '%00', '..', 'a'.repeat(300));
const text = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('..%2F..%2Fetc%2Fpasswd', '%E0%A4%A', '<script>', "' OR 1=1 --", '\u0000', '🙂'));
const path = fc.oneof(
  fc.constant('/api/event'),
  fc.constantFrom(
    '/api/event', '/api/v2/query', '/api/v1/sites', '/api/v1/stats/realtime/visitors', '/healthz', '/', '/users', '/script.js', '/js/script.outbound-links.js',
    '/optout.js', '/dashboard/app.js', '/dashboard/app.css', '/dashboard/countries-110m.json', '/api/dashboard/session', '/api/dashboard/sites', '/api/dashboard/users',
    '/api/dashboard/login', '/api/dashboard/setup', '/api/dashboard/queries', '/favicon.ico', '/.env', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd',
  ),
  domain.map((d) => `/api/v1/sites/${encodeURIComponent(d)}`),
  fc.tuple(domain, fc.constantFrom('privacy-text', 'purge', 'export', 'imports', 'imports/1', 'imports/x%00', 'funnels', 'funnels/1', 'funnels/1/query', 'funnels/x%00')).map(([d, r]) => `/api/v1/sites/${encodeURIComponent(d)}/${r}`),
  fc.tuple(domain, fc.constantFrom('', '/settings', '/first-event', '/tokens', '/tokens/1', '/shared-links', '/shared-links/1', '/annotations', '/annotations/1', '/visits', '/properties', '/properties?event=Signup', '/goals', '/goals/1', '/goals/order')).map(
    ([d, r]) => `/api/dashboard/sites/${encodeURIComponent(d)}${r}`,
  ),
  domain.map((d) => `/sites/${encodeURIComponent(d)}`),
  fc.string({ maxLength: 40 }).map((s) => `/share/${encodeURIComponent(s)}`),
  text.map((s) => `/${encodeURIComponent(s)}`),
);
const query = fc.dictionary(fc.constantFrom('site_id', 'date_range', 'filters', 'page', 'limit', 'lang', 'format', 'from', 'to', 'before'), text, { maxKeys: 3 });
const statsBody = fc.record(
  {
    site_id: domain,
    metrics: fc.oneof(fc.constant(['visitors']), fc.array(fc.constantFrom('visitors', 'visits', 'pageviews', 'bounce_rate', 'percentage', 'nope'), { maxLength: 4 })),
    date_range: fc.oneof(fc.constantFrom('day', '7d', '30d', 'all', '12mo', 'month'), fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }))),
    dimensions: fc.array(fc.constantFrom('visit:country', 'event:page', 'visit:source', 'time:day', 'event:props:plan', 'visit:nope'), { maxLength: 2 }),
    filters: fc.array(fc.tuple(fc.constantFrom('is', 'contains', 'is_not', 'matches'), fc.constantFrom('visit:country', 'event:page', 'event:name'), fc.array(text, { maxLength: 2 })), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const eventBody = fc.record(
  { n: fc.oneof(fc.constant('pageview'), text), u: fc.oneof(fc.constant('https://fuzz.example/fuzzed'), text), d: domain, r: text, p: fc.dictionary(text, text, { maxKeys: 3 }) },
  { requiredKeys: [] },
);
const validEvent = fc
  .record({ n: fc.constantFrom('pageview', 'Signup'), u: fc.webPath().map((p) => `https://fuzz.example${p.startsWith('/') ? p : `/${p}`}`), d: fc.constantFrom('fuzz.example', 'other.example'), p: fc.dictionary(text, text, { maxKeys: 2 }) })
  .map((b) => JSON.stringify(b));
const body = fc.oneof(
  fc.constant(undefined),
  validEvent,
  text,
  statsBody.map((b) => JSON.stringify(b)),
  fc.array(statsBody, { maxLength: 3 }).map((queries) => JSON.stringify({ queries })),
  eventBody.map((b) => JSON.stringify(b)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('{"email":"owner@teller.example","password":"wrong password 1"}', '{"before":"2099-01-01"}', '{"domain":"new.example"}', '{"confirm":"fuzz.example"}'),
);
/** Callers that may read at most: none of them can change what is stored. */
const caller = fc.constantFrom('nobody', 'bad-token', 'site-token', 'viewer', 'share', 'owner-foreign-origin', 'owner-no-origin-cross-site', 'owner-get');
const method = fc.constantFrom('GET', 'GET', 'POST', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS');
const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '');

function headersFor(who: string, m: string): { headers: Record<string, string>; method: string } {
  const headers: Record<string, string> = { 'user-agent': FIREFOX_WINDOWS, 'x-forwarded-for': '203.0.113.77' };
  switch (who) {
    case 'bad-token':
      headers.authorization = `Bearer ${siteToken.slice(0, -2)}xx`;
      break;
    case 'site-token':
      headers.authorization = `Bearer ${siteToken}`;
      break;
    case 'viewer':
      headers.cookie = `teller_session=${viewerCookie}`;
      headers.origin = server.url;
      break;
    case 'share':
      headers['x-teller-share'] = shareToken;
      break;
    case 'owner-foreign-origin':
      headers.cookie = `teller_session=${ownerCookie}`;
      headers.origin = 'https://evil.example';
      break;
    case 'owner-no-origin-cross-site':
      headers.cookie = `teller_session=${ownerCookie}`;
      headers['sec-fetch-site'] = 'cross-site';
      break;
    case 'owner-get':
      headers.cookie = `teller_session=${ownerCookie}`;
      return { headers, method: 'GET' };
  }
  return { headers, method: m };
}

describe('every route under generated requests', () => {
  it('answers below 500, stays up, changes nothing stored, and logs no secret', async () => {
    const last = {
      event: (await server.db.first<{ n: number }>('SELECT max(id) AS n FROM events'))!.n,
      visit: (await server.db.first<{ n: number }>('SELECT max(id) AS n FROM visits'))!.n,
    };
    const before = await snapshot(last);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(caller, method, path, query, body, contentType, async (who, m, p, q, b, type) => {
        // A logout or a viewer's own session ending is the caller's right; the fuzz keeps them.
        if (p.includes('logout')) return;
        const asked = headersFor(who, m);
        const qs = new URLSearchParams(q).toString();
        if (type) asked.headers['content-type'] = type;
        const res = await fetch(`${server.url}${p}${qs ? `?${qs}` : ''}`, {
          method: asked.method,
          headers: asked.headers,
          body: asked.method === 'GET' || asked.method === 'HEAD' ? undefined : b,
          redirect: 'manual',
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${who} ${asked.method} ${p}?${qs} ${String(b).slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: 10_000 },
    );

    // The generators reach accepting and refusing branches alike.
    for (const status of [200, 202, 400, 401, 403, 404]) expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(0);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await snapshot(last)).toEqual(before);
    expect(server.log.lines.filter((l) => l.includes('unhandled error'))).toEqual([]);

    const secrets = [OWNER.password, VIEWER.password, 'cli password 12345', ownerCookie, viewerCookie, shareToken, siteToken, ADMIN_TOKEN, ...SEEDED.map((v) => v.ip), '203.0.113.77'];
    const agents = [FIREFOX_WINDOWS, SAFARI_IPHONE, CHROME_MAC];
    const everything = [...server.log.lines, ...cliOutput];
    expect(everything.length).toBeGreaterThan(0);
    for (const line of everything) {
      for (const secret of secrets) expect(line, 'a log line holds a secret or a full address').not.toContain(secret);
      for (const agent of agents) expect(line, 'a log line holds a user agent').not.toContain(agent);
      expect(line, 'a log line holds a full IPv4 address').not.toMatch(/\b(?!127\.0\.0\.1\b)\d{1,3}\.\d{1,3}\.\d{1,3}\.(?!0\b)\d{1,3}\b/);
    }
  }, 300_000);
});
