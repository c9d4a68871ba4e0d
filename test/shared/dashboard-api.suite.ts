/**
 * The dashboard's server side on a fresh instance, the same on every runtime: first-run
 * setup, login and logout, throttling, the CSRF check (attacked), the Stats API by session
 * cookie, viewers who read only their sites, and shared links that read one site only.
 * Each adapter's runner calls `describeDashboardApi` with a function that starts its server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTarget, NORWAY, type StartTarget, type Visitor, sendEvent, SWEDEN } from './target.ts';

const OWNER = { email: 'owner@teller.example', password: 'correct horse battery' };
const VIEWER = { email: 'client@teller.example', password: 'viewer password 1' };
/** The Stats API's answer to any credential that may not read a site. */
const UNAUTHORIZED =
  "Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've requested.";

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** The value of the session cookie a response sets, or null. */
export function sessionCookieOf(headers: Headers): string | null {
  for (const line of headers.getSetCookie()) {
    const match = /^teller_session=([^;]*)/.exec(line);
    if (match) return match[1]!;
  }
  return null;
}

export function describeDashboardApi(runtime: string, start: StartTarget): void {
  describe(`Dashboard API on ${runtime}`, () => {
    let target: ApiTarget;
    let ownerCookie: string;

    /** A request as the dashboard in a browser makes it: same origin, JSON, the cookie when given. */
    const call = async (
      method: string,
      path: string,
      init: { cookie?: string; json?: unknown; headers?: Record<string, string>; visitor?: Visitor } = {},
    ): Promise<Answer> => {
      const headers: Record<string, string> = {};
      if (method !== 'GET' && method !== 'HEAD') headers.origin = target.origin;
      if (init.cookie) headers.cookie = `teller_session=${init.cookie}`;
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      Object.assign(headers, init.headers);
      for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
      const res = await target.request(path, { method, headers, body: init.json === undefined ? undefined : JSON.stringify(init.json) }, init.visitor);
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { text };
      }
      return { status: res.status, body, headers: res.headers };
    };
    const login = (who: { email: string; password: string }, visitor?: Visitor) => call('POST', '/api/dashboard/login', { json: who, visitor });
    const query = (init: { cookie?: string; headers?: Record<string, string> }, site = 'dash.example') =>
      call('POST', '/api/v2/query', { ...init, json: { site_id: site, metrics: ['visitors', 'pageviews'], date_range: 'day' } });
    const realtime = (init: { cookie?: string; headers?: Record<string, string> }, site = 'dash.example') =>
      call('GET', `/api/v1/stats/realtime/visitors?site_id=${site}`, init);

    beforeAll(async () => {
      target = await start();
      await target.addSite('dash.example');
      await target.addSite('other.example');
      const url = (path: string) => ({ n: 'pageview', u: `https://dash.example${path}`, d: 'dash.example' });
      expect((await sendEvent(target, url('/'), NORWAY)).status).toBe(202);
      expect((await sendEvent(target, url('/pricing'), SWEDEN)).status).toBe(202);
      expect((await sendEvent(target, { n: 'pageview', u: 'https://other.example/', d: 'other.example' }, NORWAY)).status).toBe(202);
    });
    afterAll(() => target?.close());

    it('asks for the owner account on a fresh database, creates it once, then answers 409', async () => {
      expect((await call('GET', '/api/dashboard/session')).body).toEqual({ state: 'setup' });
      const mismatch = await call('POST', '/api/dashboard/setup', { json: { ...OWNER, password2: 'something else entirely' } });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.error).toContain('password2');
      const short = await call('POST', '/api/dashboard/setup', { json: { email: OWNER.email, password: 'short', password2: 'short' } });
      expect(short.status).toBe(400);
      expect(short.body.error).toContain('at least 10');
      const bad = await call('POST', '/api/dashboard/setup', { json: { email: 'not-an-address', password: OWNER.password, password2: OWNER.password } });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toContain('email');

      const setup = await call('POST', '/api/dashboard/setup', { json: { ...OWNER, password2: OWNER.password } });
      expect(setup.status).toBe(200);
      expect(setup.body).toMatchObject({ state: 'in', user: { email: OWNER.email, role: 'owner' } });
      expect(sessionCookieOf(setup.headers)).toBeTruthy();

      const again = await call('POST', '/api/dashboard/setup', { json: { email: 'second@teller.example', password: OWNER.password, password2: OWNER.password } });
      expect(again.status).toBe(409);
      expect((await call('GET', '/api/dashboard/session')).body).toEqual({ state: 'login' });
    });

    it('logs in with an HttpOnly SameSite=Lax cookie, knows the session, and logout ends it', async () => {
      const answer = await login(OWNER);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ state: 'in', user: { email: OWNER.email, role: 'owner' } });
      const line = answer.headers.getSetCookie().find((l) => l.startsWith('teller_session='))!;
      expect(line).toMatch(/; HttpOnly/i);
      expect(line).toMatch(/; SameSite=Lax/i);
      expect(line).toMatch(/; Path=\//i);
      expect(/; Secure/i.test(line)).toBe(target.origin.startsWith('https:'));
      const cookie = sessionCookieOf(answer.headers)!;
      expect(cookie.length).toBeGreaterThanOrEqual(43);
      expect((await call('GET', '/api/dashboard/session', { cookie })).body).toMatchObject({ state: 'in', user: { email: OWNER.email, role: 'owner' } });

      const second = sessionCookieOf((await login(OWNER)).headers)!;
      expect(second).not.toBe(cookie);

      const out = await call('POST', '/api/dashboard/logout', { cookie });
      expect(out.status).toBe(200);
      expect(out.body).toEqual({ ok: true });
      expect(sessionCookieOf(out.headers)).toBe('');
      expect((await call('GET', '/api/dashboard/session', { cookie })).body).toEqual({ state: 'login' });
      expect((await call('GET', '/api/dashboard/sites', { cookie })).status).toBe(401);
      // The other session is untouched.
      expect((await call('GET', '/api/dashboard/session', { cookie: second })).body).toMatchObject({ state: 'in' });
      ownerCookie = second;
    });

    it('answers a wrong password and an unknown e-mail identically', async () => {
      const wrong = await login({ email: OWNER.email, password: 'not the password' }, SWEDEN);
      const unknown = await login({ email: 'nobody@teller.example', password: 'not the password' }, SWEDEN);
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(wrong.body).toEqual({ error: 'wrong e-mail or password' });
      expect(sessionCookieOf(wrong.headers)).toBeNull();
      expect(sessionCookieOf(unknown.headers)).toBeNull();
      expect([...wrong.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
    });

    it('throttles an account after repeated failures (429 + Retry-After) while another account still logs in', async () => {
      const victim = { email: 'victim@teller.example', password: 'victim password 1' };
      const setupViewer = await call('POST', '/api/dashboard/users', { cookie: ownerCookie, json: { ...victim, role: 'viewer', sites: ['dash.example'] } });
      expect(setupViewer.status).toBe(200);
      const attacker: Visitor = { ip: '203.0.113.9', country: 'XX' };
      for (let i = 0; i < 5; i++) expect((await login({ email: victim.email, password: `guess number ${i}` }, attacker)).status).toBe(401);
      const blocked = await login({ email: victim.email, password: 'guess number 6' }, attacker);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(blocked.body.error).toMatch(/too many/);
      // Even the right password waits: the throttle is decided before the password is checked.
      expect((await login(victim, NORWAY)).status).toBe(429);
      // Another account, from the attacker's own address, still gets in.
      expect((await login(OWNER, attacker)).status).toBe(200);
    });

    it('refuses a state-changing request by cookie that is not same-origin (403), however it is dressed', async () => {
      const add = (headers: Record<string, string>) => call('POST', '/api/dashboard/sites', { cookie: ownerCookie, json: { domain: 'csrf.example' }, headers });
      const attempts: Array<Record<string, string>> = [
        { origin: '' },
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { origin: '', 'sec-fetch-site': 'cross-site' },
        { origin: '', 'sec-fetch-site': 'same-site' },
        { origin: `${target.origin}.evil.example` },
        { origin: `${target.origin.replace(/:\d+$/, '')}:1` },
        { origin: target.origin.replace(/^http(s?):/, (_, tls: string) => (tls ? 'http:' : 'https:')) },
      ];
      for (const headers of attempts) {
        const answer = await add(headers);
        expect(answer.status, JSON.stringify(headers)).toBe(403);
        expect(answer.body.error).toContain('cross-origin');
      }
      expect((await query({ cookie: ownerCookie, headers: { origin: 'https://evil.example' } })).status).toBe(403);
      expect((await call('POST', '/api/dashboard/logout', { cookie: ownerCookie, headers: { origin: 'https://evil.example' } })).status).toBe(403);
      // Nothing was added, and the session still works.
      expect((await call('GET', '/api/dashboard/sites/csrf.example/settings', { cookie: ownerCookie })).status).toBe(404);
      const sameOrigin = await add({ origin: '', 'sec-fetch-site': 'same-origin' });
      expect(sameOrigin.status).toBe(200);
      expect(sameOrigin.body.domain).toBe('csrf.example');
    });

    it('answers Stats API queries and realtime for the owner by session cookie', async () => {
      const answer = await query({ cookie: ownerCookie });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect((answer.body.results as Array<{ metrics: number[] }>)[0]!.metrics).toEqual([2, 2]);
      const live = await realtime({ cookie: ownerCookie });
      expect(live.status).toBe(200);
      expect(live.body).toBe(2);
      expect((await query({ cookie: ownerCookie }, 'other.example')).status).toBe(200);
      expect((await query({ cookie: 'not-a-session' })).body).toEqual({ error: UNAUTHORIZED });
    });

    it('lets a viewer read only the sites granted to them', async () => {
      const created = await call('POST', '/api/dashboard/users', { cookie: ownerCookie, json: { ...VIEWER, role: 'viewer', sites: ['dash.example'] } });
      expect(created.status).toBe(200);
      expect(created.body.user).toMatchObject({ email: VIEWER.email, role: 'viewer', sites: ['dash.example'] });
      const viewer = sessionCookieOf((await login(VIEWER)).headers)!;
      // The session names only the granted site, with what its view needs.
      expect((await call('GET', '/api/dashboard/session', { cookie: viewer })).body).toEqual({
        state: 'in',
        user: { email: VIEWER.email, role: 'viewer' },
        sites: [{ domain: 'dash.example', timezone: expect.any(String) }],
      });

      expect((await query({ cookie: viewer })).status).toBe(200);
      expect((await realtime({ cookie: viewer })).body).toBe(2);
      const wrongToken = await query({ headers: { authorization: 'Bearer tlr_wrong' } }, 'other.example');
      for (const site of ['other.example', 'missing.example']) {
        const q = await query({ cookie: viewer }, site);
        expect(q.status).toBe(401);
        expect(q.body).toEqual(wrongToken.body);
        const r = await realtime({ cookie: viewer }, site);
        expect(r.status).toBe(401);
        expect(r.body).toEqual(wrongToken.body);
      }
      const sites = await call('GET', '/api/dashboard/sites', { cookie: viewer });
      expect((sites.body.sites as Array<{ domain: string }>).map((s) => s.domain)).toEqual(['dash.example']);
      // Dashboard routes: an ungranted site reads as an unknown one; owner routes are refused.
      const other = await call('GET', '/api/dashboard/sites/other.example/annotations', { cookie: viewer });
      const missing = await call('GET', '/api/dashboard/sites/missing.example/annotations', { cookie: viewer });
      expect(other.status).toBe(missing.status);
      expect(other.body).toEqual(missing.body);
      expect((await call('GET', '/api/dashboard/sites/dash.example/annotations', { cookie: viewer })).status).toBe(200);
      expect((await call('GET', '/api/dashboard/sites/dash.example/settings', { cookie: viewer })).status).toBe(403);
      expect((await call('GET', '/api/dashboard/users', { cookie: viewer })).status).toBe(403);
      expect((await call('POST', '/api/dashboard/sites', { cookie: viewer, json: { domain: 'viewer.example' } })).status).toBe(403);
    });

    it('gives a shared link its own site read-only, the visits log only when allowed, and nothing once revoked', async () => {
      const made = await call('POST', '/api/dashboard/sites/dash.example/shared-link', { cookie: ownerCookie, json: { showVisits: false } });
      expect(made.status).toBe(200);
      const url = made.body.url as string;
      expect(url.startsWith(`${target.origin}/share/`)).toBe(true);
      const token = url.slice(url.lastIndexOf('/') + 1);
      expect(token.length).toBeGreaterThanOrEqual(43);
      const share = { headers: { 'x-teller-share': token } };

      expect((await call('GET', '/api/dashboard/session', share)).body).toEqual({
        state: 'shared',
        site: { domain: 'dash.example', timezone: 'Etc/UTC' },
        showVisits: false,
      });
      expect((await query(share)).status).toBe(200);
      expect((await realtime(share)).body).toBe(2);
      expect((await call('GET', '/api/dashboard/sites/dash.example/annotations', share)).status).toBe(200);
      const wrongToken = await query({ headers: { authorization: 'Bearer tlr_wrong' } });
      expect((await query(share, 'other.example')).body).toEqual(wrongToken.body);
      expect((await query(share, 'other.example')).status).toBe(401);
      expect((await realtime(share, 'other.example')).status).toBe(401);
      for (const path of [
        '/api/dashboard/sites',
        '/api/dashboard/sites/dash.example/settings',
        '/api/dashboard/sites/dash.example/shared-link',
        '/api/dashboard/users',
        '/api/dashboard/sites/dash.example/tokens',
        '/api/v1/sites',
      ]) {
        expect([401, 403], path).toContain((await call('GET', path, share)).status);
      }
      expect([401, 403]).toContain((await call('POST', '/api/dashboard/sites/dash.example/annotations', { ...share, json: { day: '2026-01-01', text: 'x' } })).status);
      expect((await call('GET', '/api/dashboard/sites/dash.example/visits', share)).status).toBe(403);

      const patched = await call('PATCH', '/api/dashboard/sites/dash.example/shared-link', { cookie: ownerCookie, json: { showVisits: true } });
      expect(patched.body.link).toMatchObject({ showVisits: true, embeddable: false });
      const visits = await call('GET', '/api/dashboard/sites/dash.example/visits', share);
      expect(visits.status).toBe(200);
      expect((visits.body.visits as unknown[]).length).toBe(2);

      expect((await call('DELETE', '/api/dashboard/sites/dash.example/shared-link', { cookie: ownerCookie })).body).toEqual({ revoked: true });
      const revoked = await query(share);
      expect(revoked.status).toBe(401);
      expect(revoked.body).toEqual(wrongToken.body);
      expect((await realtime(share)).status).toBe(401);
      expect((await call('GET', '/api/dashboard/session', share)).body).toEqual({ state: 'login' });
    });

    it('answers the page paths with the shell', async () => {
      for (const path of ['/', '/sites/dash.example', '/sites/dash.example/settings', '/users', '/share/abc']) {
        const res = await target.request(path);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
        expect(await res.text(), path).toContain('<div id="app"></div>');
      }
    });
  });
}
