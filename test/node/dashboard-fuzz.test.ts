/**
 * Random methods, paths, query strings and bodies on the dashboard's routes, as the owner
 * (who reaches every route), a viewer, a shared link and nobody: never a 5xx, always JSON.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendEvent, startTestServer, type TestServer } from '../helpers/server.ts';
import { sessionCookieOf } from '../shared/dashboard-api.suite.ts';
import { call, setupOwner } from './dashboard-helpers.ts';

let server: TestServer;
let ownerCookie: string;
let viewerCookie: string;
let shareToken: string;

beforeAll(async () => {
  server = await startTestServer();
  ownerCookie = await setupOwner(server);
  await server.addSite('fuzz.example');
  await server.addSite('other.example');
  await sendEvent(server, { n: 'pageview', u: 'https://fuzz.example/', d: 'fuzz.example' });
  await call(server, 'POST', '/api/dashboard/users', {
    cookie: ownerCookie,
    json: { email: 'viewer@teller.example', password: 'viewer password 1', sites: ['fuzz.example'] },
  });
  viewerCookie = sessionCookieOf((await call(server, 'POST', '/api/dashboard/login', { json: { email: 'viewer@teller.example', password: 'viewer password 1' } })).headers)!;
  const link = await call(server, 'POST', '/api/dashboard/sites/fuzz.example/shared-links', { cookie: ownerCookie, json: { showVisits: true } });
  shareToken = (link.body.link as { url: string }).url.split('/share/')[1]!;
});
afterAll(() => server.stop());

const segment = fc.oneof(
  fc.constantFrom('fuzz.example', 'other.example', 'missing.example', 'WWW.Fuzz.Example', '1', '0', '-1', '99999999999999999999', '%00', '..', '%2F'),
  fc.stringMatching(/^[A-Za-z0-9._~%-]{1,30}$/),
);
const path = fc.oneof(
  fc.constantFrom('/api/dashboard/session', '/api/dashboard/setup', '/api/dashboard/login', '/api/dashboard/sites', '/api/dashboard/users'),
  segment.map((d) => `/api/dashboard/sites/${d}`),
  fc.tuple(segment, fc.constantFrom('first-event', 'settings', 'tokens', 'shared-links', 'annotations', 'visits', 'goals', 'goals/order', 'alerts', 'alerts/test')).map(([d, r]) => `/api/dashboard/sites/${d}/${r}`),
  fc.tuple(segment, fc.constantFrom('tokens', 'annotations', 'goals'), segment).map(([d, r, id]) => `/api/dashboard/sites/${d}/${r}/${id}`),
  segment.map((id) => `/api/dashboard/users/${id}`),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/api/dashboard/${parts.join('/')}`),
);
const queryValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('"day"', '"all"', '["2026-01-01","2026-01-31"]', '[["is","visit:country",["NO"]]]', '[["contains","event:page",["/"]]]', '[["is","event:goal",["Signup"]]]', '0', '2', '101'),
);
const query = fc.dictionary(fc.constantFrom('date_range', 'filters', 'page', 'limit', 'from', 'to', 'suggestions'), queryValue, { maxKeys: 4 });
const jsonField = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
  // Goals: a kind, a name or path, a property, ids to reorder.
  fc.constantFrom('event', 'page', 'Signup', '/thanks/**', 'EUR'),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), { maxKeys: 2 }),
  fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 4 }),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 300 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .dictionary(
      fc.constantFrom('email', 'password', 'password2', 'domain', 'timezone', 'confirm', 'sites', 'role', 'day', 'text', 'showVisits', 'embeddable', 'ipStorage', 'retentionDays', 'excludedIps', 'excludedPaths', 'allowedHostnames', 'searchParams', 'kind', 'pagePath', 'eventName', 'prop', 'currency', 'displayName', 'ids'),
      jsonField,
      { maxKeys: 5 },
    )
    .map((o) => JSON.stringify(o)),
);
/** Who asks; never a logout, which would end the session the next runs use. */
const who = fc.constantFrom('owner', 'viewer', 'share', 'nobody', 'foreign');

describe('dashboard routes under random input', () => {
  it('never answer 5xx, and answer JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'), path, query, body, who, async (method, p, q, b, asker) => {
        if (p.endsWith('/logout')) return;
        const headers: Record<string, string> = {};
        if (asker === 'share') headers['x-teller-share'] = shareToken;
        if (asker === 'foreign') headers.origin = 'https://evil.example';
        const cookie = asker === 'owner' || asker === 'foreign' ? ownerCookie : asker === 'viewer' ? viewerCookie : undefined;
        const qs = new URLSearchParams(q).toString();
        const answer = await call(server, method, `${p}${qs ? `?${qs}` : ''}`, { cookie, body: b, headers: { ...headers, 'content-type': 'application/json' } });
        expect(answer.status, `${method} ${p}?${qs} ${b ?? ''}`).toBeLessThan(500);
        // A client resolves '..' segments before sending, as fetch does: '/api/dashboard/../../x' asks for the page '/x'.
        if (new URL(p, server.url).pathname.startsWith('/api/')) expect(answer.headers.get('content-type'), `${method} ${p}`).toContain('application/json');
      }),
      { numRuns: 300 },
    );
    expect(server.log.lines.filter((l) => l.includes('unhandled error'))).toEqual([]);
  });
});
