/**
 * The dashboard's goal routes over HTTP, the same on every runtime: the owner adds, renames,
 * reorders and deletes goals with messages naming the dashboard's fields; viewers and
 * shared links read the list and change nothing; the suggestions are the custom events
 * the site sends plus 404, outbound links and file downloads, less what goals already count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookieName, sessionCookieOf } from './dashboard-api.suite.ts';
import { type ApiTarget, NORWAY, NORWAY_2, SWEDEN, sendEvent, type StartTarget } from './target.ts';

const ADMIN_TOKEN = 'goals-dash-admin-token-0123456789abcdef';
const OWNER = { email: 'owner@goals.example', password: 'correct horse battery' };
const VIEWER = { email: 'viewer@goals.example', password: 'viewer password 1' };

interface GoalInfo {
  id: number;
  kind: 'page' | 'event';
  displayName: string;
  pagePath?: string;
  eventName?: string;
  prop?: { key: string; value: string } | null;
  currency?: string | null;
}

export function describeDashboardGoals(runtime: string, start: StartTarget): void {
  describe(`Dashboard goal routes on ${runtime}`, () => {
    let target: ApiTarget;
    let owner: string;
    let viewer: string;
    let shareToken: string;

    const call = async (method: string, path: string, init: { cookie?: string; json?: unknown; headers?: Record<string, string> } = {}) => {
      const headers: Record<string, string> = { ...init.headers };
      if (method !== 'GET') headers.origin ??= target.origin;
      if (init.cookie) headers.cookie = `${sessionCookieName(target.origin)}=${init.cookie}`;
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      const res = await target.request(path, { method, headers, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const goals = '/api/dashboard/sites/goals.example/goals';
    const add = (json: unknown, cookie = owner) => call('POST', goals, { cookie, json });
    const list = async (init: { cookie?: string; headers?: Record<string, string> } = { cookie: owner }) => {
      const answer = await call('GET', goals, init);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body as { goals: GoalInfo[]; suggestions: Array<{ eventName: string; sent: boolean }> };
    };
    const names = async () => (await list()).goals.map((g) => g.displayName);

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN_TOKEN });
      await target.addSite('goals.example');
      await target.addSite('other.example');
      const event = (n: string, p?: Record<string, string>) => ({ n, u: 'https://goals.example/pricing', d: 'goals.example', ...(p ? { p } : {}) });
      for (const [body, visitor] of [
        [event('pageview'), NORWAY],
        [event('Signup', { plan: 'pro' }), NORWAY],
        [event('Contact form'), SWEDEN],
        [event('File Download', { url: 'https://goals.example/a.pdf' }), NORWAY_2],
      ] as const) {
        expect((await sendEvent(target, body, visitor)).status).toBe(202);
      }
      expect((await sendEvent(target, { n: 'Other site event', u: 'https://other.example/', d: 'other.example' }, NORWAY)).status).toBe(202);

      const code = ((await (await target.request('/api/v1/setup-code', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { code: string }).code;
      const setup = await target.request('/api/dashboard/setup', {
        method: 'POST',
        headers: { origin: target.origin, 'content-type': 'application/json' },
        body: JSON.stringify({ ...OWNER, password2: OWNER.password, code }),
      });
      expect(setup.status).toBe(200);
      owner = sessionCookieOf(setup.headers)!;
      expect((await call('POST', '/api/dashboard/users', { cookie: owner, json: { ...VIEWER, sites: ['goals.example'] } })).status).toBe(200);
      const login = await target.request('/api/dashboard/login', { method: 'POST', headers: { origin: target.origin, 'content-type': 'application/json' }, body: JSON.stringify(VIEWER) });
      viewer = sessionCookieOf(login.headers)!;
      const link = await call('POST', '/api/dashboard/sites/goals.example/shared-links', { cookie: owner, json: { name: 'Board' } });
      const url = (link.body.link as { url: string }).url;
      shareToken = url.slice(url.lastIndexOf('/') + 1);
    });
    afterAll(() => target?.close());

    it('suggests the custom events the site sends, then 404, outbound links and file downloads', async () => {
      expect(await list()).toEqual({
        goals: [],
        suggestions: [
          { eventName: 'Contact form', sent: true },
          { eventName: 'Signup', sent: true },
          { eventName: '404', sent: false },
          { eventName: 'Outbound Link: Click', sent: false },
          { eventName: 'File Download', sent: true },
        ],
      });
    });

    it('adds page and event goals, finds an existing one, and leaves counted events out of the suggestions', async () => {
      const signup = await add({ kind: 'event', eventName: 'Signup' });
      expect(signup.status).toBe(201);
      expect(signup.body).toEqual({ created: true, goal: { id: expect.any(Number), kind: 'event', eventName: 'Signup', prop: null, currency: null, displayName: 'Signup' } });
      const again = await add({ kind: 'event', eventName: ' Signup ', displayName: 'Other name' });
      expect(again).toEqual({ status: 200, body: { created: false, goal: signup.body.goal } });

      const page = await add({ kind: 'page', pagePath: 'thanks/**', eventName: '', currency: '', prop: null, displayName: '' });
      expect(page.status, JSON.stringify(page.body)).toBe(201);
      expect(page.body.goal).toMatchObject({ kind: 'page', pagePath: '/thanks/**', displayName: 'Visit /thanks/**' });
      const pro = await add({ kind: 'event', eventName: 'Purchase', prop: { plan: 'pro' }, currency: 'nok', displayName: 'Pro purchase' });
      expect(pro.body.goal).toMatchObject({ kind: 'event', eventName: 'Purchase', prop: { key: 'plan', value: 'pro' }, currency: 'NOK', displayName: 'Pro purchase' });
      expect((await add({ kind: 'event', eventName: '404' })).status).toBe(201);

      const answer = await list();
      expect(answer.goals.map((g) => g.displayName)).toEqual(['Signup', 'Visit /thanks/**', 'Pro purchase', '404']);
      expect(answer.suggestions.map((s) => s.eventName)).toEqual(['Contact form', 'Outbound Link: Click', 'File Download']);
      // The site view asks for suggestions only when there is no goal to show.
      expect((await call('GET', `${goals}?suggestions=when-empty`, { cookie: owner })).body).toEqual({ goals: answer.goals, suggestions: [] });
      expect((await call('GET', '/api/dashboard/sites/other.example/goals?suggestions=when-empty', { cookie: owner })).body.suggestions).toHaveLength(4);
      // A property goal counts some of an event's conversions only: the event stays a suggestion.
      expect((await add({ kind: 'event', eventName: 'Contact form', prop: { form: 'footer' } })).status).toBe(201);
      expect((await list()).suggestions.map((s) => s.eventName)).toContain('Contact form');
    });

    it('refuses bad goals with 400s naming the dashboard\'s field', async () => {
      const bad = async (json: unknown, message: RegExp) => {
        const answer = await add(json);
        expect(answer.status, JSON.stringify(json)).toBe(400);
        expect(answer.body.error).toMatch(message);
      };
      await bad({ kind: 'visit', pagePath: '/' }, /^kind: must be page or event/);
      await bad({ kind: 'page' }, /^pagePath: is required for a page goal/);
      await bad({ kind: 'event', eventName: '  ' }, /^eventName: is required for an event goal/);
      await bad({ kind: 'event', eventName: 'pageview' }, /^eventName: "pageview" is not a custom event; make a page goal instead/);
      await bad({ kind: 'event', eventName: 'x'.repeat(121) }, /^eventName: at most 120 characters/);
      await bad({ kind: 'event', eventName: 'Buy', currency: 'euro' }, /^currency: an ISO 4217 currency code/);
      await bad({ kind: 'page', pagePath: '/a', currency: 'EUR' }, /^currency: only for an event goal/);
      await bad({ kind: 'event', eventName: 'Buy', prop: { a: '1', b: '2' } }, /^prop: at most one property per goal/);
      await bad({ kind: 'event', eventName: 'Buy', displayName: 'Signup' }, /^displayName: another goal of this site is called "Signup"/);
      await bad({ kind: 'event', eventName: 'Buy', displayName: 7 }, /^displayName: must be a string/);
      const notJson = await target.request(goals, { method: 'POST', headers: { origin: target.origin, cookie: `${sessionCookieName(target.origin)}=${owner}`, 'content-type': 'application/json' }, body: '{' });
      expect(notJson.status).toBe(400);
      expect(await names()).not.toContain('Buy');
    });

    it('renames a goal, refusing a blank or taken name', async () => {
      const [signup, page] = (await list()).goals;
      const renamed = await call('PATCH', `${goals}/${signup!.id}`, { cookie: owner, json: { displayName: '  Signed up ' } });
      expect(renamed).toEqual({ status: 200, body: { goal: { ...signup, displayName: 'Signed up' } } });
      expect((await call('PATCH', `${goals}/${signup!.id}`, { cookie: owner, json: { displayName: ' ' } })).body.error).toMatch(/^displayName: cannot be blank/);
      const taken = await call('PATCH', `${goals}/${page!.id}`, { cookie: owner, json: { displayName: 'Signed up' } });
      expect(taken.status).toBe(400);
      expect(taken.body.error).toMatch(/^displayName: another goal of this site is called "Signed up"/);
      expect((await call('PATCH', `${goals}/999999`, { cookie: owner, json: { displayName: 'x' } })).status).toBe(404);
      expect((await call('PATCH', `${goals}/abc`, { cookie: owner, json: { displayName: 'x' } })).status).toBe(404);
      expect(await names()).toEqual(['Signed up', 'Visit /thanks/**', 'Pro purchase', '404', 'Contact form (form: footer)']);
    });

    it('reorders the goals when every one is named once', async () => {
      const ids = (await list()).goals.map((g) => g.id);
      const reversed = [...ids].reverse();
      const answer = await call('PUT', `${goals}/order`, { cookie: owner, json: { ids: reversed } });
      expect(answer.status).toBe(200);
      expect((answer.body.goals as GoalInfo[]).map((g) => g.id)).toEqual(reversed);
      expect((await list()).goals.map((g) => g.id)).toEqual(reversed);
      for (const json of [{ ids: reversed.slice(1) }, { ids: [...reversed, reversed[0]] }, { ids: [...reversed.slice(1), 999999] }]) {
        const refused = await call('PUT', `${goals}/order`, { cookie: owner, json });
        expect(refused.status, JSON.stringify(json)).toBe(400);
        expect(refused.body.error).toMatch(/^ids: name each of the site's 5 goals once/);
      }
      expect((await call('PUT', `${goals}/order`, { cookie: owner, json: { ids: 'all' } })).body.error).toMatch(/^ids: /);
      expect((await list()).goals.map((g) => g.id)).toEqual(reversed);
    });

    it('filters recent visits by a goal, as the Goals panel\'s click does', async () => {
      const visits = async (filters: unknown) => {
        const params = new URLSearchParams({ date_range: JSON.stringify('day'), filters: JSON.stringify(filters) });
        return call('GET', `/api/dashboard/sites/goals.example/visits?${params}`, { cookie: owner });
      };
      const converted = await visits([['is', 'event:goal', ['Signed up']]]);
      expect(converted.status, JSON.stringify(converted.body)).toBe(200);
      expect((converted.body.visits as Array<{ country: string }>).map((v) => v.country)).toEqual(['NO']);
      // The log lists the visits the Stats API counts under the same filter, negated ones too.
      for (const op of ['is', 'is_not']) {
        const filters = [[op, 'event:goal', ['Signed up']]];
        const stats = await call('POST', '/api/v2/query', { cookie: owner, json: { site_id: 'goals.example', metrics: ['visits'], date_range: 'day', filters } });
        const counted = (stats.body.results as Array<{ metrics: number[] }>)[0]!.metrics[0];
        expect(((await visits(filters)).body.visits as unknown[]).length, op).toBe(counted);
      }
      const unknown = await visits([['is', 'event:goal', ['No such goal']]]);
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toContain('The goal `No such goal` is not configured for this site.');
    });

    it("refuses to delete a funnel's step with 409 naming the funnel, and deletes it once the funnel is gone", async () => {
      const [first, second] = (await list()).goals;
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const made = await call('PUT', '/api/v1/sites/goals.example/funnels', { headers: admin, json: { name: 'Step check', steps: [first!.id, second!.id] } });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const refused = await call('DELETE', `${goals}/${first!.id}`, { cookie: owner });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toContain('Step check');
      expect((await list()).goals.map((g) => g.id)).toContain(first!.id);
      const funnelId = made.body.id as number;
      expect((await call('DELETE', `/api/v1/sites/goals.example/funnels/${funnelId}`, { headers: admin })).status).toBe(200);
    });

    it('deletes a goal of this site only', async () => {
      const last = (await list()).goals.at(-1)!;
      expect((await call('DELETE', `/api/dashboard/sites/other.example/goals/${last.id}`, { cookie: owner })).status).toBe(404);
      expect(await call('DELETE', `${goals}/${last.id}`, { cookie: owner })).toEqual({ status: 200, body: { deleted: true } });
      expect((await call('DELETE', `${goals}/${last.id}`, { cookie: owner })).status).toBe(404);
      expect((await list()).goals.map((g) => g.id)).not.toContain(last.id);
      expect((await call('GET', '/api/dashboard/sites/other.example/goals', { cookie: owner })).body).toEqual({
        goals: [],
        suggestions: [
          { eventName: 'Other site event', sent: true },
          { eventName: '404', sent: false },
          { eventName: 'Outbound Link: Click', sent: false },
          { eventName: 'File Download', sent: false },
        ],
      });
    });

    it('lets viewers and shared links read the goals and change none; others see no site', async () => {
      const before = await list();
      expect(await list({ cookie: viewer })).toEqual(before);
      expect(await list({ headers: { 'x-teller-share': shareToken } })).toEqual(before);
      const id = before.goals[0]!.id;
      for (const who of [{ cookie: viewer }, { headers: { 'x-teller-share': shareToken } }]) {
        expect([401, 403], JSON.stringify(who)).toContain((await call('POST', goals, { ...who, json: { kind: 'event', eventName: 'Hack' } })).status);
        expect([401, 403]).toContain((await call('PATCH', `${goals}/${id}`, { ...who, json: { displayName: 'Hack' } })).status);
        expect([401, 403]).toContain((await call('DELETE', `${goals}/${id}`, who)).status);
        expect([401, 403]).toContain((await call('PUT', `${goals}/order`, { ...who, json: { ids: before.goals.map((g) => g.id) } })).status);
      }
      expect((await call('GET', '/api/dashboard/sites/other.example/goals', { cookie: viewer })).status).toBe(404);
      expect((await call('GET', goals)).status).toBe(401);
      // A change must come from the dashboard's own origin.
      expect((await call('POST', goals, { cookie: owner, json: { kind: 'event', eventName: 'Hack' }, headers: { origin: 'https://evil.example' } })).status).toBe(403);
      expect(await list()).toEqual(before);
    });
  });
}
