/**
 * The dashboard's server side on a fresh instance, the same on every runtime: first-run
 * setup, login and logout, throttling, the CSRF check (attacked), the Stats API by session
 * cookie, viewers who read only their sites, and shared links that read one site only.
 * Each adapter's runner calls `describeDashboardApi` with a function that starts its server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecentVisit } from '../../server/core/dashboard-api/contract.ts';
import { type ApiTarget, FIREFOX_WINDOWS, GERMANY, NORWAY, NORWAY_3, type StartTarget, type Visitor, sendEvent, SWEDEN } from './target.ts';

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

/** The admin token the suite's server is started with, to ask for the setup code as the operator. */
const ADMIN_TOKEN = 'suite-admin-token-0123456789abcdefghij';

/** The session cookie's name at an origin: browsers take `__Host-` names only over TLS. */
export function sessionCookieName(origin: string): string {
  return origin.startsWith('https:') ? '__Host-teller_session' : 'teller_session';
}

/** The value of the session cookie a response sets, or null. */
export function sessionCookieOf(headers: Headers): string | null {
  for (const line of headers.getSetCookie()) {
    const match = /^(?:__Host-)?teller_session=([^;]*)/.exec(line);
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
      if (init.cookie) headers.cookie = `${sessionCookieName(target.origin)}=${init.cookie}`;
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

    /** Asks for the setup code as the operator of a Workers deployment does: by the admin token. */
    const operatorSetupCode = async (): Promise<string> => {
      const answer = await call('GET', '/api/v1/setup-code', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.url).toBe(`${target.origin}/setup?code=${encodeURIComponent(answer.body.code as string)}`);
      return answer.body.code as string;
    };

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN_TOKEN });
      await target.addSite('dash.example');
      await target.addSite('other.example');
      const url = (path: string) => ({ n: 'pageview', u: `https://dash.example${path}`, d: 'dash.example' });
      expect((await sendEvent(target, url('/'), NORWAY)).status).toBe(202);
      expect((await sendEvent(target, url('/pricing'), SWEDEN)).status).toBe(202);
      expect((await sendEvent(target, { n: 'pageview', u: 'https://other.example/', d: 'other.example' }, NORWAY)).status).toBe(202);
    });
    afterAll(() => target?.close());

    it('makes nobody the owner without the setup code, whatever Host and Origin say', async () => {
      expect((await call('GET', '/api/dashboard/session')).body).toEqual({ state: 'setup' });
      const owner = { ...OWNER, password2: OWNER.password };
      // The server side of DNS rebinding: a foreign name that resolves to this server, Origin to match.
      const rebound = { host: 'rebound.evil.example', origin: 'http://rebound.evil.example' };
      const attempts: Array<{ json: Record<string, unknown>; headers?: Record<string, string> }> = [
        { json: owner },
        { json: { ...owner, code: '' } },
        { json: { ...owner, code: 'not-the-code-0123456789abcdef' } },
        { json: owner, headers: rebound },
        { json: { ...owner, code: 'not-the-code-0123456789abcdef' }, headers: rebound },
        { json: { ...owner, code: ['an', 'array'] } },
      ];
      for (const attempt of attempts) {
        const answer = await call('POST', '/api/dashboard/setup', attempt);
        expect(answer.status, JSON.stringify(attempt)).toBe(403);
        expect(sessionCookieOf(answer.headers)).toBeNull();
      }
      expect((await call('POST', '/api/dashboard/setup', { json: owner })).body.error).toMatch(/^code: the setup code is missing or wrong/);
      expect(await target.query('SELECT id FROM users')).toEqual([]);
      // The setup code is the operator's: no credential but the admin token is told it.
      expect((await call('GET', '/api/v1/setup-code')).status).toBe(401);
      expect((await call('GET', '/api/v1/setup-code', { headers: { authorization: 'Bearer tlr_wrong' } })).status).toBe(401);
    });

    it('throttles wrong setup codes per address block, counting attempts made at once', async () => {
      const guesser: Visitor = { ip: '198.51.100.7', country: 'XX' };
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          call('POST', '/api/dashboard/setup', { json: { ...OWNER, password2: OWNER.password, code: `guess-${i}-0123456789abcdefgh` }, visitor: guesser }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 403).length).toBe(10);
      expect(statuses.filter((s) => s === 429).length).toBe(6);
      const throttled = answers.find((a) => a.status === 429)!;
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      // Even the right code waits there; another address block is not held up.
      const code = await operatorSetupCode();
      expect((await call('POST', '/api/dashboard/setup', { json: { ...OWNER, password2: OWNER.password, code }, visitor: guesser })).status).toBe(429);
      expect(await target.query('SELECT id FROM users')).toEqual([]);
    });

    it('creates the owner with the operator\'s setup code once, then answers 409 and tells the code no more', async () => {
      const code = await operatorSetupCode();
      const mismatch = await call('POST', '/api/dashboard/setup', { json: { ...OWNER, password2: 'something else entirely', code } });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.error).toContain('password2');
      const short = await call('POST', '/api/dashboard/setup', { json: { email: OWNER.email, password: 'short', password2: 'short', code } });
      expect(short.status).toBe(400);
      expect(short.body.error).toContain('at least 10');
      const bad = await call('POST', '/api/dashboard/setup', { json: { email: 'not-an-address', password: OWNER.password, password2: OWNER.password, code } });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toContain('email');

      const setup = await call('POST', '/api/dashboard/setup', { json: { ...OWNER, password2: OWNER.password, code: ` ${code} ` }, visitor: NORWAY });
      expect(setup.status).toBe(200);
      expect(setup.body).toMatchObject({ state: 'in', user: { email: OWNER.email, role: 'owner' } });
      expect(sessionCookieOf(setup.headers)).toBeTruthy();

      const again = await call('POST', '/api/dashboard/setup', { json: { email: 'second@teller.example', password: OWNER.password, password2: OWNER.password, code } });
      expect(again.status).toBe(409);
      expect((await call('GET', '/api/dashboard/session')).body).toEqual({ state: 'login' });
      expect((await call('GET', '/api/v1/setup-code', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(409);
    });

    it('logs in with an HttpOnly SameSite=Lax cookie, knows the session, and logout ends it', async () => {
      const answer = await login(OWNER);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ state: 'in', user: { email: OWNER.email, role: 'owner' } });
      const line = answer.headers.getSetCookie().find((l) => l.startsWith(`${sessionCookieName(target.origin)}=`))!;
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

    it('throttles an account from one address block (429 + Retry-After) without locking its owner out elsewhere', async () => {
      const victim = { email: 'victim@teller.example', password: 'victim password 1' };
      const setupViewer = await call('POST', '/api/dashboard/users', { cookie: ownerCookie, json: { ...victim, role: 'viewer', sites: ['dash.example'] } });
      expect(setupViewer.status).toBe(200);
      const attacker: Visitor = { ip: '203.0.113.9', country: 'XX' };
      for (let i = 0; i < 5; i++) expect((await login({ email: victim.email, password: `guess number ${i}` }, attacker)).status).toBe(401);
      const blocked = await login({ email: victim.email, password: 'guess number 6' }, attacker);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(blocked.body.error).toMatch(/too many/);
      // Even the right password waits there: the throttle is decided before the password is checked.
      expect((await login(victim, attacker)).status).toBe(429);
      // The victim, elsewhere, is not locked out by someone else's wrong passwords.
      expect((await login(victim, NORWAY)).status).toBe(200);
      // Another account, from the attacker's own address, still gets in.
      expect((await login(OWNER, attacker)).status).toBe(200);
    });

    it('counts parallel guesses before checking any of them: no more than the limit are checked', async () => {
      const target2 = { email: 'parallel@teller.example', password: 'parallel password 1' };
      expect((await call('POST', '/api/dashboard/users', { cookie: ownerCookie, json: { ...target2, role: 'viewer', sites: [], noSites: true } })).status).toBe(200);
      const guesser: Visitor = { ip: '198.51.100.77', country: 'XX' };
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login({ email: target2.email, password: `parallel guess ${i}` }, guesser)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 401).length).toBe(5);
      expect(statuses.filter((s) => s === 429).length).toBe(25);
    });

    it('under attack from many address blocks, refuses new blocks but lets a block that logged in before go on', async () => {
      const account = { email: 'besieged@teller.example', password: 'besieged password 1' };
      expect((await call('POST', '/api/dashboard/users', { cookie: ownerCookie, json: { ...account, role: 'viewer', sites: [], noSites: true } })).status).toBe(200);
      const home: Visitor = { ip: '192.0.2.10', country: 'XX' };
      expect((await login(account, home)).status).toBe(200);
      // Eleven blocks, five wrong passwords each: 55 attempts, past the account's 50.
      for (let block = 0; block < 11; block++) {
        const from: Visitor = { ip: `203.0.${block + 1}.50`, country: 'XX' };
        await Promise.all(Array.from({ length: 5 }, (_, i) => login({ email: account.email, password: `wrong ${block}-${i}` }, from)));
      }
      const stranger: Visitor = { ip: '198.18.0.1', country: 'XX' };
      const refused = await login(account, stranger);
      expect(refused.status).toBe(429);
      expect((await login(account, home)).status).toBe(200);
    });

    it('changes a password only with the current one, and the change ends every other session', async () => {
      const person = { email: 'changer@teller.example', password: 'first password 1' };
      expect((await call('POST', '/api/dashboard/users', { cookie: ownerCookie, json: { ...person, role: 'viewer', sites: ['dash.example'] } })).status).toBe(200);
      const home: Visitor = { ip: '192.0.2.20', country: 'XX' };
      const laptop = sessionCookieOf((await login(person, home)).headers)!;
      const phone = sessionCookieOf((await login(person, home)).headers)!;
      const tablet = sessionCookieOf((await login(person, home)).headers)!;
      expect((await call('GET', '/api/dashboard/account', { cookie: laptop })).body).toEqual({ email: person.email, role: 'viewer', otherSessions: 2 });
      const change = (json: Record<string, unknown>, headers?: Record<string, string>) =>
        call('POST', '/api/dashboard/account/password', { cookie: laptop, json, headers, visitor: home });
      const wrong = await change({ current: 'not it at all', password: 'second password 2', password2: 'second password 2' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toBe('current: wrong password');
      expect((await change({ current: person.password, password: 'short', password2: 'short' })).body.error).toMatch(/^password: at least/);
      expect((await change({ current: person.password, password: 'second password 2', password2: 'second password 3' })).body.error).toMatch(/^password2/);
      expect((await change({ current: person.password, password: 'second password 2', password2: 'second password 2' }, { origin: 'https://evil.example' })).status).toBe(403);
      const changed = await change({ current: person.password, password: 'second password 2', password2: 'second password 2' });
      expect(changed.status).toBe(200);
      expect(changed.body).toEqual({ ok: true, sessionsEnded: 2 });
      expect((await call('GET', '/api/dashboard/session', { cookie: laptop })).body).toMatchObject({ state: 'in' });
      for (const other of [phone, tablet]) expect((await call('GET', '/api/dashboard/session', { cookie: other })).body).toEqual({ state: 'login' });
      expect((await login(person, home)).status).toBe(401);
      const again = sessionCookieOf((await login({ ...person, password: 'second password 2' }, home)).headers)!;
      expect(again).toBeTruthy();
      // Signing out elsewhere ends every session but this one.
      const out = await call('POST', '/api/dashboard/account/sign-out-others', { cookie: laptop });
      expect(out.body).toEqual({ ok: true, sessionsEnded: 1 });
      expect((await call('GET', '/api/dashboard/session', { cookie: again })).body).toEqual({ state: 'login' });
      expect((await call('GET', '/api/dashboard/account', { cookie: laptop })).body).toMatchObject({ otherSessions: 0 });
    });

    it('lets the owner set a viewer\'s lost password, which ends the viewer\'s sessions', async () => {
      const person = { email: 'forgetful@teller.example', password: 'forgotten password 1' };
      const made = await call('POST', '/api/dashboard/users', { cookie: ownerCookie, json: { ...person, role: 'viewer', sites: ['dash.example'] } });
      const id = (made.body.user as { id: number }).id;
      const session = sessionCookieOf((await login(person, NORWAY)).headers)!;
      expect((await call('PATCH', `/api/dashboard/users/${id}`, { cookie: ownerCookie, json: { password: 'short' } })).status).toBe(400);
      const set = await call('PATCH', `/api/dashboard/users/${id}`, { cookie: ownerCookie, json: { password: 'a new password 1' } });
      expect(set.status).toBe(200);
      expect(set.body.user).toMatchObject({ email: person.email, sites: ['dash.example'] });
      expect((await call('GET', '/api/dashboard/session', { cookie: session })).body).toEqual({ state: 'login' });
      expect((await login({ ...person, password: 'a new password 1' }, NORWAY)).status).toBe(200);
      // The viewer cannot do the same to anyone.
      const viewerSession = sessionCookieOf((await login({ ...person, password: 'a new password 1' }, NORWAY)).headers)!;
      expect((await call('PATCH', `/api/dashboard/users/${id}`, { cookie: viewerSession, json: { password: 'taken over 12345' } })).status).toBe(403);
    });

    it('adds a viewer with no site only when the owner says it is meant (noSites), with a 400 naming sites otherwise', async () => {
      const person = { email: 'nowhere@teller.example', password: 'nowhere password 1', role: 'viewer' };
      for (const json of [{ ...person, sites: [] }, person, { ...person, sites: [], noSites: false }]) {
        const refused = await call('POST', '/api/dashboard/users', { cookie: ownerCookie, json });
        expect(refused.status).toBe(400);
        expect(refused.body.error).toMatch(/^sites: a viewer with no site sees nothing/);
      }
      expect((await call('POST', '/api/dashboard/users', { cookie: ownerCookie, json: { ...person, sites: [], noSites: 'yes' } })).status).toBe(400);
      const listed = async () => ((await call('GET', '/api/dashboard/users', { cookie: ownerCookie })).body.users as Array<{ email: string }>).map((u) => u.email);
      expect(await listed()).not.toContain(person.email);
      const made = await call('POST', '/api/dashboard/users', { cookie: ownerCookie, json: { ...person, sites: [], noSites: true } });
      expect(made.status).toBe(200);
      expect(made.body.user).toMatchObject({ email: person.email, sites: [] });
    });

    it('marks logged-in JSON as never cached nor sniffed, and asks for HTTPS only over TLS', async () => {
      for (const [method, path, json] of [
        ['GET', '/api/dashboard/session', undefined],
        ['GET', '/api/dashboard/users', undefined],
        ['GET', '/api/dashboard/account', undefined],
        ['POST', '/api/v2/query', { site_id: 'dash.example', metrics: ['visitors'], date_range: 'day' }],
      ] as const) {
        const answer = await call(method, path, { cookie: ownerCookie, json });
        expect(answer.status, path).toBe(200);
        expect(answer.headers.get('cache-control'), path).toBe('no-store');
        expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
        expect(answer.headers.get('strict-transport-security'), path).toBe(target.origin.startsWith('https:') ? 'max-age=31536000' : null);
      }
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
        sites: [{ domain: 'dash.example', timezone: expect.any(String), location_precision: 'region' }],
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
      const made = await call('POST', '/api/dashboard/sites/dash.example/shared-links', { cookie: ownerCookie, json: { name: 'Board', showVisits: false } });
      expect(made.status).toBe(200);
      const link = made.body.link as { id: number; url: string };
      expect(link).toMatchObject({ name: 'Board', showVisits: false, embeddable: false, protected: false, lastUsedAt: null });
      expect(link.url.startsWith(`${target.origin}/share/`)).toBe(true);
      const token = link.url.slice(link.url.lastIndexOf('/') + 1);
      expect(token.length).toBeGreaterThanOrEqual(43);
      const share = { headers: { 'x-teller-share': token } };

      expect((await call('GET', '/api/dashboard/session', share)).body).toEqual({
        state: 'shared',
        site: { domain: 'dash.example', timezone: 'Etc/UTC', location_precision: 'region' },
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
        '/api/dashboard/sites/dash.example/shared-links',
        '/api/dashboard/users',
        '/api/dashboard/sites/dash.example/tokens',
        '/api/v1/sites',
      ]) {
        expect([401, 403], path).toContain((await call('GET', path, share)).status);
      }
      expect([401, 403]).toContain((await call('POST', '/api/dashboard/sites/dash.example/annotations', { ...share, json: { day: '2026-01-01', text: 'x' } })).status);
      expect((await call('GET', '/api/dashboard/sites/dash.example/visits', share)).status).toBe(403);

      const patched = await call('PATCH', `/api/dashboard/sites/dash.example/shared-links/${link.id}`, { cookie: ownerCookie, json: { showVisits: true } });
      expect(patched.body.link).toMatchObject({ name: 'Board', showVisits: true, embeddable: false, url: link.url });
      // Its use is recorded, for the owner's list.
      expect((patched.body.link as { lastUsedAt: number | null }).lastUsedAt).toBeGreaterThan(0);
      const visits = await call('GET', '/api/dashboard/sites/dash.example/visits', share);
      expect(visits.status).toBe(200);
      expect((visits.body.visits as unknown[]).length).toBe(2);

      expect((await call('DELETE', `/api/dashboard/sites/dash.example/shared-links/${link.id}`, { cookie: ownerCookie })).body).toEqual({ revoked: true });
      expect((await call('DELETE', `/api/dashboard/sites/dash.example/shared-links/${link.id}`, { cookie: ownerCookie })).status).toBe(404);
      const revoked = await query(share);
      expect(revoked.status).toBe(401);
      expect(revoked.body).toEqual(wrongToken.body);
      expect((await realtime(share)).status).toBe(401);
      expect((await call('GET', '/api/dashboard/session', share)).body).toEqual({ state: 'share-revoked' });
      const page = await target.request(`/share/${token}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('share-revoked');
    });

    it('keeps several named links per site, each with its address, and checks what the owner sends', async () => {
      const path = '/api/dashboard/sites/dash.example/shared-links';
      const a = (await call('POST', path, { cookie: ownerCookie, json: { name: '  For Acme\'s marketing team ' } })).body.link as { id: number; url: string };
      const b = (await call('POST', path, { cookie: ownerCookie, json: {} })).body.link as { id: number; url: string };
      const list = (await call('GET', path, { cookie: ownerCookie })).body.links as Array<{ id: number; name: string; url: string }>;
      expect(list.map((l) => [l.name, l.url])).toEqual([
        ["For Acme's marketing team", a.url],
        ['Shared link', b.url],
      ]);
      for (const json of [{ name: '' }, { name: '   ' }, { name: 'x'.repeat(101) }, { name: 7 }, { showVisits: 'yes' }, { password: 'short' }, { password: 12 }]) {
        const answer = await call('POST', path, { cookie: ownerCookie, json });
        expect(answer.status, JSON.stringify(json)).toBe(400);
        expect(answer.body.error, JSON.stringify(json)).toMatch(/^(name|showVisits|password): /);
      }
      for (const id of ['999999', 'abc', '1.5']) {
        expect((await call('PATCH', `${path}/${id}`, { cookie: ownerCookie, json: { name: 'x' } })).status).toBe(404);
        expect((await call('DELETE', `${path}/${id}`, { cookie: ownerCookie })).status).toBe(404);
      }
      // A link of another site is not reached through this one.
      const other = (await call('POST', '/api/dashboard/sites/other.example/shared-links', { cookie: ownerCookie, json: {} })).body.link as { id: number };
      expect((await call('DELETE', `${path}/${other.id}`, { cookie: ownerCookie })).status).toBe(404);
      for (const link of [a, b]) await call('DELETE', `${path}/${link.id}`, { cookie: ownerCookie });
      await call('DELETE', `/api/dashboard/sites/other.example/shared-links/${other.id}`, { cookie: ownerCookie });
      expect((await call('GET', path, { cookie: ownerCookie })).body.links).toEqual([]);
    });

    it('opens a password-protected link only with its password, by a cookie for that link alone, throttling wrong ones', async () => {
      const path = '/api/dashboard/sites/dash.example/shared-links';
      const password = 'acme reads our numbers';
      const made = (await call('POST', path, { cookie: ownerCookie, json: { name: 'Acme', password } })).body.link as { id: number; url: string; protected: boolean };
      expect(made.protected).toBe(true);
      const token = made.url.slice(made.url.lastIndexOf('/') + 1);
      const share = { 'x-teller-share': token };
      expect((await call('GET', '/api/dashboard/session', { headers: share })).body).toEqual({ state: 'share-locked' });
      expect((await query({ headers: share })).status).toBe(401);
      expect(await (await target.request(`/share/${token}`)).text()).toContain('share-locked');

      const unlock = (json: unknown, visitor?: Visitor, headers: Record<string, string> = share) => call('POST', '/api/dashboard/share/unlock', { json, headers, visitor });
      const guesser: Visitor = { ip: '100.64.77.9', country: 'XX' };
      const wrong = await unlock({ password: 'not it at all' }, guesser);
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('wrong password');
      expect(wrong.headers.getSetCookie()).toEqual([]);
      expect((await unlock({}, guesser)).status).toBe(400);
      expect((await unlock({ password }, guesser, { 'x-teller-share': 'no-such-link-token' })).status).toBe(404);
      expect((await unlock({ password }, guesser, { ...share, origin: 'https://evil.example' })).status).toBe(403);
      // As logins: five tries from one address block, then 429 even for the right password.
      for (let i = 0; i < 4; i++) await unlock({ password: `guess ${i}` }, guesser);
      const throttled = await unlock({ password }, guesser);
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);

      const right = await unlock({ password }, NORWAY);
      expect(right.status).toBe(200);
      expect(right.body).toMatchObject({ state: 'shared', site: { domain: 'dash.example' } });
      const setCookie = right.headers.getSetCookie().find((line) => line.includes(`teller_share_${made.id}=`))!;
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);
      const cookie = setCookie.split(';')[0]!;
      expect((await query({ headers: { ...share, cookie } })).status).toBe(200);
      expect((await call('GET', '/api/dashboard/session', { headers: { ...share, cookie } })).body).toMatchObject({ state: 'shared' });

      // The cookie opens this link only, and only until its password changes.
      const second = (await call('POST', path, { cookie: ownerCookie, json: { name: 'Other', password } })).body.link as { id: number; url: string };
      const secondShare = { 'x-teller-share': second.url.slice(second.url.lastIndexOf('/') + 1) };
      const [name, value] = cookie.split('=');
      expect((await query({ headers: { ...secondShare, cookie: `${name!.replace(String(made.id), String(second.id))}=${value}` } })).status).toBe(401);
      await call('PATCH', `${path}/${made.id}`, { cookie: ownerCookie, json: { password: 'a brand new password' } });
      expect((await query({ headers: { ...share, cookie } })).status).toBe(401);
      // Without a password again, the link opens for anyone.
      await call('PATCH', `${path}/${made.id}`, { cookie: ownerCookie, json: { password: null } });
      expect((await query({ headers: share })).status).toBe(200);
      for (const id of [made.id, second.id]) await call('DELETE', `${path}/${id}`, { cookie: ownerCookie });
    });

    it('gives each recent visit its trail in order and its site-search words, with nothing of the address or browser string', async () => {
      await target.addSite('trail.example');
      const event = (path: string, n = 'pageview') => ({ n, u: `https://trail.example${path}`, d: 'trail.example' });
      for (const [path, name] of [['/', 'pageview'], ['/search?q=red+shoes&ref=nav', 'pageview'], ['/search?q=red+shoes', 'Signup'], ['/pricing?utm_source=x', 'pageview']]) {
        expect((await sendEvent(target, event(path!, name), NORWAY_3)).status).toBe(202);
      }
      expect((await sendEvent(target, event('/about'), GERMANY)).status).toBe(202);
      const answer = await call('GET', '/api/dashboard/sites/trail.example/visits', { cookie: ownerCookie });
      expect(answer.status).toBe(200);
      const [germany, norway] = answer.body.visits as RecentVisit[];
      expect(norway!.trail.map((s) => [s.name, s.path, s.siteSearch])).toEqual([
        ['pageview', '/', null],
        ['pageview', '/search', 'red shoes'],
        ['Signup', '/search', 'red shoes'],
        ['pageview', '/pricing', null],
      ]);
      expect(norway!.trail.map((s) => s.at).every((at, i, all) => at >= norway!.startedAt && (i === 0 || at >= all[i - 1]!))).toBe(true);
      expect(norway).toMatchObject({ siteSearches: ['red shoes'], searchKeyword: null, trailMore: 0, pageviews: 3 });
      expect(germany).toMatchObject({ siteSearches: [], trail: [{ name: 'pageview', path: '/about', siteSearch: null }] });
      const text = JSON.stringify(answer.body);
      for (const secret of [NORWAY_3.ip, GERMANY.ip, FIREFOX_WINDOWS, 'utm_source', 'ref=nav']) expect(text).not.toContain(secret);
    });

    it('answers the page paths with the shell', async () => {
      for (const path of ['/', '/setup', '/account', '/sites/dash.example', '/sites/dash.example/settings', '/users', '/share/abc']) {
        const res = await target.request(path);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
        expect(await res.text(), path).toContain('<div id="app"></div>');
      }
    });
  });
}
